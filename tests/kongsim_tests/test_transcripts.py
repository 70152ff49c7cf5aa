"""Fidelity gate: every transcript recorded on a real Kong 3.9.1 replays identically against the simulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kongsim import KongSim
from transcript_matcher import Replayer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TRANSCRIPTS = sorted((FIXTURES / "transcripts").glob("*.json"))
# custom plugins the recording node ran with (plugins = bundled,<name>), found by name in the transcript
CUSTOM_PLUGINS = {"llm-budget": FIXTURES / "schemas" / "plugin-llm-budget.json"}


def test_transcripts_are_present() -> None:
    assert len(TRANSCRIPTS) >= 56


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def test_transcript(path: Path) -> None:
    transcript = json.loads(path.read_text())
    assert transcript["steps"], "a transcript without steps proves nothing"
    text = path.read_text()
    installed = [str(schema) for name, schema in CUSTOM_PLUGINS.items() if f'"{name}"' in text]
    version = transcript.get("kong_version", "3.9.1")
    with KongSim(host="127.0.0.1", port=0, kong_version=version, plugin_schemas=installed) as sim:
        assert Replayer(sim.url).run(transcript) == len(transcript["steps"])
