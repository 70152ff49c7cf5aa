"""Kong Admin API error bodies and the Lua-table notation Kong prints inside messages."""

from __future__ import annotations

import re
from typing import Any

# DAO error codes (kong/db/errors.lua) mapped to their names and HTTP statuses.
CODE_NAMES: dict[int, str] = {
    1: "invalid primary key",
    2: "schema violation",
    3: "primary key violation",
    4: "foreign key violation",
    5: "unique constraint violation",
    6: "not found",
    7: "invalid offset",
    8: "database error",
    9: "invalid size",
    11: "invalid options",
    12: "operation unsupported",
    13: "foreign keys unresolved",
    14: "invalid declarative configuration",
    19: "referenced by others",
}
CODE_STATUS: dict[int, int] = {1: 400, 2: 400, 3: 400, 4: 400, 5: 409, 6: 404, 7: 400, 9: 400,
                               10: 400, 11: 400, 12: 405, 13: 400, 14: 400, 19: 400}

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LUA_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\0": "\\0"}


class KongError(Exception):
    """An answer other than success: an HTTP status with a JSON body (or raw bytes)."""

    def __init__(self, status: int, body: Any = None, raw: bytes | None = None,
                 content_type: str | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.raw = raw
        self.content_type = content_type


def message_error(status: int, message: str) -> KongError:
    return KongError(status, {"message": message})


def not_found(message: str = "Not found") -> KongError:
    return message_error(404, message)


def method_not_allowed() -> KongError:
    return message_error(405, "Method not allowed")


def unexpected() -> KongError:
    return message_error(500, "An unexpected error occurred")


def dao_error(code: int, message: str | None, fields: Any = None, name: str | None = None,
              options: bool = False) -> KongError:
    body: dict[str, Any] = {"code": code, "name": name or CODE_NAMES[code]}
    if message is not None:
        body["message"] = message
    if fields is not None:
        body["options" if options else "fields"] = fields
    return KongError(CODE_STATUS.get(code, 500), body)


def lua_string(s: str) -> str:
    return '"' + "".join(_LUA_ESCAPES.get(c, c) for c in s) + '"'


def lua_pretty(value: Any) -> str:
    """Compact rendering of a value as Penlight's pretty.write(v, "") prints it (keys sorted)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return lua_string(value)
    if isinstance(value, list):
        if None in value:  # a Lua table with holes prints its explicit indexes
            return "{" + ",".join(f"[{i}]={lua_pretty(v)}" for i, v in enumerate(value, 1) if v is not None) + "}"
        return "{" + ",".join(lua_pretty(v) for v in value) + "}"
    if isinstance(value, dict):
        parts = []
        for key in sorted(value, key=str):
            shown = key if isinstance(key, str) and _IDENT.match(key) else "[" + lua_pretty(key) + "]"
            parts.append(f"{shown}={lua_pretty(value[key])}")
        return "{" + ",".join(parts) + "}"
    return lua_string(str(value))


def invalid_primary_key(errors: dict[str, Any]) -> KongError:
    return dao_error(1, f"invalid primary key: '{lua_pretty(errors)}'", errors)


def primary_key_violation(pk: dict[str, Any]) -> KongError:
    return dao_error(3, f"primary key violation on key '{lua_pretty(pk)}'", pk)


def unique_violation(key: dict[str, Any]) -> KongError:
    return dao_error(5, f"UNIQUE violation detected on '{lua_pretty(key)}'", key)


def foreign_key_violation(field: str, fk: dict[str, Any], parent: str) -> KongError:
    msg = f"the foreign key '{lua_pretty(fk)}' does not reference an existing '{parent}' entity."
    return dao_error(4, msg, {field: fk})


def referenced_by(parent: str, child: str) -> KongError:
    return dao_error(4, f"an existing '{child}' entity references this '{parent}' entity",
                     {"@referenced_by": child})


def not_found_by_pk(pk: dict[str, Any]) -> KongError:
    return dao_error(6, f"could not find the entity with primary key '{lua_pretty(pk)}'", pk)


def not_found_by_field(filt: dict[str, Any]) -> KongError:
    return dao_error(6, f"could not find the entity with '{lua_pretty(filt)}'", filt)


def invalid_unique(field: str, message: str) -> KongError:
    return dao_error(10, message, name=f"invalid unique {field}")


def invalid_options(options: dict[str, Any]) -> KongError:
    items = "; ".join(f"{k}: {v}" for k, v in sorted(options.items()))
    return dao_error(11, f"invalid option ({items})", options, options=True)


def foreign_keys_unresolved(errors: dict[str, dict[str, str]]) -> KongError:
    """errors: {fk_field: {unique_field: message}}."""
    items = [f"{f}.{sub}: {errors[f][sub]}" for f in sorted(errors) for sub in sorted(errors[f])]
    if len(items) == 1:
        msg = f"foreign key unresolved ({items[0]})"
    else:
        msg = f"{len(items)} foreign keys unresolved ({'; '.join(items)})"
    return dao_error(13, msg, errors)


def operation_unsupported(op: str, schema_name: str, by_field: str | None = None) -> KongError:
    suffix = f" by '{by_field}'" if by_field else ""
    return dao_error(12, f"cannot {op} '{schema_name}' entities{suffix} when not using a database")
