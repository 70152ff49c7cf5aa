"""The `serve.py` command line: the listening line, signals, version and mode options."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
import requests
from simtools import SERVE, start_serve


def test_port_zero_prints_exactly_one_line_and_sigterm_exits_cleanly() -> None:
    server = start_serve()
    try:
        assert 1024 <= server.port <= 65535
        assert server.url == f"http://127.0.0.1:{server.port}"
        resp = requests.get(server.url + "/", timeout=10)
        assert resp.status_code == 200
        assert resp.json()["tagline"] == "Welcome to kong"
    finally:
        started = time.monotonic()
        code = server.stop(signal.SIGTERM)
    assert code == 0
    assert time.monotonic() - started < 5
    assert server.remaining_stdout() == "", "serve.py must print only the listening line on stdout"
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/", timeout=2)


def test_sigint_exits_cleanly() -> None:
    server = start_serve()
    assert requests.get(server.url + "/status", timeout=10).status_code == 200
    assert server.stop(signal.SIGINT) == 0


def test_kong_version_is_reflected_in_root_and_server_header() -> None:
    server = start_serve("--kong-version", "3.4.2")
    try:
        resp = requests.get(server.url + "/", timeout=10)
        assert resp.json()["version"] == "3.4.2"
        assert resp.headers["Server"] == "kong/3.4.2"
        # Every answer carries it, errors included.
        missing = requests.get(server.url + "/services/nope", timeout=10)
        assert missing.status_code == 404
        assert missing.headers["Server"] == "kong/3.4.2"
    finally:
        server.stop()


def test_unsupported_kong_version_is_refused_in_one_line() -> None:
    proc = subprocess.run([sys.executable, str(SERVE), "--listen", "127.0.0.1:0", "--kong-version", "3.6.1"],
                          capture_output=True, text=True, timeout=30, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "serve.py: unsupported Kong version '3.6.1': the simulator answers as Kong 3.4.2, 3.8.0, 3.9.1"]


def test_default_kong_version_is_3_9_1() -> None:
    server = start_serve()
    try:
        resp = requests.get(server.url + "/", timeout=10)
        assert resp.json()["version"] == "3.9.1"
        assert resp.headers["Server"] == "kong/3.9.1"
    finally:
        server.stop()


def test_database_off_option_refuses_writes() -> None:
    server = start_serve("--database", "off")
    try:
        resp = requests.post(server.url + "/services", json={"name": "s", "host": "h.test"}, timeout=10)
        assert resp.status_code == 405
        assert resp.json()["code"] == 12
    finally:
        server.stop()


def test_admin_token_option_requires_the_token() -> None:
    server = start_serve("--admin-token", "cli-token")
    try:
        assert requests.get(server.url + "/services", timeout=10).status_code == 401
        ok = requests.get(server.url + "/services", headers={"Kong-Admin-Token": "cli-token"}, timeout=10)
        assert ok.status_code == 200
    finally:
        server.stop()


def test_sigterm_with_a_kept_alive_connection_open() -> None:
    server = start_serve()
    with requests.Session() as session:
        assert session.get(server.url + "/status", timeout=10).status_code == 200
        started = time.monotonic()
        assert server.stop(signal.SIGTERM) == 0
        assert time.monotonic() - started < 5


def test_port_in_use_fails_fast_with_a_message() -> None:
    first = start_serve()
    try:
        cmd = [sys.executable, str(SERVE), "--listen", f"127.0.0.1:{first.port}"]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=20, check=False)
        assert done.returncode != 0
        assert done.stdout == ""  # no listening line
        assert done.stderr.strip(), "serve.py must say why it could not listen"
    finally:
        first.stop()


def test_service_time_option_paces_and_refuses_a_bad_spec() -> None:
    server = start_serve("--service-time", "kong")
    try:
        assert requests.post(server.url + "/consumers", json={"username": "u"}, timeout=10).status_code == 201
    finally:
        server.stop()
    cmd = [sys.executable, str(SERVE), "--listen", "127.0.0.1:0", "--service-time", "fast"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=20, check=False)
    assert done.returncode == 2
    assert "service time 'fast'" in done.stderr
