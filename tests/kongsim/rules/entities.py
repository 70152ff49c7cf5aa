"""Lua-only parts of Kong's entity schemas (kong/db/schema/entities/<name>.lua): checks and shorthands."""

from __future__ import annotations

import json
from typing import Any

from . import typedefs as v
from .pem import jwk_error


def keys_check(entity: dict) -> str | None:
    jwk = entity.get("jwk")
    kid = entity.get("kid")
    if isinstance(jwk, str):
        try:
            parsed = json.loads(jwk)
        except ValueError:
            return "could not json decode jwk string"
        if not isinstance(parsed, dict):
            return "could not json decode jwk string"
        if parsed.get("kid") != kid:
            return "kid in jwk.kid must be equal to keys.kid"
        return jwk_error(parsed)
    return None


# ------------------------------------------------------------------------------ shorthands


def services_url(value: Any) -> dict | None:
    parsed = v.parse_url(str(value))
    if parsed is None:
        return None
    port_text = parsed.get("port")
    port: Any = int(port_text) if port_text is not None and port_text.isdigit() else None
    prot = "http" if port == 80 else "https" if port == 443 else None
    protocol = parsed.get("scheme") or prot or "http"
    if port is None:
        port = port_text if port_text is not None else (443 if protocol == "https" else 80)
    return {
        "protocol": protocol,
        "host": parsed.get("host"),
        "port": port,
        "path": parsed.get("path"),
    }


def upstream_algorithm(value: Any) -> dict:
    if value in ("least-connections", "latency"):
        return {"algorithm": value, "hash_on": None}
    return {"algorithm": value}


def upstream_hash_on(value: Any) -> dict:
    if value is None:
        return {"hash_on": "none"}
    if value == "none":
        return {"hash_on": value, "algorithm": "round-robin"}
    return {"hash_on": value, "algorithm": "consistent-hashing"}
