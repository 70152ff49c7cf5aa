# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A read-through snapshot in front of ``KongClient`` for tasks that reconcile many entities.

Each collection the engine reads is listed once (pages of 1000) and indexed by id, endpoint key and
parent. Lookups the snapshot can answer exactly come from it:

* ``GET /{collection}/{key}`` and ``GET /{parents}/{pid}/{nested}/{key}`` under a parent the snapshot
  holds: a UUID key is the id, any other key the endpoint key, as Kong's ``select`` reads them. A miss is
  Kong's 404 while the snapshot is complete, for keys Kong would not refuse (a UUID, or a plain name for
  an endpoint key that accepts any such name); other keys go to Kong, which may answer 400;
* listings ``/{collection}`` and ``/{parents}/{pid}/{nested}`` without a query, and
  ``GET /consumers?custom_id=``.

Anything else goes to Kong unchanged. Writes go to Kong; their answers update the snapshot. A write
that failed in a way that may have changed Kong, or revealed an entity the listing did not have (409),
makes the snapshot incomplete: the entity it addressed is dropped and misses go to Kong again. A DELETE
drops the snapshots of what Kong cascades. The client may be shared by threads (one lock).
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any, Iterator
from urllib.parse import unquote

from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import (
    KongAPIError,
    KongConnectionError,
    KongError,
)
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import clone
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES

LIST_SIZE = 1000
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# collection -> endpoint key (None: Kong addresses it by id only), for the collections Kong lists at the top
ENDPOINT_KEYS = {c: spec.endpoint_key for c, spec in ENTITIES.items() if spec.listed}
# keys Kong accepts only under the parent (/consumers/{c}/acls/{group})
NESTED_KEYS = {c: spec.nested_key for c, spec in ENTITIES.items() if spec.nested_key}
# A key of these characters passes every validator of these endpoint keys (plain strings and Kong's
# utf8_name); Kong's answer for a missing one is 404. Upstream names are host names: misses ask Kong.
PLAIN_KEY_RE = re.compile(r"^[A-Za-z0-9._~-]+$")
PLAIN_KEYS = frozenset(c for c, spec in ENTITIES.items() if spec.plain_keys)
# (parent collection, nested path segment) -> (collection, the child's field naming the parent)
NESTED = {(p.collection, p.nested): (c, p.option) for c, spec in ENTITIES.items() for p in spec.parents}
# what Kong deletes with an entity (its snapshots are dropped after a DELETE)
CASCADES: dict[str, tuple[str, ...]] = {}
for _collection, _spec in ENTITIES.items():
    for _parent in _spec.parents:
        if _parent.cascade:
            CASCADES[_parent.collection] = (*CASCADES.get(_parent.collection, ()), _collection)
# a write Kong refused with these changed nothing and showed nothing the listing lacks
REFUSED = frozenset((400, 401, 403, 405))


