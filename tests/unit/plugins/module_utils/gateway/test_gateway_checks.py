# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The description's cross-field rules: each problem named, all reported at once."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.checks import gateway_errors
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.model import normalised
from unit.plugins.module_utils.gateway.gateway_inputs import inputs

MODEL = {"name": "m", "provider": "openai"}
REPLICAS = {"upstream_url": "http://h:1", "replicas": [{"target": "a:1"}]}


def errors(**changes: Any) -> list[str]:
    values = inputs(**changes)
    return gateway_errors(values, *normalised(values))


CASES: list[tuple[dict[str, Any], str]] = [
    ({"tag": "a,b"}, "ai_gateway_tag 'a,b' must be printable ASCII without ',' or '/'"),
    ({"extra_tags": ["x/y"]}, "ai_gateway_extra_tags: 'x/y' must be printable ASCII"),
    ({"admin_url": "localhost:8001"}, "ai_gateway_admin_url 'localhost:8001' must be an http:// or https:// URL"),
    ({"prune": True}, "ai_gateway_prune needs a ai_gateway_tag unique to this gateway"),
    ({"key_names": []}, "ai_gateway_key_names needs at least one header name"),
    ({"models": [MODEL, dict(MODEL, provider="cohere")]}, "model name 'm' is used more than once"),
    ({"models": [dict(MODEL, name="my model")]}, "model 'my model': name may only contain"),
    ({"models": [dict(MODEL, routes=[{"name": "r 1"}])]}, "model 'm': route name 'r 1' may only contain"),
    ({"models": [dict(MODEL, paths=["chat"])]}, "model 'm': path 'chat' must start with /"),
    ({"models": [dict(MODEL, allow=["vip"])]}, "model 'm': allow names 'vip', which is neither a tier nor a group"),
    (
        {"models": [dict(MODEL, allow=["vip"], consumer_auth="none")], "tiers": [{"name": "vip"}]},
        "model 'm': an allow list needs consumer_auth key-auth or basic-auth",
    ),
    ({"models": [dict(MODEL, replicas=[{"target": "127.0.0.1:1"}])]}, "model 'm': replicas need upstream_url"),
    (
        {"models": [dict(MODEL, upstream_url="http://h:1", replicas=[{"target": "a:1"}, {"target": "a:1"}])]},
        "model 'm': a replica target is listed more than once",
    ),
    (
        {"models": [dict(MODEL, upstream_name="10.0.0.1", **REPLICAS)]},
        "upstream name '10.0.0.1' must be a hostname",
    ),
    (
        {"models": [dict(MODEL, upstream_name="u", **REPLICAS), dict(MODEL, name="n", upstream_name="u", **REPLICAS)]},
        "upstream name 'u' is used by more than one model",
    ),
    (
        {"models": [dict(MODEL, upstream_url="ftp://h/v1")]},
        "model 'm': upstream_url must be an http:// or https:// URL",
    ),
    (
        {"models": [dict(MODEL, provider="llama2", options={"llama2_format": "ollama"})]},
        "provider llama2 is self-hosted and needs upstream_url",
    ),
    ({"models": [dict(MODEL, provider="anthropic")]}, "model 'm': provider anthropic needs options.anthropic_version"),
    (
        {"models": [dict(MODEL, provider="azure", options={"azure_instance": "i"})]},
        "model 'm': provider azure needs options.azure_deployment_id",
    ),
    (
        {"models": [dict(MODEL, provider="gemini", auth={"allow_override": True})]},
        "provider gemini only supports auth.allow_override false",
    ),
    ({"models": [dict(MODEL, policies={"magic": {}})]}, "model 'm': unknown policy 'magic'"),
    ({"global_policies": {"magic": {}}}, "unknown policy 'magic' (known: "),
    (
        {"models": [dict(MODEL, routes=[{"name": "r"}]), dict(MODEL, name="n", routes=[{"name": "r"}])]},
        "route name 'r' is used by more than one model route",
    ),
    ({"global_policies": {"cors": "yes"}}, "policy 'cors' must be a plugin config (a dict) or false"),
    ({"tiers": [{"name": "t"}, {"name": "t"}]}, "tier name 't' is used more than once"),
    ({"tiers": [{"name": "t", "rate_limit": {"policy": "local"}}]}, "tier 't': rate_limit needs at least one of"),
    ({"consumers": [{"username": "u"}, {"username": "u"}]}, "username 'u' is used more than once"),
    ({"consumers": [{"username": "a b"}, {"username": "a_b"}]}, "two usernames differ only in characters"),
    (
        {"consumers": [{"username": "a", "keys": ["k"]}, {"username": "b", "keys": ["k"]}]},
        "consumer 'b': a key-auth key is already used by consumer 'a'",
    ),
    ({"consumers": [{"username": "u", "tier": "gold"}]}, "consumer 'u': unknown tier 'gold'"),
    ({"policies": {"plugins": {"Not A Plugin": {}}}}, "policy 'plugins': 'Not A Plugin' is not a Kong plugin name"),
    ({"global_policies": {"plugins": ["llm-budget"]}}, "policy 'plugins' must map Kong plugin names to configs"),
    (
        {"models": [dict(MODEL, policies={"plugins": {"llm-budget": "on"}})]},
        "model 'm': policy 'plugins': 'llm-budget' must be a plugin config (a dict) or false",
    ),
    ({"consumers": [{"username": "u", "basic_auth": {"username": "u"}}]}, "basic_auth needs username and password"),
    (
        {
            "consumers": [
                {"username": "a", "basic_auth": {"username": "x", "password": "p"}},
                {"username": "b", "basic_auth": {"username": "x", "password": "q"}},
            ]
        },
        "basic_auth username 'x' is used by more than one consumer",
    ),
    (
        {"consumers": [{"username": "u", "basic_auth": {"username": "u", "password": "p", "update_password": "x"}}]},
        "consumer 'u': basic_auth.update_password must be one of always, on_create",
    ),
    ({"consumers": [{"username": "u", "rate_limit": {"policy": "local"}}]}, "rate_limit needs at least one of"),
    (
        {"consumers": [{"username": "u", "rate_limit": {"minute": 1, "policy": "redis"}}]},
        "rate limit policy redis needs ai_gateway_redis.host",
    ),
    (
        {"consumers": [{"username": "u", "tier": "t"}], "tiers": [{"name": "t", "rate_limit": {"minute": 1}}],
         "rate_limit_policy": "redis"},
        "consumer 'u': rate limit policy redis needs ai_gateway_redis.host",
    ),
]


