# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A decK state file read as Kong lists its entities: nested and flat forms alike, references as ids."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_file import DeckDocument, DeckError
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_reader import DeckReader
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_state import DeckState

SERVICE_ID = "8a1c3f0e-6b5d-4c7a-9e2f-1d0b3a5c7e90"


def read(content: dict[str, Any], version: str = "3.0") -> tuple[DeckState, list[str]]:
    notes: list[str] = []
    return DeckState(DeckDocument("kong.yaml", version, content), notes.append).build(), notes


def by(state: DeckState, collection: str, **match: Any) -> dict[str, Any]:
    return next(r for r in state.rows[collection] if all(r.get(k) == v for k, v in match.items()))


def test_nested_and_flat_forms_refer_by_id_as_kong_lists_them() -> None:
    state, notes = read({
        "_info": {"select_tags": ["deck"]},
        "services": [{"id": SERVICE_ID, "name": "svc", "host": "svc.test", "tags": ["api"],
                      "routes": [{"name": "nested", "paths": ["/n"], "plugins": [{"name": "cors"}]}]}],
        "routes": [{"name": "flat", "paths": ["/f"], "service": {"id": SERVICE_ID}}],
        "consumers": [{"username": "ann", "acls": [{"group": "gold"}]}],
        "plugins": [{"name": "acl", "route": "flat", "consumer": "ann", "config": {"allow": ["gold"]}}],
    })
    service = by(state, "services", name="svc")
    assert service["id"] == SERVICE_ID and service["tags"] == ["api", "deck"]
    nested, flat = by(state, "routes", name="nested"), by(state, "routes", name="flat")
    assert nested["service"] == flat["service"] == {"id": SERVICE_ID}
    assert by(state, "plugins", name="cors")["route"] == {"id": nested["id"]}
    acl = by(state, "plugins", name="acl")
    assert acl["route"] == {"id": flat["id"]} and acl["consumer"] == {"id": by(state, "consumers")["id"]}
    assert by(state, "acls")["consumer"] == {"id": by(state, "consumers")["id"]}
    assert all(r["tags"][-1] == "deck" for rows in state.rows.values() for r in rows)
    assert notes == ["routes without strip_path (flat, nested) get Kong's default, true, as decK 1.26.1 and later "
                     "give them; decK up to 1.26.0 created them with strip_path false: if yours did, set strip_path: "
                     "false in the file (or _info.defaults.route.strip_path) and export again"]


def test_ids_are_derived_from_the_file() -> None:
    content = {"certificates": [{"cert": "A", "key": "B"}, {"cert": "C", "key": "D"}]}
    first, again = read(content)[0], read(content)[0]
    ids = [r["id"] for r in first.rows["certificates"]]
    assert ids == [r["id"] for r in again.rows["certificates"]] and len(set(ids)) == 2
    assert first.given_ids == set()


def test_entities_outside_the_file_are_named_not_refused() -> None:
    """A reference by id, or by name to a type decK looks up in Kong (default_lookup_tags), must exist already."""
    outside = "0f5e1a9c-2b3d-4e6f-8a7b-9c0d1e2f3a4b"
    state = read({
        "_info": {"default_lookup_tags": {"consumers": ["shared"]}},
        "plugins": [{"name": "acl", "service": outside, "consumer": "kept-elsewhere", "config": {"allow": ["x"]}}],
    })[0]
    assert by(state, "plugins")["service"] == {"id": outside}
    warnings: list[str] = []
    reader = DeckReader(state, ["plugins"], [], warnings.append)
    assert reader.reference("services", {"id": outside}, "plugin 'acl'") == outside
    assert warnings == [f"plugin 'acl' refers to services '{outside}', which the file does not define; it must exist "
                        "where the export is converged"]


@pytest.mark.parametrize(("content", "problem"), [
    ({"services": [{"id": SERVICE_ID, "name": "a"}, {"id": SERVICE_ID, "name": "b"}]},
     f"kong.yaml: services[1].id: id {SERVICE_ID} is also the id of services[0]"),
    ({"routes": [{"name": "r", "service": {"host": "x"}}]},
     "kong.yaml: routes[0].service: names no service (by id or name)"),
    ({"_transform": False}, "kong.yaml: _transform: false is not supported by decK"),
    ({"services": {"name": "s"}}, "kong.yaml: services: not a list"),
    ({"_info": {"select_tags": "team"}}, "kong.yaml: _info.select_tags: not a list of tags"),
])
def test_bad_input_names_the_key(content: dict[str, Any], problem: str) -> None:
    with pytest.raises(DeckError) as failed:
        read(content)
    assert str(failed.value) == problem
