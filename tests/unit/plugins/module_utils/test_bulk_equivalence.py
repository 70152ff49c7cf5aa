# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_entities gives, item by item, what the single-entity modules give in a loop.

The same scenario (first converge, no-op, check mode with --diff, update and delete, failing items) runs on two
simulators: on one as loops over the single-entity modules' tasks, on the other as kong_entities tasks. Each task
runs as its module would: options checked with its argument spec and rules as AnsibleModule checks them, then
``run_task``, the result masked with its no_log values, ``changed`` and ``failed`` filled in as Ansible does.
Results (changed, msg, returned entity, diff, failures) and the final Kong state must be identical once ids and
timestamps are normalised; the bulk path must send far fewer requests, and only reads on a no-op.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible_collections.aigateway.kong.plugins.module_utils.api import schemas
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.run import BULK
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import (
    Task,
    TaskResult,
    entity_tasks,
    run_task,
)
from helpers.bulk_scenario import HEADER, KINDS, SECRET, Scenario, gateway, normal
from helpers.playbook import is_validation
from helpers.simkong import SimKong

LOOP_URL = "http://loop.test:8001"
BULK_URL = "http://bulk.test:8001"
TASKS = entity_tasks()
SECRETS = (SECRET + "0", SECRET + "1", SECRET + "2", HEADER)
RETURNED = ("consumer", "credential", "plugin", "route", "service", "target", "upstream")


@dataclass
class Ran:
    """One task as Ansible registers it (masked), its values to mask (``no_log``: the options' no_log values and
    the TaskResult's ``secrets``), and the requests it sent."""

    result: dict[str, Any]
    no_log: set[str] = field(default_factory=set)
    secrets: frozenset[str] = frozenset()
    requests: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.result["changed"])

    @property
    def failed(self) -> bool:
        return bool(self.result["failed"])

    @property
    def msg(self) -> str:
        return str(self.result.get("msg", ""))

    @property
    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.requests if m != "GET" and not is_validation(p)]


def run(kong: SimKong, task: Task, args: dict[str, Any], check_mode: bool, diff: bool) -> Ran:
    """The task's module run with ``args``: its options checked as AnsibleModule checks them (failing with the
    first error), then ``run_task``; its result masked and completed as Ansible registers it."""
    start = len(kong.log)
    checked = ArgumentSpecValidator(task.argument_spec(), **task.rules()).validate(args)
    warnings: list[str] = []
    if checked.error_messages:
        message = checked.errors.msg
        if isinstance(checked.errors.errors[0], UnsupportedError):
            message = f"Unsupported parameters for (aigateway.kong.{task.module}) module: {message}"
        outcome = TaskResult.failure(message)
    else:
        outcome = run_task(task, checked.validated_parameters, check_mode, diff, warnings.append)
    result = outcome.module_result()
    result["invocation"] = {"module_args": task.shown_args(checked.validated_parameters)}
    if warnings:
        result["warnings"] = warnings
    result.setdefault("failed", False)  # as Ansible's task executor does
    result.setdefault("changed", False)
    no_log = outcome.no_log(set(checked._no_log_values) | task.raw_secrets(args))
    return Ran(remove_values(result, no_log), no_log, outcome.secrets, kong.log[start:])


def loop(kong: SimKong, kind: str, items: list[dict[str, Any]], check_mode: bool, diff: bool) -> Ran:
    """A task looping the single-entity module over ``items``: the items' results, changed or failed if any is."""
    module, extra = KINDS[kind]
    runs = [run(kong, TASKS[module], {"admin_url": LOOP_URL, **extra, **item}, check_mode, diff) for item in items]
    results = [dict(r.result, item=item) for r, item in zip(runs, items, strict=True)]
    result = {"results": results, "changed": any(r.changed for r in runs), "failed": any(r.failed for r in runs)}
    no_log = set().union(*(r.no_log for r in runs))
    secrets = frozenset().union(*(r.secrets for r in runs))
    return Ran(result, no_log, secrets, [request for r in runs for request in r.requests])


def bulk(kong: SimKong, kind: str, items: list[dict[str, Any]], check_mode: bool, diff: bool) -> Ran:
    return run(kong, BULK, {"admin_url": BULK_URL, "entity": kind, "items": items}, check_mode, diff)


def per_item(task: Ran) -> list[Any]:
    keep = ("changed", "msg", "diff", *RETURNED)
    results = task.result["results"]
    return [normal({"failed": bool(r.get("failed")), **{k: r[k] for k in keep if k in r}}) for r in results]


