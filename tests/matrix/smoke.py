"""The smoke of one ansible-core environment: install the collection tarball with that environment's
ansible-galaxy, then with its ansible-playbook and a fresh simulator each, converge the example gateway twice
(changed, then unchanged) and run tests/matrix/modules.yml with --check (nothing written) and twice."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from environments import MATRIX, Environment

ROOT = MATRIX.parent.parent
RECAP_LINE = re.compile(r"^\S+\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
# What the modules playbook creates; a --check run must leave all of them empty.
WRITTEN_BY_MODULES = ("upstreams", "services", "routes", "consumers", "plugins", "key-auths", "basic-auths")


class Failure(Exception):
    """The environment failed; the message says which step and why."""


class Log:
    """Every command of one environment with its output, printed in full when the environment fails."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def run(self, step: str, cmd: list[str], env: dict[str, str], cwd: Path, timeout: float = 300) -> str:
        """``cmd``'s output; a non-zero exit fails ``step``."""
        started = time.monotonic()
        rc: int | str
        try:
            proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, timeout=timeout, check=False)
            output, rc = proc.stdout, proc.returncode
        except subprocess.TimeoutExpired as err:
            output = err.output.decode(errors="replace") if isinstance(err.output, bytes) else err.output or ""
            rc = f"timeout after {timeout:.0f}s"
        self.parts.append(f"### {step}\n$ {' '.join(cmd)}   ({time.monotonic() - started:.1f}s, exit {rc})\n{output}")
        if rc != 0:
            raise Failure(f"{step}: {Path(cmd[0]).name} exited {rc}")
        return output

    def text(self) -> str:
        return "\n".join(self.parts)


def git_files(*selection: str) -> list[str]:
    listing = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", *selection], capture_output=True, check=True)
    return list(filter(None, listing.stdout.decode().split("\0")))


def build_tarball(dest: Path, log: Log, untracked: bool) -> Path:
    """The collection tarball built from a copy of the checkout's tracked files (as a clone would hold them,
    with the work tree's changes), and its untracked files that git does not ignore if ``untracked``."""
    src = dest / "src"
    files = git_files("--cached", *(["--others", "--exclude-standard"] if untracked else []))
    for path in files:
        if os.path.lexists(ROOT / path):  # tracked but deleted in the work tree: not in a clone of it either
            (src / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / path, src / path, follow_symlinks=False)
    galaxy = str(Path(sys.executable).with_name("ansible-galaxy"))
    log.run("build the collection", [galaxy, "collection", "build", "--output-path", str(dest / "dist"), str(src)],
            os.environ.copy(), dest)
    (tarball,) = (dest / "dist").glob("aigateway-kong-*.tar.gz")
    return tarball


def ansible_env(env: Environment, work: Path) -> dict[str, str]:
    """The process environment of this environment's ansible commands: the user's ANSIBLE_ and KONG_ settings
    left out, only the collections path of the installed tarball, no colour, loopback never proxied."""
    out = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "KONG_"))}
    no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY", ""), "127.0.0.1,localhost"]))
    out.update(
        PATH=f"{env.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        VIRTUAL_ENV=str(env.venv),
        ANSIBLE_COLLECTIONS_PATH=str(work / "collections"),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_HOME=str(work / "ansible-home"),
        ANSIBLE_LOCAL_TEMP=str(work / "ansible-tmp"),
        ANSIBLE_NOCOLOR="1",
        NO_COLOR="1",
        NO_PROXY=no_proxy,
        no_proxy=no_proxy,
    )
    return out


@contextmanager
def simulator(work: Path, name: str) -> Iterator[str]:
    """A fresh Admin API simulator on a free loopback port; yields its URL."""
    out = work / f"{name}.out"
    with out.open("w") as sink:
        proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "kongsim" / "serve.py"), "--listen",
                                 "127.0.0.1:0"], stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not (found := re.search(r"listening on (http://\S+)", out.read_text())):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise Failure(f"the simulator did not start:\n{out.read_text()}")
            time.sleep(0.05)
        yield found.group(1)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def play(log: Log, step: str, cmd: list[str], env: dict[str, str], cwd: Path, *, changes: bool) -> int:
    """Runs a playbook; returns its PLAY RECAP's changed count, which must be above 0 if ``changes``, else 0."""
    output = log.run(step, cmd, env, cwd)
    hosts = [[int(n) for n in line] for line in RECAP_LINE.findall(output.rpartition("PLAY RECAP")[2])]
    if not hosts:
        raise Failure(f"{step}: no PLAY RECAP")
    if any(unreachable or failed for _changed, unreachable, failed in hosts):
        raise Failure(f"{step}: a host failed")
    count = sum(changed for changed, _unreachable, _failed in hosts)
    if changes != bool(count):
        raise Failure(f"{step}: changed={count}, expected {'more than 0' if changes else '0'}")
    return count


def entity_counts(url: str) -> dict[str, int]:
    """How many entities the Admin API at ``url`` holds of each type the modules playbook writes."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    counts = {}
    for kind in WRITTEN_BY_MODULES:
        with opener.open(f"{url}/{kind}", timeout=10) as answer:
            counts[kind] = len(json.load(answer)["data"])
    return counts


def smoke(env: Environment, tarball: Path, work: Path, log: Log) -> str:
    """Runs the smoke in ``work``; returns what it saw in one line, raises Failure."""
    proc_env = ansible_env(env, work)
    log.run("install the collection", [env.tool("ansible-galaxy"), "collection", "install", "-p",
                                       str(work / "collections"), str(tarball)], proc_env, work)
    installed = work / "collections" / "ansible_collections" / "aigateway" / "kong"
    site = [env.tool("ansible-playbook"), "-i", str(installed / "inventories" / "example"),
            str(installed / "playbooks" / "site.yml")]
    with simulator(work, "example-sim") as url:
        example_env = {**proc_env, "KONG_ADMIN_URL": url}
        example = play(log, "example gateway, first run", site, example_env, work, changes=True)
        play(log, "example gateway, second run", site, example_env, work, changes=False)

    project = work / "project"  # a user's project: the playbook and its inventory, outside the checkout
    project.mkdir()
    for name in ("modules.yml", "inventory.yml"):
        shutil.copy(MATRIX / name, project / name)
    with simulator(work, "modules-sim") as url:
        # The URL reaches the modules through module_defaults only (proc_env has no KONG_ADMIN_URL).
        modules = [env.tool("ansible-playbook"), "-i", str(project / "inventory.yml"), str(project / "modules.yml"),
                   "-e", f"matrix_admin_url={url}"]
        predicted = play(log, "modules playbook --check", [*modules, "--check"], proc_env, work, changes=True)
        if written := {kind: n for kind, n in entity_counts(url).items() if n}:
            raise Failure(f"modules playbook --check wrote {written}")
        first = play(log, "modules playbook, first run", modules, proc_env, work, changes=True)
        play(log, "modules playbook, second run", modules, proc_env, work, changes=False)
    return (f"example gateway changed={example} then 0; modules playbook --check changed={predicted} "
            f"(nothing written), then changed={first} then 0")
