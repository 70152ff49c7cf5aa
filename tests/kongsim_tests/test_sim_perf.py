"""Latency a client with a kept-alive connection sees (the bounds are generous: shared CI machines)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator

import pytest
import requests
from kongsim import KongSim


@pytest.fixture(scope="module")
def sim() -> Iterator[KongSim]:
    with KongSim() as sim:
        requests.put(sim.url + "/consumers/perf-user", json={}, timeout=10)
        yield sim


def _median_ms(send: Callable[[], requests.Response], count: int = 15) -> float:
    times = []
    for _attempt in range(count):
        started = time.perf_counter()
        resp = send()
        times.append((time.perf_counter() - started) * 1000)
        assert resp.status_code == 200
    return statistics.median(times)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/status", None),
        ("GET", "/consumers/perf-user", None),
        ("PATCH", "/consumers/perf-user", {"tags": ["a"]}),
    ],
)
def test_kept_alive_requests_are_not_delayed(sim: KongSim, method: str, path: str, body: object) -> None:
    url = sim.url + path
    with requests.Session() as session:
        kept_alive = _median_ms(lambda: session.request(method, url, json=body, timeout=10))
    close = {"Connection": "close"}
    fresh = _median_ms(lambda: requests.request(method, url, json=body, headers=close, timeout=10))
    # A small answer on a kept-alive connection must not wait for the client's delayed ACK (~40 ms):
    # it is about as fast as a new connection per request, whatever the machine's load.
    assert kept_alive < max(20.0, 3 * fresh), f"median {kept_alive:.1f} ms kept alive, {fresh:.1f} ms reconnecting"
