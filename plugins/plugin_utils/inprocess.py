# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugins that run a module's work in the controller process when the task runs there.

The Admin API is reached from the controller for tasks on a local connection (the usual setup), so the
module's work (the same module_utils code) can run in the controller process, without building, copying
and starting a module process per task. The result is what the module returns: options checked with the
same argument spec and rules, secrets masked with the same no_log values, warnings and ``invocation``,
passed through JSON as a module's result is. The module runs instead when the connection is not local,
with become, async or a task ``environment`` (which only the module process would see), when
``requests`` is missing on the controller, or when the variable ``aigateway_kong_inprocess`` is false.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible_collections.aigateway.kong.plugins.module_utils.runner import EntityTask
from ansible_collections.aigateway.kong.plugins.module_utils.transport import HAS_REQUESTS
from ansible_collections.aigateway.kong.plugins.plugin_utils.masking import mask_secrets

SWITCH = "aigateway_kong_inprocess"
display = Display()


class InProcessAction(ActionBase):
    """Runs ``compute`` in this process when that is equivalent to running the module, else the module."""

    _supports_check_mode = True
    _supports_async = True
    module = ""  # the module's FQCN

    def argument_spec(self) -> dict[str, Any]:
        raise NotImplementedError

    def rules(self) -> dict[str, Any]:
        """The module's cross-option rules (``mutually_exclusive``, ``required_if``, ...)."""
        return {}

    def raw_secrets(self, args: dict[str, Any]) -> set[str]:
        """Secrets in the options as given, masked even when they fail validation (as the module masks them)."""
        return set()

    def compute(
        self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None], no_log: set[str]
    ) -> tuple[dict[str, Any], set[str]]:
        """The module's result for validated ``params``, and the values to mask (``no_log``: the options')."""
        raise NotImplementedError

    def module_reason(self, task_vars: dict[str, Any]) -> str | None:
        """Why the module must run instead (None: in-process is equivalent)."""
        wanted = task_vars.get(SWITCH, True)
        if isinstance(wanted, str):
            wanted = self._templar.template(wanted)
        reasons = (
            (not boolean(wanted, strict=False), "%s is false" % SWITCH),
            (not HAS_REQUESTS, "requests is not installed on the controller"),
            (getattr(self._connection, "transport", None) != "local", "the connection is not local"),
            (bool(self._task.async_val), "the task is async"),
            (bool(self._task.become), "the task uses become"),
            (any(self._task.environment or ()), "the task sets environment"),
        )
        return next((reason for failed, reason in reasons if failed), None)

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        del tmp
        reason = self.module_reason(task_vars)
        display.vvv("%s: %s" % (self.module, "running the module: " + reason if reason else "running in-process"))
        if reason:
            args = self._task.args
            result.update(self._execute_module(module_name=self.module, module_args=args, task_vars=task_vars))
            return result
        result.update(self.run_in_process(dict(self._task.args), bool(self._task.check_mode), bool(self._task.diff)))
        return result

    def run_in_process(self, args: dict[str, Any], check_mode: bool, diff: bool) -> dict[str, Any]:
        """What the module returns for ``args``, computed in this process."""
        checked = ArgumentSpecValidator(self.argument_spec(), **self.rules()).validate(args)
        no_log = set(checked._no_log_values) | self.raw_secrets(args)
        params = checked.validated_parameters
        warnings: list[str] = []
        if checked.error_messages:  # as AnsibleModule reports them: the first error
            message = checked.errors.msg
            if isinstance(checked.errors.errors[0], UnsupportedError):
                message = "Unsupported parameters for (%s) module: %s" % (self.module, message)
            result: dict[str, Any] = {"failed": True, "msg": message}
        else:
            result, no_log = self.compute(params, check_mode, diff, warnings.append, no_log)
        result["invocation"] = {"module_args": params}
        if warnings:
            result["warnings"] = warnings
        return json.loads(json.dumps(mask_secrets(result, no_log)))


class EntityAction(InProcessAction):
    """A single-entity module (``task``) in-process: the same options, rules and engine run as the module's."""

    task: EntityTask

    def argument_spec(self) -> dict[str, Any]:
        return self.task.argument_spec()

    def rules(self) -> dict[str, Any]:
        return self.task.rules()

    def raw_secrets(self, args: dict[str, Any]) -> set[str]:
        return self.task.raw_secrets(args)

    def compute(
        self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None], no_log: set[str]
    ) -> tuple[dict[str, Any], set[str]]:
        return self.task.run(params, check_mode, warn, no_log)
