"""ai_gateway_converge runs the role's steps: it reads what the role's tasks read and applies in their order."""

from __future__ import annotations

from pathlib import Path

import yaml
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.converge import (
    APPLY,
    IDENTITY_FIELDS,
    PRUNE,
    Converge,
)

ROLE = Path(__file__).resolve().parents[4] / "roles" / "ai_gateway"


def test_the_listings_read_the_fields_the_role_reads() -> None:
    variables = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())
    assert variables["__ai_gateway_identity_fields"] == IDENTITY_FIELDS


def test_types_are_applied_and_pruned_in_the_role_tasks_order() -> None:
    apply = yaml.safe_load((ROLE / "tasks" / "apply.yml").read_text())
    assert [t["aigateway.kong.kong_entities"]["entity"] for t in apply] == [collection for _v, collection, _r in APPLY]
    reports = [t["aigateway.kong.kong_entities"].get("report", "all") for t in apply]
    assert reports == [report for _v, _c, report in APPLY]
    prune = yaml.safe_load((ROLE / "tasks" / "prune.yml").read_text())
    assert prune[-1]["loop"] == list(PRUNE)


def test_inputs_of_another_shape_fail_in_one_line_without_their_values() -> None:
    inputs = {"tag": "t", "models": "not-a-list-secret", "consumers": [], "tiers": []}
    outcome = Converge({}, inputs, False, 1, False, False, lambda _message: None).run()
    assert outcome.failed and "Invalid gateway description" in outcome.values["msg"]
    assert "not-a-list-secret" not in outcome.values["msg"]
