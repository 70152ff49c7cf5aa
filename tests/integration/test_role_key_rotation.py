"""Rotating a consumer's keys with ai_gateway_prune: the new key is added, the old one removed, the kept one kept.

Pruning knows which keys inventory still describes from the ids the key-auth task returns (the keys themselves
are secret and never listed)."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.admin import listing

# the role configures ai-proxy for every model: Kong 3.6 or later
pytestmark = [pytest.mark.kong, pytest.mark.min_kong("3.6")]


ROLE = {"name": "Apply the gateway", "ansible.builtin.include_role": {"name": "aigateway.kong.ai_gateway"}}


def gateway(sim: Any, keys: list[str]) -> dict[str, Any]:
    return {
        "ai_gateway_admin_url": sim.url,
        "ai_gateway_prune": True,
        "ai_gateway_tag": "rotation-test",
        "ai_gateway_models": [{"name": "chat", "provider": "openai", "model": "gpt-4o"}],
        "ai_gateway_consumers": [{"username": "alice", "keys": keys}, {"username": "bob", "keys": ["bob-key-1"]}],
    }


def keys_in(sim: Any) -> dict[str, set[str]]:
    owners = {c["id"]: c["username"] for c in listing(sim, "/consumers")}
    out: dict[str, set[str]] = {}
    for credential in listing(sim, "/key-auths"):
        out.setdefault(owners[credential["consumer"]["id"]], set()).add(credential["key"])
    return out


def test_rotated_keys_are_replaced_and_the_kept_key_stays(kong: Any, run_playbook: Any) -> None:
    first = run_playbook([ROLE], play_vars=gateway(kong, ["alice-old-key", "alice-kept-key"]))
    assert first.rc == 0, first.summary()
    kept_id = next(c["id"] for c in listing(kong, "/key-auths") if c["key"] == "alice-kept-key")
    old_id = next(c["id"] for c in listing(kong, "/key-auths") if c["key"] == "alice-old-key")

    rotated = gateway(kong, ["alice-kept-key", "alice-new-key"])
    preview = run_playbook([ROLE], play_vars=rotated, check=True, diff=True)
    assert preview.rc == 0, preview.summary()
    converge = preview["Converge Kong to the gateway description"]
    assert converge.changed and converge.writes == [], preview.summary()
    deleted = [f"key-auth credential {old_id} of consumer 'alice'"]
    assert converge.result["changes"]["pruned key-auths"] == {"deleted": deleted}
    assert keys_in(kong) == {"alice": {"alice-old-key", "alice-kept-key"}, "bob": {"bob-key-1"}}

    run = run_playbook([ROLE], play_vars=rotated, diff=True, verbosity=3)
    assert run.rc == 0, run.summary()
    assert keys_in(kong) == {"alice": {"alice-kept-key", "alice-new-key"}, "bob": {"bob-key-1"}}
    assert next(c["id"] for c in listing(kong, "/key-auths") if c["key"] == "alice-kept-key") == kept_id
    assert "alice-old-key" not in run.output and "alice-new-key" not in run.output

    again = run_playbook([ROLE], play_vars=rotated)
    assert again.rc == 0 and not [t.name for t in again.tasks if t.changed], again.summary()
