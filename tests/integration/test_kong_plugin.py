"""kong_plugin against any Kong: scopes, instance_name, subset-compared config, ai-proxy secrets."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks, task

pytestmark = pytest.mark.kong

PLUGIN = "aigateway.kong.kong_plugin"
MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"

LIFECYCLE = Lifecycle(
    module="kong_plugin",
    present={"name": "rate-limiting", "instance_name": "rl-llm", "service": "llm", "config": {"minute": 10}},
    absent={"name": "rate-limiting", "instance_name": "rl-llm"},
    return_key="plugin",
    path="/plugins/rl-llm",
    expect={"name": "rate-limiting", "instance_name": "rl-llm", "config": {"minute": 10, "policy": "local"}},
    updates=[
        Update("config", {"minute": 20, "hour": 500}),
        Update("enabled", False),
        Update("protocols", ["https", "http"]),
        Update("tags", ["ai", "limits"]),
    ],
)


def seed(sim: Any) -> dict[str, dict[str, Any]]:
    service = admin.create(sim, "/services", {"name": "llm", "url": "http://llm.example"})
    route = admin.create(sim, "/services/llm/routes", {"name": "chat", "paths": ["/chat"]})
    consumer = admin.create(sim, "/consumers", {"username": "app"})
    return {"service": service, "route": route, "consumer": consumer}


def test_lifecycle(kong: Any, run_playbook: Any) -> None:
    seeded = seed(kong)
    run = run_playbook(lifecycle_tasks(LIFECYCLE, kong.url), sim=kong)
    assert_lifecycle(run, LIFECYCLE)
    assert run["create"].result["plugin"]["service"]["id"] == seeded["service"]["id"]
    assert admin.listing(kong, "/plugins") == []


def test_instance_name_alone_identifies(kong: Any, run_playbook: Any) -> None:
    """instance_name is a plugin's identity: it is enough to read back and to delete one."""
    seed(kong)
    admin.create(kong, "/plugins", {"name": "cors", "instance_name": "cors-edge", "service": {"name": "llm"}})
    run = run_playbook(
        [
            task("check delete", PLUGIN, {"instance_name": "cors-edge", "state": "absent"}, check_mode=True),
            task("delete", PLUGIN, {"instance_name": "cors-edge", "state": "absent"}),
            task("delete again", PLUGIN, {"instance_name": "cors-edge", "state": "absent"}),
        ],
        sim=kong,
    )
    assert run.rc == 0, run.summary()
    assert run["check delete"].changed and run["check delete"].writes == []
    assert run["delete"].changed and [w["method"] for w in run["delete"].writes] == ["DELETE"]
    assert not run["delete again"].changed
    assert admin.listing(kong, "/plugins") == []


SCOPES: dict[str, dict[str, str]] = {
    "global": {},
    "service": {"service": "llm"},
    "route": {"route": "chat"},
    "consumer": {"consumer": "app"},
    "route+consumer": {"route": "chat", "consumer": "app"},
}


def test_scopes_are_distinct_identities(kong: Any, run_playbook: Any) -> None:
    """One plugin name at five scopes is five plugins; each task touches only its own."""
    seeded = seed(kong)
    tasks = [task(f"create {s}", PLUGIN, {"name": "rate-limiting", **scope, "config": {"minute": 1 + i}})
             for i, (s, scope) in enumerate(SCOPES.items())]
    tasks += [task(f"again {s}", PLUGIN, {"name": "rate-limiting", **scope, "config": {"minute": 1 + i}})
              for i, (s, scope) in enumerate(SCOPES.items())]
    tasks += [
        task("scope by id", PLUGIN, {"name": "rate-limiting", "service": seeded["service"]["id"],
                                     "config": {"minute": 2}}),
        task("update route scope", PLUGIN, {"name": "rate-limiting", "route": "chat", "config": {"minute": 99}},
             diff=True),
        task("delete global", PLUGIN, {"name": "rate-limiting", "state": "absent"}),
        task("delete global again", PLUGIN, {"name": "rate-limiting", "state": "absent"}),
    ]
    run = run_playbook(tasks, sim=kong)
    assert run.rc == 0, run.summary()
    for s in SCOPES:
        assert run[f"create {s}"].changed, (s, run[f"create {s}"].result)
        assert not run[f"again {s}"].changed and run[f"again {s}"].writes == [], (s, run[f"again {s}"].result)
    assert not run["scope by id"].changed
    upd = run["update route scope"]
    assert upd.changed and upd.diff["after"] == {"config": {"minute": 99}}, upd.diff
    assert run["delete global"].changed and not run["delete global again"].changed
    held = {
        (p["service"] and "service", p["route"] and "route", p["consumer"] and "consumer"): p["config"]["minute"]
        for p in admin.listing(kong, "/plugins")
    }
    assert held == {
        ("service", None, None): 2,
        (None, "route", None): 99,
        (None, None, "consumer"): 4,
        (None, "route", "consumer"): 5,
    }, held


