"""DB-less mode (`database="off"`): reads work, entity writes are 405 code 12."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator

import pytest
import requests
from kongsim import KongSim


@pytest.fixture(scope="module")
def sim() -> Iterator[KongSim]:
    with KongSim(database="off") as sim:
        yield sim


def _unsupported(message: str) -> dict[str, object]:
    return {"code": 12, "name": "operation unsupported", "message": message}


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        ("POST", "/services", {"host": "h.test"}, "cannot create 'services' entities when not using a database"),
        ("POST", "/consumers", {"username": "u"}, "cannot create 'consumers' entities when not using a database"),
        (
            "PUT",
            "/services/" + str(uuid.UUID(int=1, version=4)),
            {"host": "h.test"},
            "cannot create or update 'services' entities when not using a database",
        ),
        (
            "PUT",
            "/consumers/alice",
            {},
            "cannot create or update 'consumers' entities by 'username' when not using a database",
        ),
        ("POST", "/upstreams", {"name": "up"}, "cannot create 'upstreams' entities when not using a database"),
    ],
)
def test_writes_are_405_code_12(sim: KongSim, method: str, path: str, body: dict[str, object], message: str) -> None:
    resp = requests.request(method, sim.url + path, json=body, timeout=10)
    assert (resp.status_code, resp.json()) == (405, _unsupported(message))


def test_credentials_use_the_dao_name(sim: KongSim) -> None:
    consumer = {"id": str(uuid.uuid4())}
    resp = requests.post(sim.url + "/key-auths", json={"consumer": consumer, "key": "k"}, timeout=10)
    assert resp.status_code == 405
    assert resp.json()["message"] == "cannot create 'keyauth_credentials' entities when not using a database"


def test_invalid_body_is_still_a_schema_violation(sim: KongSim) -> None:
    resp = requests.post(sim.url + "/services", json={"port": "80"}, timeout=10)
    assert resp.status_code == 400
    assert resp.json()["code"] == 2


def test_patch_of_missing_entity_is_404_and_delete_is_204(sim: KongSim) -> None:
    assert requests.patch(sim.url + "/services/nope", json={"retries": 1}, timeout=10).status_code == 404
    assert requests.delete(sim.url + "/services/nope", timeout=10).status_code == 204


def test_reads_work_and_nothing_was_stored(sim: KongSim) -> None:
    for path in ("/services", "/consumers", "/routes", "/plugins", "/upstreams"):
        resp = requests.get(sim.url + path, timeout=10)
        assert (resp.status_code, resp.json()) == (200, {"data": [], "next": None}), path
    assert requests.get(sim.url + "/consumers/alice", timeout=10).status_code == 404


def test_root_and_status_report_dbless(sim: KongSim) -> None:
    root = requests.get(sim.url + "/", timeout=10).json()
    assert root["configuration"]["database"] == "off"
    status = requests.get(sim.url + "/status", timeout=10).json()
    assert "database" not in status
    assert len(status["configuration_hash"]) == 32


def test_entities_loaded_by_config_are_readable_but_not_writable() -> None:
    config = {
        "_format_version": "3.0",
        "services": [{"name": "svc", "host": "svc.test", "routes": [{"name": "r", "paths": ["/r"]}]}],
    }
    with KongSim(database="off") as sim:
        assert requests.post(sim.url + "/config", json=config, timeout=10).status_code == 201
        service = requests.get(sim.url + "/services/svc", timeout=10).json()
        assert requests.get(sim.url + "/services/svc/routes", timeout=10).json()["data"][0]["name"] == "r"
        for method, path, message in [
            ("PATCH", "/services/svc", "cannot update 'services' entities by 'name' when not using a database"),
            ("PATCH", "/services/" + service["id"], "cannot update 'services' entities when not using a database"),
            ("DELETE", "/services/svc", "cannot remove 'services' entities by 'name' when not using a database"),
        ]:
            resp = requests.request(
                method, sim.url + path, json={"retries": 1} if method == "PATCH" else None, timeout=10
            )
            assert (resp.status_code, resp.json()) == (405, _unsupported(message)), (method, path)
        assert requests.get(sim.url + "/services/svc", timeout=10).json() == service
        assert requests.get(sim.url + "/status", timeout=10).json()["configuration_hash"] != "0" * 32


YAML_CONFIG = """\
_format_version: "3.0"
services:
  - name: svc
    host: svc.test
    routes:
      - name: r
        paths: [/r]
"""


@pytest.mark.parametrize("how", ["yaml body", "config string"])
def test_config_reads_yaml_with_pyyaml(how: str) -> None:
    with KongSim(database="off") as sim:
        if how == "yaml body":
            resp = requests.post(sim.url + "/config", data=YAML_CONFIG.encode(),
                                 headers={"Content-Type": "application/yaml"}, timeout=10)
        else:
            resp = requests.post(sim.url + "/config", json={"config": YAML_CONFIG}, timeout=10)
        assert resp.status_code == 201, resp.text
        assert requests.get(sim.url + "/services/svc/routes", timeout=10).json()["data"][0]["paths"] == ["/r"]
        bad = requests.post(sim.url + "/config", json={"config": "services: [unclosed"}, timeout=10)
        assert bad.status_code == 400
        assert bad.json()["fields"]["error"].startswith("failed parsing declarative configuration: ")


def test_config_without_pyyaml_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # import yaml raises ImportError
    with KongSim(database="off") as sim:
        resp = requests.post(sim.url + "/config", data=YAML_CONFIG.encode(),
                             headers={"Content-Type": "application/yaml"}, timeout=10)
        assert resp.status_code == 400
        assert "PyYAML" in resp.json()["message"] and "JSON" in resp.json()["message"]
        as_json = {"_format_version": "3.0", "services": [{"name": "svc", "host": "svc.test"}]}
        assert requests.post(sim.url + "/config", json=as_json, timeout=10).status_code == 201
