# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ai_gateway_converge's pure steps: the described gateway, the secrets it masks, the report, refusals before
any request."""

from __future__ import annotations

from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.gateway.converge import (
    GATEWAY,
    SHOWN_NAMES,
    described_gateway,
    gateway_secrets,
    report_line,
)
from unit.plugins.module_utils.gateway.gateway_inputs import inputs

NOWHERE = "http://127.0.0.1:9"  # nothing listens: a request would fail, not hang


def test_a_valid_description_gives_its_entities_and_no_errors() -> None:
    entities, errors = described_gateway(inputs(models=[{"name": "chat", "provider": "openai"}]))
    assert errors == []
    assert [s["name"] for s in entities["services"]] == ["chat"]
    assert [r["name"] for r in entities["routes"]] == ["chat"]


def test_an_invalid_description_gives_its_errors_and_no_entities() -> None:
    entities, errors = described_gateway(inputs(models=[{"name": "my model", "provider": "openai"}], key_names=[]))
    assert entities == {}
    assert errors == [
        "ai_gateway_key_names needs at least one header name",
        "model 'my model': name may only contain letters, digits and . _ ~ -",
        "model 'my model': route name 'my model' may only contain letters, digits and . _ ~ -",
    ]


def test_secrets_of_the_description_are_collected_whatever_its_validity() -> None:
    model = {"name": "chat", "provider": "openai", "auth": {"header_name": "x-key", "header_value": "sk-provider"}}
    consumers = [
        {"username": "ann", "keys": ["ann-key"], "basic_auth": {"username": "ann", "password": "ann-pw"}},
        {"username": "bob", "rate_limit": {"minute": 1, "policy": "redis"}},
    ]
    values = inputs(models=[model], consumers=consumers, redis={"host": "r", "password": "redis-pw"})
    secrets = gateway_secrets(values)
    assert {"sk-provider", "ann-key", "ann-pw", "redis-pw"} <= secrets
    assert not {"chat", "ann", "bob", "r"} & secrets
    values["key_names"] = []  # invalid now: the secrets are masked all the same
    assert described_gateway(values)[1]
    assert gateway_secrets(values) == secrets


def test_a_malformed_description_has_no_secrets_and_does_not_raise() -> None:
    assert gateway_secrets({}) == set()
    assert gateway_secrets(inputs(models="chat")) == set()
    assert gateway_secrets(inputs(consumers=[{"keys": ["k"]}])) == set()  # no username


def test_report_line_names_what_changed_and_counts_the_rest() -> None:
    assert report_line("consumers", {}) == "consumers: nothing to do"
    assert report_line("consumers", {"created": [], "unchanged": []}) == "consumers: nothing to do"
    changes = {"unchanged": ["x", "y"], "updated": ["bob"], "created": ["ann", "cy"], "failed": ["dee"]}
    assert report_line("consumers", changes) == (
        "consumers: 2 created (ann, cy), 1 updated (bob), 1 failed (dee), 2 unchanged"
    )
    many = [f"c{n}" for n in range(SHOWN_NAMES + 3)]
    shown = ", ".join(many[:SHOWN_NAMES])
    assert report_line("pruned consumers", {"deleted": many}) == (
        f"pruned consumers: {len(many)} deleted ({shown} and 3 more)"
    )


def run_task(values: dict[str, Any], **params: Any) -> Any:
    """The task run with its options' defaults, ``values`` as inputs and ``params`` on top."""
    warnings: list[str] = []
    full = {name: option.get("default") for name, option in GATEWAY.argument_spec().items()}
    full.update(admin_url=NOWHERE, timeout=1, admin_retries=0, inputs=values, **params)
    result = GATEWAY.run(full, check_mode=False, diff=False, warn=warnings.append)
    return result, warnings


def test_missing_inputs_are_named_before_any_request() -> None:
    values = inputs()
    del values["tiers"], values["redis"]
    result, _warnings = run_task(values)
    assert result.failed and result.values["msg"] == "inputs: missing tiers, redis"


def test_an_invalid_description_fails_in_one_message_before_any_request() -> None:
    result, _warnings = run_task(inputs(tag="a,b", key_names=[]))
    assert result.failed and not result.values["changed"]
    assert result.values["msg"] == (
        "Invalid gateway description: ai_gateway_tag 'a,b' must be printable ASCII without ',' or '/'; "
        "ai_gateway_key_names needs at least one header name"
    )


def test_inputs_of_another_shape_fail_without_quoting_their_values() -> None:
    result, _warnings = run_task(inputs(consumers=[{"keys": ["secret-key"]}]))
    assert result.failed
    assert "do not have the shape of the role's variables (KeyError)" in result.values["msg"]
    assert "secret-key" not in result.values["msg"]


def test_the_deprecated_single_task_is_warned_about() -> None:
    values = dict(inputs(), single_task=True, key_names=[])  # invalid: stops before any request
    _result, warnings = run_task(values)
    assert warnings == [
        "ai_gateway_single_task is deprecated and has no effect: the role always converges in one task; "
        "remove the variable"
    ]
