# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``Task`` of every module of the collection, by module name: what the shared action plugin runs.

A task imports only its own module's code (each task runs in a process forked for it, so whatever it imports is
imported again by the next task).

PRIVATE: plugin_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

import functools
import importlib

from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import Task, entity_tasks

PACKAGE = "ansible_collections.aigateway.kong.plugins.module_utils."
# the modules that are not one entity's, and where their task lives
HOMES = {
    "kong_entities": "bulk.run.BULK",
    "kong_info": "entity.info.INFO",
    "kong_export": "export.task.EXPORT",
    "ai_gateway_converge": "gateway.converge.GATEWAY",
}


@functools.lru_cache(maxsize=None)
def task_for(module: str) -> Task:
    """The task of ``module`` (its short name)."""
    home = HOMES.get(module)
    if home is None:
        return entity_tasks()[module]
    path, _dot, name = home.rpartition(".")
    task: Task = getattr(importlib.import_module(PACKAGE + path), name)
    return task


def all_tasks() -> dict[str, Task]:
    return {name: task_for(name) for name in (*entity_tasks(), *HOMES)}
