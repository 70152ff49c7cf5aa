# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: which values are secrets, and the variables that stand for them.

Secret values never go into the exported playbook or inventory: each becomes a variable defined in the
separate secrets file. Kong vault references (``{vault://...}``) are not secrets and stay as they are, and so
do lookups of the environment (a decK file's ``${{ env ... }}``), which hold no secret themselves.
Internal: may change without notice.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import is_vault_reference
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import EntitySpec
from ansible_collections.aigateway.kong.plugins.module_utils.export.template import Template

PREFIX = "kong_secret_"
UNSAFE_NAME = re.compile(r"[^a-z0-9_]+")


def secret_paths(spec: EntitySpec, entity: dict[str, Any]) -> tuple[str, ...]:
    """The paths of ``entity`` that hold secrets: the spec's secret fields and masked paths, and for a
    plugin the secret paths of that plugin. The one place the export asks (so their source can change)."""
    paths = spec.masked_paths(None, entity)
    if spec.secret_values:  # secrets inside a field's value (private JWK members): the whole field is secret
        hidden = set(spec.secret_values(entity))
        paths += tuple(name for name, value in entity.items() if hidden and _holds(value, hidden))
    return paths


def _holds(value: Any, hidden: set[str]) -> bool:
    text = value if isinstance(value, str) else repr(value)
    return any(secret in text for secret in hidden)


def variable_name(*parts: Any) -> str:
    text = "_".join(str(p) for p in parts if p not in (None, ""))
    return PREFIX + UNSAFE_NAME.sub("_", text.lower()).strip("_")


class SecretStore:
    """The secrets file being built: variable name -> value, with a comment for some."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.notes: dict[str, str] = {}
        self.placeholders: set[str] = set()  # variables holding a random value that stands for an unknown secret
        self._by_value: dict[tuple[str, str], str] = {}

    def reference(self, name: str, value: Any, note: str | None = None) -> str:
        """``{{ name }}`` for ``value`` (the same value under the same name is one variable)."""
        key = (name, repr(value))
        if key in self._by_value:
            return "{{ %s }}" % self._by_value[key]
        unique, count = name, 1
        while unique in self.values:
            count += 1
            unique = "%s_%d" % (name, count)
        self.values[unique] = value
        if note:
            self.notes[unique] = note
        self._by_value[key] = unique
        return "{{ %s }}" % unique

    def placeholder(self, name: str, note: str) -> str:
        """``{{ name }}`` for a random value standing for a secret the export cannot know."""
        reference = self.reference(name, secrets.token_urlsafe(18), note)
        self.placeholders.add(reference[3:-3])
        return reference


def replace_secrets(item: dict[str, Any], paths: tuple[str, ...], store: SecretStore, *hint: Any) -> None:
    """Replace, in place, every secret at ``paths`` of ``item`` by a variable reference."""
    for path in paths:
        _replace(item, path.split("."), store, [*hint, *[p for p in path.split(".") if p != "[]"]])


def _replace(node: Any, parts: list[str], store: SecretStore, hint: list[Any]) -> None:
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    if head == "[]":
        keys = list(range(len(node))) if isinstance(node, list) else list(node) if isinstance(node, dict) else []
        for key in keys:
            _replace_at(node, key, rest, store, [*hint, key])
    elif isinstance(node, dict) and head in node:
        _replace_at(node, head, rest, store, hint)


def _replace_at(container: Any, key: Any, rest: list[str], store: SecretStore, hint: list[Any]) -> None:
    value = container[key]
    if rest:
        _replace(value, rest, store, hint)
    elif isinstance(value, list):
        container[key] = [_secret(v, store, [*hint, i]) for i, v in enumerate(value)]
    elif isinstance(value, dict):
        container[key] = {k: _secret(v, store, [*hint, k]) for k, v in value.items()}
    else:
        container[key] = _secret(value, store, hint)


def _secret(value: Any, store: SecretStore, hint: list[Any]) -> Any:
    return secret_value(store, variable_name(*hint), value)


def secret_value(store: SecretStore, name: str, value: Any) -> Any:
    """What the export writes for the secret ``value``: a variable of ``store``, or the value itself when it is
    empty, a vault reference, an environment lookup or already a variable."""
    if value is None or value == "" or is_vault_reference(value) or is_reference(value) or isinstance(value, Template):
        return value
    return store.reference(name, value)


def is_reference(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{{ %s" % PREFIX) and value.endswith(" }}")
