# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_entities in-process on the controller when the task runs there; the module otherwise.

The Admin API is reached from the controller for tasks on a local connection (the usual setup), so the
module's work (the same module_utils code) can run in the controller process, without building, copying
and starting a module process per task. The result is what the module returns: options checked with the
same argument spec, secrets masked with the same no_log values, warnings and ``invocation``. The module
runs instead when the connection is not local, with become, async or a task ``environment`` (which only
the module process would see), when ``requests`` is missing on the controller, or when the variable
``aigateway_kong_inprocess`` is false.
"""

from __future__ import annotations

from typing import Any, Callable

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible_collections.aigateway.kong.plugins.module_utils.bulk import BulkRun, bulk_argument_spec
from ansible_collections.aigateway.kong.plugins.module_utils.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.transport import HAS_REQUESTS

SWITCH = "aigateway_kong_inprocess"
display = Display()


class InProcessAction(ActionBase):
    """Runs ``compute`` in this process when that is equivalent to running the module, else the module."""

    _supports_check_mode = True
    _supports_async = True
    module = ""  # the module's FQCN

    def argument_spec(self) -> dict[str, Any]:
        raise NotImplementedError

    def compute(
        self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]
    ) -> tuple[dict[str, Any], list[str]]:
        """The module's result for validated ``params``, and secret values to mask besides the no_log options."""
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
        checked = ArgumentSpecValidator(self.argument_spec()).validate(args)
        no_log_values = set(checked._no_log_values)
        params = checked.validated_parameters
        warnings: list[str] = []
        if checked.error_messages:  # as AnsibleModule reports them: the first error
            message = checked.errors.msg
            if isinstance(checked.errors.errors[0], UnsupportedError):
                message = "Unsupported parameters for (%s) module: %s" % (self.module, message)
            result: dict[str, Any] = {"failed": True, "msg": message}
        else:
            result, secrets = self.compute(params, check_mode, diff, warnings.append)
            no_log_values.update(secrets)
        result["invocation"] = {"module_args": params}
        if warnings:
            result["warnings"] = warnings
        return remove_values(result, no_log_values)


class ActionModule(InProcessAction):
    module = "aigateway.kong.kong_entities"

    def argument_spec(self) -> dict[str, Any]:
        return bulk_argument_spec()

    def compute(
        self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]
    ) -> tuple[dict[str, Any], list[str]]:
        run = BulkRun(
            KongClient.from_params(params, warn=warn),
            params["entity"],
            params["items"],
            params,
            defaults=params["defaults"],
            check_mode=check_mode,
            diff=diff,
            warn=warn,
        )
        secrets = run.secret_values()
        return run.run(), secrets
