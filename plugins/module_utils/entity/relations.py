# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How Kong's entities refer to each other, from the specs: the order to write them in, and what holds what.

An entity refers to another through its parent (a credential's consumer, a target's upstream), an optional scope
(a route's service, a plugin's service, route or consumer) or a reference field (a service's client certificate and
CA certificates, a key's set). Writes go parents first; deletions children first.

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES


@dataclass(frozen=True)
class Relation:
    """``child`` entities name a ``parent`` entity in their field ``option``."""

    child: str  # collection
    parent: str  # collection
    option: str  # a reference ({"id": ...}) or a list of ids
    nested: str | None  # the path segment Kong lists the children under (/parents/{id}/nested), if any
    cascade: bool  # Kong deletes the children with the parent (otherwise it refuses, or leaves them dangling)


def _relations() -> tuple[Relation, ...]:
    found: dict[tuple[str, str, str], Relation] = {}
    for collection, spec in ENTITIES.items():
        for parent in spec.parents:
            found[(collection, parent.collection, parent.option)] = Relation(
                collection, parent.collection, parent.option, parent.nested, parent.cascade
            )
        for name, field in spec.fields.items():  # a reference, or a list of ids (a service's CA certificates)
            if field.ref and (collection, field.ref, name) not in found:
                found[(collection, field.ref, name)] = Relation(collection, field.ref, name, None, field.cascade)
    return tuple(found.values())


RELATIONS = _relations()


def holding(parent: str) -> tuple[Relation, ...]:
    """The relations through which entities of other collections name an entity of ``parent``."""
    return tuple(r for r in RELATIONS if r.parent == parent and r.child != parent)


def dependencies(collection: str) -> set[str]:
    """The collections an entity of ``collection`` refers to."""
    return {r.parent for r in RELATIONS if r.child == collection and r.parent != collection}


def dependency_order(collections: Iterable[str]) -> list[str]:
    """``collections`` with each after those it refers to, otherwise in the order of the specs."""
    rank = {collection: index for index, collection in enumerate(ENTITIES)}
    pending = sorted(set(collections), key=lambda c: rank[c])
    ordered: list[str] = []
    while pending:
        ready = next((c for c in pending if not dependencies(c) & set(pending)), pending[0])
        ordered.append(ready)
        pending.remove(ready)
    return ordered


def named_ids(relation: Relation, child: dict[str, Any]) -> list[str]:
    """The ids of the entities ``child`` names through ``relation``."""
    value = child.get(relation.option)
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return [value["id"]] if isinstance(value, dict) and isinstance(value.get("id"), str) else []
