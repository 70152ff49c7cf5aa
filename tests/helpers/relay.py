"""Relaying one HTTP request through a loopback test proxy: ask the upstream, hand its answer back.

The test proxies (the recording proxy in front of a real Kong, the reliability suite's fault proxy, the forward
proxy of the proxy-variable tests) differ in what they do around a request, not in how they pass it on.
"""

from __future__ import annotations

import http.client
from http.server import BaseHTTPRequestHandler

# headers that describe one connection, never passed on (RFC 9110 7.6.1), and the framing the relay redoes
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
                        "upgrade", "host", "content-length"})


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


def hand_back(handler: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
    """Answer the client as the upstream answered (its own Date and Server headers included)."""
    handler.send_response_only(status)
    for name, value in headers:
        if name.lower() not in HOP_BY_HOP:
            handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(payload)
