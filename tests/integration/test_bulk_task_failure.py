"""A fault of the whole kong_entities task is reported once, not once per item."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.run import BulkRun

pytestmark = pytest.mark.kong


ITEMS = [{"username": f"user-{i}"} for i in range(200)]


def bulk_task(name: str, **options: Any) -> dict[str, Any]:
    return {"name": name, "aigateway.kong.kong_entities": dict(entity="consumers", items=ITEMS, **options)}


def test_a_ca_path_that_does_not_exist_fails_the_task_once(kong: Any, run_playbook: Any, tmp_path: Any) -> None:
    missing = str(tmp_path / "missing-ca.pem")
    run = run_playbook(
        [
            {**bulk_task("in-process", ca_path=missing), "ignore_errors": True},
            {
                **bulk_task("module", ca_path=missing),
                "ignore_errors": True,
                "vars": {"aigateway_kong_inprocess": False},
            },
        ],
        sim=kong,
    )
    for name in ("in-process", "module"):
        result = run[name]
        assert result.failed, run.summary()
        assert result.result["msg"] == f"ca_path '{missing}' does not exist"
        assert "results" not in result.result
    assert kong.request_log() == []


def test_an_unreachable_admin_api_is_said_once_for_every_item() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    client = KongClient(url, retries=0, sleep=lambda _seconds: None)
    result = BulkRun(client, "consumers", ITEMS, {"admin_url": url}).run()
    assert result["failed"]
    assert result["msg"].startswith("200 of 200 consumers failed: items[0] (consumer 'user-0'), items[1] (consumer ")
    assert "and 197 more: GET " in result["msg"]
    assert result["msg"].count("connection refused") == 1 and len(result["msg"]) < 400, result["msg"]
    assert result["results"][1]["msg"].startswith("Failed to look up consumer 'user-1': GET ")
