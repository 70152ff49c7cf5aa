"""The simulator's Kong-like pacing (--service-time): durations, presets, and one request at a time."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from kongsim import KongSim
from kongsim.service_time import ServiceTime


def test_preset_and_explicit_values() -> None:
    kong = ServiceTime.parse("kong")
    assert (kong.read_ms, kong.entity_ms, kong.plugin_entity_ms, kong.write_ms) == (1.0, 0.03, 0.06, 1.2)
    custom = ServiceTime.parse("read=0.5, write=3")
    assert (custom.read_ms, custom.entity_ms, custom.write_ms) == (0.5, 0.0, 3.0)


@pytest.mark.parametrize("spec", ["fast", "read", "read=1,bogus=2", "write=-1"])
def test_bad_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="service time"):
        ServiceTime.parse(spec)


def test_duration_counts_listed_entities() -> None:
    pacing = ServiceTime(read_ms=1.0, entity_ms=0.5, plugin_entity_ms=2.0, write_ms=4.0)
    two = json.dumps({"data": [{"id": "a", "created_at": 1}, {"id": "b", "created_at": 2}]}).encode()
    assert pacing.duration("GET", "/consumers", two) == pytest.approx(0.002)
    assert pacing.duration("GET", "/services/x/plugins", two) == pytest.approx(0.005)
    assert pacing.duration("PATCH", "/consumers/a", two) == pytest.approx(0.004)
    assert pacing.duration("GET", "/status", b"{}") == pytest.approx(0.001)


def test_one_request_at_a_time() -> None:
    pacing = ServiceTime()
    inside, overlaps = [0], []
    lock = threading.Lock()

    def handle() -> tuple[int, dict[str, str], bytes]:
        with lock:
            inside[0] += 1
            overlaps.append(inside[0])
        threading.Event().wait(0.01)
        with lock:
            inside[0] -= 1
        return 200, {}, b"{}"

    threads = [threading.Thread(target=pacing.serve, args=("GET", "/", handle)) for _index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [1] * 6


def test_paced_simulator_answers_as_usual() -> None:
    with KongSim(service_time="kong") as sim:
        request = urllib.request.Request(
            sim.url + "/services", data=b'{"name":"svc","url":"http://upstream:80"}', method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # nosec - loopback
            assert answer.status == 201
        with urllib.request.urlopen(sim.url + "/services", timeout=10) as answer:  # nosec - loopback
            assert [s["name"] for s in json.load(answer)["data"]] == ["svc"]
        assert [e["method"] for e in sim.request_log()] == ["POST", "GET"]
