# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entity-specific rules the declarative specs point to: the few places where Kong is not uniform."""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import json
import re
from typing import Any
from urllib.parse import urlsplit

from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError, KongValidationError
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import MASK, ref_id, same_set
from ansible_collections.aigateway.kong.plugins.module_utils.entity.versions import node_form, refusals_for
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.generated import PLUGIN_SECRET_PATHS

DEFAULT_TARGET_PORT = 8000
SERVICE_URL_SCHEMES = ("grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp")


# -- services --------------------------------------------------------------------------------


def parse_service_url(url: str) -> dict[str, Any]:
    """Expand a service ``url`` into protocol, host, port and path, the way Kong does."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise KongValidationError("url '%s' is not a valid URL: %s" % (url, exc)) from None
    if not parts.scheme or parts.scheme not in SERVICE_URL_SCHEMES:
        raise KongValidationError("url '%s' must start with one of %s://" % (url, ", ".join(SERVICE_URL_SCHEMES)))
    if not parts.hostname:
        raise KongValidationError("url '%s' has no host" % url)
    host = parts.hostname
    if ":" in host:  # IPv6 literal: Kong keeps the brackets
        host = "[%s]" % host
    if port is None:
        port = 443 if parts.scheme == "https" else 80
    return {"protocol": parts.scheme, "host": host, "port": port, "path": parts.path or None}


def expand_service_url(engine: Any, desired: dict[str, Any]) -> None:
    url = desired.pop("url", None)
    if url is not None:
        desired.update(parse_service_url(url))


# -- routes ----------------------------------------------------------------------------------


def normalize_route(engine: Any, desired: dict[str, Any]) -> None:
    headers = desired.get("headers")
    if isinstance(headers, dict):
        desired["headers"] = {k: v if isinstance(v, list) else [v] for k, v in headers.items()}


def compare_route(engine: Any, name: str, desired: Any, existing: Any) -> Any:
    """Kong matches any of a header's values: the values of each header compare as a set."""
    if name == "headers" and isinstance(desired, dict) and isinstance(existing, dict):
        return set(desired) != set(existing) or any(not same_set(desired[k], existing[k]) for k in desired)
    return None


# -- upstreams ------------------------------------------------------------------------------


# Kong's schema accepts these active health-check types, but the health checker Kong OSS bundles (3.4 to 3.9) runs
# only http, https and tcp: once an interval turns the active checks on, it raises, and the upstream gets no balancer.
UNCHECKABLE_ACTIVE_TYPES = ("grpc", "grpcs")


def check_upstream(engine: Any, desired: dict[str, Any]) -> None:
    """Refuse what Kong would rewrite; warn of what Kong accepts but cannot run."""
    check_upstream_hashing(engine, desired)
    active = mapping(mapping(desired.get("healthchecks")).get("active"))
    intervals = [mapping(active.get(state)).get("interval") for state in ("healthy", "unhealthy")]
    if active.get("type") in UNCHECKABLE_ACTIVE_TYPES and any(positive(interval) for interval in intervals):
        engine.warn(
            "%s: Kong accepts active health checks of type %s, but Kong's open-source health checker runs only http,"
            " https and tcp checks: with an interval above 0 the upstream gets no balancer, and requests through it"
            " fail (500, or the connection closed) after up to 30 s. Use type tcp, or intervals of 0."
            % (engine.label, active["type"])
        )


def mapping(value: Any) -> dict[str, Any]:
    """``value`` when it is a dict, else an empty one (Kong words the error for a wrong shape)."""
    return value if isinstance(value, dict) else {}


def positive(value: Any) -> bool:
    """Whether ``value`` is a number above 0 (Kong words the error for a value that is not a number)."""
    try:
        return float(value) > 0
    except (TypeError, ValueError):
        return False


def check_upstream_hashing(engine: Any, desired: dict[str, Any]) -> None:
    """Kong silently rewrites inconsistent algorithm/hash_on pairs, which would never converge: refuse them."""
    algorithm, hash_on = desired.get("algorithm"), desired.get("hash_on")
    if algorithm == "consistent-hashing" and hash_on in (None, "none"):
        raise KongValidationError(
            "%s: algorithm=consistent-hashing needs hash_on (without it Kong stores round-robin)" % engine.label
        )
    if algorithm and algorithm != "consistent-hashing" and hash_on not in (None, "none"):
        raise KongValidationError(
            "%s: hash_on=%s needs algorithm=consistent-hashing (Kong would change one of them)"
            % (engine.label, hash_on)
        )


# -- consumers -------------------------------------------------------------------------------


def find_consumer(engine: Any, desired: dict[str, Any]) -> Any:
    """By id or username; a consumer given only by ``custom_id`` is found through ``?custom_id=``."""
    if engine.params.get("id") or desired.get("username"):
        return engine.find_default(desired)
    custom_id = desired.get("custom_id")
    if not custom_id:
        return None
    page = engine.client.request("GET", "/consumers", {"custom_id": custom_id}) or {}
    data = page.get("data") or []
    return data[0] if data else None


