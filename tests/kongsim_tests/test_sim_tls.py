"""HTTPS and mutual TLS on the simulator, with a throwaway CA."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from kongsim import KongSim
from simtools import Pki, make_pki, start_serve


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_sim(pki: Pki) -> Iterator[KongSim]:
    with KongSim(tls_cert=str(pki.server_cert), tls_key=str(pki.server_key)) as sim:
        yield sim


@pytest.fixture(scope="module")
def mtls_sim(pki: Pki) -> Iterator[KongSim]:
    sim = KongSim(tls_cert=str(pki.server_cert), tls_key=str(pki.server_key), client_ca=str(pki.ca_cert))
    with sim:
        yield sim


def test_tls_url_is_https_and_verifies_against_the_ca(tls_sim: KongSim, pki: Pki) -> None:
    assert tls_sim.url == f"https://127.0.0.1:{tls_sim.port}"
    resp = requests.get(tls_sim.url + "/", verify=str(pki.ca_cert), timeout=10)
    assert resp.status_code == 200
    assert resp.json()["tagline"] == "Welcome to kong"


def test_tls_certificate_is_refused_by_a_client_trusting_another_ca(tls_sim: KongSim, tmp_path: Path) -> None:
    other = make_pki(tmp_path)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(tls_sim.url + "/", verify=str(other.ca_cert), timeout=10)


def test_plain_http_to_a_tls_port_gets_no_admin_answer(tls_sim: KongSim, pki: Pki) -> None:
    plain = tls_sim.url.replace("https://", "http://")
    try:
        status = requests.get(plain + "/", timeout=5).status_code
    except requests.ConnectionError:
        status = None
    assert status != 200
    # A failed handshake does not stop the server.
    assert requests.get(tls_sim.url + "/", verify=str(pki.ca_cert), timeout=10).status_code == 200


def test_tls_crud_works(tls_sim: KongSim, pki: Pki) -> None:
    created = requests.post(
        tls_sim.url + "/consumers", json={"username": "tls-user"}, verify=str(pki.ca_cert), timeout=10
    )
    assert created.status_code == 201
    got = requests.get(tls_sim.url + "/consumers/tls-user", verify=str(pki.ca_cert), timeout=10)
    assert got.json()["id"] == created.json()["id"]


def test_client_ca_answers_a_client_without_certificate_as_nginx(mtls_sim: KongSim, pki: Pki) -> None:
    # nginx (ssl_verify_client on) completes the handshake and answers every request with a 400 page
    resp = requests.get(mtls_sim.url + "/services", verify=str(pki.ca_cert), timeout=10)
    assert resp.status_code == 400
    assert resp.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert "<title>400 No required SSL certificate was sent</title>" in resp.text
    assert mtls_sim.request_log()[-1]["status"] == 400
    cert = (str(pki.client_cert), str(pki.client_key))
    assert requests.get(mtls_sim.url + "/", verify=str(pki.ca_cert), cert=cert, timeout=10).status_code == 200


def test_client_ca_refuses_a_certificate_from_another_ca(mtls_sim: KongSim, pki: Pki) -> None:
    rogue = (str(pki.rogue_client_cert), str(pki.rogue_client_key))
    with pytest.raises(requests.ConnectionError):
        requests.get(mtls_sim.url + "/", verify=str(pki.ca_cert), cert=rogue, timeout=10)


def test_client_ca_accepts_a_client_certificate(mtls_sim: KongSim, pki: Pki) -> None:
    cert = (str(pki.client_cert), str(pki.client_key))
    resp = requests.get(mtls_sim.url + "/services", verify=str(pki.ca_cert), cert=cert, timeout=10)
    assert resp.status_code == 200
    assert resp.json() == {"data": [], "next": None}


def test_cli_serves_mutual_tls(pki: Pki) -> None:
    server = start_serve(
        "--tls-cert", str(pki.server_cert), "--tls-key", str(pki.server_key), "--client-ca", str(pki.ca_cert)
    )
    try:
        assert server.line == f"kongsim listening on https://127.0.0.1:{server.port}"
        cert = (str(pki.client_cert), str(pki.client_key))
        assert requests.get(server.url + "/", verify=str(pki.ca_cert), cert=cert, timeout=10).status_code == 200
        assert requests.get(server.url + "/", verify=str(pki.ca_cert), timeout=10).status_code == 400
    finally:
        assert server.stop() == 0


def test_a_stalled_tls_client_does_not_block_others(tls_sim: KongSim, pki: Pki) -> None:
    with socket.create_connection(("127.0.0.1", tls_sim.port), timeout=10):
        # This connection never starts its handshake; other clients are still served.
        resp = requests.get(tls_sim.url + "/status", verify=str(pki.ca_cert), timeout=5)
        assert resp.status_code == 200
