"""Per-entity rules Kong's custom DAOs (kong/db/dao/<entity>.lua) add on top of the generic DAO: plugin protocol checks,
certificate SNIs, and the DB-less refusals (after validation, as Kong's `off` strategy does)."""

from __future__ import annotations

import uuid
from typing import Any

from .. import errors as E
from ..dao import is_uuid, schema_violation
from ..model import EntityDef

# PostgreSQL has no unique constraint matching the ON CONFLICT of Kong 3.9.1's upsert by name for these
_UPSERT_BY_NAME_FAILS = frozenset({"key_sets", "keys"})
_OPS = {"insert": "create", "upsert": "create or update", "update": "update", "delete": "remove"}


def _dbless_refuse(app: Any, ent: EntityDef, op: str, by: str | None = None) -> None:
    if app.dbless:
        raise E.operation_unsupported(_OPS[op], ent.name, by)


def select(app: Any, ent: EntityDef, key: str) -> dict[str, Any] | None:
    return app.dao.select(ent, key)


def output(app: Any, ent: EntityDef, row: dict[str, Any]) -> dict[str, Any]:
    if ent.name == "certificates":
        out = dict(row)
        out["snis"] = sni_names(app, row["id"])
        return out
    return app.dao.output(ent, row)


# ------------------------------------------------------------------ plugins

def _common_protocol(plugin_protocols: list[str], route: dict[str, Any]) -> bool:
    route_protocols = route.get("protocols") or []
    return any(p in route_protocols for p in plugin_protocols)


def check_protocols_match(app: Any, args: dict[str, Any]) -> None:
    protocols = args.get("protocols")
    if not isinstance(protocols, list):
        return
    routes = app.entities["routes"]
    route_ref, service_ref = args.get("route"), args.get("service")
    if isinstance(route_ref, dict):
        route = app.dao.get(routes, route_ref["id"]) if is_uuid(route_ref.get("id")) else None
        if route is not None and not _common_protocol(protocols, route):
            raise schema_violation({"protocols": "must match the associated route's protocols"})
    elif isinstance(service_ref, dict) and is_uuid(service_ref.get("id")):
        had_route = False
        table = app.store["routes"]
        for route_id in table.referencing("service", service_ref["id"].lower()):
            had_route = True
            if _common_protocol(protocols, table.get(route_id) or {}):
                return
        if had_route:
            raise schema_violation({"protocols": "must match the protocols of at least one route "
                                                 "pointing to this Plugin's service"})


# ------------------------------------------------------------------- writes

def insert(app: Any, ent: EntityDef, args: Any) -> dict[str, Any]:
    if not isinstance(args, dict):
        raise E.unexpected()
    if ent.name == "plugins":
        if args.get("name") is not None and not isinstance(args["name"], str):
            raise E.unexpected()  # Kong 3.9.1 fails while loading the plugin handler
        check_protocols_match(app, args)
    if ent.name == "certificates":
        return _certificate_write(app, ent, args, None, "insert")
    if app.dbless:
        app.dao.validate_only(ent, args, "insert")
        _dbless_refuse(app, ent, "insert")
    return app.dao.insert(ent, args)


def upsert(app: Any, ent: EntityDef, key: str, args: Any) -> dict[str, Any]:
    by = None if is_uuid(key) else ent.endpoint_key
    if by is not None:
        app.dao.infer_key(ent, key)
    existing = app.dao.select(ent, key)
    if ent.name == "plugins" and isinstance(args, dict):
        check_protocols_match(app, args)
    if ent.name == "certificates":
        return _certificate_write(app, ent, args, existing, "upsert", key)
    if by is not None and ent.name in _UPSERT_BY_NAME_FAILS and not app.dbless:
        app.dao.validate_only(ent, _with_key(args, key, by), "upsert")
        raise E.unexpected()
    if app.dbless:
        app.dao.validate_only(ent, _with_key(args, key, by), "upsert")
        _dbless_refuse(app, ent, "upsert", by)
    return app.dao.upsert(ent, key, args, existing, by)


def _with_key(args: Any, key: str, by: str | None) -> Any:
    if not isinstance(args, dict):
        return args
    return {**args, (by or "id"): key}


