# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one prune engine (kong_entities' ``prune`` and the ai_gateway role) against the simulator, in-process,
through the snapshot client its callers use: what it deletes, what it keeps and names, in which order."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.prune import (
    Planner,
    PrunePlan,
    delete,
    kept_message,
)
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.run import BulkRun
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.snapshot import SnapshotClient
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import CONSUMER
from helpers.simkong import SimKong

TAG = "gw"
MINE = [TAG]
CONNECTION = {"admin_url": "http://127.0.0.1:8001", "timeout": 10, "admin_retries": 3}
# what the ai_gateway role prunes: every type it describes
ROLE_TYPES = ["upstreams", "targets", "services", "routes", "consumers", "key-auths", "basic-auths", "acls", "plugins"]


@pytest.fixture
def client(make_client: Any) -> SnapshotClient:
    return SnapshotClient(make_client())


def plan(client: SnapshotClient, collections: list[str], described: dict[str, set[str]] | None = None,
         tags: list[str] | None = None) -> PrunePlan:
    return Planner(client, collections, tags or MINE, described or {}).plan()


def labels(planned: PrunePlan) -> list[str]:
    return [d.label for d in planned.deletions]


def ref(entity: dict[str, Any]) -> dict[str, str]:
    return {"id": entity["id"]}


def test_only_entities_carrying_all_the_tags_are_candidates(kong: SimKong, client: SnapshotClient) -> None:
    kong.add("services", name="both", host="a.test", tags=["gw", "team", "extra"])
    kong.add("services", name="gw-only", host="a.test", tags=["gw"])
    kong.add("services", name="team-only", host="a.test", tags=["team"])
    kong.add("services", name="untagged", host="a.test")
    planned = plan(client, ["services"], tags=["gw", "team"])
    assert labels(planned) == ["service 'both'"]
    assert planned.kept == []


def test_described_entities_are_never_deleted(kong: SimKong, client: SnapshotClient) -> None:
    a = kong.add("consumers", username="a", tags=MINE)
    kong.add("consumers", username="b", tags=MINE)
    c = kong.add("consumers", username="c", tags=MINE)
    planned = plan(client, ["consumers"], {"consumers": {a["id"], c["id"]}})
    assert labels(planned) == ["consumer 'b'"]


def test_a_consumer_holding_what_the_run_does_not_own_is_kept_and_named(
    kong: SimKong, client: SnapshotClient
) -> None:
    bob = kong.add("consumers", username="bob", tags=MINE)
    foreign_key = kong.add("key-auths", consumer=ref(bob), key="hand-made")
    own_key = kong.add("key-auths", consumer=ref(bob), key="old-key", tags=MINE)
    cy = kong.add("consumers", username="cy", tags=MINE)
    limit = kong.add("plugins", name="rate-limiting", consumer=ref(cy), config={"minute": 1})
    kong.add("consumers", username="dee", tags=MINE)
    planned = plan(client, ROLE_TYPES)
    assert sorted(planned.kept) == [  # within a type, in Kong's listing order
        f"consumer 'bob' (holds key-auth credential {foreign_key['id']})",
        f"consumer 'cy' (holds plugin 'rate-limiting' (id {limit['id']}))",
    ]
    # the kept consumer's own credential goes, named with its consumer; the consumer without foreign entities goes
    assert labels(planned) == [f"key-auth credential {own_key['id']} of consumer 'bob'", "consumer 'dee'"]
    assert kept_message(planned.kept, "the tag 'gw'") == (
        "Not removed, because they hold entities this run does not own (without the tag 'gw') or still describes, "
        f"which Kong would delete along with them or which keep Kong from deleting them: {'; '.join(planned.kept)}. "
        "The run's own entities inside them are removed."
    )


def test_a_consumer_holding_a_credential_the_run_describes_is_kept(kong: SimKong, client: SnapshotClient) -> None:
    ann = kong.add("consumers", username="ann", tags=MINE)
    key = kong.add("key-auths", consumer=ref(ann), key="k", tags=MINE)
    planned = plan(client, ["consumers", "key-auths"], {"key-auths": {key["id"]}})
    assert planned.deletions == []
    assert planned.kept == [f"consumer 'ann' (holds key-auth credential {key['id']})"]


