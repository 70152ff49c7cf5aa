# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory to Kong entities: what the role applies for a given description."""

from __future__ import annotations

from typing import Any

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.aigateway.kong.plugins.filter.ai_gateway import FilterModule, ai_gateway_entities
from unit.plugins.plugin_utils.gateway_inputs import inputs


def by(entities: list[dict[str, Any]], key: str, value: Any) -> dict[str, Any]:
    found = [e for e in entities if e.get(key) == value]
    assert len(found) == 1, (key, value, entities)
    return found[0]


def test_filters_are_registered() -> None:
    assert set(FilterModule().filters()) == {"ai_gateway_entities", "ai_gateway_collisions", "ai_gateway_prune_plan"}


def test_empty_description_has_no_entities() -> None:
    out = ai_gateway_entities(inputs())
    assert out["errors"] == []
    assert out["tags"] == ["aigateway-managed"]
    assert all(out[kind] == [] for kind in ("upstreams", "targets", "services", "routes", "consumers", "plugins"))


def test_hosted_model_gets_service_route_auth_and_ai_proxy() -> None:
    model = {
        "name": "chat",
        "provider": "openai",
        "model": "gpt-4o",
        "auth": {"header_name": "Authorization", "header_value": "Bearer sk"},
    }
    out = ai_gateway_entities(inputs(models=[model], key_names=["x-api-key"]))
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
    names = [p["instance_name"] for p in out["plugins"]]
    assert names == ["chat-bearer", "chat-key-auth", "chat-ai-proxy"]
    bearer = by(out["plugins"], "instance_name", "chat-bearer")
    assert 'set_header("x-api-key", token)' in bearer["config"]["access"][0]
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
    assert out["plugins_no_log"] is True  # the ai-proxy config carries the provider key


def test_replicas_make_an_upstream_and_point_the_service_at_it() -> None:
    model = {
        "name": "llama",
        "provider": "openai",
        "upstream_url": "http://llm.internal:8000/v1/chat?x=1",
        "replicas": [{"target": "127.0.0.1:8101", "weight": 30}, {"target": "127.0.0.1:8102"}],
        "healthchecks": {"active": {"healthy": {"interval": 3}}},
    }
    out = ai_gateway_entities(inputs(models=[model]))
    upstream = by(out["upstreams"], "name", "llama-upstream")
    assert upstream["healthchecks"]["active"]["healthy"] == {"interval": 3, "successes": 2}  # merged over defaults
    assert upstream["healthchecks"]["active"]["http_path"] == "/health"
    assert out["targets"] == [
        {"upstream": "llama-upstream", "target": "127.0.0.1:8101", "weight": 30},
        {"upstream": "llama-upstream", "target": "127.0.0.1:8102", "weight": 100},
    ]
    assert out["services"] == [{"protocol": "http", "host": "llama-upstream", "port": 8000, "name": "llama"}]
    proxy = by(out["plugins"], "name", "ai-proxy")
    assert proxy["config"]["model"]["options"] == {"upstream_url": "http://llama-upstream:8000/v1/chat?x=1"}


def test_provider_hosts() -> None:
    models = [
        {"name": "az", "provider": "azure", "options": {"azure_instance": "inst", "azure_deployment_id": "d"}},
        {"name": "br", "provider": "bedrock", "options": {"bedrock": {"aws_region": "eu-west-1"}}},
        {"name": "ge", "provider": "gemini", "auth": {"param_name": "key", "param_value": "v"}},
    ]
    out = ai_gateway_entities(inputs(models=models))
    assert [s["host"] for s in out["services"]] == [
        "inst.openai.azure.com",
        "bedrock-runtime.eu-west-1.amazonaws.com",
        "generativelanguage.googleapis.com",
    ]
    gemini = by(out["plugins"], "instance_name", "ge-ai-proxy")
    assert gemini["config"]["auth"]["allow_override"] is False


def test_consumers_tiers_groups_and_rate_limits() -> None:
    tiers = [{"name": "gold", "rate_limit": {"minute": 100}}]
    consumers = [
        {"username": "ann b", "tier": "gold", "groups": ["ops", "gold"], "keys": ["k1", "k2"]},
        {
            "username": "bob",
            "rate_limit": {"second": 2, "policy": "redis"},
            "basic_auth": {"username": "bob", "password": "pw"},
        },
    ]
    out = ai_gateway_entities(inputs(tiers=tiers, consumers=consumers, redis={"host": "127.0.0.1", "password": "r"}))
    assert out["errors"] == []
    assert out["consumers"] == [{"username": "ann b", "custom_id": None}, {"username": "bob", "custom_id": None}]
    assert out["key_auths"] == [{"consumer": "ann b", "key": "k1"}, {"consumer": "ann b", "key": "k2"}]
    assert out["basic_auths"] == [{"consumer": "bob", "username": "bob", "password": "pw"}]
    assert out["acls"] == [{"consumer": "ann b", "group": "gold"}, {"consumer": "ann b", "group": "ops"}]
    ann = by(out["plugins"], "instance_name", "ann_b-rate-limiting")  # the username made a safe instance name
    assert ann["config"] == {"limit_by": "consumer", "policy": "local", "minute": 100}
    bob = by(out["plugins"], "instance_name", "bob-rate-limiting")
    assert bob["config"]["redis"] == {"host": "127.0.0.1", "password": "r"}
    assert out["plugins_no_log"] is True


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
    out = ai_gateway_entities(
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
    assert by(out["plugins"], "instance_name", "m-chat-acl")["config"] == {
        "allow": ["a", "b"],
        "hide_groups_header": True,
    }
    assert [r["methods"] for r in out["routes"]] == [["POST", "OPTIONS"], ["POST", "OPTIONS"]]  # cors answers preflight
    assert [r["strip_path"] for r in out["routes"]] == [True, False]
    assert "service" not in by(out["plugins"], "instance_name", "ai-gateway-correlation-id")


def test_the_filter_reads_each_input_once_into_plain_data() -> None:
    class Once(dict):
        reads = 0

        def __getitem__(self, key: str) -> object:
            Once.reads += 1
            return super().__getitem__(key)

    ai_gateway_entities(Once(inputs(consumers=[{"username": f"u{i}"} for i in range(50)])))
    assert Once.reads <= 16


def test_missing_inputs_are_named() -> None:
    values = inputs()
    del values["tiers"]
    with pytest.raises(AnsibleFilterError, match="missing tiers"):
        ai_gateway_entities(values)


def test_plugins_policy_adds_any_plugin_by_name() -> None:
    budget = {"account": "acme", "billing_token": "tok"}
    models = [
        {"name": "a", "provider": "openai"},
        {"name": "b", "provider": "openai", "policies": {"plugins": {"llm-budget": False}}},
    ]
    out = ai_gateway_entities(
        inputs(models=models, policies={"plugins": {"llm-budget": budget}},
               global_policies={"plugins": {"llm-audit": {"level": 1}}})
    )
    assert out["errors"] == []
    plugin = by(out["plugins"], "instance_name", "a-llm-budget")
    assert plugin["name"] == "llm-budget" and plugin["config"] == budget and plugin["service"] == "a"
    assert [p for p in out["plugins"] if p["instance_name"] == "b-llm-budget"] == []
    assert by(out["plugins"], "instance_name", "ai-gateway-llm-audit")["name"] == "llm-audit"
