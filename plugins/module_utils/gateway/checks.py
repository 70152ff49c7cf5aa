# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cross-field rules of the ai_gateway role that its argument spec cannot express.

Every problem is reported at once, each message naming the variable, model or consumer at fault,
before any request reaches Kong.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.gateway.model import (
    PERIODS,
    PLUGINS_KEY,
    POLICY_PLUGINS,
)

# Printable ASCII without ',' and '/' (Kong's tag rule).
TAG_RE = re.compile(r"^[ -+\-.0-~]+$")
NAME_RE = re.compile(r"^[A-Za-z0-9._~-]+$")
LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
HOSTNAME_RE = re.compile(r"^%s(\.%s)*$" % (LABEL, LABEL))
DEFAULT_TAG = "aigateway-managed"
# model.options Kong requires per provider (ai-proxy entity checks)
REQUIRED_OPTIONS = {
    "llama2": ("llama2_format",),
    "mistral": ("mistral_format",),
    "anthropic": ("anthropic_version",),
    "azure": ("azure_instance", "azure_deployment_id"),
}
POLICIES = tuple(sorted(POLICY_PLUGINS))
UPDATE_PASSWORD = ("always", "on_create")
PLUGIN_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def plugins_errors(policies: Mapping[str, Any], label: str = "") -> list[str]:
    """The ``plugins`` policy entry: Kong plugin names, each to a config (a dict) or false."""
    plugins = policies.get(PLUGINS_KEY)
    if plugins is None:
        return []
    if not isinstance(plugins, Mapping):
        return [label + "policy 'plugins' must map Kong plugin names to configs"]
    errors = []
    for name, conf in plugins.items():
        if not isinstance(name, str) or not PLUGIN_NAME_RE.match(name):
            errors.append(label + "policy 'plugins': '%s' is not a Kong plugin name" % name)
        elif not isinstance(conf, Mapping) and conf not in (False, None):
            errors.append(label + "policy 'plugins': '%s' must be a plugin config (a dict) or false" % name)
    return errors


def repeated(names: list[Any]) -> list[Any]:
    """Names listed more than once, in order of first appearance."""
    return [name for name, count in Counter(names).items() if count > 1]


def has_period(limit: Mapping[str, Any]) -> bool:
    return any(limit.get(period) is not None for period in PERIODS)


def unknown_policy(key: str) -> str:
    return "unknown policy '%s' (known: %s)" % (key, ", ".join(POLICIES))


def connection_errors(inputs: Mapping[str, Any]) -> list[str]:
    errors = []
    tag = str(inputs["tag"])
    if not TAG_RE.match(tag):
        errors.append("ai_gateway_tag '%s' must be printable ASCII without ',' or '/'" % tag)
    if not re.match(r"^https?://[^/:?#]+", str(inputs["admin_url"])):
        errors.append("ai_gateway_admin_url '%s' must be an http:// or https:// URL" % inputs["admin_url"])
    if inputs["prune"] and tag == DEFAULT_TAG:
        errors.append(
            "ai_gateway_prune needs a ai_gateway_tag unique to this gateway: every inventory that keeps"
            " the default '%s' would prune the others' entities on a shared Kong" % DEFAULT_TAG
        )
    for extra in inputs["extra_tags"]:
        if not TAG_RE.match(str(extra)):
            errors.append("ai_gateway_extra_tags: '%s' must be printable ASCII without ',' or '/'" % extra)
    if not inputs["key_names"]:
        errors.append("ai_gateway_key_names needs at least one header name")
    return errors


def model_errors(model: Mapping[str, Any], groups: set[str]) -> list[str]:
    """Problems of one normalised model; ``groups`` are the tier names and consumer groups."""
    label = "model '%s': " % model["name"]
    errors = []
    if not NAME_RE.match(str(model["name"])):
        errors.append(label + "name may only contain letters, digits and . _ ~ -")
    for route in model["routes"]:
        if not NAME_RE.match(str(route["name"])):
            errors.append(label + "route name '%s' may only contain letters, digits and . _ ~ -" % route["name"])
        for group in route["allow"]:
            if group not in groups:
                errors.append(label + "allow names '%s', which is neither a tier nor a group of any consumer" % group)
        if route["allow"] and model["consumer_auth"] == "none":
            errors.append(label + "an allow list needs consumer_auth key-auth or basic-auth")
        for path in route["paths"]:
            if not re.match(r"^~?/", str(path)):
                errors.append(label + "path '%s' must start with / (or ~/ for a regex)" % path)
    if model["replicas"]:
        if not model["upstream_url"]:
            errors.append(label + "replicas need upstream_url (scheme, port and path of the replicas' API)")
        name = str(model["upstream_name"])
        if not HOSTNAME_RE.match(name) or re.match(r"^[0-9.]+$", name):
            errors.append(label + "upstream name '%s' must be a hostname (not an IP address)" % name)
        if repeated([replica.get("target") for replica in model["replicas"]]):
            errors.append(label + "a replica target is listed more than once")
    if model["upstream_url"] and not re.match(r"^https?://[^/]+", model["upstream_url"]):
        errors.append(label + "upstream_url must be an http:// or https:// URL")
    if model["provider"] == "llama2" and not model["upstream_url"]:
        errors.append(label + "provider llama2 is self-hosted and needs upstream_url")
    for option in REQUIRED_OPTIONS.get(model["provider"], ()):
        if not model["options"].get(option):
            errors.append(label + "provider %s needs options.%s" % (model["provider"], option))
    if model["provider"] in ("gemini", "bedrock") and model["auth"].get("allow_override"):
        errors.append(label + "provider %s only supports auth.allow_override false" % model["provider"])
    for key in model["policies"]:
        if key not in POLICIES:
            errors.append(label + unknown_policy(key))
    errors += plugins_errors({PLUGINS_KEY: model["plugins"]}, label)
    return errors


