"""SnapshotClient against the simulator: one listing per type, misses answered as Kong would, no stale reads."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient, quote_key
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import (
    KongAPIError,
    KongConnectionError,
)
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.snapshot import SnapshotClient
from kongsim import KongSim


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
    with pytest.raises(KongAPIError):  # Kong's error for a missing parent, not an empty list
        list(snap.paginate("/consumers/carol/key-auth"))


def test_misses_are_kong_404_without_asking_kong(sim: Any) -> None:
    snap = SnapshotClient(KongClient(sim.url))
    ann = snap.get_or_none("/consumers/ann")
    bob = snap.get_or_none("/consumers/bob")
    bob_key = next(iter(snap.paginate(f"/consumers/{bob['id']}/key-auth")))
    snap.get_or_none("/plugins/none")
    snap.get_or_none(f"/consumers/{ann['id']}/acls/gold")
    sim.clear_log()
    assert snap.get_or_none("/consumers/carol") is None
    assert snap.get_or_none("/consumers/" + str(uuid.uuid4())) is None  # a UUID is an id: no such id
    assert snap.get_or_none("/plugins/carol-rate-limiting") is None
    assert snap.get_or_none(f"/consumers/{ann['id']}/acls/silver") is None
    assert snap.get_or_none(f"/consumers/{ann['id']}/key-auth/{bob_key['id']}") is None  # bob's, not ann's
    assert paths(sim) == []
    for path, answers in [
        (f"/consumers/{quote_key('carol@example.test')}", None),  # a key this snapshot does not vouch for
        (f"/consumers/{ann['id']}/acls/{quote_key('gold group')}", None),
        (f"/plugins/{quote_key('rate limiting')}", 400),  # Kong refuses a name it would never store
        ("/acls/gold", 400),  # acls have no endpoint key: only an id
    ]:
        if answers is None:
            assert snap.get_or_none(path) is None
        else:
            with pytest.raises(KongAPIError) as caught:
                snap.get_or_none(path)
            assert caught.value.status == answers
    assert len(paths(sim)) == 4
    assert snap.get_or_none("/upstreams/pool") is None  # upstream names are host names: Kong checks them
    assert paths(sim)[-2:] == ["GET /upstreams", "GET /upstreams/pool"]


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


def test_a_conflict_makes_the_snapshot_incomplete(sim: Any) -> None:
    snap = SnapshotClient(KongClient(sim.url, retries=0))
    assert snap.get_or_none("/consumers/ann")
    KongClient(sim.url).request("POST", "/consumers", body={"username": "dan"})  # someone else, after the listing
    assert snap.get_or_none("/consumers/dan") is None  # what the listing knows
    with pytest.raises(KongAPIError):
        snap.request("POST", "/consumers", body={"username": "dan"})  # 409: the listing is out of date
    assert not snap.snapshots["consumers"].complete
    assert snap.get_or_none("/consumers/dan")["username"] == "dan"  # misses ask Kong now
    assert snap.get_or_none("/consumers/ann")  # hits still come from the listing
    assert paths(sim).count("GET /consumers") == 1 and "GET /consumers/dan" in paths(sim)
    assert snap.request("GET", "/consumers", {"custom_id": "none"})["data"] == []
    assert paths(sim)[-1] == "GET /consumers"  # Kong's answer, not the listing's


def test_a_refused_write_keeps_the_snapshot_complete(sim: Any) -> None:
    snap = SnapshotClient(KongClient(sim.url, retries=0))
    assert snap.get_or_none("/consumers/ann")
    with pytest.raises(KongAPIError) as caught:
        snap.request("POST", "/consumers", body={"username": "eve", "bogus": 1})
    assert caught.value.status == 400
    assert snap.snapshots["consumers"].complete
    sim.clear_log()
    assert snap.get_or_none("/consumers/eve") is None
    assert paths(sim) == []


def test_a_write_without_an_answer_drops_the_entity_it_addressed(sim: Any) -> None:
    snap = SnapshotClient(KongClient(sim.url, retries=0))
    ann = snap.get_or_none("/consumers/ann")
    sim.inject_fault("PATCH", "^/consumers/", status=502)
    with pytest.raises(KongAPIError):
        snap.request("PATCH", f"/consumers/{ann['id']}", body={"custom_id": "c-9"})
    assert ann["id"] not in snap.snapshots["consumers"].by_id
    assert snap.get_or_none("/consumers/ann")["username"] == "ann"
    assert paths(sim)[-1] == "GET /consumers/ann"


def test_an_unreachable_listing_is_not_retried_for_every_item() -> None:
    with KongSim() as stopped:
        url = stopped.url
    snap = SnapshotClient(KongClient(url, retries=0))
    for _attempt in range(3):
        with pytest.raises(KongConnectionError):
            snap.get_or_none("/consumers/ann")
    assert list(snap.unreachable) == ["consumers"]
