"""DB-less configuration: POST /config loads a declarative config, GET /config dumps it.

Accepted input: a JSON object with `_format_version`, `{"config": "<YAML or JSON text>"}`, or a YAML
body (application/yaml or text/yaml), read with PyYAML when it is importable (the simulator itself needs
only the standard library; without PyYAML a YAML body gets a 400 that says so).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any

from . import errors as E
from .dao import Dao, is_uuid
from .model import EntityDef
from .store import Store

FORMAT_VERSIONS = ("1.1", "2.1", "3.0")
# Parents before children, so references resolve while loading.
LOAD_ORDER = ("certificates", "ca_certificates", "snis", "services", "routes", "consumers", "upstreams", "targets",
              "key_sets", "keys", "vaults", "keyauth_credentials", "basicauth_credentials", "acls", "jwt_secrets",
              "hmacauth_credentials", "oauth2_credentials", "plugins")
META_KEYS = ("_format_version", "_transform", "_comment", "_ignore", "_workspace", "_info")


def _invalid(fields: dict[str, Any]) -> E.KongError:
    msg = f"declarative config is invalid: {E.lua_pretty(fields)}"
    return E.dao_error(14, msg, fields, name="invalid declarative configuration")


def parse_input(args: Any, content_type: str | None, body: bytes) -> dict[str, Any]:
    if content_type and content_type.startswith(("application/yaml", "text/yaml")):
        text: Any = body.decode("utf-8", "replace")
    elif isinstance(args, dict) and "config" in args and "_format_version" not in args:
        text = args["config"]
    else:
        text = args
    if isinstance(text, str):
        if not text.strip():
            raise E.message_error(400, "expected a declarative configuration")
        try:
            text = json.loads(text)
        except ValueError:
            text = _load_yaml(text)
    if not isinstance(text, dict) or not text:
        if text in ({}, None):
            raise E.message_error(400, "expected a declarative configuration")
        raise _invalid({"error": "failed parsing declarative configuration: expected an object"})
    return text


def _load_yaml(text: str) -> Any:
    try:
        import yaml
    except ImportError:
        raise E.message_error(400, "the simulator reads YAML declarative configurations with PyYAML, which is "
                                   "not installed here; send the configuration as JSON") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        reason = " ".join(str(err).split())
        raise _invalid({"error": f"failed parsing declarative configuration: {reason}"}) from None


def config_hash(config: dict[str, Any]) -> str:
    return hashlib.md5(json.dumps(config, sort_keys=True).encode()).hexdigest()


class Loader:
    """Builds a fresh store from a declarative config, reporting errors the way Kong mirrors them."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.entities: dict[str, EntityDef] = app.entities
        self.store = Store(self.entities)
        self.dao = Dao(self.entities, self.store, app.schemas)
        self.errors: dict[str, Any] = {}
        self.pending: dict[str, list[tuple[dict[str, Any], Any]]] = {name: [] for name in LOAD_ORDER}
        self.transform = True  # `_transform: false` keeps basic-auth passwords as given (already hashed)

    def load(self, config: dict[str, Any]) -> tuple[Store, Dao]:
        version = config.get("_format_version")
        if version is None:
            raise _invalid({"_format_version": "required field missing"})
        if version not in FORMAT_VERSIONS:
            raise _invalid({"_format_version": f"expected one of: {', '.join(FORMAT_VERSIONS)}"})
        self.transform = config.get("_transform", True) is not False
        if version in ("1.1", "2.1"):
            _migrate_route_paths(config)
        for key, value in config.items():
            if key in META_KEYS:
                continue
            if key not in self.pending:
                self.errors[key] = "unknown field"
                continue
            if not isinstance(value, list):
                self.errors[key] = "expected an array"
                continue
            for i, item in enumerate(value):
                self._collect(key, item, None, (key, i))
        for name in LOAD_ORDER:
            for item, where in self.pending[name]:
                self._insert(name, item, where)
        if self.errors:
            raise _invalid(self.errors)
        return self.store, self.dao

    def _collect(self, name: str, item: Any, parent: tuple[str, str] | None, where: Any) -> None:
        if not isinstance(item, dict):
            self._error(where, "expected a record")
            return
        item = {k: v for k, v in item.items() if k not in ("_comment", "_ignore")}
        item.setdefault("id", str(uuid.uuid4()))
        ent = self.entities[name]
        if parent is not None:
            fk = next((f for f in ent.foreign if f.parent == parent[0]), None)
            if fk is not None:
                item[fk.field] = {"id": parent[1]}
        for child_name in LOAD_ORDER:
            if child_name in item and isinstance(item[child_name], list):
                children = item.pop(child_name)
                for j, child in enumerate(children):
                    self._collect(child_name, child, (name, item["id"]), (where, child_name, j))
        self.pending[name].append((item, where))

    def _insert(self, name: str, item: dict[str, Any], where: Any) -> None:
        ent = self.entities[name]
        for fk in ent.foreign:
            ref = item.get(fk.field)
            if isinstance(ref, str):
                parent = self.entities[fk.parent]
                item[fk.field] = {"id": ref} if is_uuid(ref) else {parent.endpoint_key or "id": ref}
        snis = item.pop("snis", None) if name == "certificates" else None
        try:
            row = self.dao.insert(ent, item)
        except E.KongError as err:
            body = err.body or {}
            if body.get("code") in (3, 5):
                field, value = next(iter((body.get("fields") or {"id": item.get("id")}).items()))
                what = "primary key" if body["code"] == 3 else field
                if isinstance(value, dict):
                    value = value.get("id")
                self._error(where, f"uniqueness violation: '{name}' entity with {what} set to '{value}' "
                                   "already declared")
            else:
                self._error(where, body.get("fields") or body.get("message"))
            return
        if not self.transform and name == "basicauth_credentials" and isinstance(item.get("password"), str):
            self.store[name].put({**row, "password": item["password"]})
        for sni in snis or []:
            try:
                self.dao.insert(self.entities["snis"], {"name": sni, "certificate": {"id": row["id"]}})
            except E.KongError as err:
                self._error(where, (err.body or {}).get("fields") or (err.body or {}).get("message"))

    def _error(self, where: Any, value: Any) -> None:
        path = _flatten(where)
        node: Any = self.errors
        for i, key in enumerate(path[:-1]):
            nxt = path[i + 1]
            if isinstance(node, dict):
                node = node.setdefault(key, [] if isinstance(nxt, int) else {})
            else:
                while len(node) <= key:
                    node.append(None)
                if node[key] is None:
                    node[key] = [] if isinstance(nxt, int) else {}
                node = node[key]
        last = path[-1]
        if isinstance(node, list):
            while len(node) <= last:
                node.append(None)
            node[last] = value
        else:
            node[last] = value


