# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secret paths from the managed Kong's schemas: derived at any depth, read once, fallback with a warning."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api import schemas
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import PLUGIN
from ansible_collections.aigateway.kong.plugins.module_utils.secrets import live as live_schemas
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.live import LiveSecrets
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.schema import schema_secret_paths

LLM_BUDGET = json.loads(
    (Path(__file__).resolve().parents[3] / "fixtures" / "schemas" / "plugin-llm-budget.json").read_text()
)
SECRET = {"type": "string", "encrypted": True}


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    # the process caches are keyed by URL, and every unit test uses the same one
    live_schemas._CACHE.clear()
    schemas.forget()
    yield
    live_schemas._CACHE.clear()
    schemas.forget()


def test_paths_at_any_depth() -> None:
    assert schema_secret_paths(LLM_BUDGET) == ("config.backend.api_password", "config.billing_token")
    schema = {"fields": [{"config": {"type": "record", "fields": [
        {"targets": {"type": "array", "elements": {"type": "record", "fields": [
            {"auth": {"type": "record", "fields": [{"token": SECRET}]}}]}}},
        {"headers": {"type": "map", "keys": {"type": "string"}, "values": {"type": "string", "referenceable": True}}},
        {"keys": {"type": "set", "elements": SECRET}},
        {"password": SECRET},
        {"plain": {"type": "string"}},
    ], "shorthand_fields": [
        {"old_password": {"type": "string", "deprecation": {"replaced_with": [{"path": ["password"]}]}}},
        {"old_plain": {"type": "string", "deprecation": {"replaced_with": [{"path": ["plain"]}]}}},
    ]}}]}
    assert schema_secret_paths(schema) == (
        "config.headers.[]",
        "config.keys.[]",
        "config.old_password",
        "config.password",
        "config.targets.[].auth.token",
    )


def test_read_once_per_name_and_kept_for_the_process(kong: Any, make_client: Any) -> None:
    kong.app.schemas.add_plugin("llm-budget", LLM_BUDGET)
    kong.app.installed_plugins["llm-budget"] = LLM_BUDGET
    client = make_client()
    live = LiveSecrets.of(client)
    assert LiveSecrets.of(client) is live
    for _attempt in range(3):
        assert live.entity_paths("plugins", ["llm-budget", "llm-budget"]) == (
            "config.backend.api_password", "config.billing_token")
    assert LiveSecrets.of(make_client()).paths("plugin", "llm-budget")  # another task of the run: cached
    assert [p for m, p in kong.log if p.startswith("/schemas/")] == ["/schemas/plugins/llm-budget"]


def test_unreadable_schema_falls_back_to_the_generated_list_with_a_warning(kong: Any, make_client: Any) -> None:
    kong.faults.append(("GET", r"^/schemas/plugins/rate-limiting$", 500))
    warnings: list[str] = []
    live = LiveSecrets(make_client(retries=0), warnings.append)
    assert "config.redis.password" in live.paths("plugin", "rate-limiting")
    assert len(warnings) == 1 and "could not read the schema of plugin 'rate-limiting'" in warnings[0]
    assert "known for Kong 3.9 instead" in warnings[0]
    assert live.paths("plugin", "no-such-plugin") == () and len(warnings) == 1  # 404: Kong refuses it by name


def test_masking_uses_the_live_paths(kong: Any, make_client: Any) -> None:
    kong.app.schemas.add_plugin("llm-budget", LLM_BUDGET)
    kong.app.installed_plugins["llm-budget"] = LLM_BUDGET
    entity = {"name": "llm-budget", "config": {"account": "a", "billing_token": "t", "backend": {"api_password": "p"}}}
    paths = live_schemas.masked_paths(make_client(), PLUGIN, {}, entity)
    assert set(paths) == {"config.backend.api_password", "config.billing_token"}
    assert sorted(live_schemas.live_secret_values(make_client(), PLUGIN, entity)) == ["p", "t"]
