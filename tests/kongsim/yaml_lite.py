"""A small YAML reader for declarative configs: block mappings and sequences, plain/quoted scalars,
flow collections, `|`/`>` block scalars, comments. Enough for decK/Kong config files; not a full YAML."""

from __future__ import annotations

import json
import re
from typing import Any

_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")
_KEY = re.compile(r"""^((?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^#'"{\[][^#]*?)):(?:\s+|$)(.*)$""")


class YAMLError(ValueError):
    pass


def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or line[i - 1] in " :[{,-"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def scalar(text: str) -> Any:
    text = text.strip()
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    if text.startswith(("[", "{")):
        value, rest = _flow(text, 0)
        if text[rest:].strip():
            raise YAMLError(f"unexpected text after flow collection: {text[rest:]!r}")
        return value
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def _flow(text: str, i: int) -> tuple[Any, int]:
    """Parse a flow collection or scalar starting at text[i]; returns (value, next index)."""
    while text[i] == " ":
        i += 1
    if text[i] in "[{":
        closing = "]" if text[i] == "[" else "}"
        items: Any = [] if closing == "]" else {}
        i += 1
        while True:
            while text[i] in " ,":
                i += 1
            if text[i] == closing:
                return items, i + 1
            if closing == "]":
                value, i = _flow(text, i)
                items.append(value)
            else:
                key, i = _flow_token(text, i, ":")
                value, i = _flow(text, i + 1)
                items[scalar(key)] = value
    token, i = _flow_token(text, i, ",]}")
    return scalar(token), i


def _flow_token(text: str, i: int, stops: str) -> tuple[str, int]:
    start = i
    if text[i] in "'\"":
        q = text[i]
        i += 1
        while text[i] != q or (q == "'" and text[i:i + 2] == "''"):
            i += 2 if (q == "'" and text[i:i + 2] == "''") or (q == '"' and text[i] == "\\") else 1
        return text[start:i + 1], i + 1
    while i < len(text) and text[i] not in stops:
        i += 1
    return text[start:i].strip(), i


def loads(text: str) -> Any:
    lines = []
    raw_lines = text.splitlines()
    for n, raw in enumerate(raw_lines):
        if raw.strip() in ("---", "...") or not _strip_comment(raw).strip():
            lines.append((n, -1, ""))
            continue
        stripped = _strip_comment(raw)
        lines.append((n, len(stripped) - len(stripped.lstrip(" ")), stripped.strip()))
    return _Block(lines, raw_lines).node(-1)


class _Block:
    def __init__(self, lines: list[tuple[int, int, str]], raw: list[str]) -> None:
        self.lines = list(lines)
        self.raw = raw
        self.i = 0

    def _skip_blank(self) -> None:
        while self.i < len(self.lines) and self.lines[self.i][1] < 0:
            self.i += 1

    def node(self, parent_indent: int) -> Any:
        """The value whose lines are indented deeper than `parent_indent`."""
        self._skip_blank()
        if self.i >= len(self.lines):
            return None
        _line, indent, content = self.lines[self.i]
        if indent <= parent_indent:
            return None
        if content.startswith("- ") or content == "-":
            return self.sequence(indent)
        if _KEY.match(content):
            return self.mapping(indent)
        self.i += 1
        return scalar(content)

    def sequence(self, indent: int) -> list[Any]:
        items: list[Any] = []
        while True:
            self._skip_blank()
            if self.i >= len(self.lines):
                return items
            n, ind, content = self.lines[self.i]
            if ind != indent or not (content.startswith("- ") or content == "-"):
                return items
            rest = content[1:].lstrip()
            if not rest:
                self.i += 1
                items.append(self.node(indent))
                continue
            # "- key: value" starts a mapping whose keys align with the text after "- "
            inner = indent + (len(content) - len(rest))
            self.lines[self.i] = (n, inner, rest)
            items.append(self.node(indent))

    def mapping(self, indent: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while True:
            self._skip_blank()
            if self.i >= len(self.lines):
                return out
            n, ind, content = self.lines[self.i]
            if ind != indent:
                if ind > indent:
                    raise YAMLError(f"line {n + 1}: bad indentation")
                return out
            m = _KEY.match(content)
            if not m:
                raise YAMLError(f"line {n + 1}: expected 'key: value'")
            key, value = scalar(m.group(1)), m.group(2).strip()
            self.i += 1
            if value in ("|", "|-", "|+", ">", ">-", ">+"):
                out[key] = self.block_scalar(indent, value)
            elif value:
                out[key] = scalar(value)
            else:
                self._skip_blank()
                nxt = self.lines[self.i] if self.i < len(self.lines) else None
                # a sequence may sit at the same indentation as its key
                if nxt and nxt[1] == indent and nxt[2].startswith("-"):
                    out[key] = self.sequence(indent)
                else:
                    out[key] = self.node(indent)

    def block_scalar(self, indent: int, style: str) -> str:
        body: list[str] = []
        block_indent = None
        while self.i < len(self.lines):
            n = self.lines[self.i][0]
            raw = self.raw[n]
            if raw.strip() == "":
                body.append("")
                self.i += 1
                continue
            cur = len(raw) - len(raw.lstrip(" "))
            if cur <= indent:
                break
            block_indent = cur if block_indent is None else block_indent
            body.append(raw[block_indent:])
            self.i += 1
        while body and body[-1] == "":
            body.pop()
        text = "\n".join(body) if style.startswith("|") else " ".join(body)
        return text if style.endswith("-") else text + "\n"
