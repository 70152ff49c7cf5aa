# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each module's wiring: its argument spec reaches the engine and the result leaves through exit_json."""

from __future__ import annotations

import importlib
import json

import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from helpers.certs import make_cert

PREFIX = "ansible_collections.aigateway.kong.plugins.modules."
AI_PROXY = {"route_type": "llm/v1/chat", "model": {"provider": "openai", "name": "gpt-4o"}}


@pytest.fixture
def run_module(kong, monkeypatch, capsys):
    def fake_client(params, **kwargs):
        return KongClient(params["admin_url"], transport=kong, **kwargs)

    # every module builds its client from its options: send its requests to the in-memory Kong
    monkeypatch.setattr(KongClient, "from_params", staticmethod(fake_client))

    def run(module_name, **args):
        main = importlib.import_module(PREFIX + module_name).main
        with patch_module_args({"admin_url": "http://127.0.0.1:8001", **args}), pytest.raises(SystemExit):
            main()
        return json.loads(capsys.readouterr().out)

    return run


def test_service_route_plugin(run_module, kong):
    assert run_module("kong_service", name="llm", url="http://a.test:8080/v1", retries=2)["changed"]
    assert run_module("kong_route", name="chat", service="llm", paths=["/chat"], headers={"x-team": "a"})["changed"]
    plugin = run_module("kong_plugin", name="ai-proxy", route="chat",
                        config={**AI_PROXY, "auth": {"header_name": "Authorization",
                                                     "header_value": "Bearer secret-value-1"}})
    assert plugin["changed"] and "secret-value-1" not in json.dumps(plugin)
    stored = next(iter(kong.store["services"].values()))
    assert (stored["port"], stored["retries"]) == (8080, 2)
    assert not run_module("kong_service", name="llm", url="http://a.test:8080/v1", retries=2)["changed"]


def test_consumer_credentials_and_options_per_type(run_module):
    assert run_module("kong_consumer", username="bob")["changed"]
    assert run_module("kong_consumer_credential", consumer="bob", type="acl", group="gpt")["changed"]
    failed = run_module("kong_consumer_credential", consumer="bob", type="acl", group="gpt", password="x")
    assert failed["failed"] and failed["msg"] == "type=acl does not use option(s): password"
    missing = run_module("kong_consumer_credential", consumer="bob", type="key-auth")
    assert missing["failed"] and "key" in missing["msg"]


def test_upstream_target_certificate(run_module):
    assert run_module("kong_upstream", name="u", healthchecks={"active": {"timeout": 1}})["changed"]
    assert run_module("kong_target", upstream="u", target="10.0.0.1")["target"]["target"] == "10.0.0.1:8000"
    pair = make_cert("a.test", dns_names=("a.test",), ecdsa=True)
    cert = run_module("kong_certificate", cert=pair.cert_pem, key=pair.key_pem, snis=["a.test"])
    assert cert["changed"] and pair.key_pem not in json.dumps(cert)


def test_info(run_module, kong):
    kong.add("services", name="s1", host="a.test", tags=["ai"])
    kong.add("services", name="s2", host="b.test")
    result = run_module("kong_info", entity="services", tags=["ai"])
    assert result["node"]["database"] == "postgres" and result["node"]["version"] == "3.9.1"
    assert [e["name"] for e in result["entities"]] == ["s1"]
    assert not result["changed"]


def test_check_mode_writes_nothing(run_module, kong):
    result = run_module("kong_service", name="llm", host="a.test", _ansible_check_mode=True)
    assert result["changed"] and kong.writes() == []


