"""Compiled field definitions and Kong's `Schema:validate_field` (kong/db/schema/init.lua)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from .patterns import lua_find
from .values import (
    ABSENT,
    MSG,
    NIL,
    CustomCheck,
    CustomValidator,
    as_list,
    is_number,
    is_reference,
    is_sequence,
    is_table,
    lua_eq,
    lua_len,
    lua_tostring,
    quoted_list,
)


@dataclass
class Hooks:
    """How fields are compiled: behaviour the JSON schemas cannot carry, found by schema path.

    `record(spec, path, hooks)` compiles a nested record (a schema_records.Record); `reference(name)` gives
    the compiled entity a foreign field points to.
    """

    record: Callable[[dict, str, Hooks], Any]
    validator_for: Callable[[str, dict], CustomValidator | None] = lambda path, spec: None
    check_for: Callable[[str, dict], CustomCheck | None] = lambda path, arg: None
    reference: Callable[[str], Any] = lambda name: None


VALIDATOR_ORDER = (
    "eq", "ne", "not_one_of", "one_of", "gt", "timestamp", "uuid", "is_regex", "between",
    "len_eq", "len_min", "len_max", "starts_with", "not_match", "match_none", "match", "match_all",
    "match_any", "contains", "custom_validator", "mutually_exclusive_subsets",
)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", re.I)


class Inherited:
    """A Lua field table whose missing keys are read from another: an entity check's `if_match` (or
    `then_match`) over the schema field it is matched against. Writes go to the check's own table."""

    def __init__(self, own: dict, base: dict) -> None:
        self.own = own
        self.base = base

    def __contains__(self, key: str) -> bool:
        return key in self.own or key in self.base

    def __setitem__(self, key: str, value: Any) -> None:
        self.own[key] = value


class Field:
    """A compiled field definition. Attributes mirror Kong's field table keys.

    `served` is the table `GET /schemas/...` shows for this field (None for the fields of nested records,
    which Kong validates with a copy of the record's schema). Kong's `validate_field` annotates the field
    table it is given, in place and for good: `len_min = 1` on a string field that has none, `required =
    true` on the elements of an array or set and on the keys and values of a map. So what the schema
    endpoints answer depends on what the node has validated since it started; `validate_field` below
    does the same to `served`.
    """

    def __init__(self, spec: dict, path: str, hooks: Hooks, served: dict | Inherited | None = None):
        self.spec = spec
        self.served = served
        self.path = path
        self.type: str = spec.get("type", "any")
        self.required: bool = spec.get("required") is True
        self.default: Any = spec.get("default", ABSENT)
        self.auto: bool = bool(spec.get("auto"))
        self.uuid: bool = bool(spec.get("uuid"))
        self.immutable: bool = bool(spec.get("immutable"))
        self.abstract: bool = bool(spec.get("abstract"))
        self.referenceable: bool = bool(spec.get("referenceable"))
        self.err: str | None = spec.get("err")
        self.eq: Any = spec.get("eq", ABSENT)
        self.ne: Any = spec.get("ne", ABSENT)
        self.reference: str | None = spec.get("reference")
        self.custom_validator = hooks.validator_for(path, spec)
        self.validators: list[tuple[str, Any]] = []
        for key in VALIDATOR_ORDER:
            if key == "custom_validator":
                if self.custom_validator is not None:
                    self.validators.append((key, self.custom_validator))
            elif key in spec and (key not in ("eq", "ne") or spec[key] is not None):
                self.validators.append((key, spec[key]))
        if self.type == "string" and "len_min" not in spec:
            # empty strings are refused unless a schema says otherwise
            self.validators.insert(self._len_slot(), ("len_min", 1))
        self.elements = self._part(spec, "elements", path + "[]", hooks)
        if self.elements is not None:
            self.elements.required = True
        self.keys = self._part(spec, "keys", path + "{k}", hooks)
        self.values = self._part(spec, "values", path + "{v}", hooks)
        for sub in (self.keys, self.values):
            if sub is not None:
                sub.required = True
        self.record: Any = None  # a schema_records.Record for (non-abstract) record fields
        if self.type == "record" and not self.abstract:
            self.record = hooks.record(spec, path, hooks)
        self._hooks = hooks

    def _part(self, spec: dict, key: str, path: str, hooks: Hooks) -> Field | None:
        if key not in spec:
            return None
        return Field(spec[key], path, hooks, spec[key] if self.served is not None else None)

    def _len_slot(self) -> int:
        order = {k: i for i, k in enumerate(VALIDATOR_ORDER)}
        for i, (k, _arg) in enumerate(self.validators):
            if order[k] > order["len_min"]:
                return i
        return len(self.validators)

    def derive(self, overrides: dict, path: str, served: bool = False) -> Field:
        """A field whose missing attributes fall back to this one (Lua __index inheritance); `served`: the
        `overrides` table is part of a served schema (annotated as `Inherited` over this field's table)."""
        merged = dict(self.spec)
        merged.update(overrides)
        for key in ("eq", "ne"):
            if key in overrides:
                merged[key] = overrides[key]
        derived = Field(merged, path, self._hooks, Inherited(overrides, self.spec) if served else None)
        if self.custom_validator is not None and derived.custom_validator is None:
            derived.custom_validator = self.custom_validator
            derived.validators = [v for v in derived.validators if v[0] != "custom_validator"]
            derived.validators.append(("custom_validator", self.custom_validator))
        return derived