# -- targets ---------------------------------------------------------------------------------


def normalize_target_address(target: str) -> str:
    """``host`` -> ``host:8000``; IPv6 addresses fully expanded in brackets, as Kong stores them."""
    text = target.strip()
    host, port = text, None
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise KongValidationError("target '%s' is not a valid address" % target)
        host, rest = text[1:end], text[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise KongValidationError("target '%s' is not a valid address" % target)
            port = rest[1:]
    elif text.count(":") == 1:
        host, port = text.split(":")
    if port is not None and (not port.isdigit() or not 0 <= int(port) <= 65535):
        raise KongValidationError("target '%s' has an invalid port" % target)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and address.version == 6:
        host = "[%s]" % address.exploded
    return "%s:%s" % (host, port if port is not None else DEFAULT_TARGET_PORT)


def normalize_target(engine: Any, desired: dict[str, Any]) -> None:
    if desired.get("target"):
        desired["target"] = normalize_target_address(desired["target"])


def find_target(engine: Any, desired: dict[str, Any]) -> Any:
    if engine.parent_id is None:
        return None
    wanted_id = engine.params.get("id")
    for target in engine.client.paginate(engine.collection_path()):
        if (wanted_id and target.get("id") == wanted_id) or (
            not wanted_id and target.get("target") == desired.get("target")
        ):
            return target
    return None


# -- plugins ---------------------------------------------------------------------------------


def normalize_plugin(engine: Any, desired: dict[str, Any]) -> None:
    """Before any write: the config in the form the managed Kong knows (deprecated shorthands), and a plugin,
    scope, config field or value that Kong's release does not have refused by name (``versions``)."""
    if engine.state == "absent" or not desired.get("name"):
        return
    schema, refusals = refusals_for(engine.client, desired)
    if refusals:
        raise KongValidationError("%s: %s" % (engine.label, "; ".join(refusals)))
    if isinstance(desired.get("config"), dict):
        desired["config"] = node_form(schema, desired["config"])


def scopes(engine: Any) -> tuple[str, ...]:
    """The options naming what a plugin is scoped to (``service``, ``route``, ``consumer``)."""
    return tuple(parent.option for parent in engine.spec.scopes)


def plugin_secret_paths(params: dict[str, Any], entity: Any = None) -> tuple[str, ...]:
    """Secret config paths of the plugin named in the task, or of the plugin found (task by instance_name/id)."""
    names = {params.get("name"), entity.get("name") if isinstance(entity, dict) else None}
    return tuple(path for name in sorted(n for n in names if n) for path in PLUGIN_SECRET_PATHS.get(name, ()))


def find_plugin(engine: Any, desired: dict[str, Any]) -> Any:
    """By id, by ``instance_name``, else by name and scope (unset scope = null, i.e. global)."""
    if engine.params.get("id") or desired.get("instance_name"):
        found = engine.find_default(desired)
        if found or not desired.get("name"):
            return found
    scope = {name: desired.get(name) for name in scopes(engine)}
    if any(value is not None and ref_id(value) is None for value in scope.values()):
        return None  # a scope entity that does not exist yet cannot carry the plugin
    path = "/plugins"
    for parent in engine.spec.scopes:
        if scope[parent.option] is not None:
            path = "/%s/%s/plugins" % (parent.collection, ref_id(scope[parent.option]))
            break
    matches = [
        plugin
        for plugin in engine.client.paginate(path)
        if plugin.get("name") == desired.get("name")
        and all(ref_id(plugin.get(name)) == ref_id(scope[name]) for name in scope)
    ]
    if len(matches) > 1:
        raise KongError(
            "more than one plugin '%s' found with this scope; pass id or instance_name" % desired.get("name")
        )
    if (
        matches
        and desired.get("instance_name")
        and matches[0].get("instance_name") not in (None, desired["instance_name"])
    ):
        raise KongError(
            "plugin '%s' already exists with this scope under instance_name '%s'"
            % (desired.get("name"), matches[0].get("instance_name"))
        )
    return matches[0] if matches else None


# -- certificates ----------------------------------------------------------------------------


def find_certificate(engine: Any, desired: dict[str, Any]) -> Any:
    """By id, else by the first of its ``snis`` that Kong knows (``GET /certificates/{sni}``), else by its
    ``cert``: a certificate whose SNIs are gone (Kong drops them when a delete fails) is still this one."""
    if engine.params.get("id"):
        return engine.find_default(desired)
    for sni in desired.get("snis") or []:
        found = engine.get("/certificates/%s" % engine.quote(sni))
        if found:
            return found
    cert = desired.get("cert")
    if isinstance(cert, str) and cert.strip():
        for found in engine.client.paginate("/certificates"):
            if isinstance(found.get("cert"), str) and found["cert"].strip() == cert.strip():
                return found
    return None


def refuse_referenced_certificate(engine: Any, existing: dict[str, Any]) -> None:
    """Kong deletes a certificate's SNIs before it finds that a service or upstream still uses the certificate
    as ``client_certificate`` and refuses the delete: check first, and name the users."""
    users = [
        "%s '%s'" % (kind, entity.get("name") or entity["id"])
        for kind, collection in (("service", "/services"), ("upstream", "/upstreams"))
        for entity in engine.client.paginate(collection)
        if ref_id(entity.get("client_certificate")) == existing["id"]
    ]
    if users:
        raise KongError(
            "%s is the client_certificate of %s; point them to another certificate (or remove them) first"
            % (engine.label, ", ".join(users))
        )


def compare_pem(engine: Any, name: str, desired: Any, existing: Any) -> Any:
    if name in ("cert", "key", "cert_alt", "key_alt") and isinstance(desired, str) and isinstance(existing, str):
        return desired.strip() != existing.strip()
    return None


# -- credentials -----------------------------------------------------------------------------


def basic_auth_hash(password: str, consumer_id: str) -> str:
    """What Kong stores for a basic-auth password: hex sha1 of the password followed by the consumer id."""
    return hashlib.sha1((password + consumer_id).encode("utf-8")).hexdigest()  # nosec - Kong's own scheme


def compare_credential(engine: Any, name: str, desired: Any, existing: Any) -> Any:
    """basic-auth passwords through Kong's hash (unless update_password=on_create); PEM keys ignoring edges."""
    if name == "rsa_public_key" and isinstance(desired, str) and isinstance(existing, str):
        return desired.strip() != existing.strip()
    if name != "password":
        return None
    if engine.params.get("update_password") == "on_create" or not engine.parent_id:
        return False
    return basic_auth_hash(desired, engine.parent_id) != existing


def predict_password(engine: Any, entity: dict[str, Any]) -> None:
    if isinstance(entity.get("password"), str) and engine.parent_id and engine.spec.collection == "basic-auths":
        entity["password"] = basic_auth_hash(entity["password"], engine.parent_id)


# -- CA certificates -------------------------------------------------------------------------

PEM_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.DOTALL)


