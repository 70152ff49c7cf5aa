# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exceptions raised by the Kong Admin API client, each able to render one actionable line."""

from __future__ import annotations

from typing import Any


def one_line(text: Any) -> str:
    """Collapse every run of whitespace (Kong prints nested errors as multi-line Lua tables) into one space."""
    return " ".join(str(text).split())


class KongError(Exception):
    """Base class: every error the modules report is one of these."""

    def describe(self, action: str | None = None) -> str:
        prefix = "Failed to %s: " % action if action else ""
        return one_line(prefix + str(self))


class KongValidationError(KongError):
    """Options Ansible can already tell are wrong, or a referenced entity is missing; no write was sent."""

    def describe(self, action: str | None = None) -> str:
        return one_line(self)


class KongConnectionError(KongError):
    """The Admin API could not be reached (refused, timeout, TLS, reset).

    ``transient`` tells the caller whether repeating the request could help.
    """

    def __init__(self, method: str, url: str, detail: str, transient: bool = True) -> None:
        super().__init__(one_line("%s %s -> %s" % (method, url, detail)))
        self.method = method
        self.url = url
        self.detail = detail
        self.transient = transient


class KongAPIError(KongError):
    """Kong answered with an error status. Carries Kong's ``name``, ``message`` and ``fields``."""

    def __init__(self, method: str, path: str, status: int, body: Any, hint: str | None = None) -> None:
        """``path`` is what the line shows: the path, or the full URL when the node matters (gateway errors)."""
        self.hint = hint
        self.method = method
        self.path = path
        self.status = status
        self.body = body if isinstance(body, dict) else {}
        self.raw = body if not isinstance(body, dict) else None
        self.name: str | None = self.body.get("name")
        self.code: int | None = self.body.get("code")
        self.message: str = self.body.get("message") or (str(body).strip() if body else "") or "no error message"
        # Kong reports per-option problems under "options" (code 11) and per-field ones under "fields".
        self.fields: Any = self.body.get("fields") if self.body.get("fields") is not None else self.body.get("options")
        super().__init__(self._line())

    @property
    def field_paths(self) -> list[str]:
        return field_paths(self.fields)

    def _line(self) -> str:
        text = "%s %s -> %d " % (self.method, self.path, self.status)
        text += "%s: %s" % (self.name, self.message) if self.name else self.message
        paths = self.field_paths
        if paths:
            text += " [fields: %s]" % ", ".join(paths)
        if self.hint:
            text += " (%s)" % self.hint
        return one_line(text)


def field_paths(fields: Any, prefix: str = "") -> list[str]:
    """Flatten Kong's ``fields`` error tree into dotted paths (array positions 1-based, as Kong prints them)."""
    paths: list[str] = []
    if isinstance(fields, dict):
        for key in sorted(fields, key=lambda k: (k != "@entity", str(k))):
            value = fields[key]
            path = "%s.%s" % (prefix, key) if prefix else str(key)
            if isinstance(value, (dict, list)) and key != "@entity":
                paths.extend(field_paths(value, path) or [path])
            else:
                paths.append(path)
    elif isinstance(fields, list):
        for index, value in enumerate(fields, start=1):
            if value is None:
                continue
            path = "%s.%d" % (prefix, index)
            if isinstance(value, (dict, list)):
                paths.extend(field_paths(value, path) or [path])
            else:
                paths.append(path)
    return paths
