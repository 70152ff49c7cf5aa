"""Lua string patterns (as used by Kong's `match*` validators) translated to Python regexes.

Lua patterns work on bytes, so the regexes are bytes regexes and values are matched UTF-8 encoded.
"""

from __future__ import annotations

import functools
import re

_CLASSES: dict[str, bytes] = {
    "a": rb"A-Za-z",
    "d": rb"0-9",
    "l": rb"a-z",
    "u": rb"A-Z",
    "s": rb" \t\n\r\f\v",
    "w": rb"A-Za-z0-9",
    "x": rb"0-9A-Fa-f",
    "p": rb"!-/:-@\[-`{-~",
    "c": rb"\x00-\x1f\x7f",
    "g": rb"!-~",
    "z": rb"\x00",
}


class LuaPatternError(ValueError):
    pass


def _class_body(letter: str) -> tuple[bytes, bool]:
    """(set body, negated) for a `%x` class letter."""
    body = _CLASSES.get(letter.lower())
    if body is None:
        raise LuaPatternError(f"unsupported class %{letter}")
    return body, letter.isupper()


def _escape_byte(ch: int) -> bytes:
    return re.escape(bytes([ch]))


def _translate(pattern: bytes) -> bytes:
    out: list[bytes] = []
    i, n = 0, len(pattern)
    if pattern.startswith(b"^"):
        out.append(rb"\A")
        i = 1
    while i < n:
        ch = pattern[i]
        if ch == ord("$") and i == n - 1:
            out.append(rb"\Z")
            i += 1
            continue
        if ch == ord("%"):
            if i + 1 >= n:
                raise LuaPatternError("malformed pattern (ends with '%')")
            nxt = chr(pattern[i + 1])
            if nxt in "bf" or nxt.isdigit():
                raise LuaPatternError(f"unsupported pattern item %{nxt}")
            if nxt.isalpha():
                body, neg = _class_body(nxt)
                atom = b"[" + (b"^" if neg else b"") + body + b"]"
            else:
                atom = _escape_byte(pattern[i + 1])
            i += 2
        elif ch == ord("["):
            atom, i = _translate_set(pattern, i)
        elif ch == ord("."):
            atom = b"."
            i += 1
        elif ch in b"()":
            atom = bytes([ch])
            i += 1
            out.append(atom)
            continue
        else:
            atom = _escape_byte(ch)
            i += 1
        if i < n and pattern[i] in b"*+?-":
            q = pattern[i]
            atom += b"*?" if q == ord("-") else bytes([q])
            i += 1
        out.append(atom)
    return b"".join(out)


def _translate_set(pattern: bytes, i: int) -> tuple[bytes, int]:
    """Translate a `[...]` set starting at pattern[i] == '['."""
    n = len(pattern)
    i += 1
    parts: list[bytes] = []
    negated = False
    if i < n and pattern[i] == ord("^"):
        negated = True
        i += 1
    first = True
    while i < n and (pattern[i] != ord("]") or first):
        first = False
        ch = pattern[i]
        if ch == ord("%") and i + 1 < n:
            nxt = chr(pattern[i + 1])
            if nxt.isalpha():
                body, neg = _class_body(nxt)
                if neg:
                    raise LuaPatternError("negated class inside a set is not supported")
                parts.append(body)
            else:
                parts.append(_escape_byte(pattern[i + 1]))
            i += 2
        elif i + 2 < n and pattern[i + 1] == ord("-") and pattern[i + 2] != ord("]"):
            parts.append(_escape_byte(ch) + b"-" + _escape_byte(pattern[i + 2]))
            i += 3
        else:
            parts.append(_escape_byte(ch))
            i += 1
    if i >= n:
        raise LuaPatternError("malformed pattern (missing ']')")
    return b"[" + (b"^" if negated else b"") + b"".join(parts) + b"]", i + 1


@functools.cache
def compile_lua(pattern: str) -> re.Pattern[bytes]:
    return re.compile(_translate(pattern.encode("utf-8")), re.DOTALL)


def lua_find(value: str, pattern: str) -> bool:
    """True when `pattern` matches somewhere in `value` (Lua's string.match semantics)."""
    return compile_lua(pattern).search(value.encode("utf-8")) is not None
