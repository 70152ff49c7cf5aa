"""The transport reads the proxy variables once per Admin API origin, as ansible.builtin.uri reads them, and not at
all with use_proxy off."""

from __future__ import annotations

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api import transport as transport_module
from ansible_collections.aigateway.kong.plugins.module_utils.api.transport import HttpTransport, without_userinfo


@pytest.fixture
def environment_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    real = transport_module.getproxies_environment

    def counted() -> dict[str, str]:
        reads.append("read")
        return real()

    monkeypatch.setattr(transport_module, "getproxies_environment", counted)
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.test:3128")
    monkeypatch.setenv("NO_PROXY", "kong-direct.test,.internal.test")
    return reads


def test_proxies_are_read_once_per_origin(environment_reads: list[str]) -> None:
    transport = HttpTransport()
    for path in ("/services", "/routes?size=1000", "/consumers/alice"):
        assert transport.proxy("http://kong.test:8001" + path) == "http://proxy.test:3128"
    assert transport.proxy("http://kong-direct.test:8001/services") is None
    assert transport.proxy("http://admin.internal.test:8001/services") is None  # a NO_PROXY domain suffix
    assert transport.proxy("https://kong.test:8444/services") is None  # no HTTPS_PROXY: direct
    assert len(environment_reads) == 4


def test_all_proxy_serves_any_scheme(environment_reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", "http://all.test:3128")
    assert HttpTransport().proxy("https://kong.test:8444/") == "http://all.test:3128"


def test_use_proxy_off_reads_nothing(environment_reads: list[str]) -> None:
    assert HttpTransport(use_proxy=False).proxy("http://kong.test:8001/services") is None
    assert environment_reads == []


def test_credentials_in_a_url_become_a_basic_authorization() -> None:
    assert without_userinfo("http://kong.test:8001/services") == ("http://kong.test:8001/services", None)
    url, authorization = without_userinfo("https://ops:s%40cret@kong.test:8444/services?size=1000")
    assert url == "https://kong.test:8444/services?size=1000"
    assert authorization == "Basic b3BzOnNAY3JldA=="  # ops:s@cret
