"""The ai_gateway role does not take over entities that exist without its tag, unless told to."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.admin import create, listing

# the role configures ai-proxy for every model: Kong 3.6 or later
pytestmark = [pytest.mark.kong, pytest.mark.min_kong("3.6")]


ROLE = {"name": "Apply the gateway", "ansible.builtin.include_role": {"name": "aigateway.kong.ai_gateway"}}
CONVERGE = "Converge Kong to the gateway description"


def gateway(sim: Any, **more: Any) -> dict[str, Any]:
    return {
        "ai_gateway_admin_url": sim.url,
        "ai_gateway_models": [{"name": "chat", "provider": "openai", "model": "gpt-4o"}],
        "ai_gateway_consumers": [{"username": "alice", "keys": ["alice-key-1"]}, {"username": "bob"}],
        **more,
    }


def test_untagged_look_alikes_stop_the_run_before_any_write(kong: Any, run_playbook: Any) -> None:
    create(kong, "/consumers", {"username": "alice"})
    create(kong, "/services", {"name": "chat", "url": "http://hand-made.example"})
    create(kong, "/consumers", {"username": "carol"})  # not described: no collision
    create(kong, "/consumers", {"username": "bob", "tags": ["aigateway-managed"]})  # the role's own
    kong.clear_log()
    run = run_playbook([ROLE], play_vars=gateway(kong))
    assert run.rc != 0, run.summary()
    assert [t.name for t in run.tasks if t.failed] == [CONVERGE], run.summary()
    msg = run[CONVERGE].msg
    assert "consumer 'alice'" in msg and "service 'chat'" in msg, msg
    assert "carol" not in msg and "bob" not in msg, msg
    assert "ai_gateway_adopt_untagged" in msg, msg
    assert all(r["method"] == "GET" for r in kong.request_log()), "the role wrote before refusing"
    assert [(s["name"], s["host"], s["tags"]) for s in listing(kong, "/services")] == [
        ("chat", "hand-made.example", None)
    ]


def test_adopting_takes_them_over(kong: Any, run_playbook: Any) -> None:
    create(kong, "/consumers", {"username": "alice"})
    run = run_playbook([ROLE], play_vars=gateway(kong, ai_gateway_adopt_untagged=True))
    assert run.rc == 0, run.summary()
    assert run[CONVERGE].changed, run.summary()
    alice = next(c for c in listing(kong, "/consumers") if c["username"] == "alice")
    assert "aigateway-managed" in (alice["tags"] or []), alice