def consumer_errors(inputs: Mapping[str, Any], consumers: list[dict[str, Any]], tier_names: list[str]) -> list[str]:
    errors = []
    usernames = [c["username"] for c in consumers]
    for name in repeated(usernames):
        errors.append("ai_gateway_consumers: username '%s' is used more than once" % name)
    if len(set(c["slug"] for c in consumers)) != len(consumers) and not repeated(usernames):
        errors.append(
            "ai_gateway_consumers: two usernames differ only in characters outside letters, digits and . _ ~ -"
        )
    owners: dict[Any, str] = {}
    for consumer in consumers:
        for key in consumer["keys"]:
            if key in owners:
                errors.append(
                    "consumer '%s': a key-auth key is already used by consumer '%s'"
                    % (consumer["username"], owners[key])
                )
            else:
                owners[key] = consumer["username"]
    basic_names = [c["basic_auth"]["username"] for c in consumers if "username" in c["basic_auth"]]
    for name in repeated(basic_names):
        errors.append("basic_auth username '%s' is used by more than one consumer" % name)
    for given in inputs["consumers"]:
        name = given["username"]
        tier = given.get("tier") or ""
        if tier and tier not in tier_names:
            errors.append(
                "consumer '%s': unknown tier '%s' (tiers: %s)" % (name, tier, ", ".join(dict.fromkeys(tier_names)))
            )
        basic = given.get("basic_auth") or {}
        if basic and not (basic.get("username") and basic.get("password")):
            errors.append("consumer '%s': basic_auth needs username and password" % name)
        if basic.get("update_password") not in (None, "", *UPDATE_PASSWORD):
            errors.append(
                "consumer '%s': basic_auth.update_password must be one of %s" % (name, ", ".join(UPDATE_PASSWORD))
            )
    for given in inputs["consumers"]:
        if given.get("rate_limit") and not has_period(given["rate_limit"]):
            errors.append(
                "consumer '%s': rate_limit needs at least one of %s" % (given["username"], ", ".join(PERIODS))
            )
    for consumer in consumers:
        limit = consumer["rate_limit"]
        redis = inputs["redis"] or {}
        if limit and (limit.get("policy") or inputs["rate_limit_policy"]) == "redis" and not redis.get("host"):
            errors.append(
                "consumer '%s': rate limit policy redis needs ai_gateway_redis.host" % consumer["username"]
            )
    return errors


def gateway_errors(
    inputs: Mapping[str, Any], models: list[dict[str, Any]], consumers: list[dict[str, Any]]
) -> list[str]:
    """Every problem of the gateway description (empty when it can be applied)."""
    errors = connection_errors(inputs)
    for name in repeated([m["name"] for m in inputs["models"]]):
        errors.append("ai_gateway_models: model name '%s' is used more than once" % name)
    tier_names = [t["name"] for t in inputs["tiers"]]
    for name in repeated(tier_names):
        errors.append("ai_gateway_tiers: tier name '%s' is used more than once" % name)
    for tier in inputs["tiers"]:
        if tier.get("rate_limit") and not has_period(tier["rate_limit"]):
            errors.append("tier '%s': rate_limit needs at least one of %s" % (tier["name"], ", ".join(PERIODS)))
    groups = set(tier_names) | {g for c in inputs["consumers"] for g in c.get("groups") or []}
    for model in models:
        errors.extend(model_errors(model, groups))
    for name in repeated([r["name"] for m in models for r in m["routes"]]):
        errors.append("route name '%s' is used by more than one model route" % name)
    for name in repeated([m["upstream_name"] for m in models if m["replicas"]]):
        errors.append("upstream name '%s' is used by more than one model" % name)
    for policies in (inputs["policies"], inputs["global_policies"]):
        errors += plugins_errors(policies)
        for key, conf in policies.items():
            if key == PLUGINS_KEY:
                continue
            if key not in POLICIES:
                errors.append(unknown_policy(key))
            elif not isinstance(conf, Mapping) and conf not in (False, None):
                errors.append("policy '%s' must be a plugin config (a dict) or false" % key)
    return errors + consumer_errors(inputs, consumers, tier_names)
