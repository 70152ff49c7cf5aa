"""Schemas.process: defaults, shorthands, PUT/PATCH semantics and entity checks beyond the transcripts."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from kongsim.rules.schemas import SchemaError, Schemas

SVC = "4f5c1c2e-0c1a-4c4b-9d6e-111111111111"
CONSUMER = "4f5c1c2e-0c1a-4c4b-9d6e-222222222222"
ROUTE = "4f5c1c2e-0c1a-4c4b-9d6e-333333333333"


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas()


def violation(schemas: Schemas, entity: str, data, **kw) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        schemas.process(entity, data, op=kw.pop("op", "insert"), **kw)
    return info.value


def test_insert_fills_every_field_and_auto_values(schemas):
    svc = schemas.process("services", {"host": "a.test"}, op="insert", now=1700000000.9)
    assert svc["created_at"] == svc["updated_at"] == 1700000000
    assert re.fullmatch(r"[0-9a-f-]{36}", svc["id"])
    assert svc["path"] is None and svc["tags"] is None and svc["client_certificate"] is None
    assert (svc["protocol"], svc["port"], svc["retries"], svc["enabled"]) == ("http", 80, 5, True)


def test_target_timestamps_keep_milliseconds(schemas):
    tgt = schemas.process("targets", {"target": "a.test", "upstream": {"id": SVC}}, op="insert", now=1700000000.12345)
    assert tgt["created_at"] == 1700000000.123
    assert (tgt["target"], tgt["weight"]) == ("a.test:8000", 100)


def test_generated_credentials(schemas):
    key = schemas.process("keyauth_credentials", {"consumer": {"id": CONSUMER}}, op="insert")
    jwt = schemas.process("jwt_secrets", {"consumer": {"id": CONSUMER}}, op="insert")
    hmac = schemas.process("hmacauth_credentials", {"consumer": {"id": CONSUMER}, "username": "u"}, op="insert")
    for value in (key["key"], jwt["key"], jwt["secret"], hmac["secret"]):
        assert re.fullmatch(r"[A-Za-z0-9]{32}", value)
    assert jwt["key"] != jwt["secret"]
    assert jwt["algorithm"] == "HS256"


def test_basic_auth_password_is_hashed_with_the_consumer_id(schemas):
    cred = schemas.process(
        "basicauth_credentials", {"consumer": {"id": CONSUMER}, "username": "u", "password": " pw "}, op="insert"
    )
    assert cred["password"] == hashlib.sha1((" pw " + CONSUMER).encode()).hexdigest()
    same = schemas.process("basicauth_credentials", {"username": "u2"}, op="update", existing=cred)
    assert same["password"] == cred["password"]


def test_sets_are_deduplicated_keeping_first_occurrence(schemas):
    route = schemas.process(
        "routes", {"paths": ["/a"], "methods": ["POST", "GET", "POST"], "tags": ["b", "a", "b"]}, op="insert"
    )
    assert route["methods"] == ["POST", "GET"]
    assert route["tags"] == ["b", "a"]


def test_upsert_resets_omitted_fields_and_keeps_the_id(schemas):
    old = schemas.process("consumers", {"username": "bob", "custom_id": "c1"}, op="insert")
    new = schemas.process("consumers", {"username": "bob"}, op="upsert", existing=old)
    assert new["id"] == old["id"]
    assert new["custom_id"] is None


def test_update_merges_records_and_replaces_arrays(schemas):
    ups = schemas.process("upstreams", {"name": "u"}, op="insert")
    patched = schemas.process(
        "upstreams",
        {"healthchecks": {"active": {"healthy": {"interval": 5}}}, "tags": ["t"]},
        op="update",
        existing=ups,
    )
    assert patched["healthchecks"]["active"]["healthy"] == {"interval": 5, "http_statuses": [200, 302], "successes": 0}
    assert patched["healthchecks"]["active"]["timeout"] == 1
    route = schemas.process("routes", {"paths": ["/a", "/b"]}, op="insert")
    assert schemas.process("routes", {"paths": ["/c"]}, op="update", existing=route)["paths"] == ["/c"]


def test_update_does_not_reapply_defaults_and_null_clears(schemas):
    svc = schemas.process("services", {"host": "a.test", "name": "s"}, op="insert")
    svc["retries"] = 9
    patched = schemas.process("services", {"name": None}, op="update", existing=svc)
    assert patched["retries"] == 9 and patched["name"] is None


def test_null_on_required_field_in_update(schemas):
    svc = schemas.process(
        "services",
        {"host": "a.test"},
        op="update",
        existing=schemas.process("services", {"host": "b.test"}, op="insert"),
    )
    assert svc["host"] == "a.test"
    err = violation(
        schemas,
        "upstreams",
        {"healthchecks": None},
        op="update",
        existing=schemas.process("upstreams", {"name": "u"}, op="insert"),
    )
    assert err.fields == {"healthchecks": "required field missing"}


def test_service_url_shorthand_on_update_overwrites_its_fields(schemas):
    svc = schemas.process("services", {"url": "https://a.test:8443/v1"}, op="insert")
    assert (svc["protocol"], svc["host"], svc["port"], svc["path"]) == ("https", "a.test", 8443, "/v1")
    patched = schemas.process("services", {"url": "http://b.test"}, op="update", existing=svc)
    assert (patched["protocol"], patched["host"], patched["port"], patched["path"]) == ("http", "b.test", 80, None)
    assert "url" not in patched


@pytest.mark.parametrize(
    ("body", "algorithm", "hash_on"),
    [
        ({"algorithm": "consistent-hashing"}, "round-robin", "none"),
        ({"algorithm": "round-robin", "hash_on": "consumer"}, "consistent-hashing", "consumer"),
        ({"algorithm": "least-connections", "hash_on": "ip"}, "least-connections", "none"),
        ({"algorithm": "latency"}, "latency", "none"),
    ],
)
def test_upstream_algorithm_rules(schemas, body, algorithm, hash_on):
    ups = schemas.process("upstreams", {"name": "u", **body}, op="insert")
    assert (ups["algorithm"], ups["hash_on"]) == (algorithm, hash_on)


def test_upstream_patch_hash_on_none_keeps_the_header(schemas):
    ups = schemas.process("upstreams", {"name": "u", "hash_on": "header", "hash_on_header": "x-a"}, op="insert")
    patched = schemas.process("upstreams", {"hash_on": "none"}, op="update", existing=ups)
    assert (patched["algorithm"], patched["hash_on"], patched["hash_on_header"]) == ("round-robin", "none", "x-a")


def test_upstream_distinct_headers(schemas):
    err = violation(
        schemas,
        "upstreams",
        {
            "name": "u",
            "hash_on": "header",
            "hash_on_header": "x",
            "hash_fallback": "header",
            "hash_fallback_header": "x",
        },
    )
    assert err.fields == {
        "@entity": ["values of these fields must be distinct: 'hash_on_header', 'hash_fallback_header'"],
    }


def test_grpc_route_defaults_and_subschema_fields(schemas):
    route = schemas.process("routes", {"protocols": ["grpc"], "paths": ["/svc"]}, op="insert")
    assert route["strip_path"] is False
    err = violation(schemas, "routes", {"protocols": ["grpc"], "paths": ["/svc"], "methods": ["GET"]})
    assert err.fields == {"methods": "cannot set 'methods' when 'protocols' is 'grpc' or 'grpcs'"}


def test_stream_route_checks(schemas):
    err = violation(schemas, "routes", {"protocols": ["tcp"]})
    assert err.message == (
        "schema violation (must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp')"
    )
    route = schemas.process("routes", {"protocols": ["tcp"], "destinations": [{"port": 9000}]}, op="insert")
    assert route["destinations"] == [{"ip": None, "port": 9000}]
    err = violation(schemas, "routes", {"protocols": ["tcp"], "sources": [{}]})
    assert err.fields == {"sources": [{"@entity": ["at least one of these fields must be non-empty: 'ip', 'port'"]}]}


def test_route_protocol_sets_and_snis(schemas):
    err = violation(schemas, "routes", {"protocols": ["http", "tcp"], "paths": ["/a"]})
    assert err.fields["protocols"] == "these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp')"
    err = violation(schemas, "routes", {"protocols": ["http"], "paths": ["/a"], "snis": ["a.test"]})
    assert err.fields == {
        "@entity": ["'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"],
        "snis": "length must be 0",
    }
    err = violation(schemas, "routes", {"protocols": []})
    assert err.fields == {"protocols": "unknown type: nil"}


def test_updating_messages(schemas):
    consumer = schemas.process("consumers", {"username": "bob"}, op="insert")
    err = violation(schemas, "consumers", {"username": None}, op="update", existing=consumer)
    assert err.fields == {
        "@entity": ["when updating, at least one of these fields must be non-empty: 'custom_id', 'username'"]
    }


def test_foreign_key_shapes(schemas):
    assert violation(schemas, "routes", {"paths": ["/a"], "service": {"id": "nope"}}).fields == {
        "service": {"id": "expected a valid UUID"}
    }
    assert violation(schemas, "routes", {"paths": ["/a"], "service": {"name": ""}}).fields == {
        "service": {"name": "length must be at least 1"}
    }
    assert violation(schemas, "routes", {"paths": ["/a"], "service": "s"}).fields == {
        "service": {"id": "missing primary key"}
    }


def test_plugin_defaults_scope_and_unknown_names(schemas):
    plugin = schemas.process("plugins", {"name": "key-auth", "service": {"id": SVC}}, op="insert")
    assert plugin["config"]["key_names"] == ["apikey"]
    assert plugin["protocols"] == ["grpc", "grpcs", "http", "https"]
    assert (plugin["route"], plugin["consumer"], plugin["instance_name"]) == (None, None, None)
    err = violation(schemas, "plugins", {"name": "key-auth", "consumer": {"id": CONSUMER}})
    assert err.fields == {"consumer": "value must be null"}
    err = violation(schemas, "plugins", {"name": "nope", "config": {"x": 1}})
    assert err.fields == {"name": "plugin 'nope' not enabled; add it to the 'plugins' configuration property"}


def test_plugin_patch_without_name_uses_the_stored_type(schemas):
    rl = schemas.process("plugins", {"name": "rate-limiting", "config": {"minute": 5}}, op="insert")
    assert rl["config"]["redis_host"] is None  # deprecated mirror is answered
    patched = schemas.process("plugins", {"config": {"redis_host": "r1", "policy": "redis"}}, op="update", existing=rl)
    assert patched["config"]["redis"]["host"] == "r1"
    assert patched["config"]["redis_host"] == "r1"
    assert patched["config"]["minute"] == 5


def test_plugin_name_change_reports_old_config_keys(schemas):
    cors = schemas.process("plugins", {"name": "cors"}, op="insert")
    err = violation(schemas, "plugins", {"name": "key-auth"}, op="update", existing=cors)
    assert err.fields["config"]["origins"] == "unknown field"


def test_plugin_record_custom_validators(schemas):
    err = violation(schemas, "plugins", {"name": "request-termination", "config": {"content_type": "text/plain"}})
    assert err.fields == {"config": "content_type requires a body"}
    err = violation(schemas, "plugins", {"name": "rate-limiting", "config": {"second": 10, "minute": 5}})
    assert err.message == (
        "schema violation (config: The limit for minute(5.0) cannot be lower than the limit for second(10.0))"
    )


def test_plugin_protocols_against_route(schemas):
    plugin = {"name": "cors", "protocols": ["grpc"], "route": {"id": ROUTE}}
    err = Schemas.plugin_protocols_error(plugin, {"protocols": ["http", "https"]}, None)
    assert err is not None and err.fields == {"protocols": "must match the associated route's protocols"}
    assert Schemas.plugin_protocols_error(plugin, {"protocols": ["grpc"]}, None) is None


def test_validate_op_has_no_side_effects_and_mutable_input_is_untouched(schemas):
    body = {"name": "cors", "config": {"origins": ["*"]}}
    out = schemas.process("plugins", body, op="validate")
    assert out["config"]["origins"] == ["*"]
    assert body == {"name": "cors", "config": {"origins": ["*"]}}


def test_field_error_for_endpoint_keys(schemas):
    assert schemas.field_error("vaults", "prefix", "env") == "must not be one of: env"
    assert schemas.field_error("upstreams", "name", "llm-pool") is None
    assert schemas.validate_field("snis", "name", "10.0.0.1") == "must not be an IP"


def test_lists_of_raw_schemas(schemas):
    assert "services" in schemas.entity_names() and "ai-proxy" in schemas.plugin_names()
    assert schemas.entity_field("routes", "path_handling")["default"] == "v0"
    served = json.loads((schemas.data_dir / "plugin-key-auth.json").read_text())
    assert Schemas().raw_plugin("key-auth") == served  # a fresh node serves the file as it is
    assert [next(iter(f)) for f in served["fields"]] == ["consumer", "protocols", "config"]


def test_basic_auth_password_change_needs_the_consumer(schemas):
    cred = schemas.process(
        "basicauth_credentials", {"consumer": {"id": CONSUMER}, "username": "u", "password": "a"}, op="insert"
    )
    err = violation(schemas, "basicauth_credentials", {"password": "b"}, op="update", existing=cred)
    assert err.fields == {"@entity": ["all or none of these fields must be set: 'password', 'consumer.id'"]}
    changed = schemas.process(
        "basicauth_credentials", {"password": "b", "consumer": {"id": CONSUMER}}, op="update", existing=cred
    )
    assert changed["password"] == hashlib.sha1(("b" + CONSUMER).encode()).hexdigest()


def test_key_auth_ttl_is_an_option_not_a_field(schemas):
    cred = schemas.process("keyauth_credentials", {"consumer": {"id": CONSUMER}, "key": "k", "ttl": 60}, op="insert")
    assert cred["ttl"] == 60
    assert schemas.process("keyauth_credentials", {"key": "k2"}, op="update", existing=cred)["key"] == "k2"


def test_keys_and_vaults(schemas):
    rsa = json.dumps({"kid": "k1", "kty": "RSA", "n": "AQAB", "e": "AQAB"})
    key = schemas.process("keys", {"kid": "k1", "name": "n1", "jwk": rsa}, op="insert")
    assert key["jwk"] == rsa and key["pem"] is None
    err = violation(schemas, "keys", {"kid": "k2", "name": "n2", "jwk": rsa})
    assert err.fields == {"@entity": ["kid in jwk.kid must be equal to keys.kid"]}
    err = violation(schemas, "keys", {"kid": "k1", "name": "n3", "jwk": json.dumps({"kid": "k1", "kty": "oct"})})
    assert err.fields == {"@entity": ["could not load JWK, likely not a valid key"]}
    vault = schemas.process("vaults", {"name": "env", "prefix": "my-env", "config": {"prefix": "APP_"}}, op="insert")
    assert vault["config"] == {"prefix": "APP_"}
    assert violation(schemas, "vaults", {"name": "hcv", "prefix": "x-y"}).fields == {
        "name": "vault 'hcv' is not installed"
    }
