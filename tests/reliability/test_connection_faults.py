"""Timeouts, an unreachable Admin API and TLS failures: what the user reads, and what Kong holds afterwards."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import admin
from helpers.certs import make_cert
from helpers.lifecycle import task

M = "aigateway.kong."


def one_line(msg: str) -> bool:
    return bool(msg.strip()) and "\n" not in msg.strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_timeouts(kongsim: Any, run_playbook: Any) -> None:
    admin.create(kongsim, "/upstreams", {"name": "rt-ups"})
    kongsim.inject_fault("GET", "^/services/rt-svc$", status=None, delay=1.5)  # once: the retry is answered
    kongsim.inject_fault("GET", "^/consumers/rt-user$", status=None, delay=1.5, count=2)  # every attempt
    # Kong applies these POSTs after the client gave up waiting: the engine must not create them twice
    kongsim.inject_fault("POST", "^/services$", status=None, delay=1.2)
    kongsim.inject_fault("POST", "^/upstreams/[^/]+/targets$", status=None, delay=1.2)
    run = run_playbook(
        [
            task("slow create", M + "kong_service", {"name": "rt-post", "url": "http://b.example", "timeout": 1}),
            task("slow lookup", M + "kong_service", {"name": "rt-svc", "url": "http://a.example", "timeout": 1}),
            task("too slow", M + "kong_consumer", {"username": "rt-user", "timeout": 1, "admin_retries": 1},
                 ignore_errors=True),
            task("slow target", M + "kong_target", {"upstream": "rt-ups", "target": "127.0.0.1:9", "timeout": 1}),
        ],
        sim=kongsim,
    )
    slow = run["slow lookup"]
    assert not slow.failed and slow.changed, slow.result
    assert "timed out" in " ".join(slow.result.get("warnings") or []), slow.result.get("warnings")
    services = [s["name"] for s in admin.listing(kongsim, "/services")]
    targets = [t["target"] for t in admin.listing(kongsim, "/upstreams/rt-ups/targets")]
    assert sorted(services) == ["rt-post", "rt-svc"], services
    assert targets == ["127.0.0.1:9"], targets

    too_slow = run["too slow"]
    url = f"{kongsim.url}/consumers/rt-user"
    assert too_slow.failed and one_line(too_slow.msg), too_slow.msg
    assert f"GET {url}" in too_slow.msg and "1.0s" in too_slow.msg and "timeout" in too_slow.msg, too_slow.msg
    assert too_slow.writes == [] and admin.entity(kongsim, "/consumers/rt-user") is None

    for name in ("slow create", "slow target"):  # created by this task, even if Kong's answer came too late
        t = run[name]
        assert not t.failed and t.changed, f"{name}: changed={t.changed} {t.msg} {[r['status'] for r in t.requests]}"


def test_unreachable_admin_api_fails_naming_url(run_playbook: Any) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    run = run_playbook(
        [task("down", M + "kong_route", {"name": "r", "service": "s", "paths": ["/r"], "admin_url": url,
                                         "admin_retries": 1}, ignore_errors=True)]
    )
    t = run["down"]
    assert t.failed and one_line(t.msg) and url in t.msg, t.msg
    assert "refused" in t.msg and "admin_url" in t.msg, t.msg


@pytest.fixture
def tls_sims(tmp_path: Path) -> Iterator[tuple[Any, Any, dict[str, str]]]:
    """``strict``: HTTPS for 127.0.0.1 requiring a client certificate; ``misnamed``: a certificate for another name."""
    from kongsim import KongSim

    ca = make_cert("reliability CA", is_ca=True)
    good = make_cert("127.0.0.1", issuer=ca, ip_addresses=("127.0.0.1",))
    other = make_cert("other.example", issuer=ca, dns_names=("other.example",))
    (tmp_path / "ca.crt").write_text(ca.cert_pem)
    good_cert, good_key = good.write(tmp_path, "good")
    other_cert, other_key = other.write(tmp_path, "other")
    strict = KongSim(port=0, tls_cert=str(good_cert), tls_key=str(good_key), client_ca=str(tmp_path / "ca.crt"))
    misnamed = KongSim(port=0, tls_cert=str(other_cert), tls_key=str(other_key))
    strict.start()
    misnamed.start()
    try:
        yield strict, misnamed, {"ca_path": str(tmp_path / "ca.crt")}
    finally:
        strict.stop()
        misnamed.stop()


def test_tls_errors_name_the_check_and_the_option(tls_sims: Any, run_playbook: Any) -> None:
    strict, misnamed, files = tls_sims
    args = {"username": "tls-user", "admin_retries": 0}
    run = run_playbook(
        [
            task("host name", M + "kong_consumer", {**args, "admin_url": misnamed.url, **files}, ignore_errors=True),
            task("unknown CA", M + "kong_consumer", {**args, "admin_url": misnamed.url}, ignore_errors=True),
            task("client cert", M + "kong_consumer", {**args, "admin_url": strict.url, **files}, ignore_errors=True),
        ]
    )
    expect = {
        "host name": (misnamed.url, "host name", "validate_certs"),
        "unknown CA": (misnamed.url, "certificate chain", "ca_path"),
        "client cert": (strict.url, "client certificate", "client_cert"),
    }
    for name, (url, check, option) in expect.items():
        t = run[name]
        assert t.failed and one_line(t.msg) and url in t.msg, (name, t.msg)
        assert check in t.msg and option in t.msg, f"{name}: should name the {check} check and {option}: {t.msg}"
    for sim in (strict, misnamed):
        assert sim.writes() == [], sim.writes()
