"""One Admin API request as the endpoint handlers see it, and what they answer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from .bodies import infer_entity, parse_body


class RawJSON(str):
    """A response body that is already serialised JSON."""


@dataclass
class Reply:
    status: int
    body: Any = None                  # JSON-able value, RawJSON, or None for no body
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Ctx:
    app: Any
    method: str
    path: str
    raw_query: str
    content_type: str | None
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    _query: dict[str, str] | None = None
    _query_bytes: dict[str, bytes] | None = None
    _args: Any = None
    _parsed: bool = False

    def _parse_query(self) -> None:
        q: dict[str, str] = {}
        qb: dict[str, bytes] = {}
        for part in self.raw_query.split("&") if self.raw_query else []:
            if not part:
                continue
            key, eq, value = part.partition("=")
            key = unquote(key.replace("+", " "))
            if key in qb:
                continue  # the first occurrence wins
            raw = unquote_to_bytes(value.replace("+", " ")) if eq else b""
            qb[key] = raw
            q[key] = raw.decode("utf-8", "replace")
        self._query, self._query_bytes = q, qb

    @property
    def query(self) -> dict[str, str]:
        if self._query is None:
            self._parse_query()
        assert self._query is not None
        return self._query

    @property
    def query_bytes(self) -> dict[str, bytes]:
        if self._query_bytes is None:
            self._parse_query()
        assert self._query_bytes is not None
        return self._query_bytes

    @property
    def args(self) -> Any:
        """The decoded request body (POST/PUT/PATCH arguments)."""
        if not self._parsed:
            self._args = parse_body(self.content_type, self.body)
            self._parsed = True
        return self._args

    def is_form(self) -> bool:
        ct = (self.content_type or "").lower()
        return ct.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))

    def typed_args(self, ent: Any) -> Any:
        """Body arguments, with form values typed by the entity's schema (JSON bodies stay as sent)."""
        args = self.args
        if not (self.is_form() and isinstance(args, dict)):
            return args
        schema = ent.schema
        if ent.name == "plugins" and isinstance(args.get("name"), str):
            try:
                plugin = self.app.schemas.raw_plugin(args["name"])
            except KeyError:
                plugin = None
            if plugin is not None:
                schema = {"fields": [*schema.get("fields", []), *plugin.get("fields", [])]}
        return infer_entity(args, schema)

    def param(self, name: str) -> str:
        return unquote(self.params[name])


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