@dataclass
class Ctx:
    """Validation context: `updating` switches the messages Kong rewrites during updates."""

    updating: bool = False
    # False when validating with a copy of the schema (the schema endpoints' validate): nothing is annotated
    annotate: bool = True

    def msg(self, key: str) -> str:
        text = MSG[key]
        if self.updating:
            if key == "REQUIRED_FOR_ENTITY_CHECK":
                return text + " when updating"
            if key in ("AT_LEAST_ONE_OF", "CONDITIONAL_AT_LEAST_ONE_OF"):
                return "when updating, " + text
        return text


def _run_validator(name: str, arg: Any, value: Any, fld: Field) -> str | None:
    if name == "eq":
        return None if lua_eq(value, arg) else f"value must be {lua_tostring(arg)}"
    if name == "ne":
        return None if value != arg else f"value must not be {lua_tostring(value)}"
    if name in ("one_of", "not_one_of"):
        found = any(lua_eq(value, o) for o in arg)
        if found == (name == "one_of"):
            return None
        listing = ", ".join(lua_tostring(o) for o in arg)
        return f"expected one of: {listing}" if name == "one_of" else f"must not be one of: {listing}"
    if name == "gt":
        return None if value > arg else f"value must be greater than {lua_tostring(arg)}"
    if name == "between":
        return None if arg[0] <= value <= arg[1] else f"value should be between {int(arg[0])} and {int(arg[1])}"
    if name in ("len_eq", "len_min", "len_max"):
        n = lua_len(value)
        if name == "len_eq":
            return None if n == arg else f"length must be {arg}"
        if name == "len_min":
            return None if n >= arg else f"length must be at least {arg}"
        return None if n <= arg else f"length must be at most {arg}"
    if name == "timestamp":
        return None if value > 0 else "expected a valid timestamp"
    if name == "uuid":
        return None if len(value) == 36 and _UUID.match(value) else "expected a valid UUID"
    if name == "is_regex":
        from .validators import pcre_error

        return None if pcre_error(value) is None else f"not a valid regex: {value}"
    if name == "starts_with":
        return None if value.startswith(arg) else f"should start with: {arg}"
    if name == "match":
        return None if lua_find(value, arg) else f"invalid value: {value}"
    if name == "not_match":
        return f"invalid value: {value}" if lua_find(value, arg) else None
    if name == "match_all":
        for item in arg:
            if not lua_find(value, item["pattern"]):
                return item.get("err") or f"invalid value: {value}"
        return None
    if name == "match_none":
        for item in arg:
            if lua_find(value, item["pattern"]):
                return item.get("err") or f"invalid value: {value}"
        return None
    if name == "match_any":
        if any(lua_find(value, p) for p in arg["patterns"]):
            return None
        return arg.get("err") or f"invalid value: {value}"
    if name == "contains":
        return None if any(lua_eq(v, arg) for v in value) else f"expected to contain: {arg}"
    if name == "custom_validator":
        err = arg(value)
        return err
    if name == "mutually_exclusive_subsets":
        owner: dict = {}
        for i, subset in enumerate(arg):
            for v in subset:
                owner[v] = i
        member_of: list[int] = []
        for v in value:
            if v in owner and owner[v] not in member_of:
                member_of.append(owner[v])
        if len(member_of) <= 1:
            return None
        return MSG["MUTUALLY_EXCLUSIVE_SETS"] % quoted_list([arg[i] for i in member_of])
    return None


