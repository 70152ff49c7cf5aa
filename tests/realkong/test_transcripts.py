"""Differential fidelity: every transcript the simulator replays replays against the real Kong of its release too.

A recording that no longer matches the real Kong fails here, in the same run as the simulator's replay
(tests/kongsim_tests/test_transcripts.py). Each transcript runs on a node set up as it was recorded: with the
custom plugin ``llm-budget`` when it uses it, with Kong's bundled plugins otherwise. A transcript whose answers
depend on the node's history runs on a restarted node: one that reads a schema Kong annotates as it validates,
after the recording session's earlier transcripts; one that reads balancer health, on its own. The runtimes here
are built against another OpenSSL than Kong's own packages, and Kong lists some things in hash order:
``OTHER_BUILD`` matching says what that tolerates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers.kong_wipe import wipe
from helpers.transcript_matcher import OTHER_BUILD, Replayer, reads_balancers, reads_schemas

pytestmark = pytest.mark.kong

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"
SESSION = sorted(TRANSCRIPTS.glob("*.json"))  # one 3.9.1 recording session, in this order
CUSTOM_PLUGIN = "llm-budget"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The transcripts of the release under test: the session's on 3.9.1, and each release's own."""
    version = metafunc.config.getoption("--kong-version")
    paths = (SESSION if version == "3.9.1" else []) + sorted((TRANSCRIPTS / version).glob("*.json"))
    metafunc.parametrize("path", paths, ids=[str(p.relative_to(TRANSCRIPTS)) for p in paths])


def test_transcript_replays_on_the_real_kong(path: Path, request: pytest.FixtureRequest) -> None:
    text = path.read_text()
    transcript = json.loads(text)
    kong: Any = request.getfixturevalue("real_kong" if f'"{CUSTOM_PLUGIN}"' in text else "second_real_kong")
    replayer = Replayer(kong.admin_url, matching=OTHER_BUILD)
    if reads_schemas(transcript) or reads_balancers(transcript):
        kong.reset()
        if path in SESSION and reads_schemas(transcript):
            for earlier in SESSION[: SESSION.index(path)]:
                replayer.send_all(json.loads(earlier.read_text()))
                wipe(replayer)
    else:
        wipe(replayer)
    assert replayer.run(transcript) == len(transcript["steps"])
