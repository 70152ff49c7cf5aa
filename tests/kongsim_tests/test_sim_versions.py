"""The simulator answers as Kong 3.4.2, 3.8.0 or 3.9.1: each release's node information, from the dumps of a real
node of that release (tests/kongsim/data/schemas/); what releases answer differently is replayed by the
transcripts of tests/fixtures/transcripts/<version>/."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from kongsim import KongSim
from kongsim.versions import SUPPORTED, UnsupportedVersion, schema_dir

AI_PLUGINS = {"ai-proxy", "ai-prompt-decorator", "ai-prompt-guard", "ai-prompt-template", "ai-request-transformer",
              "ai-response-transformer"}


def placeholders(value: Any) -> list[str]:
    """Strings still written as a dump's `<placeholder>`."""
    if isinstance(value, dict):
        return [p for v in value.values() for p in placeholders(v)]
    if isinstance(value, list):
        return [p for v in value for p in placeholders(v)]
    return [value] if isinstance(value, str) and value.startswith("<") and value.endswith(">") else []


@pytest.mark.parametrize("version", SUPPORTED)
def test_root_and_enabled_plugins_are_the_release_s(version: str) -> None:
    recorded = json.loads((schema_dir(version) / "root.json").read_text())
    with KongSim(kong_version=version) as sim:
        root = requests.get(sim.url + "/", timeout=10).json()
        enabled = requests.get(sim.url + "/plugins/enabled", timeout=10).json()["enabled_plugins"]
    assert root["version"] == version
    assert ("edition" in root) == (version != "3.4.2")  # `edition` came with 3.6
    assert root["plugins"]["available_on_server"] == recorded["plugins"]["available_on_server"]
    assert set(enabled) == set(root["plugins"]["available_on_server"])
    assert set(enabled) & AI_PLUGINS == (set() if version == "3.4.2" else AI_PLUGINS)  # AI plugins came with 3.6
    assert root["configuration"]["router_flavor"] == "traditional_compatible"
    assert placeholders(root) == []
    assert root["lua_version"].startswith("LuaJIT 2.1.0-")


def test_enabled_in_cluster_follows_the_database() -> None:
    with KongSim(kong_version="3.4.2") as sim:
        assert requests.post(sim.url + "/plugins", json={"name": "cors"}, timeout=10).status_code == 201
        root = requests.get(sim.url + "/", timeout=10).json()
    assert root["plugins"]["enabled_in_cluster"] == ["cors"]


def test_an_unsupported_release_is_refused_naming_the_supported_ones() -> None:
    with pytest.raises(UnsupportedVersion) as err:
        KongSim(kong_version="3.6.1")
    assert str(err.value) == "unsupported Kong version '3.6.1': the simulator answers as Kong 3.4.2, 3.8.0, 3.9.1"


@pytest.mark.parametrize(("version", "listed"), [("3.4.2", True), ("3.8.0", False), ("3.9.1", False)])
def test_workspaces_are_listed_before_3_7(version: str, listed: bool) -> None:
    with KongSim(kong_version=version) as sim:
        answer = requests.get(sim.url + "/workspaces", timeout=10)
        sim.reset()  # a fresh database holds the default workspace again
        again = requests.get(sim.url + "/workspaces", timeout=10)
    assert answer.status_code == again.status_code == (200 if listed else 404)
    if listed:
        assert [w["name"] for w in answer.json()["data"]] == [w["name"] for w in again.json()["data"]] == ["default"]
