"""Kong's state as the tests compare it, and ``ansible-playbook`` run on a playbook file as a user runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from helpers import admin
from helpers.playbook import VENV_BIN, PlaybookRun, TaskResult, ansible_env, run_flags

TYPES = ("certificates", "upstreams", "targets", "services", "routes", "consumers", "key-auths", "basic-auths",
         "acls", "jwts", "hmac-auths", "plugins")
NOISE = ("id", "created_at", "updated_at", "ttl")
REFS = {"service": "services", "route": "routes", "consumer": "consumers", "upstream": "upstreams",
        "client_certificate": "certificates"}


def playbook(workdir: Path, collections: Path, path: Path, extra: dict[str, Any], *, inventory: Path | None = None,
             verbosity: int = 3, diff: bool = True, check: bool = False) -> PlaybookRun:
    """``ansible-playbook <path>`` as a user runs it; extra vars from a file."""
    workdir.mkdir(parents=True, exist_ok=True)
    results = workdir / "task_results.json"
    results.unlink(missing_ok=True)
    (workdir / "extra.json").write_text(json.dumps(extra))
    cmd = [str(VENV_BIN / "ansible-playbook"), str(path), "-e", "@" + str(workdir / "extra.json")]
    if inventory is not None:
        cmd += ["-i", str(inventory)]
    cmd += run_flags(check, diff, verbosity)
    proc = subprocess.run(cmd, cwd=workdir, env=ansible_env(workdir, collections, results), capture_output=True,
                          text=True, timeout=600, check=False)
    raw = json.loads(results.read_text()) if results.exists() else []
    tasks = [TaskResult(name=e["task"], status=e["status"], result=e["result"]) for e in raw]
    return PlaybookRun(proc.returncode, proc.stdout, proc.stderr, tasks)


def rows(sim: Any, collection: str) -> list[dict[str, Any]]:
    if collection == "targets":
        upstreams = admin.listing(sim, "/upstreams")
        return [t for u in upstreams for t in admin.listing(sim, f"/upstreams/{u['id']}/targets")]
    return admin.listing(sim, "/" + collection)


def normalised(sim: Any) -> dict[str, list[str]]:
    """Every entity as JSON without ids and timestamps, references by name (basic-auth hashes left out)."""
    listed = {c: rows(sim, c) for c in TYPES}
    names = {(c, r["id"]): r.get("name") or r.get("username") or (r.get("snis") or [None])[0] or r["id"]
             for c, found in listed.items() for r in found}
    out: dict[str, list[str]] = {}
    for collection, found in listed.items():
        entries = []
        for row in found:
            entry = {k: v for k, v in row.items() if k not in NOISE and v is not None}
            for field, target in REFS.items():
                if isinstance(entry.get(field), dict):
                    entry[field] = names.get((target, entry[field]["id"]), "?")
            if collection == "basic-auths":
                entry.pop("password", None)
            entries.append(json.dumps(entry, sort_keys=True))
        out[collection] = sorted(entries)
    return out
