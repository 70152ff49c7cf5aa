"""Kong-like service time: each Admin API request takes at least as long as it would on a real Kong.

The plain simulator answers as fast as Python can, so a client that spends CPU per request looks cheap
next to a client that sends many requests, and parallel writes look free. With a ``ServiceTime``, the
server handles one Admin API request at a time (like a single nginx worker) and pads each answer to a
calibrated duration: a fixed cost per read, plus a cost per entity in a listing's answer, and a fixed cost
per write. The ``kong`` preset is calibrated on Kong 3.9.1 with PostgreSQL on a 2-core machine:
``GET /consumers?size=1000`` about 30 ms, ``GET /plugins?size=1000`` about 60 ms; a write costs Kong about
2 ms, but ``deck sync`` (10 writes in flight) wrote 3,050 entities in 3.6 s, so one worker is held about
1.2 ms per write.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

WRITE_VERBS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# entities in a JSON answer: every Kong entity carries exactly one "created_at" (SNIs nested in a
# certificate answer do not; a listing's extra cost is what matters here)
ENTITY_MARK = b'"created_at"'


@dataclass
class ServiceTime:
    read_ms: float = 0.0  # any GET (or other non-write) request
    entity_ms: float = 0.0  # per entity in the answer (listings)
    plugin_entity_ms: float = 0.0  # per entity in a /plugins listing (plugin answers are larger)
    write_ms: float = 0.0  # POST, PUT, PATCH, DELETE
    _worker: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    PRESETS = {
        "kong": dict(read_ms=1.0, entity_ms=0.03, plugin_entity_ms=0.06, write_ms=1.2),
    }

    @classmethod
    def parse(cls, spec: str) -> ServiceTime:
        """``kong`` (the preset) or ``read=MS,entity=MS,plugin_entity=MS,write=MS`` (any subset)."""
        spec = spec.strip()
        if spec in cls.PRESETS:
            return cls(**cls.PRESETS[spec])
        values: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, sep, number = part.partition("=")
            key = name.strip().replace("-", "_") + "_ms"
            if not sep or key not in cls.PRESETS["kong"]:
                raise ValueError(
                    f"service time {spec!r}: expected 'kong' or read=MS,entity=MS,plugin_entity=MS,write=MS"
                )
            values[key] = float(number)
            if values[key] < 0:
                raise ValueError(f"service time {spec!r}: {name} must not be negative")
        return cls(**values)

    def duration(self, method: str, path: str, payload: bytes) -> float:
        """Seconds the request should take in total."""
        if method in WRITE_VERBS:
            return self.write_ms / 1000.0
        per_entity = self.plugin_entity_ms if path.rstrip("/").endswith("/plugins") else self.entity_ms
        return (self.read_ms + per_entity * payload.count(ENTITY_MARK)) / 1000.0

    def serve(
        self, method: str, path: str, handle: Callable[[], tuple[int, dict[str, str], bytes]]
    ) -> tuple[int, dict[str, str], bytes]:
        """Run ``handle()`` as the one worker, and hold the worker until the calibrated time has passed."""
        with self._worker:
            start = time.perf_counter()
            status, headers, payload = handle()
            remaining = self.duration(method, path, payload) - (time.perf_counter() - start)
            if remaining > 0:
                time.sleep(remaining)
        return status, headers, payload
