"""hacking/pristine_schemas.py: a recorded schema without the annotations of the recording node's history."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from helpers.importable import module_from_file

REPO = Path(__file__).resolve().parents[2]


def tool() -> ModuleType:
    return module_from_file(REPO / "hacking" / "pristine_schemas.py")


def test_annotations_a_fresh_node_lacks_are_removed_the_rest_is_kept() -> None:
    recorded = {"entity_checks": [{"conditional": {"if_match": {"len_min": 1, "one_of": ["a"]}}},
                                  {"conditional": {"if_match": {"len_min": 1}}}],
                "fields": [{"name": {"type": "string", "len_min": 1}},
                           {"tags": {"type": "set", "elements": {"type": "string", "len_min": 1, "required": True}}},
                           {"host": {"type": "string", "len_min": 1, "description": "declared"}}]}
    fresh = {"entity_checks": [{"conditional": {"if_match": {"one_of": ["a"]}}},
                               {"conditional": {"if_match": {"len_min": 1}}}],
             # another node start: fields in another order (Lua-hash-built records)
             "fields": [{"host": {"type": "string", "len_min": 1, "description": "declared"}},
                        {"name": {"type": "string"}},
                        {"tags": {"type": "set", "elements": {"type": "string", "required": True}}}]}
    assert tool().strip(recorded, fresh) == {
        "entity_checks": [{"conditional": {"if_match": {"one_of": ["a"]}}},
                          {"conditional": {"if_match": {"len_min": 1}}}],
        "fields": [{"name": {"type": "string"}},
                   {"tags": {"type": "set", "elements": {"type": "string", "required": True}}},
                   {"host": {"type": "string", "len_min": 1, "description": "declared"}}]}
