# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each module's wiring: its argument spec reaches the engine and the result leaves through exit_json."""

from __future__ import annotations

import importlib
import json

import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.aigateway.kong.plugins.module_utils import runner
from ansible_collections.aigateway.kong.plugins.module_utils.client import KongClient

PREFIX = "ansible_collections.aigateway.kong.plugins.modules."


@pytest.fixture
def run_module(kong, monkeypatch, capsys):
    def fake_client(module):
        return KongClient(module.params["admin_url"], transport=kong)

    monkeypatch.setattr(runner, "new_client", fake_client)

    def run(module_name, **args):
        module = importlib.import_module(PREFIX + module_name)
        if hasattr(module, "new_client"):  # modules that build their own client (kong_info)
            monkeypatch.setattr(module, "new_client", fake_client)
        main = module.main
        with patch_module_args({"admin_url": "http://127.0.0.1:8001", **args}), pytest.raises(SystemExit):
            main()
        return json.loads(capsys.readouterr().out)

    return run


def test_service_route_plugin(run_module, kong):
    assert run_module("kong_service", name="llm", url="http://a.test:8080/v1", retries=2)["changed"]
    assert run_module("kong_route", name="chat", service="llm", paths=["/chat"], headers={"x-team": "a"})["changed"]
    plugin = run_module("kong_plugin", name="ai-proxy", route="chat",
                        config={"auth": {"header_name": "Authorization", "header_value": "Bearer secret-value-1"}})
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
    cert = run_module("kong_certificate", cert="CERT", key="KEY", snis=["a.test"])
    assert cert["changed"] and cert["certificate"]["key"] != "KEY"


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
    route = kong.add("routes", name="chat")
    kong.add("plugins", name="ai-proxy", route={"id": route["id"]}, config={"auth": {"header_value": "sk-not-shown"}})
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
