"""Requests through Kong's proxy, as a client sends them, waiting out Kong's eventual consistency: a route or plugin
created through the Admin API reaches the proxy within ``worker_state_update_frequency``."""

from __future__ import annotations

import time
from typing import Any

import requests

CHAT = {"messages": [{"role": "user", "content": "Say hello"}]}


def send(url: str, headers: dict[str, str] | None = None, method: str = "POST", **kwargs: Any) -> requests.Response:
    kwargs.setdefault("json", CHAT if method == "POST" else None)
    return requests.request(method, url, headers=headers or {}, timeout=10, **kwargs)


def until(status: int, url: str, headers: dict[str, str] | None = None, seconds: float = 30, **kwargs: Any
          ) -> requests.Response:
    """Send until Kong answers ``status`` (at most ``seconds``); the last answer otherwise, for the assertion."""
    deadline = time.monotonic() + seconds
    while True:
        answer = send(url, headers, **kwargs)
        if answer.status_code == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.3)
