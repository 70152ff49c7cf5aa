"""kong_service against any Kong: lifecycle, url decomposition, set-compared tags."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks, task

pytestmark = pytest.mark.kong


SERVICE = "aigateway.kong.kong_service"

LIFECYCLE = Lifecycle(
    module="kong_service",
    present={"name": "llm-openai", "url": "https://api.openai.example:8443/v1", "tags": ["ai", "team-a"]},
    absent={"name": "llm-openai"},
    return_key="service",
    path="/services/llm-openai",
    expect={
        "name": "llm-openai",
        "protocol": "https",
        "host": "api.openai.example",
        "port": 8443,
        "path": "/v1",
        "tags": ["ai", "team-a"],
    },
    updates=[
        Update("read_timeout", 120000),
        Update("tags", ["team-a", "ai", "prod"]),
        Update("enabled", False),
    ],
)


def test_lifecycle(kong: Any, run_playbook: Any) -> None:
    run = run_playbook(lifecycle_tasks(LIFECYCLE, kong.url), sim=kong)
    assert_lifecycle(run, LIFECYCLE)
    assert admin.entity(kong, LIFECYCLE.path) is None


def test_equivalent_forms_are_unchanged(kong: Any, run_playbook: Any) -> None:
    """url vs. its parts, reordered tags, Kong's own defaults: none of them is a change; id finds the entity."""
    body = {"name": "svc", "url": "http://upstream.example/api", "tags": ["b", "a"]}
    seeded = admin.create(kong, "/services", body)
    run = run_playbook(
        [
            task("url", SERVICE, {"name": "svc", "url": "http://upstream.example/api"}),
            task("parts", SERVICE, {"name": "svc", "protocol": "http", "host": "upstream.example",
                                    "port": 80, "path": "/api"}),
            task("reordered tags", SERVICE, {"name": "svc", "tags": ["a", "b"]}),
            task("defaults", SERVICE, {"name": "svc", "retries": 5, "connect_timeout": 60000}),
            task("rename by id", SERVICE, {"id": seeded["id"], "name": "svc-renamed"}, diff=True),
        ],
        sim=kong,
    )
    assert run.rc == 0, run.summary()
    for name in ("url", "parts", "reordered tags", "defaults"):
        t = run[name]
        assert not t.changed and t.writes == [], (name, t.result, t.writes)
    renamed = run["rename by id"]
    assert renamed.changed and [w["method"] for w in renamed.writes] == ["PATCH"], renamed.writes
    assert renamed.diff == {"before": {"name": "svc"}, "after": {"name": "svc-renamed"}}, renamed.diff
    held = admin.entity(kong, "/services/" + seeded["id"])
    assert held is not None and held["name"] == "svc-renamed" and held["port"] == 80
