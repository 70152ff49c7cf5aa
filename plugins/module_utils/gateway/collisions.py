# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entities the ai_gateway role would manage that exist in Kong without the gateway's tag.

The role refuses to take them over unless ``ai_gateway_adopt_untagged`` says so: a name that collides with an
entity someone else made is more often a mistake than a wish.

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES, PLUGIN

# the entity types whose names the check reads, and the field that names them (Kong's endpoint key)
NAMED = {c: str(ENTITIES[c].endpoint_key) for c in ("upstreams", "services", "routes", "consumers", "plugins")}
SCOPES = tuple(parent.option for parent in PLUGIN.scopes)


def tagged(entity: Mapping[str, Any], tag: str) -> bool:
    return tag in (entity.get("tags") or [])


def collisions(existing: Mapping[str, list[dict[str, Any]]], desired: Mapping[str, list[dict[str, Any]]],
               tag: str) -> list[str]:
    """The entities of ``existing`` (by collection) without ``tag`` that ``desired`` (by collection) would take
    over: the same name, or a global plugin of the same plugin."""
    global_plugins = {p["name"] for p in desired.get("plugins") or [] if not any(p.get(s) for s in SCOPES)}
    out = []
    for collection, field in NAMED.items():
        wanted = {item.get(field) for item in desired.get(collection) or [] if item.get(field)}
        for entity in existing.get(collection) or []:
            if tagged(entity, tag):
                continue
            if entity.get(field) in wanted:
                out.append("%s '%s'" % (ENTITIES[collection].name, entity[field]))
            elif (
                collection == "plugins"
                and entity.get("name") in global_plugins
                and not any(entity.get(scope) for scope in SCOPES)
            ):
                out.append("global plugin '%s'" % entity["name"])
    return out
