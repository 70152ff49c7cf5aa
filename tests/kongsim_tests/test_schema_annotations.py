"""Kong annotates the schemas it serves, in place, as it validates (rules/engine/fields.py `Field`); the recordings
are tests/fixtures/transcripts/<version>/schema-history-01-annotations.json. These pin the edges of that rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
from kongsim import KongSim
from kongsim.rules.schemas import Schemas

SERVICE = "5e000000-0000-4000-8000-000000000001"
CUSTOM_PLUGIN = Path(__file__).resolve().parent.parent / "fixtures" / "schemas" / "plugin-llm-budget.json"


def spec(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return next(item[name] for item in schema["fields"] if name in item)


def test_a_fresh_node_serves_the_recorded_schema() -> None:
    schemas = Schemas()
    assert schemas.raw_entity("services") == json.loads((schemas.data_dir / "entity-services.json").read_text())
    assert "len_min" not in spec(schemas.raw_entity("services"), "name")


def test_an_insert_annotates_the_strings_and_elements_it_validated() -> None:
    schemas = Schemas()
    schemas.process("services", {"name": "llm", "host": "llm.test", "tags": ["ai"]}, op="insert")
    served = schemas.raw_entity("services")
    for name in ("id", "name", "host", "protocol"):
        assert spec(served, name)["len_min"] == 1, name
    assert spec(served, "tags")["elements"] == {"description": "A string representing a tag.", "len_min": 1,
                                                "required": True, "type": "string"}
    assert "len_min" not in spec(served, "path")  # null: not validated
    assert "len_min" not in spec(schemas.raw_entity("routes"), "name")  # other schemas untouched


def test_map_keys_and_values_are_marked_required() -> None:
    schemas = Schemas()
    schemas.process("routes", {"paths": ["/v1"], "headers": {"x-model": ["gpt"]}}, op="insert")
    headers = spec(schemas.raw_entity("routes"), "headers")
    assert headers["keys"]["required"] is True and headers["keys"]["len_min"] == 1
    assert headers["values"]["required"] is True and headers["values"]["elements"]["required"] is True


def test_nested_records_are_validated_with_a_copy_and_checks_annotate_their_match() -> None:
    schemas = Schemas()
    pristine = json.loads(json.dumps(schemas.raw_plugin("rate-limiting")))
    schemas.process("plugins", {"name": "rate-limiting", "config": {"minute": 5}}, op="insert")
    served = schemas.raw_plugin("rate-limiting")
    assert spec(served, "config") == spec(pristine, "config")
    assert spec(served, "protocols")["elements"]["len_min"] == 1
    changed = [i for i, (a, b) in enumerate(zip(served["entity_checks"], pristine["entity_checks"], strict=True))
               if a != b]
    assert changed and all(served["entity_checks"][i]["conditional"]["if_match"]["len_min"] == 1 for i in changed)


def test_schema_validation_works_on_a_copy_but_a_reference_reaches_the_node_schema() -> None:
    schemas = Schemas()
    schemas.process("routes", {"name": "r", "paths": ["/v1"], "service": {"id": SERVICE}}, op="validate")
    assert "len_min" not in spec(schemas.raw_entity("routes"), "name")
    assert spec(schemas.raw_entity("services"), "id")["len_min"] == 1


def test_reads_by_id_and_by_name_annotate_the_key() -> None:
    with KongSim() as sim:
        def key_sets() -> dict[str, Any]:
            return requests.get(sim.url + "/schemas/key_sets", timeout=10).json()

        assert "len_min" not in spec(key_sets(), "id") and "len_min" not in spec(key_sets(), "name")
        assert requests.get(sim.url + f"/key-sets/{SERVICE}", timeout=10).status_code == 404
        assert spec(key_sets(), "id")["len_min"] == 1 and "len_min" not in spec(key_sets(), "name")
        requests.get(sim.url + "/key-sets/ks-one", timeout=10)
        assert spec(key_sets(), "name")["len_min"] == 1


def test_a_wipe_keeps_the_annotations_a_restart_forgets_them() -> None:
    with KongSim(plugin_schemas=[str(CUSTOM_PLUGIN)]) as sim:
        assert requests.post(sim.url + "/consumers", json={"username": "u1"}, timeout=10).status_code == 201
        sim.reset()
        consumers = requests.get(sim.url + "/schemas/consumers", timeout=10).json()
        assert spec(consumers, "username")["len_min"] == 1
        sim.reset(restart=True)
        consumers = requests.get(sim.url + "/schemas/consumers", timeout=10).json()
        assert "len_min" not in spec(consumers, "username")
        assert requests.get(sim.url + "/schemas/plugins/llm-budget", timeout=10).status_code == 200  # still installed
