# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_info in-process on the controller when the task runs there; the module otherwise (see inprocess)."""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.info import info_argument_spec, info_result
from ansible_collections.aigateway.kong.plugins.plugin_utils.inprocess import InProcessAction


class ActionModule(InProcessAction):
    module = "aigateway.kong.kong_info"

    def argument_spec(self) -> dict[str, Any]:
        return info_argument_spec()

    def compute(
        self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None], no_log: set[str]
    ) -> tuple[dict[str, Any], set[str]]:
        return info_result(params, warn), no_log
