"""KongSim: the simulator's Python API (start/stop, request log, faults, reset)."""

from __future__ import annotations

import json
import re
import ssl
import threading
from typing import Any

from .app import App
from .server import SimHTTPServer
from .service_time import ServiceTime
from .testing import Faults, RequestLog


class KongSim:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, kong_version: str = "3.9.1",
                 database: str = "postgres", tls_cert: str | None = None, tls_key: str | None = None,
                 client_ca: str | None = None, admin_token: str | None = None,
                 plugin_schemas: list[Any] | None = None, vault_schemas: list[Any] | None = None,
                 service_time: ServiceTime | str | None = None) -> None:
        if database not in ("postgres", "off"):
            raise ValueError("database must be 'postgres' or 'off'")
        self.host = host
        self._port = port
        self.app = App(kong_version=kong_version, database=database, plugin_schemas=plugin_schemas,
                       vault_schemas=vault_schemas)
        self._log = RequestLog()
        self._faults = Faults()
        self._tls = self._tls_context(tls_cert, tls_key, client_ca)
        self.admin_token = admin_token
        self.service_time = ServiceTime.parse(service_time) if isinstance(service_time, str) else service_time
        self._server: SimHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @staticmethod
    def _tls_context(cert: str | None, key: str | None, client_ca: str | None) -> ssl.SSLContext | None:
        if cert is None:
            return None
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        if client_ca is not None:
            # as nginx with ssl_verify_client on: a handshake without a client certificate completes and the
            # request gets a 400 page (server.py); a certificate from another CA fails the handshake
            ctx.verify_mode = ssl.CERT_OPTIONAL
            ctx.load_verify_locations(client_ca)
        return ctx

    # ------------------------------------------------------------ lifecycle

    def start(self) -> KongSim:
        if self._server is not None:
            return self
        server = SimHTTPServer((self.host, self._port), self.app, self._log, self._faults,
                               self.admin_token, self._tls, self.service_time)
        server.control = self._control
        self._server = server
        self.app.listen = (self.host, self.port, self._tls is not None)
        self.app.root_body = None
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"kongsim-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> KongSim:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            return self._port
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        scheme = "https" if self._tls is not None else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    # ---------------------------------------------------------- instruments

    def request_log(self) -> list[dict[str, Any]]:
        return self._log.entries()

    def writes(self) -> list[dict[str, Any]]:
        return self._log.writes()

    def clear_log(self) -> None:
        self._log.clear()

    def inject_fault(self, method: str = "GET", path: str = r".*", status: int | None = 503, count: int = 1,
                     delay: float = 0.0, drop: bool = False, body: Any = None) -> None:
        self._faults.add(method=method, path=path, status=status, count=count, delay=delay, drop=drop, body=body)

    def clear_faults(self) -> None:
        self._faults.clear()

    def reset(self, restart: bool = False) -> None:
        """Empty the database (as a wipe through the Admin API); `restart`: also forget what the node
        remembers (the annotations validation left on its schemas), as a restarted Kong."""
        self.app.reset(restart)

    # ------------------------------------------------- /__kongsim/ over HTTP

    def _control(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        name = path[len("/__kongsim/"):].strip("/")
        if name == "log" and method == "GET":
            return 200, json.dumps({"data": self.request_log()}).encode()
        if name == "log" and method == "DELETE":
            self.clear_log()
            return 204, b""
        if name == "faults" and method == "POST":
            try:
                kwargs = json.loads(body or b"{}")
                self.inject_fault(**kwargs)
            except (ValueError, TypeError, re.error) as err:
                return 400, json.dumps({"message": f"invalid fault: {err}"}).encode()
            return 201, json.dumps({"message": "fault armed"}).encode()
        if name == "faults" and method == "DELETE":
            self.clear_faults()
            return 204, b""
        if name == "reset" and method == "POST":
            self.reset()
            return 204, b""
        return 404, json.dumps({"message": "Not found"}).encode()
