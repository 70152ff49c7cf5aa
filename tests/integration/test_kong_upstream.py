"""kong_upstream against any Kong: lifecycle and subset-compared health checks."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks, task

pytestmark = pytest.mark.kong

UPSTREAM = "aigateway.kong.kong_upstream"

HEALTHCHECKS = {
    "active": {"http_path": "/health", "healthy": {"interval": 5, "successes": 2}},
    "passive": {"unhealthy": {"http_failures": 3}},
}

LIFECYCLE = Lifecycle(
    module="kong_upstream",
    present={"name": "llm-pool", "algorithm": "least-connections", "healthchecks": HEALTHCHECKS, "tags": ["ai"]},
    absent={"name": "llm-pool"},
    return_key="upstream",
    path="/upstreams/llm-pool",
    expect={
        "name": "llm-pool",
        "algorithm": "least-connections",
        "healthchecks": {
            "active": {"http_path": "/health", "healthy": {"interval": 5, "successes": 2}, "timeout": 1},
            "passive": {"unhealthy": {"http_failures": 3}},
        },
    },
    updates=[
        Update("healthchecks", {**HEALTHCHECKS, "active": {**HEALTHCHECKS["active"], "http_path": "/ready"}}),
        Update("slots", 1000),
    ],
)


def test_lifecycle(kong: Any, run_playbook: Any) -> None:
    run = run_playbook(lifecycle_tasks(LIFECYCLE, kong.url), sim=kong)
    assert_lifecycle(run, LIFECYCLE)
    assert admin.entity(kong, LIFECYCLE.path) is None


def test_healthchecks_subset(kong: Any, run_playbook: Any) -> None:
    """Only the health-check keys given are compared; changing one nested key keeps Kong's others."""
    admin.create(kong, "/upstreams", {"name": "pool", "healthchecks": {"active": {"healthy": {"interval": 10}}}})
    run = run_playbook(
        [
            task("same subset", UPSTREAM, {"name": "pool", "healthchecks": {"active": {"healthy": {"interval": 10}}}}),
            task("kong default", UPSTREAM, {"name": "pool", "healthchecks": {"active": {"concurrency": 10}}}),
            task("nested change", UPSTREAM, {"name": "pool", "healthchecks": {"active": {"unhealthy": {
                "tcp_failures": 4}}}}, diff=True),
            task("bad value", UPSTREAM, {"name": "pool", "healthchecks": {"active": {"type": "smtp"}}},
                 ignore_errors=True),
        ],
        sim=kong,
    )
    for name in ("same subset", "kong default"):
        t = run[name]
        assert not t.failed and not t.changed and t.writes == [], (name, t.result, run.summary())
    change = run["nested change"]
    assert change.changed and set(change.diff["after"]) == {"healthchecks"}, change.diff
    assert "interval" not in str(change.diff), f"diff should show the changed path only: {change.diff}"
    held = admin.entity(kong, "/upstreams/pool")["healthchecks"]["active"]
    assert held["unhealthy"]["tcp_failures"] == 4 and held["healthy"]["interval"] == 10, held
    bad = run["bad value"]
    assert bad.failed and "type" in bad.msg, bad.result


@pytest.mark.parametrize("check_type", ["grpc", "grpcs"])
def test_active_checks_kong_cannot_run_are_warned_of(kong: Any, run_playbook: Any, check_type: str) -> None:
    """Kong accepts active health checks of type grpc and grpcs, but its open-source health checker cannot run them:
    with an interval above 0 the upstream gets no balancer. The task says so; with the checks off (intervals of 0),
    or of a type Kong runs, it says nothing. On a shared Kong only check mode asks for such an upstream: once written,
    the checker's failure outlives it (tests/realkong/test_upstream_checks.py writes one on a Kong of its own)."""
    on = {"name": "grpc-pool", "healthchecks": {"active": {"type": check_type, "healthy": {"interval": 5}}}}
    quiet = [
        {"name": "off-pool", "healthchecks": {"active": {"type": check_type}}},
        {"name": "tcp-pool", "healthchecks": {"active": {"type": "tcp", "healthy": {"interval": 5}}}},
    ]
    run = run_playbook([task("check", UPSTREAM, on, check_mode=True)] + [task(q["name"], UPSTREAM, q) for q in quiet],
                       sim=kong)
    check = run["check"]
    assert check.changed and check.writes == [], run.summary()
    assert any(f"of type {check_type}" in w and "500" in w for w in check.result.get("warnings", [])), check.result
    assert admin.entity(kong, "/upstreams/grpc-pool") is None
    for q in quiet:
        assert run[q["name"]].changed and not run[q["name"]].result.get("warnings"), run.summary()
