"""HTTP(S) transport: a threading HTTP/1.1 server in front of the Admin API application."""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .app import App
from .service_time import ServiceTime
from .testing import Faults, RequestLog, default_fault_body

CONTROL_PREFIX = "/__kongsim/"
UNAUTHORIZED = {"message": "Invalid credentials. Token or User credentials required"}

NGINX_NO_CLIENT_CERT = (b"<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n"
                        b"<center><h1>400 Bad Request</h1></center>\r\n"
                        b"<center>No required SSL certificate was sent</center>\r\n</body>\r\n</html>\r\n")


class SimHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # many parallel clients must not be refused at connect time

    def __init__(self, address: tuple[str, int], app: App, log: RequestLog, faults: Faults,
                 admin_token: str | None, tls: ssl.SSLContext | None,
                 service_time: ServiceTime | None = None) -> None:
        self.app = app
        self.service_time = service_time
        self.log = log
        self.faults = faults
        self.admin_token = admin_token
        self.tls = tls
        self.requires_client_cert = tls is not None and tls.verify_mode != ssl.CERT_NONE
        self.control: Any = None  # set by KongSim: handles /__kongsim/ requests
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, AdminHandler)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def close_connections(self) -> None:
        """Cut kept-alive client connections, so a stopped simulator answers nobody."""
        with self._open_lock:
            conns = list(self._open)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # broken connections and failed TLS handshakes are the client's business


class AdminHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # small bodies after the headers must not wait for a delayed ACK
    server: SimHTTPServer

    def setup(self) -> None:
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.settimeout(10)
            self.connection.do_handshake()
            self.connection.settimeout(None)

    def version_string(self) -> str:
        return f"kong/{self.server.app.kong_version}"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # every verb goes through one path
    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self._serve  # any other verb: Kong answers 404 or 405 like for the known ones
        raise AttributeError(name)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline().strip()
                size = int(line.split(b";")[0] or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self) -> None:
        target = self.path
        if "://" in target:
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        path, _sep, query = target.partition("?")
        body = self._read_body()
        method = self.command.upper()
        srv = self.server
        if path.startswith(CONTROL_PREFIX):
            status, payload = srv.control(method, path, body)
            self._send(method, status, {"Content-Type": "application/json; charset=utf-8"} if payload else {},
                       payload)
            return
        entry = srv.log.arrive(method, path, query)
        if srv.requires_client_cert and not self.connection.getpeercert():
            srv.log.answered(entry, 400)
            self._send(method, 400, {"Content-Type": "text/html; charset=UTF-8"}, NGINX_NO_CLIENT_CERT)
            return
        fault = srv.faults.take(method, path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                srv.log.answered(entry, 0)
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault.status is not None:
                payload = json.dumps(fault.body if fault.body is not None else default_fault_body(fault.status))
                srv.log.answered(entry, fault.status)
                self._send(method, fault.status, {"Content-Type": "application/json; charset=utf-8"},
                           payload.encode())
                return
        if srv.admin_token is not None and self.headers.get("Kong-Admin-Token") != srv.admin_token:
            srv.log.answered(entry, 401)
            self._send(method, 401, {"Content-Type": "application/json; charset=utf-8"},
                       json.dumps(UNAUTHORIZED).encode())
            return
        content_types = self.headers.get_all("Content-Type") or []
        if len(content_types) > 1 and method in ("POST", "PUT", "PATCH"):
            srv.log.answered(entry, 400)
            self._send(method, 400, {"Content-Type": "application/json; charset=utf-8"},
                       b'{"message":"Multiple Content-Type headers not allowed"}')
            return
        content_type = content_types[0] if content_types else None
        if srv.service_time is None:
            status, headers, payload = srv.app.handle(method, path, query, content_type, body)
        else:
            status, headers, payload = srv.service_time.serve(
                method, path, lambda: srv.app.handle(method, path, query, content_type, body))
        requested = self.headers.get("Access-Control-Request-Headers")
        if method == "OPTIONS" and requested and "Access-Control-Allow-Headers" in headers:
            headers["Access-Control-Allow-Headers"] = requested
        srv.log.answered(entry, status)
        self._send(method, status, headers, payload)

    def _send(self, method: str, status: int, headers: dict[str, str], payload: bytes) -> None:
        self.send_response(status)
        origin = self.headers.get("Origin")
        self.send_header("Access-Control-Allow-Origin", origin or "*")
        self.send_header("Access-Control-Allow-Credentials", "true")
        for name, value in headers.items():
            self.send_header(name, value)
        if status not in (204, 304):
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if method != "HEAD" and status not in (204, 304) and payload:
            self.wfile.write(payload)
