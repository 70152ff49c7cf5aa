"""kong_entities in-process on the controller (the action plugin) and as a module process return the same.

The same tasks run twice on two fresh simulators: once with the in-process path (the default for a local
connection), once with ``aigateway_kong_inprocess: false``, which makes the action plugin run the module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from helpers.bulk_scenario import HEADER, SECRET, bulk_tasks, gateway, kong_state, normal
from kongsim import KongSim

IN_PROCESS = "aigateway.kong.kong_entities: running in-process"
MODULE = "aigateway.kong.kong_entities: running the module"


def task_view(task: Any) -> Any:
    result = {k: v for k, v in task.result.items() if k not in ("invocation", "_ansible_no_log")}
    return normal({"status": task.status, **result})


def invocation(task: Any) -> Any:
    """The module arguments a task reports (its simulator's URL left out)."""
    args = dict((task.result.get("invocation") or {}).get("module_args") or {})
    args.pop("admin_url", None)
    return normal(args)


def run_both(
    run_playbook: Callable[..., Any], sims: tuple[Any, Any], tasks_for: Callable[[str], list[Any]], **kw: Any
) -> tuple[Any, Any]:
    inproc = run_playbook(tasks_for(sims[0].url), sim=sims[0], verbosity=3, **kw)
    module = run_playbook(
        tasks_for(sims[1].url), sim=sims[1], verbosity=3, play_vars={"aigateway_kong_inprocess": False}, **kw
    )
    assert IN_PROCESS in inproc.output and MODULE not in inproc.output
    assert MODULE in module.output and IN_PROCESS not in module.output
    assert [task_view(t) for t in inproc.tasks] == [task_view(t) for t in module.tasks]
    for ours, theirs in zip(inproc.tasks, module.tasks, strict=True):
        assert invocation(ours) == invocation(theirs)
    for run in (inproc, module):
        assert f"{SECRET}1" not in run.output and HEADER not in run.output
    assert kong_state(sims[0]) == kong_state(sims[1])
    return inproc, module


@pytest.fixture
def sims() -> Any:
    with KongSim() as first, KongSim() as second:
        yield first, second


def test_same_results_in_process_and_as_a_module(run_playbook: Callable[..., Any], sims: tuple[Any, Any]) -> None:
    run_both(run_playbook, sims, lambda url: bulk_tasks(url, gateway(2)), diff=True)
    run_both(run_playbook, sims, lambda url: bulk_tasks(url, gateway(2, minute=30, drop=1)), check=True, diff=True)
    inproc, _module = run_both(run_playbook, sims, lambda url: bulk_tasks(url, gateway(2, minute=30, drop=1)))
    assert inproc["plugins"].changed and inproc["plugins"].writes


def test_option_errors_are_reported_alike(run_playbook: Callable[..., Any], sims: tuple[Any, Any]) -> None:
    def tasks(url: str) -> list[Any]:
        return [
            {
                "name": "unknown option",
                "aigateway.kong.kong_entities": {"admin_url": url, "entity": "consumers", "items": [], "bogus": 1},
                "ignore_errors": True,
            },
            {
                "name": "bad entity",
                "aigateway.kong.kong_entities": {"admin_url": url, "entity": "nope", "items": []},
                "ignore_errors": True,
            },
            {
                "name": "secret header",
                "aigateway.kong.kong_entities": {
                    "admin_url": url,
                    "entity": "consumers",
                    "items": [{"username": "x"}],
                    "admin_headers": {"X-Secret": HEADER},
                },
            },
        ]

    inproc, _module = run_both(run_playbook, sims, tasks)
    assert "Unsupported parameters for (aigateway.kong.kong_entities) module: bogus" in inproc["unknown option"].msg
    assert inproc["bad entity"].failed and "nope" in inproc["bad entity"].msg
