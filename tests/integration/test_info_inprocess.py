"""kong_info in-process on the controller (its action plugin) and as a module process return the same.

The same tasks (node facts, the role's loop of five listings, filters, masked secrets, a retry warning, Kong
and connection errors, option errors) run on two simulators seeded alike: once in-process, once with
``aigateway_kong_inprocess: false``; see test_entity_inprocess for the comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import task
from kongsim import KongSim

from integration.test_entity_inprocess import HEADER, KEY, marker, run_both

INFO = "aigateway.kong.kong_info"
TOKEN = "inproc-admin-token-77"
AI_PROXY = {
    "route_type": "llm/v1/chat",
    "model": {"provider": "openai", "name": "gpt-4o"},
    "auth": {"header_name": "Authorization", "header_value": HEADER},
}


@pytest.fixture
def sims() -> Any:
    with KongSim() as first, KongSim() as second:
        yield first, second


def seed(sim: Any) -> None:
    admin.create(sim, "/services", {"name": "openai", "url": "https://api.openai.test", "tags": ["ai", "prod"]})
    admin.create(sim, "/services", {"name": "legacy", "url": "http://legacy.test", "tags": ["prod"]})
    admin.create(sim, "/services/openai/routes", {"name": "chat", "paths": ["/chat"], "tags": ["prod"]})
    admin.create(sim, "/consumers", {"username": "app"})
    admin.create(sim, "/consumers/app/key-auth", {"key": KEY})
    admin.create(sim, "/routes/chat/plugins", {"name": "ai-proxy", "instance_name": "chat-ai", "config": AI_PROXY})
    admin.create(sim, "/upstreams", {"name": "pool"})
    admin.create(sim, "/upstreams/pool/targets", {"target": "10.0.0.7:8000"})
    sim.inject_fault("GET", r"^/$", 503)  # met by the first task: a retry and its warning
    sim.inject_fault("GET", r"^/consumers", 400, body={"name": "invalid size", "message": "bad", "fields": {"size": 1}})


def test_same_results_in_process_and_as_a_module(run_playbook: Callable[..., Any], sims: tuple[Any, Any]) -> None:
    for sim in sims:
        seed(sim)
    failing = {"ignore_errors": True}
    tasks = [
        task("node after a retry", INFO, {}),
        task("kong error", INFO, {"entity": "consumers"}, **failing),
        task("node in check mode", INFO, {}, check_mode=True),
        {**task("listings", INFO, {"entity": "{{ item }}"}), "loop": ["upstreams", "services", "routes", "plugins"]},
        task("tags any", INFO, {"entity": "services", "tags": ["ai", "prod"], "tags_match": "any"}),
        task("by name", INFO, {"entity": "services", "name": "legacy"}),
        task("routes of service", INFO, {"entity": "routes", "service": "openai", "tags": ["prod"]}),
        task("key-auths of consumer", INFO, {"entity": "key-auths", "consumer": "app"}),
        task("target by host", INFO, {"entity": "targets", "upstream": "pool", "name": "10.0.0.7"}),
        task("with a token", INFO, {"entity": "plugins", "admin_token": "{{ inproc_token }}"}),
        task("targets without upstream", INFO, {"entity": "targets"}, **failing),
        task("routes of a missing service", INFO, {"entity": "routes", "service": "nope"}, **failing),
        task("bad entity", INFO, {"entity": "dragons"}, **failing),
        task("unknown option", INFO, {"entity": "services", "bogus": 1}, **failing),
        task("bad admin_url", INFO, {"admin_url": "localhost:8001"}, **failing),
        task("refused", INFO, {"admin_url": "http://127.0.0.1:1", "admin_retries": 0}, **failing),
    ]
    inproc, _module = run_both(run_playbook, sims, tasks, ("kong_info",), extra_vars={"inproc_token": TOKEN})
    assert "retrying" in str(inproc["node after a retry"].result.get("warnings")), inproc["node after a retry"].result
    error = inproc["kong error"].result
    assert error["status"] == 400 and error["kong_error_name"] == "invalid size" and error["kong_error_fields"], error
    assert len(inproc["listings"].result["results"]) == 4
    plugin = inproc["with a token"].result["entities"][0]
    assert plugin["config"]["auth"]["header_value"] != HEADER, plugin
    assert TOKEN not in inproc.output and TOKEN not in str(inproc["with a token"].result)
    for name in ("targets without upstream", "routes of a missing service", "bad entity", "bad admin_url", "refused"):
        assert inproc[name].failed, (name, inproc[name].result)


def test_the_module_runs_where_in_process_would_differ(run_playbook: Callable[..., Any], kongsim: Any) -> None:
    """A task environment only reaches a module process: such a task runs the module."""
    run = run_playbook(
        [task("environment", INFO, {}, environment={"KONG_ADMIN_URL": kongsim.url}), task("plain", INFO, {})],
        sim=kongsim,
        verbosity=3,
    )
    assert run.rc == 0, run.summary()
    assert marker("kong_info", False) + ": the task sets environment" in run.output
    assert run.output.count(marker("kong_info", True)) == 1
