# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugins that run a module's work in the controller process when the task runs there.

The Admin API is reached from the controller for tasks on a local connection (the usual setup), so the
module's work (the same module_utils code) can run in the controller process, without building, copying
and starting a module process per task. The result is what the module returns: options checked with the
same argument spec and rules, secrets masked with the same no_log values, warnings and ``invocation``,
passed through JSON as a module's result is. The module runs instead when the connection is not local,
with become, async or a task ``environment`` (which only the module process would see), when
``urllib3`` is missing on the controller, or when the variable ``aigateway_kong_inprocess`` is false.

One action plugin serves every module (``plugins/action/kong_entities.py``; ``meta/runtime.yml`` routes each
module to it); it runs the module's ``Task`` (``runner.Task``), found by the module's name.

PRIVATE: plugin_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from ansible import constants as C
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.plugins.loader import module_loader
from ansible.utils.display import Display
from ansible_collections.aigateway.kong.plugins.module_utils.api.transport import HAS_URLLIB3
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import Task, run_task
from ansible_collections.aigateway.kong.plugins.plugin_utils.masking import mask_secrets
from ansible_collections.aigateway.kong.plugins.plugin_utils.module_tasks import task_for

SWITCH = "aigateway_kong_inprocess"
display = Display()


def plain(value: Any) -> Any:
    """``value`` with Ansible's tagged strings, numbers, dicts and lists turned into Python's own types.

    Templated task arguments carry data tags (origin, trust); ansible-core's argument validation
    deep-copies its input, and copying tagged values costs about twenty times more than copying plain
    ones (per item of a kong_entities task). The module path sees plain JSON anyway."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


class TaskAction(ActionBase):
    """Runs the task's module in this process when that is equivalent to running the module, else the module."""

    _supports_check_mode = True
    _supports_async = True

    @functools.cached_property
    def module(self) -> str:
        """The module's FQCN (the task may name it by its short name under ``collections``, and before
        ansible-core 2.19 ``resolved_action`` names the action plugin a module is routed to, not the module)."""
        found = module_loader.find_plugin_with_context(self._task.action, collection_list=self._task.collections)
        return "aigateway.kong." + found.resolved_fqcn.rpartition(".")[2]

    @property
    def task(self) -> Task:
        return task_for(self.module.rpartition(".")[2])

    def module_reason(self, task_vars: dict[str, Any]) -> str | None:
        """Why the module must run instead (None: in-process is equivalent)."""
        wanted = task_vars.get(SWITCH, True)
        if isinstance(wanted, str):
            wanted = self._templar.template(wanted)
        reasons = (
            (not boolean(wanted, strict=False), "%s is false" % SWITCH),
            (not HAS_URLLIB3, "urllib3 is not installed on the controller"),
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
            result.update(self.hand_over(reason, task_vars))
            return result
        args = plain(self._task.args)
        result.update(self.run_in_process(args, bool(self._task.check_mode), bool(self._task.diff)))
        invocation = result.get("invocation", {}).get("module_args")
        if invocation is not None and not self.may_run_again():
            # The worker sends the task back to the controller with its templated arguments (ansible-core's
            # task_fields), which for thousands of kong_entities items, or the role's description, costs as much
            # as the run itself: what goes back instead is the result's invocation (secrets masked, the role's
            # description elided).
            self._task.args = dict(invocation)
        return result

    def may_run_again(self) -> bool:
        """Whether Ansible may run this task again with the arguments it has after this run: ``until`` and
        ``retries`` repeat the action in the worker, the task debugger's ``redo`` queues the returned task."""
        return bool(self._task.until or self._task.retries or self._task.debugger or C.ENABLE_TASK_DEBUGGER)

    def hand_over(self, reason: str, task_vars: dict[str, Any]) -> dict[str, Any]:
        """The task's result when it cannot run in this process (``reason``): its module's."""
        return self._execute_module(module_name=self.module, module_args=self._task.args, task_vars=task_vars)

    def run_in_process(self, args: dict[str, Any], check_mode: bool, diff: bool) -> dict[str, Any]:
        """What the module returns for ``args``, computed in this process."""
        checked = ArgumentSpecValidator(self.task.argument_spec(), **self.task.rules()).validate(args)
        no_log = set(checked._no_log_values) | self.task.raw_secrets(args)
        params = checked.validated_parameters
        warnings: list[str] = []
        if checked.error_messages:  # as AnsibleModule reports them: the first error
            message = checked.errors.msg
            if isinstance(checked.errors.errors[0], UnsupportedError):
                message = "Unsupported parameters for (%s) module: %s" % (self.module, message)
            result: dict[str, Any] = {"failed": True, "msg": message}
        else:
            outcome = run_task(self.task, params, check_mode, diff, warnings.append)
            result, no_log = outcome.module_result(), outcome.no_log(no_log)
        result["invocation"] = {"module_args": self.task.shown_args(params)}
        if warnings:
            result["warnings"] = warnings
        return json.loads(json.dumps(mask_secrets(result, no_log)))