def certificate_digest(pem: str) -> str | None:
    """Kong's ``cert_digest``: the hex SHA-256 of the certificate's DER (None when ``pem`` holds none)."""
    found = PEM_CERTIFICATE.search(pem or "")
    if not found:
        return None
    try:
        der = base64.b64decode("".join(found.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return hashlib.sha256(der).hexdigest()


def find_ca_certificate(engine: Any, desired: dict[str, Any]) -> Any:
    """By id, else the CA certificate holding the same certificate (Kong's ``cert_digest``, or the same PEM)."""
    if engine.params.get("id"):
        return engine.find_default(desired)
    cert = desired.get("cert")
    if not cert:
        return None
    digest = certificate_digest(cert)
    for existing in engine.client.paginate(engine.collection_path()):
        if (digest and existing.get("cert_digest") == digest) or (existing.get("cert") or "").strip() == cert.strip():
            return existing
    return None


def predict_cert_digest(engine: Any, entity: dict[str, Any]) -> None:
    if isinstance(entity.get("cert"), str):
        entity["cert_digest"] = certificate_digest(entity["cert"])


# -- keys ------------------------------------------------------------------------------------

# JWK members holding private key material (RFC 7517/7518: RSA, EC, OKP private parts; oct keys)
JWK_PRIVATE = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")


def _jwk(value: Any) -> dict[str, Any] | None:
    try:
        parsed = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def jwk_private_values(params: dict[str, Any]) -> list[str]:
    """The private members of the ``jwk`` option, to mask wherever they appear."""
    jwk = _jwk(params.get("jwk"))
    if jwk is None:
        return []
    return [json.dumps(v) if not isinstance(v, str) else v for k, v in jwk.items() if k in JWK_PRIVATE and v]


def redact_jwk(entity: dict[str, Any]) -> dict[str, Any]:
    """``entity`` with the private members of its ``jwk`` masked (the public ones stay readable)."""
    jwk = _jwk(entity.get("jwk"))
    if jwk is None or not any(k in jwk for k in JWK_PRIVATE):
        return entity
    masked = {k: MASK if k in JWK_PRIVATE and v is not None else v for k, v in jwk.items()}
    return dict(entity, jwk=json.dumps(masked, separators=(",", ":")))


def compare_key(engine: Any, name: str, desired: Any, existing: Any) -> Any:
    """A ``jwk`` by its JSON members; PEM keys ignoring surrounding whitespace."""
    if name == "jwk" and isinstance(desired, str):
        wanted = _jwk(desired)
        return (wanted != _jwk(existing)) if wanted is not None else desired != existing
    if name == "pem" and isinstance(desired, dict):
        held = existing if isinstance(existing, dict) else {}
        return any(
            not isinstance(held.get(k), str) or v.strip() != held[k].strip() if isinstance(v, str) else v != held.get(k)
            for k, v in desired.items()
        )
    return None
