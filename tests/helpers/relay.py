"""Relaying one HTTP request through a loopback test proxy: ask the upstream, hand its answer back.

The test proxies (the recording proxy in front of a real Kong, the reliability suite's fault proxy, the forward
proxy of the proxy-variable tests) differ in what they do around a request, not in how they pass it on. The
recording proxy is the docker scenario's request log (``extensions/molecule/docker/files/admin_request_log.py``,
a script of its own): how an answer is handed back, and which headers are never passed on, are its, loaded here.
"""

from __future__ import annotations

import http.client
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from helpers.importable import module_from_file

REQUEST_LOG = module_from_file(
    Path(__file__).resolve().parents[2] / "extensions" / "molecule" / "docker" / "files" / "admin_request_log.py"
)
# headers that describe one connection, never passed on (RFC 9110 7.6.1), and the framing the relay redoes
HOP_BY_HOP: frozenset[str] = frozenset(REQUEST_LOG.HOP_BY_HOP)
hand_back = REQUEST_LOG.hand_back


def read_body(handler: BaseHTTPRequestHandler) -> bytes | None:
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else None


def ask(host: str, port: int, method: str, path: str, body: bytes | None,
        handler: BaseHTTPRequestHandler) -> tuple[int, list[tuple[str, str]], bytes]:
    """Send the request ``handler`` received to ``host:port`` (``path`` with its query); the answer, read whole."""
    headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request(method, path or "/", body=body, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.getheaders(), answer.read()
    finally:
        conn.close()
