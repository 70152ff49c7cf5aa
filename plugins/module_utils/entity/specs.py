# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One declarative ``EntitySpec`` per Kong entity: where it lives, how it is identified, how fields compare.

Option names are Kong's field names. Every module builds its argument spec from these declarations
(plus the connection options), and the engine in ``engine.py`` does the rest. Every other table about
entities (kong_entities' and kong_info's choices, the snapshot's keys and cascades, the lanes'
uniqueness, the role's prune tables) is derived from ``ENTITIES``; a consistency test holds the
modules, action plugins, action group and docs to it.

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.entity import hooks
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import (
    LIST,
    MAP,
    RECORD,
    REF,
    SCALAR,
    SET,
    mask_paths,
)

PROTOCOLS = ("grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp")
TIMEOUT_RANGE = (1, 2147483646)
PORT_RANGE = (0, 65535)
HASH_ON = ("none", "consumer", "ip", "header", "cookie", "path", "query_arg", "uri_capture")


@dataclass(frozen=True)
class Field:
    """One entity field exposed as a module option."""

    kind: str = SCALAR
    type: str = "str"
    elements: str | None = None
    choices: tuple[Any, ...] | None = None
    between: tuple[int, int] | None = None
    ref: str | None = None  # collection a REF field (or a LIST of ids) points to, e.g. "services"
    secret: bool = False  # no_log option, masked in results and diffs
    create_only: bool = False  # sent when creating, never compared (Kong does not return it as sent)
    required: bool = False
    cascade: bool = False  # a REF whose entity, when deleted, makes Kong delete this one too

    def option(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"type": self.type}
        if self.required:
            spec["required"] = True
        if self.elements:
            spec["elements"] = self.elements
        if self.choices:
            spec["choices"] = list(self.choices)
        if self.secret:
            spec["no_log"] = True
        return spec


@dataclass(frozen=True)
class Parent:
    """A parent entity addressed through the path: /{collection}/{id}/{nested}."""

    option: str  # the child's field (and option) naming the parent
    collection: str
    nested: str  # the path segment under the parent
    label: str
    cascade: bool = True  # Kong deletes the child with the parent


@dataclass(frozen=True)
class EntitySpec:
    name: str  # used in messages: "service 'x' created"
    collection: str  # top-level collection: "services"
    return_key: str
    fields: dict[str, Field]
    identity: tuple[str, ...] = ()  # options that address the entity as /collection/{value}, tried in order
    parent: Parent | None = None
    secret_paths: tuple[str, ...] = ()  # paths in Kong's answer to mask (besides secret fields)
    normalize: Callable[..., None] | None = None  # hook(engine, desired): entity-specific rewriting
    find: Callable[..., Any] | None = None  # hook(engine, desired) -> existing entity or None
    compare: Callable[..., Any] | None = None  # hook(engine, name, desired, existing) -> bool (differs) or None
    predict: Callable[..., None] | None = None  # hook(engine, entity): fix a predicted entity (computed fields)
    before_delete: Callable[..., None] | None = None  # hook(engine, existing): refuse a delete Kong would half do
    dynamic_secret_paths: Callable[..., tuple[str, ...]] | None = None  # hook(params, entity) -> secret paths
    secret_values: Callable[..., list[str]] | None = None  # hook(params) -> secrets inside option values (JWK members)
    redact: Callable[..., dict[str, Any]] | None = None  # hook(entity) -> entity with secrets inside values masked
    extra_options: dict[str, Any] = field(default_factory=dict)  # module-only options (not Kong fields)
    # AnsibleModule's cross-option rules, by keyword: required_one_of, mutually_exclusive, required_if,
    # required_together. The one source for the single-entity module and for kong_entities' items.
    rules: dict[str, Any] = field(default_factory=dict)
    # -- where Kong keeps it (the snapshot, kong_info and the lanes read these) --
    module: str | None = None  # the module managing it ("kong_service"); None: listed by kong_info only
    endpoint_key: str | None = None  # the field Kong's GET /{collection}/{key} reads when key is not a UUID
    nested_key: str | None = None  # a key Kong reads only under the parent (/consumers/{c}/acls/{group})
    plain_keys: bool = False  # Kong answers 404 (not 400) for a missing endpoint key of PLAIN_KEY characters
    listed: bool = True  # Kong lists it at /{collection}; else only under its parent (targets)
    scopes: tuple[Parent, ...] = ()  # parents it is also listed under, as an optional reference (routes of a service)
    unique_under_parent: bool = False  # Kong tells two of them apart only under one parent (targets, acls)
    # further fields Kong keeps unique together, by a name for the lanes (applies when the first is set)
    unique: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dao: str | None = None  # Kong's schema name when it is not the collection's (/schemas/{dao}/validate)

    @property
    def schema_name(self) -> str:
        """The name Kong's ``/schemas/{name}`` endpoints take for this entity."""
        return self.dao or self.collection.replace("-", "_")

    @property
    def parents(self) -> tuple[Parent, ...]:
        """Every parent the entity is listed under: the one it belongs to, then its scopes."""
        return ((self.parent,) if self.parent else ()) + self.scopes

    def argument_spec(self) -> dict[str, Any]:
        spec = {name: f.option() for name, f in self.fields.items()}
        spec["id"] = {"type": "str"}
        spec.update(self.extra_options)
        return spec

    def masked_paths(self, params: dict[str, Any] | None = None, entity: Any = None) -> tuple[str, ...]:
        paths = tuple(name for name, f in self.fields.items() if f.secret) + self.secret_paths
        if self.dynamic_secret_paths:
            paths += self.dynamic_secret_paths(params or {}, entity)
        return paths

    def masked(self, entity: dict[str, Any], params: dict[str, Any] | None = None, like: Any = None) -> dict[str, Any]:
        """``entity`` with its secrets masked; ``like`` is the full entity when ``entity`` is only part of it."""
        masked = mask_paths(entity, self.masked_paths(params, like if like is not None else entity))
        return self.redact(masked) if self.redact else masked

    def label(self, params: dict[str, Any]) -> str:
        for key in (*self.identity, "id", "name"):
            if params.get(key) and not (self.fields.get(key) and self.fields[key].secret):
                value = params[key]
                return "%s '%s'" % (self.name, value if isinstance(value, str) else ", ".join(value))
        return self.name


TAGS = Field(SET, "list", "str")

SERVICE = EntitySpec(
    module="kong_service",
    endpoint_key="name",
    plain_keys=True,
    name="service",
    collection="services",
    return_key="service",
    identity=("name",),
    normalize=hooks.expand_service_url,
    rules=dict(
        required_one_of=[("name", "id")],
        mutually_exclusive=[("url", "protocol"), ("url", "host"), ("url", "port"), ("url", "path")],
    ),
    fields=dict(
        name=Field(),
        url=Field(create_only=True),
        protocol=Field(choices=PROTOCOLS),
        host=Field(),
        port=Field(type="int", between=PORT_RANGE),
        path=Field(),
        retries=Field(type="int", between=(0, 32767)),
        connect_timeout=Field(type="int", between=TIMEOUT_RANGE),
        write_timeout=Field(type="int", between=TIMEOUT_RANGE),
        read_timeout=Field(type="int", between=TIMEOUT_RANGE),
        tags=TAGS,
        client_certificate=Field(REF, ref="certificates"),
        tls_verify=Field(type="bool"),
        tls_verify_depth=Field(type="int", between=(0, 64)),
        ca_certificates=Field(LIST, "list", "str", ref="ca_certificates"),  # ids
        enabled=Field(type="bool"),
    ),
)

ROUTE = EntitySpec(
    module="kong_route",
    endpoint_key="name",
    plain_keys=True,
    scopes=(Parent("service", "services", "routes", "service", cascade=False),),
    name="route",
    collection="routes",
    return_key="route",
    identity=("name",),
    normalize=hooks.normalize_route,
    compare=hooks.compare_route,
    rules=dict(required_one_of=[("name", "id")]),
    fields=dict(
        name=Field(),
        service=Field(REF, ref="services"),
        protocols=Field(SET, "list", "str", choices=PROTOCOLS),
        methods=Field(SET, "list", "str"),
        hosts=Field(LIST, "list", "str"),
        paths=Field(LIST, "list", "str"),
        headers=Field(MAP, "dict"),
        snis=Field(SET, "list", "str"),
        sources=Field(SET, "list", "dict"),
        destinations=Field(SET, "list", "dict"),
        strip_path=Field(type="bool"),
        preserve_host=Field(type="bool"),
        regex_priority=Field(type="int"),
        path_handling=Field(choices=("v0", "v1")),
        https_redirect_status_code=Field(type="int", choices=(426, 301, 302, 307, 308)),
        request_buffering=Field(type="bool"),
        response_buffering=Field(type="bool"),
        tags=TAGS,
    ),
)

CONSUMER = EntitySpec(
    module="kong_consumer",
    endpoint_key="username",
    plain_keys=True,
    unique={"custom_id": ("custom_id",)},
    name="consumer",
    collection="consumers",
    return_key="consumer",
    identity=("username",),
    find=hooks.find_consumer,
    rules=dict(required_one_of=[("username", "custom_id", "id")]),
    fields=dict(username=Field(), custom_id=Field(), tags=TAGS),
)

UPSTREAM = EntitySpec(
    module="kong_upstream",
    endpoint_key="name",
    name="upstream",
    collection="upstreams",
    return_key="upstream",
    identity=("name",),
    normalize=hooks.check_upstream,
    rules=dict(required_one_of=[("name", "id")]),
    fields=dict(
        name=Field(),
        algorithm=Field(choices=("consistent-hashing", "least-connections", "round-robin", "latency")),
        hash_on=Field(choices=HASH_ON),
        hash_fallback=Field(choices=HASH_ON),
        hash_on_header=Field(),
        hash_fallback_header=Field(),
        hash_on_cookie=Field(),
        hash_on_cookie_path=Field(),
        hash_on_query_arg=Field(),
        hash_fallback_query_arg=Field(),
        hash_on_uri_capture=Field(),
        hash_fallback_uri_capture=Field(),
        slots=Field(type="int", between=(10, 65536)),
        healthchecks=Field(RECORD, "dict"),
        host_header=Field(),
        client_certificate=Field(REF, ref="certificates"),
        use_srv_name=Field(type="bool"),
        tags=TAGS,
    ),
)

TARGET = EntitySpec(
    module="kong_target",
    endpoint_key="target",
    listed=False,
    unique_under_parent=True,
    name="target",
    collection="targets",
    return_key="target",
    identity=("target",),
    parent=Parent("upstream", "upstreams", "targets", "upstream"),
    normalize=hooks.normalize_target,
    find=hooks.find_target,
    fields=dict(target=Field(required=True), weight=Field(type="int", between=(0, 65535)), tags=TAGS),
)

PLUGIN = EntitySpec(
    module="kong_plugin",
    endpoint_key="instance_name",
    plain_keys=True,
    scopes=tuple(Parent(s, s + "s", "plugins", s) for s in ("service", "route", "consumer")),
    unique={"scope": ("name", "service", "route", "consumer")},
    name="plugin",
    collection="plugins",
    return_key="plugin",
    identity=("instance_name",),
    find=hooks.find_plugin,
    normalize=hooks.normalize_plugin,
    rules=dict(required_one_of=[("name", "instance_name", "id")]),
    dynamic_secret_paths=hooks.plugin_secret_paths,
    fields=dict(
        name=Field(),
        instance_name=Field(),
        service=Field(REF, ref="services", cascade=True),
        route=Field(REF, ref="routes", cascade=True),
        consumer=Field(REF, ref="consumers", cascade=True),
        config=Field(RECORD, "dict"),
        protocols=Field(SET, "list", "str", choices=PROTOCOLS),
        enabled=Field(type="bool"),
        tags=TAGS,
    ),
)

CERTIFICATE = EntitySpec(
    module="kong_certificate",
    endpoint_key="snis",
    name="certificate",
    collection="certificates",
    return_key="certificate",
    identity=("snis",),
    find=hooks.find_certificate,
    compare=hooks.compare_pem,
    before_delete=hooks.refuse_referenced_certificate,
    rules=dict(
        required_one_of=[("snis", "id")],
        required_if=[("state", "present", ("cert", "key"))],
        required_together=[("cert_alt", "key_alt")],
    ),
    fields=dict(
        cert=Field(),
        key=Field(secret=True),
        cert_alt=Field(),
        key_alt=Field(secret=True),
        snis=Field(SET, "list", "str"),
        tags=TAGS,
    ),
)


def _credential(
    name: str,
    nested: str,
    collection: str,
    identity: str,
    dao: str,
    extra_options: dict[str, Any] | None = None,
    endpoint_key: str | None = None,
    **fields: Field,
) -> EntitySpec:
    fields["tags"] = TAGS
    keyed = endpoint_key is not None
    return EntitySpec(
        name=name,
        collection=collection,
        return_key="credential",
        identity=(identity,),
        parent=Parent("consumer", "consumers", nested, "consumer"),
        fields=fields,
        compare=hooks.compare_credential,
        predict=hooks.predict_password,
        extra_options=extra_options or {},
        rules=dict(required_one_of=[(identity, "id")]),
        module="kong_consumer_credential",
        endpoint_key=endpoint_key,
        nested_key=None if keyed else identity,
        plain_keys=keyed,  # a group is a plain key only under its consumer (``nested_key``)
        unique_under_parent=not keyed,
        dao=dao,
    )


UPDATE_PASSWORD = {"type": "str", "default": "always", "choices": ["always", "on_create"], "no_log": False}
ALGORITHMS = (
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "ES256",
    "ES384",
    "ES512",
    "PS256",
    "PS384",
    "PS512",
    "EdDSA",
)

CREDENTIALS = {
    "key-auth": _credential(
        "key-auth credential",
        "key-auth",
        "key-auths",
        "key",
        "keyauth_credentials",
        endpoint_key="key",
        key=Field(secret=True),
        ttl=Field(type="int", between=(0, 100000000), create_only=True),
    ),
    "basic-auth": _credential(
        "basic-auth credential",
        "basic-auth",
        "basic-auths",
        "username",
        "basicauth_credentials",
        endpoint_key="username",
        extra_options={"update_password": UPDATE_PASSWORD},
        username=Field(),
        password=Field(secret=True),
    ),
    "acl": _credential("acl", "acls", "acls", "group", "acls", group=Field()),
    "jwt": _credential(
        "jwt credential",
        "jwt",
        "jwts",
        "key",
        "jwt_secrets",
        endpoint_key="key",
        key=Field(),  # the issuer claim: not a secret in Kong's schema (only key-auth keys are)
        secret=Field(secret=True),
        algorithm=Field(choices=ALGORITHMS),
        rsa_public_key=Field(),
    ),
    "hmac-auth": _credential(
        "hmac-auth credential",
        "hmac-auth",
        "hmac-auths",
        "username",
        "hmacauth_credentials",
        endpoint_key="username",
        username=Field(),
        secret=Field(secret=True),
    ),
}

SNI = EntitySpec(
    module="kong_sni",
    endpoint_key="name",
    name="sni",
    collection="snis",
    return_key="sni",
    identity=("name",),
    rules=dict(required_one_of=[("name", "id")], required_if=[("state", "present", ("certificate",))]),
    fields=dict(name=Field(), certificate=Field(REF, ref="certificates"), tags=TAGS),
)

CA_CERTIFICATE = EntitySpec(
    module="kong_ca_certificate",
    name="CA certificate",
    collection="ca_certificates",
    return_key="ca_certificate",
    find=hooks.find_ca_certificate,
    compare=hooks.compare_pem,
    predict=hooks.predict_cert_digest,
    unique={"cert": ("cert",)},
    rules=dict(required_one_of=[("cert", "id")]),
    fields=dict(cert=Field(), tags=TAGS),
)

# config fields of Kong's vaults that hold credentials (hcv token and AppRole secret, azure client secret, ...)
VAULT_SECRETS = ("token", "approle_secret_id", "client_secret", "api_key", "password", "secret_id")

VAULT = EntitySpec(
    module="kong_vault",
    endpoint_key="prefix",
    name="vault",
    collection="vaults",
    return_key="vault",
    identity=("prefix",),
    secret_paths=tuple("config." + name for name in VAULT_SECRETS),
    rules=dict(required_one_of=[("prefix", "id")], required_if=[("state", "present", ("name",))]),
    fields=dict(
        prefix=Field(),
        name=Field(),
        description=Field(),
        config=Field(RECORD, "dict"),
        tags=TAGS,
    ),
)

KEY_SET = EntitySpec(
    module="kong_key_set",
    endpoint_key="name",
    name="key set",
    collection="key-sets",
    return_key="key_set",
    identity=("name",),
    rules=dict(required_one_of=[("name", "id")]),
    fields=dict(name=Field(), tags=TAGS),
)

KEY = EntitySpec(
    module="kong_key",
    endpoint_key="name",
    name="key",
    collection="keys",
    return_key="key",
    identity=("name",),
    compare=hooks.compare_key,
    unique={"kid": ("kid", "set")},
    secret_paths=("pem.private_key",),
    secret_values=hooks.jwk_private_values,
    redact=hooks.redact_jwk,
    rules=dict(
        required_one_of=[("name", "id")],
        required_if=[("state", "present", ("kid",)), ("state", "present", ("jwk", "pem"), True)],
        mutually_exclusive=[("jwk", "pem")],
    ),
    fields=dict(
        name=Field(),
        kid=Field(),
        set=Field(REF, ref="key-sets"),
        jwk=Field(),
        pem=Field(RECORD, "dict"),
        tags=TAGS,
    ),
)

ENTITIES = {spec.collection: spec for spec in (SERVICE, ROUTE, CONSUMER, UPSTREAM, TARGET, PLUGIN, CERTIFICATE)}
ENTITIES.update({spec.collection: spec for spec in CREDENTIALS.values()})
ENTITIES.update({spec.collection: spec for spec in (SNI, CA_CERTIFICATE, VAULT, KEY_SET, KEY)})
# kong_entities' types: every entity a module manages, in this order
MANAGED = {collection: spec for collection, spec in ENTITIES.items() if spec.module}
# credential collection -> the kong_consumer_credential ``type`` it stands for
CREDENTIAL_TYPES = {spec.collection: kind for kind, spec in CREDENTIALS.items()}
SINGULAR = {collection: spec.name for collection, spec in ENTITIES.items()}
