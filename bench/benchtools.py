"""Process helpers for bench/converge_bench.py: a simulator subprocess and timed, bounded commands."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SERVE = REPO / "tests" / "kongsim" / "serve.py"
WRITES = frozenset(("POST", "PUT", "PATCH", "DELETE"))


class Simulator:
    """tests/kongsim/serve.py in its own process on 127.0.0.1 (a fresh, empty Kong per instance).

    ``service_time``: the simulator's ``--service-time`` (``kong``: answers paced like a real Kong)."""

    def __init__(self, service_time: str | None = None) -> None:
        pacing = ["--service-time", service_time] if service_time else []
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVE), "--listen", "127.0.0.1:0", *pacing],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        found = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if not found:
            self.stop()
            raise RuntimeError(f"simulator did not start: {line!r}")
        self.url = found.group(1)

    def _call(self, method: str, path: str) -> Any:
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, timeout=60) as answer:  # nosec - loopback only
            body = answer.read()
        return json.loads(body) if body else None

    def log(self) -> list[dict[str, Any]]:
        return self._call("GET", "/__kongsim/log")["data"]

    def clear_log(self) -> None:
        self._call("DELETE", "/__kongsim/log")

    def count(self, collection: str) -> int:
        total, path = 0, f"/{collection}?size=1000"
        while path:
            page = self._call("GET", path)
            total += len(page["data"])
            path = page.get("next") or ""
        return total

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Timed:
    rc: int
    seconds: float
    max_rss_mb: float
    output: str


def run_timed(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float, log: Path) -> Timed:
    """Run ``cmd`` with its output in ``log``; wall time and the peak RSS of the process tree's largest member."""
    with open(log, "w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Timed(proc.returncode, seconds, usage.ru_maxrss / 1024.0, log.read_text(errors="replace"))


def request_stats(entries: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "requests": len(entries),
        "writes": sum(1 for e in entries if e["method"] in WRITES),
        "gets": sum(1 for e in entries if e["method"] == "GET"),
    }
