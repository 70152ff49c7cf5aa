"""Proves every ansible-core the collection claims (scripts/ansible-core-matrix, a stage of make test).

Builds the collection tarball once, then for each pinned environment (tests/matrix/ansible-core-*.txt) runs the
smoke (smoke.py) with that environment's ansible-galaxy and ansible-playbook, ``--jobs`` environments at a time.
Prints one short line per environment, the full output of any that failed, and a one-line summary last.
Exit 0: every environment passed; 77: skipped (the last line says why); 1: failed.

Usage: scripts/ansible-core-matrix [--jobs N] [--with-untracked] [WORD...]
  WORD: run only the environments whose file name has it (e.g. 2.16, urllib3)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from environments import Environment, InstallError, discover, installed
from smoke import ROOT, Failure, Log, build_tarball, git_files, smoke

STAGE = "ansible-core-matrix"
WHAT = "example gateway changed then unchanged, modules playbook --check then changed then unchanged"
# Installs mostly wait on the network; smokes need a core each.
INSTALL_SLOTS = 3


@dataclass
class Outcome:
    env: Environment
    passed: bool
    line: str
    log: str = ""


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="scripts/ansible-core-matrix", description=__doc__.partition("\n")[0])
    p.add_argument("--jobs", type=int, default=int(os.environ.get("ANSIBLE_CORE_MATRIX_JOBS", "2")),
                   help="environments smoked at a time (default 2, env ANSIBLE_CORE_MATRIX_JOBS)")
    p.add_argument("--with-untracked", action="store_true",
                   help="put the untracked files git does not ignore in the tarball too (work in progress)")
    p.add_argument("only", nargs="*", metavar="WORD", help="run only the environments whose file name has WORD")
    return p.parse_args(argv)


def skip_reason() -> str | None:
    if sys.version_info[:2] != (3, 11):
        return f"the environments are pinned for Python 3.11, this is {sys.version.split()[0]}"
    inside = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--is-inside-work-tree"], capture_output=True,
                            text=True, check=False)
    if inside.stdout.strip() != "true":
        return "not a git checkout: the tarball is built from the tracked files"
    return None


def run_one(env: Environment, tarball: Path, tmp: Path, install_slots: threading.Semaphore,
            smoke_slots: threading.Semaphore) -> Outcome:
    log = Log()
    work = tmp / env.name
    work.mkdir()
    try:
        with installed(env, install_slots) as note:  # noqa: SIM117 (pylint takes "as note, slots" for a tuple)
            with smoke_slots:
                started = time.monotonic()
                seen = smoke(env, tarball, work, log)
    except InstallError as err:
        return Outcome(env, False, f"{env.label}: FAILED to install {env.requirements.name}", str(err))
    except Failure as err:
        return Outcome(env, False, f"{env.label}: FAILED: {err}", log.text())
    except Exception:  # anything else is this environment's failure too, reported like one
        return Outcome(env, False, f"{env.label}: FAILED: {sys.exc_info()[1]!r}", log.text() + traceback.format_exc())
    return Outcome(env, True, f"{env.label}: {seen} [{time.monotonic() - started:.0f}s, {note}]")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    if reason := skip_reason():
        print(f"{STAGE}: skipped: {reason}")
        return 77
    envs = discover(args.only)
    if not envs:
        print(f"{STAGE}: failed: no environment matches {' '.join(args.only)}")
        return 1
    with tempfile.TemporaryDirectory(prefix=f"{STAGE}.") as tmp_name:
        tmp = Path(tmp_name)
        build_log = Log()
        try:
            tarball = build_tarball(tmp, build_log, args.with_untracked)
        except Exception as err:  # the stage's last line must still say what failed
            print(build_log.text())
            print(f"{STAGE}: failed: the collection tarball could not be built ({err})")
            return 1
        print(f"{STAGE}: {tarball.name} ({tarball.stat().st_size // 1024} KiB), {len(envs)} environment(s), "
              f"{args.jobs} at a time", flush=True)
        if not args.with_untracked and (untracked := git_files("--others", "--exclude-standard")):
            print(f"{STAGE}: not in the tarball, untracked: {', '.join(untracked[:5])}"
                  f"{f' and {len(untracked) - 5} more' if len(untracked) > 5 else ''} (git add, or --with-untracked)")
        install_slots, smoke_slots = threading.Semaphore(INSTALL_SLOTS), threading.Semaphore(max(1, args.jobs))
        printing = threading.Lock()

        def report(env: Environment) -> Outcome:
            outcome = run_one(env, tarball, tmp, install_slots, smoke_slots)
            with printing:
                if not outcome.passed:
                    print(f"----- {env.name}: full output -----\n{outcome.log}\n----- end of {env.name} -----")
                print(f"{STAGE}: {outcome.line}", flush=True)
            return outcome

        with ThreadPoolExecutor(max_workers=len(envs)) as pool:
            outcomes = list(pool.map(report, envs))
    labels = [o.env.label for o in outcomes]
    failed = [o.env.label for o in outcomes if not o.passed]
    took = f"in {time.monotonic() - started:.0f}s"
    if failed:
        print(f"{STAGE}: failed with ansible-core {join(failed)} ({len(failed)} of {len(labels)} environments, "
              f"output above) {took}")
        return 1
    print(f"{STAGE}: {join(labels)} passed ({WHAT}) {took}")
    return 0


def join(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
