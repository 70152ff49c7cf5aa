"""reset() and several simulators side by side."""

from __future__ import annotations

import time

import pytest
import requests
from kongsim import KongSim


def _seed(url: str) -> None:
    assert requests.post(url + "/services", json={"name": "svc", "host": "svc.test"}, timeout=10).status_code == 201
    route = {"name": "r", "paths": ["/r"], "service": {"name": "svc"}}
    assert requests.post(url + "/routes", json=route, timeout=10).status_code == 201
    assert requests.post(url + "/consumers", json={"username": "u", "tags": ["t"]}, timeout=10).status_code == 201
    assert requests.post(url + "/consumers/u/key-auth", json={"key": "k1"}, timeout=10).status_code == 201
    assert requests.post(url + "/plugins", json={"name": "cors"}, timeout=10).status_code == 201
    assert requests.post(url + "/upstreams", json={"name": "up"}, timeout=10).status_code == 201
    assert requests.post(url + "/upstreams/up/targets", json={"target": "10.0.0.1"}, timeout=10).status_code == 201


COLLECTIONS = ["/services", "/routes", "/consumers", "/key-auths", "/plugins", "/upstreams", "/tags"]


def test_reset_wipes_every_entity_and_names_can_be_reused() -> None:
    with KongSim() as sim:
        _seed(sim.url)
        sim.reset()
        for path in COLLECTIONS:
            assert requests.get(sim.url + path, timeout=10).json() == {"data": [], "next": None}, path
        assert requests.get(sim.url + "/", timeout=10).json()["plugins"]["enabled_in_cluster"] == []
        _seed(sim.url)  # no 409 from leftovers


def test_reset_over_http() -> None:
    with KongSim() as sim:
        _seed(sim.url)
        assert requests.post(sim.url + "/__kongsim/reset", timeout=10).status_code == 204
        assert requests.get(sim.url + "/consumers", timeout=10).json() == {"data": [], "next": None}


def test_two_instances_are_independent() -> None:
    with KongSim() as a, KongSim(kong_version="3.4.2") as b:
        assert a.port != b.port
        _seed(a.url)
        assert requests.get(b.url + "/services", timeout=10).json() == {"data": [], "next": None}
        assert requests.get(b.url + "/", timeout=10).json()["version"] == "3.4.2"
        assert requests.get(a.url + "/", timeout=10).json()["version"] == "3.9.1"
        _seed(b.url)  # same names on the other instance: no conflict
        a.inject_fault(method="*", path=".*", status=500, count=5)
        assert requests.get(b.url + "/services", timeout=10).status_code == 200
        assert len(b.request_log()) == 10  # 2 reads, 7 seeding writes, 1 read; a's traffic is not there
        assert all(e["status"] < 500 for e in b.request_log())
        a.stop()
        assert requests.get(b.url + "/services/svc", timeout=10).status_code == 200


def test_stop_then_start_a_new_instance() -> None:
    sim = KongSim().start()
    url = sim.url
    sim.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/", timeout=2)
    with KongSim() as again:
        assert requests.get(again.url + "/", timeout=10).status_code == 200


def test_stop_returns_promptly_with_a_kept_alive_connection_open() -> None:
    sim = KongSim().start()
    session = requests.Session()
    try:
        assert session.get(sim.url + "/status", timeout=10).status_code == 200  # the connection stays open
        started = time.monotonic()
        sim.stop()
        assert time.monotonic() - started < 3
    finally:
        session.close()
