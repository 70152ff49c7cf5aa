"""Small gateway inventories for the ai_gateway role, a ``playbooks/site.yml`` runner and Kong state snapshots."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from helpers import admin
from helpers.playbook import VENV_BIN, PlaybookRun, TaskResult, ansible_env, run_flags

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE = REPO_ROOT / "playbooks" / "site.yml"
ENTITY_TYPES = ("upstreams", "services", "routes", "consumers", "plugins", "key-auths", "basic-auths", "acls")


@dataclass
class Gateway:
    """One inventory: the role's variables and the secret values they hold."""

    prefix: str
    tag: str | None = None
    prune: bool = True
    admin_token: str | None = None  # the Admin API's token, when the simulator requires one
    secrets: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        p = self.prefix
        self.secrets = {
            "key": f"{p}-key-Q7x9Lm2Vb8",
            "password": f"{p}-pw-Zr4Tn6Kq1W",
            "provider_token": f"{p}-sk-Hd3Jy5Pc0N",
        }
        if self.admin_token:
            self.secrets["admin_token"] = self.admin_token
        if self.tag is None:  # pruning needs a tag of this gateway's own (the role refuses the shared default)
            self.tag = f"{p}-gw"

    def variables(self, admin_url: str) -> dict[str, Any]:
        p = self.prefix
        out: dict[str, Any] = {
            "ai_gateway_admin_url": admin_url,
            "ai_gateway_prune": self.prune,
            "ai_gateway_bearer_auth": False,
            "ai_gateway_consumers": [
                {
                    "username": f"{p}-user",
                    "groups": [f"{p}-team"],
                    "keys": ["{{ vault_key }}"],
                    "basic_auth": {"username": f"{p}-user", "password": "{{ vault_password }}"},
                }
            ],
            "ai_gateway_models": [
                {
                    "name": f"{p}-chat",
                    "provider": "openai",
                    "model": "llama-3.1-8b-instruct",
                    "paths": [f"/{p}/chat"],
                    "upstream_url": f"http://{p}-chat-upstream:8000/v1/chat/completions",
                    "replicas": [{"target": "127.0.0.1:8101", "weight": 100}],
                    "auth": {"header_name": "Authorization", "header_value": "Bearer {{ vault_provider_token }}"},
                }
            ],
            # secrets reach the inventory as vault variables do: by reference
            "vault_key": self.secrets["key"],
            "vault_password": self.secrets["password"],
            "vault_provider_token": self.secrets["provider_token"],
        }
        if self.tag:
            out["ai_gateway_tag"] = self.tag
        if self.admin_token:
            out["ai_gateway_admin_token"] = "{{ vault_admin_token }}"
            out["vault_admin_token"] = self.admin_token
        return out

    def expected_names(self) -> dict[str, set[str]]:
        """What one converging run leaves in Kong (by natural key), for this inventory."""
        p = self.prefix
        return {
            "upstreams": {f"{p}-chat-upstream"},
            "services": {f"{p}-chat"},
            "routes": {f"{p}-chat"},
            "consumers": {f"{p}-user"},
            "plugins": {f"{p}-chat-key-auth", f"{p}-chat-ai-proxy"},
            "key-auths": {self.secrets["key"]},
            "basic-auths": {f"{p}-user"},
            "acls": {f"{p}-team"},
        }


def natural_key(kind: str, entity: dict[str, Any]) -> str:
    if kind == "consumers":
        return entity["username"]
    if kind == "plugins":
        return entity.get("instance_name") or f"{entity['name']}@{entity['id']}"
    if kind == "key-auths":
        return entity["key"]
    if kind == "basic-auths":
        return entity["username"]
    if kind == "acls":
        return entity["group"]
    return entity["name"]


def snapshot(sim: Any, token: str | None = None) -> dict[str, list[str]]:
    """Natural keys per entity type, sorted, duplicates kept (a duplicate shows up twice)."""
    out = {kind: sorted(natural_key(kind, e) for e in admin.listing(sim, f"/{kind}", token)) for kind in ENTITY_TYPES}
    out["targets"] = sorted(
        f"{u['name']}/{t['target']}" for u in admin.listing(sim, "/upstreams", token)
        for t in admin.listing(sim, f"/upstreams/{u['id']}/targets", token)
    )
    return out


@dataclass
class SiteRun:
    run: PlaybookRun
    seconds: float


def run_site(
    workdir: Path,
    collections_path: Path,
    variables: dict[str, Any],
    *,
    check: bool = False,
    diff: bool = True,
    verbosity: int = 3,
    extra_args: tuple[str, ...] = (),
) -> SiteRun:
    """``ansible-playbook -i <inventory> playbooks/site.yml -vvv --diff``, as a user runs it."""
    inventory = workdir / "inventory"
    (inventory / "group_vars").mkdir(parents=True, exist_ok=True)
    (inventory / "hosts.yml").write_text(
        yaml.safe_dump(
            {
                "kong_admin": {
                    "hosts": {
                        "kong-admin": {
                            "ansible_connection": "local",
                            "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                        }
                    }
                }
            }
        )
    )
    (inventory / "group_vars" / "kong_admin.yml").write_text(yaml.safe_dump(variables, sort_keys=False))
    results_file = workdir / "task_results.json"
    results_file.unlink(missing_ok=True)
    env = ansible_env(workdir, collections_path, results_file)
    cmd = [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(SITE), *extra_args]
    cmd += run_flags(check, diff, verbosity)
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=600, check=False)
    seconds = time.monotonic() - started
    (workdir / "output.txt").write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr)
    raw = json.loads(results_file.read_text()) if results_file.exists() else []
    tasks = [TaskResult(name=e["task"], status=e["status"], result=e["result"]) for e in raw]
    return SiteRun(PlaybookRun(proc.returncode, proc.stdout, proc.stderr, tasks), seconds)


def expected(gateway: Gateway, extra: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    names = {kind: sorted(v) for kind, v in gateway.expected_names().items()}
    names["targets"] = [f"{gateway.prefix}-chat-upstream/127.0.0.1:8101"]
    for kind, values in (extra or {}).items():
        names[kind] = sorted(names.get(kind, []) + values)
    return names


def changed_tasks(run: Any) -> list[str]:
    return [t.name for t in run.tasks if t.changed]


def assert_check_writes_nothing(sim: Any, site: Callable[..., SiteRun], gateway: Gateway, expect_changes: bool) -> None:
    before = len(sim.writes())
    result = site(gateway, sim.url, check=True)
    assert result.run.rc == 0, result.run.summary()
    assert sim.writes()[before:] == [], f"--check wrote: {sim.writes()[before:]}"
    assert bool(changed_tasks(result.run)) is expect_changes, changed_tasks(result.run)


def record_figure(line: str) -> None:
    """Append a line to the file named by RELIABILITY_FIGURES (unset: nothing), for the README figures."""
    path = os.environ.get("RELIABILITY_FIGURES")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def leaked(output: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s and s in output]
