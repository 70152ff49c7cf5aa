# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: what an export is made from, a live Kong or a decK state file.

Either way the result is the same: the items of each entity type, the entities as Kong lists them (for
the role's variables) and how to read Kong's schemas, if there is a Kong. Internal: may change without notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.entity.engine import validate_connection
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import error_details
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_file import DeckError, read_state
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_reader import DeckItemBuilder, DeckReader
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_state import DeckState
from ansible_collections.aigateway.kong.plugins.module_utils.export.entities import ItemBuilder, KongReader, sort_key
from ansible_collections.aigateway.kong.plugins.module_utils.export.secrets import SecretStore

HASHED = ("Kong keeps only a salted hash of basic-auth passwords, which cannot be read back: %s got a placeholder "
          "password in %s (set the real ones; the playbook sets a password only when it creates the credential)")
FILE_HASHED = ("the file holds basic-auth passwords as hashes (_info.skip_hash_for_basic_auth): %s got a placeholder "
               "password in %s (set the real ones; the playbook sets a password only when it creates the credential)")


@dataclass
class Source:
    name: str  # the Admin API's URL or the file's path
    origin: str  # the name with the version: "http://kong:8001 (Kong 3.9.1)"
    items: dict[str, list[dict[str, Any]]]
    rows: dict[str, list[dict[str, Any]]]
    placeholders: str  # the note naming the basic-auth placeholders ("" when none)
    schema: Callable[[str], Any] | None = None  # GET /schemas/{path}: None without a Kong
    workspace: str | None = None
    owned_tags: list[str] = field(default_factory=list)  # tags decK adds to every entity (_info.select_tags)


class Failure(Exception):
    """The export's failed result."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result.get("msg"))
        self.result = result


def items_of(builder: ItemBuilder, reader: KongReader, collections: list[str]) -> dict[str, list[dict[str, Any]]]:
    return {
        c: sorted((builder.item(ENTITIES[c], row) for row in reader.rows[c]), key=sort_key)
        for c in collections
        if c in reader.rows
    }


def placeholder_note(template: str, builder: ItemBuilder, secrets_file: str) -> str:
    return template % (", ".join(builder.placeholders), secrets_file) if builder.placeholders else ""


def from_kong(params: dict[str, Any], collections: list[str], store: SecretStore, note: Callable[[str], None],
              warn: Callable[[str], None], secrets_file: str) -> Source:
    client = KongClient.from_params(params, warn=warn)
    tags = list(params.get("select_tags") or [])
    try:
        validate_connection(params)
        root = client.root()
        reader = KongReader(client, tags, note)
        for collection in collections:
            reader.read(collection)
        if reader.missing and params.get("entities"):
            raise Failure({"msg": "Kong at %s has no %s" % (client.shown_base, ", ".join(reader.missing))})
        for collection in reader.missing:
            note("Kong has no %s (not exported)" % collection)
        builder = ItemBuilder(reader, store, note)
        items = items_of(builder, reader, collections)
    except KongError as exc:
        raise Failure(dict(msg=exc.describe("read Kong for the export"), **error_details(exc))) from None
    if (root.get("configuration") or {}).get("database") == "off":
        note("Kong at %s runs DB-less: converge the export into a Kong with a database" % client.shown_base)

    def schema(path: str) -> Any:
        try:
            return client.get_or_none("/schemas/" + path)
        except KongError as exc:
            raise Failure(dict(msg=exc.describe("read Kong's schemas"), **error_details(exc))) from None

    origin = "%s (Kong %s)" % (client.shown_base, root.get("version"))
    return Source(client.shown_base, origin, items, reader.rows, placeholder_note(HASHED, builder, secrets_file),
                  schema)


def from_deck(params: dict[str, Any], collections: list[str], store: SecretStore, note: Callable[[str], None],
              secrets_file: str) -> Source:
    path = params["src"]
    try:
        state = DeckState(read_state(path), note).build()
        reader = DeckReader(state, collections, list(params.get("select_tags") or []), note)
        builder = DeckItemBuilder(reader, store, note)
        items = items_of(builder, reader, collections)
    except DeckError as exc:
        raise Failure({"msg": str(exc)}) from None
    tags = state.info.get("select_tags") or []
    origin = "the decK state file %s (format %s)" % (path, state.version)
    return Source(path, origin, items, reader.rows, placeholder_note(FILE_HASHED, builder, secrets_file),
                  workspace=state.workspace, owned_tags=[str(t) for t in tags])
