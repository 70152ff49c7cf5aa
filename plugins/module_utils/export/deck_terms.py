# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: the keys of a decK state file and the entity types they hold.

Top-level keys list entities flat; keys inside an entity nest its children (decK's names). The other keys
decK accepts hold what the collection cannot express: the export lists them instead of dropping them.
Internal: may change without notice.
"""

from __future__ import annotations

import re

# top-level key -> collection
TOP_LEVEL = {
    "certificates": "certificates",
    "ca_certificates": "ca_certificates",
    "services": "services",
    "routes": "routes",
    "upstreams": "upstreams",
    "consumers": "consumers",
    "plugins": "plugins",
    "vaults": "vaults",
    "key_sets": "key-sets",
    "keys": "keys",
}
# parent collection -> {nested key -> collection}
NESTED = {
    "services": {"routes": "routes", "plugins": "plugins"},
    "routes": {"plugins": "plugins"},
    "consumers": {
        "plugins": "plugins",
        "keyauth_credentials": "key-auths",
        "basicauth_credentials": "basic-auths",
        "acls": "acls",
        "jwt_secrets": "jwts",
        "hmacauth_credentials": "hmac-auths",
    },
    "upstreams": {"targets": "targets"},
    "certificates": {"snis": "snis"},
    "key-sets": {"keys": "keys"},
}
# what decK accepts and the collection cannot express, by the key holding it
NOT_EXPRESSIBLE = {
    "consumer_groups": "consumer groups",
    "filter_chains": "filter chains",
    "partials": "partials",
    "custom_entities": "custom entities",
    "rbac_roles": "RBAC roles",
    "licenses": "licenses",
    "service_packages": "Konnect service packages",
    "cloned_plugins": "cloned plugin definitions",
    "custom_plugins": "custom plugin definitions",
    "oauth2_credentials": "oauth2 credentials",
    "mtls_auth_credentials": "mtls-auth credentials",
    "groups": "consumer group memberships",
}
# the file's own settings (read where they matter)
META = ("_format_version", "_info", "_workspace", "_transform", "_konnect", "_plugin_configs")
BOOKKEEPING = ("created_at", "updated_at")
# decK's _info.defaults: key -> collection
DEFAULTS = {"service": "services", "route": "routes", "upstream": "upstreams", "target": "targets"}
# by what other entities name one of these (besides its id)
NAMES = {
    "services": ("name",),
    "routes": ("name",),
    "consumers": ("username",),
    "upstreams": ("name",),
    "key-sets": ("name",),
    "keys": ("name",),
    "vaults": ("prefix",),
}
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# decK's test for a path Kong 3.x reads as a regex only with a '~' prefix (``utils.IsPathRegexLike``)
REGEX_LIKE = re.compile(r"[^a-zA-Z0-9._~/%-]")
