# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ai_gateway_converge: always in the controller process (the role's model is controller code); where the
other modules would hand over to their module process, this one says why it cannot run."""

from __future__ import annotations

from typing import Any

from ansible_collections.aigateway.kong.plugins.plugin_utils.ai_gateway_converge import GATEWAY
from ansible_collections.aigateway.kong.plugins.plugin_utils.inprocess import TaskAction

DESCRIPTION = "(the gateway description: the role's ai_gateway_* variables)"


class ActionModule(TaskAction):
    task = GATEWAY

    def hand_over(self, reason: str, task_vars: dict[str, Any]) -> dict[str, Any]:
        return {
            "failed": True,
            "changed": False,
            "msg": "ai_gateway_single_task needs the role's tasks to run in the controller process, and here "
            "%s; leave ai_gateway_single_task false for this host" % reason,
        }

    def shown_args(self, params: dict[str, Any]) -> dict[str, Any]:
        # the description holds every key and password of the gateway, and can be thousands of entries long:
        # not echoed, even masked
        return dict(params, inputs=DESCRIPTION)
