# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gateway description turned into Kong entities: what ai_gateway_converge applies, by collection."""

from __future__ import annotations

from typing import Any

import yaml
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.model import (
    INPUTS,
    gateway_entities,
    gateway_tags,
    normalised,
)
from unit.plugins.module_utils.gateway.gateway_inputs import ROLE, inputs

COLLECTIONS = {"upstreams", "targets", "services", "routes", "consumers", "key-auths", "basic-auths", "acls", "plugins"}


def entities(values: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return gateway_entities(values, *normalised(values))


def by(items: list[dict[str, Any]], key: str, value: Any) -> dict[str, Any]:
    found = [e for e in items if e.get(key) == value]
    assert len(found) == 1, (key, value, items)
    return found[0]


def test_the_model_reads_exactly_what_the_role_passes() -> None:
    described = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())["__ai_gateway_described"]
    assert set(described) == set(INPUTS)


def test_empty_description_has_no_entities() -> None:
    out = entities(inputs())
    assert set(out) == COLLECTIONS
    assert all(items == [] for items in out.values())
    assert normalised(inputs()) == ([], [])


def test_tags_are_the_gateway_tag_first_then_the_extra_tags_once() -> None:
    assert gateway_tags(inputs()) == ["aigateway-managed"]
    assert gateway_tags(inputs(tag="gw", extra_tags=["team-a", "gw", "team-a", "env"])) == ["gw", "team-a", "env"]


def test_hosted_model_gets_service_route_auth_and_ai_proxy() -> None:
    model = {
        "name": "chat",
        "provider": "openai",
        "model": "gpt-4o",
        "auth": {"header_name": "Authorization", "header_value": "Bearer sk"},
    }
    out = entities(inputs(models=[model], key_names=["x-api-key"]))
    assert out["services"] == [{"protocol": "https", "host": "api.openai.com", "port": 443, "name": "chat"}]
    assert out["routes"] == [
        {
            "name": "chat",
            "service": "chat",
            "paths": ["/chat"],
            "methods": ["POST"],
            "hosts": [],
            "protocols": ["http", "https"],
            "strip_path": True,
        }
    ]
    assert out["upstreams"] == [] and out["targets"] == []
    names = [p["instance_name"] for p in out["plugins"]]
    assert names == ["chat-bearer", "chat-key-auth", "chat-ai-proxy"]
    bearer = by(out["plugins"], "instance_name", "chat-bearer")
    assert bearer["name"] == "pre-function" and bearer["service"] == "chat"
    assert 'set_header("x-api-key", token)' in bearer["config"]["access"][0]
    key_auth = by(out["plugins"], "instance_name", "chat-key-auth")
    assert key_auth["config"] == {"key_names": ["x-api-key"], "hide_credentials": True}
    proxy = by(out["plugins"], "instance_name", "chat-ai-proxy")
    assert proxy == {
        "instance_name": "chat-ai-proxy",
        "name": "ai-proxy",
        "route": "chat",
        "enabled": True,
        "config": {
            "route_type": "llm/v1/chat",
            "model": {"provider": "openai", "name": "gpt-4o"},
            "auth": {"header_name": "Authorization", "header_value": "Bearer sk"},
        },
    }


def test_bearer_auth_off_and_other_consumer_auths() -> None:
    models = [
        {"name": "a", "provider": "openai", "bearer_auth": False},
        {"name": "b", "provider": "openai", "consumer_auth": "basic-auth"},
        {"name": "c", "provider": "openai", "consumer_auth": "none"},
    ]
    out = entities(inputs(models=models, hide_credentials=False))
    assert [p["instance_name"] for p in out["plugins"]] == [
        "a-key-auth",
        "a-ai-proxy",
        "b-basic-auth",
        "b-ai-proxy",
        "c-ai-proxy",
    ]
    assert by(out["plugins"], "instance_name", "b-basic-auth")["config"] == {"hide_credentials": False}


def test_replicas_make_an_upstream_and_point_the_service_at_it() -> None:
    model = {
        "name": "llama",
        "provider": "openai",
        "upstream_url": "http://llm.internal:8000/v1/chat?x=1",
        "replicas": [{"target": "127.0.0.1:8101", "weight": 30}, {"target": "127.0.0.1:8102"}],
        "healthchecks": {"active": {"healthy": {"interval": 3}}},
    }
    out = entities(inputs(models=[model], upstream_algorithm="least-connections"))
    upstream = by(out["upstreams"], "name", "llama-upstream")
    assert upstream["algorithm"] == "least-connections"
    assert upstream["healthchecks"]["active"]["healthy"] == {"interval": 3, "successes": 2}  # merged over defaults
    assert upstream["healthchecks"]["active"]["http_path"] == "/health"
    assert out["targets"] == [
        {"upstream": "llama-upstream", "target": "127.0.0.1:8101", "weight": 30},
        {"upstream": "llama-upstream", "target": "127.0.0.1:8102", "weight": 100},
    ]
    assert out["services"] == [{"protocol": "http", "host": "llama-upstream", "port": 8000, "name": "llama"}]
    proxy = by(out["plugins"], "name", "ai-proxy")
    assert proxy["config"]["model"]["options"] == {"upstream_url": "http://llama-upstream:8000/v1/chat?x=1"}


