"""Compiled schemas (`Record`) and Kong's processing passes over them (kong/db/schema/init.lua):
defaults and auto fields (process_auto_fields), shorthands, update merges and validation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .checks import run_entity_checks, run_transformation_checks
from .errors import SchemaError
from .fields import Ctx, Field, Hooks, validate_field
from .values import ABSENT, MSG, NIL, CustomCheck, as_dict, is_table, jcopy, lua_tostring, make_set


class Record:
    """A compiled schema: fields in order, entity checks, shorthands, subschemas."""

    def __init__(self, spec: dict, path: str, hooks: Hooks, served: bool = False):
        """`served`: `spec` is the table the schema endpoints show, annotated as Kong validates (a
        top-level entity or plugin schema; nested records are validated with a copy in Kong)."""
        self.path = path
        self.hooks = hooks
        self.served = served
        self.fields: list[tuple[str, Field]] = []
        for item in spec.get("fields", []):
            ((name, fspec),) = item.items()
            self.fields.append((name, Field(fspec, f"{path}.{name}", hooks, fspec if served else None)))
        self.by_name: dict[str, Field] = dict(self.fields)
        self.entity_checks: list[tuple[str, dict, CustomCheck | None]] = []
        for check in spec.get("entity_checks") or []:
            ((name, arg),) = check.items()
            fn = hooks.check_for(path, arg) if name == "custom_entity_check" else None
            self.entity_checks.append((name, arg, fn))
        self.shorthands: list[tuple[str, Field, dict]] = []
        for item in spec.get("shorthand_fields") or []:
            ((name, fspec),) = item.items()
            self.shorthands.append((name, Field(fspec, f"{path}.{name}", hooks), fspec))
        self.subschema_key: str | None = None
        self.subschema_error: str = MSG["SUBSCHEMA_UNKNOWN"]
        self.subschema_lookup: Callable[[str], Record | None] = lambda name: None
        # extra behaviour installed by rules.registry
        self.shorthand_funcs: dict[str, Callable[[Any], dict | None]] = {}
        self.transformations: list[dict] = []
        self.matchers: dict[tuple, Field] = {}  # conditional if/then matchers, derived once

    def validate(self, data: dict, ctx: Ctx, full_check: bool = True) -> dict:
        return validate_record(self, data, ctx, full_check)

    def validate_value(self, value: Any, ctx: Ctx) -> dict:
        """Errors of a record field's value: Kong fills the record's defaults first, then validates."""
        data = value if isinstance(value, Filled) else process_auto_fields(self, as_dict(value), "insert")
        return validate_record(self, data, ctx, full_check=True)

    def get_subschema(self, values: Any) -> Record | None:
        if self.subschema_key is None or not isinstance(values, dict):
            return None
        key = values.get(self.subschema_key, NIL)
        if isinstance(key, str):
            return self.subschema_lookup(key)
        if isinstance(key, list):
            for k in key:
                if isinstance(k, str):
                    sub = self.subschema_lookup(k)
                    if sub is not None:
                        return sub
        return None

    def each_field(self, values: Any = None) -> Iterator[tuple[str, Field]]:
        sub = self.get_subschema(values) if values is not None else None
        for name, fld in self.fields:
            if sub is not None and name in sub.by_name:
                yield name, sub.by_name[name]
            else:
                yield name, fld

    def resolve(self, name: str, sub: Record | None) -> Field | None:
        if sub is not None and name in sub.by_name:
            return sub.by_name[name]
        return self.by_name.get(name)

    def schema_field(self, dotted: str, sub: Record | None = None) -> Field | None:
        head, _sep, tail = dotted.partition(".")
        fld = self.resolve(head, sub)
        if fld is None or not tail:
            return fld
        if fld.record is None:
            return None
        return fld.record.schema_field(tail)


# ------------------------------------------------------------------------------------------ defaults


def handle_missing_field(fld: Field, value: Any) -> Any:
    if fld.default is not ABSENT:
        return jcopy(fld.default)
    if not fld.required:
        return None
    if fld.abstract:
        return NIL
    if fld.record is not None:
        return process_auto_fields(fld.record, {}, "insert")
    return NIL


def adjust_field_for_context(fld: Field, value: Any, context: str) -> Any:
    if fld.abstract:
        return value
    if fld.type == "record":
        if context == "update":
            recurse = value is not None and value is not NIL
        else:
            recurse = value is not None and (value is not NIL or fld.required)
        if recurse:
            if value is NIL:
                value = handle_missing_field(fld, value)
            if is_table(value) and fld.record is not None:
                return process_auto_fields(fld.record, as_dict(value), context)
    elif is_table(value):
        sub = None
        if fld.type == "array":
            sub = fld.elements
            value = list(value) if isinstance(value, list) else value
        elif fld.type == "set":
            sub = fld.elements
            if isinstance(value, list):
                value = make_set(value)
        elif fld.type == "map":
            sub = fld.values
        if sub is not None:
            if isinstance(value, list):
                value = [adjust_field_for_context(sub, v, context) for v in value]
            elif isinstance(value, dict):
                value = {k: adjust_field_for_context(sub, v, context) for k, v in value.items()}
    if value is NIL and context != "update":
        return handle_missing_field(fld, value)
    return value


def apply_shorthands(rec: Record, data: dict, select: bool = False) -> dict:
    """Expand shorthand fields in place; returns the shorthand errors (empty when none)."""
    errs: dict = {}
    for sname, sfield, sspec in rec.shorthands:
        value = data.get(sname, NIL)
        deprecation = sspec.get("deprecation") or {}
        replaced = deprecation.get("replaced_with") or []
        if value is not NIL:
            ctx = Ctx()
            err = validate_field(sfield, value, ctx)
            if err is None and replaced and value is not None:
                for item in replaced:
                    current = _table_path(data, item["path"])
                    if current is not NIL and current is not None and current != value:
                        err = (
                            "both deprecated and new field are used but their values mismatch: "
                            f"{sname} = {lua_tostring(value)} vs {'.'.join(item['path'])} = "
                            f"{lua_tostring(current)}"
                        )
                        break
            if err is not None:
                errs[sname] = err
            else:
                del data[sname]
                func = rec.shorthand_funcs.get(sname)
                new_values = func(value) if func else _replaced_with_values(replaced, value)
                for k, v in (new_values or {}).items():
                    if isinstance(v, dict):
                        source = data.get(k)
                        source = source if isinstance(source, dict) else {}
                        data[k] = _null_aware_merge(v, source) if deprecation else {**source, **v}
                    elif not deprecation or data.get(k, NIL) in (NIL, None):
                        data[k] = v
        if select and replaced:
            data[sname] = _table_path(data, replaced[0]["path"], null=True)
    return errs


def _replaced_with_values(replaced: list[dict], value: Any) -> dict:
    out: dict = {}
    if replaced:
        path = replaced[0]["path"]
        cur = out
        for part in path[:-1]:
            cur = cur.setdefault(part, {})
        cur[path[-1]] = value
    return out


def _null_aware_merge(t1: dict, t2: dict) -> dict:
    """kong.tools.table.null_aware_table_merge: t2's non-null values override t1."""
    out = dict(t1)
    for k, v in t2.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _null_aware_merge(out[k], v)
        elif v is not None and v is not NIL:
            out[k] = v
    return out


