"""The transport reads the proxy variables once per Admin API origin, and not at all with use_proxy off."""

from __future__ import annotations

import pytest
import requests
from ansible_collections.aigateway.kong.plugins.module_utils.transport import RequestsTransport


@pytest.fixture
def environment_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    real = requests.utils.get_environ_proxies

    def counted(url: str, no_proxy: str | None = None) -> dict[str, str]:
        reads.append(url)
        return real(url, no_proxy)

    monkeypatch.setattr(requests.utils, "get_environ_proxies", counted)
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.test:3128")
    monkeypatch.setenv("NO_PROXY", "kong-direct.test")
    return reads


def test_proxies_are_read_once_per_origin(environment_reads: list[str]) -> None:
    transport = RequestsTransport()
    for path in ("/services", "/routes?size=1000", "/consumers/alice"):
        assert transport.proxies("http://kong.test:8001" + path)["http"] == "http://proxy.test:3128"
    assert transport.proxies("http://kong-direct.test:8001/services") == {}
    assert environment_reads == ["http://kong.test:8001/services", "http://kong-direct.test:8001/services"]


def test_use_proxy_off_reads_nothing(environment_reads: list[str]) -> None:
    assert RequestsTransport(use_proxy=False).proxies("http://kong.test:8001/services") == {}
    assert environment_reads == []
