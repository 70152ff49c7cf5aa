# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export in-process on the controller when the task runs there; the module otherwise (see inprocess)."""

from __future__ import annotations

from ansible_collections.aigateway.kong.plugins.module_utils.export_task import EXPORT
from ansible_collections.aigateway.kong.plugins.plugin_utils.inprocess import TaskAction


class ActionModule(TaskAction):
    task = EXPORT