def validate_field(fld: Field, value: Any, ctx: Ctx) -> Any:
    """None when valid, else the error (a string, or a table for records and elements)."""
    if value is None:
        if fld.ne is None:
            return fld.err or "value must not be null"
        if fld.eq is not ABSENT and fld.eq is not None:
            return f"value must be {lua_tostring(fld.eq)}"
        if fld.required:
            return MSG["REQUIRED"]
        return None
    if fld.eq is None:
        return fld.err or "value must be null"
    if fld.abstract:
        return MSG["ABSTRACT"]
    t = fld.type
    if t in ("array", "set"):
        if not is_sequence(value):
            return MSG["ARRAY"] if t == "array" else MSG["SET"]
        if ctx.annotate and fld.elements is not None and fld.elements.served is not None:
            fld.elements.served["required"] = True
        errs = {}
        for i, v in enumerate(as_list(value), 1):
            err = validate_field(fld.elements, v, ctx) if fld.elements else None
            if err is not None:
                errs[i] = err
        if errs:
            return errs
    elif t == "map":
        if not is_table(value):
            return MSG["MAP"]
        for part in (fld.keys, fld.values):
            if ctx.annotate and part is not None and part.served is not None:
                part.served["required"] = True
        items = value.items() if isinstance(value, dict) else enumerate(value, 1)
        for k, v in items:
            if fld.keys is not None:
                err = validate_field(fld.keys, k, ctx)
                if err is not None:
                    return err
            if fld.values is not None:
                err = validate_field(fld.values, v, ctx)
                if err is not None:
                    return err
    elif t == "record":
        if not is_table(value):
            return MSG["RECORD"]
        if fld.record is not None:
            errs = fld.record.validate_value(value, ctx)
            if errs:
                return errs
    elif t == "foreign":
        err = _validate_foreign(fld, value, ctx)
        if err is not None:
            return err
    elif t == "integer":
        if not (is_number(value) and math.isfinite(value) and float(value).is_integer()):
            return MSG["INTEGER"]
    elif t == "number":
        if not is_number(value):
            return MSG["NUMBER"]
    elif t == "string":
        if not isinstance(value, str):
            return MSG["STRING"]
        if ctx.annotate and fld.served is not None and "len_min" not in fld.served:
            fld.served["len_min"] = 1
        if fld.referenceable and is_reference(value):
            return None
    elif t == "boolean":
        if not isinstance(value, bool):
            return MSG["BOOLEAN"]
    elif t == "json" or t == "any":
        pass
    for name, arg in fld.validators:
        err = _run_validator(name, arg, value, fld)
        if err is not None:
            return fld.err or err
    return None


def _validate_foreign(fld: Field, value: Any, ctx: Ctx) -> Any:
    target = fld._hooks.reference(fld.reference or "")
    pk = value.get("id", NIL) if isinstance(value, dict) else NIL
    if pk is NIL or pk is False:
        errs: dict = {"id": MSG["MISSING_PK"]}
    elif pk is None:
        errs = {"id": MSG["REQUIRED"]}
    else:
        id_field = target.by_name.get("id") if target else None
        # a copied schema still refers to the node's own schema of the referenced entity
        err = validate_field(id_field, pk, replace(ctx, annotate=True)) if id_field else None
        if err is None:
            return None
        errs = {"id": err}
    if isinstance(value, dict) and target is not None:
        foreign_errs = target.validate(value, ctx, full_check=False)
        if foreign_errs:
            return foreign_errs
    return errs
