"""Plugins and vaults installed from schema files: listed, served, validated, and refused when not installed."""

from __future__ import annotations

import json
from pathlib import Path

import requests
from kongsim import KongSim
from kongsim.serve import parse_args

SCHEMA = Path(__file__).resolve().parent.parent / "fixtures" / "schemas" / "plugin-llm-budget.json"
VAULT = {"fields": [{"config": {"type": "record", "required": True, "fields": [
    {"address": {"type": "string", "required": True}},
    {"token": {"type": "string", "encrypted": True, "referenceable": True}},
]}}]}
PLUGIN = {"name": "llm-budget", "config": {"account": "acme", "billing_token": "tok-1", "backend": {}}}


def test_without_the_schema_the_plugin_is_not_enabled() -> None:
    with KongSim() as sim:
        answer = requests.post(sim.url + "/plugins", json=PLUGIN, timeout=5)
        assert answer.status_code == 400
        assert answer.json()["fields"] == {"name": "plugin 'llm-budget' not enabled; add it to the 'plugins' "
                                                   "configuration property"}
        assert requests.get(sim.url + "/schemas/plugins/llm-budget", timeout=5).status_code == 404


def test_an_installed_plugin_is_listed_served_and_validated() -> None:
    with KongSim(plugin_schemas=[str(SCHEMA)]) as sim:
        root = requests.get(sim.url + "/", timeout=5).json()
        assert "llm-budget" in root["plugins"]["available_on_server"]
        enabled = requests.get(sim.url + "/plugins/enabled", timeout=5).json()["enabled_plugins"]
        assert "llm-budget" in enabled
        served = requests.get(sim.url + "/schemas/plugins/llm-budget", timeout=5).json()
        assert served == json.loads(SCHEMA.read_text())
        config = requests.get(sim.url + "/plugins/schema/llm-budget", timeout=5).json()
        assert [next(iter(f)) for f in config["fields"]] == ["account", "billing_token", "monthly_usd", "backend"]
        bad = requests.post(sim.url + "/schemas/plugins/validate", json={"name": "llm-budget", "config": {}},
                            timeout=5)
        assert bad.status_code == 400
        assert bad.json()["fields"] == {"config": {"account": "required field missing",
                                                   "billing_token": "required field missing"}}
        created = requests.post(sim.url + "/plugins", json=PLUGIN, timeout=5)
        assert created.status_code == 201, created.text
        assert created.json()["config"]["monthly_usd"] == 100
        assert requests.get(sim.url + "/", timeout=5).json()["plugins"]["enabled_in_cluster"] == ["llm-budget"]


def test_an_installed_vault_is_served_and_validated() -> None:
    with KongSim(vault_schemas=[("secrets-store", VAULT)]) as sim:
        assert requests.get(sim.url + "/schemas/vaults/secrets-store", timeout=5).json() == VAULT
        assert requests.get(sim.url + "/schemas/vaults/env", timeout=5).status_code == 200
        missing = requests.post(sim.url + "/vaults", json={"name": "secrets-store", "prefix": "ss", "config": {}},
                                timeout=5)
        assert missing.status_code == 400
        assert missing.json()["fields"] == {"config": {"address": "required field missing"}}
        body = {"name": "secrets-store", "prefix": "ss", "config": {"address": "https://s.test", "token": "t0k"}}
        created = requests.post(sim.url + "/vaults", json=body, timeout=5)
        assert created.status_code == 201, created.text
        assert created.json()["config"]["token"] == "t0k"  # encrypted at rest only: answered in clear


def test_command_line_takes_repeatable_schema_files() -> None:
    args = parse_args(["--plugin-schema", str(SCHEMA), "--plugin-schema", f"other={SCHEMA}",
                       "--vault-schema", f"v={SCHEMA}"])
    assert args.plugin_schema == [str(SCHEMA), f"other={SCHEMA}"]
    with KongSim(plugin_schemas=args.plugin_schema) as sim:
        enabled = requests.get(sim.url + "/plugins/enabled", timeout=5).json()["enabled_plugins"]
        assert {"llm-budget", "other"} <= set(enabled)
