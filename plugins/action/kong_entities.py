# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of every module of the collection (``meta/runtime.yml`` routes each module here): runs the
module's work in the controller process when the task runs there, the module otherwise (see inprocess).

It carries the name of the module that manages every entity type because ansible-test wants each action plugin
to share its name with a module that documents it."""

from __future__ import annotations

from ansible_collections.aigateway.kong.plugins.plugin_utils.inprocess import TaskAction


class ActionModule(TaskAction):
    pass
