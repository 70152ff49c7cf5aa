"""kong_vault against any Kong: lifecycle (Kong fills the env vault's config defaults), config credentials
never shown, bulk and info."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import VAULT
from helpers import admin
from helpers.bulk_info import assert_bulk_info, bulk_info_tasks
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks, task

pytestmark = pytest.mark.kong

VAULT_MODULE = "aigateway.kong.kong_vault"
MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
TOKEN = "hvs.vault-token-never-shown"

LIFECYCLE = Lifecycle(
    module="kong_vault",
    present={"prefix": "llm-env", "name": "env", "description": "LLM keys", "config": {"prefix": "LLM_"}},
    absent={"prefix": "llm-env"},
    return_key="vault",
    path="/vaults/llm-env",
    expect={"prefix": "llm-env", "name": "env", "config": {"prefix": "LLM_"}},
    updates=[Update("description", "rotated"), Update("config", {"prefix": "AI_"}), Update("tags", ["ai"])],
)


def test_lifecycle(kong: Any, run_playbook: Any) -> None:
    run = run_playbook(lifecycle_tasks(LIFECYCLE, kong.url), sim=kong)
    assert_lifecycle(run, LIFECYCLE)
    assert admin.listing(kong, "/vaults") == []


def test_a_vault_without_config_converges(kong: Any, run_playbook: Any) -> None:
    """Kong stores the env vault's defaults ({prefix: null}); config not given is not compared."""
    plain = {"prefix": "plain", "name": "env"}
    run = run_playbook([task("create", VAULT_MODULE, plain), task("again", VAULT_MODULE, plain)], sim=kong)
    assert run["create"].changed and not run["again"].changed and run["again"].writes == [], run.summary()
    assert run["again"].result["vault"]["config"] == {"prefix": None}


def test_config_credentials_are_never_shown(kong: Any, run_playbook: Any) -> None:
    """Kong refuses an env vault with a token (no such field); the token is masked in the error and -vvv."""
    args = {"prefix": "hcv", "name": "env", "config": {"prefix": "X_", "token": TOKEN}}
    run = run_playbook([task("token", VAULT_MODULE, args, ignore_errors=True)], sim=kong, verbosity=3)
    assert run["token"].failed and "config.token" in run["token"].msg, run["token"].result
    assert TOKEN not in run.output and TOKEN not in str(run["token"].result)
    entity = {"prefix": "hcv", "name": "hcv", "config": {"token": TOKEN, "approle_secret_id": "s", "host": "h"}}
    assert VAULT.masked(entity)["config"] == {"token": MASK, "approle_secret_id": MASK, "host": "h"}


def test_bulk_and_info(kong: Any, run_playbook: Any) -> None:
    items = [{"prefix": "vault-a", "name": "env"}, {"prefix": "vault-b", "name": "env", "config": {"prefix": "B_"}}]
    run = run_playbook(bulk_info_tasks("vaults", items), sim=kong)
    listed = {v["prefix"]: v for v in assert_bulk_info(run, "vaults", 2)}
    assert listed["vault-b"]["config"] == {"prefix": "B_"}
