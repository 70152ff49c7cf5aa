"""A minimal OpenAI-compatible chat backend for the docker scenario: answers every chat
completion with the name of the replica that served it, and any GET (health checks) with 200.

Run: REPLICA_NAME=llm-stub-1 STUB_HOST=127.0.0.1 STUB_PORT=18983 python3 llm_stub.py
(defaults: REPLICA_NAME=stub, STUB_HOST=0.0.0.0, STUB_PORT=8000). Importing it starts nothing:
`serve(host, port, replica)` returns a server to run."""

from __future__ import annotations

import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Handler(BaseHTTPRequestHandler):
    replica = os.environ.get("REPLICA_NAME", "stub")

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Replica", self.replica)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._send(200, {"status": "ok", "replica": self.replica})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        self._send(200, {
            "id": "chatcmpl-stub",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "stub"),
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": "served by " + self.replica},
                "finish_reason": "stop",
            }],
            "usage": {"prompt_tokens": 1, "completion_tokens": 3, "total_tokens": 4},
        })

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(host: str, port: int, replica: str) -> ThreadingHTTPServer:
    """A server answering as `replica` on host:port (port 0 picks a free one); call serve_forever()."""
    handler = type("ReplicaHandler", (Handler,), {"replica": replica})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


if __name__ == "__main__":
    serve(os.environ.get("STUB_HOST", "0.0.0.0"), int(os.environ.get("STUB_PORT", "8000")),
          os.environ.get("REPLICA_NAME", "stub")).serve_forever()
