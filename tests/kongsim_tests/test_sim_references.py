"""What real Kong 3.9.1 answers around references between entities: certificates used by services,
a service's client certificate, plugins detached from a service, and the balancer's view of health."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from helpers.certs import make_cert
from kongsim import KongSim


@pytest.fixture
def sim() -> Iterator[KongSim]:
    with KongSim() as sim:
        yield sim


def _cert(sim: KongSim, *snis: str) -> dict:
    pair = make_cert(snis[0], dns_names=snis, ecdsa=True)
    answer = requests.post(sim.url + "/certificates", json={"cert": pair.cert_pem, "key": pair.key_pem,
                                                            "snis": list(snis)}, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_deleting_a_referenced_certificate_fails_but_its_snis_are_gone(sim: KongSim) -> None:
    cert = _cert(sim, "mtls.example.test", "alt.example.test")
    svc = requests.post(sim.url + "/services", json={"name": "llm", "url": "https://llm.test",
                                                     "client_certificate": {"id": cert["id"]}}, timeout=10)
    assert svc.status_code == 201
    answer = requests.delete(sim.url + f"/certificates/{cert['id']}", timeout=10)
    assert answer.status_code == 400
    assert answer.json()["name"] == "foreign key violation"
    assert requests.get(sim.url + "/snis", timeout=10).json()["data"] == []
    kept = requests.get(sim.url + f"/certificates/{cert['id']}", timeout=10).json()
    assert kept["snis"] == []


def test_a_services_client_certificate_answers_without_snis(sim: KongSim) -> None:
    cert = _cert(sim, "client.example.test")
    requests.post(sim.url + "/services", json={"name": "llm", "url": "https://llm.test",
                                               "client_certificate": {"id": cert["id"]}}, timeout=10)
    answer = requests.get(sim.url + "/services/llm/client_certificate", timeout=10)
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == cert["id"] and body["snis"] is None
    assert requests.get(sim.url + f"/certificates/{cert['id']}", timeout=10).json()["snis"] == ["client.example.test"]


def test_patching_a_nested_plugin_with_a_null_service_detaches_it(sim: KongSim) -> None:
    requests.post(sim.url + "/services", json={"name": "llm", "url": "https://llm.test"}, timeout=10)
    plugin = requests.post(sim.url + "/services/llm/plugins", json={"name": "cors"}, timeout=10).json()
    answer = requests.patch(sim.url + f"/services/llm/plugins/{plugin['id']}", json={"service": None}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["service"] is None
    assert requests.get(sim.url + f"/plugins/{plugin['id']}", timeout=10).json()["service"] is None
    assert requests.get(sim.url + "/services/llm/plugins", timeout=10).json()["data"] == []


def test_balancer_health_reports_addresses_with_a_healthy_flag(sim: KongSim) -> None:
    requests.post(sim.url + "/upstreams", json={"name": "llm-pool"}, timeout=10)
    requests.post(sim.url + "/upstreams/llm-pool/targets", json={"target": "10.0.0.1:8000"}, timeout=10)
    body = requests.get(sim.url + "/upstreams/llm-pool/health?balancer_health=1", timeout=10).json()
    assert body["data"]["health"] == "HEALTHCHECKS_OFF"
    assert body["data"]["balancer_health"] == "HEALTHY"
    assert body["data"]["details"]["hosts"][0]["addresses"] == [
        {"ip": "10.0.0.1", "port": 8000, "weight": 100, "healthy": True}]
