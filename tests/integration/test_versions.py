"""Each Kong release holds what it has: what it lacks is refused by name before any write, and deprecated shorthand
fields go in the form the release knows, so one playbook serves 3.4, 3.8 and 3.9 alike."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import task

pytestmark = pytest.mark.kong

M = "aigateway.kong."
ROLE = {"name": "Gateway", "ansible.builtin.include_role": {"name": "aigateway.kong.ai_gateway"}}
AUTH = {"header_name": "Authorization", "header_value": "Bearer sk-version-test"}


def release(kong: Any) -> tuple[int, ...]:
    return tuple(int(n) for n in kong.version.split("."))


def ai_proxy(**config: Any) -> dict[str, Any]:
    model = {"provider": "openai", "name": "gpt-4o-mini"} | config.pop("model", {})
    return {"name": "ai-proxy", "route": "chat", "config": {"route_type": "llm/v1/chat", "auth": AUTH, "model": model}
            | config}


def writes_of(run: Any, name: str) -> list[str]:
    return [w["path"] for w in run[name].writes]


def test_what_a_release_lacks_is_refused_by_name_before_any_write(kong: Any, run_playbook: Any) -> None:
    run = run_playbook(
        [
            task("service", M + "kong_service", {"name": "llm", "url": "https://api.openai.test/v1"}),
            task("route", M + "kong_route", {"name": "chat", "service": "llm", "paths": ["/chat"]}),
            task("check ai-proxy", M + "kong_plugin", ai_proxy(), check_mode=True, ignore_errors=True),
            task("ai-proxy", M + "kong_plugin", ai_proxy(), ignore_errors=True),
            task("llm_format", M + "kong_plugin", ai_proxy(llm_format="openai"), ignore_errors=True),
            task("huggingface", M + "kong_plugin", ai_proxy(model={"provider": "huggingface"}), ignore_errors=True),
        ],
        sim=kong,
    )
    version = kong.version
    if release(kong) < (3, 6):
        for name in ("check ai-proxy", "ai-proxy", "llm_format", "huggingface"):
            assert run[name].failed and writes_of(run, name) == [], run.summary()
            assert f"ai-proxy needs Kong 3.6 or later; this Kong is {version}" in run[name].msg, run[name].msg
        return
    assert not run["check ai-proxy"].failed and run["check ai-proxy"].writes == [], run.summary()
    assert run["ai-proxy"].changed, run.summary()
    if release(kong) < (3, 9, 1):
        assert run["llm_format"].failed and writes_of(run, "llm_format") == [], run.summary()
        assert f"ai-proxy option config.llm_format needs Kong 3.9.1 or later; this Kong is {version}" in \
            run["llm_format"].msg, run["llm_format"].msg
    else:  # openai is the default format: nothing to change
        assert not run["llm_format"].failed and not run["llm_format"].changed, run.summary()
    if release(kong) < (3, 9):
        assert run["huggingface"].failed and writes_of(run, "huggingface") == [], run.summary()
        assert f"ai-proxy config.model.provider 'huggingface' needs Kong 3.9 or later; this Kong is {version}" in \
            run["huggingface"].msg, run["huggingface"].msg


def test_the_role_refuses_a_gateway_the_release_cannot_hold_in_one_line(kong: Any, run_playbook: Any) -> None:
    gateway = {
        "ai_gateway_admin_url": kong.url,
        "ai_gateway_models": [{"name": "chat", "provider": "openai", "model": "gpt-4o-mini", "auth": AUTH}],
        "ai_gateway_consumers": [{"username": "alice", "keys": ["alice-version-key"]}],
    }
    run = run_playbook([ROLE], sim=kong, play_vars=gateway)
    converge = run["Converge Kong to the gateway description"]
    if release(kong) >= (3, 6):
        assert run.rc == 0 and converge.changed, run.summary()
        return
    assert run.rc != 0 and converge.failed, run.summary()
    assert converge.writes == [] and "\n" not in converge.msg, converge.msg
    assert f"ai-proxy needs Kong 3.6 or later; this Kong is {kong.version} (chat-ai-proxy)" in converge.msg
    assert "ai_gateway_models" in converge.msg, converge.msg
    assert admin.listing(kong, "/services") == [] and admin.listing(kong, "/consumers") == []


@pytest.mark.parametrize(
    "redis",
    [
        pytest.param({"redis": {"host": "127.0.0.1", "port": 6390, "timeout": 1500}}, id="record"),
        pytest.param({"redis_host": "127.0.0.1", "redis_port": 6390, "redis_timeout": 1500}, id="flat"),
    ],
)
def test_redis_settings_in_either_form_converge_on_every_release(kong: Any, run_playbook: Any,
                                                                 redis: dict[str, Any]) -> None:
    """Kong 3.4 knows rate-limiting's flat redis_* fields; 3.6 and later a redis record, and echo the flat names
    back. Either form given is written in the release's own form, and a second run changes nothing."""
    limit = {"name": "rate-limiting", "instance_name": "limit", "config": {"minute": 5, "policy": "redis", **redis}}
    run = run_playbook(
        [
            task("check", M + "kong_plugin", limit, check_mode=True),
            task("create", M + "kong_plugin", limit),
            task("again", M + "kong_plugin", limit),
            task("check again", M + "kong_plugin", limit, check_mode=True),
        ],
        sim=kong,
        diff=True,
    )
    assert run.rc == 0, run.summary()
    assert run["check"].changed and run["check"].writes == []
    assert run["create"].changed and [w["method"] for w in run["create"].writes] == ["POST"]
    for name in ("again", "check again"):
        assert not run[name].changed and run[name].writes == [], (name, run[name].result)
    config = admin.entity(kong, "/plugins/limit")["config"]
    if release(kong) < (3, 6):
        assert (config["redis_host"], config["redis_port"], config["redis_timeout"]) == ("127.0.0.1", 6390, 1500)
    else:
        held = config["redis"]
        assert (held["host"], held["port"], held["timeout"]) == ("127.0.0.1", 6390, 1500), config
