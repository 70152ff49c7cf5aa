# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_entities in-process on the controller when the task runs there; the module otherwise (see inprocess)."""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.bulk import bulk_argument_spec, bulk_secrets, bulk_task
from ansible_collections.aigateway.kong.plugins.plugin_utils.inprocess import InProcessAction


class ActionModule(InProcessAction):
    module = "aigateway.kong.kong_entities"

    def argument_spec(self) -> dict[str, Any]:
        return bulk_argument_spec()

    def raw_secrets(self, args: dict[str, Any]) -> set[str]:
        return bulk_secrets(args)

    def compute(
        self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None], no_log: set[str]
    ) -> tuple[dict[str, Any], set[str]]:
        return bulk_task(params, check_mode, diff, warn, no_log)
