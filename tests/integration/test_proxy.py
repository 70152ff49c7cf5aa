"""Proxy environment variables: honoured as ansible.builtin.uri honours them, unless use_proxy is false."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import admin
from helpers.forward_proxy import ForwardProxy
from helpers.lifecycle import task

M = "aigateway.kong."


@pytest.fixture
def forward_proxy() -> Iterator[ForwardProxy]:
    proxy = ForwardProxy().start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.mark.parametrize("inprocess", [True, False], ids=["in-process", "module"])
def test_proxy_variables(kongsim: Any, run_playbook: Any, forward_proxy: ForwardProxy, inprocess: bool) -> None:
    env = {"HTTP_PROXY": forward_proxy.url, "http_proxy": forward_proxy.url}
    run = run_playbook(
        [
            task("through the proxy", M + "kong_service", {"name": "via-proxy", "url": "http://a.example"}),
            task("direct", M + "kong_service", {"name": "direct", "url": "http://b.example", "use_proxy": False}),
        ],
        sim=kongsim,
        env=env,
        play_vars={"aigateway_kong_inprocess": inprocess},
        track_requests=False,
    )
    assert run.rc == 0, run.summary()
    assert admin.entity(kongsim, "/services/via-proxy")["host"] == "a.example"
    assert admin.entity(kongsim, "/services/direct")["host"] == "b.example"
    through = [seen[1] for seen in forward_proxy.seen]
    assert any(url.endswith("/services/via-proxy") for url in through), through
    assert any(seen[0] == "POST" for seen in forward_proxy.seen), forward_proxy.seen
    assert not [url for url in through if "direct" in url], through
    assert all(url.startswith(kongsim.url) for url in through), through


def test_no_proxy_bypasses_the_proxy(kongsim: Any, run_playbook: Any, forward_proxy: ForwardProxy) -> None:
    env = {"HTTP_PROXY": forward_proxy.url, "NO_PROXY": "127.0.0.1,localhost"}
    run = run_playbook(
        [task("listed in NO_PROXY", M + "kong_consumer", {"username": "alice"})],
        sim=kongsim,
        env=env,
        track_requests=False,
    )
    assert run.rc == 0, run.summary()
    assert admin.entity(kongsim, "/consumers/alice")["username"] == "alice"
    assert forward_proxy.seen == []


def test_role_use_proxy(kongsim: Any, run_playbook: Any, forward_proxy: ForwardProxy) -> None:
    """ai_gateway_use_proxy reaches every module the role calls."""
    role = {"name": "gateway", "ansible.builtin.include_role": {"name": "aigateway.kong.ai_gateway"}}
    env = {"HTTP_PROXY": forward_proxy.url}
    description = {"ai_gateway_admin_url": kongsim.url, "ai_gateway_consumers": [{"username": "alice"}]}
    direct = run_playbook([role], env=env, play_vars={**description, "ai_gateway_use_proxy": False})
    assert direct.rc == 0, direct.summary()
    assert forward_proxy.seen == []
    proxied = run_playbook([role], env=env, play_vars=description)
    assert proxied.rc == 0, proxied.summary()
    assert any(seen[1].startswith(kongsim.url + "/consumers") for seen in forward_proxy.seen), forward_proxy.seen
    assert admin.entity(kongsim, "/consumers/alice")["username"] == "alice"
