"""A pass-through proxy in front of a real Kong's Admin API that logs every request it forwards,
and serves that log as the simulator serves its own: GET /__kongsim/log ({"data": [{method, path,
query, status}]}) and DELETE /__kongsim/log. With it, the default scenario's check-mode and
pruning playbooks, which prove from that log that a run wrote nothing, run unchanged against Kong.

Run: python3 admin_request_log.py --listen 127.0.0.1:18982 --upstream http://127.0.0.1:18981"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

LOG_PATH = "/__kongsim/log"
# Headers of one connection, not of the message (RFC 9110, 7.6.1); the body is re-framed.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
              "upgrade", "content-length", "host"}
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def hand_back(handler: BaseHTTPRequestHandler, status: int, headers: list[tuple[str, str]], payload: bytes,
              reason: str | None = None) -> None:
    """Answer the client as the upstream answered (its own Server and Date headers follow), the body re-framed."""
    handler.send_response_only(status, reason)
    for name, value in headers:
        if name.lower() not in HOP_BY_HOP:
            handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(payload)


class RequestLogServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, listen: tuple[str, int], upstream: str) -> None:
        target = urlsplit(upstream)
        self.upstream = (target.hostname or "127.0.0.1", target.port or 80)
        self.lock = threading.Lock()
        self.entries: list[dict[str, Any]] = []
        super().__init__(listen, LoggingProxyHandler)


class LoggingProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # small bodies after the headers must not wait for a delayed ACK
    server: RequestLogServer
    upstream: http.client.HTTPConnection | None = None  # one per client connection, kept alive
    reused = False

    def do_GET(self) -> None:
        path, _mark, query = self.path.partition("?")
        if path == LOG_PATH and self.command in ("GET", "DELETE"):
            self._serve_log()
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        entry = {"method": self.command, "path": path, "query": query, "status": None}
        with self.server.lock:
            self.server.entries.append(entry)
        status, reason, headers, answer = self._forward(body)
        with self.server.lock:
            entry["status"] = status
        hand_back(self, status, headers, answer, reason)

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _forward(self, body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes]:
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            try:
                return self._exchange(body, headers)
            except STALE:
                if not self.reused:
                    raise
                # Kong closed an idle kept-alive connection before reading the request: send it once more.
                return self._exchange(body, headers)
        except OSError as err:
            answer = json.dumps({"message": f"Admin API unreachable: {err}"}).encode()
            return 502, "Bad Gateway", [("Content-Type", "application/json")], answer

    def _exchange(self, body: bytes, headers: dict[str, str]) -> tuple[int, str, list[tuple[str, str]], bytes]:
        self.reused = self.upstream is not None
        if self.upstream is None:
            self.upstream = http.client.HTTPConnection(*self.server.upstream, timeout=60)
        try:
            self.upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = self.upstream.getresponse()
            return response.status, response.reason, response.getheaders(), response.read()
        except OSError:
            self.upstream.close()
            self.upstream = None
            raise

    def _serve_log(self) -> None:
        with self.server.lock:
            data = json.dumps({"data": [dict(e) for e in self.server.entries]}).encode()
            if self.command == "DELETE":
                self.server.entries.clear()
                data = b""
        self.send_response(200 if data else 204)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def finish(self) -> None:
        super().finish()
        if self.upstream is not None:
            self.upstream.close()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True, help="HOST:PORT")
    parser.add_argument("--upstream", required=True, help="the Admin API's URL (plain HTTP)")
    args = parser.parse_args()
    host, _colon, port = args.listen.rpartition(":")
    server = RequestLogServer((host, int(port)), args.upstream)
    print(f"request log listening on http://{host}:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
