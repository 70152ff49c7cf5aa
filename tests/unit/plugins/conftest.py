# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small in-memory Admin API behind the client's transport seam, for unit tests of the engine."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.engine import Engine
from ansible_collections.aigateway.kong.plugins.module_utils.transport import Response, TransportError

KEYS = {
    "services": "name",
    "routes": "name",
    "consumers": "username",
    "upstreams": "name",
    "plugins": "instance_name",
    "key-auth": "key",
    "basic-auth": "username",
    "jwt": "key",
    "hmac-auth": "username",
    "acls": "group",
    "targets": "target",
}
DEFAULTS: dict[str, dict[str, Any]] = {
    "services": {
        "protocol": "http",
        "port": 80,
        "retries": 5,
        "connect_timeout": 60000,
        "write_timeout": 60000,
        "read_timeout": 60000,
        "enabled": True,
        "path": None,
        "tags": None,
    },
    "routes": {
        "protocols": ["http", "https"],
        "strip_path": True,
        "preserve_host": False,
        "regex_priority": 0,
        "tags": None,
        "sources": None,
    },
    "plugins": {
        "protocols": ["grpc", "grpcs", "http", "https"],
        "enabled": True,
        "service": None,
        "route": None,
        "consumer": None,
        "instance_name": None,
        "tags": None,
    },
    "upstreams": {"algorithm": "round-robin", "healthchecks": {"active": {"timeout": 1, "healthy": {"interval": 0}}}},
    "targets": {"weight": 100},
    "consumers": {"custom_id": None, "tags": None},
}
UUID = re.compile(r"^[0-9a-f-]{36}$")
NESTED_PARENT = {
    "key-auth": "consumers",
    "basic-auth": "consumers",
    "jwt": "consumers",
    "hmac-auth": "consumers",
    "acls": "consumers",
    "targets": "upstreams",
    "plugins": None,
}


def merge(base: Any, patch: Any) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        return {**base, **{k: merge(base.get(k), v) for k, v in patch.items()}}
    return patch


