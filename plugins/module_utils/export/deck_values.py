# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: the values decK computes from a state file before it sends an entity (a service's ``url``,
a plugin's ``_config``). Internal: may change without notice.
"""

from __future__ import annotations

import copy
from typing import Any, Callable
from urllib.parse import urlsplit

from ansible_collections.aigateway.kong.plugins.module_utils.export.template import Template

URL_PARTS = ("protocol", "host", "port", "path")


def expand_url(service: dict[str, Any], where: str, fail: Callable[[str, str], Exception]) -> None:
    """decK's reading of a service ``url``: protocol, host, port (80, 443 for https) and path; the fields the
    service sets itself win. A url read from the environment is kept: the module expands it at run time."""
    url = service["url"]
    if isinstance(url, Template):
        if any(service.get(part) is not None for part in URL_PARTS):
            raise fail(where + ".url", "a url read from the environment together with %s cannot be expressed"
                       % "/".join(p for p in URL_PARTS if service.get(p) is not None))
        return
    try:
        parts = urlsplit(str(url))
        port = parts.port
    except ValueError as exc:
        raise fail(where + ".url", "invalid url: %s" % exc) from None
    if not parts.scheme or not parts.netloc:
        raise fail(where + ".url", "invalid url: %s" % url)
    host = parts.netloc.rsplit("@", 1)[-1]
    host = host[: host.rindex("]") + 1] if host.startswith("[") else host.split(":", 1)[0]
    found = {"protocol": parts.scheme, "host": host, "port": port or (443 if parts.scheme == "https" else 80)}
    if parts.path:
        found["path"] = parts.path.replace(" ", "%20")
    del service["url"]
    for name, value in found.items():
        if service.get(name) is None:
            service[name] = value


def merge_config(config: Any, source: dict[str, Any]) -> dict[str, Any]:
    """A plugin's ``config`` completed from its ``_config`` entry: the plugin's own values win, at every depth."""
    merged = copy.deepcopy(config) if isinstance(config, dict) else {}
    _merge(merged, source)
    return merged


def _merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if key not in target:
            target[key] = copy.deepcopy(value)
        elif isinstance(target[key], dict) and isinstance(value, dict):
            _merge(target[key], value)
