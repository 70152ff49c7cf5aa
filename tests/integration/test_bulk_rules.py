"""kong_entities checks each item with the same options and rules as the single-entity module it stands for."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.bulk import run as bulk
from ansible_collections.aigateway.kong.plugins.module_utils.entity import runner

pytestmark = pytest.mark.kong


PREFIX = "ansible_collections.aigateway.kong.plugins.modules."


class Captured(Exception):
    """Raised instead of building the AnsibleModule: carries what the module would have built it with."""

    def __init__(self, argument_spec: dict[str, Any], **rules: Any) -> None:
        super().__init__("captured")
        self.argument_spec = argument_spec
        self.rules = rules


def module_validation(monkeypatch: pytest.MonkeyPatch, module_name: str) -> Captured:
    def capture(argument_spec: dict[str, Any], supports_check_mode: bool = False, raw_secrets: Any = None,
                **rules: Any) -> None:
        raise Captured(argument_spec, **rules)

    monkeypatch.setattr(runner, "SecretAwareModule", capture)
    with pytest.raises(Captured) as caught:
        importlib.import_module(PREFIX + module_name).main()
    return caught.value


@pytest.mark.parametrize("collection", bulk.COLLECTIONS)
def test_items_are_checked_with_the_modules_options_and_rules(monkeypatch: pytest.MonkeyPatch, collection: str) -> None:
    captured = module_validation(monkeypatch, bulk.MODULES[collection].rsplit(".", 1)[-1])
    argument_spec, rules = bulk.item_validation(collection)
    expected = {k: v for k, v in captured.argument_spec.items() if k not in bulk.CONNECTION_OPTIONS}
    if collection in bulk.CREDENTIAL_TYPES:  # one credential type per bulk task: its own value only
        assert argument_spec.pop("type")["choices"] == [bulk.CREDENTIAL_TYPES[collection]]
        assert expected.pop("type")["choices"] == list(bulk.CREDENTIAL_TYPES.values())
    assert argument_spec == expected
    assert rules == captured.rules
