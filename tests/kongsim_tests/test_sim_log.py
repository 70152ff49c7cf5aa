"""The request log: what arrived, in order, with its status; `writes()`; the HTTP control endpoint."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from kongsim import KongSim


@pytest.fixture
def sim() -> Iterator[KongSim]:
    with KongSim() as sim:
        yield sim


def _traffic(url: str) -> None:
    requests.post(url + "/services", json={"name": "llm", "host": "llm.test"}, timeout=10)
    requests.get(url + "/services?size=2", timeout=10)
    requests.get(url + "/services/llm", timeout=10)
    requests.patch(url + "/services/llm", json={"retries": 1}, timeout=10)
    requests.post(url + "/services", json={"name": "llm", "host": "llm.test"}, timeout=10)  # 409
    requests.get(url + "/services/missing", timeout=10)
    requests.put(url + "/consumers/ann", json={}, timeout=10)
    requests.delete(url + "/consumers/ann", timeout=10)


def test_log_records_method_path_query_status_in_order(sim: KongSim) -> None:
    _traffic(sim.url)
    log = sim.request_log()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("POST", "/services", 201),
        ("GET", "/services", 200),
        ("GET", "/services/llm", 200),
        ("PATCH", "/services/llm", 200),
        ("POST", "/services", 409),
        ("GET", "/services/missing", 404),
        ("PUT", "/consumers/ann", 200),
        ("DELETE", "/consumers/ann", 204),
    ]
    assert "size=2" in str(log[1]["query"])
    assert not log[0]["query"]


def test_writes_are_the_mutating_requests(sim: KongSim) -> None:
    _traffic(sim.url)
    writes = sim.writes()
    assert [(e["method"], e["status"]) for e in writes] == [
        ("POST", 201),
        ("PATCH", 200),
        ("POST", 409),
        ("PUT", 200),
        ("DELETE", 204),
    ]


def test_an_idempotent_read_only_run_has_no_writes(sim: KongSim) -> None:
    requests.get(sim.url + "/consumers/bob", timeout=10)
    requests.get(sim.url + "/", timeout=10)
    requests.options(sim.url + "/services", timeout=10)
    requests.head(sim.url + "/services", timeout=10)
    assert sim.writes() == []
    assert [e["method"] for e in sim.request_log()] == ["GET", "GET", "OPTIONS", "HEAD"]


def test_log_is_a_copy_and_clear_log_empties_it(sim: KongSim) -> None:
    requests.get(sim.url + "/services", timeout=10)
    log = sim.request_log()
    log.clear()
    assert len(sim.request_log()) == 1
    sim.clear_log()
    assert sim.request_log() == []
    assert sim.writes() == []
    requests.get(sim.url + "/routes", timeout=10)
    assert [e["path"] for e in sim.request_log()] == ["/routes"]


def test_control_endpoint_serves_and_clears_the_log_without_logging_itself(sim: KongSim) -> None:
    requests.post(sim.url + "/consumers", json={"username": "c1"}, timeout=10)
    resp = requests.get(sim.url + "/__kongsim/log", timeout=10)
    assert resp.status_code == 200
    data = resp.json()["data"]
    assert [(e["method"], e["path"], e["status"]) for e in data] == [("POST", "/consumers", 201)]
    assert set(data[0]) >= {"method", "path", "query", "status"}
    assert requests.delete(sim.url + "/__kongsim/log", timeout=10).status_code in (200, 204)
    assert sim.request_log() == []
    assert requests.get(sim.url + "/__kongsim/log", timeout=10).json()["data"] == []


def test_unknown_paths_and_errors_are_logged(sim: KongSim) -> None:
    requests.get(sim.url + "/nope", timeout=10)
    requests.delete(sim.url + "/services", timeout=10)
    assert [(e["method"], e["path"], e["status"]) for e in sim.request_log()] == [
        ("GET", "/nope", 404),
        ("DELETE", "/services", 405),
    ]
