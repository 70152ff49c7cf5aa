"""Node information endpoints: /, /status, /endpoints, /plugins/enabled, /config and /schemas."""

from __future__ import annotations

import copy
import json
import os
import socket
from functools import partial
from typing import Any

from . import declarative
from . import errors as E
from .context import Ctx, RawJSON, Reply, dumps
from .model import EntityDef
from .routing import Router
from .rules import daos
from .rules.engine.errors import SchemaError
from .versions import DATA_DIR, serves_vault_schemas

PREFIX = "/usr/local/kong"
INSTALL_DIR = "/usr/local"
# what `lua_version` says on Kong's own builds of each release (the root.json dumps hold a placeholder)
LUA_VERSIONS = {"3.4.2": "LuaJIT 2.1.0-20220411", "3.8.0": "LuaJIT 2.1.0-20231117.1"}
ENV_VAULT_SCHEMA = {"entity_checks": [], "fields": [{"config": {
    "fields": [{"prefix": {"description": "The prefix for the environment variable that the value will be stored in.",
                           "match": "^[%a_-][%a%d_-]*$", "type": "string"}}],
    "required": True, "type": "record"}}]}
DB_ONLY = "this endpoint is only available when Kong is configured to not use a database"


def _fill(value: Any, version: str, node_id: str, pid: int, defaults: dict[str, Any]) -> Any:
    """The recorded root with its placeholders replaced. A placeholder named after its key (the 3.4.2 and
    3.8.0 dumps have them for paths) takes the value 3.9.1's dump has for that key: Kong's default."""
    if isinstance(value, dict):
        return {k: _fill(_default(k, v, defaults), version, node_id, pid, defaults) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, version, node_id, pid, defaults) for v in value]
    if isinstance(value, str):
        if value == "<node_id>":
            return node_id
        if value == "<hostname>":
            return socket.gethostname()
        if value == "<pid>":
            return pid
        if value == "<count>":
            return 0
        if value == "<masked>":
            return "******"
        if value == "<lua_version>":
            return LUA_VERSIONS.get(version, "LuaJIT 2.1.0-20231117.1")
        return value.replace("<prefix>", PREFIX).replace("<install_dir>", INSTALL_DIR)
    return value


def _default(key: str, value: Any, defaults: dict[str, Any]) -> Any:
    if value == f"<{key}>" and key in defaults:
        return defaults[key]
    if value == "<pids>":
        return {"master": "<pid>", "workers": ["<pid>"]}
    return value


def build_root(app: Any) -> dict[str, Any]:
    root = json.loads((app.schema_dir / "root.json").read_text())
    base = json.loads((DATA_DIR / "root.json").read_text())
    defaults = {**base["configuration"], **{k: v for k, v in base.items() if k != "configuration"}}
    root = _fill(root, app.kong_version, app.node_id, os.getpid(), defaults)
    root["version"] = app.kong_version
    conf = root["configuration"]
    conf["database"] = app.database
    conf["node_id"] = app.node_id
    if app.listen is not None:
        host, port, tls = app.listen
        listener = f"{host}:{port}" + (" ssl" if tls else "")
        conf["admin_listen"] = [listener]
        for item in conf.get("admin_listeners") or []:
            item.update({"ip": host, "port": port, "listener": f"{host}:{port}" + (" ssl" if tls else ""),
                         "ssl": tls})
    return root


def get_root(ctx: Ctx) -> Reply:
    app = ctx.app
    if app.root_body is None:
        app.root_body = build_root(app)
    body = copy.copy(app.root_body)
    seen: list[str] = []
    for row in app.store["plugins"].iter_after(None):
        if row["name"] not in seen:
            seen.append(row["name"])
    body["plugins"] = {"available_on_server": app.root_body["plugins"]["available_on_server"],
                       "enabled_in_cluster": seen}
    return Reply(200, body)


