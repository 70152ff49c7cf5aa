"""Without urllib3, a task fails with one line naming the package, the Python that lacks it and the command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from helpers.lifecycle import task

M = "aigateway.kong."
SERVICE = {"name": "svc", "url": "http://upstream.example"}


def assert_names_install_command(msg: str, python: str) -> None:
    assert "\n" not in msg.strip(), msg
    assert "urllib3" in msg and f"{python} -m pip install urllib3" in msg, msg


def test_module_on_a_python_without_urllib3(kongsim: Any, run_playbook: Any, tmp_path: Path) -> None:
    """The module runs on another interpreter (ansible_python_interpreter) that lacks urllib3."""
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, timeout=120)
    python = str(bare / "bin" / "python")
    run = run_playbook(
        [
            task("service", M + "kong_service", SERVICE, ignore_errors=True),
            task("info", M + "kong_info", {}, ignore_errors=True),
        ],
        sim=kongsim,
        play_vars={"ansible_python_interpreter": python, "aigateway_kong_inprocess": False},
    )
    for name in ("service", "info"):
        assert run[name].failed, run.summary()
        assert_names_install_command(run[name].msg, python)
    assert kongsim.request_log() == []


def test_controller_without_urllib3(kongsim: Any, run_playbook: Any, tmp_path: Path) -> None:
    """urllib3 missing from the controller's Python: the in-process path hands over to the module, which names
    the interpreter that runs it (here the same Python)."""
    hidden = tmp_path / "hide-urllib3" / "urllib3"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text('raise ImportError("No module named \'urllib3\'")\n')
    run = run_playbook(
        [
            task("service", M + "kong_service", SERVICE, ignore_errors=True),
            task("entities", M + "kong_entities", {"entity": "consumers", "items": [{"username": "a"}]},
                 ignore_errors=True),
        ],
        sim=kongsim,
        env={"PYTHONPATH": str(hidden.parent)},
    )
    for name in ("service", "entities"):
        assert run[name].failed, run.summary()
        assert_names_install_command(run[name].msg, sys.executable)
    assert kongsim.request_log() == []
