# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one task protocol, and the one module runner.

A ``Task`` is what a module does: its argument spec and rules, the secrets in its raw options, and
``run(params, check_mode, diff, warn)`` returning a ``TaskResult``. ``run_task`` validates the connection
options once for the task and runs it; a module's ``main()`` (``run_module``) and the in-process action
plugins (``plugin_utils/inprocess``) both go through it. ``EntityTask`` is the single-entity modules';
kong_entities' and kong_info's are ``bulk.BULK`` and ``info.INFO``.

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.aigateway.kong.plugins.module_utils.api.argspec import (
    connection_argument_spec,
    state_argument_spec,
)
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongConnectionError, KongError
from ansible_collections.aigateway.kong.plugins.module_utils.api.transport import (
    HAS_URLLIB3,
    URLLIB3_IMPORT_ERROR,
    missing_library_message,
)
from ansible_collections.aigateway.kong.plugins.module_utils.entity.engine import Engine, validate_connection
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import CREDENTIALS, MANAGED, EntitySpec
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.options import SecretAwareModule, entity_secrets


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


def require_urllib3(module: AnsibleModule) -> None:
    if not HAS_URLLIB3:
        module.fail_json(msg=missing_library_message(), exception=URLLIB3_IMPORT_ERROR)


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


def revealed_values(params: dict[str, Any], union: dict[str, Any], own: dict[str, Any]) -> set[str]:
    """Values of options that are no_log only for another entity of the module (the jwt ``key``): not secrets.

    A value stays masked when a no_log option of this entity holds it too.
    """
    secret: set[str] = set()
    for name, option in own.items():
        if option.get("no_log"):
            value = params.get(name)
            values = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
            secret.update(str(v) for v in values if v is not None)
    return {
        value
        for name, option in union.items()
        if option.get("no_log") and not own.get(name, {}).get("no_log")
        for value in [params.get(name)]
        if isinstance(value, str) and value not in secret
    }


@dataclass(frozen=True)
class TaskResult:
    """What a task returns: the module's result (without ``failed``), whether it failed, and the values to mask
    besides the options' no_log values (``secrets``) or to show although an option of that name is no_log
    for another entity of the module (``revealed``)."""

    values: dict[str, Any]
    failed: bool = False
    secrets: frozenset[str] = field(default_factory=frozenset)
    revealed: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def failure(cls, msg: str, **values: Any) -> TaskResult:
        return cls(dict(values, msg=msg), failed=True)

    def no_log(self, options: set[str]) -> set[str]:
        """The values to mask in the result, given the no_log values of the options."""
        return (options - self.revealed) | self.secrets

    def module_result(self) -> dict[str, Any]:
        return dict(self.values, failed=True) if self.failed else dict(self.values)


class Task:
    """What one module does, the same for the module and for its in-process action plugin."""

    module = ""  # the module's name, e.g. kong_service

    def argument_spec(self) -> dict[str, Any]:
        raise NotImplementedError

    def rules(self) -> dict[str, Any]:
        """AnsibleModule's cross-option rules (``mutually_exclusive``, ``required_if``, ...)."""
        return {}

    def raw_secrets(self, params: Any) -> set[str]:
        """Secrets in the options as given, masked even when they fail validation."""
        return set()

    def shown_args(self, params: dict[str, Any]) -> dict[str, Any]:
        """The options as ``invocation`` shows them (then masked): all of them, unless a task says otherwise."""
        return params

    def reworded(self, message: str) -> str:
        """A failure's message as the task's users name things (a role's variables rather than module options)."""
        return message

    def run(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> TaskResult:
        """The task's result for validated ``params`` (connection options already checked)."""
        raise NotImplementedError


def run_task(
    task: Task, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]
) -> TaskResult:
    """The connection options checked once for the whole task, then the task."""
    try:
        validate_connection(params)
    except KongError as exc:
        result = TaskResult.failure(exc.describe())
    else:
        result = task.run(params, check_mode, diff, warn)
    if result.failed and isinstance(result.values.get("msg"), str):
        result.values["msg"] = task.reworded(result.values["msg"])
    return result