def kong_state(kong: SimKong) -> dict[str, Any]:
    """Every entity the simulator holds, normalised."""
    return {name: sorted((normal(e) for e in kong.store[name].values()), key=repr) for name in kong.store}


@dataclass
class Kongs:
    loop: SimKong
    bulk: SimKong


@pytest.fixture
def kongs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Kongs]:
    """Two simulators; a task's client reaches the one its ``admin_url`` names."""
    pair = Kongs(SimKong(), SimKong())
    by_url = {LOOP_URL: pair.loop, BULK_URL: pair.bulk}
    from_params = KongClient.from_params

    def client(params: dict[str, Any], **kwargs: Any) -> KongClient:
        return from_params(params, transport=by_url[params["admin_url"]], **kwargs)

    monkeypatch.setattr(KongClient, "from_params", staticmethod(client))
    yield pair
    schemas.forget()


def both(
    kongs: Kongs, scenario: Scenario, check_mode: bool = False, diff: bool = False
) -> tuple[dict[str, Ran], dict[str, Ran]]:
    """The scenario on both paths, as one playbook run each (plugin schemas are read once per run): per item,
    per task and in Kong the same; no secret in the bulk path's results."""
    schemas.forget()
    loops = {kind: loop(kongs.loop, kind, items, check_mode, diff) for kind, items in scenario}
    bulks = {kind: bulk(kongs.bulk, kind, items, check_mode, diff) for kind, items in scenario}
    for kind, _items in scenario:
        assert per_item(bulks[kind]) == per_item(loops[kind]), kind
        assert (bulks[kind].changed, bulks[kind].failed) == (loops[kind].changed, loops[kind].failed), kind
        shown = json.dumps(bulks[kind].result)
        assert not [secret for secret in SECRETS if secret in shown], kind
    assert kong_state(kongs.bulk) == kong_state(kongs.loop)
    return loops, bulks


def test_same_results_as_single_entity_loops(kongs: Kongs) -> None:
    _loops, created = both(kongs, gateway(3))  # first converge
    for kind in ("key-auths", "plugins"):  # the secrets of what it applied, found by the bulk path itself
        assert created[kind].secrets <= created[kind].no_log
    assert set(SECRETS) <= created["key-auths"].secrets | created["plugins"].secrets
    loops, bulks = both(kongs, gateway(3))  # no-op
    for kind, _items in gateway(3):
        assert not bulks[kind].changed and not bulks[kind].writes
        assert {method for method, _path in bulks[kind].requests} == {"GET"}, kind
        reads = [path for _method, path in bulks[kind].requests]
        read_schemas = [p for p in reads if p.startswith("/schemas/")]  # one per plugin name, for masking
        # listings only (/c, /p/{id}/c): a plugin this Kong holds needs no GET / for its per-release checks
        listings = [p for p in reads if p.count("/") % 2 == 1 and p not in read_schemas]
        assert "/" not in reads and len(listings) <= 4 and len(read_schemas) == len(set(read_schemas)), (kind, reads)
        assert len(listings) + len(read_schemas) == len(reads), (kind, reads)
    assert sum(len(t.requests) for t in bulks.values()) * 2 < sum(len(t.requests) for t in loops.values())
    loops, bulks = both(kongs, gateway(3, minute=20, drop=1), check_mode=True, diff=True)  # preview only
    assert bulks["plugins"].changed and not [t.writes for t in (*loops.values(), *bulks.values()) if t.writes]
    both(kongs, gateway(3, minute=20, drop=1), diff=True)  # update and delete


def test_failing_items_name_the_item_and_do_not_stop_the_others(kongs: Kongs) -> None:
    scenario = [
        ("consumers", [{"username": "a"}, {"username": "b", "bogus": 1}, {"username": "c"}]),
        ("routes", [{"name": "r1", "service": "missing", "paths": ["/x"]}]),
        ("plugins", [{"instance_name": "p", "name": "rate-limiting", "consumer": "a", "config": {"minute": -1}}]),
    ]
    _loops, bulks = both(kongs, scenario)
    consumers = bulks["consumers"]
    assert consumers.failed and consumers.changed
    assert "items[1] (consumer 'b')" in consumers.msg and "bogus" in consumers.msg
    assert [r["changed"] for r in consumers.result["results"]] == [True, False, True]
    assert "items[0] (route 'r1')" in bulks["routes"].msg
    assert "items[0] (plugin 'p')" in bulks["plugins"].msg
