"""Fault injection: status, delay, dropped connections, counts, method/path matching, HTTP control."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests
from kongsim import KongSim


@pytest.fixture
def sim() -> Iterator[KongSim]:
    with KongSim() as sim:
        yield sim


def _status(sim: KongSim, method: str, path: str, **kw: object) -> int:
    return requests.request(method, sim.url + path, timeout=10, **kw).status_code  # type: ignore[arg-type]


def test_status_fault_hits_the_next_matching_request_only(sim: KongSim) -> None:
    sim.inject_fault(method="GET", path=r"^/services", status=503)
    resp = requests.get(sim.url + "/services", timeout=10)
    assert resp.status_code == 503
    assert isinstance(resp.json().get("message"), str)
    assert _status(sim, "GET", "/services") == 200


def test_count_and_custom_body(sim: KongSim) -> None:
    sim.inject_fault(method="GET", path=r"^/consumers", status=500, count=2, body={"message": "boom"})
    first = requests.get(sim.url + "/consumers", timeout=10)
    second = requests.get(sim.url + "/consumers/x", timeout=10)
    assert (first.status_code, first.json()) == (500, {"message": "boom"})
    assert (second.status_code, second.json()) == (500, {"message": "boom"})
    assert _status(sim, "GET", "/consumers") == 200


def test_faulted_write_changes_nothing_and_is_logged(sim: KongSim) -> None:
    sim.inject_fault(method="POST", path=r"^/consumers$", status=500)
    assert _status(sim, "POST", "/consumers", json={"username": "ghost"}) == 500
    assert _status(sim, "GET", "/consumers/ghost") == 404
    assert [(e["method"], e["status"]) for e in sim.writes()] == [("POST", 500)]


def test_method_matching(sim: KongSim) -> None:
    sim.inject_fault(method="POST", path=r"^/services$", status=502)
    assert _status(sim, "GET", "/services") == 200
    assert _status(sim, "POST", "/services", json={"name": "a", "host": "a.test"}) == 502
    assert _status(sim, "POST", "/services", json={"name": "a", "host": "a.test"}) == 201


def test_any_method_and_path_regex_without_query(sim: KongSim) -> None:
    sim.inject_fault(method="*", path=r"^/routes$", status=504, count=2)
    assert _status(sim, "GET", "/services") == 200
    assert _status(sim, "GET", "/routes/x") == 404  # the regex is anchored: /routes/x does not match
    assert _status(sim, "GET", "/routes?size=5") == 504  # the query is not part of the matched path
    assert _status(sim, "DELETE", "/routes") == 504
    assert _status(sim, "GET", "/routes") == 200


def test_delay_then_normal_answer(sim: KongSim) -> None:
    sim.inject_fault(method="GET", path=r"^/status$", status=None, delay=0.6)
    started = time.monotonic()
    resp = requests.get(sim.url + "/status", timeout=10)
    elapsed = time.monotonic() - started
    assert resp.status_code == 200
    assert elapsed >= 0.6
    started = time.monotonic()
    assert _status(sim, "GET", "/status") == 200
    assert time.monotonic() - started < 0.5


def test_delay_makes_a_short_client_timeout_fire(sim: KongSim) -> None:
    sim.inject_fault(method="GET", path=r"^/services$", status=None, delay=1.5)
    with pytest.raises(requests.Timeout):
        requests.get(sim.url + "/services", timeout=0.5)


def test_delay_with_status(sim: KongSim) -> None:
    sim.inject_fault(method="GET", path=r"^/upstreams$", status=429, delay=0.4)
    started = time.monotonic()
    assert _status(sim, "GET", "/upstreams") == 429
    assert time.monotonic() - started >= 0.4


def test_drop_closes_the_connection_without_an_answer(sim: KongSim) -> None:
    sim.inject_fault(method="GET", path=r"^/plugins$", drop=True)
    with pytest.raises(requests.ConnectionError):
        requests.get(sim.url + "/plugins", timeout=10)
    assert _status(sim, "GET", "/plugins") == 200
    assert [(e["path"], e["status"]) for e in sim.request_log()] == [("/plugins", 0), ("/plugins", 200)]


def test_clear_faults(sim: KongSim) -> None:
    sim.inject_fault(method="*", path=r".*", status=500, count=100)
    sim.clear_faults()
    assert _status(sim, "GET", "/services") == 200


def test_faults_over_http(sim: KongSim) -> None:
    spec = {"method": "GET", "path": "^/consumers$", "status": 503, "count": 1}
    assert requests.post(sim.url + "/__kongsim/faults", json=spec, timeout=10).status_code == 201
    assert _status(sim, "GET", "/consumers") == 503
    assert _status(sim, "GET", "/consumers") == 200
    drop = {"method": "*", "path": "^/services", "drop": True, "count": 5}
    assert requests.post(sim.url + "/__kongsim/faults", json=drop, timeout=10).status_code == 201
    assert requests.delete(sim.url + "/__kongsim/faults", timeout=10).status_code in (200, 204)
    assert _status(sim, "GET", "/services") == 200


def test_control_endpoints_are_never_faulted_nor_logged(sim: KongSim) -> None:
    sim.inject_fault(method="*", path=r".*", status=500, count=10)
    assert requests.get(sim.url + "/__kongsim/log", timeout=10).status_code == 200
    spec = {"method": "GET", "path": "^/nothing$", "status": 500}
    assert requests.post(sim.url + "/__kongsim/faults", json=spec, timeout=10).status_code == 201
    assert sim.request_log() == []
    assert _status(sim, "GET", "/services") == 500  # the fault is still armed for Admin API paths


@pytest.mark.parametrize(
    "spec",
    [
        {"path": "("},
        {"count": "two"},
        {"delay": "slow"},
        {"status": "x"},
        {"status": 99},
        {"status": True},
        {"method": 5},
        {"bogus": 1},
    ],
    ids=["bad-regex", "count-str", "delay-str", "status-str", "status-99", "status-bool", "method-int", "unknown-key"],
)
def test_invalid_fault_specs_are_refused(sim: KongSim, spec: dict[str, object]) -> None:
    resp = requests.post(sim.url + "/__kongsim/faults", json={"method": "*", "path": "^/services$", **spec}, timeout=10)
    assert resp.status_code == 400
    assert "invalid fault" in resp.json()["message"]
    assert _status(sim, "GET", "/services") == 200  # nothing was armed
