"""kong_key_set against any Kong: lifecycle, bulk and info (Kong answers PUT /key-sets/{name} with a 500:
the module creates with POST and changes with PATCH)."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin
from helpers.bulk_info import assert_bulk_info, bulk_info_tasks
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks

pytestmark = pytest.mark.kong

LIFECYCLE = Lifecycle(
    module="kong_key_set",
    present={"name": "llm-signing", "tags": ["jwt"]},
    absent={"name": "llm-signing"},
    return_key="key_set",
    path="/key-sets/llm-signing",
    expect={"name": "llm-signing", "tags": ["jwt"]},
    updates=[Update("tags", ["jwt", "current"])],
)


def test_lifecycle(kong: Any, run_playbook: Any) -> None:
    run = run_playbook(lifecycle_tasks(LIFECYCLE, kong.url), sim=kong)
    assert_lifecycle(run, LIFECYCLE)
    assert admin.listing(kong, "/key-sets") == []
    assert not [e for e in kong.request_log() if e["method"] == "PUT"]


def test_bulk_and_info(kong: Any, run_playbook: Any) -> None:
    run = run_playbook(bulk_info_tasks("key-sets", [{"name": "a"}, {"name": "b", "tags": ["x"]}]), sim=kong)
    listed = assert_bulk_info(run, "key-sets", 2)
    assert sorted(k["name"] for k in listed) == ["a", "b"]
