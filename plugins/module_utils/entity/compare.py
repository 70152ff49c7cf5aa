# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Comparison, merging and masking rules shared by every entity.

Only what the user gave is compared: records (plugin ``config``, upstream ``healthchecks``) as a recursive
subset of what Kong holds, sets order-insensitively, lists in order, foreign keys by id.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Iterable

MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"

SCALAR = "scalar"
SET = "set"
LIST = "list"
RECORD = "record"
MAP = "map"
REF = "ref"


def clone(value: Any) -> Any:
    """A copy of JSON-like data (dicts and lists are copied, anything else is shared); faster than deepcopy."""
    if isinstance(value, dict):
        return {k: clone(v) if isinstance(v, (dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def dedupe(values: Iterable[Any]) -> list[Any]:
    """Remove duplicates keeping the first occurrence, as Kong does for sets."""
    seen: set[str] = set()
    result = []
    for value in values:
        key = _canonical(value)
        if key not in seen:
            seen.add(key)
            result.append(value)
    return result


def is_subset(desired: Any, existing: Any) -> bool:
    """True when every value given in ``desired`` is present, equal, in ``existing``.

    Dicts are compared key by key (keys absent from ``desired`` are ignored); lists must have the same
    length and each element must match (recursively, so defaults Kong filled in list elements are ignored).
    """
    if isinstance(desired, dict):
        if not isinstance(existing, dict):
            return False
        return all(is_subset(value, existing.get(key)) for key, value in desired.items())
    if isinstance(desired, list):
        if not isinstance(existing, list) or len(desired) != len(existing):
            return False
        return all(is_subset(d, e) for d, e in zip(desired, existing))  # noqa: B905 - modules run on Python 3.8+
    if isinstance(desired, bool) or isinstance(existing, bool):
        return desired is existing
    return desired == existing


def _element_key(value: Any) -> str:
    # records inside sets (route sources/destinations): Kong returns unset record fields as null
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if v is not None}
    return _canonical(value)


def same_set(desired: Any, existing: Any) -> bool:
    """Order-insensitive, duplicate-insensitive equality; null and [] are the same empty set."""
    return sorted(set(_element_key(v) for v in desired or [])) == sorted(set(_element_key(v) for v in existing or []))


def ref_id(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def differs(kind: str, desired: Any, existing: Any) -> bool:
    """Whether the user's value for one field differs from Kong's, under that field's rule."""
    if kind == SET:
        return not same_set(desired, existing)
    if kind == RECORD:
        return not is_subset(desired, existing)
    if kind == REF:
        return ref_id(desired) != ref_id(existing)
    if kind == LIST and desired == [] and existing is None:
        return False
    if kind == MAP:
        return _canonical(desired) != _canonical(existing)
    if isinstance(desired, bool) or isinstance(existing, bool):
        return desired is not existing
    return desired != existing


def deep_merge(base: Any, patch: Any) -> Any:
    """What Kong stores after a PATCH: records merge recursively, everything else is replaced."""
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = copy.deepcopy(base)
    for key, value in patch.items():
        merged[key] = (
            deep_merge(merged.get(key), value)
            if isinstance(value, dict) and isinstance(merged.get(key), dict)
            else copy.deepcopy(value)
        )
    return merged


def is_vault_reference(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{vault://") and value.endswith("}")


def mask_paths(entity: Any, paths: Iterable[str]) -> Any:
    """Return a copy of ``entity`` with the values at the dotted ``paths`` replaced by MASK.

    A ``[]`` segment walks every element of a list (or every value of a map). Null values and Kong vault
    references (``{vault://...}``) are left visible: they are not secrets.
    """
    if not isinstance(entity, dict):
        return entity
    masked = clone(entity)
    for path in paths:
        _mask(masked, path.split("."))
    return masked


def _mask(node: Any, parts: list[str]) -> None:
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    if head == "[]":
        children = list(range(len(node))) if isinstance(node, list) else list(node) if isinstance(node, dict) else []
        for child in children:
            _mask_at(node, child, rest)
        return
    if isinstance(node, dict) and head in node:
        _mask_at(node, head, rest)


def _mask_at(container: Any, key: Any, rest: list[str]) -> None:
    value = container[key]
    if rest:
        _mask(value, rest)
        return
    if isinstance(value, list):
        container[key] = [v if v is None or is_vault_reference(v) else MASK for v in value]
    elif isinstance(value, dict):
        container[key] = {k: v if v is None or is_vault_reference(v) else MASK for k, v in value.items()}
    elif value is not None and not is_vault_reference(value):
        container[key] = MASK


def values_at(entity: Any, paths: Iterable[str]) -> list[str]:
    """The plain-text values found at ``paths`` (used to register them as no_log values)."""
    found: list[str] = []
    for path in paths:
        _collect(entity, path.split("."), found)
    return [v for v in found if v and not is_vault_reference(v)]


def _collect(node: Any, parts: list[str], found: list[str]) -> None:
    if node is None:
        return
    if not parts:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list):
            found.extend(v for v in node if isinstance(v, str))
        elif isinstance(node, dict):
            found.extend(v for v in node.values() if isinstance(v, str))
        return
    head, rest = parts[0], parts[1:]
    if head == "[]":
        children = node if isinstance(node, list) else list(node.values()) if isinstance(node, dict) else []
        for child in children:
            _collect(child, rest, found)
    elif isinstance(node, dict):
        _collect(node.get(head), rest, found)
