"""Connection options: TLS (CA, client certificate), admin token, module_defaults, env, DB-less, bad input."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import requests
from helpers.certs import make_cert
from helpers.lifecycle import task
from helpers.playbook import GROUP

M = "aigateway.kong."
SERVICE = {"name": "svc", "url": "http://upstream.example"}


def one_line_naming(msg: str, url: str) -> bool:
    return "\n" not in msg.strip() and url.rstrip("/") in msg


@pytest.fixture
def tls_kong(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """An HTTPS Admin API with a private CA that requires a client certificate signed by it: the simulator's, or
    the real Kong's second admin listener (kong-up with admin_ssl_* and nginx_admin_ssl_verify_client)."""
    if request.config.getoption("--kong") == "real":
        kong = request.getfixturevalue("kong")
        if not kong.mtls:
            pytest.skip("this real Kong has no Admin API listener requiring a client certificate")
        yield kong.mtls["url"], {k: kong.mtls[k] for k in ("ca_path", "client_cert", "client_key")}
        return
    from kongsim import KongSim

    ca = make_cert("aigateway test CA", is_ca=True)
    server = make_cert("127.0.0.1", issuer=ca, ip_addresses=("127.0.0.1",), dns_names=("localhost",))
    client = make_cert("ansible", issuer=ca, client=True)
    ca_path = tmp_path / "ca.crt"
    ca_path.write_text(ca.cert_pem)
    server_cert, server_key = server.write(tmp_path, "server")
    client_cert, client_key = client.write(tmp_path, "client")
    sim = KongSim(host="127.0.0.1", port=0, tls_cert=str(server_cert), tls_key=str(server_key),
                  client_ca=str(ca_path)).start()
    try:
        yield sim.url, {"ca_path": str(ca_path), "client_cert": str(client_cert), "client_key": str(client_key)}
    finally:
        sim.stop()


@pytest.mark.kong
def test_https_with_ca_and_client_certificate(tls_kong: Any, run_playbook: Any) -> None:
    url, files = tls_kong
    assert url.startswith("https://127.0.0.1:")
    client = {"client_cert": files["client_cert"], "client_key": files["client_key"]}
    run = run_playbook(
        [
            task("verified", M + "kong_service", {**SERVICE, "ca_path": files["ca_path"], **client}),
            task("no validation", M + "kong_service", {**SERVICE, "validate_certs": False, **client}),
            task("unknown CA", M + "kong_info", {**client}, ignore_errors=True),
            task("no client cert", M + "kong_info", {"ca_path": files["ca_path"]}, ignore_errors=True),
        ],
        module_defaults={GROUP: {"admin_url": url, "admin_retries": 0}},
    )
    assert run["verified"].changed and not run["verified"].failed, run.summary()
    assert not run["no validation"].failed and not run["no validation"].changed, run["no validation"].result
    for name in ("unknown CA", "no client cert"):
        t = run[name]
        assert t.failed and one_line_naming(t.msg, url), (name, t.msg)
    assert "certificate" in run["unknown CA"].msg.lower(), run["unknown CA"].msg
    # the Admin API completes the handshake and answers with nginx's 400 page: the line names the options
    no_cert = run["no client cert"].msg
    assert "No required SSL certificate was sent" in no_cert and "<html>" not in no_cert, no_cert
    assert "requires a client certificate; set client_cert and client_key" in no_cert, no_cert
    held = requests.get(url + "/services", verify=files["ca_path"], cert=(files["client_cert"], files["client_key"]),
                        timeout=10).json()["data"]
    assert [(s["name"], s["host"]) for s in held] == [("svc", "upstream.example")]


def test_admin_token(run_playbook: Any) -> None:
    from kongsim import KongSim

    token = "tok-" + "7" * 20
    with KongSim(host="127.0.0.1", port=0, admin_token=token) as sim:
        run = run_playbook(
            [
                task("right token", M + "kong_consumer", {"username": "u", "admin_token": token}),
                task("wrong token", M + "kong_consumer", {"username": "v", "admin_token": "nope"}, ignore_errors=True),
                task("no token", M + "kong_consumer", {"username": "w"}, ignore_errors=True),
                task("env token", M + "kong_consumer", {"username": "x"}, environment={"KONG_ADMIN_TOKEN": token}),
            ],
            sim=sim,
        )
        usernames = sorted(c["username"] for c in sim_consumers(sim, token))
        url = sim.url
    assert run["right token"].changed and run["env token"].changed, run.summary()
    for name in ("wrong token", "no token"):
        t = run[name]
        assert t.failed and one_line_naming(t.msg, url), (name, t.msg)
        assert "nope" not in t.msg
        assert t.writes == [], t.writes
    assert usernames == ["u", "x"]


def sim_consumers(sim: Any, token: str) -> list[dict[str, Any]]:
    from helpers import admin

    return admin.listing(sim, "/consumers", token)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_admin_url(run_playbook: Any) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    run = run_playbook(
        [task("down", M + "kong_service", {**SERVICE, "admin_url": url, "admin_retries": 1}, ignore_errors=True)]
    )
    t = run["down"]
    assert t.failed and one_line_naming(t.msg, url), t.msg


