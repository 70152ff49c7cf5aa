"""Print what a Kong Admin API holds, as a compact overview of the AI gateway.

Usage: python scripts/show-gateway.py [ADMIN_URL]   (default: $KONG_ADMIN_URL or http://localhost:8001)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import requests


def pages(session: requests.Session, base: str, path: str) -> Iterator[dict]:
    """Yield every entity of a collection, following Kong's `next` links."""
    url: str | None = f"{base}{path}?size=1000"
    while url:
        body = session.get(url, timeout=10).json()
        yield from body.get("data", [])
        url = f"{base}{body['next']}" if body.get("next") else None


def main() -> int:
    base = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("KONG_ADMIN_URL", "http://localhost:8001")).rstrip("/")
    session = requests.Session()
    token = os.environ.get("KONG_ADMIN_TOKEN")
    if token:
        session.headers["Kong-Admin-Token"] = token
    root = session.get(base + "/", timeout=10).json()
    print(f"Kong {root.get('version')} ({root.get('edition', 'community')}), database: "
          f"{root.get('configuration', {}).get('database')}")

    services = {s["id"]: s for s in pages(session, base, "/services")}
    routes = list(pages(session, base, "/routes"))
    plugins = list(pages(session, base, "/plugins"))
    consumers = {c["id"]: c for c in pages(session, base, "/consumers")}
    upstreams = list(pages(session, base, "/upstreams"))

    def scope(p: dict) -> str:
        for key, table, label in (("service", services, "name"), ("consumer", consumers, "username")):
            ref = p.get(key)
            if ref:
                return f"{key} {table.get(ref['id'], {}).get(label, ref['id'])}"
        if p.get("route"):
            return "route " + next((r.get("name") or r["id"] for r in routes if r["id"] == p["route"]["id"]), "?")
        return "global"

    print(f"\nServices ({len(services)})")
    for s in sorted(services.values(), key=lambda s: s.get("name") or ""):
        print(f"  {s.get('name')}: {s['protocol']}://{s['host']}:{s['port']}{s.get('path') or ''}")
        for r in sorted((r for r in routes if (r.get("service") or {}).get("id") == s["id"]),
                        key=lambda r: r.get("name") or ""):
            print(f"    route {r.get('name')}: {','.join(r.get('methods') or ['*'])} {' '.join(r.get('paths') or [])}")
    print(f"\nUpstreams ({len(upstreams)})")
    for u in upstreams:
        targets = list(pages(session, base, f"/upstreams/{u['id']}/targets"))
        print(f"  {u['name']} ({u['algorithm']}): " + ", ".join(f"{t['target']} w={t['weight']}" for t in targets))
    print(f"\nConsumers ({len(consumers)})")
    for c in sorted(consumers.values(), key=lambda c: c.get("username") or ""):
        groups = [a["group"] for a in pages(session, base, f"/consumers/{c['id']}/acls")]
        keys = list(pages(session, base, f"/consumers/{c['id']}/key-auth"))
        print(f"  {c.get('username')}: {len(keys)} key(s), groups: {', '.join(groups) or '-'}")
    print(f"\nPlugins ({len(plugins)})")
    for p in sorted(plugins, key=lambda p: (scope(p), p["name"])):
        print(f"  {p['name']:<24} {scope(p)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
