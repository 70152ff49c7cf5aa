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
        for name, option in spec.argument_spec().items():
            shared = argument_spec.get(name)
            if shared and shared.get("no_log") and not option.get("no_log"):
                continue  # an option that is a secret for one of the entities stays no_log in the union
            argument_spec[name] = option
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


def entity_module(spec: EntitySpec) -> None:
    """The whole ``main()`` of a single-entity module: its options and rules come from ``spec``."""
    module = AnsibleModule(argument_spec=entity_argument_spec(spec), supports_check_mode=True, **spec.rules)
    run_entity(module, spec)


def error_details(exc: KongError) -> dict[str, Any]:
    """Kong's error facts, returned next to ``msg`` so playbooks can branch on them."""
    details: dict[str, Any] = {}
    for name in ("status", "name", "fields"):
        value = getattr(exc, name, None)
        if value is not None:
            details["kong_error_%s" % name if name != "status" else "status"] = value
    return details


def selected_rules(specs: dict[str, EntitySpec], selector: str) -> dict[str, Any]:
    """The rules of every spec, each applying only when ``selector`` picks that spec.

    Only ``required_one_of`` can be made conditional (as ``required_if``); the specs sharing a module have no others.
    """
    required_if = []
    for value, spec in specs.items():
        unsupported = sorted(set(spec.rules) - {"required_one_of"})
        if unsupported:
            raise ValueError("%s: rules %s cannot depend on %s" % (spec.name, ", ".join(unsupported), selector))
        required_if.extend((selector, value, group, True) for group in spec.rules.get("required_one_of", ()))
    return {"required_if": required_if}


def selected_entity_module(specs: dict[str, EntitySpec], selector: str) -> None:
    """``main()`` of a module covering several entities (credentials), picked by the option ``selector``."""
    argument_spec = entity_argument_spec(*specs.values())
    argument_spec[selector] = {"type": "str", "required": True, "choices": list(specs)}
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **selected_rules(specs, selector))
    spec = specs[module.params[selector]]
    own = set(entity_argument_spec(spec)) | {selector}
    foreign = sorted(
        name
        for name, option in argument_spec.items()
        if name not in own and module.params.get(name) not in (None, option.get("default"))
    )
    if foreign:
        module.fail_json(
            msg="%s=%s does not use option(s): %s" % (selector, module.params[selector], ", ".join(foreign))
        )
    reveal_non_secrets(module, argument_spec, entity_argument_spec(spec))
    run_entity(module, spec)


def reveal_non_secrets(module: AnsibleModule, union: dict[str, Any], own: dict[str, Any]) -> None:
    """Unmask values of options that are no_log only for another entity of the module (the jwt ``key``).

    A value stays masked when a no_log option of this entity holds it too.
    """
    secret: set[str] = set()
    for name, option in own.items():
        if option.get("no_log"):
            value = module.params.get(name)
            values = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
            secret.update(str(v) for v in values if v is not None)
    for name, option in union.items():
        value = module.params.get(name)
        secret_here = own.get(name, {}).get("no_log")
        if option.get("no_log") and not secret_here and isinstance(value, str) and value not in secret:
            module.no_log_values.discard(value)