def test_upstream_url_without_replicas_is_the_service() -> None:
    model = {"name": "m", "provider": "openai", "upstream_url": "https://llm.example/v1", "upstream_name": "ignored"}
    out = entities(inputs(models=[model]))
    assert out["upstreams"] == [] and out["targets"] == []
    assert out["services"] == [{"protocol": "https", "host": "llm.example", "port": 443, "name": "m"}]
    proxy = by(out["plugins"], "name", "ai-proxy")
    assert proxy["config"]["model"]["options"] == {"upstream_url": "https://llm.example/v1"}


def test_provider_hosts() -> None:
    models = [
        {"name": "az", "provider": "azure", "options": {"azure_instance": "inst", "azure_deployment_id": "d"}},
        {"name": "br", "provider": "bedrock", "options": {"bedrock": {"aws_region": "eu-west-1"}}},
        {"name": "br2", "provider": "bedrock"},
        {"name": "ge", "provider": "gemini", "auth": {"param_name": "key", "param_value": "v"}},
        {"name": "an", "provider": "anthropic", "options": {"anthropic_version": "2023-06-01"}},
        {"name": "x", "provider": "unknown-provider"},
    ]
    out = entities(inputs(models=models))
    assert [s["host"] for s in out["services"]] == [
        "inst.openai.azure.com",
        "bedrock-runtime.eu-west-1.amazonaws.com",
        "bedrock-runtime.us-east-1.amazonaws.com",
        "generativelanguage.googleapis.com",
        "api.anthropic.com",
        "localhost",
    ]
    gemini = by(out["plugins"], "instance_name", "ge-ai-proxy")
    assert gemini["config"]["auth"] == {"param_name": "key", "param_value": "v", "allow_override": False}
    assert "auth" not in by(out["plugins"], "instance_name", "az-ai-proxy")["config"]


def test_consumers_tiers_groups_and_rate_limits() -> None:
    tiers = [{"name": "gold", "rate_limit": {"minute": 100}}]
    consumers = [
        {"username": "ann b", "tier": "gold", "groups": ["ops", "gold"], "keys": ["k1", "k2"]},
        {
            "username": "bob",
            "custom_id": "b-1",
            "tier": "gold",
            "rate_limit": {"second": 2, "policy": "redis"},
            "basic_auth": {"username": "bob", "password": "pw"},
        },
        {"username": "cy"},
    ]
    values = inputs(tiers=tiers, consumers=consumers, redis={"host": "127.0.0.1", "password": "r"})
    out = entities(values)
    assert out["consumers"] == [
        {"username": "ann b", "custom_id": None},
        {"username": "bob", "custom_id": "b-1"},
        {"username": "cy", "custom_id": None},
    ]
    assert out["key-auths"] == [{"consumer": "ann b", "key": "k1"}, {"consumer": "ann b", "key": "k2"}]
    assert out["basic-auths"] == [{"consumer": "bob", "username": "bob", "password": "pw", "update_password": "always"}]
    assert out["acls"] == [
        {"consumer": "ann b", "group": "gold"},
        {"consumer": "ann b", "group": "ops"},
        {"consumer": "bob", "group": "gold"},
    ]
    ann = by(out["plugins"], "instance_name", "ann_b-rate-limiting")  # the username made a safe instance name
    assert ann == {
        "instance_name": "ann_b-rate-limiting",
        "name": "rate-limiting",
        "consumer": "ann b",
        "config": {"limit_by": "consumer", "policy": "local", "minute": 100},
        "enabled": True,
    }
    bob = by(out["plugins"], "instance_name", "bob-rate-limiting")  # its own limit, not its tier's
    assert bob["config"] == {
        "limit_by": "consumer",
        "policy": "redis",
        "second": 2,
        "redis": {"host": "127.0.0.1", "password": "r"},
    }
    assert [p for p in out["plugins"] if p.get("consumer") == "cy"] == []  # no tier, no limit: no plugin
    _models, records = normalised(values)
    assert [c["slug"] for c in records] == ["ann_b", "bob", "cy"]


