"""/tags and /tags/{tag}: one row per (entity, tag), ordered by entity id then tag."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from . import endpoints_crud as crud
from . import errors as E
from .context import Ctx, Reply
from .paging import decode_offset, encode_offset, parse_size
from .routing import Router
from .versions import active, empty_tag_page_is_object


def _tag_rows(ctx: Ctx, only: str | None) -> list[tuple[str, str, str]]:
    rows = []
    for ent in ctx.app.entities.values():
        if not ent.has_tags:
            continue
        for r in ctx.app.store[ent.name].rows.values():
            for tag in r.get("tags") or []:
                if only is None or tag == only:
                    rows.append((r["id"], tag, ent.name))
    rows.sort()
    return rows


def _tags_page(ctx: Ctx, only: str | None) -> tuple[list[dict[str, Any]], str | None]:
    size = parse_size(ctx.query.get("size"))
    after: tuple[str, str] | None = None
    if ctx.query.get("offset") is not None:
        key = decode_offset(ctx.query["offset"])
        after = (str(key[0]), str(key[1]) if len(key) > 1 else "")
    rows = [r for r in _tag_rows(ctx, only) if after is None or (r[0], r[1]) > after]
    page = rows[:size]
    token = encode_offset([page[-1][0], page[-1][1]]) if len(rows) > size else None
    return [{"entity_name": n, "entity_id": i, "tag": t} for i, t, n in page], token


def get_tags(ctx: Ctx) -> Reply:
    data, token = _tags_page(ctx, None)
    body: dict[str, Any] = {"data": data, "next": None}
    if token:
        body["offset"] = token
        body["next"] = f"/tags?offset={crud.escape_uri(token)}" + (
            f"&size={ctx.query['size']}" if "size" in ctx.query else "")
    return Reply(200, body)


def get_tag(ctx: Ctx) -> Reply:
    raw = ctx.params["tag"]
    # the tags DAO validates the tag first (what the schema remembers of it: endpoints_info.py)
    ctx.app.schemas.validate_field("tags", "tag", unquote_to_bytes(raw).decode("utf-8", "replace"))
    try:
        tag = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError as err:
        raise E.dao_error(10, f"invalid utf-8 character sequence detected at position {err.start + 1}",
                          name="invalid unique tag") from None
    data, token = _tags_page(ctx, tag)
    body: dict[str, Any] = {"data": data if data or not empty_tag_page_is_object(active()) else {}, "next": None}
    if token:
        body["offset"] = token
        body["next"] = f"/tags/{raw}?offset={crud.escape_uri(token)}"
    return Reply(200, body)


def tags_write(ctx: Ctx) -> Reply:
    msg = "does not support insert/upsert/update/delete operations"
    raise E.dao_error(2, f"schema violation (tags: {msg})", {"tags": msg})


def fail_500(ctx: Ctx) -> Reply:
    raise E.unexpected()


def register(router: Router) -> None:
    router.add("/tags", {"GET": get_tags, "POST": tags_write})
    router.add("/tags/:tag", {"GET": get_tag, "PUT": tags_write, "PATCH": fail_500, "DELETE": fail_500})
