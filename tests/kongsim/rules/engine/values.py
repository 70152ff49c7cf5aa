"""Lua values as Kong's schema code sees a decoded JSON body, and small helpers over them.

A missing key is Lua `nil` (`NIL` here); a JSON null is `ngx.null` (`None` here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class _Nil:
    _instance: _Nil | None = None

    def __new__(cls) -> _Nil:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NIL"

    def __bool__(self) -> bool:
        return False


NIL: Any = _Nil()  # Lua nil: the key is absent
ABSENT: Any = object()  # an attribute (e.g. `eq`) not present in a field definition

MSG = {
    "ARRAY": "expected an array",
    "SET": "expected a set",
    "MAP": "expected a map",
    "RECORD": "expected a record",
    "STRING": "expected a string",
    "NUMBER": "expected a number",
    "BOOLEAN": "expected a boolean",
    "INTEGER": "expected an integer",
    "REQUIRED": "required field missing",
    "UNKNOWN": "unknown field",
    "IMMUTABLE": "immutable field cannot be updated",
    "MISSING_PK": "missing primary key",
    "REQUIRED_FOR_ENTITY_CHECK": "field required for entity check",
    "CONDITIONAL": "failed conditional validation given value of field '%s'",
    "AT_LEAST_ONE_OF": "at least one of these fields must be non-empty: %s",
    "CONDITIONAL_AT_LEAST_ONE_OF": "at least one of these fields must be non-empty: %s",
    "ONLY_ONE_OF": "exactly one of these fields must be non-empty: %s",
    "DISTINCT": "values of these fields must be distinct: %s",
    "MUTUALLY_REQUIRED": "all or none of these fields must be set: %s",
    "MUTUALLY_EXCLUSIVE": "only one or none of these fields must be set: %s",
    "MUTUALLY_EXCLUSIVE_SETS": "these sets are mutually exclusive: %s",
    "SUBSCHEMA_UNKNOWN": "unknown type: %s",
    "ABSTRACT": "error in schema definition: abstract field was not specialized",
}

CustomValidator = Callable[[Any], "str | None"]
# A custom entity check gets the projected entity and returns None or an error message.
CustomCheck = Callable[[dict], "str | None"]


def lua_tostring(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.14g}"
    return str(value)


def is_table(value: Any) -> bool:
    return isinstance(value, (dict, list))


def is_sequence(value: Any) -> bool:
    return isinstance(value, list) or (isinstance(value, dict) and not value)


def is_nonempty(value: Any) -> bool:
    if value is NIL or value is None:
        return False
    if isinstance(value, (dict, list)) and not value:
        return False
    return value != ""


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_reference(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{vault://") and value.endswith("}")


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def lua_len(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogateescape"))
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return len(value)
    return 0


def jcopy(value: Any) -> Any:
    """Deep copy of JSON-shaped data (much cheaper than copy.deepcopy)."""
    if isinstance(value, dict):
        return {k: jcopy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jcopy(v) for v in value]
    return value


def get_field(tbl: Any, name: str) -> Any:
    """Dotted lookup (`a.b.c`); NIL when any step is missing or not a table."""
    for part in name.split("."):
        if not isinstance(tbl, dict):
            return NIL
        tbl = tbl.get(part, NIL)
    return tbl


def set_field(tbl: dict, name: str, value: Any) -> None:
    parts = name.split(".")
    for part in parts[:-1]:
        sub = tbl.get(part)
        if not isinstance(sub, dict):
            sub = {}
            tbl[part] = sub
        tbl = sub
    tbl[parts[-1]] = value


def quoted_list(words: list) -> str:
    out = []
    for w in words:
        out.append(f"({quoted_list(w)})" if isinstance(w, list) else f"'{w}'")
    return ", ".join(out)


def _set_key(value: Any) -> Any:
    if isinstance(value, bool):
        return ("b", value)
    if is_table(value):
        return ("t", id(value))
    return ("v", value)


def make_set(value: list) -> list:
    seen: set = set()
    out = []
    for v in value:
        k = _set_key(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out


def as_dict(value: Any) -> dict:
    """A JSON array given where a record is expected is a Lua table with integer keys."""
    if isinstance(value, list):
        return dict(enumerate(value, 1))
    return value


def lua_eq(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b and (is_number(a) == is_number(b))
