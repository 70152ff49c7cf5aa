# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the role refuses to take over, and what pruning removes or keeps."""

from __future__ import annotations

from typing import Any

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.aigateway.kong.plugins.filter.ai_gateway import (
    ai_gateway_collisions,
    ai_gateway_entities,
    ai_gateway_prune_plan,
)
from unit.plugins.plugin_utils.gateway_inputs import inputs

TAG = "gw"
MINE = [TAG]


def registered(**by_item: list[dict[str, Any]]) -> dict[str, Any]:
    """A registered kong_info loop."""
    return {"results": [{"item": item.replace("_", "-"), "entities": entities} for item, entities in by_item.items()]}


def ref(entity_id: str) -> dict[str, str]:
    return {"id": entity_id}


def desired(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "models": [{"name": "chat", "provider": "openai"}],
        "consumers": [{"username": "ann", "keys": ["k"]}],
    }
    values.update(changes)
    return ai_gateway_entities(inputs(tag=TAG, **values))


def test_collisions_name_untagged_entities_the_role_would_manage() -> None:
    existing = registered(
        services=[{"id": "s1", "name": "chat", "tags": None}, {"id": "s2", "name": "other", "tags": None}],
        consumers=[{"id": "c1", "username": "ann", "tags": ["someone-else"]}],
        plugins=[
            {"id": "p1", "name": "chat-key-auth", "instance_name": "chat-key-auth", "tags": MINE},
            {"id": "p2", "name": "correlation-id", "instance_name": None, "tags": None},
        ],
    )
    want = desired(global_policies={"correlation_id": {}})
    assert ai_gateway_collisions(existing, want, TAG) == [
        "service 'chat'",
        "consumer 'ann'",
        "global plugin 'correlation-id'",
    ]


def complete(listed: dict[str, Any], *items: str) -> dict[str, Any]:
    """A registered kong_info loop that also lists ``items`` (empty unless ``listed`` has them)."""
    have = {r["item"] for r in listed["results"]}
    return {"results": listed["results"] + [{"item": i, "entities": []} for i in items if i not in have]}


def applied_by(want: dict[str, Any], **applied: Any) -> dict[str, Any]:
    """The registered results of the apply tasks pruning reads: ``applied``'s, else one per item of ``want``."""
    made = [{"item": item, "target": {"id": f"made-{i}", **item}} for i, item in enumerate(want["targets"])]
    keys = {"results": [], "ids": [f"made-{i}" for i, _item in enumerate(want["key_auths"])]}
    return {"targets": applied.get("targets", {"results": made}), "key_auths": applied.get("key_auths", keys)}


def state(
    existing: dict[str, Any],
    credentials: dict[str, Any] | None = None,
    targets: dict[str, Any] | None = None,
    applied: dict[str, Any] | None = None,
    **changes: Any,
) -> dict[str, Any]:
    want = desired(**changes)
    upstreams = next((r["entities"] for r in existing["results"] if r["item"] == "upstreams"), [])
    return {
        "tag": TAG,
        "desired": want,
        "existing": complete(existing, "upstreams", "services", "routes", "consumers", "plugins"),
        "credentials": complete(credentials or registered(), "key-auths", "basic-auths", "acls"),
        "targets": complete(targets or registered(), *(u["name"] for u in upstreams if TAG in (u["tags"] or []))),
        "applied": applied_by(want, **(applied or {})),
    }


