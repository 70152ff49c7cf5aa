# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: the ai_gateway role's variables for the AI gateway a Kong holds.

The reverse of the role's naming (roles/ai_gateway, plugins/module_utils/gateway/model.py): a service
with routes carrying ai-proxy plugins is a model; its upstream's targets are replicas; plugins scoped
to the service are its authentication and policies; an acl plugin on a route is its ``allow``;
consumers with their keys, basic-auth, ACL groups and rate limits become consumers and tiers.
Every entity the variables do not describe is listed, never dropped silently.
Internal: may change without notice.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import ref_id
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES
from ansible_collections.aigateway.kong.plugins.module_utils.export.entities import (
    ItemBuilder,
    drop_nulls,
    identity_value,
)
from ansible_collections.aigateway.kong.plugins.module_utils.export.gateway_fields import UndescribedFields
from ansible_collections.aigateway.kong.plugins.module_utils.export.secrets import (
    SecretStore,
    replace_secrets,
    secret_paths,
    secret_value,
    variable_name,
)
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.terms import PERIODS, POLICY_PLUGINS

POLICY_KEYS = {plugin: key for key, plugin in POLICY_PLUGINS.items()}
SERVICE_SETTINGS = ("retries", "connect_timeout", "read_timeout", "write_timeout")
ROUTE_SETTINGS = ("paths", "methods", "hosts", "protocols")


def _scope(plugin: dict[str, Any]) -> tuple[Any, Any, Any]:
    return ref_id(plugin.get("service")), ref_id(plugin.get("route")), ref_id(plugin.get("consumer"))


def plugin_label(plugin: dict[str, Any], name: Callable[[str, Any], Any]) -> str:
    """``plugin 'x'`` by its instance name, else by its name and scope (``name(collection, id)`` names those)."""
    if plugin.get("instance_name"):
        return "plugin '%s'" % plugin["instance_name"]
    scope = [(kind, ref_id(plugin.get(kind))) for kind in ("service", "route", "consumer")]
    owners = " and ".join("%s '%s'" % (kind, name(kind + "s", found)) for kind, found in scope if found)
    return "plugin '%s' %s" % (plugin.get("name"), "of " + owners if owners else "(global)")