def test_basic_auth_update_password_is_always_unless_the_consumer_says_on_create() -> None:
    consumers = [
        {"username": "a", "basic_auth": {"username": "a", "password": "p", "update_password": "on_create"}},
        {"username": "b", "basic_auth": {"username": "b", "password": "p", "update_password": "always"}},
        {"username": "c", "basic_auth": {"username": "c", "password": "p", "update_password": ""}},
    ]
    out = entities(inputs(consumers=consumers))
    assert [(i["consumer"], i["update_password"]) for i in out["basic-auths"]] == [
        ("a", "on_create"),
        ("b", "always"),
        ("c", "always"),
    ]


def test_policies_per_model_and_global() -> None:
    models = [
        {
            "name": "m",
            "provider": "openai",
            "policies": {"cors": {"origins": ["*"]}, "prompt_guard": False},
            "routes": [{"name": "m-chat", "allow": ["b", "a", "b"]}, {"name": "m-comp", "strip_path": False}],
        }
    ]
    consumers = [{"username": "u", "groups": ["a", "b"]}]
    out = entities(
        inputs(
            models=models,
            consumers=consumers,
            policies={"prompt_guard": {"deny_patterns": ["x"]}, "prometheus": {}},
            global_policies={"correlation_id": {"header_name": "X-Id"}, "cors": False},
        )
    )
    names = [p["instance_name"] for p in out["plugins"]]
    assert names == [
        "m-bearer",
        "m-key-auth",
        "m-cors",
        "m-prometheus",
        "m-chat-ai-proxy",
        "m-chat-acl",
        "m-comp-ai-proxy",
        "ai-gateway-correlation-id",
    ]
    assert by(out["plugins"], "instance_name", "m-cors")["config"] == {"origins": ["*"]}
    assert by(out["plugins"], "instance_name", "m-chat-acl")["config"] == {
        "allow": ["a", "b"],
        "hide_groups_header": True,
    }
    assert [r["methods"] for r in out["routes"]] == [["POST", "OPTIONS"], ["POST", "OPTIONS"]]  # cors answers preflight
    assert [r["strip_path"] for r in out["routes"]] == [True, False]
    assert [r["paths"] for r in out["routes"]] == [["/m"], ["/m"]]
    correlation = by(out["plugins"], "instance_name", "ai-gateway-correlation-id")
    assert correlation["name"] == "correlation-id" and correlation["config"] == {"header_name": "X-Id"}
    assert not {"service", "route", "consumer"} & set(correlation)  # a global plugin


def test_route_settings_fall_back_to_the_model() -> None:
    model = {
        "name": "m",
        "provider": "openai",
        "paths": ["/v1/m"],
        "hosts": ["llm.example"],
        "route_type": "llm/v1/completions",
        "config": {"logging": {"log_statistics": True}},
        "routes": [
            {"name": "r1"},
            {"name": "r2", "paths": ["/other"], "methods": ["GET"], "route_type": "llm/v1/chat"},
        ],
    }
    out = entities(inputs(models=[model]))
    r1, r2 = out["routes"]
    assert (r1["paths"], r1["hosts"], r1["methods"]) == (["/v1/m"], ["llm.example"], ["POST"])
    assert (r2["paths"], r2["hosts"], r2["methods"]) == (["/other"], ["llm.example"], ["GET"])
    proxies = {p["route"]: p["config"] for p in out["plugins"] if p["name"] == "ai-proxy"}
    assert proxies["r1"]["route_type"] == "llm/v1/completions" and proxies["r2"]["route_type"] == "llm/v1/chat"
    assert proxies["r1"]["logging"] == {"log_statistics": True}  # the model's config merged into each ai-proxy


def test_plugins_policy_adds_any_plugin_by_name() -> None:
    budget = {"account": "acme", "billing_token": "tok"}
    models = [
        {"name": "a", "provider": "openai"},
        {"name": "b", "provider": "openai", "policies": {"plugins": {"llm-budget": False}}},
    ]
    out = entities(
        inputs(
            models=models,
            policies={"plugins": {"llm-budget": budget}},
            global_policies={"plugins": {"llm-audit": {"level": 1}}},
        )
    )
    plugin = by(out["plugins"], "instance_name", "a-llm-budget")
    assert plugin["name"] == "llm-budget" and plugin["config"] == budget and plugin["service"] == "a"
    assert [p for p in out["plugins"] if p["instance_name"] == "b-llm-budget"] == []
    assert by(out["plugins"], "instance_name", "ai-gateway-llm-audit")["name"] == "llm-audit"
