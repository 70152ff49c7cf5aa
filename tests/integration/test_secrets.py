"""No secret value reaches ansible-playbook's output (--diff -vvv) or the returned results."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import admin
from helpers.certs import make_cert
from helpers.lifecycle import task
from helpers.playbook import GROUP

M = "aigateway.kong."


def secret(kind: str) -> str:
    return f"{kind}Zq{secrets.token_hex(10)}"


@pytest.fixture
def guarded_sim() -> Iterator[tuple[Any, str]]:
    """A simulator that requires an admin token, and that token."""
    from kongsim import KongSim

    token = secret("token")
    with KongSim(host="127.0.0.1", port=0, admin_token=token) as sim:
        yield sim, token


def secret_tasks(phase: str, vars_name: str) -> list[dict[str, Any]]:
    """Tasks that send each kind of secret, taken from the play variable ``vars_name`` (as from a vault)."""

    def v(key: str) -> str:
        return "{{ " + vars_name + "." + key + " }}"

    cred = {"consumer": "app"}
    return [
        task(f"{phase} key-auth", M + "kong_consumer_credential", {**cred, "type": "key-auth", "key": v("key")}),
        task(f"{phase} basic-auth", M + "kong_consumer_credential",
             {**cred, "type": "basic-auth", "username": "bot", "password": v("password")}),
        task(f"{phase} jwt", M + "kong_consumer_credential",
             {**cred, "type": "jwt", "key": "issuer", "secret": v("jwt")}),
        task(f"{phase} hmac", M + "kong_consumer_credential",
             {**cred, "type": "hmac-auth", "username": "signer", "secret": v("hmac")}),
        task(f"{phase} ai-proxy", M + "kong_plugin", {
            "name": "ai-proxy", "service": "llm",
            "config": {"route_type": "llm/v1/chat", "model": {"provider": "openai", "name": "gpt-4o"},
                       "auth": {"header_name": "Authorization", "header_value": "Bearer " + v("header_value")}},
        }),
        task(f"{phase} ai-proxy query auth", M + "kong_plugin", {
            "name": "ai-proxy", "route": "chat",
            "config": {"route_type": "llm/v1/chat", "model": {"provider": "openai", "name": "gpt-4o"},
                       "auth": {"param_location": "query", "param_name": "api-key", "param_value": v("param_value")}},
        }),
        task(f"{phase} ai-request-transformer", M + "kong_plugin", {
            "name": "ai-request-transformer", "route": "chat",
            "config": {"prompt": "Summarise", "llm": {
                "route_type": "llm/v1/chat", "model": {"provider": "openai", "name": "gpt-4o"},
                "auth": {"header_name": "Authorization", "header_value": v("transformer_key")}}},
        }),
        task(f"{phase} certificate", M + "kong_certificate",
             {"cert": v("cert"), "key": v("cert_key"), "snis": ["secret.example.test"]}),
    ]


def secret_set(cert: Any) -> dict[str, str]:
    kinds = ("key", "password", "jwt", "hmac", "header_value", "param_value", "transformer_key", "extra_header")
    values = {k: secret(k) for k in kinds}
    return {**values, "cert": cert.cert_pem, "cert_key": cert.key_pem}


def test_no_secret_in_output(guarded_sim: tuple[Any, str], run_playbook: Any) -> None:
    """Secrets come from variables (as from a vault); none of them may appear in output or results."""
    sim, token = guarded_sim
    first, second = secret_set(make_cert("secret.example.test")), secret_set(make_cert("secret.example.test"))
    taken = secret("taken")
    connection = {"admin_url": sim.url, "admin_token": "{{ token }}",
                  "admin_headers": {"X-Extra-Auth": "{{ first.extra_header }}"}}
    tasks = [
        task("consumer", M + "kong_consumer", {"username": "app"}),
        task("other consumer", M + "kong_consumer", {"username": "other"}),
        task("taken key", M + "kong_consumer_credential",
             {"consumer": "other", "type": "key-auth", "key": "{{ taken }}"}),
        task("service", M + "kong_service", {"name": "llm", "url": "https://api.openai.test"}),
        task("route", M + "kong_route", {"name": "chat", "service": "llm", "paths": ["/chat"]}),
        *[{**t, "check_mode": True} for t in secret_tasks("check", "first")],
        *secret_tasks("create", "first"),
        *secret_tasks("rotate", "second"),
        task("key clash", M + "kong_consumer_credential",
             {"consumer": "app", "type": "key-auth", "key": "{{ taken }}"}, ignore_errors=True),
        task("list key-auths", M + "kong_info", {"entity": "key-auths"}),
        task("list plugins", M + "kong_info", {"entity": "plugins"}),
        task("list certificates", M + "kong_info", {"entity": "certificates"}),
        task("delete key-auth", M + "kong_consumer_credential",
             {"consumer": "app", "type": "key-auth", "key": "{{ second.key }}", "state": "absent"}),
        task("wrong token", M + "kong_info", {"admin_token": "{{ second.jwt }}"}, ignore_errors=True),
    ]
    run = run_playbook(
        tasks, sim=sim, module_defaults={GROUP: connection}, diff=True, verbosity=3,
        extra_vars={"token": token, "first": first, "second": second, "taken": taken},
    )
    assert run["create key-auth"].changed and run["rotate ai-proxy"].changed, run.summary()
    assert run["rotate hmac"].changed and run["rotate certificate"].changed, run.summary()
    assert run["rotate ai-proxy query auth"].changed and run["rotate ai-request-transformer"].changed
    assert run["key clash"].failed and run["wrong token"].failed, run.summary()
    assert len(run.tasks) == len(tasks)
    results = str([t.result for t in run.tasks])
    values = {"admin_token": token, "taken key": taken}
    for label, group in (("1", first), ("2", second)):
        values.update({f"{k}#{label}": v for k, v in group.items() if k != "cert"})
        values[f"cert_key#{label}"] = group["cert_key"].splitlines()[2]  # one line of the PEM body
    leaks = [name for name, value in values.items() if value in run.output or value in results]
    assert leaks == [], f"secret values leaked: {leaks}"
    held = admin.entity(sim, "/consumers/app/hmac-auth/signer", token)
    assert held is not None and held["secret"] == second["hmac"]
    on_route = {p["name"]: p["config"] for p in admin.listing(sim, "/routes/chat/plugins", token)}
    assert on_route["ai-proxy"]["auth"]["param_value"] == second["param_value"]
    assert on_route["ai-request-transformer"]["llm"]["auth"]["header_value"] == second["transformer_key"]


@pytest.mark.parametrize("inprocess", [True, False], ids=["in-process", "module"])
def test_no_secret_in_a_task_failing_validation(kongsim: Any, run_playbook: Any, inprocess: bool) -> None:
    """Options that fail validation are reported in ``invocation``; the secrets inside them stay masked."""
    key, header = secret("key"), secret("header")
    proxy = {"route_type": "llm/v1/chat", "model": {"provider": "openai", "name": "gpt-4o"},
             "auth": {"header_name": "Authorization", "header_value": header}}
    tasks = [
        task("plugin with an unknown option", M + "kong_plugin",
             {"name": "ai-proxy", "config": proxy, "colour": "red"}, ignore_errors=True),
        task("plugin with a wrong type", M + "kong_plugin",
             {"name": "ai-proxy", "config": proxy, "enabled": "sometimes"}, ignore_errors=True),
        task("credential with an unknown option", M + "kong_consumer_credential",
             {"consumer": "app", "type": "key-auth", "key": key, "colour": "red"}, ignore_errors=True),
        task("items with an unknown task option", M + "kong_entities",
             {"entity": "plugins", "items": [{"name": "ai-proxy", "config": proxy}], "colour": "red"},
             ignore_errors=True),
        task("key items with a bad task option", M + "kong_entities",
             {"entity": "key-auths", "items": [{"consumer": "app", "key": key}], "workers": "many"},
             ignore_errors=True),
    ]
    run = run_playbook(tasks, sim=kongsim, diff=True, verbosity=3, play_vars={"aigateway_kong_inprocess": inprocess})
    assert all(t.failed for t in run.tasks) and len(run.tasks) == len(tasks), run.summary()
    marker = "running in-process" if inprocess else "running the module"
    assert marker in run.output
    results = str([t.result for t in run.tasks])
    assert [s for s in (key, header) if s in run.output or s in results] == []
