"""The ai_gateway role refuses variables under their former kong_ai_gateway_ names before it reads Kong."""

from __future__ import annotations

from typing import Any

ROLE = {"name": "Apply the gateway", "ansible.builtin.include_role": {"name": "aigateway.kong.ai_gateway"}}


def test_former_variable_names_stop_the_role(kongsim: Any, run_playbook: Any) -> None:
    """A description under the old names would be an empty gateway; the run stops and names the new names."""
    run = run_playbook(
        [ROLE],
        play_vars={
            "ai_gateway_admin_url": kongsim.url,
            "ai_gateway_tag": "renamed",
            "ai_gateway_prune": True,
            "kong_ai_gateway_models": [{"name": "chat", "provider": "openai", "model": "gpt-4o"}],
            "kong_ai_gateway_consumers": [{"username": "alice"}],
        },
    )
    assert run.rc != 0, run.summary()
    failed = [t for t in run.tasks if t.failed]
    assert [t.name for t in failed] == ["Refuse variables under their former kong_ai_gateway_ names"], run.summary()
    msg = failed[0].msg
    assert "kong_ai_gateway_consumers to ai_gateway_consumers" in msg, msg
    assert "kong_ai_gateway_models to ai_gateway_models" in msg, msg
    assert "\n" not in msg.strip(), msg
    assert kongsim.request_log() == [], "the role read or wrote Kong before refusing"


def test_new_names_pass_the_check(kongsim: Any, run_playbook: Any) -> None:
    run = run_playbook(
        [ROLE],
        play_vars={
            "ai_gateway_admin_url": kongsim.url,
            "ai_gateway_consumers": [{"username": "alice"}],
        },
    )
    assert run.rc == 0, run.summary()
    assert run["Refuse variables under their former kong_ai_gateway_ names"].status == "ok"