def plan(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return ai_gateway_prune_plan(state(*args, **kwargs))


def test_only_tagged_entities_no_longer_described_are_removed() -> None:
    existing = registered(
        services=[
            {"id": "s1", "name": "chat", "tags": MINE},
            {"id": "s2", "name": "old", "tags": MINE},
            {"id": "s3", "name": "theirs", "tags": None},
        ],
        routes=[{"id": "r2", "name": "old", "service": ref("s2"), "tags": MINE}],
        consumers=[{"id": "c1", "username": "ann", "tags": MINE}, {"id": "c2", "username": "bob", "tags": MINE}],
        plugins=[{"id": "p9", "name": "cors", "instance_name": "old-cors", "service": ref("s2"), "tags": MINE}],
    )
    out = plan(existing)
    assert out["plugins"] == [{"id": "p9", "name": "cors", "state": "absent"}]
    assert out["routes"] == [{"name": "old", "state": "absent"}]
    assert out["services"] == [{"name": "old", "state": "absent"}]
    assert out["consumers"] == [{"username": "bob", "state": "absent"}]
    assert out["kept"] == []


def test_parents_holding_untagged_children_are_kept() -> None:
    existing = registered(
        services=[{"id": "s2", "name": "old", "tags": MINE}],
        routes=[
            {"id": "r2", "name": "old", "service": ref("s2"), "tags": MINE},
            {"id": "r3", "name": "hand-made", "service": ref("s2"), "tags": None},
        ],
        consumers=[{"id": "c2", "username": "bob", "tags": MINE}],
        plugins=[{"id": "p1", "name": "acl", "instance_name": None, "route": ref("r2"), "tags": None}],
    )
    credentials = registered(
        key_auths=[{"id": "k2", "consumer": ref("c2"), "tags": MINE}],
        acls=[{"id": "a2", "group": "x", "consumer": ref("c2"), "tags": None}],
    )
    out = plan(existing, credentials)
    assert out["routes"] == [] and out["services"] == [] and out["consumers"] == []
    assert out["kept"] == ["route 'old'", "service 'old'", "consumer 'bob'"]
    # the kept consumer's own credential goes; the untagged ACL stays
    assert out["key_auths"] == [{"consumer": "bob", "id": "k2", "state": "absent"}]
    assert out["acls"] == []


def test_credentials_and_targets_no_longer_described() -> None:
    existing = registered(
        upstreams=[{"id": "u1", "name": "gone-upstream", "tags": MINE}],
        consumers=[{"id": "c1", "username": "ann", "tags": MINE}],
    )
    credentials = registered(
        key_auths=[
            {"id": "k1", "consumer": ref("c1"), "tags": MINE},
            {"id": "k0", "consumer": ref("c1"), "tags": MINE},
        ],
        basic_auths=[{"id": "b1", "username": "old-login", "consumer": ref("c1"), "tags": MINE}],
        acls=[{"id": "a1", "group": "gold", "consumer": ref("c1"), "tags": MINE}],
    )
    targets = registered(gone_upstream=[{"target": "127.0.0.1:1", "tags": MINE}])
    applied = {"key_auths": {"results": [], "ids": ["k1"]}}
    out = plan(existing, credentials, targets, applied)
    assert out["key_auths"] == [{"consumer": "ann", "id": "k0", "state": "absent"}]
    assert out["basic_auths"] == [{"consumer": "ann", "username": "old-login", "state": "absent"}]
    assert out["acls"] == [{"consumer": "ann", "group": "gold", "state": "absent"}]
    assert out["targets"] == [{"upstream": "gone-upstream", "target": "127.0.0.1:1", "state": "absent"}]
    assert out["upstreams"] == [{"name": "gone-upstream", "state": "absent"}]


def test_wanted_targets_stay_and_an_upstream_with_foreign_targets_is_kept() -> None:
    model = {
        "name": "chat",
        "provider": "openai",
        "upstream_url": "http://x:1/v1",
        "replicas": [{"target": "10.0.0.1"}],
    }
    existing = registered(
        upstreams=[
            {"id": "u1", "name": "chat-upstream", "tags": MINE},
            {"id": "u2", "name": "old-upstream", "tags": MINE},
        ]
    )
    targets = registered(
        chat_upstream=[{"target": "10.0.0.1:8000", "tags": MINE}, {"target": "10.0.0.2:8000", "tags": MINE}],
        old_upstream=[{"target": "10.0.0.3:8000", "tags": None}],
    )
    applied = {"targets": {"results": [{"item": {"upstream": "chat-upstream"}, "target": {"target": "10.0.0.1:8000"}}]}}
    out = plan(existing, targets=targets, applied=applied, models=[model])
    assert out["targets"] == [{"upstream": "chat-upstream", "target": "10.0.0.2:8000", "state": "absent"}]
    assert out["upstreams"] == []
    assert out["kept"] == ["upstream 'old-upstream'"]


def refusal(**changed: Any) -> str:
    """The message of the refused plan for a state whose parts are replaced by ``changed``."""
    replicas = [{"target": "10.0.0.1"}]
    model = {"name": "chat", "provider": "openai", "upstream_url": "http://x:1/v1", "replicas": replicas}
    existing = registered(
        upstreams=[{"id": "u1", "name": "chat-upstream", "tags": MINE}],
        consumers=[{"id": "c1", "username": "ann", "tags": MINE}],
    )
    targets = registered(chat_upstream=[{"target": "10.0.0.2:8000", "tags": MINE}])
    credentials = registered(key_auths=[{"id": "k0", "consumer": ref("c1"), "tags": MINE}])
    full = state(existing, credentials, targets, models=[model])
    assert ai_gateway_prune_plan(full)["targets"]  # complete: the stale target and key are planned
    full.update(changed)
    with pytest.raises(AnsibleFilterError, match="refusing to plan deletions") as refused:
        ai_gateway_prune_plan(full)
    return str(refused.value)


ONE_TARGET = {"item": {"upstream": "chat-upstream", "target": "10.0.0.1"}, "target": {"target": "10.0.0.1:8000"}}
ONE_KEY = {"results": [], "ids": ["k1"]}  # the key-auth task reports changed items only; its ids are all there


@pytest.mark.parametrize(
    ("applied", "reason"),
    [
        ({"targets": {"results": [dict(ONE_TARGET, index=0)]}}, "report: changed"),
        ({"targets": {"results": []}}, "0 results for 1 items"),
        ({"targets": {"results": [{"item": ONE_TARGET["item"], "failed": True, "msg": "x"}]}}, "item 0 failed"),
        ({"targets": {"results": [ONE_TARGET], "failed": True}}, "the task failed"),
        ({"targets": {"skipped": True, "changed": False}}, "the task did not run"),
        ({"targets": {"results": [{"item": ONE_TARGET["item"], "changed": False}]}}, "item 0 has no target"),
        ({"key_auths": {"results": [{"item": {"consumer": "ann"}, "credential": {"id": "k1"}}]}}, "no ids"),
        ({"key_auths": {"results": [], "ids": []}}, "0 ids for 1 items"),
        ({"key_auths": {"results": [], "ids": ["k1"], "failed": True}}, "the task failed"),
        ({"key_auths": None}, "the task did not run"),
    ],
)
def test_partial_or_inconsistent_apply_results_are_refused(applied: dict[str, Any], reason: str) -> None:
    complete_applied = {"targets": {"results": [ONE_TARGET]}, "key_auths": ONE_KEY}
    complete_applied.update(applied)
    assert reason in refusal(applied=complete_applied)


def test_failed_or_missing_listings_are_refused() -> None:
    failed = {"results": [{"item": "key-auths", "failed": True, "msg": "x"}]}
    assert "listing of key-auths failed" in refusal(credentials=failed)
    assert "no listing of chat-upstream" in refusal(targets={"results": []})
    assert "holds no entities" in refusal(existing={"results": [{"item": "upstreams"}]})


def test_collisions_read_the_same_from_the_identities_alone() -> None:
    """The role passes only ``identities`` (names), not every entity; the answer is the same."""
    existing = registered(
        upstreams=[{"id": "u1", "name": "llama-upstream", "tags": None}],
        services=[{"id": "s1", "name": "chat", "tags": None}, {"id": "s2", "name": "other", "tags": None}],
        routes=[{"id": "r1", "name": "chat-route", "tags": ["someone-else"]}],
        consumers=[{"id": "c1", "username": "ann", "tags": None}, {"id": "c2", "username": "bob", "tags": MINE}],
        plugins=[{"id": "p2", "name": "correlation-id", "instance_name": None, "tags": None}],
    )
    want = desired(global_policies={"correlation_id": {}})
    found = ai_gateway_collisions(existing, want, TAG)
    assert "service 'chat'" in found and "consumer 'ann'" in found and "global plugin 'correlation-id'" in found
    assert ai_gateway_collisions(existing, want["identities"], TAG) == found
    assert set(want["identities"]["names"]) == {"upstreams", "services", "routes", "consumers", "plugins"}