@pytest.mark.parametrize(("changes", "message"), CASES, ids=[c[1][:40] for c in CASES])
def test_each_rule_names_what_is_wrong(changes: dict[str, Any], message: str) -> None:
    found = errors(**changes)
    assert [e for e in found if message in e], found


def test_all_problems_are_reported_at_once() -> None:
    changes: dict[str, Any] = {}
    for case, _message in (CASES[0], CASES[1], CASES[2], CASES[4]):
        changes.update(case)
    assert len(errors(**changes)) == 4, errors(**changes)


def test_a_valid_description_has_no_errors() -> None:
    model = dict(
        MODEL, upstream_url="http://llm.internal:8000/v1", replicas=[{"target": "127.0.0.1:8101"}], allow=["gold"]
    )
    basic = {"username": "u", "password": "p", "update_password": "on_create"}
    consumers = [
        {"username": "u", "tier": "gold", "keys": ["k"], "basic_auth": basic},
        {"username": "v", "basic_auth": {"username": "v", "password": "p", "update_password": ""}},  # the default
    ]
    found = errors(
        models=[model],
        tiers=[{"name": "gold", "rate_limit": {"minute": 5}}],
        consumers=consumers,
        policies={"cors": {"origins": ["*"]}, "plugins": {"llm-budget": False}},
        global_policies={"prometheus": {}},
        tag="gw-1",
        prune=True,
    )
    assert found == []
