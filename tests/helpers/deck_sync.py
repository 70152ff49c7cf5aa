"""decK as the reference for kong_export's decK source: ``deck sync`` of a state file, and Kong's entities compared
without ids, timestamps and hashes.

decK 1.28 and later sync with ``deck gateway sync --kong-addr URL FILE``; older decK (Debian's 1.4) with
``deck --kong-addr URL sync -s FILE``. decK before 1.7 knows no ``${{ env "DECK_..." }}`` values: for it the
file is rendered here first, as later decK renders it. decK 1.12 and later refuse a 1.1 file for Kong 3.x:
for them it is converted first, as decK's message says (``deck file convert --from kong-gateway-2.x --to
kong-gateway-3.x``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from helpers import admin
from helpers.kong_state import rows

DECK = shutil.which("deck")
ENV_VALUE = re.compile(r'\$\{\{\s*env\s+"(DECK_[A-Za-z0-9_]*)"[^}]*\}\}')
TYPES = ("certificates", "snis", "ca_certificates", "upstreams", "targets", "services", "routes", "consumers",
         "key-auths", "basic-auths", "acls", "jwts", "hmac-auths", "plugins", "vaults", "key-sets", "keys")
NOISE = ("id", "created_at", "updated_at", "ttl")
REFS = {"service": "services", "route": "routes", "consumer": "consumers", "upstream": "upstreams",
        "client_certificate": "certificates", "certificate": "certificates", "set": "key-sets"}


def deck_version() -> tuple[int, ...] | None:
    if DECK is None:
        return None
    out = subprocess.run([DECK, "version"], capture_output=True, text=True, timeout=30, check=False).stdout
    found = re.search(r"(\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(n) for n in found.groups()) if found else None


VERSION = deck_version()
SKIP_REASON = None if VERSION else "decK is not on PATH (scripts/install-deck installs it)"


def _run(workdir: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DECK_KONG", "DECK_HEADERS"))}
    env["HOME"] = str(workdir)  # no ~/.deck.yaml from the developer's machine
    done = subprocess.run([str(DECK), *args], capture_output=True, text=True, env=env, timeout=180, check=False)
    assert done.returncode == 0, f"deck {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def as_deck_reads(state: Path, workdir: Path) -> Path:
    """``state`` as the installed decK can sync it into Kong 3.x."""
    assert VERSION is not None
    workdir.mkdir(parents=True, exist_ok=True)
    text = state.read_text()
    if VERSION < (1, 7):
        text = ENV_VALUE.sub(lambda m: os.environ[m.group(1)], text)
    path = workdir / ("rendered" + state.suffix)
    path.write_text(text)
    version = str((yaml.safe_load(ENV_VALUE.sub("x", text)) or {}).get("_format_version") or "1.1")
    if VERSION >= (1, 12) and version != "3.0":
        converted = workdir / ("converted" + state.suffix)
        command = ["file", "convert"] if VERSION >= (1, 28) else ["convert"]
        _run(workdir, *command, "--from", "kong-gateway-2.x", "--to", "kong-gateway-3.x",
             "--input-file", str(path), "--output-file", str(converted))
        path = converted
    return path


def deck_sync(url: str, state: Path, workdir: Path) -> str:
    path = as_deck_reads(state, workdir)
    assert VERSION is not None
    if VERSION >= (1, 28):
        return _run(workdir, "gateway", "sync", "--kong-addr", url, str(path))
    return _run(workdir, "--kong-addr", url, "--no-color", "sync", "-s", str(path))


def basic_auth_hash(password: str, consumer_id: str) -> str:
    """What Kong stores for a basic-auth password."""
    return hashlib.sha1((password + consumer_id).encode()).hexdigest()


def listing(kong: Any) -> dict[str, list[str]]:
    """Every entity as JSON without ids and timestamps, references by name (a CA certificate by its digest);
    basic-auth passwords left out (Kong's hash depends on the consumer's id: ``basic_auth_passwords``)."""
    listed = {c: rows(kong, c) for c in TYPES}
    names = {(c, r["id"]): r.get("name") or r.get("username") or r.get("prefix") or (r.get("snis") or [None])[0]
             or r.get("cert_digest") or r["id"] for c, found in listed.items() for r in found}
    out: dict[str, list[str]] = {}
    for collection, found in listed.items():
        entries = []
        for row in found:
            entry = {k: v for k, v in row.items() if k not in NOISE and v is not None}
            for name, target in REFS.items():
                if isinstance(entry.get(name), dict):
                    entry[name] = names.get((target, entry[name]["id"]), "?")
            if collection == "services" and entry.get("ca_certificates"):
                entry["ca_certificates"] = sorted(names.get(("ca_certificates", i), i) for i in entry[
                    "ca_certificates"])
            if collection == "basic-auths":
                entry.pop("password", None)
            entries.append(json.dumps(entry, sort_keys=True))
        out[collection] = sorted(entries)
    return out


def basic_auth_passwords(kong: Any) -> dict[str, tuple[str, str]]:
    """username -> the stored hash of each basic-auth credential, with the consumer id it was salted with."""
    return {r["username"]: (r["password"], r["consumer"]["id"]) for r in admin.listing(kong, "/basic-auths")}
