"""The endpoints Kong generates from each entity schema (kong/api/endpoints.lua semantics).

For an entity E with foreign field f referencing P:
  /E, /E/:key, /E/:key/f, /P/:pkey/E, /P/:pkey/E/:key
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any
from urllib.parse import quote

from . import errors as E
from .context import Ctx, RawJSON, Reply, dumps
from .model import EntityDef, Foreign
from .paging import empty_tags, parse_size, parse_tags
from .routing import Router
from .rules import daos


def escape_uri(value: str) -> str:
    return quote(value, safe="")


def page_reply(ctx: Ctx, ent: EntityDef, rows: list[dict[str, Any]], token: str | None,
               next_url: str | None) -> Reply:
    """A list answer built from each row's cached JSON (one serialisation per row change)."""
    app = ctx.app
    if ent.ttl or ent.name == "certificates":
        items = ",".join(dumps(daos.output(app, ent, r)) for r in rows)
    else:
        table = app.dao.table(ent)
        items = ",".join(table.json_of(r["id"]) for r in rows)
    parts = ['{"data":[', items, '],"next":', dumps(next_url)]
    if token is not None:
        parts += [',"offset":', dumps(token)]
    parts.append("}")
    return Reply(200, RawJSON("".join(parts)))


def entity_reply(ctx: Ctx, ent: EntityDef, row: dict[str, Any], status: int = 200) -> Reply:
    if ent.ttl or ent.name == "certificates":
        return Reply(status, daos.output(ctx.app, ent, row))
    return Reply(status, RawJSON(ctx.app.dao.table(ent).json_of(row["id"])))


def select_or_404(ctx: Ctx, ent: EntityDef, key: str) -> dict[str, Any]:
    row = daos.select(ctx.app, ent, key)
    if row is None:
        raise E.not_found()
    return row


# ------------------------------------------------------------------ collections

def get_collection(ctx: Ctx, ent: EntityDef) -> Reply:
    q = ctx.query
    tags = None
    if ent.has_tags and ctx.query_bytes.get("tags") == b"":
        raise empty_tags()
    size = parse_size(q.get("size"))
    if ent.has_tags and "tags" in ctx.query_bytes:
        tags = parse_tags(ctx.query_bytes["tags"])
    rows, token = ctx.app.dao.page(ent, size, q.get("offset"), tags)
    next_url = None
    if token is not None:
        next_url = f"/{ent.admin_name}?offset={escape_uri(token)}"
        if "tags" in q:
            next_url += "&tags=" + escape_uri(q["tags"])
        if "size" in q:
            next_url += "&size=" + q["size"]
    return page_reply(ctx, ent, rows, token, next_url)


def post_collection(ctx: Ctx, ent: EntityDef) -> Reply:
    row = daos.insert(ctx.app, ent, ctx.typed_args(ent))
    return entity_reply(ctx, ent, row, 201)


def get_nested_collection(ctx: Ctx, ent: EntityDef, parent: EntityDef, fk: Foreign) -> Reply:
    owner = select_or_404(ctx, parent, ctx.param("pkey"))
    if ent.has_tags and ctx.query_bytes.get("tags") == b"":
        raise empty_tags()
    size = parse_size(ctx.query.get("size"))
    if ent.has_tags and "tags" in ctx.query_bytes:
        parse_tags(ctx.query_bytes["tags"])  # validated like Kong does, then not applied to nested lists
    rows, token = ctx.app.dao.page(ent, size, ctx.query.get("offset"), None, (fk.field, owner["id"]))
    next_url = None
    if token is not None:
        next_url = f"/{parent.admin_name}/{ctx.params['pkey']}/{ent.nested_name}?offset={escape_uri(token)}"
    return page_reply(ctx, ent, rows, token, next_url)


def post_nested_collection(ctx: Ctx, ent: EntityDef, parent: EntityDef, fk: Foreign) -> Reply:
    owner = select_or_404(ctx, parent, ctx.param("pkey"))
    args = ctx.typed_args(ent)
    if isinstance(args, dict):
        args = dict(args)
        args[fk.field] = {"id": owner["id"]}
    row = daos.insert(ctx.app, ent, args)
    return entity_reply(ctx, ent, row, 201)


# --------------------------------------------------------------------- entities

def get_entity(ctx: Ctx, ent: EntityDef) -> Reply:
    return entity_reply(ctx, ent, select_or_404(ctx, ent, ctx.param("key")))


def put_entity(ctx: Ctx, ent: EntityDef) -> Reply:
    row = daos.upsert(ctx.app, ent, ctx.param("key"), ctx.typed_args(ent))
    return entity_reply(ctx, ent, row)


def patch_entity(ctx: Ctx, ent: EntityDef) -> Reply:
    key = ctx.param("key")
    row = daos.update_by_key(ctx.app, ent, key, ctx.typed_args(ent))
    return entity_reply(ctx, ent, row)


def delete_entity(ctx: Ctx, ent: EntityDef) -> Reply:
    daos.delete_by_key(ctx.app, ent, ctx.param("key"))
    return Reply(204)


# ------------------------------------------- /child/:key/<foreign field> endpoints

def _referenced(ctx: Ctx, ent: EntityDef, fk: Foreign) -> tuple[dict[str, Any], str | None]:
    child = select_or_404(ctx, ent, ctx.param("key"))
    ref = child.get(fk.field)
    return child, (ref or {}).get("id") if isinstance(ref, dict) else None