def test_a_service_holding_a_route_the_run_does_not_own_is_kept(kong: SimKong, client: SnapshotClient) -> None:
    old = kong.add("services", name="old", host="a.test", tags=MINE)
    kong.add("routes", name="theirs", service=ref(old), paths=["/theirs"])
    kong.add("routes", name="mine", service=ref(old), paths=["/mine"], tags=MINE)
    planned = plan(client, ROLE_TYPES)
    assert planned.kept == ["service 'old' (holds route 'theirs')"]
    assert labels(planned) == ["route 'mine'"]


def test_an_upstream_holding_an_untagged_target_is_kept(kong: SimKong, client: SnapshotClient) -> None:
    upstream = kong.add("upstreams", name="old-upstream", tags=MINE)
    kong.add("targets", upstream=ref(upstream), target="10.0.0.1:8000")
    kong.add("targets", upstream=ref(upstream), target="10.0.0.2:8000", tags=MINE)
    planned = plan(client, ROLE_TYPES)
    assert planned.kept == ["upstream 'old-upstream' (holds target '10.0.0.1:8000')"]
    assert labels(planned) == ["target '10.0.0.2:8000' of upstream 'old-upstream'"]


def test_a_kept_entity_holds_its_own_parent_back(kong: SimKong, client: SnapshotClient) -> None:
    service = kong.add("services", name="old", host="a.test", tags=MINE)
    route = kong.add("routes", name="old", service=ref(service), paths=["/old"], tags=MINE)
    cors = kong.add("plugins", name="cors", route=ref(route))
    planned = plan(client, ROLE_TYPES)
    assert planned.kept == [  # sorted
        f"route 'old' (holds plugin 'cors' (id {cors['id']}))",
        "service 'old' (holds route 'old')",
    ]
    assert planned.deletions == []


def test_owned_children_of_types_not_pruned_go_with_their_parent(kong: SimKong, client: SnapshotClient) -> None:
    bob = kong.add("consumers", username="bob", tags=MINE)
    key = kong.add("key-auths", consumer=ref(bob), key="k", tags=MINE)
    kong.add("acls", consumer=ref(bob), group="gold", tags=MINE)
    upstream = kong.add("upstreams", name="old-upstream", tags=MINE)
    kong.add("targets", upstream=ref(upstream), target="10.0.0.1:8000", tags=MINE)
    consumers = plan(client, ["consumers"])
    assert [(d.label, d.cascaded) for d in consumers.deletions] == [
        (
            "consumer 'bob'",
            [f"key-auth credential {key['id']} of consumer 'bob'", "acl 'gold' of consumer 'bob'"],
        )
    ]
    upstreams = plan(client, ["upstreams"])
    assert [(d.label, d.cascaded) for d in upstreams.deletions] == [
        ("upstream 'old-upstream'", ["target '10.0.0.1:8000' of upstream 'old-upstream'"])
    ]
    # pruned types are deleted on their own, not listed as cascaded
    both = plan(client, ["consumers", "key-auths"])
    assert [(d.label, d.cascaded) for d in both.deletions] == [
        (f"key-auth credential {key['id']} of consumer 'bob'", []),
        ("consumer 'bob'", ["acl 'gold' of consumer 'bob'"]),
    ]
    result = delete(client, consumers.deletions[0], CONNECTION, False, pytest.fail)
    assert result["changed"] and result["cascaded"] == consumers.deletions[0].cascaded
    assert kong.store["consumers"] == {} and kong.store["key-auths"] == {} and kong.store["acls"] == {}


