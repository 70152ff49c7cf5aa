"""The ai_gateway role converges through a module process as it does in the controller: over any connection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import admin

# the role configures ai-proxy for every model: Kong 3.6 or later
pytestmark = [pytest.mark.kong, pytest.mark.min_kong("3.6")]

ROOT = Path(__file__).resolve().parents[2]
CONVERGE = "Converge Kong to the gateway description"
MODULE = "aigateway.kong.ai_gateway_converge: running the module"


def example_gateway(admin_url: str) -> dict[str, Any]:
    """The example inventory's variables, the vault file's secrets included, pointed at ``admin_url``."""
    folder = ROOT / "inventories" / "example" / "group_vars" / "kong_admin"
    variables: dict[str, Any] = {}
    for path in sorted(folder.glob("*.yml")):
        variables.update(yaml.safe_load(path.read_text()))
    variables["ai_gateway_admin_url"] = admin_url
    return variables


def test_the_role_runs_as_a_module_when_it_cannot_run_in_process(kong: Any, run_playbook: Any) -> None:
    role = {"name": "Gateway", "ansible.builtin.include_role": {"name": "aigateway.kong.ai_gateway"}}
    gateway = dict(example_gateway(kong.url), aigateway_kong_inprocess=False)
    secrets = [gateway[name] for name in ("vault_alice_api_key", "vault_bob_api_key")]
    first = run_playbook([role], sim=kong, play_vars=gateway, diff=True, verbosity=3)
    assert first.rc == 0, first.summary()
    assert MODULE in first.output, first.summary()
    assert first[CONVERGE].changed and first[CONVERGE].writes
    report = first[CONVERGE].result["report"]
    assert any(line.startswith("consumers: ") and "created (" in line for line in report), report
    assert first[CONVERGE].result["invocation"]["module_args"]["inputs"].startswith("(the gateway description")
    assert [s for s in secrets if s in first.output] == []
    assert {c["username"] for c in admin.listing(kong, "/consumers")} >= {"alice", "bob"}

    again = run_playbook([role], sim=kong, play_vars=gateway)
    assert again.rc == 0 and not again[CONVERGE].changed and again[CONVERGE].writes == [], again.summary()
