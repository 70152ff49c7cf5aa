"""Run the test suite's stages, independent ones side by side, and end with one line per stage.

Each stage is a command run from the checkout's root with its output in a log of its own; a stage's last output
line is its summary. Exit code 0 means passed, 77 skipped (its last line says why and how to enable it), anything
else failed. Stages in one lane run one after the other; the lanes run at the same time. Every stage runs even
when another failed, so one run reports every failure; the exit code is 1 when any stage failed.

Usage: stages.py [--only NAME,...] [PYTEST_ARGS...]   (STAGES=NAME,... as --only; PYTEST_ARGS go to the
pytest stages)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = 77
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Stage:
    name: str
    command: list[str]
    pytest: bool = False  # takes the extra pytest arguments
    status: str = "not run"
    seconds: float = 0.0
    summary: str = ""
    log: Path | None = None
    env: dict[str, str] = field(default_factory=dict)


def pytest_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", *args]


def real_kong(version: str, *selection: str) -> Stage:
    """The real-Kong tier on one Kong release: the tests marked ``kong`` (and tests/realkong) on a real Kong."""
    name = "real-kong" if version == "3.9.1" else "real-kong-" + version
    args = ["-n", "2", "--kong", "real", "--kong-version", version, "-m", "kong", *selection]
    return Stage(name, pytest_command(*args), pytest=True)


def real_kong_available() -> bool:
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers.realkong import availability

    return availability() is None


# What the releases besides 3.9.1 run: every module's story, check mode, the release gates, the export round trip
# and mutual TLS, the seed playbook through the proxy, the release's own transcripts and what its health checker
# cannot run.
OTHER_RELEASES = (
    *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "integration").glob("test_kong_*.py")),
    "tests/integration/test_versions.py",
    "tests/integration/test_check_validate.py",
    "tests/integration/test_check_mode_preview.py",
    "tests/integration/test_export_roundtrip.py",
    "tests/integration/test_connection.py",
    "tests/realkong/test_seed_playbook.py",
    "tests/realkong/test_transcripts.py",
    "tests/realkong/test_upstream_checks.py",
)


def lanes() -> list[list[Stage]]:
    """The stages, in lanes that run side by side, the CPU-heavy ones spread over the lanes.

    Where a real Kong can be had, the tests marked ``kong`` run against it (the real-Kong stages) and the pytest
    stage runs the rest on the simulator; without one they all run on the simulator."""
    simulator = ["-m", "not kong"] if real_kong_available() else []
    return [
        [
            Stage("lint", ["scripts/lint-all"]),
            Stage("pytest", pytest_command("-n", "2", *simulator), pytest=True),
            Stage("sanity", ["scripts/sanity"]),
        ],
        [
            Stage("molecule-docker", ["scripts/molecule-docker"]),
            real_kong("3.9.1"),
            real_kong("3.8.0", *OTHER_RELEASES, "tests/realkong/test_gateway_proxy.py"),
        ],
        [
            Stage("molecule", ["scripts/molecule", "test"]),
            Stage("ansible-core-matrix", ["scripts/ansible-core-matrix"]),
            real_kong("3.4.2", *OTHER_RELEASES),
            Stage("galaxy-import", ["scripts/galaxy-import"]),
        ],
    ]


def summary_of(log: Path) -> str:
    lines = [ANSI.sub("", line).strip(" =") for line in log.read_text(errors="replace").splitlines()]
    return next((line for line in reversed(lines) if line), "no output")


class Runner:
    def __init__(self, logs: Path, pytest_args: list[str]) -> None:
        self.logs = logs
        self.pytest_args = pytest_args
        self.print_lock = threading.Lock()

    def run(self, stage: Stage) -> None:
        stage.log = self.logs / (stage.name + ".log")
        command = stage.command + (self.pytest_args if stage.pytest else [])
        started = time.monotonic()
        with self.print_lock:
            print(f"==> {stage.name}: started ({' '.join(command)})", flush=True)
        with stage.log.open("w") as out:
            code = subprocess.call(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                   env=dict(os.environ, **stage.env), stdin=subprocess.DEVNULL)
        stage.seconds = time.monotonic() - started
        stage.status = "passed" if code == 0 else "skipped" if code == SKIPPED else "failed"
        stage.summary = summary_of(stage.log)
        with self.print_lock:
            print(f"\n==> {stage.name}: {stage.status} in {stage.seconds:.0f} s; its output:", flush=True)
            sys.stdout.write(stage.log.read_text(errors="replace"))
            print(f"<== {stage.name}: {stage.status}", flush=True)

    def lane(self, stages: list[Stage]) -> None:
        for stage in stages:
            self.run(stage)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--only", default=os.environ.get("STAGES", ""), help="comma-separated stage names")
    options, pytest_args = parser.parse_known_args()
    wanted = {name for name in options.only.split(",") if name}
    plan = [[s for s in lane if not wanted or s.name in wanted] for lane in lanes()]
    unknown = wanted - {s.name for lane in lanes() for s in lane}
    if unknown:
        parser.error(f"unknown stage(s): {', '.join(sorted(unknown))}")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="aigateway-stages-") as logs:
        runner = Runner(Path(logs), pytest_args)
        threads = [threading.Thread(target=runner.lane, args=(lane,)) for lane in plan if lane]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(f"\nall stages in {time.monotonic() - started:.0f} s:")
    stages = [s for lane in plan for s in lane]
    for stage in stages:
        print(f"stage {stage.name}: {stage.status} in {stage.seconds:.0f} s ({stage.summary})")
    return 1 if any(s.status == "failed" for s in stages) else 0


if __name__ == "__main__":
    sys.exit(main())
