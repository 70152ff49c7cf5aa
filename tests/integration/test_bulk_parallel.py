"""kong_entities' BulkRun against the simulator: requests of a first converge, and threads that change nothing
but the time (results, diff, failures, check mode and Kong's final state equal the items applied in order)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.run import BulkRun
from kongsim import KongSim

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
USERS = [f"user-{i:02d}" for i in range(24)]
RL = {"minute": 60, "policy": "local"}


def bulk(
    sim: Any, entity: str, items: list[Any], workers: int, check: bool = False
) -> tuple[dict[str, Any], list[str]]:
    warnings: list[str] = []
    client = KongClient(sim.url, sleep=lambda _seconds: None, warn=warnings.append)
    run = BulkRun(
        client,
        entity,
        items,
        {"admin_url": sim.url},
        check_mode=check,
        diff=True,
        warn=warnings.append,
        workers=workers,
    )
    return run.run(), warnings


def normal(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items() if k not in ("created_at", "updated_at")}
    if isinstance(value, list):
        return [normal(v) for v in value]
    return UUID.sub("<uuid>", value) if isinstance(value, str) else value


def kong_state(sim: Any) -> dict[str, Any]:
    client = KongClient(sim.url)
    return {
        c: sorted((normal(e) for e in client.paginate("/" + c)), key=repr)
        for c in ("consumers", "key-auths", "plugins")
    }


def counted(sim: Any) -> tuple[int, list[str]]:
    log = sim.request_log()
    sim.clear_log()
    return sum(e["method"] == "POST" for e in log), sorted(
        f"{e['method']} {e['path']}" for e in log if e["method"] != "POST"
    )


@pytest.fixture
def sims() -> Iterator[tuple[Any, Any]]:
    with KongSim() as in_order, KongSim() as threaded:
        yield in_order, threaded


@pytest.mark.parametrize("workers", [1, 8])
def test_a_first_converge_sends_one_post_per_item_and_one_listing_per_type(kongsim: Any, workers: int) -> None:
    consumers = [{"username": u} for u in USERS]
    keys = [{"consumer": u, "key": f"key-{u}"} for u in USERS]
    plugins = [{"instance_name": f"{u}-rl", "name": "rate-limiting", "consumer": u, "config": RL} for u in USERS]
    for entity, items, listings in [
        ("consumers", consumers, ["GET /", "GET /consumers"]),
        ("key-auths", keys, ["GET /", "GET /consumers", "GET /key-auths"]),
        # a plugin's schema is read once per plugin name (masking), and kept for the process
        ("plugins", plugins, ["GET /", "GET /consumers", "GET /plugins", "GET /schemas/plugins/rate-limiting"]),
    ]:
        result, _warnings = bulk(kongsim, entity, items, workers)
        assert result["msg"] == f"{entity}: {len(USERS)} created", result["msg"]
        assert counted(kongsim) == (len(USERS), listings), entity
        result, _warnings = bulk(kongsim, entity, items, workers)  # no-op: the listings only
        no_op = [line for line in listings[1:] if not line.startswith("GET /schemas/")]
        assert not result["changed"] and counted(kongsim) == (0, no_op), entity


def both(sims: tuple[Any, Any], entity: str, items: list[Any], check: bool = False) -> dict[str, Any]:
    """Run on both simulators, in order and with 8 threads; the results must be the same."""
    in_order = bulk(sims[0], entity, items, 1, check)[0]
    threaded = bulk(sims[1], entity, items, 8, check)[0]
    assert normal(threaded) == normal(in_order), entity
    assert kong_state(sims[1]) == kong_state(sims[0]), entity
    return threaded


def test_threads_give_the_results_of_the_items_in_order(sims: tuple[Any, Any]) -> None:
    consumers: list[Any] = [{"username": u, "tags": ["a"]} for u in USERS]
    consumers[5:5] = [{"username": USERS[2], "tags": ["b"]}, {"username": "x", "bogus": 1}, {"custom_id": "only-c"}]
    consumers.append({"username": USERS[2], "tags": ["c"], "custom_id": "c-2"})  # the third item for one consumer
    result = both(sims, "consumers", consumers)
    assert [r.get("failed", False) for r in result["results"]].index(True) == 6
    assert result["failed"] and "1 of 28 consumers failed: items[6] (consumer 'x')" in result["msg"]
    assert result["results"][7]["msg"] == "consumer created"
    assert [r["msg"] for r in result["results"] if "user-02" in r["msg"]] == [
        "consumer 'user-02' created",
        "consumer 'user-02' updated",
        "consumer 'user-02' updated",
    ]
    assert len(result["diff"]) == len(consumers) - 1

    keys = [{"consumer": u, "key": f"key-{u}"} for u in USERS] + [{"consumer": "nobody", "key": "k"}]
    keys.insert(3, {"consumer": USERS[4], "key": f"key-{USERS[3]}"})  # then user-03's own key is taken: 409
    result = both(sims, "key-auths", keys)
    assert "2 of 26 key-auths failed: items[4] (key-auth credential)" in result["msg"]
    assert "items[25] (key-auth credential): key-auth credential: consumer 'nobody'" in result["msg"]

    plugins: list[Any] = [
        {"instance_name": f"{u}-rl", "name": "rate-limiting", "consumer": u, "config": RL} for u in USERS
    ]
    plugins[3]["config"] = {"minute": -1}  # Kong refuses it
    plugins += [
        {"name": "rate-limiting", "consumer": USERS[0], "config": {"minute": 5}},  # the same plugin by its scope
        {"instance_name": "global-cors", "name": "cors"},
        {"instance_name": "global-cors", "name": "cors", "config": {"max_age": 60}},
    ]
    result = both(sims, "plugins", plugins)
    assert [r["failed"] for r in result["results"] if r.get("failed")] == [True]
    assert result["results"][len(USERS)]["msg"] == "plugin 'rate-limiting' updated"
    assert result["results"][-1]["msg"] == "plugin 'global-cors' updated"


def test_check_mode_writes_nothing_and_predicts_the_same(sims: tuple[Any, Any]) -> None:
    both(sims, "consumers", [{"username": u} for u in USERS[:12]])
    for sim in sims:
        sim.clear_log()
    changes: list[Any] = [{"username": u, "tags": ["new"]} for u in USERS]
    changes += [{"username": USERS[0], "state": "absent"}, {"username": USERS[0], "tags": ["again"]}]
    result = both(sims, "consumers", changes, check=True)
    assert result["changed"] and len(result["diff"]) == len(changes)
    assert [r["msg"] for r in result["results"][-2:]] == ["consumer 'user-00' deleted", "consumer 'user-00' updated"]
    assert sims[0].writes() == [] and sims[1].writes() == []
    result = both(sims, "consumers", [*changes[:12], {"username": USERS[1], "state": "absent"}])
    assert result["results"][-1]["msg"] == "consumer 'user-01' deleted"


def test_faults_are_retried_by_every_thread(kongsim: Any) -> None:
    kongsim.inject_fault("GET", "^/consumers$", status=503)  # the listing
    kongsim.inject_fault("POST", "^/consumers$", status=503, count=2)  # not applied: looked up, then sent again
    kongsim.inject_fault("POST", "^/consumers$", status=None, drop=True)  # no answer: looked up, then sent again
    result, warnings = bulk(kongsim, "consumers", [{"username": u} for u in USERS], 4)
    assert result["msg"] == f"consumers: {len(USERS)} created", result["msg"]
    statuses = [e["status"] for e in kongsim.request_log() if e["method"] == "POST"]
    assert sorted(statuses) == [0] + [201] * len(USERS) + [503] * 2
    assert len([w for w in warnings if "retrying" in w]) == 4, warnings
    kongsim.clear_log()
    kongsim.inject_fault("PATCH", "^/consumers/", status=502, count=2)
    result, warnings = bulk(kongsim, "consumers", [{"username": u, "tags": ["t"]} for u in USERS], 4)
    assert result["msg"] == f"consumers: {len(USERS)} updated"
    assert (
        sorted(e["status"] for e in kongsim.request_log() if e["method"] == "PATCH") == [200] * len(USERS) + [502] * 2
    )


def test_an_entity_created_by_someone_else_meanwhile_is_updated(kongsim: Any) -> None:
    warnings: list[str] = []
    client = KongClient(kongsim.url, sleep=lambda _seconds: None)
    items = [{"username": u, "tags": ["mine"]} for u in USERS]
    run = BulkRun(client, "consumers", items, {"admin_url": kongsim.url}, warn=warnings.append, workers=8)
    run.client.snapshot("consumers")  # listed before the other writer
    KongClient(kongsim.url).request("POST", "/consumers", body={"username": USERS[7], "tags": ["theirs"]})
    kongsim.clear_log()
    result = run.run()
    assert result["results"][7]["msg"] == "consumer 'user-07' updated"
    assert result["results"][7]["consumer"]["tags"] == ["mine"]
    log = [
        f"{e['method']} {e['path']} {e['status']}"
        for e in kongsim.request_log()
        if "user-07" in e["path"] or e["status"] == 409
    ]
    assert log[0] == "POST /consumers 409" and log[1] == "GET /consumers/user-07 200"
