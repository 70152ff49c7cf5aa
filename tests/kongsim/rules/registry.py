"""Where each rule Kong defines in Lua code (and the JSON schemas only hint at) applies.

* custom validators, found by the field's `description` (typedefs keep theirs) or by schema path;
* `custom_entity_check` functions, found by schema path suffix and `field_sources`;
* shorthand functions (services `url`, upstreams `algorithm`/`hash_on`);
* transformations (basic-auth password hash, CA certificate digest).

Schema paths are `<schema>.<field>[.<field>...]`, `[]` marking array/set elements and `{k}`/`{v}` map
keys/values; plugin schemas are named `plugin:<name>`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import entities, plugins
from . import typedefs as v
from .engine.values import CustomCheck, CustomValidator
from .pem import (
    ca_certificate_check,
    certificate_key_check,
    certificate_types_check,
    validate_certificate,
    validate_key,
    validate_pem_keys,
    validate_ssl_key,
)

_BY_DESCRIPTION: dict[str, CustomValidator] = {
    "A string representing a host name, such as example.com.": v.validate_host,
    "A string representing a host name with an optional port number, such as example.com or "
    "example.com:8080.": v.validate_host_with_optional_port,
    "A string representing a wildcard host name, such as *.example.com.": v.validate_wildcard_host,
    "A string representing an IP address, such as 192.168.1.1.": v.validate_ip,
    "A string representing an IP address or CIDR block, such as 192.168.1.1 or 192.168.0.0/16.": v.validate_ip_or_cidr,
    "A string representing a CIDR block for IPv4 addresses, such as 192.168.0.0/16.": v.validate_ip_or_cidr_v4,
    "A string representing a URL, such as https://example.com/path/to/resource?q=search.": v.validate_url,
    "A string representing an HTTP header name.": v.validate_header_name,
    "A string representing an HTTP token defined by RFC 2616.": v.validate_cookie_name,
    "A unique string representing a name.": v.validate_name,
    "A unique string representing a UTF-8 encoded name.": v.validate_utf8_name,
    "A string representing an SNI (server name indication) value for TLS.": v.validate_sni,
    "A string representing a certificate.": validate_certificate,
    "A string representing a key.": validate_key,
    "A string representing a tag.": v.validate_tag,
    "This is a hostname, which must be equal to the host of a Service.": v.validate_upstream_name,
    "The target address (ip or hostname) and port.": v.validate_target,
    "The IP address or hostname of StatsD server to send data to.": v.validate_host,
    "The IP address or host name to send data to.": v.validate_host,
    "The URL to redirect to": v.validate_url,
    "Manually specify or override the full URL to the AI operation endpoints, when calling (self-)hosted "
    "models, or for running via a private endpoint.": v.validate_url,
}
_PATH_PREFIX_DESCRIPTION = "A string representing a URL path, such as /path/to/resource."
_ROUTER_PATH_PREFIX_DESCRIPTION = "A string representing a router path."

_BY_PATH: dict[str, CustomValidator] = {
    "routes.hosts[]": v.validate_host_with_wildcards,
    "routes.paths[]": v.validate_router_path,
    "certificates.cert": validate_certificate,
    "certificates.key": validate_key,
    "certificates.cert_alt": validate_certificate,
    "certificates.key_alt": validate_key,
    "ca_certificates.cert": validate_certificate,
    "keys.pem": validate_pem_keys,
    "jwt_secrets.rsa_public_key?then_match": validate_ssl_key,
    "upstreams.hash_on_cookie": v.validate_cookie_name,
    "plugin:cors.config.origins[]": lambda s: (
        None if s == "*" or v.pcre_error(s) is None else f"'{s}' is not a valid regex"
    ),
}


def validator_for(path: str, spec: dict) -> CustomValidator | None:
    fn = _BY_PATH.get(path) or _PLUGIN_VALIDATORS.get(path)
    if fn is not None:
        return fn
    desc = spec.get("description")
    if not isinstance(desc, str):
        return None
    if desc in _BY_DESCRIPTION:
        return _BY_DESCRIPTION[desc]
    if desc.startswith(_PATH_PREFIX_DESCRIPTION):
        return v.validate_path
    if desc.startswith(_ROUTER_PATH_PREFIX_DESCRIPTION):
        return v.validate_router_path
    return None


# ------------------------------------------------------------------------------ plugin validators

_PLUGIN_VALIDATORS: dict[str, CustomValidator] = {
    "plugin:rate-limiting.config": lambda c: plugins.periods_order(c, True),
    "plugin:response-ratelimiting.config.limits{v}": lambda c: plugins.periods_order(c, False),
    "plugin:request-transformer.config.remove.headers[]": lambda p: plugins.header_pair(p, False),
    "plugin:request-transformer.config.add.headers[]": lambda p: plugins.header_pair(p, False),
    "plugin:request-transformer.config.append.headers[]": lambda p: plugins.header_pair(p, False),
    "plugin:request-transformer.config.replace.headers[]": lambda p: plugins.header_pair(p, False),
    "plugin:request-transformer.config.rename.headers[]": lambda p: plugins.header_pair(p, True),
    "plugin:request-transformer.config.add.body[]": plugins.value_pair,
    "plugin:request-transformer.config.add.querystring[]": plugins.value_pair,
    "plugin:request-transformer.config.append.body[]": plugins.value_pair,
    "plugin:request-transformer.config.append.querystring[]": plugins.value_pair,
    "plugin:request-transformer.config.replace.body[]": plugins.value_pair,
    "plugin:request-transformer.config.replace.querystring[]": plugins.value_pair,
    "plugin:request-transformer.config.rename.body[]": plugins.value_pair,
    "plugin:request-transformer.config.rename.querystring[]": plugins.value_pair,
    "plugin:response-transformer.config.rename.headers[]": lambda p: plugins.header_pair(p, True),
    "plugin:request-termination.config": plugins.request_termination,
    **{f"plugin:{name}.config.{phase}[]": plugins.function_validator(name)
       for name in ("pre-function", "post-function") for phase in plugins.FUNCTION_PHASES},
}

# ------------------------------------------------------------------------------ entity checks

_CHECKS: dict[tuple[str, tuple[str, ...]], CustomCheck] = {
    ("", ("route_type", "model", "logging")): plugins.llm_statistics,
    ("plugin:proxy-cache", ("config",)): plugins.proxy_cache_dict,
    ("certificates", ("cert", "key")): lambda e: certificate_key_check(e.get("cert"), e.get("key")),
    ("certificates", ("cert_alt", "key_alt")): lambda e: certificate_key_check(
        e.get("cert_alt"), e.get("key_alt"), "alternative certificate"),
    ("certificates", ("cert", "cert_alt")): lambda e: certificate_types_check(e.get("cert"), e.get("cert_alt")),
    ("ca_certificates", ("cert",)): lambda e: ca_certificate_check(e.get("cert")),
}


def check_for(path: str, arg: dict) -> CustomCheck | None:
    sources = tuple(arg.get("field_sources") or ())
    for (suffix, srcs), fn in _CHECKS.items():
        if srcs == sources and (path == suffix or path.endswith(suffix)):
            return fn
    if path == "keys" and "jwk" in sources:
        return entities.keys_check
    return None


# ------------------------------------------------------------------------------ shorthands

SHORTHAND_FUNCS: dict[str, dict[str, Callable[[Any], dict | None]]] = {
    "services": {"url": entities.services_url},
    "upstreams": {"algorithm": entities.upstream_algorithm, "hash_on": entities.upstream_hash_on},
}

# ------------------------------------------------------------------------------ transformations

TRANSFORMATIONS: dict[str, list[dict]] = {
    "basicauth_credentials": [{"input": ["password"], "needs": ["consumer.id"]}],
}

# vault implementations bundled with Kong OSS (kong/vaults/*/schema.lua), used as subschemas of "vaults"
VAULT_SCHEMAS: dict[str, dict] = {
    # without `config` Kong stores `{prefix: null}`; `config: null` is refused
    "env": {"fields": [{"config": {"type": "record", "required": True, "fields": [
        {"prefix": {"type": "string", "match": "^[%a_-][%a%d_-]*$"}},
    ]}}]},
}
VAULT_NOT_INSTALLED = "vault '%s' is not installed"

# entities declared with `ttl = true`: a `ttl` key is an option, not a field
TTL_ENTITIES = frozenset({"keyauth_credentials", "oauth2_tokens", "oauth2_authorization_codes"})

# extra shorthand fields Kong declares in Lua only
EXTRA_SHORTHANDS: dict[str, list[dict]] = {
    "services": [{"url": {"type": "string"}}],
    "upstreams": [{"algorithm": {"type": "string"}}, {"hash_on": {"type": "string"}}],
}
