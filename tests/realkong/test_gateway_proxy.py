"""The ai_gateway role's gateway on a real Kong, used through Kong's proxy as a client uses it.

Models served by loopback OpenAI-compatible backends: keys (``apikey`` header and ``Authorization: Bearer``), tiers
(ACL and rate limits), the provider credential Kong injects, replicas behind an upstream, pruning, and a second run
that changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers.llm_backends import backends
from helpers.through_proxy import send, until

pytestmark = [pytest.mark.kong, pytest.mark.min_kong("3.6")]

ROLE = {"name": "Gateway", "ansible.builtin.include_role": {"name": "aigateway.kong.ai_gateway"}}
CONVERGE = "Converge Kong to the gateway description"
PROVIDER = "Bearer provider-credential-5531"
KEYS = {"alice": "alice-key-0417", "carol": "carol-key-0418", "dave": "dave-key-0419"}


def gateway(kong: Any, replicas: list[Any], consumers: tuple[str, ...] = ("alice", "carol", "dave")) -> dict[str, Any]:
    tiers = {"alice": "premium", "carol": "standard", "dave": "standard"}
    return {
        "ai_gateway_admin_url": kong.url,
        "ai_gateway_tag": "proxy-test",
        "ai_gateway_prune": True,
        "ai_gateway_tiers": [
            {"name": "premium", "rate_limit": {"minute": 1000}},
            {"name": "standard", "rate_limit": {"minute": 3}},
        ],
        "ai_gateway_consumers": [{"username": u, "tier": tiers[u], "keys": [KEYS[u]]} for u in consumers],
        "ai_gateway_models": [
            {
                "name": "chat",
                "provider": "openai",
                "model": "gpt-4o-mini",
                "paths": ["/ai/chat"],
                "upstream_url": f"http://127.0.0.1:{replicas[0].port}/v1/chat/completions",
                "auth": {"header_name": "Authorization", "header_value": PROVIDER},
            },
            {
                "name": "premium-chat",
                "provider": "openai",
                "model": "gpt-4o",
                "paths": ["/ai/premium"],
                "upstream_url": f"http://127.0.0.1:{replicas[1].port}/v1/chat/completions",
                "allow": ["premium"],
            },
            {
                "name": "llama",
                "provider": "openai",
                "model": "llama-3.1-8b-instruct",
                "paths": ["/ai/llama"],
                "upstream_url": "http://llama-upstream:8000/v1/chat/completions",
                "replicas": [{"target": f"127.0.0.1:{r.port}"} for r in replicas],
            },
        ],
    }


def test_the_gateway_serves_clients_as_described(kong: Any, run_playbook: Any) -> None:
    with backends("replica-1", "replica-2") as replicas:
        first = run_playbook([ROLE], sim=kong, play_vars=gateway(kong, replicas), diff=True, verbosity=3)
        assert first.rc == 0, first.summary()
        assert [key for key in (*KEYS.values(), PROVIDER) if key in first.output] == []
        proxy = kong.proxy_url

        assert until(401, proxy + "/ai/chat").status_code == 401
        answer = until(200, proxy + "/ai/chat", {"apikey": KEYS["alice"]})
        assert answer.status_code == 200, answer.text
        seen = replicas[0].chats()[-1]
        assert seen.get("authorization") == PROVIDER and "apikey" not in seen, seen  # injected; client key hidden
        answer = send(proxy + "/ai/chat", {"Authorization": "Bearer " + KEYS["alice"]})
        assert answer.status_code == 200, answer.text
        seen = replicas[0].chats()[-1]
        assert seen.get("authorization") == PROVIDER and "apikey" not in seen, seen
        assert send(proxy + "/ai/chat", {"Authorization": "Bearer not-a-key"}).status_code == 401

        assert until(403, proxy + "/ai/premium", {"apikey": KEYS["carol"]}).status_code == 403
        assert until(200, proxy + "/ai/premium", {"apikey": KEYS["alice"]}).status_code == 200

        served = [until(200, proxy + "/ai/llama", {"apikey": KEYS["alice"]}) for _request in range(8)]
        contents = {a.json()["choices"][0]["message"]["content"] for a in served}
        assert contents == {"served by replica-1", "served by replica-2"}, contents

        limited = [send(proxy + "/ai/chat", {"apikey": KEYS["carol"]}).status_code for _request in range(10)]
        assert limited[0] == 200 and 429 in limited, limited  # 3 a minute: a minute boundary resets it at most once

        again = run_playbook([ROLE], sim=kong, play_vars=gateway(kong, replicas))
        assert again.rc == 0 and not again[CONVERGE].changed and again[CONVERGE].writes == [], again.summary()

        pruned = run_playbook([ROLE], sim=kong, play_vars=gateway(kong, replicas, ("alice", "carol")))
        assert pruned.rc == 0, pruned.summary()
        assert pruned[CONVERGE].result["changes"]["pruned consumers"] == {"deleted": ["consumer 'dave'"]}
        assert until(401, proxy + "/ai/chat", {"apikey": KEYS["dave"]}).status_code == 401
        assert send(proxy + "/ai/chat", {"apikey": KEYS["alice"]}).status_code == 200