def _table_path(data: Any, path: list[str], null: bool = False) -> Any:
    for part in path:
        if not isinstance(data, dict):
            return None if null else NIL
        data = data.get(part, NIL)
    if data is NIL and null:
        return None
    return data


def process_auto_fields(rec: Record, data: dict, context: str, now: float | None = None,
                        gen: Generators | None = None) -> dict:
    """Shorthands, auto fields and defaults for `context` (insert/upsert/update)."""
    # containers along the schema are rebuilt below; the input is never mutated
    data = Filled(data) if context in ("insert", "upsert") else dict(data)
    if rec.shorthands:
        errs = apply_shorthands(rec, data)
        if errs:
            raise SchemaError(errs)
    insert_like = context in ("insert", "upsert")
    for key, fld in rec.each_field(data):
        value = data.get(key, NIL)
        if fld.auto and gen is not None:
            if fld.uuid:
                if insert_like and value is NIL:
                    value = gen.uuid()
            elif fld.type == "string":
                if insert_like and value is NIL:
                    value = gen.random_string()
            elif (key == "created_at" and insert_like and value in (NIL, None)) or (
                key == "updated_at" and context in ("insert", "upsert", "update")
            ):
                ts = gen.now() if now is None else now
                if fld.type == "number":
                    value = math.floor(ts * 1000) / 1000
                elif fld.type == "integer":
                    value = int(ts)
        value = adjust_field_for_context(fld, value, context)
        if value is NIL:
            data.pop(key, None)
        else:
            data[key] = value
    return data


class Filled(dict):
    """A record value produced by an insert/upsert pass: its defaults are already in place."""


@dataclass
class Generators:
    uuid: Callable[[], str]
    random_string: Callable[[], str]
    now: Callable[[], float]


def merge_values(rec: Record, top: dict, bottom: Any, complete: bool = True) -> dict:
    """Schema-aware merge for updates: records merge recursively, everything else is replaced.

    `complete`: the stored records follow `rec`'s schema, so merged records need no default filling.
    """
    bottom = bottom if isinstance(bottom, dict) else {}
    output = dict(bottom)
    output.update(top)
    for key, fld in rec.each_field(bottom):
        top_v = top.get(key, NIL)
        if top_v is NIL:
            if key in bottom:
                output[key] = bottom[key]
        elif fld.type == "record" and fld.record is not None and isinstance(top_v, dict):
            below = bottom.get(key)
            merged = merge_values(fld.record, top_v, below, complete)
            output[key] = Filled(merged) if complete and isinstance(below, dict) else merged
        else:
            output[key] = top_v
    return output


# ------------------------------------------------------------------------------------------ validate


def validate_record(rec: Record, data: dict, ctx: Ctx, full_check: bool = True,
                    original: dict | None = None, rbw: dict | None = None) -> dict:
    """Kong's Schema:validate: the error table (empty when valid)."""
    if rec.subschema_key is not None:
        key = data.get(rec.subschema_key, NIL)
        if key is NIL or key is None:
            return {rec.subschema_key: MSG["REQUIRED"]}
        if rec.get_subschema(data) is None:
            shown = key if isinstance(key, str) else (key[0] if isinstance(key, list) and key else None)
            return {rec.subschema_key: rec.subschema_error % ("nil" if shown is None else lua_tostring(shown))}
    errors = _validate_fields(rec, data, ctx)
    for name, fld in rec.fields:
        if fld.required:
            value = data.get(name, NIL)
            if value is None or (full_check and value is NIL):
                errors[name] = MSG["REQUIRED"]
    run_entity_checks(rec, data, full_check, errors, ctx)
    run_transformation_checks(rec, data, original, rbw, errors)
    return errors


def _validate_fields(rec: Record, data: dict, ctx: Ctx) -> dict:
    errors: dict = {}
    sub = rec.get_subschema(data)
    for k, v in data.items():
        if k == "updated_at" and isinstance(k, str):
            continue
        fld = rec.resolve(k, sub) if isinstance(k, str) else None
        if fld is None:
            errors[k] = MSG["UNKNOWN"]
            continue
        if fld.type == "json":
            continue
        err = validate_field(fld, v, ctx)
        if err is not None:
            errors[k] = err
    return errors
