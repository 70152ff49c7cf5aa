# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PlainOptions gives exactly what ansible-core's validator gives, or leaves the item to it."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.plain_options import PlainOptions
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.run import item_validation
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import MANAGED
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.model import gateway_entities, normalised
from unit.plugins.module_utils.gateway.gateway_inputs import inputs

# values of every shape for every option: the right type, a convertible one, a wrong one, None
PROBES: dict[str, list[Any]] = {
    "str": ["x", 7, True, None],
    "int": [7, "7", True, 7.0, None],
    "bool": [True, "yes", 1, None],
    "list": [["a", "b"], "a,b", [1, 2], [{"a": 1}], None],
    "dict": [{"a": 1}, "a=1", None],
    "float": [1.5, 2, "3", None],
    "path": ["/tmp/x", "~/x", None],
    "raw": ["x", 1, None],
}


def both(collection: str, params: dict[str, Any]) -> tuple[dict[str, Any] | None, Any]:
    argument_spec, rules = item_validation(collection)
    full = ArgumentSpecValidator(argument_spec, **rules).validate(dict(params))
    return PlainOptions(argument_spec, rules).check(dict(params)), full


def role_items() -> list[tuple[str, dict[str, Any]]]:
    """What the ai_gateway role's model writes: every one must take the plain path."""
    consumer = {"username": "ann", "tier": "gold", "keys": ["k1"], "basic_auth": {"username": "ann", "password": "p"}}
    model = {"name": "chat", "provider": "openai", "model": "gpt-4o", "replicas": [{"target": "10.0.0.1:80"}],
             "upstream_url": "http://chat-upstream:8000/v1", "allow": ["gold"]}
    given = inputs(models=[model], consumers=[consumer], tiers=[{"name": "gold", "rate_limit": {"minute": 5}}])
    entities = gateway_entities(given, *normalised(given))
    return [(c, dict(item, tags=["t"])) for c, items in entities.items() for item in items]


@pytest.mark.parametrize(("collection", "item"), role_items(), ids=lambda v: v if isinstance(v, str) else "")
def test_the_roles_items_take_the_plain_path_and_get_the_validators_result(collection: str, item: Any) -> None:
    plain, full = both(collection, item)
    assert not full.error_messages and plain == full.validated_parameters


@pytest.mark.parametrize("collection", list(MANAGED))
def test_every_option_of_every_shape_gives_the_validators_result_or_none(collection: str) -> None:
    argument_spec, _rules = item_validation(collection)
    # state absent: the rules that require more of a present entity (a certificate's cert and key) do not apply
    required = {"state": "absent", **{name: "x" for name, option in argument_spec.items() if option.get("required")}}
    judged = 0
    for name, option in argument_spec.items():
        for value in PROBES.get(option.get("type") or "str", [None]):
            for extra in ({}, {"id": "0b5a6f2e-3c7d-4e8f-9a1b-2c3d4e5f6a7b"}, {"bogus": 1}):
                plain, full = both(collection, {**required, **extra, name: value})
                if plain is not None:
                    judged += 1
                    assert not full.error_messages and plain == full.validated_parameters, (name, value, extra)
    assert judged, "no probe took the plain path"


@pytest.mark.parametrize("collection", list(MANAGED))
def test_the_cross_option_rules_are_the_validators(collection: str) -> None:
    argument_spec, _rules = item_validation(collection)
    names = [n for n, o in argument_spec.items() if (o.get("type") or "str") == "str" and not o.get("choices")][:6]
    for size in range(len(names) + 1):
        for chosen in itertools.combinations(names, size):
            for state in ("present", "absent"):
                plain, full = both(collection, {"state": state, **{n: "x" for n in chosen}})
                if plain is None:
                    continue
                assert not full.error_messages and plain == full.validated_parameters, (chosen, state)
                assert full.validated_parameters == plain
