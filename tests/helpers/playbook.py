"""Run ansible-playbook against the collection and read back each task's result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

VENV_BIN = Path(sys.executable).parent
CALLBACK_DIR = Path(__file__).parent / "callback_plugins"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
GROUP = "group/aigateway.kong.kong"
# Tests reach loopback simulators directly; a machine's own proxy settings would route them elsewhere.
PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def is_validation(path: str) -> bool:
    """``POST /schemas/{entity}/validate`` (and plugins, vaults): check mode's question to Kong, not a write."""
    return path.startswith("/schemas/") and path.endswith("/validate")


@dataclass
class TaskResult:
    """One task's outcome as the task_results callback recorded it."""

    name: str
    status: str
    result: dict[str, Any]
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.result.get("changed"))

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def writes(self) -> list[dict[str, Any]]:
        """The simulator requests this task sent with a writing method (Kong's validate endpoints store nothing)."""
        return [r for r in self.requests if r["method"] in WRITE_METHODS and not is_validation(r["path"])]

    @property
    def diff(self) -> dict[str, Any]:
        diff = self.result.get("diff")
        if isinstance(diff, list):  # ansible wraps a module's diff in a list at times
            diff = diff[0] if diff else {}
        return diff or {}

    @property
    def msg(self) -> str:
        return str(self.result.get("msg", ""))


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str
    tasks: list[TaskResult]

    def __getitem__(self, name: str) -> TaskResult:
        found = [t for t in self.tasks if t.name == name]
        if len(found) != 1:
            raise KeyError(
                f"{len(found)} task results named {name!r}; have {[t.name for t in self.tasks]}\n{self.summary()}"
            )
        return found[0]

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def summary(self) -> str:
        """What to print when an assertion about this run fails."""
        return f"rc={self.rc}\nSTDOUT:\n{self.stdout[-6000:]}\nSTDERR:\n{self.stderr[-3000:]}"


def _attach_requests(tasks: list[TaskResult], raw: list[dict[str, Any]], log: list[dict[str, Any]]) -> None:
    starts = [entry.get("log_start") for entry in raw]
    for index, task in enumerate(tasks):
        start = starts[index]
        if start is None:
            continue
        end = next((s for s in starts[index + 1:] if s is not None), len(log))
        task.requests = log[start:end]


def _connection_defaults(sim: Any) -> dict[str, Any]:
    return {"admin_url": sim.url}


def run_playbook_in(
    workdir: Path,
    collections_path: Path,
    tasks: list[dict[str, Any]],
    *,
    sim: Any = None,
    module_defaults: dict[str, Any] | None = None,
    play_vars: dict[str, Any] | None = None,
    check: bool = False,
    diff: bool = False,
    verbosity: int = 0,
    extra_vars: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    track_requests: bool = True,
) -> PlaybookRun:
    """Write a one-play playbook into ``workdir`` and run it on localhost.

    With ``sim`` the play's module_defaults point the action group at it (unless
    ``module_defaults`` is given), and each task result carries the simulator
    requests sent while that task ran (``track_requests``; needs a plain-HTTP sim).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    if module_defaults is None:
        module_defaults = {GROUP: _connection_defaults(sim)} if sim is not None else {}
    play: dict[str, Any] = {
        "name": "test",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": tasks,
    }
    if module_defaults:
        play["module_defaults"] = module_defaults
    if play_vars:
        play["vars"] = play_vars
    (workdir / "playbook.yml").write_text(yaml.safe_dump([play], sort_keys=False))
    (workdir / "inventory.yml").write_text(
        yaml.safe_dump(
            {
                "all": {
                    "hosts": {
                        "localhost": {
                            "ansible_connection": "local",
                            "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                        }
                    }
                }
            }
        )
    )
    results_file = workdir / "task_results.json"
    results_file.unlink(missing_ok=True)
    tracking = bool(sim is not None and track_requests and sim.url.startswith("http://"))
    run_env = ansible_env(workdir, collections_path, results_file, sim.url if tracking else "")
    run_env.update(env or {})
    cmd = [str(VENV_BIN / "ansible-playbook"), "-i", "inventory.yml", "playbook.yml"]
    cmd += run_flags(check, diff, verbosity)
    if extra_vars:  # from a file, as secrets would come from a vault: never on the command line
        (workdir / "extra_vars.json").write_text(json.dumps(extra_vars))
        cmd += ["-e", "@extra_vars.json"]
    proc = subprocess.run(cmd, cwd=workdir, env=run_env, capture_output=True, text=True, timeout=300, check=False)
    raw: list[dict[str, Any]] = json.loads(results_file.read_text()) if results_file.exists() else []
    tasks_out = [TaskResult(name=e["task"], status=e["status"], result=e["result"]) for e in raw]
    if tracking:
        _attach_requests(tasks_out, raw, sim.request_log())
    return PlaybookRun(rc=proc.returncode, stdout=proc.stdout, stderr=proc.stderr, tasks=tasks_out)


def ansible_env(workdir: Path, collections_path: Path, results_file: Path, kongsim_url: str = "") -> dict[str, str]:
    """The environment of a test's ansible-playbook run: this checkout as the collection, results recorded
    by the task_results callback, and nothing inherited that points at another Kong or Ansible setup."""
    run_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KONG_", "ANSIBLE_")) and k.lower() not in PROXY_VARIABLES
    }
    run_env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": str(collections_path),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACK_DIR),
            "ANSIBLE_CALLBACKS_ENABLED": "task_results",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_HOME": str(workdir / "ansible_home"),
            "ANSIBLE_LOCAL_TEMP": str(workdir / "ansible_tmp"),
            "ANSIBLE_REMOTE_TEMP": str(workdir / "ansible_remote_tmp"),
            "ANSIBLE_DEPRECATION_WARNINGS": "false",
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_PIPELINING": "true",
            "TASK_RESULTS_FILE": str(results_file),
            "TASK_RESULTS_KONGSIM_URL": kongsim_url,
        }
    )
    return run_env


def run_flags(check: bool, diff: bool, verbosity: int) -> list[str]:
    """ansible-playbook's --check, --diff and -v... flags for a test run."""
    flags = ["--check"] if check else []
    if diff:
        flags.append("--diff")
    if verbosity:
        flags.append("-" + "v" * verbosity)
    return flags
