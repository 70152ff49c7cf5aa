"""admin_retries and timeout: transient failures are retried without duplicates; slow answers time out."""

from __future__ import annotations

from typing import Any

from helpers import admin
from helpers.lifecycle import task

M = "aigateway.kong."


def test_retries_and_timeout(kongsim: Any, run_playbook: Any) -> None:
    admin.create(kongsim, "/services", {"name": "flaky", "url": "http://flaky.example"})
    kongsim.inject_fault(method="GET", path=r"^/services/flaky$", status=503, count=2)
    kongsim.inject_fault(method="POST", path=r"^/consumers$", status=503, count=1)
    run = run_playbook(
        [
            task("read retried", M + "kong_service", {"name": "flaky", "url": "http://flaky.example"}),
            task("create retried", M + "kong_consumer", {"username": "new"}),
        ],
        sim=kongsim,
    )
    retried = run["read retried"]
    assert not retried.failed and not retried.changed, (retried.result, run.summary())
    gets = [r["status"] for r in retried.requests if r["path"] == "/services/flaky"]
    assert gets == [503, 503, 200], retried.requests
    created = run["create retried"]
    assert created.changed and not created.failed, created.result
    assert [w["status"] for w in created.writes] == [503, 201], created.requests
    assert [c["username"] for c in admin.listing(kongsim, "/consumers")] == ["new"]

    kongsim.inject_fault(method="POST", path=r"^/consumers$", status=503, count=1)
    kongsim.inject_fault(method="GET", path=r"^/consumers/slow$", delay=3.0, count=1)
    run = run_playbook(
        [
            task("no retries", M + "kong_consumer", {"username": "other", "admin_retries": 0}, ignore_errors=True),
            task("too slow", M + "kong_consumer", {"username": "slow", "timeout": 1, "admin_retries": 0},
                 ignore_errors=True),
        ],
        sim=kongsim,
    )
    failed = run["no retries"]
    assert failed.failed and "503" in failed.msg and [w["status"] for w in failed.writes] == [503], failed.result
    slow = run["too slow"]
    assert slow.failed and "timed out" in slow.msg and kongsim.url in slow.msg, slow.msg
    assert "\n" not in slow.msg.strip()
    assert [c["username"] for c in admin.listing(kongsim, "/consumers")] == ["new"]
