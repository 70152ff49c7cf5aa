# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs a module: AnsibleModule with the entity argument spec, the engine, secrets registered, one failure path."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible_collections.aigateway.kong.plugins.module_utils.argspec import (
    connection_argument_spec,
    state_argument_spec,
)
from ansible_collections.aigateway.kong.plugins.module_utils.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.engine import Engine
from ansible_collections.aigateway.kong.plugins.module_utils.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.specs import EntitySpec
from ansible_collections.aigateway.kong.plugins.module_utils.transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR


def entity_argument_spec(*specs: EntitySpec) -> dict[str, Any]:
    """Connection options + state + the entity options (the union when several specs share a module)."""
    argument_spec = connection_argument_spec()
    argument_spec.update(state_argument_spec())
    for spec in specs:
        if spec.parent:
            argument_spec[spec.parent.option] = {"type": "str", "required": True}
        argument_spec.update(spec.argument_spec())
    return argument_spec


def new_client(module: AnsibleModule) -> KongClient:
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    return KongClient.from_params(module.params, warn=module.warn)


def run_entity(module: AnsibleModule, spec: EntitySpec) -> None:
    """Run one entity task and exit the module."""
    engine = Engine(new_client(module), spec, module.params, check_mode=module.check_mode, warn=module.warn)
    module.no_log_values.update(engine.secret_values())
    try:
        result = engine.run()
    except KongError as exc:
        module.fail_json(msg=exc.describe(engine.action), **error_details(exc))
    module.exit_json(**result)


def entity_module(spec: EntitySpec, **rules: Any) -> None:
    """The whole ``main()`` of a single-entity module."""
    module = AnsibleModule(argument_spec=entity_argument_spec(spec), supports_check_mode=True, **rules)
    run_entity(module, spec)


def error_details(exc: KongError) -> dict[str, Any]:
    """Kong's error facts, returned next to ``msg`` so playbooks can branch on them."""
    details: dict[str, Any] = {}
    for name in ("status", "name", "fields"):
        value = getattr(exc, name, None)
        if value is not None:
            details["kong_error_%s" % name if name != "status" else "status"] = value
    return details


def selected_entity_module(
    specs: dict[str, EntitySpec], selector: str, extra_options: dict[str, Any], **rules: Any
) -> None:
    """``main()`` of a module covering several entities (credentials), picked by the option ``selector``."""
    argument_spec = entity_argument_spec(*specs.values())
    argument_spec[selector] = {"type": "str", "required": True, "choices": list(specs)}
    argument_spec.update(extra_options)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **rules)
    spec = specs[module.params[selector]]
    shared = set(entity_argument_spec()) | {"id", selector} | set(extra_options)
    if spec.parent:
        shared.add(spec.parent.option)
    foreign = sorted(
        name
        for name in argument_spec
        if name not in shared and name not in spec.fields and module.params.get(name) is not None
    )
    if foreign:
        module.fail_json(
            msg="%s=%s does not use option(s): %s" % (selector, module.params[selector], ", ".join(foreign))
        )
    run_entity(module, spec)
