"""Test instruments: the request log and injected faults."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

WRITE_VERBS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []

    def arrive(self, method: str, path: str, query: str) -> dict[str, Any]:
        """Reserve the entry in arrival order; its status is filled in when the answer is known."""
        entry = {"method": method, "path": path, "query": query, "status": None}
        with self._lock:
            self._entries.append(entry)
        return entry

    def answered(self, entry: dict[str, Any], status: int) -> None:
        with self._lock:
            entry["status"] = status

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def writes(self) -> list[dict[str, Any]]:
        """Requests that may change Kong's state (a POST to a validate endpoint never does)."""
        return [e for e in self.entries() if e["method"] in WRITE_VERBS
                and not (e["path"].startswith("/schemas/") and e["path"].endswith("/validate"))]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int | None
    count: int
    delay: float
    drop: bool
    body: Any

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method.upper() == method) and bool(self.path.search(path))


def default_fault_body(status: int) -> dict[str, Any]:
    messages = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
                405: "Method not allowed", 409: "Conflict", 429: "API rate limit exceeded",
                500: "An unexpected error occurred", 502: "An invalid response was received from the upstream server",
                503: "Service unavailable", 504: "The upstream server is timing out"}
    return {"message": messages.get(status, "An unexpected error occurred")}


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, method: str = "GET", path: str = ".*", status: int | None = 503, count: int = 1,
            delay: float = 0.0, drop: bool = False, body: Any = None) -> None:
        if not isinstance(method, str) or not isinstance(path, str):
            raise ValueError("method and path must be strings")
        if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
            raise ValueError("status must be an HTTP status code (100-599) or null")
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError("count must be an integer of at least 1")
        if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
            raise ValueError("delay must be a number of seconds >= 0")
        if not isinstance(drop, bool):
            raise ValueError("drop must be a boolean")
        fault = Fault(method, re.compile(path), status, count, float(delay), drop, body)
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed fault matching this request; uses up one of its count."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
