"""The decK 1.4 state file holding what the ai_gateway role creates for a bench inventory.

It mirrors the role's mapping (plugins/module_utils/gateway/model.py) for the features bench/gen_inventory.py
uses: services, routes, the pre-function (Bearer), key-auth and ai-proxy plugins of each model, the
upstream and targets of the self-hosted model, and each consumer with its key-auth key and its
rate-limiting plugin, all carrying the same tag. The one difference: decK 1.4 predates plugin
``instance_name``, so its plugins are identified by name and scope only.

    python bench/gen_deck_state.py --size 100 --out /tmp/state.yaml
"""

from __future__ import annotations

import argparse
import copy
import functools
import importlib
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from gen_inventory import build_inventory

ROLE = Path(__file__).resolve().parents[1] / "roles" / "ai_gateway"
TESTS = ROLE.parents[1] / "tests"


@functools.cache
def role_model() -> Any:
    """The role's mapping module, imported from this checkout as aigateway.kong."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from helpers.importable import ensure_collection_importable

    ensure_collection_importable()
    return importlib.import_module("ansible_collections.aigateway.kong.plugins.module_utils.gateway.model")


@functools.cache
def role_defaults() -> dict[str, Any]:
    return yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())


def role_default(name: str) -> Any:
    return copy.deepcopy(role_defaults()[name])  # a fresh copy: shared objects would be written as YAML aliases


def bearer_lua(key_name: str) -> str:
    """The role's Bearer pre-function code."""
    return role_model().BEARER_LUA.replace("KEY_NAME", key_name)


def service_of(model: dict[str, Any], tags: list[str]) -> dict[str, Any]:
    url = model.get("upstream_url")
    if url:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = {"protocol": parts.scheme, "host": parts.hostname, "port": port}
    else:
        target = {"protocol": "https", "host": role_model().PROVIDER_HOSTS[model["provider"]], "port": 443}
    return {"name": model["name"], **target, "tags": tags}


def model_state(model: dict[str, Any], tags: list[str], key_names: list[str]) -> dict[str, Any]:
    service = service_of(model, tags)
    service["plugins"] = [
        {"name": "pre-function", "config": {"access": [bearer_lua(key_names[0])]}, "enabled": True, "tags": tags},
        {
            "name": "key-auth",
            "config": {"key_names": key_names, "hide_credentials": True},
            "enabled": True,
            "tags": tags,
        },
    ]
    options = dict(model.get("options") or {})
    if model.get("upstream_url"):
        options["upstream_url"] = model["upstream_url"]
    spec: dict[str, Any] = {"provider": model["provider"], "name": model["model"]}
    if options:
        spec["options"] = options
    config: dict[str, Any] = {"route_type": "llm/v1/chat", "model": spec}
    if model.get("auth"):
        config["auth"] = model["auth"]
    service["routes"] = [
        {
            "name": model["name"],
            "paths": model["paths"],
            "methods": ["POST"],
            "protocols": ["http", "https"],
            "strip_path": True,
            "tags": tags,
            "plugins": [{"name": "ai-proxy", "config": config, "enabled": True, "tags": tags}],
        }
    ]
    return service


def upstream_state(model: dict[str, Any], tags: list[str]) -> dict[str, Any]:
    return {
        "name": model.get("upstream_name") or model["name"] + "-upstream",
        "algorithm": role_default("ai_gateway_upstream_algorithm"),
        "healthchecks": role_default("ai_gateway_healthchecks"),
        "tags": tags,
        "targets": [{"target": r["target"], "weight": r.get("weight", 100), "tags": tags} for r in model["replicas"]],
    }


def consumer_state(item: dict[str, Any], tags: list[str]) -> dict[str, Any]:
    limit = {"limit_by": "consumer", "policy": "local"}
    limit.update({k: v for k, v in item["rate_limit"].items() if v is not None})
    return {
        "username": item["username"],
        "tags": tags,
        "keyauth_credentials": [{"key": key, "tags": tags} for key in item["keys"]],
        "plugins": [{"name": "rate-limiting", "config": limit, "enabled": True, "tags": tags}],
    }


def build_state(inventory: dict[str, Any]) -> dict[str, Any]:
    tags = [inventory["ai_gateway_tag"]]
    key_names = inventory.get("ai_gateway_key_names") or role_default("ai_gateway_key_names")
    models = inventory["ai_gateway_models"]
    return {
        "_format_version": "1.1",
        "services": [model_state(m, tags, key_names) for m in models],
        "upstreams": [upstream_state(m, tags) for m in models if m.get("replicas")],
        "consumers": [consumer_state(c, tags) for c in inventory["ai_gateway_consumers"]],
    }


def entity_count(state: dict[str, Any]) -> int:
    """Kong entities the state describes (services, routes, plugins, upstreams, targets, consumers, keys)."""
    count = 0
    for service in state["services"]:
        count += 1 + len(service["plugins"])
        count += sum(1 + len(route.get("plugins", [])) for route in service["routes"])
    count += sum(1 + len(u["targets"]) for u in state["upstreams"])
    count += sum(1 + len(c["keyauth_credentials"]) + len(c["plugins"]) for c in state["consumers"])
    return count


def write_state(path: Path, inventory: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(build_state(inventory), sort_keys=False))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(write_state(args.out, build_inventory(args.size, "http://127.0.0.1:8001")))


if __name__ == "__main__":
    main()
