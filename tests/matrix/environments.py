"""The environments of the ansible-core matrix: one pinned requirements file each (``ansible-core-*.txt`` beside
this file), installed into its own venv under ``tests/.cache/ansible-core-matrix`` and reinstalled only when the
file's sha256 changes, as scripts/bootstrap does for .venv."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MATRIX = Path(__file__).resolve().parent
CACHE = MATRIX.parent / ".cache" / "ansible-core-matrix"


class InstallError(Exception):
    """pip could not install an environment; the message holds pip's output."""


@dataclass(frozen=True)
class Environment:
    requirements: Path

    @property
    def name(self) -> str:
        """The file's stem, e.g. ``ansible-core-2.19-urllib3-1.26``."""
        return self.requirements.stem

    @property
    def pins(self) -> dict[str, str]:
        """``{package (lower case): version}`` as the file pins them."""
        pins = {}
        for line in self.requirements.read_text().splitlines():
            package, sep, version = line.partition("#")[0].strip().partition("==")
            if sep:
                pins[package.strip().lower()] = version.strip()
        return pins

    @property
    def label(self) -> str:
        """``2.19.15``, or ``2.19.15 with urllib3 1.26.20`` for an environment named after its urllib3."""
        pins = self.pins
        if "urllib3" in self.name:
            return f"{pins['ansible-core']} with urllib3 {pins['urllib3']}"
        return pins["ansible-core"]

    @property
    def venv(self) -> Path:
        return CACHE / self.name

    def tool(self, name: str) -> str:
        return str(self.venv / "bin" / name)


def discover(only: list[str]) -> list[Environment]:
    """Every environment, oldest ansible-core first; ``only`` keeps those whose name contains one of its words."""
    envs = [Environment(path) for path in MATRIX.glob("ansible-core-*.txt")]
    envs.sort(key=lambda env: (tuple(int(p) for p in env.pins["ansible-core"].split(".")), env.name))
    return [env for env in envs if not only or any(word in env.name for word in only)]


def _digest(env: Environment) -> str:
    return hashlib.sha256(env.requirements.read_bytes()).hexdigest()


def _current(env: Environment) -> bool:
    """Whether ``env``'s venv was installed from its requirements file as it is now."""
    stamp = env.venv / ".requirements.sha256"
    return (env.venv / "bin" / "python").exists() and stamp.exists() and stamp.read_text().strip() == _digest(env)


def _install(env: Environment) -> str:
    if _current(env):  # another run installed it while this one waited
        return "venv reused"
    started = time.monotonic()
    want = _digest(env)
    shutil.rmtree(env.venv, ignore_errors=True)
    log = CACHE / f"{env.name}.pip-install.log"
    with log.open("w") as out:
        # The venv gets no pip of its own: this Python's pip installs into it, without compiling bytecode up front
        # (Python compiles what it imports): a third of the CPU of ensurepip and a compiling install.
        for cmd in ([sys.executable, "-m", "venv", "--without-pip", str(env.venv)],
                    [sys.executable, "-m", "pip", "--python", env.tool("python"), "install", "--no-compile",
                     "--disable-pip-version-check", "-r", str(env.requirements)]):
            out.write("$ " + " ".join(cmd) + "\n")
            out.flush()
            if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=900, check=False).returncode:
                out.close()
                raise InstallError(f"{' '.join(cmd)} failed:\n{log.read_text()}")
    (env.venv / ".requirements.sha256").write_text(want + "\n")
    return f"venv installed in {time.monotonic() - started:.0f}s"


@contextmanager
def installed(env: Environment, install_slots: threading.Semaphore) -> Iterator[str]:
    """Holds ``env``'s venv, up to date with its requirements file, for the ``with`` body; yields what was done.

    A lock file keeps runs in the same checkout apart: they share a current venv, one installs while the
    others wait, and none reinstalls a venv that another one is using."""
    CACHE.mkdir(parents=True, exist_ok=True)
    # Tools that walk directories reading only each one's own .gitignore (ansible-lint) skip the venvs too.
    (CACHE / ".gitignore").write_text("*\n")
    with (CACHE / f"{env.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        note = "venv reused"
        if not _current(env):
            fcntl.flock(lock, fcntl.LOCK_EX)
            with install_slots:
                note = _install(env)
            fcntl.flock(lock, fcntl.LOCK_SH)
        yield note
