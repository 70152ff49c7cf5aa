"""Check mode asks Kong's validate endpoints: --check fails as the real run would, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from helpers.lifecycle import task

pytestmark = pytest.mark.kong


M = "aigateway.kong."
RL = "rate-limiting"

REFUSALS = [
    pytest.param(M + "kong_plugin", {"name": "llm-cost-guard", "service": "llm", "config": {}},
                 "plugin 'llm-cost-guard' not enabled", "[fields: name]", id="unknown-plugin"),
    pytest.param(M + "kong_plugin", {"name": RL, "service": "llm", "config": {"minute": -1}},
                 "config.minute", "[fields: config.minute]", id="rate-limiting-minute"),
    pytest.param(M + "kong_route", {"name": "bad", "service": "llm", "paths": ["~/chat/(unclosed"]},
                 "invalid regex", "[fields: paths.1]", id="route-regex"),
    pytest.param(M + "kong_plugin", {"name": "ai-proxy", "service": "llm", "config": {"route_type": "llm/v1/chat"}},
                 "config.model", "[fields: config.model.provider]", id="ai-proxy-without-model",
                 marks=pytest.mark.min_kong("3.6")),
    pytest.param(M + "kong_plugin", {"name": "pre-function", "service": "llm",
                                     "config": {"access": ["this is not lua("]}},
                 "error parsing pre-function", "[fields: config.access.1]", id="pre-function-lua"),
]


def schema_posts(requests_log: list[dict[str, Any]]) -> list[str]:
    return [r["path"] for r in requests_log if r["method"] == "POST" and r["path"].startswith("/schemas/")]


def writes(requests_log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in requests_log
            if r["method"] in ("POST", "PUT", "PATCH", "DELETE") and not r["path"].startswith("/schemas/")]


@pytest.mark.parametrize(("module", "args", "message", "fields"), REFUSALS)
def test_check_mode_fails_as_the_run_would(kong: Any, run_playbook: Any, module: str, args: dict[str, Any],
                                           message: str, fields: str) -> None:
    tasks = [
        task("service", M + "kong_service", {"name": "llm", "url": "https://api.openai.test"}),
        task("check", module, args, check_mode=True, ignore_errors=True),
        task("real", module, args, ignore_errors=True),
    ]
    run = run_playbook(tasks, sim=kong, diff=True)
    check, real = run["check"], run["real"]
    assert check.failed, run.summary()
    assert message in check.msg and fields in check.msg, check.msg
    assert writes(check.requests) == [] and schema_posts(check.requests), check.requests
    assert real.failed and check.msg == real.msg, (check.msg, real.msg)


def test_valid_change_is_predicted_and_nothing_written(kong: Any, run_playbook: Any) -> None:
    plugin = {"name": RL, "service": "llm", "config": {"minute": 5, "policy": "local"}}
    tasks = [
        task("service", M + "kong_service", {"name": "llm", "url": "https://api.openai.test"}),
        task("plugin", M + "kong_plugin", plugin),
        task("check unchanged", M + "kong_plugin", plugin, check_mode=True),
        task("check change", M + "kong_plugin", {**plugin, "config": {"minute": 10}}, check_mode=True),
        task("check new route", M + "kong_route", {"name": "chat", "service": "llm", "paths": ["~/chat/v[0-9]+$"]},
             check_mode=True),
    ]
    run = run_playbook(tasks, sim=kong, diff=True)
    unchanged, change, route = run["check unchanged"], run["check change"], run["check new route"]
    assert not unchanged.changed and schema_posts(unchanged.requests) == [], unchanged.requests
    assert change.changed and change.diff["before"]["config"]["minute"] == 5
    assert change.diff["after"]["config"]["minute"] == 10
    assert schema_posts(change.requests) == ["/schemas/plugins/validate"]
    assert route.changed and schema_posts(route.requests) == ["/schemas/routes/validate"]
    assert writes(change.requests) == [] and writes(route.requests) == []
    held = requests.get(kong.url + "/services/llm/plugins", timeout=5).json()["data"]
    assert [p["config"]["minute"] for p in held] == [5]
    assert requests.get(kong.url + "/routes/chat", timeout=5).status_code == 404


def test_bulk_check_validates_only_items_that_would_change(kong: Any, run_playbook: Any) -> None:
    consumers = [{"username": "kept"}, {"username": "new"}]
    limits = [
        {"name": RL, "consumer": "kept", "config": {"minute": 5, "policy": "local"}},
        {"name": RL, "consumer": "new", "config": {"minute": -1, "policy": "local"}},
    ]
    tasks = [
        task("consumers", M + "kong_entities", {"entity": "consumers", "items": consumers[:1]}),
        task("limit", M + "kong_entities", {"entity": "plugins", "items": limits[:1]}),
        task("check consumers", M + "kong_entities", {"entity": "consumers", "items": consumers}, check_mode=True),
        task("check limits", M + "kong_entities", {"entity": "plugins", "items": limits}, check_mode=True,
             ignore_errors=True),
    ]
    run = run_playbook(tasks, sim=kong, diff=True)
    assert run["check consumers"].changed
    assert schema_posts(run["check consumers"].requests) == ["/schemas/consumers/validate"]
    check = run["check limits"]
    assert check.failed and "1 of 2 plugins failed: items[1]" in check.msg and "config.minute" in check.msg, check.msg
    assert schema_posts(check.requests) == ["/schemas/plugins/validate"]
    assert writes(check.requests) == []
