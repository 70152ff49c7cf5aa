# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The schemas of the Kong being managed: ``GET /schemas/plugins/{name}`` and ``/schemas/vaults/{name}``.

Each is read once and kept for the life of the process (the whole run when tasks run in the controller, one task
in a module process), keyed by the Admin API's URL: secrets, version checks and shorthand fields all read the
schema that Kong itself applies.

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

import threading
from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.api.client import quote_key
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongAPIError

_SCHEMAS: dict[tuple[str, str, str], dict[str, Any] | None] = {}  # (admin URL, kind, name) -> schema; None: 404
_LOCK = threading.Lock()


def live_schema(client: Any, kind: str, name: str) -> dict[str, Any] | None:
    """``kind`` (``plugin`` or ``vault``) ``name``'s schema on ``client``'s Kong; None when Kong has no such one.
    Other failures raise (KongError)."""
    key = (str(getattr(client, "base_url", "")), kind, name)
    with _LOCK:  # held while asking, so threads of one task read a schema once
        if key not in _SCHEMAS:
            try:
                _SCHEMAS[key] = client.request("GET", "/schemas/%ss/%s" % (kind, quote_key(name)))
            except KongAPIError as exc:
                if exc.status != 404:
                    raise
                _SCHEMAS[key] = None
        return _SCHEMAS[key]


def forget() -> None:
    """Drop every schema read (tests that reuse one URL for several Kongs)."""
    with _LOCK:
        _SCHEMAS.clear()


def config_fields(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """The ``config`` record of a plugin or vault schema (None when there is none)."""
    for field in (schema or {}).get("fields") or []:
        if "config" in field:
            return field["config"]
    return None


# (id of a record, its key) -> (the record, its fields by name): a schema is read once and then consulted for
# every plugin of a task, so each record's index is built once (the record is held so that its id stays its own)
_BY_NAME: dict[tuple[int, str], tuple[dict[str, Any], dict[str, dict[str, Any]]]] = {}


def _by_name(record: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    cached = _BY_NAME.get((id(record), key))
    if cached is not None and cached[0] is record:
        return cached[1]
    fields = {name: spec for field in record.get(key) or [] for name, spec in field.items()}
    _BY_NAME[(id(record), key)] = (record, fields)
    return fields


def record_fields(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A record's fields by name (Kong lists them as one-key mappings, in order). Read only: the index is shared."""
    return _by_name(record, "fields")


def shorthands(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A record's shorthand fields by name (deprecated names Kong still accepts and echoes). Read only."""
    return _by_name(record, "shorthand_fields")
