"""kong_consumer against any Kong: lifecycle, identity by username, custom_id or id."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks, task

pytestmark = pytest.mark.kong

CONSUMER = "aigateway.kong.kong_consumer"

LIFECYCLE = Lifecycle(
    module="kong_consumer",
    present={"username": "alice", "custom_id": "emp-001", "tags": ["team-a"]},
    absent={"username": "alice"},
    return_key="consumer",
    path="/consumers/alice",
    expect={"username": "alice", "custom_id": "emp-001", "tags": ["team-a"]},
    updates=[Update("custom_id", "emp-002"), Update("tags", ["team-a", "admins"])],
)


def test_lifecycle(kong: Any, run_playbook: Any) -> None:
    run = run_playbook(lifecycle_tasks(LIFECYCLE, kong.url), sim=kong)
    assert_lifecycle(run, LIFECYCLE)
    assert admin.entity(kong, LIFECYCLE.path) is None


def test_identity(kong: Any, run_playbook: Any) -> None:
    """A consumer found by custom_id or id can be renamed; a duplicate username is Kong's error, reported."""
    bob = admin.create(kong, "/consumers", {"username": "bob", "custom_id": "c-bob"})
    admin.create(kong, "/consumers", {"username": "carol"})
    run = run_playbook(
        [
            task("custom_id only", CONSUMER, {"custom_id": "c-bob"}),
            task("rename by id", CONSUMER, {"id": bob["id"], "username": "robert"}, diff=True),
            task("clash", CONSUMER, {"id": bob["id"], "username": "carol"}, ignore_errors=True),
            task("delete by custom_id", CONSUMER, {"custom_id": "c-bob", "state": "absent"}),
        ],
        sim=kong,
    )
    first = run["custom_id only"]
    assert not first.failed and not first.changed and first.writes == [], (first.result, run.summary())
    assert first.result["consumer"]["username"] == "bob"
    renamed = run["rename by id"]
    assert renamed.changed and renamed.diff == {"before": {"username": "bob"}, "after": {"username": "robert"}}
    clash = run["clash"]
    assert clash.failed and "carol" in clash.msg, clash.result
    assert run["delete by custom_id"].changed
    assert admin.entity(kong, "/consumers/" + bob["id"]) is None
    assert admin.entity(kong, "/consumers/carol") is not None
