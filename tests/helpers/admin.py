"""Read and seed the simulator's state through its HTTP Admin API, as a client of Kong would."""

from __future__ import annotations

from typing import Any

import requests


def _headers(token: str | None) -> dict[str, str]:
    return {"Kong-Admin-Token": token} if token else {}


def get(sim: Any, path: str, token: str | None = None) -> requests.Response:
    return requests.get(sim.url + path, headers=_headers(token), timeout=10)


def entity(sim: Any, path: str, token: str | None = None) -> dict[str, Any] | None:
    """The entity at ``path`` as Kong serves it, or None on 404."""
    resp = get(sim, path, token)
    if resp.status_code == 404:
        return None
    resp.raise_for_status()
    return resp.json()


def listing(sim: Any, path: str, token: str | None = None) -> list[dict[str, Any]]:
    """Every element of a paginated collection."""
    out: list[dict[str, Any]] = []
    url: str | None = sim.url + path
    while url:
        resp = requests.get(url, headers=_headers(token), timeout=10)
        resp.raise_for_status()
        body = resp.json()
        out += body["data"]
        nxt = body.get("next")
        url = (sim.url + nxt if nxt.startswith("/") else nxt) if nxt else None
    return out


def create(sim: Any, path: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    """POST ``body`` (seeding prerequisites without going through the modules)."""
    resp = requests.post(sim.url + path, json=body, headers=_headers(token), timeout=10)
    assert resp.status_code == 201, f"seeding {path} failed: {resp.status_code} {resp.text}"
    return resp.json()