_UNITS = {"b": (1, ""), "k": (1024, "KiB"), "m": (1024 ** 2, "MiB"), "g": (1024 ** 3, "GiB")}


def _memory(amount: int, unit: str, scale: int) -> Any:
    div, label = _UNITS[unit]
    if unit == "b":
        return amount
    return f"{amount / div:.{scale}f} {label}"


def get_status(ctx: Ctx) -> Reply:
    app = ctx.app
    unit = ctx.query.get("unit", "m").lower()
    if unit not in _UNITS:
        raise E.message_error(400, f"invalid unit '{ctx.query.get('unit')}' (expected 'k/K', 'm/M', or 'g/G')")
    try:
        scale = int(ctx.query.get("scale", "2"))
    except ValueError:
        scale = 2
    n = app.requests_total
    mem = partial(_memory, unit=unit, scale=scale)
    body: dict[str, Any] = {
        "memory": {"lua_shared_dicts": {"kong": {"capacity": mem(5 * 1024 ** 2), "allocated_slabs": mem(40960)},
                                        "kong_db_cache": {"capacity": mem(128 * 1024 ** 2),
                                                          "allocated_slabs": mem(823296)}},
                   "workers_lua_vms": [{"pid": os.getpid(), "http_allocated_gc": mem(40 * 1024 ** 2)}]},
        "server": {"connections_accepted": n, "connections_active": 1, "connections_handled": n,
                   "connections_reading": 0, "connections_writing": 1, "connections_waiting": 0,
                   "total_requests": n},
    }
    if app.dbless:
        body["configuration_hash"] = app.config_hash
    else:
        body["database"] = {"reachable": True}
    return Reply(200, body)


def get_status_dns(ctx: Ctx) -> Reply:
    raise E.message_error(501, "not implemented with the legacy DNS client")


def get_timers(ctx: Ctx) -> Reply:
    return Reply(200, {"worker": {"id": 0, "count": 1},
                       "stats": {"sys": {"running": 0, "pending": 0, "waiting": 0, "total": 0},
                                 "timers": {}, "flamegraph": {"running": "", "pending": "", "elapsed_time": ""}}})


def get_endpoints(ctx: Ctx) -> Reply:
    names: dict[str, str] = {}
    for ent in ctx.app.entities.values():
        names.setdefault(ent.admin_name, ent.name)
        names.setdefault(ent.nested_name, ent.name)
    paths = set()
    for route in ctx.app.router.routes.values():
        if not route.disabled and not route.pattern.endswith(("/healthy", "/unhealthy")):
            paths.add(_display(route.pattern, names))
    out = sorted(paths, key=lambda p: p.replace("/", "\x00"))
    return Reply(200, {"data": out})


_PARAM_NAMES = {":tag": "{tags}", ":name": "{name}", ":address": "{address}"}


def _display(pattern: str, names: dict[str, str]) -> str:
    """Kong writes each path parameter as `{<entity name>}` of the collection before it."""
    segs = pattern.split("/")
    out = []
    for i, seg in enumerate(segs):
        if seg in (":key", ":pkey"):
            out.append("{" + names.get(segs[i - 1], segs[i - 1]) + "}")
        elif seg.startswith(":"):
            out.append(_PARAM_NAMES.get(seg, "{" + seg[1:] + "}"))
        else:
            out.append(seg)
    return "/".join(out)


def get_enabled_plugins(ctx: Ctx) -> Reply:
    if ctx.app.enabled_body is None:
        ctx.app.enabled_body = json.loads((ctx.app.schema_dir / "plugins-enabled.json").read_text())
    return Reply(200, ctx.app.enabled_body)