def get_foreign(ctx: Ctx, ent: EntityDef, fk: Foreign) -> Reply:
    parent = ctx.app.entities[fk.parent]
    _child, ref_id = _referenced(ctx, ent, fk)
    if ref_id is None:
        raise E.not_found()
    ctx.app.schemas.validate_primary_key(parent.name, ref_id)
    row = ctx.app.dao.get(parent, ref_id)
    if row is None:
        raise E.not_found()
    if parent.name == "certificates":  # the generic select, without the certificates DAO's SNI names
        return Reply(200, {**row, "snis": None})
    return entity_reply(ctx, parent, row)


def put_foreign(ctx: Ctx, ent: EntityDef, fk: Foreign) -> Reply:
    parent = ctx.app.entities[fk.parent]
    child, ref_id = _referenced(ctx, ent, fk)
    associate = ref_id is None
    target_id = ref_id or str(uuid.uuid4())
    row = daos.upsert(ctx.app, parent, target_id, ctx.typed_args(parent))
    if associate:
        daos.update(ctx.app, ent, child, {fk.field: {"id": row["id"]}})
    return entity_reply(ctx, parent, row)


def patch_foreign(ctx: Ctx, ent: EntityDef, fk: Foreign) -> Reply:
    parent = ctx.app.entities[fk.parent]
    _child, ref_id = _referenced(ctx, ent, fk)
    if ref_id is None:
        raise E.not_found()
    row = daos.update_by_key(ctx.app, parent, ref_id, ctx.typed_args(parent))
    return entity_reply(ctx, parent, row)


def delete_foreign(ctx: Ctx, ent: EntityDef, fk: Foreign) -> Reply:
    _child, ref_id = _referenced(ctx, ent, fk)
    if ref_id is None:
        raise E.not_found()
    raise E.method_not_allowed()


# ------------------------------------------------ /parent/:pkey/children/:key

def _owned(ctx: Ctx, ent: EntityDef, parent: EntityDef, fk: Foreign) -> tuple[dict[str, Any], dict[str, Any]]:
    owner = select_or_404(ctx, parent, ctx.param("pkey"))
    child = select_or_404(ctx, ent, ctx.param("key"))
    ref = child.get(fk.field)
    if not isinstance(ref, dict) or ref.get("id") != owner["id"]:
        raise E.not_found()
    return owner, child


def get_nested_entity(ctx: Ctx, ent: EntityDef, parent: EntityDef, fk: Foreign) -> Reply:
    _owner, child = _owned(ctx, ent, parent, fk)
    return entity_reply(ctx, ent, child)


def put_nested_entity(ctx: Ctx, ent: EntityDef, parent: EntityDef, fk: Foreign) -> Reply:
    owner = select_or_404(ctx, parent, ctx.param("pkey"))
    args = ctx.typed_args(ent)
    if isinstance(args, dict):
        args = dict(args)
        args[fk.field] = {"id": owner["id"]}
    row = daos.upsert(ctx.app, ent, ctx.param("key"), args)
    return entity_reply(ctx, ent, row)


def patch_nested_entity(ctx: Ctx, ent: EntityDef, parent: EntityDef, fk: Foreign) -> Reply:
    owner = select_or_404(ctx, parent, ctx.param("pkey"))
    args = ctx.typed_args(ent)
    if isinstance(args, dict) and fk.field not in args:  # an explicit null detaches the child, as in Lua
        args = dict(args)
        args[fk.field] = {"id": owner["id"]}
    child = select_or_404(ctx, ent, ctx.param("key"))
    ref = child.get(fk.field)
    if not isinstance(ref, dict) or ref.get("id") != owner["id"]:
        raise E.not_found()
    row = daos.update_by_key(ctx.app, ent, ctx.param("key"), args)
    return entity_reply(ctx, ent, row)


def delete_nested_entity(ctx: Ctx, ent: EntityDef, parent: EntityDef, fk: Foreign) -> Reply:
    _owner, child = _owned(ctx, ent, parent, fk)
    daos.delete(ctx.app, ent, child)
    return Reply(204)


# --------------------------------------------------------------------- wiring

def register(router: Router, entities: dict[str, EntityDef]) -> None:
    for ent in entities.values():
        base = f"/{ent.admin_name}"
        router.add(base, {"GET": partial(get_collection, ent=ent), "POST": partial(post_collection, ent=ent)})
        router.add(base + "/:key", {
            "GET": partial(get_entity, ent=ent), "PUT": partial(put_entity, ent=ent),
            "PATCH": partial(patch_entity, ent=ent), "DELETE": partial(delete_entity, ent=ent)})
        for fk in ent.foreign:
            parent = entities.get(fk.parent)
            if parent is None:
                continue
            kw = {"ent": ent, "fk": fk}
            router.add(f"{base}/:key/{fk.field}", {
                "GET": partial(get_foreign, **kw), "PUT": partial(put_foreign, **kw),
                "PATCH": partial(patch_foreign, **kw), "DELETE": partial(delete_foreign, **kw)})
            nkw = {"ent": ent, "parent": parent, "fk": fk}
            nested = f"/{parent.admin_name}/:pkey/{ent.nested_name}"
            router.add(nested, {"GET": partial(get_nested_collection, **nkw),
                                "POST": partial(post_nested_collection, **nkw)})
            router.add(nested + "/:key", {
                "GET": partial(get_nested_entity, **nkw), "PUT": partial(put_nested_entity, **nkw),
                "PATCH": partial(patch_nested_entity, **nkw), "DELETE": partial(delete_nested_entity, **nkw)})
