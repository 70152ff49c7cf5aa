# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``remove_values`` with the same output, in time linear in the size of the result.

Ansible's ``remove_values`` tries every secret on every string, so a task result holding a thousand
credentials with a thousand keys costs a million replacements. Here each subtree of the result is
searched once for the secrets it can contain (an index of their first characters), and
``remove_values`` runs only on the subtrees that hold one, with only those secrets. The output is the
same: a secret that does not occur in a string, and has no ``*`` in it, is never changed into one
by the replacements (they only insert ``********``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ansible.module_utils.common.parameters import remove_values

PREFIX = 4  # characters of each secret in the index


class SecretIndex:
    """Finds which of ``secrets`` occur in a text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = sorted(set(secrets))
        self.width = min([PREFIX, *(len(s) for s in self.secrets)])
        self.by_prefix: dict[str, list[str]] = {}
        for secret in self.secrets:
            self.by_prefix.setdefault(secret[: self.width], []).append(secret)
        self.starred = [s for s in self.secrets if "*" in s]
        # a result repeats its strings (the entity, its diff and the item name the same values): each once
        self._seen: dict[str, frozenset[str]] = {}

    def found_in(self, text: str) -> frozenset[str]:
        found = self._seen.get(text)
        if found is None:
            width = self.width
            prefixes = {text[i : i + width] for i in range(len(text) - width + 1)} & self.by_prefix.keys()
            hits = {s for prefix in prefixes for s in self.by_prefix[prefix] if s in text}
            found = self._seen[text] = frozenset(hits.union(self.starred) if hits else hits)
        return found


def _texts(value: Any) -> Iterator[str]:
    """Every string ``remove_values`` would look at (values, not keys; numbers as it formats them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)


def _mask(value: Any, index: SecretIndex) -> Any:
    if isinstance(value, (dict, Mapping)):
        return {key: _mask(item, index) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask(item, index) for item in value]
    found = index.found_in(value if isinstance(value, str) else "\0".join(_texts(value)))
    return remove_values(value, found) if found else value


def mask_secrets(value: Any, secrets: Iterable[Any]) -> Any:
    """What ``remove_values(value, secrets)`` returns, for JSON-like ``value`` (dicts, lists, strings, numbers,
    booleans). Containers holding no secret may be returned as they are, not copied."""
    texts = [str(s) for s in secrets]
    if not texts:
        return value
    if "" in texts or any("\0" in s for s in texts) or not isinstance(value, (Mapping, list, tuple)):
        return remove_values(value, texts)
    return _mask(value, SecretIndex(texts))
