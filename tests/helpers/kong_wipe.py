"""Empty a Kong through its Admin API, as the transcripts' recording procedure does (FORMAT.md section 2).

Deleting by id is what a wipe leaves in a node's memory (Kong validates each primary key, and its schemas
keep a note of it: rules/engine/fields.py), so a replay that needs the history of a recording session wipes
the same way.
"""

from __future__ import annotations

from typing import Any

from helpers.transcript_matcher import Replayer

# children before parents; targets go per upstream
WIPE_ORDER = ("plugins", "oauth2_tokens", "oauth2", "key-auths", "basic-auths", "acls", "jwts", "hmac-auths",
              "routes", "targets", "snis", "services", "upstreams", "consumers", "certificates", "ca_certificates",
              "vaults", "keys", "key-sets")


def _rows(kong: Replayer, path: str) -> list[dict[str, Any]]:
    answer = kong.send("GET", path, None, {})
    return answer.json()["data"] if answer.status == 200 else []


def _wipe_once(kong: Replayer) -> bool:
    deleted = False
    for collection in WIPE_ORDER:
        if collection == "targets":
            for upstream in _rows(kong, "/upstreams?size=1000"):
                for target in _rows(kong, f"/upstreams/{upstream['id']}/targets/all?size=1000"):
                    kong.send("DELETE", f"/upstreams/{upstream['id']}/targets/{target['id']}", None, {})
                    deleted = True
            continue
        for row in _rows(kong, f"/{collection}?size=1000"):
            kong.send("DELETE", f"/{collection}/{row['id']}", None, {})
            deleted = True
    return deleted


def leftovers(kong: Replayer) -> list[str]:
    """The collections (and `/tags`) that still hold rows."""
    return [c for c in (*WIPE_ORDER, "tags") if c != "targets" and _rows(kong, f"/{c}?size=1000")]


def wipe(kong: Replayer) -> None:
    """Delete everything, repeating until a pass deletes nothing; fails when anything is left."""
    for _attempt in range(5):
        if not _wipe_once(kong):
            break
    left = leftovers(kong)
    if left:
        raise AssertionError(f"Kong is not empty after the wipe: {left}")
