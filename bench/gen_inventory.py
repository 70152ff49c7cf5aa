"""A gateway inventory of size N in the ai_gateway role's variable format (group_vars of kong_admin).

N consumers, each with one key-auth key and a per-consumer rate limit; three hosted models (one route
and one ai-proxy plugin each, key-auth on the service); one self-hosted model behind an upstream with
two targets. Keys are derived from the consumer index, so the same N always gives the same inventory.

    python bench/gen_inventory.py --size 100 --admin-url http://127.0.0.1:8001 --out /tmp/inv
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

TAG = "aigateway-bench"
HOSTED = (
    ("openai-chat", "openai", "gpt-4o-mini", {"max_tokens": 512}),
    ("mistral-chat", "mistral", "mistral-large-latest", {"mistral_format": "openai"}),
    ("anthropic-chat", "anthropic", "claude-3-5-sonnet", {"anthropic_version": "2023-06-01", "max_tokens": 512}),
)


def consumer(index: int) -> dict[str, Any]:
    return {
        "username": f"user-{index:05d}",
        "keys": [f"bench-key-{index:05d}-{(index * 2654435761) % 2**32:08x}"],
        "rate_limit": {"minute": 60 + index % 7 * 10, "hour": 1000},
    }


def models() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name, provider, model, options in HOSTED:
        out.append(
            {
                "name": name,
                "provider": provider,
                "model": model,
                "paths": [f"/ai/{name}"],
                "options": dict(options),
                "auth": {"header_name": "Authorization", "header_value": f"{{vault://env/{provider}-key}}"},
            }
        )
    out.append(
        {
            "name": "llama-local",
            "provider": "openai",
            "model": "llama-3.1-8b-instruct",
            "paths": ["/ai/llama"],
            "upstream_url": "http://llama-local-upstream:8000/v1/chat/completions",
            "replicas": [{"target": "127.0.0.1:8101", "weight": 100}, {"target": "127.0.0.1:8102", "weight": 50}],
        }
    )
    return out


def build_inventory(size: int, admin_url: str) -> dict[str, Any]:
    """The kong_admin group variables for a gateway with ``size`` consumers."""
    return {
        "ai_gateway_admin_url": admin_url,
        "ai_gateway_tag": TAG,
        "ai_gateway_prune": False,
        "ai_gateway_models": models(),
        "ai_gateway_consumers": [consumer(index) for index in range(size)],
    }


def write_inventory(directory: Path, size: int, admin_url: str) -> Path:
    """Write hosts.yml and group_vars/kong_admin/gateway.yml under ``directory``; return it."""
    group_vars = directory / "group_vars" / "kong_admin"
    group_vars.mkdir(parents=True, exist_ok=True)
    hosts = {
        "kong_admin": {
            "hosts": {
                "kong-admin": {
                    "ansible_connection": "local",
                    "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                }
            }
        }
    }
    (directory / "hosts.yml").write_text(yaml.safe_dump(hosts, sort_keys=False))
    (group_vars / "gateway.yml").write_text(yaml.safe_dump(build_inventory(size, admin_url), sort_keys=False))
    return directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--admin-url", default="http://127.0.0.1:8001")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(write_inventory(args.out, args.size, args.admin_url))


if __name__ == "__main__":
    main()
