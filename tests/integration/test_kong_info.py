"""kong_info against the simulator: node facts, listings with filters, parents and pagination."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import task

INFO = "aigateway.kong.kong_info"


def names(result: dict[str, Any], key: str = "name") -> list[str]:
    return sorted(e[key] for e in result["entities"])


@pytest.mark.parametrize("inprocess", [True, False], ids=["in-process", "module"])
def test_node_and_listings(kongsim: Any, run_playbook: Any, inprocess: bool) -> None:
    for i in range(105):  # more than one page of Kong's default page size (100)
        admin.create(kongsim, "/services", {"name": f"bulk-{i:03d}", "host": "bulk.example", "tags": ["bulk"]})
    admin.create(kongsim, "/services", {"name": "openai", "url": "https://api.openai.test", "tags": ["ai", "prod"]})
    admin.create(kongsim, "/services", {"name": "claude", "url": "https://api.anthropic.test", "tags": ["ai"]})
    admin.create(kongsim, "/services", {"name": "legacy", "url": "http://legacy.test", "tags": ["prod"]})
    admin.create(kongsim, "/services/openai/routes", {"name": "chat", "paths": ["/chat"], "tags": ["prod"]})
    admin.create(kongsim, "/services/openai/routes", {"name": "embed", "paths": ["/embed"], "tags": ["beta"]})
    admin.create(kongsim, "/services/claude/routes", {"name": "msgs", "paths": ["/msgs"], "tags": ["prod"]})
    admin.create(kongsim, "/consumers", {"username": "app"})
    admin.create(kongsim, "/consumers/app/key-auth", {"key": "info-secret-key-4711"})
    kongsim.clear_log()
    run = run_playbook(
        [
            task("node", INFO, {}),
            task("node in check mode", INFO, {}, check_mode=True),
            task("all services", INFO, {"entity": "services"}),
            task("tags all", INFO, {"entity": "services", "tags": ["ai", "prod"]}),
            task("tags any", INFO, {"entity": "services", "tags": ["ai", "prod"], "tags_match": "any"}),
            task("by name", INFO, {"entity": "services", "name": "claude"}),
            task("missing name", INFO, {"entity": "services", "name": "nope"}),
            task("routes of service", INFO, {"entity": "routes", "service": "openai"}),
            task("routes of service with tag", INFO, {"entity": "routes", "service": "openai", "tags": ["prod"]}),
            task("key-auths of consumer", INFO, {"entity": "key-auths", "consumer": "app"}),
            task("some fields", INFO, {"entity": "routes", "service": "openai", "fields": ["name", "tags", "nope"]}),
            task("key field of a credential", INFO, {"entity": "key-auths", "fields": ["key", "consumer"]}),
            task("bad entity", INFO, {"entity": "nonsense"}, ignore_errors=True),
        ],
        sim=kongsim,
        play_vars={"aigateway_kong_inprocess": inprocess},
    )
    assert all(not t.changed for t in run.tasks), [(t.name, t.changed) for t in run.tasks]
    assert kongsim.writes() == [], kongsim.writes()
    for name in ("node", "node in check mode"):
        node = run[name].result["node"]
        assert node["version"] == "3.9.1" and node["database"] == "postgres", node
        assert {"ai-proxy", "key-auth", "rate-limiting"} <= set(node["enabled_plugins"]), node
    assert len(run["all services"].result["entities"]) == 108
    assert names(run["tags all"].result) == ["openai"]
    assert names(run["tags any"].result) == ["claude", "legacy", "openai"]
    assert names(run["by name"].result) == ["claude"]
    assert run["missing name"].result["entities"] == []
    assert names(run["routes of service"].result) == ["chat", "embed"]
    assert names(run["routes of service with tag"].result) == ["chat"]
    creds = run["key-auths of consumer"].result["entities"]
    assert len(creds) == 1 and "info-secret-key-4711" not in str(run["key-auths of consumer"].result), creds
    assert "info-secret-key-4711" not in run.output
    assert sorted(run["some fields"].result["entities"], key=str) == [
        {"name": "chat", "tags": ["prod"]},
        {"name": "embed", "tags": ["beta"]},
    ]
    [cred] = run["key field of a credential"].result["entities"]
    assert set(cred) == {"key", "consumer"} and cred["key"] != "info-secret-key-4711"  # still masked
    bad = run["bad entity"]
    assert bad.failed and "nonsense" in bad.msg and bad.requests == [], bad.result


@pytest.mark.kong
def test_the_node_reports_its_release_and_edition(kong: Any, run_playbook: Any) -> None:
    """On every release, an older one (no ``edition`` in its ``GET /``) included."""
    run = run_playbook([task("node", INFO, {})], sim=kong)
    node = run["node"].result["node"]
    assert (node["version"], node["edition"], node["router_flavor"]) == (
        kong.version, "community", "traditional_compatible"), node
