"""`admin_token`: the Admin API answers 401 like Kong Enterprise's RBAC unless `Kong-Admin-Token` matches."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from kongsim import KongSim

TOKEN = "s3cret-token"
# What Kong Enterprise 3.x answers on the Admin API when RBAC is enforced and no token is sent.
UNAUTHORIZED = {"message": "Invalid credentials. Token or User credentials required"}


@pytest.fixture(scope="module")
def sim() -> Iterator[KongSim]:
    with KongSim(admin_token=TOKEN) as sim:
        yield sim


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/"), ("GET", "/services"), ("POST", "/consumers"), ("DELETE", "/consumers/x")]
)
def test_missing_token_is_401_with_kongs_body(sim: KongSim, method: str, path: str) -> None:
    resp = requests.request(method, sim.url + path, json={"username": "x"} if method == "POST" else None, timeout=10)
    assert resp.status_code == 401
    assert resp.json() == UNAUTHORIZED
    assert resp.headers["Content-Type"].startswith("application/json")


def test_wrong_token_is_401_and_writes_nothing(sim: KongSim) -> None:
    headers = {"Kong-Admin-Token": "not-" + TOKEN}
    resp = requests.post(sim.url + "/consumers", json={"username": "intruder"}, headers=headers, timeout=10)
    assert resp.status_code == 401
    # Kong Enterprise's wording for a wrong token varies by version ("Invalid RBAC credentials", ...).
    assert "credentials" in resp.json()["message"]
    good = {"Kong-Admin-Token": TOKEN}
    assert requests.get(sim.url + "/consumers/intruder", headers=good, timeout=10).status_code == 404


def test_right_token_is_accepted(sim: KongSim) -> None:
    headers = {"Kong-Admin-Token": TOKEN}
    created = requests.post(sim.url + "/consumers", json={"username": "ops"}, headers=headers, timeout=10)
    assert created.status_code == 201
    assert requests.get(sim.url + "/consumers/ops", headers=headers, timeout=10).status_code == 200


def test_header_name_is_case_insensitive(sim: KongSim) -> None:
    resp = requests.get(sim.url + "/services", headers={"kong-admin-token": TOKEN}, timeout=10)
    assert resp.status_code == 200


def test_control_endpoints_need_no_token(sim: KongSim) -> None:
    assert requests.get(sim.url + "/__kongsim/log", timeout=10).status_code == 200


def test_no_token_configured_means_open_access() -> None:
    with KongSim() as sim:
        assert requests.get(sim.url + "/services", timeout=10).status_code == 200
        assert requests.get(sim.url + "/services", headers={"Kong-Admin-Token": "x"}, timeout=10).status_code == 200
