"""hacking/record_transcript.py writes what FORMAT.md describes: recording a scenario of the recorded transcripts
against the simulator (which replays them exactly) gives the same file, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from helpers.importable import module_from_file
from kongsim import KongSim

REPO = Path(__file__).resolve().parents[2]
TRANSCRIPTS = REPO / "tests" / "fixtures" / "transcripts"


def recorder() -> ModuleType:
    return module_from_file(REPO / "hacking" / "record_transcript.py")


# placeholders of every kind: generated keys and ttl, sha1 passwords, offsets in pages and `next` links,
# UUIDs in messages, request ids, target timestamps; and a transcript of another release
@pytest.mark.parametrize("name", ["cred-01-key-auth", "cred-02-basic-auth", "cred-03-acl", "page-01-services",
                                  "tgt-01-crud", "cred-05-hmac-auth", "3.4.2/version-07-workspaces"])
def test_recording_against_the_simulator_gives_the_transcript(name: str) -> None:
    rec = recorder()
    path = TRANSCRIPTS / f"{name}.json"
    expected = path.read_text()
    with KongSim(kong_version=json.loads(expected)["kong_version"]) as sim:
        kong = rec.Kong(sim.url, None, REPO)
        recorded = rec.dumps(rec.record(kong, path.stem, rec.load_scenario(path)))
    assert recorded == expected


def test_a_scenario_file_is_recorded_with_its_recorder_only_keys_left_out(tmp_path: Path) -> None:
    rec = recorder()
    scenario = tmp_path / "probe.yaml"
    scenario.write_text(
        "description: probe\n"
        "steps:\n"
        "  - {method: post, path: /consumers, body: {username: u1}, capture: {c.id: id}, expect_status: 201,"
        " sleep: 0}\n"
        "  - {note: by id, method: GET, path: '/consumers/{{c.id}}', record_headers: [Server]}\n")
    with KongSim() as sim:
        transcript = rec.record(rec.Kong(sim.url, None, REPO), "probe", rec.load_scenario(scenario))
    assert transcript["kong_version"] == "3.9.1" and transcript["scenario"] == "probe"
    first, second = transcript["steps"]
    assert first["request"] == {"method": "POST", "path": "/consumers", "body": {"username": "u1"}}
    assert first["capture"] == {"c.id": "id"} and "expect_status" not in first and "sleep" not in first
    assert first["response"]["body"]["id"] == "<uuid:1>" and first["response"]["body"]["created_at"] == "<timestamp>"
    assert second["note"] == "by id" and second["request"]["path"] == "/consumers/{{c.id}}"
    assert second["response"]["headers"] == {"content-type": "application/json; charset=utf-8",
                                             "server": "kong/3.9.1"}
    assert second["response"]["body"]["id"] == "<uuid:1>"