def test_defaults_from_module_defaults_and_env(kongsim: Any, run_playbook: Any) -> None:
    """The action group carries the connection; KONG_ADMIN_URL works when nothing else is set."""
    run_defaults = run_playbook(
        [
            task("svc", M + "kong_service", SERVICE),
            task("route", M + "kong_route", {"name": "r", "service": "svc", "paths": ["/r"]}),
            task("consumer", M + "kong_consumer", {"username": "c"}),
            task("info", M + "kong_info", {}),
        ],
        module_defaults={GROUP: {"admin_url": kongsim.url}},
    )
    assert run_defaults.rc == 0 and all(t.changed for t in run_defaults.tasks[:3]), run_defaults.summary()
    run_env = run_playbook([task("svc", M + "kong_service", SERVICE)], env={"KONG_ADMIN_URL": kongsim.url})
    assert run_env.rc == 0 and not run_env["svc"].changed, run_env.summary()
    before = len(kongsim.writes())
    run_check = run_playbook(
        [
            task("svc", M + "kong_service", {"name": "svc", "port": 8080}),
            task("new", M + "kong_consumer", {"username": "n"}),
        ],
        sim=kongsim,
        check=True,
        diff=True,
    )
    assert run_check["svc"].changed and run_check["new"].changed, run_check.summary()
    assert run_check["svc"].diff == {"before": {"port": 80}, "after": {"port": 8080}}, run_check["svc"].diff
    assert "+    \"port\": 8080" in run_check.stdout, "--diff output should show the change"
    assert len(kongsim.writes()) == before, kongsim.writes()


def test_dbless_kong(run_playbook: Any) -> None:
    from kongsim import KongSim

    with KongSim(host="127.0.0.1", port=0, database="off") as sim:
        run = run_playbook(
            [
                task("info", M + "kong_info", {}),
                task("service", M + "kong_service", SERVICE, ignore_errors=True),
                task("consumer check mode", M + "kong_consumer", {"username": "u"}, check_mode=True,
                     ignore_errors=True),
            ],
            sim=sim,
        )
        log = sim.request_log()
    assert run["info"].result["node"]["database"] == "off", run.summary()
    for name in ("service", "consumer check mode"):
        t = run[name]
        assert t.failed and ("DB-less" in t.msg or "database" in t.msg.lower()), (name, t.msg)
        assert "\n" not in t.msg.strip()
        assert t.writes == [], t.writes
    assert [r for r in log if r["method"] != "GET"] == []


BAD_INPUT = {
    "malformed url": (M + "kong_service", {"name": "s", "url": "not a url"}, "url"),
    "malformed admin_url": (M + "kong_service", {"name": "s", "host": "h", "admin_url": "localhost:8001"},
                            "admin_url"),
    "port out of range": (M + "kong_service", {"name": "s", "host": "h", "port": 70000}, "port"),
    "unknown option": (M + "kong_service", {"name": "s", "host": "h", "colour": "blue"}, "colour"),
    "wrong type": (M + "kong_route", {"name": "r", "paths": ["/x"], "strip_path": "sometimes"}, "strip_path"),
    "bad choice": (M + "kong_consumer_credential", {"consumer": "c", "type": "key-auth", "key": "k",
                                                    "state": "gone"}, "state"),
    "bad timeout": (M + "kong_service", {"name": "s", "host": "h", "read_timeout": 0}, "read_timeout"),
}


def test_bad_input_fails_before_any_request(kongsim: Any, run_playbook: Any) -> None:
    tasks = [task(name, case[0], case[1], ignore_errors=True) for name, case in BAD_INPUT.items()]
    run = run_playbook(tasks, sim=kongsim)
    for name, (_module, _args, word) in BAD_INPUT.items():
        t = run[name]
        assert t.failed and word in t.msg, (name, t.msg)
    assert kongsim.request_log() == [], kongsim.request_log()


@pytest.mark.kong
def test_the_role_over_mutual_tls_names_its_own_variables(tls_kong: Any, run_playbook: Any) -> None:
    url, files = tls_kong
    role = {"name": "Gateway", "ansible.builtin.include_role": {"name": "aigateway.kong.ai_gateway"}}
    gateway = {"ai_gateway_admin_url": url, "ai_gateway_ca_path": files["ca_path"],
               "ai_gateway_consumers": [{"username": "mtls-user"}]}
    refused = run_playbook([role], play_vars=gateway)
    assert refused.rc != 0, refused.summary()
    msg = refused["Converge Kong to the gateway description"].msg
    assert "set ai_gateway_client_cert and ai_gateway_client_key" in msg and "\n" not in msg.strip(), msg
    with_cert = dict(gateway, ai_gateway_client_cert=files["client_cert"], ai_gateway_client_key=files["client_key"])
    run = run_playbook([role], play_vars=with_cert)
    assert run.rc == 0 and run["Converge Kong to the gateway description"].changed, run.summary()
    untrusted = run_playbook([role], play_vars=dict(with_cert, ai_gateway_ca_path=""))
    msg = untrusted["Converge Kong to the gateway description"].msg
    assert untrusted.rc != 0 and "ai_gateway_ca_path" in msg and "ai_gateway_validate_certs" in msg, msg