_PLAIN_PATH = re.compile(r"^[a-zA-Z0-9.\-_~/%]*$")


def _migrate_route_paths(config: dict[str, Any]) -> None:
    """Format 1.1/2.1 paths that are regexes gain 3.0's `~` prefix (Kong's migrate_path_280_300)."""
    routes = list(config.get("routes") or [])
    for service in config.get("services") or []:
        if isinstance(service, dict):
            routes += service.get("routes") or []
    for route in routes:
        if isinstance(route, dict) and isinstance(route.get("paths"), list):
            route["paths"] = [p if not isinstance(p, str) or _PLAIN_PATH.match(p) else "~" + p
                              for p in route["paths"]]


def _flatten(where: Any) -> list[Any]:
    if isinstance(where, tuple):
        out: list[Any] = []
        for part in where:
            out.extend(_flatten(part))
        return out
    return [where]


def dump(app: Any) -> str:
    """The current configuration as YAML text (block style, JSON-quoted scalars)."""
    lines = ['_format_version: "3.0"', "_transform: false"]
    for name in LOAD_ORDER:
        rows = list(app.store[name].iter_after(None))
        if not rows:
            continue
        lines.append(f"{name}:")
        for row in rows:
            # SNIs are exported as their own entities, not inside their certificate
            _yaml_item(lines, {k: v for k, v in row.items() if not (name == "certificates" and k == "snis")}, "")
    return "\n".join(lines) + "\n"


def _yaml_item(lines: list[str], row: dict[str, Any], indent: str) -> None:
    first = True
    for key, value in row.items():
        prefix = indent + ("- " if first else "  ")
        first = False
        lines.append(f"{prefix}{key}: {json.dumps(value)}")
