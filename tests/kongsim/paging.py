"""Page size, offset tokens and tag filters, as Kong's Admin API reads them from the query string."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from .errors import KongError, dao_error, invalid_options, unexpected
from .versions import active, since

DEFAULT_SIZE = 100
MAX_SIZE = 1000

_TAG_BYTES = r"\x20-\x2B\x2D\x2E\x30-\x7E\x80-\xF4"
_TAGS_AND = re.compile(rb"^([" + _TAG_BYTES.encode() + rb"]+(?:,|$))+$")
_TAGS_OR = re.compile(rb"^([" + _TAG_BYTES.encode() + rb"]+(?:/|$))+$")
_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$|^\s*0[xX][0-9a-fA-F]+\s*$")


def parse_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_SIZE
    if not _NUMBER.match(raw):
        raise dao_error(9, "size must be a number")
    value = float(int(raw, 16)) if raw.strip().lower().startswith("0x") else float(raw)
    if not value.is_integer() or value < 1 or value > MAX_SIZE:
        raise dao_error(9, f"size must be an integer between 1 and {MAX_SIZE}")
    return int(value)


def encode_offset(key: list[Any]) -> str:
    raw = json.dumps(key, separators=(",", ":")).encode()
    return base64.b64encode(raw).decode().rstrip("=")


def decode_offset(token: str) -> list[Any]:
    padded = token + "=" * (-len(token) % 4)
    try:
        raw = base64.b64decode(padded.encode("latin-1"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise dao_error(7, f"'{token}' is not a valid offset: bad base64 encoding") from None
    try:
        key = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise dao_error(7, f"'{token}' is not a valid offset: bad json encoding") from None
    if not isinstance(key, list) or not key:
        raise dao_error(7, f"'{token}' is not a valid offset: bad json encoding")
    return key


def offset_after_id(token: str | None) -> str | None:
    if token is None:
        return None
    key = decode_offset(token)
    return str(key[0])


def parse_tags(raw: bytes | None) -> tuple[list[str], str] | None:
    """`?tags=` as (tags, "and"|"or"); raises Kong's invalid options error."""
    if raw is None:
        return None
    if raw == b"":
        raise empty_tags()
    if _TAGS_AND.match(raw):
        cond, tags = "and", raw.split(b",")
    elif _TAGS_OR.match(raw):
        cond, tags = "or", raw.split(b"/")
    else:
        raise invalid_options({"tags": "invalid filter syntax"})
    tags = [t for t in tags if t]
    if len(tags) > 5:
        raise invalid_options({"tags": "cannot query more than 5 tags"})
    try:
        return [t.decode("utf-8") for t in tags], cond
    except UnicodeDecodeError:
        raise invalid_options({"tags": "invalid filter syntax"}) from None


def tag_matcher(spec: tuple[list[str], str] | None) -> Any:
    if spec is None:
        return None
    wanted, cond = spec
    if cond == "and" or len(wanted) == 1:
        def match_all(row: dict[str, Any]) -> bool:
            tags = row.get("tags")
            return bool(tags) and all(t in tags for t in wanted)
        return match_all

    def match_any(row: dict[str, Any]) -> bool:
        tags = row.get("tags")
        return bool(tags) and any(t in tags for t in wanted)
    return match_any


def empty_tags() -> KongError:
    """An empty `?tags=`: Kong fails with a 500 before 3.8.1, refuses it since."""
    if not since(active(), "3.8.1"):
        return unexpected()
    return invalid_options({"tags": "cannot be null"})