def update(app: Any, ent: EntityDef, existing: dict[str, Any], args: Any, by: str | None = None) -> dict[str, Any]:
    if not isinstance(args, dict):
        raise E.unexpected()
    if ent.name == "plugins" and ("protocols" in args or "service" in args or "route" in args):
        # Kong re-reads the stored plugin for whichever of the three the PATCH leaves out.
        merged = {f: args[f] if f in args else existing.get(f) for f in ("protocols", "service", "route")}
        check_protocols_match(app, merged)
    if ent.name == "certificates":
        return _certificate_write(app, ent, args, existing, "update")
    if app.dbless:
        app.dao.validate_only(ent, args, "update", existing)
        _dbless_refuse(app, ent, "update", by)
    return app.dao.update(ent, existing, args)


def update_by_key(app: Any, ent: EntityDef, key: str, args: Any) -> dict[str, Any]:
    existing = select(app, ent, key)
    by = None if is_uuid(key) else ent.endpoint_key
    if existing is None:
        if by is None:
            raise E.not_found_by_pk({"id": key})
        raise E.not_found_by_field({by: key})
    return update(app, ent, existing, args, by)


def delete(app: Any, ent: EntityDef, row: dict[str, Any], by: str | None = None) -> None:
    _dbless_refuse(app, ent, "delete", by)
    if ent.name == "certificates":
        # Kong deletes the SNIs first: they stay deleted when a service or upstream still references the
        # certificate and its own delete fails
        _replace_snis(app, row["id"], [])
    app.dao.delete(ent, row)


def delete_by_key(app: Any, ent: EntityDef, key: str) -> None:
    row = select(app, ent, key)
    if row is None:
        return
    delete(app, ent, row, None if is_uuid(key) else ent.endpoint_key)


# ------------------------------------------------------------- certificates

def sni_names(app: Any, cert_id: str) -> list[str]:
    table = app.store["snis"]
    return sorted(table.rows[i]["name"] for i in table.referencing("certificate", cert_id))


def _certificate_write(app: Any, ent: EntityDef, args: Any, existing: dict[str, Any] | None, op: str,
                       key: str | None = None) -> dict[str, Any]:
    snis = args.get("snis") if isinstance(args, dict) else None
    sent_snis = isinstance(args, dict) and "snis" in args
    if isinstance(args, dict):
        args = {k: v for k, v in args.items() if k != "snis"}
    cert_id = existing["id"] if existing is not None else (key if key and is_uuid(key) else None)
    if isinstance(snis, list):
        _check_snis(app, snis, cert_id)
    if app.dbless:
        app.dao.validate_only(ent, args, op, existing)
        _dbless_refuse(app, ent, op)
    if op == "insert":
        row = app.dao.insert(ent, args)
    elif op == "upsert":
        row = app.dao.upsert(ent, key or str(uuid.uuid4()), args, existing, None)
    else:
        assert existing is not None
        row = app.dao.update(ent, existing, args)
    if op == "upsert" or sent_snis:
        _replace_snis(app, row["id"], snis if isinstance(snis, list) else [])
    return row


def _check_snis(app: Any, snis: list[Any], cert_id: str | None) -> None:
    seen: set[str] = set()
    for name in snis:
        if not isinstance(name, str):
            continue
        if name in seen:
            raise schema_violation({"snis": f"{name} is duplicated"})
        seen.add(name)
        other = app.store["snis"].find("name", name)
        if other is not None and (other.get("certificate") or {}).get("id") != cert_id:
            owner = (other.get("certificate") or {}).get("id")
            raise schema_violation({"snis": f"{name} already associated with existing certificate '{owner}'"})


def _replace_snis(app: Any, cert_id: str, names: list[str]) -> None:
    snis_ent = app.entities["snis"]
    table = app.store["snis"]
    current = {table.rows[i]["name"]: table.rows[i] for i in table.referencing("certificate", cert_id)}
    for name, row in current.items():
        if name not in names:
            table.remove(row["id"])
    for name in names:
        if name not in current:
            app.dao.insert(snis_ent, {"name": name, "certificate": {"id": cert_id}})
