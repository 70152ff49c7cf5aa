"""The ai_gateway role's example, as `ansible-doc -t role` shows it, converges as written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from helpers import admin
from helpers.playbook import ansible_env

ROLE = "aigateway.kong.ai_gateway"


def role_examples(collection_path: Path, tmp_path: Path) -> str:
    env = ansible_env(tmp_path, collection_path, tmp_path / "unused.json")
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-doc"), "-t", "role", "--json", ROLE],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(proc.stdout)[ROLE]["entry_points"]["main"]["examples"]


def test_role_example_converges(kongsim: Any, run_playbook: Any, collection_path: Path, tmp_path: Path) -> None:
    examples = role_examples(collection_path, tmp_path)
    inventory_part, playbook_part = examples.split("\n# playbook:", 1)
    inventory = yaml.safe_load(inventory_part)
    play = yaml.safe_load(playbook_part.split("\n", 1)[1])[0]
    assert [r["role"] for r in play["roles"]] == [ROLE]
    secrets = {"vault_kong_admin_token": "", "vault_alice_api_key": "alice-example-key",
               "vault_openai_api_key": "sk-example"}
    inventory["ai_gateway_admin_url"] = kongsim.url  # the example's URL is a placeholder
    run = run_playbook(
        [{"name": "Example", "ansible.builtin.include_role": {"name": ROLE}}],
        play_vars=inventory,
        extra_vars=secrets,
    )
    assert run.rc == 0, run.summary()
    assert admin.entity(kongsim, "/services/openai-chat")["tags"][0] == "team-llm"
    assert admin.entity(kongsim, "/consumers/alice")["username"] == "alice"
