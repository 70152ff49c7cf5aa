"""Entity operations with Kong's DAO semantics: keys, foreign keys, uniqueness, cascades, ttl."""

from __future__ import annotations

import math
import re
import time
from typing import Any

from . import errors as E
from .model import EntityDef, children_of
from .paging import encode_offset, offset_after_id, tag_matcher
from .rules.engine.errors import SchemaError
from .store import Store, Table
from .versions import active, refuses_referenced_ca_delete

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MAX_TTL = 100000000


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(UUID_RE.match(value))


def schema_violation(errors: dict[str, Any]) -> E.KongError:
    err = SchemaError(errors)
    return E.dao_error(2, err.message, err.fields)


def from_schema_error(err: Any) -> E.KongError:
    return E.dao_error(2, err.message, err.fields)


class Dao:
    def __init__(self, entities: dict[str, EntityDef], store: Store, schemas: Any) -> None:
        self.entities = entities
        self.store = store
        self.schemas = schemas
        self.expires: dict[str, float] = {}  # key-auth id -> unix time its ttl ends

    # ---------------------------------------------------------------- reading

    def table(self, ent: EntityDef) -> Table:
        return self.store[ent.name]

    def get(self, ent: EntityDef, id_: str) -> dict[str, Any] | None:
        row = self.store[ent.name].get(id_.lower())
        if row is not None and ent.ttl and self._expired(row["id"]):
            return None
        return row

    def _expired(self, id_: str) -> bool:
        exp = self.expires.get(id_)
        return exp is not None and exp <= time.time()

    def field_error(self, ent: EntityDef, field: str, value: Any) -> str | None:
        """The validator message for one field value, or None when it is valid."""
        err = self.schemas.validate_field(ent.name, field, value)
        if err is None:
            return None
        return err if isinstance(err, str) else str(err)

    def find_by(self, ent: EntityDef, field: str, value: Any) -> dict[str, Any] | None:
        row = self.store[ent.name].find(field, value)
        if row is not None and ent.ttl and self._expired(row["id"]):
            return None
        return row

    def select(self, ent: EntityDef, key: str) -> dict[str, Any] | None:
        """Look up by a URL key: a UUID is the id, anything else the endpoint key."""
        if is_uuid(key) or ent.endpoint_key is None:
            self.schemas.validate_primary_key(ent.name, key)
        if is_uuid(key):
            return self.get(ent, key)
        if ent.endpoint_key is None:
            raise E.invalid_primary_key({"id": "expected a valid UUID"})
        value = self.infer_key(ent, key)
        return self.find_by(ent, ent.endpoint_key, value)

    def infer_key(self, ent: EntityDef, key: str) -> Any:
        assert ent.endpoint_key is not None
        msg = self.field_error(ent, ent.endpoint_key, key)
        if msg is not None:
            raise E.invalid_unique(ent.endpoint_key, msg)
        return key

    def page(self, ent: EntityDef, size: int, offset: str | None, tags: Any = None,
             parent: tuple[str, str] | None = None) -> tuple[list[dict[str, Any]], str | None]:
        after = offset_after_id(offset)
        match = tag_matcher(tags)
        table = self.store[ent.name]
        if parent is not None:  # Kong validates the foreign key of a page_for_<parent>
            self.schemas.validate_field(ent.name, parent[0], {"id": parent[1]})
        ids = table.referencing(parent[0], parent[1]) if parent is not None else None
        if ent.ttl:
            inner = match

            def match(row: dict[str, Any]) -> bool:
                return not self._expired(row["id"]) and (inner is None or inner(row))
        rows, more = table.page(after, size, match, ids)
        token = encode_offset([rows[-1]["id"]]) if more and rows else None
        return rows, token

    # --------------------------------------------------------------- writing

    def _process(self, ent: EntityDef, data: Any, op: str, existing: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            return self.schemas.process(ent.name, data, op=op, existing=existing)
        except SchemaError as err:
            raise from_schema_error(err) from None

    def resolve_foreign(self, ent: EntityDef, data: dict[str, Any]) -> None:
        """Replace `{"name": "x"}`-style references by `{"id": ...}` (error code 13 when unknown).

        UUIDs are lower-cased, as a PostgreSQL uuid column gives them back."""
        if is_uuid(data.get("id")):
            data["id"] = data["id"].lower()
        unresolved: dict[str, dict[str, str]] = {}
        for fk in ent.foreign:
            value = data.get(fk.field)
            if isinstance(value, dict) and is_uuid(value.get("id")):
                data[fk.field] = {**value, "id": value["id"].lower()}
                continue
            if not isinstance(value, dict):
                continue
            parent = self.entities.get(fk.parent)
            if parent is None:
                continue
            errs: dict[str, str] = {}
            if isinstance(value.get("id"), str):
                self.schemas.validate_primary_key(parent.name, value["id"])
            for ufield in self._parent_keys(parent):
                uvalue = value.get(ufield)
                if not isinstance(uvalue, str) or uvalue == "":
                    continue
                self.schemas.validate_field(parent.name, ufield, uvalue)
                found = self.find_by(parent, ufield, uvalue)
                if found is not None:
                    data[fk.field] = {"id": found["id"]}
                    errs = {}
                    break
                errs[ufield] = (f"the foreign key cannot be resolved with '{E.lua_pretty({ufield: uvalue})}' "
                                f"for an existing '{parent.name}' entity")
            if errs:
                unresolved[fk.field] = errs
        if unresolved:
            raise E.foreign_keys_unresolved(unresolved)

    @staticmethod
    def _parent_keys(parent: EntityDef) -> list[str]:
        keys = list(parent.unique)
        if parent.endpoint_key and parent.endpoint_key not in keys:
            keys.append(parent.endpoint_key)
        return keys

    def _check_constraints(self, ent: EntityDef, row: dict[str, Any], self_id: str | None,
                           check_pk: bool = False) -> None:
        table = self.store[ent.name]
        if check_pk and table.get(row["id"]) is not None:
            raise E.primary_key_violation({"id": row["id"]})
        for field in ent.unique:
            value = row.get(field)
            if value is None:
                continue
            other = self.find_by(ent, field, value)
            if other is not None and other["id"] != self_id:
                raise E.unique_violation({field: value})
        if ent.cache_key:
            other = table.find_cache_key(row)
            if other is not None and other["id"] != self_id and not (ent.ttl and self._expired(other["id"])):
                raise E.unique_violation({f: row.get(f) for f in ent.cache_key})
        for fk in ent.foreign:
            ref = row.get(fk.field)
            if isinstance(ref, dict) and ref.get("id") is not None:
                parent = self.entities.get(fk.parent)
                if parent is not None and self.get(parent, ref["id"]) is None:
                    raise E.foreign_key_violation(fk.field, {"id": ref["id"]}, fk.parent)

    def _take_ttl(self, ent: EntityDef, args: dict[str, Any]) -> float | None:
        """Pop `ttl` from the arguments; None when absent. 0 means no expiry."""
        if not ent.ttl or "ttl" not in args:
            return None
        ttl = args.pop("ttl")
        if isinstance(ttl, str):
            try:
                ttl = float(ttl)
            except ValueError:
                ttl = None
        if ttl is None or isinstance(ttl, bool) or not isinstance(ttl, int | float) \
                or ttl != math.floor(ttl) or ttl < 0 or ttl > MAX_TTL:
            raise E.invalid_options({"ttl": f"must be an integer between 0 and {MAX_TTL}"})
        return float(ttl)

    def _purge_expired(self, ent: EntityDef) -> None:
        """Drop rows whose ttl ran out (Kong's database cleans them up periodically)."""
        now = time.time()
        table = self.store[ent.name]
        for id_ in [i for i, exp in self.expires.items() if exp <= now and table.get(i) is not None]:
            table.remove(id_)
            del self.expires[id_]

    def _set_ttl(self, id_: str, ttl: float | None) -> None:
        if ttl:
            self.expires[id_] = time.time() + ttl
        else:
            self.expires.pop(id_, None)

    def insert(self, ent: EntityDef, args: Any) -> dict[str, Any]:
        if not isinstance(args, dict):
            raise E.unexpected()
        args = dict(args)
        ttl = self._take_ttl(ent, args)
        if ent.ttl:
            self._purge_expired(ent)
        self.resolve_foreign(ent, args)
        row = self._process(ent, args, "insert")
        self._check_constraints(ent, row, None, check_pk=True)
        self.store[ent.name].put(row)
        if ent.ttl:
            self._set_ttl(row["id"], ttl)
        return row

    def upsert(self, ent: EntityDef, key: str, args: Any, existing: dict[str, Any] | None,
               by_field: str | None) -> dict[str, Any]:
        """PUT: full replacement of the entity at `key` (an id, or the `by_field` value)."""
        ttl = None
        if isinstance(args, dict):
            args = dict(args)
            ttl = self._take_ttl(ent, args)
            if by_field is not None:
                args[by_field] = key
            else:
                args["id"] = key.lower()
            self.resolve_foreign(ent, args)
        row = self._process(ent, args, "upsert")
        if existing is not None:
            row["id"] = existing["id"]
        elif by_field is None:
            row["id"] = key.lower()
        self._check_constraints(ent, row, existing["id"] if existing is not None else None)
        self.store[ent.name].put(row)
        if ent.ttl:
            self._set_ttl(row["id"], ttl)
        return row

    def validate_only(self, ent: EntityDef, args: Any, op: str, existing: dict[str, Any] | None = None) -> None:
        """Run the schema as a write would, without storing (DB-less refusals come after it)."""
        if isinstance(args, dict):
            args = dict(args)
            self._take_ttl(ent, args)
        self._process(ent, args, op, existing)

    def update(self, ent: EntityDef, existing: dict[str, Any], args: Any) -> dict[str, Any]:
        if not isinstance(args, dict):
            raise E.unexpected()
        args = dict(args)
        ttl = self._take_ttl(ent, args)
        self.resolve_foreign(ent, args)
        row = self._process(ent, args, "update", existing)
        row["id"] = existing["id"]
        self._check_constraints(ent, row, existing["id"])
        self.store[ent.name].put(row)
        if ent.ttl and ttl is not None:
            self._set_ttl(row["id"], ttl)
        return row

    def delete(self, ent: EntityDef, row: dict[str, Any]) -> None:
        self._check_restrict(ent, row)
        self._delete_cascade(ent, row)

    def _check_restrict(self, ent: EntityDef, row: dict[str, Any]) -> None:
        for child, fk in children_of(self.entities, ent.name):
            if fk.cascade or (ent.name == "certificates" and child.name == "snis"):
                continue
            if self.store[child.name].referencing(fk.field, row["id"]):
                raise E.referenced_by(ent.name, child.name)
        if ent.name == "ca_certificates" and refuses_referenced_ca_delete(active()):
            for svc in self.store["services"].iter_after(None):
                if row["id"] in (svc.get("ca_certificates") or []):
                    raise E.dao_error(19, f"ca certificate {row['id']} is still referenced by services "
                                          f"(id = {svc['id']})")

    def _delete_cascade(self, ent: EntityDef, row: dict[str, Any]) -> None:
        for child, fk in children_of(self.entities, ent.name):
            if not (fk.cascade or (ent.name == "certificates" and child.name == "snis")):
                continue
            table = self.store[child.name]
            for child_id in table.referencing(fk.field, row["id"]):
                child_row = table.get(child_id)
                if child_row is not None:
                    self._delete_cascade(child, child_row)
        self.store[ent.name].remove(row["id"])
        self.expires.pop(row["id"], None)

    # ---------------------------------------------------------------- output

    def output(self, ent: EntityDef, row: dict[str, Any]) -> dict[str, Any]:
        """The entity as the Admin API shows it (adds key-auth `ttl`)."""
        if ent.ttl:
            out = dict(row)
            exp = self.expires.get(row["id"])
            out["ttl"] = None if exp is None else max(0, math.floor(exp - time.time()))
            return out
        return row
