"""The gateway kong_entities is proven on: the same items as single-entity module loops and as kong_entities
tasks, and how their results are compared (ids, timestamps and the list of supported options left out)."""

from __future__ import annotations

import re
from typing import Any

from helpers import admin

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NOISE = ("created_at", "updated_at")
SECRET = "bulk-secret-key-"  # the key-auth keys: SECRET + the consumer's number
HEADER = "Bearer sk-bulk-provider-secret"  # a secret of a plugin's config (ai-proxy's auth.header_value)

# kong_entities entity -> (the single-entity module, the options it needs besides the item's)
KINDS: dict[str, tuple[str, dict[str, Any]]] = {
    "upstreams": ("kong_upstream", {}),
    "targets": ("kong_target", {}),
    "services": ("kong_service", {}),
    "routes": ("kong_route", {}),
    "consumers": ("kong_consumer", {}),
    "key-auths": ("kong_consumer_credential", {"type": "key-auth"}),
    "acls": ("kong_consumer_credential", {"type": "acl"}),
    "plugins": ("kong_plugin", {}),
}

Scenario = list[tuple[str, list[dict[str, Any]]]]


def gateway(users: int, minute: int = 10, drop: int = 0) -> Scenario:
    """An upstream with targets, two services and routes, ``users`` consumers with a key and an ACL group, an
    AI proxy, key-auth on a service and a rate limit per consumer (``minute``; the first ``drop`` absent)."""
    tags = ["bulk"]
    names = [f"user-{i}" for i in range(users)]
    ai_proxy = {
        "route_type": "llm/v1/chat",
        "model": {"provider": "openai", "name": "gpt-4o"},
        "auth": {"header_name": "Authorization", "header_value": HEADER},
    }
    plugins = [
        {"instance_name": "hosted-ai", "name": "ai-proxy", "route": "hosted", "config": ai_proxy},
        {"instance_name": "llm-key-auth", "name": "key-auth", "service": "llm", "config": {"key_names": ["apikey"]}},
    ]
    plugins += [
        {
            "instance_name": f"{name}-rl",
            "name": "rate-limiting",
            "consumer": name,
            "config": {"minute": minute},
            "state": "absent" if i < drop else "present",
        }
        for i, name in enumerate(names)
    ]
    return [
        ("upstreams", [{"name": "pool", "algorithm": "round-robin", "tags": tags}]),
        ("targets", [{"upstream": "pool", "target": f"127.0.0.1:{9000 + i}", "weight": 10 + i} for i in range(2)]),
        (
            "services",
            [
                {"name": "llm", "url": "http://pool:8000/v1", "tags": tags},
                {"name": "hosted", "protocol": "https", "host": "api.example.test", "port": 443},
            ],
        ),
        (
            "routes",
            [
                {"name": "chat", "service": "llm", "paths": ["/chat"], "methods": ["POST"], "tags": tags},
                {"name": "hosted", "service": "hosted", "paths": ["/hosted"]},
            ],
        ),
        ("consumers", [{"username": name, "tags": tags} for name in names]),
        ("key-auths", [{"consumer": name, "key": f"{SECRET}{i}", "tags": tags} for i, name in enumerate(names)]),
        ("acls", [{"consumer": name, "group": "gold"} for name in names]),
        ("plugins", plugins),
    ]


def normal(value: Any) -> Any:
    """``value`` without what differs between two Kongs given the same requests (ids, timestamps) and without
    what differs between a loop's item and kong_entities' item by design (``item``, ``invocation``, and the
    options listed as supported: kong_entities lists only the item's)."""
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items() if k not in NOISE and k not in ("item", "invocation")}
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, str):
        return UUID.sub("<uuid>", value.split(". Supported parameters include")[0])
    return value


def bulk_tasks(url: str, scenario: Scenario) -> list[dict[str, Any]]:
    """The scenario as kong_entities tasks of a playbook (each may fail without stopping the play)."""
    return [
        {
            "name": kind,
            "aigateway.kong.kong_entities": {"admin_url": url, "entity": kind, "items": items},
            "ignore_errors": True,
        }
        for kind, items in scenario
    ]


def kong_state(sim: Any) -> dict[str, Any]:
    """What a simulator reached over HTTP holds of the scenario's entities, normalised."""
    paths = ("/upstreams", "/services", "/routes", "/consumers", "/key-auths", "/acls", "/plugins")
    state = {p: sorted((normal(e) for e in admin.listing(sim, p)), key=repr) for p in paths}
    pool = admin.entity(sim, "/upstreams/pool")
    state["targets"] = sorted(normal(admin.listing(sim, "/upstreams/pool/targets")), key=repr) if pool else []
    return state
