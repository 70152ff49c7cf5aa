"""A loopback reverse proxy in front of a real Kong's Admin API that keeps the simulator's request log.

The tests tell what a task sent (writes in check mode, requests of a no-op) from the simulator's log; in front of a
real Kong this proxy keeps the same log and answers the same ``/__kongsim/log`` control path, so a test reads it the
same way whichever Kong it runs against. It is the docker scenario's request log
(``extensions/molecule/docker/files/admin_request_log.py``, one implementation), run in a thread.
"""

from __future__ import annotations

import threading
from typing import Any

from helpers.playbook import is_validation
from helpers.relay import REQUEST_LOG

WRITE_VERBS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RecordingProxy:
    """Forwards to ``target`` (``http://host:port``) from ``url``; ``request_log()`` as the simulator's."""

    def __init__(self, target: str) -> None:
        self._server = REQUEST_LOG.RequestLogServer(("127.0.0.1", 0), target)
        self._thread = threading.Thread(target=self._server.serve_forever, name="recording-proxy", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def request_log(self) -> list[dict[str, Any]]:
        with self._server.lock:
            return [dict(entry) for entry in self._server.entries]

    def writes(self) -> list[dict[str, Any]]:
        """Requests that may change Kong's state (a POST to a validate endpoint never does)."""
        return [e for e in self.request_log() if e["method"] in WRITE_VERBS and not is_validation(e["path"])]

    def clear_log(self) -> None:
        with self._server.lock:
            self._server.entries.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
