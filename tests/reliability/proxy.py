"""A loopback HTTP proxy in front of the simulator that loses answers on purpose.

The simulator's own ``drop`` fault cuts the connection *before* the request is processed. A real network
can also lose the answer *after* Kong applied the request; this proxy forwards the request, lets the
simulator process it, then closes the client connection without answering (``lose_answer``), or stops
answering altogether after a number of requests (``cut_after``), like an Admin API going away mid-run.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from helpers.relay import ask, hand_back, read_body


@dataclass
class LoseAnswer:
    method: str
    path: re.Pattern[str]
    count: int
    then_cut: bool = False


class FaultProxy:
    """``FaultProxy(sim.url).start()``; point ``admin_url`` at ``proxy.url``."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self._lock = threading.Lock()
        self._rules: list[LoseAnswer] = []
        self._cut_after: int | None = None
        self.forwarded = 0
        self._pairing: float | None = None
        self._cond = threading.Condition()
        self._waiting: dict[str, dict[str, bool]] = {}
        self.paired = 0  # POSTs that were held until the same POST came from another client
        self.lost: list[tuple[str, str]] = []  # (method, path) processed upstream whose answer was lost
        self.refused: list[tuple[str, str]] = []  # (method, path) never forwarded (after the cut)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def lose_answer(self, method: str, path: str, count: int = 1, then_cut: bool = False) -> None:
        """The next ``count`` matching requests reach the simulator; their answers never reach the client.

        With ``then_cut`` the Admin API goes away right after: nothing is forwarded any more.
        """
        with self._lock:
            self._rules.append(LoseAnswer(method.upper(), re.compile(path), count, then_cut))

    def cut_after(self, requests: int) -> None:
        """Forward ``requests`` more requests, then drop every connection without forwarding anything."""
        with self._lock:
            self._cut_after = self.forwarded + requests

    def pair_posts(self, window: float) -> None:
        """Hold each POST up to ``window`` seconds until another client sends a POST to the same path, then
        forward both, one after the other: two runs of one inventory then race for every create."""
        self._pairing = window

    def _hold(self, path: str) -> dict[str, bool] | None:
        """First of a pair: wait for the partner, return the slot to release. Second: wait until the first is done."""
        with self._cond:
            slot = self._waiting.get(path)
            if slot is None:
                slot = {"partner": False, "done": False}
                self._waiting[path] = slot
                self._cond.wait_for(lambda: slot["partner"], timeout=self._pairing)
                if self._waiting.get(path) is slot:
                    del self._waiting[path]
                return slot
            slot["partner"] = True
            del self._waiting[path]
            self.paired += 1
            self._cond.notify_all()
            self._cond.wait_for(lambda: slot["done"], timeout=30)
            return None

    def _release(self, slot: dict[str, bool] | None) -> None:
        if slot is not None:
            with self._cond:
                slot["done"] = True
                self._cond.notify_all()

    def _decide(self, method: str, path: str) -> str:
        with self._lock:
            if self._cut_after is not None and self.forwarded >= self._cut_after:
                self.refused.append((method, path))
                return "refuse"
            self.forwarded += 1
            for rule in self._rules:
                if rule.method in ("*", method) and rule.path.search(path):
                    rule.count -= 1
                    if rule.count <= 0:
                        self._rules.remove(rule)
                    self.lost.append((method, path))
                    if rule.then_cut:
                        self._cut_after = self.forwarded
                    return "lose"
            return "forward"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _hang_up(self) -> None:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)

            def _serve(self) -> None:
                body = read_body(self)
                method = self.command.upper()
                decision = proxy._decide(method, self.path.partition("?")[0])
                if decision == "refuse":
                    self._hang_up()
                    return
                path = self.path.partition("?")[0]
                slot = proxy._hold(path) if proxy._pairing and method == "POST" else None
                try:
                    status, headers, payload = ask(proxy.upstream_host, proxy.upstream_port, method, self.path, body,
                                                   self)
                except OSError:  # the simulator itself dropped the connection (its `drop` fault)
                    self._hang_up()
                    return
                finally:
                    proxy._release(slot)
                if decision == "lose":
                    self._hang_up()
                    return
                hand_back(self, status, headers, payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        return Handler
