# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: routes of a decK state file on Kong 3.x.

Format 1.1 was written for Kong 2.x, which read a path holding regex characters as a regex; Kong 3.x
reads it so only with a ``~`` prefix. The export adds it, as ``deck convert --from kong-gateway-2.x --to
kong-gateway-3.x`` does (decK refuses to sync a 1.1 file into Kong 3.x), and says so. A route without
``strip_path`` gets Kong's default (true), as decK 1.26.1 and later give it; older decK gave false.
Internal: may change without notice.
"""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_terms import REGEX_LIKE
from ansible_collections.aigateway.kong.plugins.module_utils.export.template import Template


def regex_like(path: Any) -> bool:
    return isinstance(path, str) and not isinstance(path, Template) and not path.startswith("~") and bool(
        REGEX_LIKE.search(path))


def finish_routes(routes: list[dict[str, Any]], version: str, note: Callable[[str], None]) -> None:
    for route in routes:
        paths = route.get("paths")
        if version == "1.1" and isinstance(paths, list) and any(regex_like(p) for p in paths):
            route["paths"] = ["~" + p if regex_like(p) else p for p in paths]
            note("route '%s': format 1.1 (Kong 2.x) reads %s as a regex; exported with the '~' prefix Kong 3.x needs "
                 "(as deck convert --from kong-gateway-2.x --to kong-gateway-3.x does)"
                 % (route.get("name") or route["id"], ", ".join("'%s'" % p for p in paths if regex_like(p))))
    unset = [str(r.get("name") or r["id"]) for r in routes if "strip_path" not in r]
    if unset:
        note("routes without strip_path (%s) get Kong's default, true, as decK 1.26.1 and later give them; "
             "decK up to 1.26.0 created them with strip_path false: if yours did, set strip_path: false in the "
             "file (or _info.defaults.route.strip_path) and export again" % ", ".join(sorted(unset)))
