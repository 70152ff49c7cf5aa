# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the role refuses to take over: entities it would manage that exist in Kong without its tag."""

from __future__ import annotations

from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.gateway.collisions import NAMED, collisions
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.model import gateway_entities, normalised
from unit.plugins.module_utils.gateway.gateway_inputs import inputs

TAG = "gw"
MINE = [TAG]


def desired(**changes: Any) -> dict[str, list[dict[str, Any]]]:
    values: dict[str, Any] = {
        "models": [{"name": "chat", "provider": "openai"}],
        "consumers": [{"username": "ann", "keys": ["k"]}],
    }
    values.update(changes)
    described = inputs(tag=TAG, **values)
    return gateway_entities(described, *normalised(described))


def test_the_check_reads_the_named_types_by_their_endpoint_key() -> None:
    assert NAMED == {
        "upstreams": "name",
        "services": "name",
        "routes": "name",
        "consumers": "username",
        "plugins": "instance_name",
    }


def test_collisions_name_untagged_entities_the_role_would_manage() -> None:
    existing = {
        "services": [{"id": "s1", "name": "chat", "tags": None}, {"id": "s2", "name": "other", "tags": None}],
        "consumers": [{"id": "c1", "username": "ann", "tags": ["someone-else"]}],
        "plugins": [
            {"id": "p1", "name": "key-auth", "instance_name": "chat-key-auth", "tags": MINE},
            {"id": "p2", "name": "correlation-id", "instance_name": None, "tags": None},
        ],
    }
    want = desired(global_policies={"correlation_id": {}})
    assert collisions(existing, want, TAG) == [
        "service 'chat'",
        "consumer 'ann'",
        "global plugin 'correlation-id'",
    ]


def test_every_named_type_collides_by_name_and_tagged_entities_never_do() -> None:
    model = {"name": "chat", "provider": "openai", "upstream_url": "http://h:1/v1", "replicas": [{"target": "a:1"}]}
    want = desired(models=[model])
    untagged = {
        "upstreams": [{"id": "u1", "name": "chat-upstream", "tags": None}],
        "routes": [{"id": "r1", "name": "chat", "tags": ["other-team"]}],
        "plugins": [{"id": "p1", "name": "key-auth", "instance_name": "chat-key-auth", "service": None, "tags": []}],
    }
    assert collisions(untagged, want, TAG) == ["upstream 'chat-upstream'", "route 'chat'", "plugin 'chat-key-auth'"]
    tagged = {c: [dict(e, tags=["other-team", TAG]) for e in rows] for c, rows in untagged.items()}
    assert collisions(tagged, want, TAG) == []


def test_only_described_names_and_global_plugins_collide() -> None:
    existing = {
        "services": [{"id": "s2", "name": "other", "tags": None}],
        "consumers": [{"id": "c2", "username": "bob", "tags": None}],
        "plugins": [
            # the same plugin as a desired global one, but scoped: not the gateway's global plugin
            {"id": "p1", "name": "correlation-id", "instance_name": None, "route": {"id": "r9"}, "tags": None},
            # a global plugin the gateway does not describe
            {"id": "p2", "name": "prometheus", "instance_name": None, "tags": None},
        ],
    }
    assert collisions(existing, desired(global_policies={"correlation_id": {}}), TAG) == []


def test_nothing_described_nothing_collides() -> None:
    existing = {"services": [{"id": "s1", "name": "chat", "tags": None}]}
    assert collisions(existing, {}, TAG) == []
    assert collisions({}, desired(), TAG) == []
