"""In-memory tables ordered by primary key, with unique and cache-key indexes.

Rows are ordered by id the way PostgreSQL orders uuid columns (lower-case hex string order).
The store itself takes no lock: the application holds one lock around each request's DAO work.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterator
from typing import Any

from .model import EntityDef


def _index_value(value: Any) -> Any:
    """A hashable form of a field value (foreign keys index by their id)."""
    if isinstance(value, dict):
        return value.get("id")
    if isinstance(value, list):
        return tuple(value)
    return value


class Table:
    def __init__(self, ent: EntityDef) -> None:
        self.ent = ent
        self.rows: dict[str, dict[str, Any]] = {}
        self.ids: list[str] = []
        self.unique: dict[str, dict[Any, str]] = {f: {} for f in ent.unique}
        self.cache: dict[tuple[Any, ...], str] = {}
        self.refs: dict[str, dict[str, set[str]]] = {f.field: {} for f in ent.foreign}
        self._json: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, id_: str) -> dict[str, Any] | None:
        return self.rows.get(id_)

    def find(self, field: str, value: Any) -> dict[str, Any] | None:
        index = self.unique.get(field)
        if index is not None:
            id_ = index.get(_index_value(value))
            return self.rows.get(id_) if id_ else None
        for row in self.rows.values():
            if row.get(field) == value:
                return row
        return None

    def cache_key_of(self, row: dict[str, Any]) -> tuple[Any, ...] | None:
        if not self.ent.cache_key:
            return None
        return tuple(_index_value(row.get(f)) for f in self.ent.cache_key)

    def find_cache_key(self, row: dict[str, Any]) -> dict[str, Any] | None:
        key = self.cache_key_of(row)
        if key is None:
            return None
        id_ = self.cache.get(key)
        return self.rows.get(id_) if id_ else None

    def put(self, row: dict[str, Any]) -> None:
        """Insert a new row or replace the row with the same id."""
        id_ = row["id"]
        old = self.rows.get(id_)
        if old is not None:
            self._unindex(old)
        else:
            bisect.insort(self.ids, id_)
        self.rows[id_] = row
        self._json.pop(id_, None)
        for f, index in self.unique.items():
            v = row.get(f)
            if v is not None:
                index[_index_value(v)] = id_
        key = self.cache_key_of(row)
        if key is not None:
            self.cache[key] = id_
        for f, index in self.refs.items():
            ref = row.get(f)
            if isinstance(ref, dict) and ref.get("id") is not None:
                index.setdefault(ref["id"], set()).add(id_)

    def referencing(self, field: str, parent_id: str) -> list[str]:
        """Ids of the rows whose foreign field `field` points at `parent_id`, in id order."""
        return sorted(self.refs[field].get(parent_id, ()))

    def remove(self, id_: str) -> dict[str, Any] | None:
        row = self.rows.pop(id_, None)
        if row is None:
            return None
        self._unindex(row)
        self._json.pop(id_, None)
        i = bisect.bisect_left(self.ids, id_)
        if i < len(self.ids) and self.ids[i] == id_:
            del self.ids[i]
        return row

    def _unindex(self, row: dict[str, Any]) -> None:
        id_ = row["id"]
        for f, index in self.unique.items():
            v = row.get(f)
            if v is not None and index.get(_index_value(v)) == id_:
                del index[_index_value(v)]
        key = self.cache_key_of(row)
        if key is not None and self.cache.get(key) == id_:
            del self.cache[key]
        for f, index in self.refs.items():
            ref = row.get(f)
            if isinstance(ref, dict) and ref.get("id") in index:
                ids = index[ref["id"]]
                ids.discard(id_)
                if not ids:
                    del index[ref["id"]]

    def json_of(self, id_: str) -> str:
        """The row serialised once and reused until the row changes."""
        s = self._json.get(id_)
        if s is None:
            s = json.dumps(self.rows[id_], ensure_ascii=False, separators=(",", ":"))
            self._json[id_] = s
        return s

    def iter_after(self, after: str | None) -> Iterator[dict[str, Any]]:
        start = 0 if after is None else bisect.bisect_right(self.ids, after)
        ids = self.ids
        rows = self.rows
        for i in range(start, len(ids)):
            yield rows[ids[i]]

    def page(self, after: str | None, size: int, match: Callable[[dict[str, Any]], bool] | None = None,
             ids: list[str] | None = None) -> tuple[list[dict[str, Any]], bool]:
        """Up to `size` rows with id > after (among `ids` when given); the flag says whether more follow."""
        out: list[dict[str, Any]] = []
        if ids is not None:
            start = 0 if after is None else bisect.bisect_right(ids, after)
            rows: Any = (self.rows[i] for i in ids[start:])
        else:
            rows = self.iter_after(after)
        for row in rows:
            if match is not None and not match(row):
                continue
            if len(out) == size:
                return out, True
            out.append(row)
        return out, False

    def clear(self) -> None:
        self.rows.clear()
        self.ids.clear()
        self.cache.clear()
        self._json.clear()
        for refs in self.refs.values():
            refs.clear()
        for index in self.unique.values():
            index.clear()


class Store:
    def __init__(self, entities: dict[str, EntityDef]) -> None:
        self.tables: dict[str, Table] = {name: Table(ent) for name, ent in entities.items()}

    def __getitem__(self, name: str) -> Table:
        return self.tables[name]

    def clear(self) -> None:
        for t in self.tables.values():
            t.clear()