def _id_of(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else None


def certain_miss(collection: str, key: str, nested: bool) -> bool:
    """Whether Kong answers 404 for a key a complete snapshot does not hold (rather than 400)."""
    if UUID_RE.match(key):
        return True
    plain = collection in PLAIN_KEYS or (nested and collection in NESTED_KEYS)
    return plain and bool(PLAIN_KEY_RE.match(key))


class Snapshot:
    """The entities of one collection as listed once, indexed by id, endpoint key and parent.

    Rows are never changed in place (a write puts a new row), so they can be handed out as copies.
    """

    def __init__(self, collection: str, rows: list[dict[str, Any]]) -> None:
        self.key = ENDPOINT_KEYS.get(collection)  # list-valued for certificates (any of its SNIs)
        self.complete = True  # every entity Kong had when listed, plus this task's writes
        self.by_id: dict[str, dict[str, Any]] = {}
        self.by_key: dict[Any, dict[str, Any]] = {}
        self._children: dict[str, dict[Any, dict[str, dict[str, Any]]]] = {}
        for row in rows:
            self.put(row)

    def put(self, row: dict[str, Any]) -> None:
        self.remove(row["id"])
        self.by_id[row["id"]] = row
        for key in self._keys(row):
            self.by_key[key] = row
        for field, index in self._children.items():
            index.setdefault(_id_of(row.get(field)), {})[row["id"]] = row

    def remove(self, entity_id: str) -> None:
        old = self.by_id.pop(entity_id, None)
        if old is None:
            return
        for key in self._keys(old):
            if self.by_key.get(key) is old:
                del self.by_key[key]
        for field, index in self._children.items():
            index.get(_id_of(old.get(field)), {}).pop(entity_id, None)

    def _keys(self, row: dict[str, Any]) -> list[Any]:
        value = row.get(self.key) if self.key else None
        values = value if isinstance(value, list) else [value]
        return [v for v in values if v is not None and not isinstance(v, (dict, list))]

    def select(self, key: str) -> dict[str, Any] | None:
        """Kong's ``select`` by URL key: a UUID is the id, anything else the endpoint key."""
        if UUID_RE.match(key):
            return self.by_id.get(key)
        return self.by_key.get(key) if self.key else None

    def children(self, field: str, parent_id: str) -> list[dict[str, Any]]:
        if field not in self._children:
            index: dict[Any, dict[str, dict[str, Any]]] = {}
            for row in self.by_id.values():
                index.setdefault(_id_of(row.get(field)), {})[row["id"]] = row
            self._children[field] = index
        return list(self._children[field].get(parent_id, {}).values())


@functools.lru_cache(maxsize=65536)
def parse_path(path: str) -> tuple[str, str | None, str | None, str | None, str] | None:
    """``/c``, ``/c/k``, ``/p/pk/n``, ``/p/pk/n/k`` -> (collection, key, parent collection, parent key,
    the child's field naming the parent)."""
    if "?" in path:
        return None
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if len(parts) in (1, 2) and parts[0] in ENDPOINT_KEYS:
        return parts[0], parts[1] if len(parts) == 2 else None, None, None, ""
    if len(parts) in (3, 4) and (parts[0], parts[2]) in NESTED:
        collection, field = NESTED[(parts[0], parts[2])]
        return collection, parts[3] if len(parts) == 4 else None, parts[0], parts[1], field
    return None


class SnapshotClient:
    """Wraps a ``KongClient``; same interface for the engine, fewer requests for bulk tasks."""

    def __init__(self, client: KongClient) -> None:
        self.client = client
        self.snapshots: dict[str, Snapshot] = {}
        # entities Kong lists only under their parent: (collection, parent id) -> snapshot of that listing
        self.under_parent: dict[tuple[str, str], Snapshot] = {}
        self.unreachable: dict[str, KongConnectionError] = {}
        self.lock = threading.RLock()
        self.writes = 0  # write requests sent (answered or not)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    # -- snapshots ---------------------------------------------------------------------------

    def snapshot(self, collection: str) -> Snapshot:
        """The collection's snapshot, listed on first use. A listing that got no answer (retries spent) is
        not sent again: the next items get the same error at once."""
        with self.lock:
            if collection in self.unreachable:
                raise self.unreachable[collection]
            if collection not in self.snapshots:
                try:
                    rows = list(self.client.paginate("/" + collection, size=LIST_SIZE))
                except KongConnectionError as exc:
                    self.unreachable[collection] = exc
                    raise
                self.snapshots[collection] = Snapshot(collection, rows)
            return self.snapshots[collection]

    def forget(self, *collections: str) -> None:
        """Drop these snapshots (all of them when none is named); later reads list again."""
        with self.lock:
            for collection in collections or tuple(self.snapshots):
                self.snapshots.pop(collection, None)
            for key in [k for k in self.under_parent if not collections or k[0] in collections]:
                del self.under_parent[key]

    def listed_under(self, collection: str, path: str, parent_id: str) -> Snapshot:
        """The snapshot of ``path``, a listing of ``collection`` under one parent, listed on first use."""
        with self.lock:
            key = (collection, parent_id)
            if key not in self.under_parent:
                self.under_parent[key] = Snapshot(collection, list(self.client.paginate(path, size=LIST_SIZE)))
            return self.under_parent[key]

    def _deleted(self, collection: str, key: str | None) -> None:
        snapshot = self.snapshots.get(collection)
        if snapshot is not None and key and UUID_RE.match(key):
            snapshot.remove(key)
        else:
            self.forget(collection)
        self.forget(*CASCADES.get(collection, ()))

    def _failed(self, method: str, parsed: tuple[str, str | None, Any, Any] | None, exc: KongError) -> None:
        """After a failed write: what Kong may hold now is no longer known for sure."""
        if isinstance(exc, KongAPIError) and exc.status in REFUSED:
            return
        if parsed is None:
            self.forget()
            return
        collection, key = parsed[0], parsed[1]
        self.under_parent = {k: v for k, v in self.under_parent.items() if k[0] != collection}
        snapshot = self.snapshots.get(collection)
        if snapshot is not None:
            snapshot.complete = False
            row = snapshot.select(key) if key else None
            if row is not None:
                snapshot.remove(row["id"])
        if method == "DELETE":
            self.forget(*CASCADES.get(collection, ()))

    def _parent(self, parent: str, key: str) -> dict[str, Any] | None:
        return self.snapshot(parent).select(key)

    def _lookup(self, path: str) -> tuple[bool, Any]:
        """(answered, entity or None for Kong's 404); answered is False when the request must go to Kong."""
        parsed = parse_path(path)
        if parsed is None or parsed[1] is None:
            return False, None
        collection, key, parent, parent_key, field = parsed
        if not ENTITIES[collection].listed:
            return False, None
        with self.lock:
            parent_row = None
            if parent is not None:
                parent_row = self._parent(parent, parent_key or "")
                if parent_row is None:
                    return False, None  # Kong says which: a missing parent (404) or an invalid key (400)
            snapshot = self.snapshot(collection)
            row = snapshot.select(key or "")
            if row is None and parent_row is not None and collection in NESTED_KEYS and not UUID_RE.match(key or ""):
                siblings = snapshot.children(field, parent_row["id"])
                row = next((r for r in siblings if r.get(NESTED_KEYS[collection]) == key), None)
            if row is not None and parent_row is not None:
                row = row if _id_of(row.get(field)) == parent_row["id"] else None  # 404 here
            if row is not None:
                return True, clone(row)
            if snapshot.complete and certain_miss(collection, key or "", parent is not None):
                return True, None
            return False, None

    # -- the client interface the engine uses -------------------------------------------------

    def get_or_none(self, path: str, query: dict[str, Any] | None = None) -> Any:
        if not query:
            answered, value = self._lookup(path)
            if answered:
                return value
        return self.client.get_or_none(path, query)

    def paginate(self, path: str, query: dict[str, Any] | None = None, size: int = LIST_SIZE) -> Iterator[Any]:
        parsed = None if query else parse_path(path)
        if parsed is None or parsed[1] is not None:
            return self.client.paginate(path, query, size)
        collection, _key, parent, parent_key, field = parsed
        with self.lock:
            if parent is not None and not ENTITIES[collection].listed:
                parent_row = self._parent(parent, parent_key or "")
                if parent_row is None:
                    return self.client.paginate(path, query, size)
                return iter(clone(list(self.listed_under(collection, path, parent_row["id"]).by_id.values())))
            if parent is None:
                if not self.snapshot(collection).complete:
                    self.forget(collection)  # list again
                rows = list(self.snapshot(collection).by_id.values())
            else:
                parent_row = self._parent(parent, parent_key or "")
                snapshot = self.snapshot(collection)
                if parent_row is None or not snapshot.complete:
                    return self.client.paginate(path, query, size)
                rows = snapshot.children(field, parent_row["id"])
            return iter(clone(rows))

    def request(self, method: str, path: str, query: dict[str, Any] | None = None, body: Any = None) -> Any:
        method = method.upper()
        if method == "GET":
            if path == "/consumers" and query and set(query) == {"custom_id"}:
                with self.lock:
                    snapshot = self.snapshot("consumers")
                    if snapshot.complete:
                        rows = [r for r in snapshot.by_id.values() if r.get("custom_id") == query["custom_id"]]
                        return {"data": clone(rows), "next": None}
            return self.client.request(method, path, query, body)
        parsed = parse_path(path.split("?", 1)[0])
        with self.lock:
            self.writes += 1
        try:
            answer = self.client.request(method, path, query, body)
        except KongError as exc:
            with self.lock:
                self._failed(method, parsed, exc)
            raise
        with self.lock:
            collection = parsed[0] if parsed else None
            if collection is None:
                self.forget()  # a shape the snapshot does not know: list again when needed
            elif method == "DELETE":
                self._deleted(collection, parsed[1] if parsed else None)
            elif isinstance(answer, dict) and "id" in answer and collection in self.snapshots:
                self.snapshots[collection].put(clone(answer))
            else:
                self.forget(collection)
        return answer
