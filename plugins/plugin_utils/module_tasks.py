# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``Task`` of every module of the collection, by module name: what the shared action plugin runs.

PRIVATE: plugin_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

from ansible_collections.aigateway.kong.plugins.module_utils.bulk.run import BULK
from ansible_collections.aigateway.kong.plugins.module_utils.entity.info import INFO
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import Task, entity_tasks
from ansible_collections.aigateway.kong.plugins.module_utils.export.task import EXPORT
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.converge import GATEWAY

TASKS: dict[str, Task] = dict(entity_tasks())
TASKS.update((task.module, task) for task in (BULK, INFO, EXPORT, GATEWAY))
