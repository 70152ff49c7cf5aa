"""Parallel clients: no lost writes, exactly one winner per unique name."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from kongsim import KongSim

THREADS = 8


@pytest.fixture
def sim() -> Iterator[KongSim]:
    with KongSim() as sim:
        yield sim


def _in_threads(work: Callable[[int, requests.Session], list[Any]]) -> list[Any]:
    def run(n: int) -> list[Any]:
        with requests.Session() as session:
            return work(n, session)

    with ThreadPoolExecutor(THREADS) as pool:
        return [item for chunk in pool.map(run, range(THREADS)) for item in chunk]


def _all_consumers(url: str) -> list[dict[str, Any]]:
    body = requests.get(url + "/consumers?size=1000", timeout=30).json()
    assert body["next"] is None
    return body["data"]


def test_parallel_creates_lose_nothing(sim: KongSim) -> None:
    def work(n: int, session: requests.Session) -> list[Any]:
        out = []
        for i in range(50):
            resp = session.post(sim.url + "/consumers", json={"username": f"t{n}-c{i}"}, timeout=30)
            out.append((resp.status_code, resp.json()["id"]))
        return out

    results = _in_threads(work)
    assert Counter(status for status, _cid in results) == {201: THREADS * 50}
    stored = _all_consumers(sim.url)
    assert len(stored) == THREADS * 50
    assert {c["id"] for c in stored} == {cid for _status, cid in results}
    assert len({c["username"] for c in stored}) == THREADS * 50
    assert len(sim.writes()) == THREADS * 50


def test_parallel_duplicates_get_exactly_one_winner_each(sim: KongSim) -> None:
    names = [f"dup-{i}" for i in range(30)]

    def work(n: int, session: requests.Session) -> list[Any]:
        order = names[:]
        random.Random(n).shuffle(order)
        out = []
        for name in order:
            resp = session.post(sim.url + "/consumers", json={"username": name}, timeout=30)
            out.append((name, resp.status_code, resp.json()))
        return out

    results = _in_threads(work)
    winners = Counter(name for name, status, _body in results if status == 201)
    assert winners == Counter(names), "every name must be created exactly once"
    losers = [(name, body) for name, status, body in results if status != 201]
    assert len(losers) == len(names) * (THREADS - 1)
    for name, body in losers:
        assert body["code"] == 5, body
        assert body["fields"] == {"username": name}
        assert body["message"] == f"UNIQUE violation detected on '{{username=\"{name}\"}}'"
    assert sorted(c["username"] for c in _all_consumers(sim.url)) == sorted(names)


def test_parallel_upserts_of_the_same_names_keep_one_entity_each(sim: KongSim) -> None:
    def work(n: int, session: requests.Session) -> list[Any]:
        out = []
        for i in range(20):
            resp = session.put(sim.url + f"/consumers/shared-{i}", json={"custom_id": f"{n}-{i}"}, timeout=30)
            out.append((i, resp.status_code, resp.json()["id"]))
        return out

    results = _in_threads(work)
    assert {status for _index, status, _cid in results} == {200}
    ids_per_name = {i: {cid for j, _status, cid in results if j == i} for i in range(20)}
    assert all(len(ids) == 1 for ids in ids_per_name.values()), "an upsert race created two entities"
    assert len(_all_consumers(sim.url)) == 20


def test_parallel_children_of_one_parent(sim: KongSim) -> None:
    assert requests.post(sim.url + "/services", json={"name": "svc", "host": "svc.test"}, timeout=10).status_code == 201

    def work(n: int, session: requests.Session) -> list[Any]:
        out = []
        for i in range(10):
            body = {"name": f"r{n}-{i}", "paths": [f"/r{n}/{i}"]}
            out.append(session.post(sim.url + "/services/svc/routes", json=body, timeout=30).status_code)
        return out

    assert Counter(_in_threads(work)) == {201: THREADS * 10}
    routes = requests.get(sim.url + "/services/svc/routes?size=1000", timeout=30).json()["data"]
    assert len(routes) == THREADS * 10


def test_deleting_a_service_while_routes_are_added_leaves_no_dangling_route(sim: KongSim) -> None:
    services = [f"svc-{i}" for i in range(6)]
    for name in services:
        requests.post(sim.url + "/services", json={"name": name, "host": "h.test"}, timeout=10)

    def work(n: int, session: requests.Session) -> list[Any]:
        out = []
        for i, name in enumerate(services):
            if n % 2:  # odd threads add routes, even threads try to delete routes' services
                body = {"paths": [f"/{name}/{n}/{i}"], "service": {"name": name}}
                out.append(session.post(sim.url + "/routes", json=body, timeout=30).status_code)
            else:
                out.append(session.delete(sim.url + f"/services/{name}", timeout=30).status_code)
        return out

    statuses = Counter(_in_threads(work))
    assert set(statuses) <= {201, 204, 400}, statuses  # 400: service still referenced / already gone
    alive = {s["id"] for s in requests.get(sim.url + "/services", timeout=10).json()["data"]}
    routes = requests.get(sim.url + "/routes?size=1000", timeout=10).json()["data"]
    assert all(r["service"]["id"] in alive for r in routes), "a route references a deleted service"
