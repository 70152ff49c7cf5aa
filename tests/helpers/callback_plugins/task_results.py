# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Records every task result of a playbook run as JSON, for the integration tests.

The file named by TASK_RESULTS_FILE receives a list of
``{"task", "host", "status", "result", "log_start"}`` entries. When
TASK_RESULTS_KONGSIM_URL is set, ``log_start`` is the length of the simulator's
request log when the task started, so a test can tell which requests a task sent.
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: task_results
type: aggregate
short_description: write task results to a JSON file (test support)
description:
  - Test support for the aigateway.kong integration tests.
requirements:
  - enabled in the configuration
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._entries: list[dict[str, Any]] = []
        self._log_start: int | None = None
        self._path = os.environ.get("TASK_RESULTS_FILE", "")
        self._sim_url = os.environ.get("TASK_RESULTS_KONGSIM_URL", "")

    def _log_length(self) -> int | None:
        if not self._sim_url:
            return None
        with urllib.request.urlopen(self._sim_url + "/__kongsim/log", timeout=10) as resp:
            return len(json.load(resp)["data"])

    def v2_playbook_on_task_start(self, task: Any, is_conditional: bool) -> None:
        self._log_start = self._log_length()

    def _record(self, result: Any, status: str) -> None:
        self._entries.append(
            {
                "task": result.task_name,
                "host": result.host.get_name(),
                "status": status,
                "result": result.result,
                "log_start": self._log_start,
            }
        )
        self._flush()

    def _flush(self) -> None:
        if self._path:
            with open(self._path, "w", encoding="utf-8") as handle:
                json.dump(self._entries, handle, default=str)

    def v2_runner_on_ok(self, result: Any) -> None:
        self._record(result, "ok")

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result: Any) -> None:
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._record(result, "unreachable")
