"""Kong's schema-violation error tables and their message text.

Internally an error table is a dict keyed by field name (str) or, for array elements, by 1-based
position (int); "@entity" holds a list of entity-level messages. `to_fields` turns it into the JSON
shape Kong answers with (element errors become arrays with null at valid positions), and
`violation_message` renders Kong's `schema violation (...)` text, nested tables printed the way
Penlight's `pretty.write` prints them.
"""

from __future__ import annotations

import re
from typing import Any

ErrorTable = dict[Any, Any]

_LUA_KEYWORDS = frozenset(
    [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LONG_BRACKET = re.compile(r"([\[\]])(=*)\1")


class LuaError(Exception):
    """Kong's own Lua code fails on the input (the Admin API answers 500 "An unexpected error occurred")."""


class SchemaError(Exception):
    """A Kong schema violation (error code 2)."""

    def __init__(self, errors: ErrorTable | list[Any]):
        if isinstance(errors, list):
            errors = {i + 1: e for i, e in enumerate(errors)}
        self.errors: ErrorTable = errors
        self.fields: Any = to_fields(errors)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return violation_message(self.errors)


def to_fields(errors: Any) -> Any:
    """JSON form of an error table: int-keyed tables become arrays with nulls at valid positions."""
    if isinstance(errors, list):
        return [to_fields(e) for e in errors]
    if not isinstance(errors, dict):
        return errors
    if errors and all(isinstance(k, int) for k in errors):
        out: list[Any] = [None] * max(errors)
        for k, v in errors.items():
            out[k - 1] = to_fields(v)
        return out
    return {str(k): to_fields(v) for k, v in errors.items()}


def _sorted_keys(table: Any) -> list[Any]:
    keys = range(1, len(table) + 1) if isinstance(table, list) else table.keys()
    return sorted(keys, key=lambda k: (isinstance(k, str), k))


def _get(table: Any, key: Any) -> Any:
    return table[key - 1] if isinstance(table, list) else table[key]


def violation_message(errors: ErrorTable) -> str:
    """Kong's `schema violation (...)` / `N schema violations (...)` text for an error table."""
    buf: list[str] = [str(e) for e in errors.get("@entity", [])]
    for name in _sorted_keys(errors):
        if name == "@entity":
            continue
        err = errors[name]
        if isinstance(err, (dict, list)):
            for sub in _sorted_keys(err):
                value = _get(err, sub)
                if isinstance(value, (dict, list)):
                    value = pretty_write(value)
                buf.append(f"{name}.{sub}: {value}")
        else:
            buf.append(f"{name}: {err}")
    if len(buf) == 1:
        return f"schema violation ({buf[0]})"
    return f"{len(buf)} schema violations ({'; '.join(buf)})"


def lua_quote_string(s: str) -> str:
    """Penlight's stringx.quote_string: long brackets for multi-line text, else `%q` quoting."""
    equals = None
    for m in _LONG_BRACKET.finditer(s):
        equals = max(equals or 0, len(m.group(2)))
    if ("\n" in s or equals is not None) and "\r" not in s:
        eq = "=" * ((equals if equals is not None else -1) + 1)
        if s.startswith("\n"):
            s = "\n" + s
        return f"[{eq}[{s}]{eq}]"
    out = ['"']
    for i, ch in enumerate(s):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 32 or ord(ch) == 127:
            nxt_digit = i + 1 < len(s) and s[i + 1].isdigit()
            out.append(f"\\{ord(ch):03d}" if nxt_digit else f"\\{ord(ch)}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _lua_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            return str(int(value))
        return f"{value:.14g}"
    if value is None:
        return "userdata: NULL"
    text = str(value)
    return lua_quote_string(text) if " " in text else text


def _format_key(key: Any) -> str:
    if isinstance(key, int):
        return f"[{key}]"
    if _IDENTIFIER.match(key) and key not in _LUA_KEYWORDS:
        return key
    quoted = lua_quote_string(key)
    if quoted.startswith("["):
        quoted = f" {quoted} "
    return f"[{quoted}]"


def pretty_write(table: Any, space: str = "  ") -> str:
    """Penlight's pretty.write for an error table (hash keys in sorted order)."""
    lines: list[str] = []
    line = ""
    setter = "=" if space == "" else " = "

    def put(s: str) -> None:
        nonlocal line
        line += s

    def putln(s: str) -> None:
        nonlocal line
        lines.append(line + s)
        line = ""

    def eat_last_comma() -> None:
        if lines and lines[-1].endswith(","):
            lines[-1] = lines[-1][:-1]

    def writeit(t: Any, oldindent: str, indent: str) -> None:
        if isinstance(t, str):
            putln(lua_quote_string(t) + ",")
            return
        if not isinstance(t, (dict, list)):
            putln(_lua_scalar(t) + ",")
            return
        newindent = indent + space
        putln("{")
        items = dict(enumerate(t, 1)) if isinstance(t, list) else t
        seq = 0
        while (seq + 1) in items:
            seq += 1
            put(indent)
            writeit(items[seq], indent, newindent)
        for key in _sorted_keys(items):
            if isinstance(key, int) and 1 <= key <= seq:
                continue
            put(indent + _format_key(key) + setter)
            writeit(items[key], indent, newindent)
        eat_last_comma()
        putln(oldindent + "},")

    writeit(table, "", space)
    eat_last_comma()
    return ("\n" if space else "").join(lines)
