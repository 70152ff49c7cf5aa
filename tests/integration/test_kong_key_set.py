"""kong_key_set against the simulator: lifecycle, bulk and info (Kong answers PUT /key-sets/{name} with a 500:
the module creates with POST and changes with PATCH)."""

from __future__ import annotations

from typing import Any

from helpers import admin
from helpers.bulk_info import assert_bulk_info, bulk_info_tasks
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks

LIFECYCLE = Lifecycle(
    module="kong_key_set",
    present={"name": "llm-signing", "tags": ["jwt"]},
    absent={"name": "llm-signing"},
    return_key="key_set",
    path="/key-sets/llm-signing",
    expect={"name": "llm-signing", "tags": ["jwt"]},
    updates=[Update("tags", ["jwt", "current"])],
)


def test_lifecycle(kongsim: Any, run_playbook: Any) -> None:
    run = run_playbook(lifecycle_tasks(LIFECYCLE, kongsim.url), sim=kongsim)
    assert_lifecycle(run, LIFECYCLE)
    assert admin.listing(kongsim, "/key-sets") == []
    assert not [e for e in kongsim.request_log() if e["method"] == "PUT"]


def test_bulk_and_info(kongsim: Any, run_playbook: Any) -> None:
    run = run_playbook(bulk_info_tasks("key-sets", [{"name": "a"}, {"name": "b", "tags": ["x"]}]), sim=kongsim)
    listed = assert_bulk_info(run, "key-sets", 2)
    assert sorted(k["name"] for k in listed) == ["a", "b"]
