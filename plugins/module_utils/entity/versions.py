# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Kong being managed can hold, asked before any write: its release and its plugin schemas.

The live schema decides: a plugin the node does not have, a config field or value its schema does not know, a
scope its schema forbids. The tables below only name the first release that has each thing the collection is
asked for most, so the refusal says what to upgrade to (Kong's own changelogs and schemas; see the shipped
schemas of 3.4.2, 3.8.0 and 3.9.1). Deprecated shorthand fields are sent in the form the node knows: Kong 3.4
has rate-limiting's flat ``redis_host`` where 3.6 and later have ``redis.host`` (and echo the flat names back).

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.api.node import Node, node, release, shown
from ansible_collections.aigateway.kong.plugins.module_utils.api.schemas import (
    config_fields,
    live_schema,
    record_fields,
    shorthands,
)

AI_PLUGINS = ("ai-proxy", "ai-prompt-decorator", "ai-prompt-guard", "ai-prompt-template", "ai-request-transformer",
              "ai-response-transformer")
# bundled plugins by the release that brought them (older ones are in every supported release)
PLUGINS_SINCE = dict({name: "3.6.0" for name in AI_PLUGINS}, **{"standard-webhooks": "3.8.0", "redirect": "3.9.0"})
# plugin -> scope -> the release from which it may be scoped so
SCOPES_SINCE = {
    "ai-proxy": {"service": "3.8.0", "consumer": "3.8.0"},
    "ai-prompt-template": {"consumer": "3.8.0"},
    "ai-response-transformer": {"consumer": "3.8.0"},
}
_AUTH_3_8 = ("allow_override", "gcp_use_service_account", "gcp_service_account_json", "aws_access_key_id",
             "aws_secret_access_key")
# plugin -> config field path -> the release that added it
FIELDS_SINCE: dict[str, dict[str, str]] = {
    "ai-proxy": dict(
        {"config.auth." + name: "3.8.0" for name in _AUTH_3_8},
        **{
            "config.llm_format": "3.9.1",
            "config.response_streaming": "3.7.0",
            "config.max_request_body_size": "3.8.0",
            "config.model_name_header": "3.8.0",
            "config.model.options.upstream_path": "3.7.0",
            "config.model.options.input_cost": "3.8.0",
            "config.model.options.output_cost": "3.8.0",
            "config.model.options.gemini": "3.8.0",
            "config.model.options.bedrock": "3.8.0",
            "config.model.options.huggingface": "3.9.0",
        },
    ),
    "ai-prompt-guard": {"config.match_all_roles": "3.8.0", "config.max_request_body_size": "3.8.0",
                        "config.llm_format": "3.9.1"},
    "ai-prompt-decorator": {"config.max_request_body_size": "3.8.0", "config.llm_format": "3.9.1"},
    "basic-auth": {"config.realm": "3.6.0"},
    "key-auth": {"config.realm": "3.7.0"},
    "jwt": {"config.realm": "3.8.0"},
    "hmac-auth": {"config.realm": "3.8.0"},
    "acl": {"config.always_use_authenticated_groups": "3.8.0"},
    "prometheus": {"config.ai_metrics": "3.8.0"},
}
# plugin -> (config field path, value) -> the release that accepts the value
VALUES_SINCE: dict[str, dict[tuple[str, str], str]] = {
    "ai-proxy": {
        ("config.route_type", "preserve"): "3.7.0",
        ("config.model.provider", "gemini"): "3.8.0",
        ("config.model.provider", "bedrock"): "3.8.0",
        ("config.model.provider", "huggingface"): "3.9.0",
    },
}


# fields an entity's writes take, as transient fields, that Kong's validate endpoint refuses before a release
VALIDATED_SINCE = {"certificates": {"snis": "3.8.0"}}


def unvalidated_fields(node: Node, collection: str) -> tuple[str, ...]:
    """The fields check mode leaves out of what it asks Kong to validate (``snis`` of a certificate before 3.8)."""
    return tuple(f for f, since in VALIDATED_SINCE.get(collection, {}).items() if not node.has(since))


def needs(what: str, since: str | None, node: Node) -> str:
    """``ai-proxy needs Kong 3.6 or later; this Kong is 3.4.2`` (or, without a known release, that it lacks it)."""
    if since and not node.has(since):
        return "%s needs Kong %s or later; this Kong is %s" % (what, shown(release(since)), node.version)
    return "this Kong (%s) does not have %s" % (node.version, what)


