"""Plugins and vaults installed from schema files (``--plugin-schema``/``--vault-schema``): a node that runs
with ``plugins = bundled,<name>`` lists them on ``GET /`` and ``/plugins/enabled``, validates them with the
schema engine and serves their schemas from ``/schemas/plugins/{name}`` (as the schema engine annotates them,
endpoints_info.py) and ``/schemas/vaults/{name}``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import endpoints_info
from .context import Ctx, Reply
from .routing import Router
from .versions import serves_vault_schemas

CUSTOM_PRIORITY = 1000  # a custom plugin's PRIORITY is its own; the schema file does not carry it


def read_schema(spec: str | tuple[str, Any], prefix: str) -> tuple[str, dict[str, Any]]:
    """``(name, schema)`` from ``[NAME=]FILE`` (the name defaults to the file name without ``prefix``/.json), or
    from a ``(name, schema dict)`` pair."""
    if isinstance(spec, tuple):
        name, raw = spec
        return name, raw
    name, sep, path = str(spec).partition("=")
    if not sep:
        path, name = name, Path(name).stem
        name = name[len(prefix):] if name.startswith(prefix) else name
    raw = json.loads(Path(path).read_text())
    if not isinstance(raw, dict) or not isinstance(raw.get("fields"), list):
        raise ValueError(f"{path}: not a Kong schema (an object with a 'fields' list)")
    return name, raw


def install(app: Any, plugins: list[Any], vaults: list[Any]) -> None:
    for spec in plugins:
        name, raw = read_schema(spec, "plugin-")
        app.schemas.add_plugin(name, raw)
        app.installed_plugins[name] = raw
    for spec in vaults:
        name, raw = read_schema(spec, "vault-")
        app.schemas.add_vault(name, raw)
        app.installed_vaults[name] = raw


def get_root(ctx: Ctx) -> Reply:
    reply = endpoints_info.get_root(ctx)
    available = reply.body["plugins"]["available_on_server"]
    for name in ctx.app.installed_plugins:
        available.setdefault(name, {"version": ctx.app.kong_version, "priority": CUSTOM_PRIORITY})
    return reply


def get_enabled_plugins(ctx: Ctx) -> Reply:
    reply = endpoints_info.get_enabled_plugins(ctx)
    enabled = reply.body["enabled_plugins"]
    enabled.extend(name for name in ctx.app.installed_plugins if name not in enabled)
    return reply


def get_vault_schema(ctx: Ctx) -> Reply:
    name = ctx.param("name")
    raw = ctx.app.installed_vaults.get(name)
    if raw is None:
        return endpoints_info.get_vault_schema(ctx)
    return Reply(200, raw)


def register(router: Router, version: str) -> None:
    router.add("/", {"GET": get_root})
    router.add("/plugins/enabled", {"GET": get_enabled_plugins})
    if serves_vault_schemas(version):
        router.add("/schemas/vaults/:name", {"GET": get_vault_schema})


__all__ = ["install", "register"]