def test_a_service_holding_an_owned_route_of_a_type_not_pruned_is_kept(kong: SimKong, client: SnapshotClient) -> None:
    service = kong.add("services", name="old", host="a.test", tags=MINE)
    kong.add("routes", name="old", service=ref(service), paths=["/old"], tags=MINE)
    planned = plan(client, ["services"])  # kong_entities (service) with prune: true
    failed = [r for d in planned.deletions if (r := delete(client, d, CONNECTION, False, pytest.fail)).get("failed")]
    assert failed == []
    assert planned.kept == ["service 'old' (holds route 'old')"]


def test_deletions_go_children_first_and_kong_accepts_them(kong: SimKong, client: SnapshotClient) -> None:
    service = kong.add("services", name="old", host="a.test", tags=MINE)
    route = kong.add("routes", name="old", service=ref(service), paths=["/old"], tags=MINE)
    kong.add("plugins", name="cors", instance_name="old-cors", route=ref(route), tags=MINE)
    kong.add("plugins", name="prometheus", instance_name="old-prometheus", service=ref(service), tags=MINE)
    bob = kong.add("consumers", username="bob", tags=MINE)
    kong.add("key-auths", consumer=ref(bob), key="k", tags=MINE)
    kong.add("basic-auths", consumer=ref(bob), username="bob-login", password="pw", tags=MINE)
    kong.add("acls", consumer=ref(bob), group="gold", tags=MINE)
    upstream = kong.add("upstreams", name="old-upstream", tags=MINE)
    kong.add("targets", upstream=ref(upstream), target="10.0.0.1:8000", tags=MINE)
    planned = plan(client, ROLE_TYPES)
    assert planned.kept == []
    order = [d.collection for d in planned.deletions]
    assert sorted(order) == sorted(["services", "routes", "plugins", "plugins", "consumers", "key-auths",
                                    "basic-auths", "acls", "upstreams", "targets"])
    first = {collection: order.index(collection) for collection in order}
    last = {collection: len(order) - 1 - order[::-1].index(collection) for collection in order}
    for child, parent in [("plugins", "routes"), ("routes", "services"), ("key-auths", "consumers"),
                          ("basic-auths", "consumers"), ("acls", "consumers"), ("targets", "upstreams")]:
        assert last[child] < first[parent], order
    assert all(d.cascaded == [] for d in planned.deletions)  # every type is pruned: nothing goes along
    results = [delete(client, d, CONNECTION, False, pytest.fail) for d in planned.deletions]
    assert [r for r in results if r.get("failed") or not r["changed"]] == []
    assert all(kong.store[c] == {} for c in ROLE_TYPES)


def test_delete_in_check_mode_writes_nothing_and_returns_what_state_absent_returns(
    kong: SimKong, client: SnapshotClient, run_engine: Any
) -> None:
    bob = kong.add("consumers", username="bob", tags=MINE)
    kong.add("key-auths", consumer=ref(bob), key="k", tags=MINE)
    (deletion,) = plan(client, ["consumers"]).deletions
    result = delete(client, deletion, CONNECTION, True, pytest.fail)
    assert kong.writes() == []
    absent = run_engine(CONSUMER, check_mode=True, state="absent", id=bob["id"])
    assert absent.pop("warnings") == []
    assert result == dict(absent, cascaded=deletion.cascaded)
    assert result["changed"] and result["diff"]["after"] == {} and result["diff"]["before"]["username"] == "bob"


def test_a_failed_deletion_is_reported_with_its_label(kong: SimKong, client: SnapshotClient) -> None:
    kong.add("consumers", username="bob", tags=MINE)
    (deletion,) = plan(client, ["consumers"]).deletions
    kong.faults.append(("DELETE", "^/consumers/", 500))
    result = delete(client, deletion, CONNECTION, False, pytest.fail)
    assert result["failed"] and not result["changed"] and result["status"] == 500
    assert result["msg"].startswith("consumer 'bob': "), result["msg"]
    assert len(kong.store["consumers"]) == 1


