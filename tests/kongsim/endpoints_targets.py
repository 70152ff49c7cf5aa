"""Upstream targets: in-memory target lists (numeric offsets), /targets/all, health, healthy/unhealthy."""

from __future__ import annotations

from functools import partial
from typing import Any

from . import endpoints_crud as crud
from . import errors as E
from .context import Ctx, Reply
from .dao import is_uuid
from .health import using_healthchecks
from .model import EntityDef
from .paging import parse_size
from .routing import Router
from .rules import daos


def _upstream(ctx: Ctx) -> dict[str, Any]:
    return crud.select_or_404(ctx, ctx.app.entities["upstreams"], ctx.param("pkey"))


def _targets_oldest_first(ctx: Ctx, upstream_id: str) -> list[dict[str, Any]]:
    table = ctx.app.store["targets"]
    rows = [table.rows[i] for i in table.referencing("upstream", upstream_id)]
    rows.sort(key=lambda r: (r["created_at"], r["id"]))
    return rows


def _active_targets(ctx: Ctx, upstream_id: str) -> list[dict[str, Any]]:
    """Newest first, one per address (Kong's in-memory target list)."""
    rows = _targets_oldest_first(ctx, upstream_id)
    seen: set[str] = set()
    out = []
    for r in reversed(rows):
        if r["target"] not in seen:
            seen.add(r["target"])
            out.append(r)
    return out


def _memory_page(ctx: Ctx, items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    """Kong pages these lists in memory: a numeric offset, `size` not range-checked."""
    raw_size = ctx.query.get("size")
    if raw_size is not None:
        try:
            size = int(float(raw_size))
        except ValueError:
            raise E.dao_error(9, "size must be a number") from None
    else:
        size = 100
    size = min(size, 1000)
    raw_offset = ctx.query.get("offset")
    try:
        offset = int(float(raw_offset)) if raw_offset is not None else 0
    except ValueError:
        raise E.unexpected() from None
    page = items[max(offset, 0):max(offset + size, 0)]
    token = str(size + offset) if len(items) > size + offset else None
    return page, token


def get_targets(ctx: Ctx, ent: EntityDef) -> Reply:
    upstream = _upstream(ctx)
    page, token = _memory_page(ctx, _active_targets(ctx, upstream["id"]))
    next_url = f"/upstreams/{ctx.params['pkey']}/targets?offset={crud.escape_uri(token)}" if token else None
    return crud.page_reply(ctx, ent, page, token, next_url)


def get_all_targets(ctx: Ctx, ent: EntityDef) -> Reply:
    upstream = _upstream(ctx)
    size = parse_size(ctx.query.get("size"))
    rows, token = ctx.app.dao.page(ent, size, ctx.query.get("offset"), None, ("upstream", upstream["id"]))
    next_url = None
    if token is not None:
        next_url = f"/upstreams/{ctx.params['pkey']}/targets/all?offset={crud.escape_uri(token)}"
    return crud.page_reply(ctx, ent, rows, token, next_url)


def _balancer_view(host: dict[str, Any]) -> dict[str, Any]:
    """A target as the balancer reports it: each address `healthy: <bool>` instead of a `health` word."""
    addresses = [{"ip": a["ip"], "port": a["port"], "weight": a["weight"], "healthy": a["health"] != "UNHEALTHY"}
                 for a in host["addresses"]]
    return {**host, "addresses": addresses}


def get_health(ctx: Ctx, ent: EntityDef) -> Reply:
    upstream = _upstream(ctx)
    book = ctx.app.health
    node = {"node_id": ctx.app.node_id}
    if ctx.query.get("balancer_health") == "1":
        # the balancer holds its targets oldest first (the list below is newest first)
        hosts = [_balancer_view(book.target_status(upstream, t)[1])
                 for t in _targets_oldest_first(ctx, upstream["id"])]
        total = sum(h["weight"]["total"] for h in hosts)
        unavailable = sum(h["weight"]["unavailable"] for h in hosts)
        healthy = total > 0 and unavailable < total
        balancer = "HEALTHY" if healthy else "UNHEALTHY"
        details = {"healthy": healthy, "hosts": hosts,
                   "weight": {"total": total, "unavailable": unavailable, "available": total - unavailable}}
        return Reply(200, {"data": {"health": balancer if using_healthchecks(upstream) else "HEALTHCHECKS_OFF",
                                    "balancer_health": balancer, "id": upstream["id"], "details": details},
                           "next": None, **node})
    page, token = _memory_page(ctx, _active_targets(ctx, upstream["id"]))
    data = []
    for t in page:
        item = dict(t)
        item["health"], item["data"] = book.target_status(upstream, t)
        data.append(item)
    body: dict[str, Any] = {"data": data, "next": None}
    if token is not None:
        body["offset"] = token
        body["next"] = f"/upstreams/{ctx.params['pkey']}/health?offset={crud.escape_uri(token)}"
    body.update(node)
    return Reply(200, body)


def _target(ctx: Ctx, ent: EntityDef) -> dict[str, Any]:
    upstream = _upstream(ctx)
    key = ctx.param("key")
    target = None
    if is_uuid(key):
        target = ctx.app.dao.get(ent, key)
    else:
        for t in reversed(_targets_oldest_first(ctx, upstream["id"])):
            if t["target"] == key:
                target = t
                break
    if target is None or target["upstream"]["id"] != upstream["id"]:
        raise E.not_found()
    return target


def get_target(ctx: Ctx, ent: EntityDef) -> Reply:
    return crud.entity_reply(ctx, ent, _target(ctx, ent))


def update_target(ctx: Ctx, ent: EntityDef) -> Reply:
    target = _target(ctx, ent)
    row = daos.update(ctx.app, ent, target, ctx.typed_args(ent))
    return crud.entity_reply(ctx, ent, row)


def delete_target(ctx: Ctx, ent: EntityDef) -> Reply:
    daos.delete(ctx.app, ent, _target(ctx, ent))
    return Reply(204)


def set_target_health(ctx: Ctx, ent: EntityDef, healthy: bool) -> Reply:
    target = _target(ctx, ent)
    address = ctx.param("address") if "address" in ctx.params else None
    refused = ctx.app.health.mark(_upstream(ctx), target, address, healthy)
    if refused is not None:
        raise E.message_error(400, refused)
    return Reply(204)


def register(router: Router, entities: dict[str, EntityDef]) -> None:
    targets = entities["targets"]
    ups = entities["upstreams"]
    router.add("/upstreams/:pkey/targets", {
        "GET": partial(get_targets, ent=targets),
        "POST": partial(crud.post_nested_collection, ent=targets, parent=ups, fk=targets.fk("upstream"))})
    router.add("/upstreams/:pkey/targets/all", {"GET": partial(get_all_targets, ent=targets)})
    router.add("/upstreams/:pkey/health", {"GET": partial(get_health, ent=targets)}, replace=True)
    router.add("/upstreams/:pkey/targets/:key", {
        "GET": partial(get_target, ent=targets), "PUT": partial(update_target, ent=targets),
        "PATCH": partial(update_target, ent=targets), "DELETE": partial(delete_target, ent=targets)})
    for suffix, healthy in (("healthy", True), ("unhealthy", False), (":address/healthy", True),
                            (":address/unhealthy", False)):
        router.add(f"/upstreams/:pkey/targets/:key/{suffix}",
                   {"PUT": partial(set_target_health, ent=targets, healthy=healthy)})