class FakeKong:
    """Answers requests like Kong for the collections the modules use. ``faults`` are consumed in order."""

    def __init__(self, database: str = "postgres") -> None:
        self.database = database
        self.store: dict[str, dict[str, dict[str, Any]]] = {}
        self.log: list[tuple[str, str]] = []
        self.faults: list[tuple[str, str, Any]] = []  # (method, path regex, status int or TransportError)

    # -- helpers for tests
    def add(self, collection: str, **entity: Any) -> dict[str, Any]:
        entity.setdefault("id", str(uuid.uuid4()))
        stored = merge(DEFAULTS.get(collection, {}), entity)
        self.store.setdefault(collection, {})[entity["id"]] = stored
        return stored

    def writes(self) -> list[tuple[str, str]]:
        return [entry for entry in self.log if entry[0] != "GET"]

    # -- the transport
    def send(self, method: str, url: str, headers: dict[str, str], data: bytes | None, timeout: float) -> Response:
        parts = urlsplit(url)
        path = parts.path
        self.log.append((method, path))
        for fault in list(self.faults):
            if fault[0] in (method, "*") and re.search(fault[1], path):
                self.faults.remove(fault)
                if isinstance(fault[2], TransportError):
                    raise fault[2]
                if fault[2] != "apply":
                    return self._json(fault[2], {"message": "injected"})
                self._route(method, path, parse_qs(parts.query), json.loads(data) if data else None)
                raise TransportError("timeout", "read timed out")
        body = json.loads(data) if data else None
        status, answer = self._route(method, path, parse_qs(parts.query), body)
        return self._json(status, answer)

    @staticmethod
    def _json(status: int, body: Any) -> Response:
        return Response(
            status, json.dumps(body).encode() if body is not None else b"", {"Content-Type": "application/json"}
        )

    def _find(self, collection: str, key: str, parent: tuple[str, str] | None = None) -> Any:
        key = unquote(key)
        for entity in self.store.get(collection, {}).values():
            if parent and (entity.get(parent[0]) or {}).get("id") != parent[1]:
                continue
            if entity["id"] == key or (not UUID.match(key) and entity.get(KEYS.get(collection, "name")) == key):
                return entity
            if collection == "certificates" and key in (entity.get("snis") or []):
                return entity
        return None

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        segments = [s for s in path.split("/") if s]
        if not segments:
            return 200, {"version": "3.9.1", "edition": "community", "configuration": {"database": self.database}}
        if segments == ["plugins", "enabled"]:
            return 200, {"enabled_plugins": ["key-auth", "ai-proxy", "rate-limiting"]}
        parent = None
        collection = segments[0]
        if len(segments) >= 3:
            owner = self._find(segments[0], segments[1])
            if owner is None:
                return 404, {"message": "Not found"}
            parent_field = {"upstreams": "upstream", "consumers": "consumer", "services": "service", "routes": "route"}[
                segments[0]
            ]
            parent = (parent_field, owner["id"])
            collection = segments[2]
            segments = segments[2:]
        if len(segments) == 1:
            if method == "GET":
                items = [
                    e
                    for e in self.store.get(collection, {}).values()
                    if not parent or (e.get(parent[0]) or {}).get("id") == parent[1]
                ]
                if "custom_id" in query:
                    items = [e for e in items if e.get("custom_id") == query["custom_id"][0]]
                items.sort(key=lambda e: e["id"])
                size = int(query.get("size", ["100"])[0])
                offset = int(query.get("offset", ["0"])[0])
                page = items[offset:offset + size]
                more = offset + size < len(items)
                next_link = f"{path}?offset={offset + size}&size={size}" if more else None
                return 200, {"data": page, "next": next_link}
            if method == "POST":
                body = dict(body or {})
                if parent:
                    body[parent[0]] = {"id": parent[1]}
                key_field = KEYS.get(collection)
                if (
                    key_field
                    and body.get(key_field)
                    and self._find(collection, body[key_field], parent if collection in ("acls", "targets") else None)
                ):
                    return 409, {
                        "code": 5,
                        "name": "unique constraint violation",
                        "message": f"UNIQUE violation detected on '{{{key_field}=\"{body[key_field]}\"}}'",
                        "fields": {key_field: body[key_field]},
                    }
                if collection == "services" and "host" not in body:
                    return 400, {
                        "code": 2,
                        "name": "schema violation",
                        "message": "schema violation (host: required field missing)",
                        "fields": {"host": "required field missing"},
                    }
                if collection == "basic-auth":
                    body["password"] = hashlib.sha1((body["password"] + parent[1]).encode()).hexdigest()
                if collection == "targets" and ":" not in body["target"]:
                    body["target"] += ":8000"
                return 201, self.add(collection, **body)
            return 405, {"message": "Method not allowed"}
        entity = self._find(collection, segments[1], parent)
        if method == "GET":
            return (200, entity) if entity else (404, {"message": "Not found"})
        if method == "DELETE":
            if entity:
                del self.store[collection][entity["id"]]
            return 204, None
        if method == "PATCH":
            if entity is None:
                return 404, {"message": "Not found"}
            patch = dict(body)
            if collection == "basic-auth" and "password" in patch:
                patch["password"] = hashlib.sha1((patch["password"] + parent[1]).encode()).hexdigest()
            updated = merge(entity, patch)
            self.store[collection][entity["id"]] = updated
            return 200, updated
        return 405, {"message": "Method not allowed"}


@pytest.fixture
def kong() -> FakeKong:
    return FakeKong()


@pytest.fixture
def make_client(kong: FakeKong) -> Any:
    """Build a KongClient on the fake transport; sleeps are recorded, not slept."""
    sleeps: list[float] = []

    def make(**kwargs: Any) -> KongClient:
        kwargs.setdefault("transport", kong)
        client = KongClient("http://127.0.0.1:8001", sleep=sleeps.append, **kwargs)
        client.sleeps = sleeps  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def run_engine(make_client: Any) -> Any:
    """Run the engine for a spec with module-like params (connection defaults filled in)."""

    def run(spec: Any, check_mode: bool = False, client: Any = None, **params: Any) -> dict[str, Any]:
        full = {"admin_url": "http://127.0.0.1:8001", "timeout": 10, "admin_retries": 3, "state": "present", "id": None}
        full.update(params)
        warnings: list[str] = []
        engine = Engine(client or make_client(), spec, full, check_mode=check_mode, warn=warnings.append)
        result = engine.run()
        result["warnings"] = warnings
        return result

    return run