def test_info_scoped_and_masked(run_module, kong):
    route = kong.add("routes", name="chat", paths=["/chat"])
    auth = {"header_name": "Authorization", "header_value": "sk-not-shown"}
    kong.add("plugins", name="ai-proxy", route={"id": route["id"]}, config={**AI_PROXY, "auth": auth})
    kong.add("plugins", name="cors")
    result = run_module("kong_info", entity="plugins", route="chat")
    assert [p["name"] for p in result.get("entities", [])] == ["ai-proxy"]
    assert "sk-not-shown" not in json.dumps(result)
    failed = run_module("kong_info", entity="targets")
    assert failed["failed"] and "upstream" in failed["msg"]


def test_info_target_by_address(run_module, kong):
    upstream = kong.add("upstreams", name="u")
    kong.add("targets", target="10.0.0.1:8000", upstream={"id": upstream["id"]})
    result = run_module("kong_info", entity="targets", upstream="u", name="10.0.0.1")
    assert [t["target"] for t in result["entities"]] == ["10.0.0.1:8000"]


def test_rules_come_from_the_spec(run_module, kong):
    both = run_module("kong_service", name="llm", url="http://a.test", host="b.test")
    assert both["failed"] and "mutually exclusive: url|host" in both["msg"]
    alone = run_module("kong_certificate", snis=["a.test"], cert="C", key="K", cert_alt="C2")
    assert alone["failed"] and "parameters are required together: cert_alt, key_alt" in alone["msg"]
    nameless = run_module("kong_plugin", config={"minute": 1})
    assert nameless["failed"] and "one of the following is required: name, instance_name, id" in nameless["msg"]
    assert kong.log == []


def test_credential_rules_and_update_password_only_for_basic_auth(run_module, kong):
    kong.add("consumers", username="bob")
    missing = run_module("kong_consumer_credential", consumer="bob", type="acl")
    assert missing["failed"] and missing["msg"] == "type is acl but any of the following are missing: group, id"
    misplaced = run_module("kong_consumer_credential", consumer="bob", type="acl", group="g",
                           update_password="on_create")
    assert misplaced["failed"] and misplaced["msg"] == "type=acl does not use option(s): update_password"
    assert run_module("kong_consumer_credential", consumer="bob", type="basic-auth", username="u", password="p-1",
                      update_password="on_create")["changed"]
    assert kong.writes() == [("POST", f"/consumers/{next(iter(kong.store['consumers']))}/basic-auth")]


def test_jwt_key_shown_key_auth_key_masked_everywhere(run_module, kong):
    kong.add("consumers", username="bob")
    jwt = run_module("kong_consumer_credential", consumer="bob", type="jwt", key="iss-1234", secret="jwt-s3cret")
    assert jwt["credential"]["key"] == "iss-1234" and jwt["invocation"]["module_args"]["key"] == "iss-1234"
    assert "jwt-s3cret" not in json.dumps(jwt)
    same = run_module("kong_consumer_credential", consumer="bob", type="jwt", key="same-value", secret="same-value")
    assert "same-value" not in json.dumps(same)  # also the secret: stays masked
    key_auth = run_module("kong_consumer_credential", consumer="bob", type="key-auth", key="ka-s3cret")
    assert key_auth["changed"] and "ka-s3cret" not in json.dumps(key_auth)
    refused = run_module("kong_consumer_credential", consumer="bob", type="key-auth", key="ka-s3cret", group="x")
    assert refused["failed"] and "ka-s3cret" not in json.dumps(refused)


def test_unreadable_client_certificate_fails_before_any_request(run_module, kong, tmp_path):
    result = run_module("kong_consumer", username="bob", admin_url="https://127.0.0.1:8444",
                        client_cert=str(tmp_path / "missing.crt"))
    assert result["failed"] and result["msg"] == f"client_cert '{tmp_path / 'missing.crt'}' does not exist"
    assert kong.log == []


def test_info_failure_carries_kong_error_details(run_module, kong):
    kong.faults.append(("GET", "^/plugins/enabled$", 500))
    result = run_module("kong_info")
    assert result["failed"] and result["status"] == 500
    assert result["msg"] == "Failed to read Kong information: GET /plugins/enabled -> 500 injected"
