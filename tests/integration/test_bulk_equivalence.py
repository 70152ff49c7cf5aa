"""kong_entities gives, item by item, what the single-entity modules give in a loop.

The same scenario (create, no-op, update, check mode with --diff, a failing item, delete) runs twice on two
fresh simulators: once as loops over the single-entity modules, once as kong_entities tasks. Results
(changed, msg, returned entity, diff, failures) and the final Kong state must be identical once ids and
timestamps are normalised; the bulk path must send far fewer requests on a no-op.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from helpers import admin
from kongsim import KongSim

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NOISE = ("created_at", "updated_at")
SECRET = "bulk-secret-key-"
HEADER = "Bearer sk-bulk-provider-secret"

# (single-entity module, extra options of the module, kong_entities entity)
KINDS = {
    "upstreams": ("kong_upstream", {}),
    "targets": ("kong_target", {}),
    "services": ("kong_service", {}),
    "routes": ("kong_route", {}),
    "consumers": ("kong_consumer", {}),
    "key-auths": ("kong_consumer_credential", {"type": "key-auth"}),
    "acls": ("kong_consumer_credential", {"type": "acl"}),
    "plugins": ("kong_plugin", {}),
}


def gateway(users: int, minute: int = 10, drop: int = 0) -> list[tuple[str, list[dict[str, Any]]]]:
    tags = ["bulk"]
    names = [f"user-{i}" for i in range(users)]
    ai_proxy = {
        "route_type": "llm/v1/chat",
        "model": {"provider": "openai", "name": "gpt-4o"},
        "auth": {"header_name": "Authorization", "header_value": HEADER},
    }
    plugins = [
        {"instance_name": "hosted-ai", "name": "ai-proxy", "route": "hosted", "config": ai_proxy},
        {"instance_name": "llm-key-auth", "name": "key-auth", "service": "llm", "config": {"key_names": ["apikey"]}},
    ]
    plugins += [
        {
            "instance_name": f"{name}-rl",
            "name": "rate-limiting",
            "consumer": name,
            "config": {"minute": minute},
            "state": "absent" if i < drop else "present",
        }
        for i, name in enumerate(names)
    ]
    return [
        ("upstreams", [{"name": "pool", "algorithm": "round-robin", "tags": tags}]),
        ("targets", [{"upstream": "pool", "target": f"127.0.0.1:{9000 + i}", "weight": 10 + i} for i in range(2)]),
        (
            "services",
            [
                {"name": "llm", "url": "http://pool:8000/v1", "tags": tags},
                {"name": "hosted", "protocol": "https", "host": "api.example.test", "port": 443},
            ],
        ),
        (
            "routes",
            [
                {"name": "chat", "service": "llm", "paths": ["/chat"], "methods": ["POST"], "tags": tags},
                {"name": "hosted", "service": "hosted", "paths": ["/hosted"]},
            ],
        ),
        ("consumers", [{"username": name, "tags": tags} for name in names]),
        ("key-auths", [{"consumer": name, "key": f"{SECRET}{i}", "tags": tags} for i, name in enumerate(names)]),
        ("acls", [{"consumer": name, "group": "gold"} for name in names]),
        ("plugins", plugins),
    ]


def loop_tasks(url: str, scenario: list[tuple[str, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    tasks = []
    for kind, items in scenario:
        module, extra = KINDS[kind]
        tasks.append(
            {
                "name": kind,
                "aigateway.kong." + module: {"admin_url": url, **extra, "_raw": "{{ item }}"},
                "loop": items,
                "ignore_errors": True,
            }
        )
    for task in tasks:  # options come from the item
        args = task["aigateway.kong." + KINDS[task["name"]][0]]
        args.pop("_raw")
        for name in {key for item in task["loop"] for key in item}:
            args[name] = f"{{{{ item[{name!r}] | default(omit) }}}}"
    return tasks


def bulk_tasks(url: str, scenario: list[tuple[str, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    return [
        {
            "name": kind,
            "aigateway.kong.kong_entities": {"admin_url": url, "entity": kind, "items": items},
            "ignore_errors": True,
        }
        for kind, items in scenario
    ]


def normal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items() if k not in NOISE and k not in ("item", "invocation")}
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, str):  # the bulk task lists only the item options as supported
        return UUID.sub("<uuid>", value.split(". Supported parameters include")[0])
    return value


def per_item(task: Any) -> list[Any]:
    keep = ("changed", "msg", "diff", "consumer", "credential", "plugin", "route", "service", "target", "upstream")
    return [
        normal({"failed": bool(r.get("failed")), **{k: r.get(k) for k in keep if k in r}})
        for r in task.result.get("results", [])
    ]


def kong_state(sim: Any) -> dict[str, Any]:
    paths = ("/upstreams", "/services", "/routes", "/consumers", "/key-auths", "/acls", "/plugins")
    state = {p: sorted((normal(e) for e in admin.listing(sim, p)), key=repr) for p in paths}
    pool = admin.entity(sim, "/upstreams/pool")
    state["targets"] = sorted(normal(admin.listing(sim, "/upstreams/pool/targets")), key=repr) if pool else []
    return state


def both(run_playbook: Callable[..., Any], sims: tuple[Any, Any], scenario: list[Any], **kw: Any) -> tuple[Any, Any]:
    loop_run = run_playbook(loop_tasks(sims[0].url, scenario), sim=sims[0], **kw)
    bulk_run = run_playbook(bulk_tasks(sims[1].url, scenario), sim=sims[1], **kw)
    for kind, _items in scenario:
        assert per_item(bulk_run[kind]) == per_item(loop_run[kind]), kind
        assert bulk_run[kind].changed == loop_run[kind].changed, kind
        assert bulk_run[kind].failed == loop_run[kind].failed, kind
    assert kong_state(sims[1]) == kong_state(sims[0])
    assert SECRET + "1" not in bulk_run.output and HEADER not in bulk_run.output
    return loop_run, bulk_run


@pytest.fixture
def sims() -> Any:
    with KongSim() as loop_sim, KongSim() as bulk_sim:
        yield loop_sim, bulk_sim


def test_same_results_as_single_entity_loops(run_playbook: Callable[..., Any], sims: tuple[Any, Any]) -> None:
    both(run_playbook, sims, gateway(3))  # first converge
    loop_run, bulk_run = both(run_playbook, sims, gateway(3))  # no-op
    for kind, _items in gateway(3):
        assert not bulk_run[kind].changed and not bulk_run[kind].writes
        reads = [r["path"] for r in bulk_run[kind].requests]
        schemas = [p for p in reads if p.startswith("/schemas/")]  # one per plugin name, for masking
        assert len(reads) - len(schemas) <= 4 and len(schemas) == len(set(schemas)), (kind, reads)
    assert sum(len(t.requests) for t in bulk_run.tasks) * 2 < sum(len(t.requests) for t in loop_run.tasks)
    both(run_playbook, sims, gateway(3, minute=20, drop=1), check=True, diff=True)  # preview only
    both(run_playbook, sims, gateway(3, minute=20, drop=1), diff=True, verbosity=3)  # update and delete


def test_failing_items_name_the_item_and_do_not_stop_the_others(
    run_playbook: Callable[..., Any], sims: tuple[Any, Any]
) -> None:
    scenario = [
        ("consumers", [{"username": "a"}, {"username": "b", "bogus": 1}, {"username": "c"}]),
        ("routes", [{"name": "r1", "service": "missing", "paths": ["/x"]}]),
        ("plugins", [{"instance_name": "p", "name": "rate-limiting", "consumer": "a", "config": {"minute": -1}}]),
    ]
    _loop_run, bulk_run = both(run_playbook, sims, scenario)
    consumers = bulk_run["consumers"]
    assert consumers.failed and consumers.changed
    assert "items[1] (consumer 'b')" in consumers.msg and "bogus" in consumers.msg
    assert [r.get("changed") for r in consumers.result["results"]] == [True, False, True]
    assert "items[0] (route 'r1')" in bulk_run["routes"].msg
    assert "items[0] (plugin 'p')" in bulk_run["plugins"].msg
