"""A loopback reverse proxy in front of a real Kong's Admin API that keeps the simulator's request log.

The tests tell what a task sent (writes in check mode, requests of a no-op) from the simulator's log; in front of a
real Kong this proxy keeps the same log and answers the same ``/__kongsim/log`` control path, so a test reads it
the same way whichever Kong it runs against. Everything else is forwarded as it came, answers as Kong gave them.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from helpers.playbook import is_validation
from helpers.relay import ask, hand_back, read_body

LOG_PATH = "/__kongsim/log"
WRITE_VERBS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RecordingProxy:
    """Forwards to ``target`` (``http://host:port``) from ``url``; ``request_log()`` as the simulator's."""

    def __init__(self, target: str) -> None:
        parts = urlsplit(target)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"the recording proxy forwards to a plain-HTTP Admin API, got {target!r}")
        self.target = (parts.hostname, parts.port or 80)
        self._lock = threading.Lock()
        self._log: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="recording-proxy", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def request_log(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(entry) for entry in self._log]

    def writes(self) -> list[dict[str, Any]]:
        """Requests that may change Kong's state (a POST to a validate endpoint never does)."""
        return [e for e in self.request_log() if e["method"] in WRITE_VERBS and not is_validation(e["path"])]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _record(self, method: str, target: str) -> dict[str, Any]:
        parts = urlsplit(target)
        entry = {"method": method, "path": parts.path, "query": parts.query, "status": None}
        with self._lock:
            self._log.append(entry)
        return entry

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                if urlsplit(self.path).path == LOG_PATH:
                    body = json.dumps({"data": proxy.request_log()}).encode()
                    hand_back(self, 200, [("Content-Type", "application/json")], body)
                    return
                data = read_body(self)
                entry = proxy._record(self.command, self.path)
                status, headers, payload = ask(*proxy.target, self.command, self.path, data, self)
                entry["status"] = status
                hand_back(self, status, headers, payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _forward

        return Handler
