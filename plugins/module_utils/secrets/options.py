# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets found in a task's options before they are validated.

A task that fails validation (an unknown option, a wrong type) still reports its options in
``invocation``; the secrets inside structured options (a plugin's ``config``, the items of
kong_entities) must be masked there too, so they are collected from the raw options first.
"""

from __future__ import annotations

from typing import Any, Callable

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import values_at
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import EntitySpec


def entity_secrets(spec: EntitySpec, params: Any) -> set[str]:
    """The secret values of an entity's options (``params`` as given, possibly malformed)."""
    if not isinstance(params, dict):
        return set()
    try:
        found = {str(v) for v in values_at(params, spec.masked_paths(params, None)) if v not in (None, "")}
        return found | set(spec.secret_values(params) if spec.secret_values else ())
    except (AttributeError, KeyError, TypeError):  # malformed options: validation reports them
        return set()


def items_secrets(spec: EntitySpec, items: Any, defaults: Any = None) -> set[str]:
    """The secret values of every item (each merged over ``defaults``)."""
    found: set[str] = set()
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            merged = dict(defaults) if isinstance(defaults, dict) else {}
            merged.update(item)
            found |= entity_secrets(spec, merged)
    return found


class SecretAwareModule(AnsibleModule):
    """AnsibleModule that masks ``raw_secrets(params)`` from the moment its options are read."""

    def __init__(self, *args: Any, raw_secrets: Callable[[dict[str, Any]], set[str]], **kwargs: Any) -> None:
        self._raw_secrets = raw_secrets
        super().__init__(*args, **kwargs)

    def _load_params(self) -> None:
        super()._load_params()
        self.no_log_values.update(self._raw_secrets(self.params))