class GatewayReader:
    """Builds the role's variables from Kong's listings, recording which entities they describe."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]], store: SecretStore) -> None:
        self.rows = {c: rows.get(c) or [] for c in ENTITIES}
        self.store = store
        self.by_id = {(c, r["id"]): r for c, listed in self.rows.items() for r in listed}
        self.described: set[str] = set()
        self.notes: list[str] = []

    def name(self, collection: str, entity_id: Any) -> Any:
        row = self.by_id.get((collection, entity_id))
        return (row or {}).get("name") or (row or {}).get("username") or entity_id

    def secret(self, plugin: dict[str, Any], path_prefix: str) -> dict[str, Any]:
        """The plugin's config under ``path_prefix`` with its secrets as the playbook's variables."""
        item = {"instance_name": plugin.get("instance_name"), "route": self.name("routes", ref_id(plugin.get("route"))),
                "service": self.name("services", ref_id(plugin.get("service"))), "config": copy.deepcopy(
                    plugin.get("config") or {})}
        if not plugin.get("route"):
            item.pop("route")
        hint = ItemBuilder.secret_hint(ENTITIES["plugins"], plugin, item)
        replace_secrets(item, secret_paths(ENTITIES["plugins"], plugin), self.store, *hint)
        config: Any = item
        for part in path_prefix.split("."):
            config = (config or {}).get(part)
        return drop_nulls(config or {})

    # -- models ------------------------------------------------------------------------------

    def models(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        plugins = self.rows["plugins"]
        proxies = [p for p in plugins if p.get("name") == "ai-proxy" and ref_id(p.get("route"))]
        services: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
        for proxy in proxies:
            route = self.by_id.get(("routes", ref_id(proxy["route"])))
            if route is None or not ref_id(route.get("service")):
                continue
            services.setdefault(ref_id(route["service"]), []).append((route, proxy))
        models: list[dict[str, Any]] = []
        shared: dict[str, Any] = {}
        for service_id, pairs in services.items():
            service = self.by_id.get(("services", service_id))
            if service is None or not service.get("name"):
                continue
            models.append(self.model(service, sorted(pairs, key=lambda pair: str(pair[0].get("name"))), shared))
        return sorted(models, key=lambda m: m["name"]), shared

    def model(self, service: dict[str, Any], pairs: list[tuple[dict[str, Any], dict[str, Any]]],
              shared: dict[str, Any]) -> dict[str, Any]:
        name = service["name"]
        self.described.add(service["id"])
        first = pairs[0][1]
        llm = (first.get("config") or {}).get("model") or {}
        model: dict[str, Any] = {"name": name, "provider": llm.get("provider")}
        if llm.get("name"):
            model["model"] = llm["name"]
        options = drop_nulls(llm.get("options") or {})
        upstream_url = options.pop("upstream_url", None)
        if options:
            model["options"] = options
        auth = self.secret(first, "config.auth")
        if llm.get("provider") in ("gemini", "bedrock") and auth.get("allow_override") is False:
            auth.pop("allow_override")
        if auth:
            model["auth"] = auth
        config = drop_nulls(first.get("config") or {})
        rest = {k: v for k, v in config.items() if k not in ("route_type", "model", "auth")}
        if rest:
            model["config"] = rest
        if upstream_url:
            model["upstream_url"] = upstream_url
        self.replicas(model, service, upstream_url)
        settings = {k: service[k] for k in SERVICE_SETTINGS if service.get(k) is not None}
        if settings:
            model["service"] = settings
        routes = []
        for route, proxy in pairs:
            self.described.update((route["id"], proxy["id"]))
            for field, default in (("paths", "/" + name), ("methods", "POST")):
                if not route.get(field):
                    self.notes.append("model '%s': route '%s' has no %s, the role sets them (default %s)"
                                      % (name, route.get("name"), field, default))
            entry = {"name": route.get("name")}
            entry.update({k: route[k] for k in ROUTE_SETTINGS if route.get(k)})
            entry["strip_path"] = route.get("strip_path", True)
            entry["route_type"] = (proxy.get("config") or {}).get("route_type")
            acl = self.scoped("acl", route=route["id"])
            if acl is not None:
                self.described.add(acl["id"])
                entry["allow"] = sorted((acl.get("config") or {}).get("allow") or [])
            if (proxy.get("config") or {}).get("model") != llm or self.secret(proxy, "config.auth") != self.secret(
                    first, "config.auth"):
                self.notes.append("model '%s': route '%s' has another ai-proxy model or auth than the first route; "
                                  "the role gives every route of a model the same" % (name, route.get("name")))
            routes.append(entry)
        if len(routes) == 1 and routes[0]["name"] == name:
            only = routes[0]
            model.update({k: only[k] for k in (*ROUTE_SETTINGS, "route_type", "allow") if k in only})
            if only["strip_path"] is not True:
                model["routes"] = [{"name": name, "strip_path": only["strip_path"]}]
        else:
            model["routes"] = routes
        self.authentication(model, service, shared)
        policies = {}
        for plugin in self.rows["plugins"]:
            if _scope(plugin) == (service["id"], None, None) and plugin.get("name") in POLICY_KEYS:
                self.described.add(plugin["id"])
                policies[POLICY_KEYS[plugin["name"]]] = self.secret(plugin, "config")
        if policies:
            model["policies"] = policies
        return model

    def scoped(self, plugin_name: str, service: Any = None, route: Any = None, consumer: Any = None) -> Any:
        return next((p for p in self.rows["plugins"]
                     if p.get("name") == plugin_name and _scope(p) == (service, route, consumer)), None)

    def replicas(self, model: dict[str, Any], service: dict[str, Any], upstream_url: Any) -> None:
        upstream = next((u for u in self.rows["upstreams"] if u.get("name") == service.get("host")), None)
        if upstream is None:
            return
        self.described.add(upstream["id"])
        targets = [t for t in self.rows["targets"] if ref_id(t.get("upstream")) == upstream["id"]]
        self.described.update(t["id"] for t in targets)
        model["replicas"] = [{"target": t["target"], "weight": t.get("weight", 100)}
                             for t in sorted(targets, key=lambda t: t["target"])]
        if upstream["name"] != model["name"] + "-upstream":
            model["upstream_name"] = upstream["name"]
        model["algorithm"] = upstream.get("algorithm")
        model["healthchecks"] = drop_nulls(upstream.get("healthchecks") or {})
        if not upstream_url:
            self.notes.append("model '%s': upstream '%s' without ai-proxy options.upstream_url; the role needs "
                              "upstream_url with replicas" % (model["name"], upstream["name"]))

    def authentication(self, model: dict[str, Any], service: dict[str, Any], shared: dict[str, Any]) -> None:
        key_auth = self.scoped("key-auth", service=service["id"])
        basic = self.scoped("basic-auth", service=service["id"])
        bearer = self.scoped("pre-function", service=service["id"])
        if key_auth is not None:
            self.described.add(key_auth["id"])
            config = key_auth.get("config") or {}
            shared.setdefault("key_names", config.get("key_names"))
            shared.setdefault("hide_credentials", config.get("hide_credentials"))
            if (config.get("key_names"), config.get("hide_credentials")) != (shared["key_names"],
                                                                             shared["hide_credentials"]):
                self.notes.append("model '%s': key-auth key_names/hide_credentials differ from the other models'; "
                                  "the role sets them for all models" % model["name"])
            if bearer is not None and bearer.get("instance_name") == model["name"] + "-bearer":
                self.described.add(bearer["id"])
            else:
                model["bearer_auth"] = False
        elif basic is not None:
            self.described.add(basic["id"])
            model["consumer_auth"] = "basic-auth"
            shared.setdefault("hide_credentials", (basic.get("config") or {}).get("hide_credentials"))
        else:
            model["consumer_auth"] = "none"

    # -- consumers -----------------------------------------------------------------------------

    def consumers(self, shared: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        out = []
        for consumer in sorted(self.rows["consumers"], key=lambda c: str(c.get("username"))):
            if not consumer.get("username"):
                continue
            self.described.add(consumer["id"])
            entry: dict[str, Any] = {"username": consumer["username"]}
            if consumer.get("custom_id"):
                entry["custom_id"] = consumer["custom_id"]
            mine = [(c, r) for c in ("key-auths", "basic-auths", "acls") for r in self.rows[c]
                    if ref_id(r.get("consumer")) == consumer["id"]]
            keys = []
            for collection, row in mine:
                if collection == "key-auths":
                    name = variable_name("key-auth", consumer["username"], "key")
                    keys.append(secret_value(self.store, name, row["key"]))
                elif collection == "acls":
                    entry.setdefault("groups", []).append(row["group"])
                elif "basic_auth" not in entry:
                    entry["basic_auth"] = self.basic_auth(consumer, row)
                else:
                    continue
                self.described.add(row["id"])
            if keys:
                entry["keys"] = keys
            limit = self.scoped("rate-limiting", consumer=consumer["id"])
            if limit is not None:
                self.described.add(limit["id"])
                config = limit.get("config") or {}
                entry["rate_limit"] = {p: config[p] for p in PERIODS if config.get(p) is not None}
                shared.setdefault("rate_limit_policy", config.get("policy"))
                if config.get("policy") == "redis":
                    shared.setdefault("redis", self.secret(limit, "config.redis"))
            out.append(entry)
        return self.tiers(out)

    def basic_auth(self, consumer: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
        """The playbook's variable for the password; a placeholder (Kong's hash cannot be read back) is set only
        when the role creates the credential, so adopting a Kong changes no password."""
        name = variable_name("basic-auth", consumer["username"], row["username"], "password")
        if name in self.store.placeholders:
            return {"username": row["username"], "password": "{{ %s }}" % name, "update_password": "on_create"}
        return {"username": row["username"], "password": secret_value(self.store, name, row.get("password"))}

    @staticmethod
    def tiers(consumers: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """An ACL group whose members all have one rate limit (and no other consumer has it) is a tier."""
        members: dict[str, list[dict[str, Any]]] = {}
        for consumer in consumers:
            for group in consumer.get("groups") or []:
                members.setdefault(group, []).append(consumer)
        tiers = []
        for group, people in sorted(members.items()):
            limits = {repr(p.get("rate_limit")) for p in people}
            if len(limits) != 1 or not people[0].get("rate_limit") or any(p.get("tier") for p in people):
                continue
            tiers.append({"name": group, "rate_limit": people[0]["rate_limit"]})
            for person in people:
                person["tier"] = group
                person["groups"] = [g for g in person["groups"] if g != group]
                if not person["groups"]:
                    del person["groups"]
        for consumer in consumers:
            if consumer.get("tier"):
                consumer.pop("rate_limit", None)
        return tiers, consumers

    def global_policies(self) -> dict[str, Any]:
        policies = {}
        for plugin in self.rows["plugins"]:
            if _scope(plugin) == (None, None, None) and plugin.get("name") in POLICY_KEYS:
                self.described.add(plugin["id"])
                policies[POLICY_KEYS[plugin["name"]]] = self.secret(plugin, "config")
        return policies


def ownership(described: list[dict[str, Any]], tags: list[str]) -> tuple[str | None, list[str]]:
    """The role's tag (the first selected tag, else the tag most described entities carry) and extra tags."""
    counts = Counter(t for e in described for t in (e.get("tags") or []))
    tag = tags[0] if tags else (counts.most_common(1)[0][0] if counts else None)
    extra = sorted(t for t, n in counts.items() if n == len(described) and t != tag)
    return tag, extra


