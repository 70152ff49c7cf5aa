# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export in-process on the controller when the task runs there; the module otherwise (see inprocess)."""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.export_task import export_argument_spec, export_result
from ansible_collections.aigateway.kong.plugins.plugin_utils.inprocess import InProcessAction


class ActionModule(InProcessAction):
    module = "aigateway.kong.kong_export"

    def argument_spec(self) -> dict[str, Any]:
        return export_argument_spec()

    def compute(
        self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None], no_log: set[str]
    ) -> tuple[dict[str, Any], set[str]]:
        return export_result(params, check_mode, warn), no_log
