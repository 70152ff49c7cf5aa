# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: the fields of described entities that the ai_gateway role does not set.

The role creates services, routes and its authentication, ACL and rate-limiting plugins with a few fields
and leaves the others to Kong's defaults. A field holding something else than the default (read from
Kong's own schema, ``/schemas/...``) would be lost when the role recreates the entity: it is listed. Without
a Kong to ask (a decK state file), every field the entity sets is listed. Internal: may change without notice.
"""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES
from ansible_collections.aigateway.kong.plugins.module_utils.export.secrets import secret_paths
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.terms import PERIODS

BOOKKEEPING = frozenset(("id", "created_at", "updated_at", "tags"))
# what the role sets (plugins/module_utils/gateway/model.py); the rest keeps Kong's defaults
ROLE_FIELDS = {
    "services": frozenset(("name", "protocol", "host", "port", "retries", "connect_timeout", "read_timeout",
                           "write_timeout")),
    "routes": frozenset(("name", "service", "paths", "methods", "hosts", "protocols", "strip_path")),
    "plugins": frozenset(("name", "instance_name", "service", "route", "consumer", "config", "enabled")),
}
ROLE_CONFIG = {
    "key-auth": frozenset(("key_names", "hide_credentials")),
    "basic-auth": frozenset(("hide_credentials",)),
    "acl": frozenset(("allow", "hide_groups_header")),
    "rate-limiting": frozenset((*PERIODS, "limit_by", "policy", "redis")),
    "pre-function": frozenset(("access",)),
}


def schema_defaults(schema: Any) -> dict[str, Any]:
    """``{field: default}`` of a schema answer (records nested); a field without a default maps to None."""
    out: dict[str, Any] = {}
    for entry in (schema or {}).get("fields") or []:
        for name, field in entry.items():
            if field.get("type") == "record" and field.get("fields"):
                out[name] = schema_defaults(field)
            else:
                out[name] = field.get("default")
    return out


def _is_default(value: Any, default: Any) -> bool:
    if value in (None, [], {}) and default in (None, [], {}):
        return True
    if isinstance(value, list) and isinstance(default, list):
        return sorted(map(repr, value)) == sorted(map(repr, default))
    return value == default


def extra_fields(entity: dict[str, Any], defaults: dict[str, Any], described: frozenset[str],
                 secret: frozenset[str] = frozenset()) -> list[str]:
    """``name=value`` for each field outside ``described`` that holds something else than its default (only the
    name of a field in ``secret``, which holds a secret at some depth)."""
    return [
        "%s (a secret)" % name if name in secret else "%s=%s" % (name, value)
        for name, value in sorted(entity.items())
        if name not in described and name not in BOOKKEEPING and name in defaults
        and not _is_default(value, defaults[name])
    ]


class UndescribedFields:
    """Notes for the described entities whose fields the role would not reproduce."""

    def __init__(self, schema: Callable[[str], Any] | None) -> None:
        self.schema = schema
        self.cache: dict[str, dict[str, Any] | None] = {}

    def defaults(self, path: str) -> dict[str, Any] | None:
        if path not in self.cache:
            answer = self.schema(path) if self.schema is not None else None
            self.cache[path] = schema_defaults(answer) if answer else None
        return self.cache[path]

    def given(self, path: str, entity: dict[str, Any]) -> dict[str, Any] | None:
        """The defaults against which ``entity`` is checked: Kong's, or none (every field it sets counts)."""
        if self.schema is None:
            return dict.fromkeys(entity)
        return self.defaults(path)

    def notes(self, collection: str, entity: dict[str, Any], label: str) -> list[str]:
        defaults = self.given(collection, entity)
        if defaults is None:
            return ["%s: Kong's schema of %s could not be read, so its other fields were not checked"
                    % (label, collection)]
        found = extra_fields(entity, defaults, ROLE_FIELDS.get(collection, frozenset()))
        name = entity.get("name")
        if collection == "plugins" and name in ROLE_CONFIG:
            config = entity.get("config") or {}
            config_defaults = (self.given("plugins/%s" % name, config) if self.schema is None
                               else (self.defaults("plugins/%s" % name) or {}).get("config")) or {}
            secret = frozenset(p.split(".")[1] for p in secret_paths(ENTITIES["plugins"], entity)
                               if p.startswith("config.") and p.count(".") >= 1)
            config = extra_fields(config, config_defaults, ROLE_CONFIG[name], secret)
            found += ["config." + text for text in config]
        if not found:
            return []
        return ["%s: %s not set by the role (it would leave Kong's defaults)" % (label, ", ".join(found))]
