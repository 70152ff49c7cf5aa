"""SnapshotClient against the simulator: one listing per type, Kong's own answers for misses, no stale reads."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kongsim import KongSim

REPO = Path(__file__).resolve().parents[2]
if "ansible_collections.aigateway.kong" not in sys.modules:
    ROOT = Path(tempfile.mkdtemp(prefix="aigateway-kong-bulk-"))
    (ROOT / "ansible_collections" / "aigateway").mkdir(parents=True)
    (ROOT / "ansible_collections" / "aigateway" / "kong").symlink_to(REPO, target_is_directory=True)
    sys.path.insert(0, str(ROOT))

from ansible_collections.aigateway.kong.plugins.module_utils.bulk_snapshot import SnapshotClient  # noqa: E402
from ansible_collections.aigateway.kong.plugins.module_utils.client import KongClient  # noqa: E402
from ansible_collections.aigateway.kong.plugins.module_utils.errors import (  # noqa: E402
    KongAPIError,
    KongConnectionError,
)


@pytest.fixture
def sim() -> Iterator[Any]:
    with KongSim() as running:
        client = KongClient(running.url)
        for name in ("ann", "bob"):
            consumer = client.request("POST", "/consumers", body={"username": name})
            client.request("POST", f"/consumers/{consumer['id']}/key-auth", body={"key": "key-" + name})
        client.request("POST", "/consumers/ann/acls", body={"group": "gold"})
        running.clear_log()
        yield running


def paths(sim: Any) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in sim.request_log()]


def test_lookups_come_from_one_listing_and_misses_ask_kong(sim: Any) -> None:
    snap = SnapshotClient(KongClient(sim.url))
    ann = snap.get_or_none("/consumers/ann")
    assert ann["username"] == "ann"
    assert snap.get_or_none(f"/consumers/{ann['id']}")["username"] == "ann"
    assert [k["key"] for k in snap.paginate(f"/consumers/{ann['id']}/key-auth")] == ["key-ann"]
    assert snap.get_or_none(f"/consumers/{ann['id']}/acls/gold")["group"] == "gold"
    assert snap.request("GET", "/consumers", {"custom_id": "none"}) == {"data": [], "next": None}
    assert paths(sim) == ["GET /consumers", "GET /key-auths", "GET /acls"]
    assert snap.get_or_none("/consumers/carol") is None  # a miss: Kong answers (404)
    assert paths(sim)[-1] == "GET /consumers/carol"
    with pytest.raises(KongAPIError):  # Kong's error for a missing parent, not an empty list
        list(snap.paginate("/consumers/carol/key-auth"))


def test_writes_update_the_snapshot_and_deletes_drop_what_kong_cascades(sim: Any) -> None:
    snap = SnapshotClient(KongClient(sim.url))
    bob = snap.get_or_none("/consumers/bob")
    assert len(list(snap.paginate("/key-auths"))) == 2
    created = snap.request("POST", "/consumers", body={"username": "carol"})
    assert snap.get_or_none("/consumers/carol")["id"] == created["id"]
    snap.request("PATCH", f"/consumers/{created['id']}", body={"custom_id": "c-1"})
    assert snap.request("GET", "/consumers", {"custom_id": "c-1"})["data"][0]["username"] == "carol"
    snap.request("DELETE", f"/consumers/{bob['id']}")
    assert snap.get_or_none("/consumers/bob") is None
    assert [k["key"] for k in snap.paginate("/key-auths")] == ["key-ann"]  # listed again after the cascade
    assert paths(sim).count("GET /key-auths") == 2


def test_a_failed_write_drops_the_snapshot(sim: Any) -> None:
    snap = SnapshotClient(KongClient(sim.url, retries=0))
    assert snap.get_or_none("/consumers/ann")
    with pytest.raises(KongAPIError):
        snap.request("POST", "/consumers", body={"username": "ann"})  # 409: someone holds it
    assert "consumers" not in snap.snapshots
    assert snap.get_or_none("/consumers/ann")
    assert paths(sim).count("GET /consumers") == 2


def test_an_unreachable_listing_is_not_retried_for_every_item() -> None:
    with KongSim() as stopped:
        url = stopped.url
    snap = SnapshotClient(KongClient(url, retries=0))
    for _attempt in range(3):
        with pytest.raises(KongConnectionError):
            snap.get_or_none("/consumers/ann")
    assert list(snap.unreachable) == ["consumers"]