def test_config_subset_and_errors(kong: Any, run_playbook: Any) -> None:
    """Only the config keys given are compared; Kong's schema errors are reported with the field."""
    seed(kong)
    base = {"name": "request-transformer", "service": "llm"}
    run = run_playbook(
        [
            task("create", PLUGIN, {**base, "config": {"add": {"headers": ["x-tenant:acme"]}}}),
            task("kong defaults given", PLUGIN, {**base, "config": {"add": {"headers": ["x-tenant:acme"],
                                                                            "body": []}}}),
            task("subset", PLUGIN, {**base}),
            task("change nested", PLUGIN, {**base, "config": {"add": {"headers": ["x-tenant:globex"]}}}, diff=True),
            task("unknown field", PLUGIN, {**base, "config": {"nope": 1}}, ignore_errors=True),
            task("unknown plugin", PLUGIN, {"name": "no-such-plugin"}, ignore_errors=True),
            task("bad instance_name", PLUGIN, {"name": "cors", "instance_name": "bad name/1"}, ignore_errors=True),
        ],
        sim=kong,
    )
    assert run["create"].changed, run.summary()
    for name in ("kong defaults given", "subset"):
        assert not run[name].changed and run[name].writes == [], (name, run[name].result)
    change = run["change nested"]
    assert change.changed and set(change.diff["after"]) == {"config"}, change.diff
    [plugin] = admin.listing(kong, "/plugins")
    assert plugin["config"]["add"]["headers"] == ["x-tenant:globex"]
    for name, word in (("unknown field", "nope"), ("unknown plugin", "no-such-plugin"),
                       ("bad instance_name", "instance_name")):
        assert run[name].failed and word in run[name].msg, (name, run[name].result)
        assert run[name].writes == [] or all(w["status"] >= 400 for w in run[name].writes), run[name].writes


@pytest.mark.min_kong("3.6")
def test_ai_proxy_auth_header(kong: Any, run_playbook: Any) -> None:
    """The auth header value is compared but never shown; changing it is a change."""
    seed(kong)
    key1, key2 = f"Bearer sk-{secrets.token_hex(12)}", f"Bearer sk-{secrets.token_hex(12)}"

    def ai_proxy(header_value: str, model: str = "gpt-4o") -> dict[str, Any]:
        return {
            "name": "ai-proxy",
            "route": "chat",
            "config": {
                "route_type": "llm/v1/chat",
                "auth": {"header_name": "Authorization", "header_value": header_value},
                "model": {"provider": "openai", "name": model, "options": {"max_tokens": 256}},
            },
        }

    run = run_playbook(
        [
            task("create", PLUGIN, ai_proxy(key1), diff=True),
            task("again", PLUGIN, ai_proxy(key1), diff=True),
            task("check again", PLUGIN, ai_proxy(key1), diff=True, check_mode=True),
            task("model", PLUGIN, ai_proxy(key1, "gpt-4o-mini"), diff=True),
            task("rotate key", PLUGIN, ai_proxy(key2, "gpt-4o-mini"), diff=True),
            task("rotate key again", PLUGIN, ai_proxy(key2, "gpt-4o-mini"), diff=True),
        ],
        sim=kong,
        diff=True,
    )
    assert run.rc == 0, run.summary()
    assert run["create"].changed
    returned = run["create"].result["plugin"]["config"]
    assert returned["auth"]["header_value"] == MASK and returned["model"]["name"] == "gpt-4o", returned
    for name in ("again", "check again", "rotate key again"):
        assert not run[name].changed and run[name].writes == [], (name, run[name].result)
    model = run["model"]
    assert model.changed and "gpt-4o-mini" in str(model.diff["after"]), model.diff
    rotate = run["rotate key"]
    assert rotate.changed and rotate.writes, rotate.result
    [plugin] = admin.listing(kong, "/plugins")
    assert plugin["config"]["auth"]["header_value"] == key2
    assert plugin["config"]["model"]["options"]["max_tokens"] == 256
    for key in (key1, key2):
        assert key.split()[1] not in run.output, "auth header value leaked into ansible-playbook output"
        assert key.split()[1] not in str([t.result for t in run.tasks]), "auth header value leaked into results"
