# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The secret paths of a Kong schema (what ``GET /schemas/plugins/{name}`` or ``/schemas/vaults/{name}`` answers).

A field is secret when the schema marks it ``encrypted`` or ``referenceable``, at any depth: records, arrays,
sets and maps of records (``[]`` stands for every element or value), and deprecated shorthand fields that are
marked or that mirror a secret field. Pure data in, paths out: the live masking and the generated fallback list
(``hacking/generate_plugin_secrets.py``) both derive their paths here.
"""

from __future__ import annotations

from typing import Any


def is_secret(attrs: Any) -> bool:
    return isinstance(attrs, dict) and bool(attrs.get("encrypted") or attrs.get("referenceable"))


def schema_secret_paths(schema: Any) -> tuple[str, ...]:
    """Every dotted path in ``schema`` (a ``{"fields": [...]}`` document) that holds a secret, sorted."""
    out: list[str] = []
    if isinstance(schema, dict):
        _walk(schema.get("fields") or [], [], out)
    return tuple(sorted(set(out)))


def _entries(fields: Any) -> list[tuple[str, dict[str, Any]]]:
    entries = []
    for entry in fields if isinstance(fields, list) else ():
        if isinstance(entry, dict) and len(entry) == 1:
            ((name, attrs),) = entry.items()
            if isinstance(attrs, dict):
                entries.append((str(name), attrs))
    return entries


def _walk(fields: Any, prefix: list[str], out: list[str]) -> None:
    for name, attrs in _entries(fields):
        path = [*prefix, name]
        if is_secret(attrs):
            out.append(".".join(path))
        kind = attrs.get("type")
        if kind == "record":
            _walk(attrs.get("fields") or [], path, out)
            _shorthands(attrs.get("shorthand_fields") or [], path, out)
        elif kind in ("array", "set", "map"):
            inner = attrs.get("elements") or attrs.get("values") or {}
            if is_secret(inner):
                out.append(".".join([*path, "[]"]))
            if isinstance(inner, dict) and inner.get("type") == "record":
                _walk(inner.get("fields") or [], [*path, "[]"], out)


def _shorthands(fields: Any, prefix: list[str], out: list[str]) -> None:
    secret = set(out)
    for name, attrs in _entries(fields):
        replaced = [
            ".".join(prefix + list(r.get("path") or []))
            for r in (attrs.get("deprecation") or {}).get("replaced_with") or []
            if isinstance(r, dict)
        ]
        if is_secret(attrs) or any(r in secret for r in replaced):
            out.append(".".join([*prefix, name]))
