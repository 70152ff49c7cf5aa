"""Upstream balancer health as Kong reports it: per-target status, manual healthy/unhealthy marks.

Targets whose host is an IP address (or localhost) have that one address; other host names are treated
as resolving to nothing (a test network has no DNS for them), so they report DNS_ERROR, as Kong does.
"""

from __future__ import annotations

import ipaddress
from typing import Any


def using_healthchecks(upstream: dict[str, Any]) -> bool:
    hc = upstream.get("healthchecks") or {}
    active, passive = hc.get("active") or {}, hc.get("passive") or {}
    unhealthy = passive.get("unhealthy") or {}
    return bool((active.get("healthy") or {}).get("interval") or (active.get("unhealthy") or {}).get("interval")
                or unhealthy.get("tcp_failures") or unhealthy.get("timeouts") or unhealthy.get("http_failures"))


def split_target(target: str) -> tuple[str, int]:
    host, _sep, port = target.rpartition(":")
    return host, int(port)


def _addresses(host: str, port: int) -> list[tuple[str, int]]:
    if host == "localhost":
        return [("127.0.0.1", port)]
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return []
    return [(host, port)]


class HealthBook:
    """Marks set through PUT .../healthy|unhealthy, keyed by (upstream id, target, address)."""

    def __init__(self) -> None:
        self.marks: dict[tuple[str, str, str], bool] = {}

    def clear(self) -> None:
        self.marks.clear()

    def mark(self, upstream: dict[str, Any], target: dict[str, Any], address: str | None, healthy: bool) -> str | None:
        """None when done, else the balancer's refusal message."""
        if not using_healthchecks(upstream):
            return f"no healthchecker found for {upstream['name']}"
        host, port = split_target(target["target"])
        addrs = [f"{ip}:{p}" for ip, p in _addresses(host, port)] if address is None else [address]
        for addr in addrs:
            self.marks[(upstream["id"], target["target"], addr)] = healthy
        return None

    def target_status(self, upstream: dict[str, Any], target: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """(health, data) for one target row of GET /upstreams/{u}/health."""
        host, port = split_target(target["target"])
        weight = target["weight"]
        hc = using_healthchecks(upstream) and weight > 0
        addresses = []
        unavailable = 0
        for ip, p in _addresses(host, port):
            ok = self.marks.get((upstream["id"], target["target"], f"{ip}:{p}"), True)
            if not ok:
                unavailable += weight
            addresses.append({"ip": ip, "port": p, "weight": weight,
                              "health": ("HEALTHY" if ok else "UNHEALTHY") if hc else "HEALTHCHECKS_OFF"})
        total = weight * len(addresses)
        data = {"host": host, "port": port, "dns": "A" if addresses else "NXDOMAIN", "nodeWeight": weight,
                "weight": {"total": total, "unavailable": unavailable, "available": total - unavailable},
                "addresses": addresses}
        if not addresses:
            return "DNS_ERROR", data
        health = "HEALTHCHECKS_OFF"
        for a in addresses:
            if a["health"] == "HEALTHY":
                health = "HEALTHY"
                break
            if a["health"] == "UNHEALTHY":
                health = "UNHEALTHY"
        return health, data
