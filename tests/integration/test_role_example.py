"""The ai_gateway role's example, as `ansible-doc -t role` shows it, converges an empty Kong as written, and a second
run changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import admin
from helpers.playbook import ansible_env

pytestmark = [pytest.mark.kong, pytest.mark.min_kong("3.6")]  # the example's model needs ai-proxy (Kong 3.6)

ROLE = "aigateway.kong.ai_gateway"
# What the example's user keeps in Ansible Vault, as fake demo values (an open source Kong takes no token).
SECRETS = {"vault_kong_admin_token": "", "vault_alice_api_key": "demo-alice-key", "vault_openai_api_key": "sk-demo"}


def role_examples(collection_path: Path, tmp_path: Path) -> str:
    env = ansible_env(tmp_path, collection_path, tmp_path / "unused.json")
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-doc"), "-t", "role", "--json", ROLE],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    return json.loads(proc.stdout)[ROLE]["entry_points"]["main"]["examples"]


def write_project(examples: str, project: Path) -> None:
    """The example's two files where it says they go, an inventory holding its admin host, and the secrets."""
    inventory_part, playbook_part = examples.split("\n# playbook:", 1)
    assert inventory_part.startswith("# inventory: group_vars/kong_admin.yml"), inventory_part[:80]
    assert playbook_part.startswith(" site.yml"), playbook_part[:80]
    group_vars = project / "inventory" / "group_vars"
    group_vars.mkdir(parents=True)
    (group_vars / "kong_admin.yml").write_text(inventory_part)
    (group_vars / "all.yml").write_text(yaml.safe_dump(SECRETS))
    host = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    (project / "inventory" / "hosts.yml").write_text(yaml.safe_dump({"kong_admin": {"hosts": {"kong-admin": host}}}))
    (project / "site.yml").write_text(playbook_part.split("\n", 1)[1])
    assert [r["role"] for r in yaml.safe_load(playbook_part.split("\n", 1)[1])[0]["roles"]] == [ROLE]


def converge(project: Path, collection_path: Path, kong: Any) -> tuple[subprocess.CompletedProcess[str], list[Any]]:
    """``ansible-playbook -i inventory site.yml --diff`` as the example says, pointed at ``kong`` (the example's URL
    is a placeholder) the way a user points an inventory at another Kong: an extra variable."""
    results = project / "task_results.json"
    results.unlink(missing_ok=True)
    (project / "kong.json").write_text(json.dumps({"ai_gateway_admin_url": kong.url}))
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "inventory", "site.yml", "--diff",
         "-e", "@kong.json"],
        cwd=project, env=ansible_env(project, collection_path, results), capture_output=True, text=True, timeout=300,
        check=False,
    )
    return proc, json.loads(results.read_text()) if results.exists() else []


def test_role_example_converges_then_changes_nothing(kong: Any, collection_path: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_project(role_examples(collection_path, tmp_path), project)

    first, tasks = converge(project, collection_path, kong)
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
    assert any(t["result"].get("changed") for t in tasks), first.stdout[-4000:]
    assert admin.entity(kong, "/services/openai-chat")["tags"][0] == "team-llm"
    assert admin.entity(kong, "/consumers/alice")["username"] == "alice"

    second, tasks = converge(project, collection_path, kong)
    assert second.returncode == 0, second.stdout[-4000:] + second.stderr[-2000:]
    changed = [t["task"] for t in tasks if t["result"].get("changed")]
    assert not changed, f"the second run changed {changed}:\n{second.stdout[-4000:]}"
    assert "changed=0" in second.stdout