def field_notes(reader: GatewayReader, fields: UndescribedFields) -> None:
    """What the described services, routes and plugins hold beyond what the role sets."""
    for collection in ("services", "routes", "plugins"):
        for row in reader.rows[collection]:
            if row["id"] not in reader.described:
                continue
            label = (plugin_label(row, reader.name) if collection == "plugins"
                     else "%s '%s'" % (collection[:-1], row.get("name")))
            reader.notes.extend(fields.notes(collection, row, label))
            config = row.get("config") or {}
            if collection == "plugins" and row.get("enabled") is False:
                reader.notes.append("%s: disabled, the role creates it enabled" % label)
            if row.get("name") == "rate-limiting" and config.get("limit_by") not in (None, "consumer"):
                reader.notes.append("%s: limit_by=%s, the role limits by consumer" % (label, config.get("limit_by")))
            if row.get("name") == "acl" and config.get("hide_groups_header") is not True:
                reader.notes.append("%s: hide_groups_header is not true, as the role sets it" % label)


def gateway_inventory(
    rows: dict[str, list[dict[str, Any]]], store: SecretStore, tags: list[str], schema: Callable[[str], Any] | None
) -> tuple[dict[str, Any] | None, list[str]]:
    """The role's variables (None when Kong holds no model the role can describe) and what they leave out.

    ``schema(path)``: Kong's answer to ``GET /schemas/{path}`` (None when it has none); no ``schema`` when there
    is no Kong to ask (a decK state file)."""
    reader = GatewayReader(rows, store)
    models, shared = reader.models()
    if not models:
        return None, []
    tiers, consumers = reader.consumers(shared)
    inventory: dict[str, Any] = {}
    global_policies = reader.global_policies()
    described = [r for c, listed in reader.rows.items() for r in listed if r["id"] in reader.described]
    tag, extra = ownership(described, tags)
    untagged = [r for r in described if tag not in (r.get("tags") or [])]
    inventory["ai_gateway_tag"] = tag or "aigateway-managed"
    if extra:
        inventory["ai_gateway_extra_tags"] = extra
    if untagged and tag is None:
        inventory["ai_gateway_adopt_untagged"] = True
        reader.notes.append("the described entities carry no tags: ai_gateway_adopt_untagged is set so the "
                            "role takes them over with the tag aigateway-managed (choose one unique to this gateway)")
    elif untagged:
        inventory["ai_gateway_adopt_untagged"] = True
        reader.notes.append("%d described entities lack the tag '%s': ai_gateway_adopt_untagged is set so "
                            "the role takes them over" % (len(untagged), tag))
    for key in ("key_names", "hide_credentials", "rate_limit_policy", "redis"):
        if shared.get(key) not in (None, {}, []):
            inventory["ai_gateway_" + key] = shared[key]
    inventory["ai_gateway_models"] = models
    if tiers:
        inventory["ai_gateway_tiers"] = tiers
    if consumers:
        inventory["ai_gateway_consumers"] = consumers
    if global_policies:
        inventory["ai_gateway_global_policies"] = global_policies
    field_notes(reader, UndescribedFields(schema))
    for collection, listed in reader.rows.items():
        spec = ENTITIES[collection]
        for row in listed:
            if row["id"] in reader.described:
                continue
            if collection == "plugins":
                what = plugin_label(row, reader.name)
            else:
                names = (identity_value(spec, row), row.get("name"), row.get("username"), row.get("group"))
                shown = next((n for n in names if n), None) or (row.get("snis") or [row["id"]])[0]
                what = "%s '%s'" % (spec.name, shown)
            reader.notes.append("%s is not described by the role's variables" % what)
    return inventory, reader.notes
