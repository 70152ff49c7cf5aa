"""Request bodies: JSON, form-encoded and multipart, with schema-driven typing of form values."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from .errors import KongError, message_error

NGINX_415 = (b"<html>\r\n<head><title>415 Unsupported Media Type</title></head>\r\n<body>\r\n"
             b"<center><h1>415 Unsupported Media Type</h1></center>\r\n</body>\r\n</html>\r\n")

_KEY_PART = re.compile(r"\[([^\]]*)\]|\.?([^.\[\]]+)")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def unsupported_media_type() -> KongError:
    return KongError(415, raw=NGINX_415, content_type="text/html; charset=UTF-8")


def check_content_type(content_type: str | None, body: bytes, has_length: bool,
                       accepts_yaml: bool = False) -> None:
    """Kong's before-filter for POST/PUT/PATCH."""
    if content_type is None:
        if not body:
            return
        raise unsupported_media_type()
    ok = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")
    if content_type.startswith(ok):
        return
    if accepts_yaml and content_type.startswith(("application/yaml", "text/yaml")):
        return
    raise unsupported_media_type()


def parse_body(content_type: str | None, body: bytes) -> Any:
    """The decoded arguments; form values stay strings (see `infer`)."""
    if content_type is None or (not body and not content_type.startswith("application/json")):
        return {}
    if content_type.startswith("application/json"):
        try:
            return json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise message_error(400, "Cannot parse JSON body") from None
    if content_type.startswith("application/x-www-form-urlencoded"):
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return decode_pairs(pairs)
    if content_type.startswith("multipart/form-data"):
        return decode_pairs(_multipart_pairs(content_type, body))
    return {}


def _multipart_pairs(content_type: str, body: bytes) -> list[tuple[str, str]]:
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        return []
    delim = b"--" + m.group(1).encode()
    pairs = []
    for part in body.split(delim)[1:]:
        if part.startswith(b"--"):
            break
        head, _sep, value = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        if name:
            if value.endswith(b"\r\n"):
                value = value[:-2]
            pairs.append((name.group(1).decode(), value.decode("utf-8", "replace")))
    return pairs


def decode_pairs(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Nest `a.b=v`, `a[b]=v`, `a[1]=v` and `a[]=v` keys; a repeated key becomes a list."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        parts = [m.group(1) if m.group(1) is not None else m.group(2) for m in _KEY_PART.finditer(key)]
        if not parts:
            continue
        node: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if isinstance(node, list):
                idx = len(node) if part == "" or not part.isdigit() else int(part) - 1
                while len(node) <= idx:
                    node.append(None)
                if last:
                    node[idx] = value
                else:
                    if not isinstance(node[idx], dict | list):
                        node[idx] = [] if parts[i + 1] == "" or parts[i + 1].isdigit() else {}
                    node = node[idx]
                continue
            if last:
                if part in node:
                    prev = node[part]
                    node[part] = [*prev, value] if isinstance(prev, list) else [prev, value]
                else:
                    node[part] = value
            else:
                nxt = parts[i + 1]
                want_list = nxt == "" or nxt.isdigit()
                if not isinstance(node.get(part), dict | list):
                    node[part] = [] if want_list else {}
                elif want_list and isinstance(node[part], dict) and not node[part]:
                    node[part] = []
                node = node[part]
    return out


def infer(value: Any, spec: dict[str, Any] | None) -> Any:
    """Type form-encoded strings by the schema field they land in (Kong's arguments.infer)."""
    if spec is None:
        return value
    if isinstance(value, str) and value == "":
        return None
    ftype = spec.get("type")
    if ftype in ("integer", "number") and isinstance(value, str):
        if _NUMBER.match(value):
            n = float(value)
            return int(n) if (n.is_integer() and ftype == "integer") or (n.is_integer() and "." not in value) else n
        return value
    if ftype == "boolean" and isinstance(value, str):
        return {"true": True, "false": False}.get(value, value)
    if ftype in ("array", "set"):
        items = value if isinstance(value, list) else [value]
        return [infer(v, spec.get("elements")) for v in items]
    if ftype == "map" and isinstance(value, dict):
        return {k: infer(v, spec.get("values")) for k, v in value.items()}
    if ftype in ("record", "foreign") and isinstance(value, dict):
        fields = spec.get("fields") or []
        by_name = {}
        for item in fields:
            ((name, sub),) = item.items()
            by_name[name] = sub
        if ftype == "foreign":
            return value
        return {k: infer(v, by_name.get(k)) for k, v in value.items()}
    return value


def infer_entity(args: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    by_name = {}
    for item in schema.get("fields", []):
        ((name, sub),) = item.items()
        by_name[name] = sub  # later definitions (a plugin's own fields) win
    return {k: infer(v, by_name.get(k)) for k, v in args.items()}
