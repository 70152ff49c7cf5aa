# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ai_gateway role's inventory turned into Kong entities, in the shape of the modules' options.

``normalised(inputs)`` takes the role variables without their ``ai_gateway_`` prefix and returns
one record per model and per consumer; ``gateway_entities`` derives from them every entity the role
applies, by collection. A missing or empty optional value takes the documented default.

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import SplitResult, urlsplit

from ansible_collections.aigateway.kong.plugins.module_utils.gateway.terms import (
    PERIODS,
    POLICY_PLUGINS,
    PROVIDER_HOSTS,
)

# The role variables the model reads, without their ai_gateway_ prefix (the role's vars/main.yml __ai_gateway_inputs)
INPUTS = (
    "admin_url",
    "tag",
    "extra_tags",
    "prune",
    "models",
    "tiers",
    "consumers",
    "policies",
    "global_policies",
    "key_names",
    "bearer_auth",
    "hide_credentials",
    "rate_limit_policy",
    "redis",
    "upstream_algorithm",
    "healthchecks",
)
PLUGINS_KEY = "plugins"  # the policy entry that names Kong plugins directly
ROUTE_FIELDS = ("paths", "methods", "hosts", "protocols", "strip_path")
SLUG_UNSAFE = re.compile(r"[^A-Za-z0-9._~-]")

# Run by a pre-function plugin before key-auth: an OpenAI SDK sends `Authorization: Bearer <key>`; the
# token is copied into the first key-auth header name and Authorization is removed before the provider.
BEARER_LUA = """local auth = kong.request.get_header("authorization")
if auth then
  local token = auth:match("^%s*[Bb]earer%s+(%S+)%s*$")
  if token then
    if not kong.request.get_header("KEY_NAME") then
      kong.service.request.set_header("KEY_NAME", token)
    end
    kong.service.request.clear_header("authorization")
  end
end"""


def merge(base: Mapping[str, Any], over: Mapping[str, Any], recursive: bool = False) -> dict[str, Any]:
    """``over`` on top of ``base`` (dicts merged key by key when ``recursive``); inputs are not modified."""
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if recursive and isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value, recursive=True)
        else:
            out[key] = copy.deepcopy(value)
    return out


