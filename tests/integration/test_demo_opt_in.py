"""`make demo` against a Kong the user names writes there only after an explicit yes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


def demo(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KONG_", "ANSIBLE_", "AIGATEWAY_"))}
    base["AIGATEWAY_VENV"] = str(Path(sys.executable).parent.parent)
    return subprocess.run([str(REPO_ROOT / "scripts" / "demo")], env={**base, **env}, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300, check=False)


def test_demo_refuses_a_named_kong_without_opt_in(kongsim: Any) -> None:
    run = demo({"KONG_ADMIN_URL": kongsim.url})
    assert run.returncode != 0, run.stdout + run.stderr
    assert "AIGATEWAY_DEMO_WRITE=yes" in run.stderr and kongsim.url in run.stderr, run.stderr
    assert "First converge" not in run.stdout
    assert kongsim.request_log() == []


def test_demo_opt_in_goes_ahead() -> None:
    """With AIGATEWAY_DEMO_WRITE=yes the demo runs its playbook (here against a closed port, so it fails there)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    run = demo({"KONG_ADMIN_URL": closed, "AIGATEWAY_DEMO_WRITE": "yes", "ANSIBLE_NOCOLOR": "1"})
    assert "refused; set AIGATEWAY_DEMO_WRITE" not in run.stderr, run.stderr
    assert "First converge" in run.stdout, run.stdout + run.stderr
