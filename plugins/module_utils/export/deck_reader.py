# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: a decK state file in place of Kong, for the same items as a live export.

``DeckReader`` answers as ``KongReader`` does, from the file's entities. ``DeckItemBuilder`` differs from
the live export where the file knows more than Kong tells: an item keeps the ``id`` the file gives (decK
creates the entity with it) and gets one only when its module has no other way to find it; create-only
fields (a key's ``ttl``, a service ``url`` read from the environment) are kept; a basic-auth password is the
real one, a secret like any other, unless the file holds hashes (``_info.skip_hash_for_basic_auth``).
Internal: may change without notice.
"""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.entity.listing import has_all_tags
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import EntitySpec, Field
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_state import DeckState
from ansible_collections.aigateway.kong.plugins.module_utils.export.entities import ItemBuilder, KongReader
from ansible_collections.aigateway.kong.plugins.module_utils.export.secrets import SecretStore


class DeckReader(KongReader):
    """The file's entities of ``collections`` carrying all ``tags``; references resolve against the whole file."""

    def __init__(self, state: DeckState, collections: list[str], tags: list[str], warn: Callable[[str], None]) -> None:
        super().__init__(None, tags, warn)
        self.state = state
        self.rows = {c: [r for r in state.rows[c] if has_all_tags(r, tags)] for c in collections}
        self._by_id = {(c, r["id"]): r for c, rows in state.rows.items() for r in rows}

    def entity(self, collection: str, entity_id: str) -> dict[str, Any] | None:
        return self._by_id.get((collection, entity_id))

    @staticmethod
    def unknown_reference(what: str, collection: str, entity_id: str) -> str:
        return ("%s refers to %s '%s', which the file does not define; it must exist where the export is converged"
                % (what, collection, entity_id))


class DeckItemBuilder(ItemBuilder):
    """Items for the entities of a decK state file."""

    def __init__(self, reader: DeckReader, store: SecretStore, warn: Callable[[str], None]) -> None:
        super().__init__(reader, store, warn)
        self.state = reader.state

    @staticmethod
    def exported(field: Field) -> bool:
        return True

    def needs_id(self, spec: EntitySpec, entity: dict[str, Any], item: dict[str, Any]) -> bool:
        if entity["id"] in self.state.given_ids:
            return True
        groups = spec.rules.get("required_one_of") or ()
        if self.shares_cert(spec, entity) or any(
                all(item.get(name) in (None, "", []) for name in group if name != "id") for group in groups):
            self.warn("%s: the modules need an id to find it and the file gives none: exported with an id derived "
                      "from the file, which a Kong synced by decK does not know (converging there creates it again; "
                      "give it an id in the file)" % self.label(spec, entity))
            return True
        return False

    def basic_auth_password(self, item: dict[str, Any], what: str, hint: list[Any]) -> None:
        if self.state.hashed_passwords:
            super().basic_auth_password(item, what, hint)