@pytest.mark.parametrize(
    ("collections", "listing"),
    [
        (["services"], "^/services$"),  # the candidates
        (["consumers"], "^/key-auths$"),  # what a candidate holds
        (["targets"], "^/upstreams/[^/]+/targets$"),  # a type Kong lists under its parent only
    ],
)
def test_a_failed_listing_raises(kong: SimKong, client: SnapshotClient, collections: list[str], listing: str) -> None:
    kong.add("services", name="old", host="a.test", tags=MINE)
    kong.add("consumers", username="bob", tags=MINE)
    kong.add("upstreams", name="old-upstream", tags=MINE)
    kong.faults.append(("GET", listing, 500))
    with pytest.raises(KongError, match="500"):
        plan(client, collections)
    assert kong.faults == []  # the listing was asked for


def kong_entities(client: SnapshotClient, items: list[dict[str, Any]], warnings: list[str],
                  check_mode: bool = False) -> dict[str, Any]:
    """kong_entities (type consumer) with ``prune: true`` and ``select_tags``, items tagged like the run."""
    run = BulkRun(client, "consumers", items, CONNECTION, defaults={"tags": MINE}, check_mode=check_mode,
                  diff=True, warn=warnings.append, prune_tags=MINE)
    return run.run()


def test_prune_deletes_what_no_item_describes_and_reports_it(kong: SimKong, client: SnapshotClient) -> None:
    kong.add("consumers", username="ann", tags=MINE)
    bob = kong.add("consumers", username="bob", tags=MINE)
    key = kong.add("key-auths", consumer=ref(bob), key="k", tags=MINE)
    kong.add("consumers", username="theirs")
    warnings: list[str] = []
    task = kong_entities(client, [{"username": "ann"}], warnings)
    assert not task.get("failed") and task["changed"]
    assert [r["msg"] for r in task["pruned"]] == ["consumer 'bob' deleted (not in items, carries select_tags gw)"]
    assert task["msg"].endswith("; pruned (select_tags gw): 1 deleted"), task["msg"]
    assert task["kept"] == []
    assert [d["before"].get("username") for d in task["diff"] if d["after"] == {}] == ["bob"]
    assert warnings == [
        f"Kong deletes these together with the pruned consumers: key-auth credential {key['id']} of consumer 'bob'"
    ]
    assert sorted(c["username"] for c in kong.store["consumers"].values()) == ["ann", "theirs"]


def test_prune_in_check_mode_writes_nothing(kong: SimKong, client: SnapshotClient) -> None:
    kong.add("consumers", username="ann", tags=MINE)
    kong.add("consumers", username="bob", tags=MINE)
    task = kong_entities(client, [{"username": "ann"}], [], check_mode=True)
    assert task["changed"] and [r["changed"] for r in task["pruned"]] == [True]
    assert kong.writes() == []


def test_prune_names_what_it_keeps(kong: SimKong, client: SnapshotClient) -> None:
    bob = kong.add("consumers", username="bob", tags=MINE)
    key = kong.add("key-auths", consumer=ref(bob), key="hand-made")
    warnings: list[str] = []
    task = kong_entities(client, [], warnings)
    assert task["pruned"] == [] and not task["changed"]
    assert task["kept"] == [f"consumer 'bob' (holds key-auth credential {key['id']})"]
    assert warnings == [kept_message(task["kept"], "select_tags gw")]
    assert len(kong.store["consumers"]) == 1


def test_nothing_is_pruned_when_an_item_failed(kong: SimKong, client: SnapshotClient) -> None:
    kong.add("consumers", username="bob", tags=MINE)
    task = kong_entities(client, [{"username": "ann", "no_such_option": 1}], [])
    assert task["failed"] and task["pruned"] == []
    assert "nothing pruned: an item failed" in task["msg"]
    assert len(kong.store["consumers"]) == 1


def test_prune_fails_the_task_when_a_listing_fails(kong: SimKong, client: SnapshotClient) -> None:
    kong.add("consumers", username="bob", tags=MINE)
    kong.faults.append(("GET", "^/key-auths$", 500))
    task = kong_entities(client, [], [])
    assert task["failed"] and "pruning (select_tags gw) failed" in task["msg"], task["msg"]
    assert len(kong.store["consumers"]) == 1
