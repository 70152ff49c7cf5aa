"""Endpoints Kong customises on top of the generated ones: consumers by custom_id, plugin PATCH,
certificates by SNI name, ACLs by group, disabled paths."""

from __future__ import annotations

import secrets
import uuid
from functools import partial
from typing import Any

from . import endpoints_crud as crud
from . import errors as E
from .context import Ctx, Reply
from .dao import is_uuid
from .model import EntityDef
from .routing import Router
from .rules import daos
from .versions import active, request_ids

# ---------------------------------------------------------------- consumers


def get_consumers(ctx: Ctx, ent: EntityDef) -> Reply:
    if "custom_id" in ctx.query:
        custom_id = ctx.query["custom_id"]
        if custom_id == "":
            raise E.message_error(400, "custom_id must be an unempty string")
        row = ctx.app.dao.find_by(ent, "custom_id", custom_id)
        return Reply(200, {"data": [row] if row else [], "next": None})
    return crud.get_collection(ctx, ent)


# ------------------------------------------------------------------ plugins

def _with_plugin_name(ctx: Ctx, plugins: EntityDef) -> None:
    args = ctx.args
    if isinstance(args, dict) and args.get("name") is None:
        plugin = daos.select(ctx.app, plugins, ctx.param("key"))
        if plugin is None:
            raise E.not_found()
        ctx._args = {**args, "name": plugin["name"]}


def patch_plugin(ctx: Ctx, ent: EntityDef) -> Reply:
    _with_plugin_name(ctx, ent)
    return crud.patch_entity(ctx, ent)


def patch_nested_plugin(ctx: Ctx, ent: EntityDef, parent: EntityDef, fk: Any) -> Reply:
    _with_plugin_name(ctx, ent)
    return crud.patch_nested_entity(ctx, ent, parent, fk)


# ------------------------------------------------------------- certificates

def _certificate_key(ctx: Ctx, name_param: str = "key") -> tuple[str, str | None]:
    """Resolve an SNI name in the certificate position to its certificate id."""
    key = ctx.param(name_param)
    if is_uuid(key):
        return key, None
    snis = ctx.app.entities["snis"]
    sni = ctx.app.dao.find_by(snis, "name", ctx.app.dao.infer_key(snis, key))
    if sni is not None:
        return sni["certificate"]["id"], key
    if ctx.method != "PUT":
        raise E.not_found("SNI not found")
    return str(uuid.uuid4()), key


def _certificate_snis_arg(ctx: Ctx, args: Any, name: str | None) -> Any:
    if not isinstance(args, dict):
        return args
    args = dict(args)
    snis = args.get("snis")
    if isinstance(snis, list):
        if name is not None and ctx.method == "PUT" and name not in snis:
            args["snis"] = [*snis, name]
    elif isinstance(snis, str):
        args["snis"] = [snis, name] if name is not None and ctx.method == "PUT" and name != snis else [snis]
    elif "snis" not in args and ctx.method == "PUT":
        args["snis"] = None
    return args


def get_certificate(ctx: Ctx, ent: EntityDef) -> Reply:
    cert_id, _name = _certificate_key(ctx)
    row = ctx.app.dao.get(ent, cert_id)
    if row is None:
        raise E.not_found()
    return crud.entity_reply(ctx, ent, row)


def put_certificate(ctx: Ctx, ent: EntityDef) -> Reply:
    cert_id, name = _certificate_key(ctx)
    args = _certificate_snis_arg(ctx, ctx.typed_args(ent), name)
    row = daos.upsert(ctx.app, ent, cert_id, args)
    return crud.entity_reply(ctx, ent, row)


def patch_certificate(ctx: Ctx, ent: EntityDef) -> Reply:
    cert_id, name = _certificate_key(ctx)
    args = _certificate_snis_arg(ctx, ctx.typed_args(ent), name)
    row = daos.update_by_key(ctx.app, ent, cert_id, args)
    return crud.entity_reply(ctx, ent, row)


def delete_certificate(ctx: Ctx, ent: EntityDef) -> Reply:
    cert_id, _name = _certificate_key(ctx)
    daos.delete_by_key(ctx.app, ent, cert_id)
    return Reply(204)


def certificate_nested(handler: Any, ctx: Ctx, **kw: Any) -> Reply:
    cert_id, _name = _certificate_key(ctx, "pkey")
    ctx.params["pkey"] = cert_id
    return handler(ctx, **kw)


# --------------------------------------------------------------------- acls

def _not_found_with_request_id() -> E.KongError:
    if not request_ids(active()):
        return E.not_found()
    return E.KongError(404, {"message": "Not found", "request_id": secrets.token_hex(16)})


def acl_entity(handler: Any, ctx: Ctx, ent: EntityDef, parent: EntityDef, fk: Any) -> Reply:
    group = ctx.param("key")
    if not is_uuid(group):
        consumer = daos.select(ctx.app, parent, ctx.param("pkey"))
        if consumer is None:
            raise _not_found_with_request_id()
        acl = ctx.app.store["acls"].find_cache_key({"consumer": {"id": consumer["id"]}, "group": group})
        if acl is not None:
            ctx.params["key"] = acl["id"]
        else:
            if ctx.method != "PUT":
                raise _not_found_with_request_id()
            ctx.params["key"] = str(uuid.uuid4())
            if isinstance(ctx.args, dict) and not ctx.args.get("group"):
                ctx._args = {**ctx.args, "group": group}
    return handler(ctx, ent=ent, parent=parent, fk=fk)


# ------------------------------------------------------------------- wiring

def register(router: Router, entities: dict[str, EntityDef]) -> None:
    consumers, plugins = entities["consumers"], entities["plugins"]
    router.add("/consumers", {"GET": partial(get_consumers, ent=consumers)})

    router.add("/plugins/:key", {"PATCH": partial(patch_plugin, ent=plugins)})
    for fk in plugins.foreign:
        parent = entities[fk.parent]
        router.add(f"/{parent.admin_name}/:pkey/plugins/:key",
                   {"PATCH": partial(patch_nested_plugin, ent=plugins, parent=parent, fk=fk)})

    certs, snis = entities["certificates"], entities["snis"]
    router.add("/certificates/:key", {
        "GET": partial(get_certificate, ent=certs), "PUT": partial(put_certificate, ent=certs),
        "PATCH": partial(patch_certificate, ent=certs), "DELETE": partial(delete_certificate, ent=certs)})
    sni_fk = snis.fk("certificate")
    nkw = {"ent": snis, "parent": certs, "fk": sni_fk}
    router.add("/certificates/:pkey/snis", {
        "GET": partial(certificate_nested, crud.get_nested_collection, **nkw),
        "POST": partial(certificate_nested, crud.post_nested_collection, **nkw)})
    router.add("/certificates/:pkey/snis/:key", {
        verb: partial(certificate_nested, fn, **nkw) for verb, fn in (
            ("GET", crud.get_nested_entity), ("PUT", crud.put_nested_entity),
            ("PATCH", crud.patch_nested_entity), ("DELETE", crud.delete_nested_entity))})

    acls = entities["acls"]
    akw = {"ent": acls, "parent": consumers, "fk": acls.fk("consumer")}
    router.add("/consumers/:pkey/acls/:key", {
        verb: partial(acl_entity, fn, **akw) for verb, fn in (
            ("GET", crud.get_nested_entity), ("PUT", crud.put_nested_entity),
            ("PATCH", crud.patch_nested_entity), ("DELETE", crud.delete_nested_entity))})

    for path in ("/targets", "/targets/:key", "/targets/:key/upstream", "/snis/:key/certificate"):
        router.add(path, {}, disabled=True)
