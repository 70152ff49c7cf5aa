"""HTTP/1.1 connection handling: a kept-alive connection survives every early answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from kongsim import KongSim

TOKEN = "keepalive-token"
AUTH = {"Kong-Admin-Token": TOKEN}
BIG = '{"username":"' + "x" * 3000 + '"}'  # a body larger than one read


@pytest.fixture
def sim() -> Iterator[KongSim]:
    with KongSim(admin_token=TOKEN) as sim:
        yield sim


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("POST", "/no-such-path", {"Content-Type": "application/json", **AUTH}, 404),
        ("POST", "/", {"Content-Type": "application/json", **AUTH}, 405),
        ("POST", "/consumers", {"Content-Type": "text/plain", **AUTH}, 415),
        ("POST", "/consumers", {"Content-Type": "application/json"}, 401),
        ("GET", "/consumers", {"Content-Type": "application/json", **AUTH}, 200),
        ("POST", "/consumers", {"Content-Type": "application/json", **AUTH}, 201),
    ],
)
def test_unread_request_body_does_not_leak_into_the_next_request(
    sim: KongSim, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    with requests.Session() as session:
        assert session.request(method, sim.url + path, data=BIG, headers=headers, timeout=10).status_code == status
        follow = session.get(sim.url + "/status", headers=AUTH, timeout=10)
        assert follow.status_code == 200
        assert "server" in follow.json()


def test_faulted_request_body_does_not_leak(sim: KongSim) -> None:
    sim.inject_fault(method="POST", path="^/consumers$", status=500)
    with requests.Session() as session:
        headers = {"Content-Type": "application/json", **AUTH}
        assert session.post(sim.url + "/consumers", data=BIG, headers=headers, timeout=10).status_code == 500
        assert session.get(sim.url + "/status", headers=AUTH, timeout=10).status_code == 200


def test_bad_json_then_next_request(sim: KongSim) -> None:
    with requests.Session() as session:
        headers = {"Content-Type": "application/json", **AUTH}
        bad = session.post(sim.url + "/consumers", data="{not json", headers=headers, timeout=10)
        assert (bad.status_code, bad.json()) == (400, {"message": "Cannot parse JSON body"})
        assert session.get(sim.url + "/consumers", headers=AUTH, timeout=10).json() == {"data": [], "next": None}


def test_chunked_request_body(sim: KongSim) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"username":'
        yield b'"chunky"}'

    headers = {"Content-Type": "application/json", **AUTH}
    with requests.Session() as session:
        created = session.post(sim.url + "/consumers", data=chunks(), headers=headers, timeout=10)
        assert created.status_code == 201
        assert created.json()["username"] == "chunky"
        assert session.get(sim.url + "/consumers/chunky", headers=AUTH, timeout=10).status_code == 200
