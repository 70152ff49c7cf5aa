# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the ai_gateway role: inventory to Kong entities, and what Kong holds to a pruning plan.

The logic lives in plugins/plugin_utils/ai_gateway_*.py (plain Python, unit-tested); a gateway of a
thousand consumers is computed in milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.checks import gateway_errors
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.model import (
    INPUTS,
    gateway_entities,
    normalised,
)
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.prune import (
    CREDENTIALS,
    IDENTITY,
    PrunePlan,
    PruneRefused,
    by_item,
    collisions,
    identities,
    is_identities,
    listings,
    tagged,
)


def plain(value: Any) -> Any:
    """``value`` as builtin containers and scalars: read once, so later lookups cost nothing."""
    if isinstance(value, Mapping):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _require(value: Any, keys: tuple[str, ...], filter_name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise AnsibleFilterError("%s expects a dict, got %s" % (filter_name, type(value).__name__))
    missing = [key for key in keys if key not in value]
    if missing:
        raise AnsibleFilterError("%s: missing %s" % (filter_name, ", ".join(missing)))
    return value


def ai_gateway_entities(inputs: Mapping[str, Any]) -> dict[str, Any]:
    inputs = plain(_require(inputs, INPUTS, "ai_gateway_entities"))
    models, consumers = normalised(inputs)
    entities = gateway_entities(inputs, models, consumers)
    entities["errors"] = gateway_errors(inputs, models, consumers)
    entities["identities"] = identities(entities)
    return entities


def ai_gateway_collisions(existing: Any, desired: Mapping[str, Any], tag: str) -> list[str]:
    return collisions(by_item(existing), desired if is_identities(desired) else identities(desired), tag)


def ai_gateway_prune_plan(state: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("tag", "desired", "existing", "credentials", "targets", "applied")
    state = _require(state, keys, "ai_gateway_prune_plan")
    desired = state["desired"]
    try:
        existing = listings(state["existing"], "the entities read before applying", IDENTITY)
        tagged_upstreams = [u.get("name") for u in existing["upstreams"] if tagged(u, state["tag"])]
        return PrunePlan(
            state["tag"],
            desired,
            existing,
            listings(state["credentials"], "the credentials listing", (c for c, _v, _f in CREDENTIALS)),
            listings(state["targets"], "the targets listing", tagged_upstreams),
            state["applied"] if isinstance(state["applied"], Mapping) else {},
        ).plan()
    except PruneRefused as exc:
        raise AnsibleFilterError("ai_gateway_prune_plan: refusing to plan deletions: %s" % exc) from None


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {
            "ai_gateway_entities": ai_gateway_entities,
            "ai_gateway_collisions": ai_gateway_collisions,
            "ai_gateway_prune_plan": ai_gateway_prune_plan,
        }
