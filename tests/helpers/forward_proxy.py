"""A loopback forward proxy (HTTP_PROXY style: absolute-URI requests) that records what it forwarded."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from helpers.relay import ask, hand_back, read_body

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class ForwardProxy:
    """``ForwardProxy().start()``; set ``HTTP_PROXY=proxy.url``. Forwards only to loopback hosts."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []  # (method, absolute URL) of each forwarded request
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> ForwardProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                target = urlsplit(self.path)
                if target.scheme != "http" or target.hostname not in LOOPBACK:
                    self.send_error(403, "this proxy forwards to loopback only")
                    return
                proxy.seen.append((self.command, self.path))
                path = target.path + ("?" + target.query if target.query else "")
                status, headers, payload = ask(target.hostname, target.port or 80, self.command, path, read_body(self),
                                               self)
                hand_back(self, status, headers, payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward

        return Handler
