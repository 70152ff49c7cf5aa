"""kong_route against any Kong: lifecycle, service reference by name, set-compared lists."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks, task

pytestmark = pytest.mark.kong

ROUTE = "aigateway.kong.kong_route"

LIFECYCLE = Lifecycle(
    module="kong_route",
    present={
        "name": "chat",
        "service": "llm",
        "paths": ["/v1/chat", "/chat"],
        "methods": ["POST", "GET"],
        "hosts": ["ai.example.test"],
        "strip_path": False,
        "tags": ["ai"],
    },
    absent={"name": "chat"},
    return_key="route",
    path="/routes/chat",
    expect={"name": "chat", "paths": ["/v1/chat", "/chat"], "methods": ["GET", "POST"], "strip_path": False},
    updates=[
        Update("paths", ["/v2/chat"]),
        Update("preserve_host", True),
        Update("headers", {"x-team": ["a", "b"]}),
    ],
)


def test_lifecycle(kong: Any, run_playbook: Any) -> None:
    service = admin.create(kong, "/services", {"name": "llm", "url": "http://llm.example:8080"})
    run = run_playbook(lifecycle_tasks(LIFECYCLE, kong.url), sim=kong)
    assert_lifecycle(run, LIFECYCLE)
    assert run["create"].result["route"]["service"]["id"] == service["id"]
    assert admin.entity(kong, LIFECYCLE.path) is None


def test_service_reference_and_reorderings(kong: Any, run_playbook: Any) -> None:
    """The service may be named or given by id; reordered sets (methods, tags) are no change; moving is.

    hosts and paths are arrays in Kong's schema, so their order is compared.
    """
    one = admin.create(kong, "/services", {"name": "one", "url": "http://one.example"})
    two = admin.create(kong, "/services", {"name": "two", "url": "http://two.example"})
    base = {"name": "r", "paths": ["/r"], "methods": ["GET", "POST"], "hosts": ["a.test", "b.test"], "tags": ["x", "y"]}
    run = run_playbook(
        [
            task("create", ROUTE, {**base, "service": "one"}),
            task("by id", ROUTE, {**base, "service": one["id"]}),
            task("reordered", ROUTE, {**base, "service": "one", "methods": ["POST", "GET"], "tags": ["y", "x"]}),
            task("move", ROUTE, {**base, "service": "two"}, diff=True),
            task("missing service", ROUTE, {**base, "service": "nope"}, ignore_errors=True),
        ],
        sim=kong,
    )
    assert run["create"].changed, run.summary()
    for name in ("by id", "reordered"):
        assert not run[name].changed and run[name].writes == [], (name, run[name].result)
    move = run["move"]
    assert move.changed and set(move.diff["after"]) == {"service"}, move.diff
    assert admin.entity(kong, "/routes/r")["service"]["id"] == two["id"]
    missing = run["missing service"]
    assert missing.failed and "nope" in missing.msg, missing.result
    assert missing.writes == [], missing.writes


def test_header_values_compare_as_sets(kong: Any, run_playbook: Any) -> None:
    """Kong matches any of a header's values: reordering them is no change; another value is."""
    admin.create(kong, "/services", {"name": "llm", "url": "http://llm.example"})
    base = {"name": "h", "service": "llm", "paths": ["/h"]}
    run = run_playbook(
        [
            task("create", ROUTE, {**base, "headers": {"x-model": ["gpt-4o", "gpt-4o-mini"], "x-team": "a"}}),
            task("reordered", ROUTE, {**base, "headers": {"x-team": ["a"], "x-model": ["gpt-4o-mini", "gpt-4o"]}}),
            task("check another value", ROUTE, {**base, "headers": {"x-model": ["gpt-4o"], "x-team": ["a"]}},
                 check_mode=True),
            task("another header", ROUTE, {**base, "headers": {"x-model": ["gpt-4o", "gpt-4o-mini"]}}),
        ],
        sim=kong,
    )
    assert run["create"].changed, run.summary()
    assert not run["reordered"].changed and run["reordered"].writes == [], run["reordered"].result
    assert run["check another value"].changed and run["check another value"].writes == []
    assert run["another header"].changed
    assert admin.entity(kong, "/routes/h")["headers"] == {"x-model": ["gpt-4o", "gpt-4o-mini"]}
