"""Kong's entity checkers and transformation checks (kong/db/schema/init.lua `entity_checkers`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...versions import active, since
from .errors import LuaError
from .fields import Ctx, Field, validate_field
from .values import MSG, NIL, CustomCheck, get_field, is_nonempty, is_reference, lua_eq, quoted_list, set_field

if TYPE_CHECKING:
    from .records import Record


_CHECKERS: dict[str, dict] = {
    "at_least_one_of": {"missing": True, "invalid": True},
    "conditional_at_least_one_of": {
        "missing": True, "invalid": True,
        "sources": ("if_field", "then_at_least_one_of", "else_then_at_least_one_of"), "required": (),
    },
    "only_one_of": {"missing": False, "invalid": True},
    "distinct": {"missing": False, "invalid": True},
    "conditional": {
        "missing": False, "invalid": True, "sources": ("if_field", "then_field"), "required": ("if_field",),
    },
    "custom_entity_check": {
        "missing": False, "invalid": False, "sources": ("field_sources",), "required": ("field_sources",),
    },
    "mutually_required": {"missing": True, "invalid": False},
    "mutually_exclusive": {"missing": True, "invalid": False},
    "mutually_exclusive_sets": {"missing": True, "invalid": False, "sources": ("set1", "set2"), "required": ()},
}


def run_entity_checks(rec: Record, data: dict, full_check: bool, errors: dict, ctx: Ctx) -> None:
    for name, arg, fn in rec.entity_checks:
        _run_entity_check(rec, None, name, arg, fn, data, full_check, errors, ctx)
    sub = rec.get_subschema(data)
    if sub is not None:
        for name, arg, fn in sub.entity_checks:
            _run_entity_check(rec, sub, name, arg, fn, data, full_check, errors, ctx)


def _run_entity_check(rec: Record, sub: Record | None, name: str, arg: Any, fn: CustomCheck | None,
                      data: dict, full_check: bool, errors: dict, ctx: Ctx) -> None:
    checker = _CHECKERS.get(name)
    if checker is None or arg is None:
        return
    fields: list[str] = []
    required: set[str] = set()
    if "sources" in checker:
        for source in checker["sources"]:
            v = arg.get(source)
            names = [v] if isinstance(v, str) else (v if isinstance(v, list) else [])
            fields.extend(names)
            if source in checker["required"]:
                required.update(names)
    else:
        fields = list(arg)
        required = set(arg)
    run_missing = checker["missing"] or bool(isinstance(arg, dict) and arg.get("run_with_missing_fields"))
    run_invalid = checker["invalid"] or bool(isinstance(arg, dict) and arg.get("run_with_invalid_fields"))
    missing: list[str] = []
    all_nil = True
    all_ok = True
    projection: dict = {}
    for fname in fields:
        value = get_field(data, fname)
        if value is NIL:
            if not run_missing and fname in required:
                missing.append(fname)
        else:
            all_nil = False
            sf = rec.schema_field(fname, sub)
            if sf is None and not since(active(), "3.9"):
                # Kong < 3.9 indexes the missing field (the routes check of 3.8 names `expression`, `priority`)
                raise LuaError(f"attempt to index local 'field' (a nil value): {fname}")
            if sf is not None and sf.type == "string" and sf.referenceable and is_reference(value):
                return
        if fname in errors:
            all_ok = False
        if value is not NIL:
            set_field(projection, fname, value)
    if not all_ok and not run_invalid:
        return
    if all_nil and not (checker["missing"] and full_check):
        return
    if missing:
        for fname in missing:
            set_field(errors, fname, ctx.msg("REQUIRED_FOR_ENTITY_CHECK"))
        return
    failure = _check(rec, sub, name, arg, fn, projection, errors, ctx)
    if failure is None:
        return
    err, custom = failure
    if custom is not None:
        errors.setdefault("@entity", []).append(custom)
    else:
        errors.setdefault("@entity", []).append(ctx.msg(name.upper()) % err if name.upper() in MSG else err)


def _nonempty_names(entity: dict, names: list[str]) -> list[str]:
    return [n for n in names if is_nonempty(get_field(entity, n))]


def _check(rec: Record, sub: Record | None, name: str, arg: Any, fn: CustomCheck | None,
           entity: dict, errors: dict, ctx: Ctx) -> tuple[str, str | None] | None:
    """None when the check passes, else (message argument, custom message or None)."""
    if name == "at_least_one_of":
        return None if _nonempty_names(entity, arg) else (quoted_list(arg), None)
    if name == "only_one_of":
        return None if len(_nonempty_names(entity, arg)) == 1 else (quoted_list(arg), None)
    if name == "distinct":
        seen = []
        for n in arg:
            v = get_field(entity, n)
            if is_nonempty(v):
                if any(lua_eq(v, s) for s in seen):
                    return quoted_list(arg), None
                seen.append(v)
        return None
    if name == "mutually_required":
        n = len(_nonempty_names(entity, arg))
        return None if n in (0, len(arg)) else (quoted_list(arg), None)
    if name == "mutually_exclusive":
        return None if len(_nonempty_names(entity, arg)) <= 1 else (quoted_list(arg), None)
    if name == "mutually_exclusive_sets":
        s1 = _nonempty_names(entity, arg["set1"])
        s2 = _nonempty_names(entity, arg["set2"])
        if s1 and s2:
            return f"({quoted_list(s1)}), ({quoted_list(s2)})", None
        return None
    if name == "conditional":
        return _check_conditional(rec, sub, arg, entity, errors, ctx)
    if name == "conditional_at_least_one_of":
        return _check_conditional_at_least_one_of(rec, sub, arg, entity, ctx)
    if name == "custom_entity_check":
        if fn is None:
            return None
        err = fn(entity)
        return None if err is None else (err, err)
    return None


def _matcher(rec: Record, sub: Record | None, fname: str, match: dict, role: str) -> Field:
    """The field as a check's `if_match`/`then_match` sees it; `role` names it in the schema path
    (`<path>?then_match`), where a Lua-only validator of that match is registered. Kong gives the match
    table the schema field as its __index and validates with it: the annotations of `validate_field`
    land in the served check (or, for elements the match does not define, in the field's own)."""
    key = (id(sub), fname, id(match))
    cached = rec.matchers.get(key)
    if cached is None:
        base = rec.schema_field(fname, sub)
        path = f"{rec.path}.{fname}?{role}"
        served = (sub or rec).served
        if base is None:
            cached = Field(match, path, rec.hooks, match if served else None)
        else:
            cached = base.derive(match, path, served)
        rec.matchers[key] = cached
    return cached


def _check_conditional(rec: Record, sub: Record | None, arg: dict, entity: dict, errors: dict,
                       ctx: Ctx) -> tuple[str, str | None] | None:
    if_value = get_field(entity, arg["if_field"])
    then_value = get_field(entity, arg["then_field"])
    if then_value is NIL:
        then_value = None
    if validate_field(_matcher(rec, sub, arg["if_field"], arg["if_match"], "if_match"), if_value, ctx) is not None:
        return None
    then_match = arg["then_match"]
    if then_match.get("required") is True and then_value is None:
        set_field(errors, arg["then_field"], MSG["REQUIRED"])
        return arg["if_field"], None
    err = validate_field(_matcher(rec, sub, arg["then_field"], then_match, "then_match"), then_value, ctx)
    if err is not None:
        set_field(errors, arg["then_field"], err)
        then_err = arg.get("then_err")
        return arg["if_field"], (then_err.replace("%s", arg["if_field"]) if then_err else None)
    return None


def _check_conditional_at_least_one_of(rec: Record, sub: Record | None, arg: dict, entity: dict,
                                       ctx: Ctx) -> tuple[str, str | None] | None:
    if_value = get_field(entity, arg["if_field"])
    if if_value is NIL:
        return None
    if validate_field(_matcher(rec, sub, arg["if_field"], arg["if_match"], "if_match"), if_value, ctx) is not None:
        else_match = arg.get("else_match")
        if else_match is None:
            return None
        if validate_field(_matcher(rec, sub, arg["if_field"], else_match, "else_match"), if_value, ctx) is not None:
            return None
        names = arg["else_then_at_least_one_of"]
        err_fmt = arg.get("else_then_err")
    else:
        names = arg["then_at_least_one_of"]
        err_fmt = arg.get("then_err")
    if _nonempty_names(entity, names):
        return None
    listing = quoted_list(names)
    return listing, (err_fmt.replace("%s", listing) if err_fmt else None)


def run_transformation_checks(rec: Record, data: dict, original: dict | None, rbw: dict | None,
                              errors: dict) -> None:
    src = original if original is not None else data
    for tr in rec.transformations:
        inputs = tr.get("input") or []
        needs = tr.get("needs") or []
        if not inputs and not needs:
            continue
        none_set = not any(is_nonempty(get_field(src, n)) for n in inputs)
        needs_changed = False
        if rbw is not None:
            for n in needs:
                a, b = get_field(src, n), get_field(rbw, n)
                if not lua_eq(a, b) and not (a is NIL and b is NIL):
                    needs_changed = True
                    break
        if needs_changed or not none_set:
            args = list(inputs) + list(needs)
            target = src if needs_changed else data
            n = len(_nonempty_names(target, args))
            if n not in (0, len(args)):
                errors.setdefault("@entity", []).append(MSG["MUTUALLY_REQUIRED"] % quoted_list(args))
            else:
                n = len(_nonempty_names(src, inputs))
                if n not in (0, len(inputs)):
                    errors.setdefault("@entity", []).append(MSG["MUTUALLY_REQUIRED"] % quoted_list(inputs))