def unique(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


def split_url(url: str) -> tuple[SplitResult, int | None]:
    """The URL's parts and port (None when absent or not a number: the checks report the URL)."""
    parts = urlsplit(url)
    try:
        return parts, parts.port
    except ValueError:
        return parts, None


def model_record(model: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """One normalised model: everything the services, routes, upstreams and plugins derive from."""
    name = model["name"]
    upstream_name = model.get("upstream_name") or name + "-upstream"
    replicas = list(model.get("replicas") or [])
    url = model.get("upstream_url") or ""
    if url and replicas:  # the replicas' upstream takes the host's place
        parts, port = split_url(url)
        url = "%s://%s%s%s%s" % (
            parts.scheme,
            upstream_name,
            ":%d" % port if port else "",
            parts.path,
            "?" + parts.query if parts.query else "",
        )
    policies = dict(inputs["policies"])
    policies.update(model.get("policies") or {})
    plugins = dict(plugins_of(inputs["policies"]))
    plugins.update(plugins_of(model.get("policies") or {}))
    consumer_auth = model.get("consumer_auth") or "key-auth"
    methods = ["POST", "OPTIONS"] if isinstance(policies.get("cors"), Mapping) else ["POST"]
    routes = []
    for route in model.get("routes") or [{"name": name}]:
        routes.append(
            {
                "name": route.get("name"),
                "paths": route.get("paths") or model.get("paths") or ["/" + name],
                "methods": route.get("methods") or model.get("methods") or methods,
                "hosts": route.get("hosts") or model.get("hosts") or [],
                "protocols": route.get("protocols") or model.get("protocols") or ["http", "https"],
                "strip_path": route.get("strip_path", True),
                "route_type": route.get("route_type") or model.get("route_type") or "llm/v1/chat",
                "allow": sorted(unique(list(route.get("allow") or model.get("allow") or []))),
            }
        )
    bearer = model["bearer_auth"] if "bearer_auth" in model else inputs["bearer_auth"]
    return {
        "name": name,
        "provider": model.get("provider"),
        "model": model.get("model"),
        "options": dict(model.get("options") or {}),
        "auth": dict(model.get("auth") or {}),
        "config": dict(model.get("config") or {}),
        "upstream_url": url,
        "replicas": replicas,
        "upstream_name": upstream_name,
        "algorithm": model.get("algorithm") or inputs["upstream_algorithm"],
        "healthchecks": merge(inputs["healthchecks"], model.get("healthchecks") or {}, recursive=True),
        "service": dict(model.get("service") or {}),
        "consumer_auth": consumer_auth,
        "bearer_auth": bool(bearer) and consumer_auth == "key-auth",
        "policies": {key: conf for key, conf in policies.items() if isinstance(conf, Mapping) and key != PLUGINS_KEY},
        "plugins": plugins,
        "routes": routes,
    }


def consumer_record(consumer: Mapping[str, Any], tiers: Mapping[str, Any]) -> dict[str, Any]:
    """One consumer with its effective ACL groups and rate limit (its own, else its tier's)."""
    tier = consumer.get("tier") or ""
    groups = sorted(unique(list(consumer.get("groups") or []) + ([tier] if tier else [])))
    limit = consumer.get("rate_limit") or (tiers.get(tier) if tier else None) or {}
    return {
        "username": consumer["username"],
        "custom_id": consumer.get("custom_id"),
        "slug": SLUG_UNSAFE.sub("_", consumer["username"]),
        "keys": list(consumer.get("keys") or []),
        "basic_auth": dict(consumer.get("basic_auth") or {}),
        "groups": groups,
        "rate_limit": dict(limit),
    }


def service_entity(model: Mapping[str, Any]) -> dict[str, Any]:
    options = model["options"]
    if model["upstream_url"]:
        parts, port = split_url(model["upstream_url"])
        where = {
            "protocol": parts.scheme,
            "host": parts.hostname,
            "port": port or (443 if parts.scheme == "https" else 80),
        }
    elif model["provider"] == "azure":
        where = {"protocol": "https", "host": "%s.openai.azure.com" % options.get("azure_instance", ""), "port": 443}
    elif model["provider"] == "bedrock":
        region = (options.get("bedrock") or {}).get("aws_region") or "us-east-1"
        where = {"protocol": "https", "host": "bedrock-runtime.%s.amazonaws.com" % region, "port": 443}
    else:
        where = {"protocol": "https", "host": PROVIDER_HOSTS.get(model["provider"], "localhost"), "port": 443}
    return merge(model["service"], dict(where, name=model["name"]))


def plugins_of(policies: Mapping[str, Any]) -> dict[str, Any]:
    """The ``plugins`` policy entry: Kong plugin name -> config (or false), for any plugin, a custom one too."""
    plugins = policies.get(PLUGINS_KEY)
    return dict(plugins) if isinstance(plugins, Mapping) else {}


def named_plugins(policies: Mapping[str, Any]) -> dict[str, Any]:
    """Policies with the ``plugins`` entry spread out: each plugin a policy of its own, keyed by its name."""
    out = {key: conf for key, conf in policies.items() if key != PLUGINS_KEY}
    out.update(plugins_of(policies))
    return out


def policy_plugin(key: str, conf: Mapping[str, Any], prefix: str, scope: dict[str, str]) -> dict[str, Any]:
    name = POLICY_PLUGINS.get(key, key)
    return dict(
        instance_name=prefix + name,
        name=name,
        config=copy.deepcopy(dict(conf)),
        **scope,
    )


def model_plugins(model: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Authentication, policies, ai-proxy and ACL plugins of one model."""
    name = model["name"]
    out: list[dict[str, Any]] = []
    scope = {"service": name}
    if model["consumer_auth"] == "key-auth":
        if model["bearer_auth"]:
            key_name = (list(inputs["key_names"]) or ["apikey"])[0]
            lua = BEARER_LUA.replace("KEY_NAME", str(key_name))
            out.append(dict(instance_name=name + "-bearer", name="pre-function", config={"access": [lua]}, **scope))
        config = {"key_names": list(inputs["key_names"]), "hide_credentials": inputs["hide_credentials"]}
        out.append(dict(instance_name=name + "-key-auth", name="key-auth", config=config, **scope))
    elif model["consumer_auth"] == "basic-auth":
        config = {"hide_credentials": inputs["hide_credentials"]}
        out.append(dict(instance_name=name + "-basic-auth", name="basic-auth", config=config, **scope))
    for key, conf in sorted(model["policies"].items(), key=lambda pair: str(pair[0]).lower()):
        out.append(policy_plugin(key, conf, name + "-", scope))
    for key, conf in sorted(model["plugins"].items(), key=lambda pair: str(pair[0]).lower()):
        if isinstance(conf, Mapping):
            out.append(policy_plugin(key, conf, name + "-", scope))
    options = merge(model["options"], {"upstream_url": model["upstream_url"]} if model["upstream_url"] else {})
    llm: dict[str, Any] = {"provider": model["provider"]}
    if model["model"]:
        llm["name"] = model["model"]
    if options:
        llm["options"] = options
    auth = merge(model["auth"], {"allow_override": False} if model["provider"] in ("gemini", "bedrock") else {})
    for route in model["routes"]:
        config = {"route_type": route["route_type"], "model": copy.deepcopy(llm)}
        if auth:
            config["auth"] = copy.deepcopy(auth)
        config = merge(config, model["config"], recursive=True)
        out.append(
            dict(
                instance_name=route["name"] + "-ai-proxy",
                name="ai-proxy",
                route=route["name"],
                config=config,
            )
        )
        if route["allow"] and model["consumer_auth"] != "none":
            config = {"allow": list(route["allow"]), "hide_groups_header": True}
            out.append(dict(instance_name=route["name"] + "-acl", name="acl", route=route["name"], config=config))
    return out


def rate_limit_plugin(consumer: Mapping[str, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    limit = consumer["rate_limit"]
    policy = limit.get("policy") or inputs["rate_limit_policy"]
    config: dict[str, Any] = {"limit_by": "consumer", "policy": policy}
    config.update((period, limit[period]) for period in PERIODS if limit.get(period) is not None)
    if policy == "redis":
        config["redis"] = copy.deepcopy(dict(inputs["redis"]))
    return {
        "instance_name": consumer["slug"] + "-rate-limiting",
        "name": "rate-limiting",
        "consumer": consumer["username"],
        "config": config,
    }


def normalised(inputs: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The model and consumer records."""
    tiers = {t["name"]: t.get("rate_limit") or {} for t in inputs["tiers"]}
    return [model_record(m, inputs) for m in inputs["models"]], [consumer_record(c, tiers) for c in inputs["consumers"]]


def gateway_entities(
    inputs: Mapping[str, Any], models: list[dict[str, Any]], consumers: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Every entity the role manages, as kong_entities items by collection."""
    plugins = [plugin for m in models for plugin in model_plugins(m, inputs)]
    plugins += [rate_limit_plugin(c, inputs) for c in consumers if c["rate_limit"]]
    for key, conf in sorted(named_plugins(inputs["global_policies"]).items(), key=lambda pair: str(pair[0]).lower()):
        if isinstance(conf, Mapping):
            plugins.append(policy_plugin(key, conf, "ai-gateway-", {}))
    return {
        "upstreams": [
            {"name": m["upstream_name"], "algorithm": m["algorithm"], "healthchecks": m["healthchecks"]}
            for m in models
            if m["replicas"]
        ],
        "targets": [
            {"upstream": m["upstream_name"], "target": t.get("target"), "weight": t.get("weight") or 100}
            for m in models
            for t in m["replicas"]
        ],
        "services": [service_entity(m) for m in models],
        "routes": [
            {"name": r["name"], "service": m["name"]} | {key: r[key] for key in ROUTE_FIELDS}
            for m in models
            for r in m["routes"]
        ],
        "consumers": [{"username": c["username"], "custom_id": c["custom_id"]} for c in consumers],
        "key-auths": [{"consumer": c["username"], "key": key} for c in consumers for key in c["keys"]],
        "basic-auths": [
            {
                "consumer": c["username"],
                "username": c["basic_auth"]["username"],
                "password": c["basic_auth"].get("password"),
                "update_password": c["basic_auth"].get("update_password") or "always",
            }
            for c in consumers
            if "username" in c["basic_auth"]
        ],
        "acls": [{"consumer": c["username"], "group": group} for c in consumers for group in c["groups"]],
        "plugins": [dict(p, enabled=True) for p in plugins],
    }


def gateway_tags(inputs: Mapping[str, Any]) -> list[str]:
    """The tags every entity of the gateway carries: its own tag first."""
    return unique([inputs["tag"], *inputs["extra_tags"]])
