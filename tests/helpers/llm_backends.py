"""OpenAI-compatible backends on loopback for proxy tests: the docker scenario's stub (one implementation), run in
a thread, remembering the headers of every request it served."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers.importable import module_from_file

STUB = Path(__file__).resolve().parents[2] / "extensions" / "molecule" / "docker" / "files" / "llm_stub.py"


class Backend:
    """One replica: ``port``, ``name`` and ``seen`` (the headers of each request, lower-cased names)."""

    def __init__(self, name: str) -> None:
        stub = module_from_file(STUB)
        seen: list[dict[str, str]] = []

        class Recording(stub.Handler):  # type: ignore[name-defined,misc]
            replica = name

            def parse_request(self) -> bool:
                parsed = bool(super().parse_request())
                if parsed:
                    seen.append({k.lower(): v for k, v in self.headers.items()} | {":path": self.path})
                return parsed

        from http.server import ThreadingHTTPServer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Recording)
        self.server.daemon_threads = True
        self.name = name
        self.seen = seen
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def chats(self) -> list[dict[str, str]]:
        """The chat requests served (health checks left out)."""
        return [h for h in self.seen if "content-length" in h]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def backends(*names: str) -> Iterator[list[Backend]]:
    started = [Backend(name) for name in names]
    try:
        yield started
    finally:
        for backend in started:
            backend.stop()
