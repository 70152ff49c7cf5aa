"""Entity behaviour the transcripts cannot show: key-auth ttl expiry, basic-auth hashes, target ports."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator

import pytest
import requests
from kongsim import KongSim


@pytest.fixture(scope="module")
def sim() -> Iterator[KongSim]:
    with KongSim() as sim:
        for name in ("ttl-user", "hash-user", "other-user"):
            assert requests.post(sim.url + "/consumers", json={"username": name}, timeout=10).status_code == 201
        yield sim


def _sha1(password: str, consumer_id: str) -> str:
    return hashlib.sha1((password + consumer_id).encode()).hexdigest()


def test_key_auth_ttl_counts_down_and_the_key_expires(sim: KongSim) -> None:
    created = requests.post(sim.url + "/consumers/ttl-user/key-auth", json={"key": "short", "ttl": 2}, timeout=10)
    assert created.status_code == 201
    assert created.json()["ttl"] in (1, 2)
    keep = requests.post(sim.url + "/consumers/ttl-user/key-auth", json={"key": "long", "ttl": 3600}, timeout=10)
    assert 3590 <= keep.json()["ttl"] <= 3600
    assert requests.get(sim.url + "/key-auths/short", timeout=10).status_code == 200
    time.sleep(3.1)
    assert requests.get(sim.url + "/key-auths/short", timeout=10).status_code == 404
    assert requests.get(sim.url + "/consumers/ttl-user/key-auth/short", timeout=10).status_code == 404
    listed = requests.get(sim.url + "/consumers/ttl-user/key-auth", timeout=10).json()["data"]
    assert [k["key"] for k in listed] == ["long"]
    assert "short" not in [k["key"] for k in requests.get(sim.url + "/key-auths", timeout=10).json()["data"]]
    assert requests.get(sim.url + "/key-auths/long", timeout=10).json()["ttl"] < 3600
    # The key is free again once expired.
    again = requests.post(sim.url + "/consumers/other-user/key-auth", json={"key": "short"}, timeout=10)
    assert again.status_code == 201
    assert again.json()["ttl"] is None


def test_basic_auth_password_is_sha1_of_password_and_consumer_id(sim: KongSim) -> None:
    consumer_id = requests.get(sim.url + "/consumers/hash-user", timeout=10).json()["id"]
    body = {"username": "hash-cred", "password": " pa ss "}  # whitespace is kept
    created = requests.post(sim.url + "/consumers/hash-user/basic-auth", json=body, timeout=10).json()
    assert created["password"] == _sha1(" pa ss ", consumer_id)
    stored = requests.get(sim.url + "/basic-auths/hash-cred", timeout=10).json()
    assert stored["password"] == _sha1(" pa ss ", consumer_id)

    unchanged = requests.patch(sim.url + "/basic-auths/hash-cred", json={"tags": ["x"]}, timeout=10).json()
    assert unchanged["password"] == _sha1(" pa ss ", consumer_id)
    nested = sim.url + "/consumers/hash-user/basic-auth/hash-cred"
    changed = requests.patch(nested, json={"password": "new"}, timeout=10).json()
    assert changed["password"] == _sha1("new", consumer_id)
    # At the top level the consumer is not in the input, and the hash needs it (Kong's transformation
    # check: input `password` needs `consumer.id`), so a password alone is refused.
    alone = requests.patch(sim.url + "/basic-auths/hash-cred", json={"password": "other"}, timeout=10)
    assert alone.status_code == 400
    assert alone.json()["fields"] == {"@entity": ["all or none of these fields must be set: 'password', 'consumer.id'"]}
    assert requests.get(nested, timeout=10).json()["password"] == _sha1("new", consumer_id)


def test_basic_auth_hash_follows_the_consumer(sim: KongSim) -> None:
    other_id = requests.get(sim.url + "/consumers/other-user", timeout=10).json()["id"]
    body = {"consumer": {"id": other_id}, "password": "moved"}
    moved = requests.patch(sim.url + "/basic-auths/hash-cred", json=body, timeout=10)
    assert moved.status_code == 200
    assert moved.json()["password"] == _sha1("moved", other_id)


@pytest.fixture(scope="module")
def upstream(sim: KongSim) -> str:
    assert requests.post(sim.url + "/upstreams", json={"name": "pool"}, timeout=10).status_code == 201
    return sim.url + "/upstreams/pool/targets"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("10.1.0.1", "10.1.0.1:8000"),
        ("llm.internal.test", "llm.internal.test:8000"),
        ("10.1.0.2:9000", "10.1.0.2:9000"),
        ("fd00::12", "[fd00:0000:0000:0000:0000:0000:0000:0012]:8000"),
        ("[fd00::13]:8080", "[fd00:0000:0000:0000:0000:0000:0000:0013]:8080"),
    ],
)
def test_target_gets_default_port_8000(upstream: str, given: str, stored: str) -> None:
    resp = requests.post(upstream, json={"target": given}, timeout=10)
    assert resp.status_code == 201
    assert resp.json()["target"] == stored


def test_target_lookup_uses_the_stored_form(upstream: str) -> None:
    requests.post(upstream, json={"target": "10.1.0.9"}, timeout=10)
    assert requests.get(upstream + "/10.1.0.9:8000", timeout=10).status_code == 200
    assert requests.get(upstream + "/10.1.0.9", timeout=10).status_code == 404


def test_target_with_and_without_default_port_is_a_duplicate(upstream: str) -> None:
    assert requests.post(upstream, json={"target": "10.1.0.20"}, timeout=10).status_code == 201
    duplicate = requests.post(upstream, json={"target": "10.1.0.20:8000"}, timeout=10)
    assert duplicate.status_code == 409
