"""decK 1.4 against the simulator gives what it gave against a real Kong 3.9.1.

The sample state is synced into a fresh simulator, then `deck diff` and `deck dump` are compared with
the recordings in tests/fixtures/deck/ (made with the same decK against a real Kong 3.9.1).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from deckcompare import (
    basicauth_hash,
    compare_blocks,
    compare_lines,
    diff_blocks,
    headers_and_summary,
    tree_differences,
    warnings,
)
from kongsim import KongSim
from simtools import make_pki

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deck"
STATE = FIXTURES / "sample-state.yaml"
DECK = shutil.which("deck")
RECORDED_WITH = "decK 1.4."


def _skip_reason() -> str | None:
    if DECK is None:
        return (
            "decK is not on PATH: the decK fidelity test needs decK 1.4 (Debian package 'deck'; "
            "scripts/install-deck installs it when run as root or with passwordless sudo)"
        )
    out = subprocess.run([DECK, "version"], capture_output=True, text=True, timeout=30, check=False).stdout
    if not out.startswith(RECORDED_WITH):
        return f"the recordings were made with decK 1.4; {DECK} is {out.strip()!r}, whose output differs"
    return None


SKIP_REASON = _skip_reason()
pytestmark = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")


@dataclass(repr=False)
class DeckRun:
    diff: str
    dump: dict[str, Any]
    bob_id: str  # the consumer id the basic-auth hash depends on
    saved: Path  # directory holding the simulator's `deck diff` and `deck dump` output

    def __repr__(self) -> str:
        return f"DeckRun(output in {self.saved})"

    def fail(self, report: str) -> None:
        pytest.fail(
            f"{report}\n\n(the simulator's decK output: {self.saved}/diff.txt, {self.saved}/dump.yaml)", pytrace=False
        )


def _run_deck(home: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECK_")}
    env["HOME"] = str(home)  # no ~/.deck.yaml from the developer's machine
    cmd = [str(DECK), "--kong-addr", url, "--no-color", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=180, check=False)


def _deck(home: Path, url: str, *args: str) -> str:
    done = _run_deck(home, url, *args)
    if done.returncode != 0:
        pytest.fail(
            f"`deck {' '.join(args)}` exited {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}",
            pytrace=False,
        )
    return done.stdout + done.stderr


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.load(resp)


@pytest.fixture(scope="module")
def deck_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeckRun]:
    home = tmp_path_factory.mktemp("deck")
    with KongSim() as sim:
        _deck(home, sim.url, "sync", "-s", str(STATE))
        diff = _deck(home, sim.url, "diff", "-s", str(STATE))
        _deck(home, sim.url, "dump", "-o", str(home / "dump.yaml"))
        bob = _get(sim.url + "/consumers/bob")
    (home / "diff.txt").write_text(diff)
    dump = yaml.safe_load((home / "dump.yaml").read_text())
    yield DeckRun(diff=diff, dump=dump, bob_id=bob["id"], saved=home)


def test_diff_after_sync_lists_the_same_updates_as_real_kong(deck_run: DeckRun) -> None:
    expected = [line.rstrip() for line in (FIXTURES / "real-kong-diff-after-sync.txt").read_text().splitlines()]
    title = "`deck diff` after `deck sync`: headers and summary (UUIDs as <uuid>) differ from real Kong 3.9.1's"
    report = compare_lines(title, sorted(expected), headers_and_summary(deck_run.diff))
    if report:
        deck_run.fail(report)


def test_diff_after_sync_shows_the_same_fields_as_real_kong(deck_run: DeckRun) -> None:
    real = (FIXTURES / "real-kong-diff-full.txt").read_text()
    report = compare_blocks(diff_blocks(real), diff_blocks(deck_run.diff))
    if report:
        deck_run.fail(f"`deck diff` bodies differ from real Kong 3.9.1's (ids and timestamps normalised):\n{report}")
    assert warnings(deck_run.diff) == warnings(real)


def _basicauth(dump: dict[str, Any]) -> dict[str, Any]:
    bob = next(c for c in dump["consumers"] if c["username"] == "bob")
    return bob["basicauth_credentials"][0]


def test_dump_basicauth_password_is_sha1_of_password_and_consumer_id(deck_run: DeckRun) -> None:
    state = yaml.safe_load(STATE.read_text())
    plain = next(c for c in state["consumers"] if c["username"] == "bob")["basicauth_credentials"][0]["password"]
    assert _basicauth(deck_run.dump)["password"] == basicauth_hash(plain, deck_run.bob_id)


def test_dump_is_equivalent_to_real_kong(deck_run: DeckRun) -> None:
    real = yaml.safe_load((FIXTURES / "real-kong-dump.yaml").read_text())
    sim = copy.deepcopy(deck_run.dump)
    # The stored hash depends on the consumer's id (checked by the test above); the rest must match.
    for dump in (real, sim):
        _basicauth(dump)["password"] = "<sha1(password .. consumer id)>"
    differences = tree_differences(real, sim)
    if differences:
        deck_run.fail("`deck dump` differs from real Kong 3.9.1's:\n  " + "\n  ".join(differences))


def test_second_sync_changes_nothing_real_and_reset_empties_the_gateway(tmp_path: Path) -> None:
    with KongSim() as sim:
        _deck(tmp_path, sim.url, "sync", "-s", str(STATE))
        first = {path: _get(sim.url + path)["data"] for path in ("/services", "/routes", "/plugins", "/consumers")}
        _deck(tmp_path, sim.url, "sync", "-s", str(STATE))
        second = {path: _get(sim.url + path)["data"] for path in first}

        # decK re-sends (PUT) the entities it reports as updated: ids and contents stay the same, while
        # the timestamps may move (Kong regenerates created_at on PUT).
        def strip(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{k: v for k, v in e.items() if k not in ("created_at", "updated_at")} for e in entities]

        for path, before in first.items():
            assert strip(before) == strip(second[path]), path
        _deck(tmp_path, sim.url, "reset", "--force")
        for path in ("/services", "/routes", "/plugins", "/consumers", "/upstreams", "/key-auths", "/acls"):
            assert _get(sim.url + path) == {"data": [], "next": None}, path


def test_deck_over_tls_with_an_admin_token(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    tls = {"tls_cert": str(pki.server_cert), "tls_key": str(pki.server_key)}
    with KongSim(admin_token="deck-token", **tls) as sim:
        ca = ("--ca-cert", pki.ca_cert.read_text())
        refused = _run_deck(tmp_path, sim.url, *ca, "ping")
        assert refused.returncode != 0
        assert "401" in refused.stdout + refused.stderr
        token = ("--headers", "Kong-Admin-Token:deck-token")
        _deck(tmp_path, sim.url, *ca, *token, "sync", "-s", str(STATE))
        diff = _deck(tmp_path, sim.url, *ca, *token, "diff", "-s", str(STATE))
    expected = [line.rstrip() for line in (FIXTURES / "real-kong-diff-after-sync.txt").read_text().splitlines()]
    assert headers_and_summary(diff) == sorted(expected)
