"""kong_entities with report=changed: the unchanged items are counted, the others returned with their index."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.run import BulkRun
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.snapshot import SnapshotClient

pytestmark = pytest.mark.kong


def bulk(sim: Any, items: list[dict[str, Any]], report: str) -> dict[str, Any]:
    client = KongClient(sim.url, sleep=lambda _seconds: None)
    return BulkRun(client, "consumers", items, {"admin_url": sim.url}, diff=True, report=report).run()


def test_only_changed_and_failed_items_are_returned(kong: Any) -> None:
    items = [{"username": f"user-{i}", "custom_id": f"c-{i}"} for i in range(5)]
    first = bulk(kong, items, "changed")
    assert first["changed"] and [r["index"] for r in first["results"]] == [0, 1, 2, 3, 4]
    assert first["msg"] == "consumers: 5 created"

    items[3]["custom_id"] = "c-3b"  # one change, one failure (an id that does not exist), the rest unchanged
    items.append({"username": "user-x", "id": "00000000-0000-4000-8000-000000000000", "state": "absent"})
    items.append({"username": "user-9", "colour": "red"})
    again = bulk(kong, items, "changed")
    assert [(r["index"], r.get("changed"), bool(r.get("failed"))) for r in again["results"]] == [
        (3, True, False),
        (6, False, True),
    ]
    assert again["results"][0]["consumer"]["custom_id"] == "c-3b"
    assert again["diff"] == [{"before": {"custom_id": "c-3"}, "after": {"custom_id": "c-3b"}}]
    assert again["failed"] and again["msg"].startswith("1 of 7 consumers failed: items[6] (consumer 'user-9')")


def test_all_is_one_result_per_item(kong: Any) -> None:
    items = [{"username": "a"}, {"username": "b"}]
    bulk(kong, items, "all")
    result = bulk(kong, items, "all")
    assert not result["changed"] and [r["item"]["username"] for r in result["results"]] == ["a", "b"]
    assert all("index" not in r for r in result["results"])
    assert bulk(kong, items, "changed")["results"] == []


def test_ids_name_every_item_in_order_whatever_is_reported(kong: Any) -> None:
    items = [{"username": "a"}, {"username": "b"}, {"username": "c"}]
    first = bulk(kong, items, "changed")
    held = {c["username"]: c["id"] for c in (r["consumer"] for r in first["results"])}
    assert first["ids"] == [held["a"], held["b"], held["c"]]

    items[1] = {"username": "b", "state": "absent"}  # deleted: still named; a failure: None
    items.append({"username": "d", "colour": "red"})
    again = bulk(kong, items, "changed")
    assert [r["index"] for r in again["results"]] == [1, 3]
    assert again["ids"] == [held["a"], held["b"], held["c"], None]

    client = KongClient(kong.url, sleep=lambda _seconds: None)
    preview = BulkRun(client, "consumers", [{"username": "a"}, {"username": "new"}], {"admin_url": kong.url},
                      check_mode=True, report="changed").run()
    assert preview["ids"] == [held["a"], None]  # check mode: what would be created has no id yet


def test_an_item_someone_else_created_meanwhile_is_named_by_its_id(kong: Any) -> None:
    """The listing said 'absent', the POST got 409 and the lookup found the entity: unchanged, and still named."""
    client = SnapshotClient(KongClient(kong.url, sleep=lambda _seconds: None))
    client.snapshot("consumers")  # the listing, read before the other writer
    late = KongClient(kong.url).request("POST", "/consumers", body={"username": "late"})
    result = BulkRun(client, "consumers", [{"username": "late"}], {"admin_url": kong.url}, report="changed").run()
    assert not result["changed"] and result["results"] == [] and result["msg"] == "consumers: 1 unchanged"
    assert result["ids"] == [late["id"]]
