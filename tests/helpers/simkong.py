"""The simulator's Admin API application behind the client's transport seam: the same model of Kong the
transcripts verify, answering in-process (no HTTP, no threads), with a request log and injected faults."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from ansible_collections.aigateway.kong.plugins.module_utils.api.transport import Response, TransportError
from kongsim.app import App
from kongsim.model import EntityDef
from kongsim.rules import daos

from helpers.playbook import is_validation


class Tables(Mapping):
    """What Kong holds, by collection ("services", "plugins", "key-auth", ...): {id: entity as Kong answers}."""

    def __init__(self, app: App) -> None:
        self._app = app

    def _entity(self, collection: str) -> EntityDef:
        for ent in self._app.entities.values():
            if collection in (ent.name, ent.admin_name, ent.nested_name):
                return ent
        raise KeyError(collection)

    def __getitem__(self, collection: str) -> dict[str, dict[str, Any]]:
        ent = self._entity(collection)
        return {row["id"]: daos.output(self._app, ent, row) for row in self._app.store[ent.name].iter_after(None)}

    def __iter__(self) -> Iterator[str]:
        return iter(self._app.entities)

    def __len__(self) -> int:
        return len(self._app.entities)


class SimKong:
    """A transport answering with the simulator's App. ``faults`` are consumed in order: (method or "*", path
    regex, status int, TransportError to raise, or "apply": Kong applies the request and the answer is lost)."""

    def __init__(self, database: str = "postgres") -> None:
        self.app = App(database=database)
        self.log: list[tuple[str, str]] = []
        self.faults: list[tuple[str, str, Any]] = []
        self.store = Tables(self.app)

    @property
    def database(self) -> str:
        return self.app.database

    @database.setter
    def database(self, value: str) -> None:
        self.app.database = value
        self.app.root_body = None

    def add(self, collection: str, **entity: Any) -> dict[str, Any]:
        """Create an entity as a client would (``POST /{collection}``); targets go under their upstream."""
        path = "/" + collection
        if collection == "targets":
            path = f"/upstreams/{entity.pop('upstream')['id']}/targets"
        status, body = self._call("POST", path, "", json.dumps(entity).encode())
        if status != 201:
            raise AssertionError(f"POST {path} -> {status} {body}")
        return body

    def writes(self) -> list[tuple[str, str]]:
        """Requests that may change Kong's state (check mode's POST to a validate endpoint never does)."""
        return [e for e in self.log if e[0] != "GET" and not is_validation(e[1])]

    def send(self, method: str, url: str, headers: dict[str, str], data: bytes | None, timeout: float) -> Response:
        parts = urlsplit(url)
        self.log.append((method, parts.path))
        for fault in list(self.faults):
            if fault[0] in (method, "*") and re.search(fault[1], parts.path):
                self.faults.remove(fault)
                if isinstance(fault[2], TransportError):
                    raise fault[2]
                if fault[2] != "apply":
                    return Response(fault[2], b'{"message": "injected"}', {"content-type": "application/json"})
                self._call(method, parts.path, parts.query, data or b"")
                raise TransportError("timeout", "read timed out")
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
        status, answer_headers, payload = self.app.handle(method, parts.path, parts.query, content_type, data or b"")
        return Response(status, payload, {k.lower(): v for k, v in answer_headers.items()})

    def _call(self, method: str, path: str, query: str, body: bytes) -> tuple[int, Any]:
        status, _headers, payload = self.app.handle(method, path, query, "application/json", body)
        return status, json.loads(payload) if payload else None
