# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``kong_info``: its options, its result (the module and the in-process action plugin share both), and the
read-only queries behind it: the node, and entity lists with filters and pagination."""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.api.argspec import connection_argument_spec
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient, quote_key
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.api.node import Node
from ansible_collections.aigateway.kong.plugins.module_utils.entity import hooks
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import mask_paths
from ansible_collections.aigateway.kong.plugins.module_utils.entity.engine import is_uuid
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import Task, TaskResult, error_details
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.live import KINDS, LiveSecrets, static_paths

INFO_ENTITIES = tuple(ENTITIES)
# entity -> {option naming a parent: that parent}
PARENTS = {c: {p.option: p for p in spec.parents} for c, spec in ENTITIES.items()}
# the parent options, in the order they narrow a listing (the first one given is Kong's path)
SCOPE_OPTIONS = ("route", "service", "consumer", "upstream")


def info_argument_spec() -> dict[str, Any]:
    argument_spec = connection_argument_spec()
    argument_spec.update(
        entity=dict(type="str", choices=list(INFO_ENTITIES)),
        name=dict(type="str"),
        tags=dict(type="list", elements="str"),
        tags_match=dict(type="str", default="all", choices=["all", "any"]),
        service=dict(type="str"),
        route=dict(type="str"),
        consumer=dict(type="str"),
        upstream=dict(type="str"),
        fields=dict(type="list", elements="str"),
    )
    return argument_spec


class InfoTask(Task):
    """kong_info, the module and the in-process action plugin alike."""

    module = "kong_info"

    def argument_spec(self) -> dict[str, Any]:
        return info_argument_spec()

    def run(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> TaskResult:
        client = KongClient.from_params(params, warn=warn)
        try:
            result = {"changed": False, "node": node_info(client)}
            if params["entity"]:
                result["entities"] = list_entities(client, params)
        except KongError as exc:
            return TaskResult.failure(exc.describe("read Kong information"), **error_details(exc))
        return TaskResult(result)


INFO = InfoTask()


def node_info(client: KongClient) -> dict[str, Any]:
    root = client.root()
    configuration = root.get("configuration") or {}
    enabled = (client.request("GET", "/plugins/enabled") or {}).get("enabled_plugins") or []
    plugins = root.get("plugins") or {}
    found = Node.from_root(root)
    return {
        "version": found.version,
        "edition": found.edition,  # Kong names it from 3.6; before, it is told by the release
        "router_flavor": found.router_flavor,
        "hostname": root.get("hostname"),
        "node_id": root.get("node_id"),
        "database": configuration.get("database"),
        "enabled_plugins": sorted(enabled),
        "plugins_in_use": sorted(plugins.get("enabled_in_cluster") or []),
    }


def mask_entity(entity_name: str, entity: dict[str, Any], client: Any = None) -> dict[str, Any]:
    """``entity`` with its secrets masked; plugins and vaults by their schema on ``client``'s Kong."""
    spec = ENTITIES.get(entity_name)
    if client is not None and entity_name in KINDS:
        live = LiveSecrets.of(client, getattr(client, "warn", None)).entity_paths(entity_name, [entity.get("name")])
        masked = mask_paths(entity, (static_paths(spec) if spec else ()) + live)
        return spec.redact(masked) if spec and spec.redact else masked
    return spec.masked(entity) if spec else entity


def _has_tags(entity: dict[str, Any], tags: list[str], match: str) -> bool:
    held = set(entity.get("tags") or [])
    return all(t in held for t in tags) if match == "all" else any(t in held for t in tags)


def list_entities(client: KongClient, params: dict[str, Any]) -> list[dict[str, Any]]:
    entity = params["entity"]
    scopes = [(option, params[option]) for option in SCOPE_OPTIONS if params.get(option)]
    allowed = PARENTS.get(entity, {})
    for option, _value in scopes:
        if option not in allowed:
            raise KongError("entity=%s cannot be filtered by %s" % (entity, option))
    spec = ENTITIES[entity]
    if not spec.listed and spec.parent and not scopes:  # Kong lists it only under its parent
        raise KongError("entity=%s requires the %s option" % (entity, spec.parent.option))
    if scopes:
        option, value = scopes[0]
        parent = allowed[option]
        path = "/%s/%s/%s" % (parent.collection, quote_key(value), parent.nested)
    else:
        path = "/" + entity
    tags = params.get("tags") or []
    if params.get("name"):
        key = params["name"]
        if spec.normalize is hooks.normalize_target and not is_uuid(
            key
        ):  # Kong stores host:port; a lookup does not add the port
            key = hooks.normalize_target_address(key)
        found = client.get_or_none("%s/%s" % (path, quote_key(key)))
        items = [found] if found else []
    else:
        query = {}
        if tags and not scopes:
            query["tags"] = ("," if params.get("tags_match") == "all" else "/").join(tags)
        try:
            items = list(client.paginate(path, query))
        except KongError as exc:
            if getattr(exc, "status", None) == 404 and scopes:
                raise KongError("%s '%s' was not found" % (scopes[0][0], scopes[0][1])) from None
            raise
    for option, value in scopes[1:]:  # further scopes are filtered here
        items = [i for i in items if _matches_ref(client, i.get(option), allowed[option].collection, value)]
    if tags:
        items = [i for i in items if _has_tags(i, tags, params.get("tags_match") or "all")]
    fields = params.get("fields")
    # a plugin's or vault's own (schema-defined) fields are all inside config: without it, no schema to read
    live = client if not fields or "config" in fields else None
    masked = (mask_entity(entity, i, live) for i in items)
    if fields:
        return [{name: i[name] for name in fields if name in i} for i in masked]
    return list(masked)


def _matches_ref(client: KongClient, held: Any, collection: str, value: str) -> bool:
    if not isinstance(held, dict):
        return False
    if held.get("id") == value:
        return True
    found = client.get_or_none("/%s/%s" % (collection, quote_key(value)))
    return bool(found) and found.get("id") == held.get("id")
