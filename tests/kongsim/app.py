"""The Admin API application, independent of the HTTP transport: state, routing and dispatch."""

from __future__ import annotations

import sys
import threading
import time
import traceback
import uuid
from typing import Any

from . import (
    endpoints_crud,
    endpoints_custom,
    endpoints_info,
    endpoints_installed,
    endpoints_tags,
    endpoints_targets,
)
from . import errors as E
from .bodies import check_content_type
from .context import Ctx, RawJSON, Reply, dumps
from .dao import Dao
from .health import HealthBook
from .model import EntityDef, load_entities
from .routing import Router
from .rules.engine.errors import LuaError
from .rules.schemas import Schemas
from .store import Store
from .versions import ACTIVE, check, lists_workspaces, schema_dir

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


class App:
    def __init__(self, kong_version: str = "3.9.1", database: str = "postgres",
                 plugin_schemas: list[Any] | None = None, vault_schemas: list[Any] | None = None) -> None:
        """``plugin_schemas``/``vault_schemas``: extra plugins and vaults, each ``[NAME=]FILE`` or ``(name, dict)``
        holding what ``GET /schemas/plugins/{name}`` (``/schemas/vaults/{name}``) answers."""
        self.kong_version = check(kong_version)
        self.schema_dir = schema_dir(kong_version)
        self.database = database
        self.node_id = str(uuid.uuid4())
        self.started = time.time()
        self.lock = threading.RLock()
        self.entities: dict[str, EntityDef] = load_entities(self.schema_dir, lists_workspaces(kong_version))
        self.store = Store(self.entities)
        self.schemas = Schemas(self.schema_dir)
        self.dao = Dao(self.entities, self.store, self.schemas)
        self.router = Router()
        self.requests_total = 0
        self.config_hash = "0" * 32
        self.health = HealthBook()
        self.listen: tuple[str, int, bool] | None = None  # (host, port, tls) once serving
        self.root_body: dict[str, Any] | None = None       # GET / body, built on first use
        self.enabled_body: dict[str, Any] | None = None    # GET /plugins/enabled body
        endpoints_crud.register(self.router, self.entities)
        endpoints_custom.register(self.router, self.entities)
        endpoints_targets.register(self.router, self.entities)
        endpoints_tags.register(self.router)
        endpoints_info.register(self.router, self.entities, self.kong_version)
        self.installed_plugins: dict[str, dict[str, Any]] = {}
        self.installed_vaults: dict[str, dict[str, Any]] = {}
        endpoints_installed.install(self, plugin_schemas or [], vault_schemas or [])
        endpoints_installed.register(self.router, self.kong_version)
        self._seed()

    def _seed(self) -> None:
        """What a bootstrapped database holds: the default workspace (listed where /workspaces exists)."""
        if "workspaces" in self.entities:
            self.dao.insert(self.entities["workspaces"], {"name": "default"})

    @property
    def dbless(self) -> bool:
        return self.database == "off"

    def reset(self, restart: bool = False) -> None:
        """Empty the database, as a wipe through the Admin API does. The node's memory stays: the
        annotations validation left on the schemas; `restart` forgets them too, as a restarted Kong."""
        with self.lock:
            self.store.clear()
            self.dao.expires.clear()
            self.health.clear()
            self.config_hash = "0" * 32
            self._seed()
            if restart:
                self.schemas.restart()
                for name, raw in self.installed_plugins.items():
                    self.schemas.add_plugin(name, raw)
                for name, raw in self.installed_vaults.items():
                    self.schemas.add_vault(name, raw)

    def replace_state(self, store: Store, dao: Dao, config_hash: str) -> None:
        """Swap in a store built from a declarative config (DB-less POST /config)."""
        self.store, self.dao, self.config_hash = store, dao, config_hash

    # ---------------------------------------------------------------- dispatch

    def handle(self, method: str, path: str, raw_query: str, content_type: str | None,
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        """Answer one request: (status, headers, body bytes)."""
        started = time.perf_counter()
        try:
            reply = self._dispatch(method, path, raw_query, content_type, body)
        except E.KongError as err:
            reply = _error_reply(err)
        except LuaError:
            reply = _error_reply(E.unexpected())
        except Exception:
            traceback.print_exc(file=sys.stderr)
            reply = _error_reply(E.unexpected())
        headers = dict(reply.headers)
        payload = b""
        if isinstance(reply.body, bytes):
            payload = reply.body
        elif reply.body is not None:
            text = reply.body if isinstance(reply.body, RawJSON) else dumps(reply.body)
            payload = text.encode("utf-8")
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif reply.status not in (204, 304) and "Content-Type" not in headers and method != "OPTIONS":
            headers["Content-Type"] = "application/json; charset=utf-8"
        headers["X-Kong-Admin-Latency"] = str(int((time.perf_counter() - started) * 1000))
        return reply.status, headers, payload

    def _dispatch(self, method: str, path: str, raw_query: str, content_type: str | None, body: bytes) -> Reply:
        found = self.router.match(path)
        if found is None:
            raise E.not_found()
        route, params = found
        if route.disabled:
            raise E.not_found()
        if method == "OPTIONS":
            allow = route.allow_header()
            return Reply(204, None, {"Allow": allow, "Access-Control-Allow-Methods": allow,
                                     "Access-Control-Allow-Headers": "Content-Type"})
        verb = "GET" if method == "HEAD" else method
        handler = route.methods.get(verb)
        if handler is None:
            raise E.method_not_allowed()
        if verb in WRITE_METHODS:
            check_content_type(content_type, body, True, route.accepts_yaml)
        ctx = Ctx(self, verb, path, raw_query, content_type, body if verb in WRITE_METHODS else b"", params)
        with self.lock:
            self.requests_total += 1
            token = ACTIVE.set(self.kong_version)
            try:
                return handler(ctx)
            finally:
                ACTIVE.reset(token)


def _error_reply(err: E.KongError) -> Reply:
    if err.raw is not None:
        return Reply(err.status, err.raw, {"Content-Type": err.content_type or "text/html; charset=UTF-8"})
    return Reply(err.status, err.body)
