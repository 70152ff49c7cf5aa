"""Fidelity gate: every transcript recorded on a real Kong replays identically against the simulator of its version.

Two kinds of recordings live in tests/fixtures/transcripts/:

* `*.json`: one recording session on a Kong 3.9.1 node, alphabetically, each transcript after a wipe through the
  Admin API (FORMAT.md section 2). The node was not restarted between them, so what it remembered from the earlier
  ones (the annotations validation leaves on its schemas) shows in the later ones' `GET /schemas/...` answers: a
  transcript that reads a schema is replayed after the session's earlier transcripts, as it was recorded.
* `<version>/*.json`: each recorded on a freshly started node of that version (`hacking/record_transcript.py
  --fresh`), so each replays on a fresh simulator.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.kong_wipe import wipe
from helpers.transcript_matcher import Replayer, reads_schemas
from kongsim import KongSim
from kongsim.versions import SUPPORTED

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SESSION = sorted((FIXTURES / "transcripts").glob("*.json"))
FRESH = sorted(p for v in SUPPORTED for p in (FIXTURES / "transcripts" / v).glob("*.json"))
# custom plugins the recording node ran with (plugins = bundled,<name>), found by name in the transcript
CUSTOM_PLUGINS = {"llm-budget": FIXTURES / "schemas" / "plugin-llm-budget.json"}


def _load(path: Path) -> dict:
    transcript = json.loads(path.read_text())
    assert transcript["steps"], "a transcript without steps proves nothing"
    return transcript


def _sim(path: Path, version: str) -> KongSim:
    text = path.read_text()
    installed = [str(schema) for name, schema in CUSTOM_PLUGINS.items() if f'"{name}"' in text]
    return KongSim(host="127.0.0.1", port=0, kong_version=version, plugin_schemas=installed)


def test_transcripts_are_present() -> None:
    assert len(SESSION) == 56
    assert {p.parent.name for p in FRESH} == set(SUPPORTED)
    assert all(_load(p)["kong_version"] == p.parent.name for p in FRESH)


@pytest.mark.parametrize("path", SESSION, ids=[p.stem for p in SESSION])
def test_session_transcript(path: Path) -> None:
    transcript = _load(path)
    with _sim(path, transcript.get("kong_version", "3.9.1")) as sim:
        replayer = Replayer(sim.url)
        if reads_schemas(transcript):
            for earlier in SESSION[:SESSION.index(path)]:
                replayer.send_all(json.loads(earlier.read_text()))
                wipe(replayer)
        assert replayer.run(transcript) == len(transcript["steps"])


@pytest.mark.parametrize("path", FRESH, ids=[f"{p.parent.name}/{p.stem}" for p in FRESH])
def test_fresh_node_transcript(path: Path) -> None:
    transcript = _load(path)
    with _sim(path, transcript["kong_version"]) as sim:
        assert Replayer(sim.url).run(transcript) == len(transcript["steps"])
