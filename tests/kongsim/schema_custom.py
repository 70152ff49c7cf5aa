"""Behaviour Kong defines in Lua code that the JSON schemas only hint at.

* custom validators, found by the field's `description` (typedefs keep theirs) or by schema path;
* `custom_entity_check` functions, found by schema path suffix and `field_sources`;
* shorthand functions (services `url`, upstreams `algorithm`/`hash_on`);
* transformations (basic-auth password hash, CA certificate digest).

Schema paths are `<schema>.<field>[.<field>...]`, `[]` marking array/set elements and `{k}`/`{v}` map
keys/values; plugin schemas are named `plugin:<name>`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from . import validators as v
from .schema_pem import (
    ca_certificate_check,
    certificate_key_check,
    certificate_types_check,
    jwk_error,
    validate_certificate,
    validate_key,
    validate_pem_keys,
)
from .schema_values import NIL, CustomCheck, CustomValidator, is_number

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

_PERIODS = ("second", "minute", "hour", "day", "month", "year")


def _periods_order(config: Any, sync_rate: bool) -> str | None:
    if not isinstance(config, dict):
        return None
    for i, lower in enumerate(_PERIODS):
        v1 = config.get(lower)
        if is_number(v1):
            for upper in _PERIODS[i + 1:]:
                v2 = config.get(upper)
                if is_number(v2) and v2 < v1:
                    return (
                        f"The limit for {upper}({float(v2):.1f}) cannot be lower than the limit for "
                        f"{lower}({float(v1):.1f})"
                    )
    if sync_rate:
        rate = config.get("sync_rate")
        if config.get("policy") != "redis" and rate != -1:
            return "sync_rate can only be used with the redis policy"
        if config.get("policy") == "redis" and rate != -1 and is_number(rate) and rate < 0.02:
            return "sync_rate must be greater than 0.02, or -1 to disable"
    return None


def _header_pair(pair: str, check_value: bool) -> str | None:
    name, _sep, value = pair.partition(":")
    value = value.lstrip(":")
    if not name:
        return "'nil' is not a valid header"
    if v.validate_header_name(name) is not None:
        return f"'{name}' is not a valid header"
    if check_value and v.validate_header_name(value) is not None:
        return f"'{value}' is not a valid header"
    return None


def _value_pair(entry: str) -> str | None:
    name, _sep, value = entry.partition(":")
    if value.lstrip(":") == "":
        return f"key '{name}' has no value"
    return None


def _present(x: Any) -> bool:
    return x not in (None, NIL, "")


def _request_termination(config: Any) -> str | None:
    if not isinstance(config, dict):
        return None
    if _present(config.get("message")) and (_present(config.get("content_type")) or _present(config.get("body"))):
        return "message cannot be used with content_type or body"
    if _present(config.get("content_type")) and not _present(config.get("body")):
        return "content_type requires a body"
    if config.get("echo") is True and (_present(config.get("content_type")) or _present(config.get("body"))):
        return "echo cannot be used with content_type and body"
    return None


_PLUGIN_VALIDATORS: dict[str, CustomValidator] = {
    "plugin:rate-limiting.config": lambda c: _periods_order(c, True),
    "plugin:response-ratelimiting.config.limits{v}": lambda c: _periods_order(c, False),
    "plugin:request-transformer.config.remove.headers[]": lambda p: _header_pair(p, False),
    "plugin:request-transformer.config.add.headers[]": lambda p: _header_pair(p, False),
    "plugin:request-transformer.config.append.headers[]": lambda p: _header_pair(p, False),
    "plugin:request-transformer.config.replace.headers[]": lambda p: _header_pair(p, False),
    "plugin:request-transformer.config.rename.headers[]": lambda p: _header_pair(p, True),
    "plugin:request-transformer.config.add.body[]": _value_pair,
    "plugin:request-transformer.config.add.querystring[]": _value_pair,
    "plugin:request-transformer.config.append.body[]": _value_pair,
    "plugin:request-transformer.config.append.querystring[]": _value_pair,
    "plugin:request-transformer.config.replace.body[]": _value_pair,
    "plugin:request-transformer.config.replace.querystring[]": _value_pair,
    "plugin:request-transformer.config.rename.body[]": _value_pair,
    "plugin:request-transformer.config.rename.querystring[]": _value_pair,
    "plugin:response-transformer.config.rename.headers[]": lambda p: _header_pair(p, True),
    "plugin:request-termination.config": _request_termination,
}

# ------------------------------------------------------------------------------ entity checks

# lua_shared_dict names of a default Kong nginx configuration
SHARED_DICTS = frozenset({
    "kong", "kong_locks", "kong_healthchecks", "kong_cluster_events", "kong_rate_limiting_counters",
    "kong_core_db_cache", "kong_core_db_cache_miss", "kong_db_cache", "kong_db_cache_miss",
    "kong_secrets", "prometheus_metrics", "kong_vaults_hcv", "kong_debug_session",
})

_LOG_STATISTICS_UNSUPPORTED = {("llm/v1/completions", "anthropic")}


def _llm_statistics(entity: dict) -> str | None:
    logging = entity.get("logging")
    model = entity.get("model")
    if not isinstance(logging, dict) or not isinstance(model, dict):
        return None
    route_type, provider = entity.get("route_type"), model.get("provider")
    if logging.get("log_statistics") is True and (route_type, provider) in _LOG_STATISTICS_UNSUPPORTED:
        return f"{provider} does not support statistics when route_type is {route_type}"
    return None


def _proxy_cache_dict(entity: dict) -> str | None:
    config = entity.get("config")
    if isinstance(config, dict) and config.get("strategy") == "memory":
        memory = config.get("memory")
        name = memory.get("dictionary_name") if isinstance(memory, dict) else None
        if name not in SHARED_DICTS:
            return f"missing shared dict '{name}'"
    return None


def _keys_check(entity: dict) -> str | None:
    jwk = entity.get("jwk")
    kid = entity.get("kid")
    if isinstance(jwk, str):
        try:
            parsed = json.loads(jwk)
        except ValueError:
            return "could not json decode jwk string"
        if not isinstance(parsed, dict):
            return "could not json decode jwk string"
        if parsed.get("kid") != kid:
            return "kid in jwk.kid must be equal to keys.kid"
        return jwk_error(parsed)
    return None


_CHECKS: dict[tuple[str, tuple[str, ...]], CustomCheck] = {
    ("", ("route_type", "model", "logging")): _llm_statistics,
    ("plugin:proxy-cache", ("config",)): _proxy_cache_dict,
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
        return _keys_check
    return None


# ------------------------------------------------------------------------------ shorthands


def services_url(value: Any) -> dict | None:
    parsed = v.parse_url(str(value))
    if parsed is None:
        return None
    port_text = parsed.get("port")
    port: Any = int(port_text) if port_text is not None and port_text.isdigit() else None
    prot = "http" if port == 80 else "https" if port == 443 else None
    protocol = parsed.get("scheme") or prot or "http"
    if port is None:
        port = port_text if port_text is not None else (443 if protocol == "https" else 80)
    return {
        "protocol": protocol,
        "host": parsed.get("host"),
        "port": port,
        "path": parsed.get("path"),
    }


def upstream_algorithm(value: Any) -> dict:
    if value in ("least-connections", "latency"):
        return {"algorithm": value, "hash_on": None}
    return {"algorithm": value}


def upstream_hash_on(value: Any) -> dict:
    if value is None:
        return {"hash_on": "none"}
    if value == "none":
        return {"hash_on": value, "algorithm": "round-robin"}
    return {"hash_on": value, "algorithm": "consistent-hashing"}


SHORTHAND_FUNCS: dict[str, dict[str, Callable[[Any], dict | None]]] = {
    "services": {"url": services_url},
    "upstreams": {"algorithm": upstream_algorithm, "hash_on": upstream_hash_on},
}

# ------------------------------------------------------------------------------ transformations

TRANSFORMATIONS: dict[str, list[dict]] = {
    "basicauth_credentials": [{"input": ["password"], "needs": ["consumer.id"]}],
}

# vault implementations bundled with Kong OSS (kong/vaults/*/schema.lua), used as subschemas of "vaults"
VAULT_SCHEMAS: dict[str, dict] = {
    "env": {"fields": [{"config": {"type": "record", "fields": [
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