@dataclass(frozen=True)
class EntityTask(Task):
    """What a single-entity module does; ``selector`` picks the spec when several share the module (``type``)."""

    specs: dict[str, EntitySpec]
    selector: str | None = None

    @classmethod
    def of(cls, spec: EntitySpec) -> EntityTask:
        return cls({spec.collection: spec})

    @property
    def module(self) -> str:  # type: ignore[override]
        return str(next(iter(self.specs.values())).module)

    def argument_spec(self) -> dict[str, Any]:
        argument_spec = entity_argument_spec(*self.specs.values())
        if self.selector:
            argument_spec[self.selector] = {"type": "str", "required": True, "choices": list(self.specs)}
        return argument_spec

    def rules(self) -> dict[str, Any]:
        if self.selector:
            return selected_rules(self.specs, self.selector)
        return dict(next(iter(self.specs.values())).rules)

    def raw_secrets(self, params: Any) -> set[str]:
        """Secrets in the options as given (before validation): the picked entity's, else every entity's."""
        chosen = params.get(self.selector) if self.selector and isinstance(params, dict) else None
        picked = self.specs.get(chosen) if isinstance(chosen, str) else None
        specs = [picked] if picked else list(self.specs.values()) if self.selector else [self.spec_for(params)]
        return set().union(*(entity_secrets(spec, params) for spec in specs))

    def spec_for(self, params: dict[str, Any]) -> EntitySpec:
        return self.specs[params[self.selector]] if self.selector else next(iter(self.specs.values()))

    def run(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> TaskResult:
        spec = self.spec_for(params)
        revealed: set[str] = set()
        if self.selector:
            union, own = self.argument_spec(), entity_argument_spec(spec)
            foreign = sorted(
                name
                for name, option in union.items()
                if name not in own and name != self.selector and params.get(name) not in (None, option.get("default"))
            )
            if foreign:
                used = "%s=%s does not use option(s)" % (self.selector, params[self.selector])
                return TaskResult.failure("%s: %s" % (used, ", ".join(foreign)))
            revealed = revealed_values(params, union, own)
        engine = Engine(KongClient.from_params(params, warn=warn), spec, params, check_mode=check_mode, warn=warn)
        try:
            values = engine.run()
        except KongError as exc:
            values = dict(msg=exc.describe(engine.action), **error_details(exc))
            engine.validated = engine.validated and not isinstance(exc, KongConnectionError)  # no schema to ask for
            secrets = frozenset(engine.secret_values())  # the found entity may name the plugin
            return TaskResult(values, failed=True, secrets=secrets, revealed=frozenset(revealed))
        secrets = frozenset(engine.secret_values())
        return TaskResult(values, secrets=secrets, revealed=frozenset(revealed))


def run_module(task: Task) -> None:
    """The whole ``main()`` of a module."""
    module = SecretAwareModule(
        argument_spec=task.argument_spec(), supports_check_mode=True, raw_secrets=task.raw_secrets, **task.rules()
    )
    require_urllib3(module)
    result = run_task(task, module.params, module.check_mode, module._diff, module.warn)
    module.no_log_values = result.no_log(set(module.no_log_values))
    values = dict(result.values, invocation={"module_args": task.shown_args(module.params)})
    if result.failed:
        module.fail_json(**values)
    module.exit_json(**values)


def entity_module(spec: EntitySpec) -> None:
    """``main()`` of a module for one entity: its options and rules come from ``spec``."""
    run_module(EntityTask.of(spec))


# kong_consumer_credential: the credential entities share one module, picked by its ``type`` option
CREDENTIAL_TASK = EntityTask(CREDENTIALS, "type")


def entity_tasks() -> dict[str, EntityTask]:
    """The task of every module managing entities, by module name."""
    return {
        str(spec.module): CREDENTIAL_TASK if spec.module == CREDENTIAL_TASK.module else EntityTask.of(spec)
        for spec in MANAGED.values()
    }
