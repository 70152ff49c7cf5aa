# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: read a decK state file (YAML or JSON) as decK reads it.

``_format_version`` "1.1" (also when missing, as decK assumes) or "3.0"; ``${{ env "DECK_..." }}`` values
become lookups (``deck_env``). Bad input raises ``DeckError``, whose one line names the file and the key.
Internal: may change without notice.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_env import (
    EnvError,
    has_marker,
    restore,
    substitute,
)

try:
    import yaml
except ImportError:  # pragma: no cover - PyYAML comes with ansible-core
    yaml = None

FORMATS = ("1.1", "3.0")
DEFAULT_FORMAT = "1.1"


class DeckError(ValueError):
    """Bad input: ``file: key: what is wrong``."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        super().__init__("%s: %s: %s" % (path, key, problem) if key else "%s: %s" % (path, problem))


@dataclass(frozen=True)
class DeckDocument:
    path: str
    format_version: str
    content: dict[str, Any]


def _plain(value: Any) -> Any:
    """YAML's dates as the strings decK reads; keys as strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _parse(path: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = " (line %d, column %d)" % (mark.line + 1, mark.column + 1) if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DeckError(path, "", "neither JSON nor YAML: %s%s" % (problem, where)) from None


def format_version(path: str, content: dict[str, Any]) -> str:
    if "_format_version" not in content or content["_format_version"] is None:
        return DEFAULT_FORMAT
    raw = content["_format_version"]
    if has_marker(raw):
        raise DeckError(path, "_format_version", "an environment value; write the version itself")
    version = str(raw) if isinstance(raw, (str, float, int)) and not isinstance(raw, bool) else None
    if version not in FORMATS:
        raise DeckError(path, "_format_version", "unknown format version %r (decK writes %s)"
                        % (raw, " or ".join(FORMATS)))
    return version


def read_state(path: str) -> DeckDocument:
    """The state file at ``path``, its env values as templates."""
    if yaml is None:  # pragma: no cover
        raise DeckError(path, "", "reading it needs PyYAML")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise DeckError(path, "", "cannot be read: %s" % (getattr(exc, "strerror", None) or exc)) from None
    try:
        marked, values = substitute(text)
    except EnvError as exc:
        raise DeckError(path, "", str(exc)) from None
    data = _plain(_parse(path, marked))
    if not isinstance(data, dict):
        raise DeckError(path, "", "not a mapping (a decK state file maps _format_version, services, ...)")
    version = format_version(path, data)
    try:
        content = restore(data, values)
    except EnvError as exc:
        raise DeckError(path, "", str(exc)) from None
    return DeckDocument(path, version, content)