def plugin_gaps(schema: dict[str, Any] | None, params: dict[str, Any]) -> list[tuple[str, str | None]]:
    """What the node, whose schema of the plugin is ``schema`` (None when it has none), lacks of the plugin ``params``
    describe, each with the release that has it when known. A plugin the node lacks is a gap only when it is newer
    than some supported release (it may be there unenabled, or be unknown: Kong's own answer says so)."""
    name = str(params.get("name") or "")
    if schema is None:
        return [(name, PLUGINS_SINCE[name])] if name in PLUGINS_SINCE else []
    gaps: list[tuple[str, str | None]] = []
    for scope, field in record_fields(schema).items():
        # Kong's no_service, no_consumer, ...: a reference that must stay null
        if field.get("type") == "foreign" and params.get(scope) and "eq" in field and field["eq"] is None:
            gaps.append(("%s on a %s" % (name, scope), SCOPES_SINCE.get(name, {}).get(scope)))
    config = config_fields(schema)
    if config is not None and isinstance(params.get("config"), dict):
        gaps.extend(config_gaps(name, config, params["config"], "config"))
    return gaps


def config_gaps(plugin: str, record: dict[str, Any], value: dict[str, Any], path: str) -> list[tuple[str, str | None]]:
    fields, aliases = record_fields(record), shorthands(record)
    gaps: list[tuple[str, str | None]] = []
    for key, given in value.items():
        where = "%s.%s" % (path, key)
        field = fields.get(key) or aliases.get(key)
        if field is None:
            gaps.append(("%s option %s" % (plugin, where), FIELDS_SINCE.get(plugin, {}).get(where)))
        elif field.get("type") == "record" and isinstance(given, dict):
            gaps.extend(config_gaps(plugin, field, given, where))
        elif "one_of" in field and isinstance(given, str) and given not in field["one_of"]:
            since = VALUES_SINCE.get(plugin, {}).get((where, given))
            if since:  # otherwise Kong's "expected one of" names the choices
                gaps.append(("%s %s '%s'" % (plugin, where, given), since))
    return gaps


def node_form(schema: dict[str, Any] | None, config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with deprecated shorthand fields in the form the node knows: a flat shorthand the node
    replaced (``redis_host`` on Kong 3.6+) moves to its new place (``redis.host``); a record the node does not
    have but whose fields it keeps flat (``redis`` on Kong 3.4: ``redis_host``, ...) is flattened."""
    record = config_fields(schema)
    return _node_form(record, config) if record is not None else config


def _node_form(record: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    fields, aliases = record_fields(record), shorthands(record)
    out: dict[str, Any] = {}
    moved: list[tuple[list[str], Any]] = []
    for key, value in config.items():
        target = _replaced_with(aliases.get(key))
        if key not in fields and target:
            moved.append((target, value))
        elif key not in fields and isinstance(value, dict) and value and all(key + "_" + k in fields for k in value):
            out.update((key + "_" + k, v) for k, v in value.items())
        elif fields.get(key, {}).get("type") == "record" and isinstance(value, dict):
            out[key] = _node_form(fields[key], value)
        else:
            out[key] = value
    for target, value in moved:
        node = out
        for part in target[:-1]:
            node = node.setdefault(part, {})
        node.setdefault(target[-1], value)
    return out


def _replaced_with(alias: dict[str, Any] | None) -> list[str] | None:
    """Where a shorthand's value goes in the record (3.8+ ``deprecation.replaced_with``, 3.6-3.7
    ``translate_backwards``)."""
    if not alias:
        return None
    for replacement in (alias.get("deprecation") or {}).get("replaced_with") or []:
        if replacement.get("path"):
            return list(replacement["path"])
    backwards = alias.get("translate_backwards")
    return list(backwards) if backwards else None


def refusals_for(client: Any, params: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """The plugin ``params`` describe, against ``client``'s Kong: its schema there (None when Kong has none, or
    when it could not be read: secrets then warn, and Kong answers the write itself) and the refusals. The node's
    release (``GET /``) is read only to word a refusal, so a plugin the node holds costs no request but its
    schema's."""
    try:
        schema = live_schema(client, "plugin", str(params["name"]))
    except KongError:
        return None, []
    config = params.get("config")
    described = dict(params, config=node_form(schema, config)) if isinstance(config, dict) else params
    gaps = plugin_gaps(schema, described)
    if not gaps:
        return schema, []
    found = node(client)
    # a plugin the node has no schema of is refused only when it is newer than the node
    refused = [(what, since) for what, since in gaps if schema is not None or not found.has(str(since))]
    return schema, [needs(what, since, found) for what, since in refused]