def config_db_only(ctx: Ctx) -> Reply:
    if not ctx.app.dbless:
        raise E.message_error(400, DB_ONLY)
    if ctx.method == "GET":
        return Reply(200, {"config": declarative.dump(ctx.app)})
    config = declarative.parse_input(ctx.args, ctx.content_type, ctx.body)
    digest = declarative.config_hash(config)
    if ctx.query.get("check_hash") == "1" and digest == ctx.app.config_hash:
        return Reply(304)
    store, dao = declarative.Loader(ctx.app).load(config)
    ctx.app.replace_state(store, dao, digest)
    loaded: dict[str, Any] = {}
    for name, table in store.tables.items():
        if len(table):
            ent = ctx.app.entities[name]
            loaded[name] = {row["id"]: daos.output(ctx.app, ent, row) for row in table.iter_after(None)}
    return Reply(201, loaded)


# ------------------------------------------------------------------ schemas

def _raw(ctx: Ctx, kind: str, name: str) -> Any:
    schemas = ctx.app.schemas
    try:
        raw = schemas.raw_entity(name) if kind == "entity" else schemas.raw_plugin(name)
    except (KeyError, FileNotFoundError, ValueError):
        return None
    return raw


def get_entity_schema(ctx: Ctx) -> Reply:
    name = ctx.param("name")
    raw = _raw(ctx, "entity", name) if _known_entity(ctx, name) else None
    if raw is None:
        raise E.message_error(404, f"No entity named '{name}'")
    return Reply(200, RawJSON(dumps(raw)))  # serialised now: later validation annotates the schema


def _known_entity(ctx: Ctx, name: str) -> bool:
    return name in ctx.app.schemas.entity_names()


def get_plugin_schema(ctx: Ctx) -> Reply:
    name = ctx.param("name")
    raw = _raw(ctx, "plugin", name)
    if raw is None:
        raise E.message_error(404, f"No plugin named '{name}'")
    return Reply(200, RawJSON(dumps(raw)))


def get_plugin_config_schema(ctx: Ctx) -> Reply:
    reply = get_plugin_schema(ctx)
    for item in json.loads(reply.body).get("fields", []):
        if "config" in item:
            return Reply(200, item["config"])
    return reply


def get_vault_schema(ctx: Ctx) -> Reply:
    name = ctx.param("name")
    if name != "env":
        raise E.message_error(404, f"No vault named '{name}'")
    return Reply(200, ENV_VAULT_SCHEMA)


def validate(ctx: Ctx, entity: str | None = None) -> Reply:
    name = entity or ctx.param("name")
    if not _known_entity(ctx, name):
        raise E.message_error(404, f"No entity named '{name}'")
    ent: EntityDef | None = ctx.app.entities.get(name)
    args = ctx.typed_args(ent) if ent is not None else ctx.args
    if isinstance(args, dict):
        merged = dict(ctx.query.items())
        merged.update(args)
        args = merged
    try:
        ctx.app.schemas.process(name, args, op="validate")
    except SchemaError as err:
        raise E.dao_error(2, err.message, err.fields) from None
    return Reply(200, {"message": "schema validation successful"})


def register(router: Router, entities: dict[str, EntityDef], version: str) -> None:
    router.add("/", {"GET": get_root})
    router.add("/status", {"GET": get_status})
    router.add("/status/dns", {"GET": get_status_dns})
    router.add("/timers", {"GET": get_timers})
    router.add("/endpoints", {"GET": get_endpoints})
    router.add("/plugins/enabled", {"GET": get_enabled_plugins})
    router.add("/plugins/schema/:name", {"GET": get_plugin_config_schema})
    router.add("/config", {"GET": config_db_only, "POST": config_db_only}, accepts_yaml=True)
    router.add("/schemas/:name", {"GET": get_entity_schema})
    router.add("/schemas/:name/validate", {"POST": validate})
    router.add("/schemas/plugins/:name", {"GET": get_plugin_schema})
    router.add("/schemas/plugins/validate", {"POST": partial(validate, entity="plugins")})
    if serves_vault_schemas(version):
        router.add("/schemas/vaults/:name", {"GET": get_vault_schema})
    router.add("/schemas/vaults/validate", {"POST": partial(validate, entity="vaults")})
