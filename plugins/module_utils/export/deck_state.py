# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: the entities of a decK state file as Kong lists them after ``deck sync``.

Nested forms (routes and plugins under services, credentials under consumers, ...) and flat ones become
one listing per entity type, references as ``{"id": ...}``, as the live export reads them from Kong;
decK's ``_info.select_tags`` and ``_info.defaults``, ``_plugin_configs`` and service ``url`` are applied
as decK applies them. An entity without an ``id`` gets one derived from its content, so that exporting
the same file again writes the same files. What the collection cannot express is noted, never dropped
silently; bad input raises ``DeckError``. Internal: may change without notice.
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import REF
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES, EntitySpec
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_file import DeckDocument, DeckError
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_paths import finish_routes
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_terms import (
    BOOKKEEPING,
    DEFAULTS,
    META,
    NAMES,
    NESTED,
    NOT_EXPRESSIBLE,
    TOP_LEVEL,
    UUID,
)
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_values import expand_url, merge_config

NAMESPACE = uuid.UUID("5f1c8a52-3a44-4bd6-9a57-2c6f0d8e7b10")  # ids derived for entities the file gives none


@dataclass
class Pending:
    """One entity of the file while its references are resolved."""

    collection: str
    where: str  # its key in the file: services[0].routes[1]
    row: dict[str, Any]
    refs: dict[str, Any] = field(default_factory=dict)  # field -> the file's reference
    parent: tuple[str, Pending] | None = None  # (field, parent) of a nested entity


def link_field(spec: EntitySpec, parent: str) -> str:
    """The field of an entity of ``spec`` that names its parent of collection ``parent``."""
    if spec.parent is not None and spec.parent.collection == parent:
        return spec.parent.option
    return next(name for name, f in spec.fields.items() if f.kind == REF and f.ref == parent)


class DeckState:
    """Reads a ``DeckDocument`` into ``rows`` (collection -> entities)."""

    def __init__(self, document: DeckDocument, note: Callable[[str], None]) -> None:
        self.path = document.path
        self.version = document.format_version
        self.content = document.content
        self.note = note
        self.info = self.mapping(self.content.get("_info"), "_info")
        self.pending: list[Pending] = []
        self.rows: dict[str, list[dict[str, Any]]] = {c: [] for c in ENTITIES}
        self.given_ids: set[str] = set()
        self.hashed_passwords = bool(self.info.get("skip_hash_for_basic_auth"))
        self.workspace = self.content.get("_workspace") or None

    def fail(self, key: str, problem: str) -> DeckError:
        return DeckError(self.path, key, problem)

    def mapping(self, value: Any, key: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "not a mapping")
        return value

    # -- reading -------------------------------------------------------------------------------------

    def build(self) -> DeckState:
        if self.content.get("_transform") is False:
            raise self.fail("_transform", "false is not supported by decK")
        if self.content.get("_konnect"):
            self.note("_konnect: Konnect control plane settings do not apply; the playbook converges a Kong Gateway")
        for key, value in self.content.items():
            if key in TOP_LEVEL:
                self.walk(TOP_LEVEL[key], value, key, None)
            elif key in NOT_EXPRESSIBLE:
                self.note("%s: %s cannot be expressed by the collection; not exported" % (key, NOT_EXPRESSIBLE[key]))
            elif key not in META:
                self.note("%s: not a key of decK state files; ignored" % key)
        self.assign_ids()
        self.resolve()
        for entity in self.pending:
            self.rows[entity.collection].append(entity.row)
        self.apply_info()
        finish_routes(self.rows["routes"], self.version, self.note)
        return self

    def walk(self, collection: str, items: Any, key: str, parent: Pending | None) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            raise self.fail(key, "not a list")
        for index, raw in enumerate(items):
            where = "%s[%d]" % (key, index)
            if collection == "snis" and isinstance(raw, str):
                raw = {"name": raw}
            if not isinstance(raw, dict):
                raise self.fail(where, "not a mapping")
            self.entity(collection, dict(raw), where, parent)

    def entity(self, collection: str, raw: dict[str, Any], where: str, parent: Pending | None) -> None:
        spec = ENTITIES[collection]
        nested = {key: raw.pop(key) for key in list(raw) if key in NESTED.get(collection, {})}
        for key in [k for k in raw if k in NOT_EXPRESSIBLE]:
            raw.pop(key)
            self.note("%s.%s: %s cannot be expressed by the collection; not exported"
                      % (where, key, NOT_EXPRESSIBLE[key]))
        if raw.get("consumer_group") is not None:
            self.note("%s: a plugin scoped to a consumer group cannot be expressed by the collection; not exported"
                      % where)
            return
        if collection == "plugins" and raw.get("_config") is not None:
            raw["config"] = merge_config(raw.get("config"), self.plugin_config(raw.pop("_config"), where))
        if collection == "services" and raw.get("url") is not None:
            expand_url(raw, where, self.fail)
        entity = Pending(collection, where, {})
        if parent is not None:
            name = link_field(spec, parent.collection)
            if raw.pop(name, None) is not None and collection == "plugins":
                raise self.fail("%s.%s" % (where, name), "a plugin nested under a %s cannot name one (decK refuses it)"
                                % ENTITIES[parent.collection].name)
            entity.parent = (name, parent)
        for name, value in raw.items():
            if name == "id":
                if not isinstance(value, str) or not value:
                    raise self.fail(where + ".id", "not a string")
                entity.row["id"] = value
            elif name in BOOKKEEPING or value is None:
                continue
            elif self.is_reference(spec, name):
                entity.refs[name] = value
            elif name in spec.fields:
                entity.row[name] = copy.deepcopy(value)
            else:
                self.note("%s.%s: not a field the collection manages for %ss; not exported" % (where, name, spec.name))
        if collection == "certificates":
            snis = nested.get("snis") or []
            entity.row["snis"] = [s if isinstance(s, str) else (s or {}).get("name") for s in snis]
        self.pending.append(entity)
        for key, children in nested.items():
            self.walk(NESTED[collection][key], children, "%s.%s" % (where, key), entity)

    @staticmethod
    def is_reference(spec: EntitySpec, name: str) -> bool:
        if spec.parent is not None and name == spec.parent.option:
            return True
        return name in spec.fields and spec.fields[name].kind == REF

    def plugin_config(self, name: Any, where: str) -> dict[str, Any]:
        configs = self.mapping(self.content.get("_plugin_configs"), "_plugin_configs")
        if not isinstance(name, str) or name not in configs:
            raise self.fail(where + "._config", "no _plugin_configs entry %r" % (name,))
        return self.mapping(configs[name], "_plugin_configs." + name)

    # -- ids and references ----------------------------------------------------------------------------

    def assign_ids(self) -> None:
        seen: dict[str, str] = {}
        for entity in self.pending:
            given = entity.row.get("id")
            if given is not None:
                if given in seen:
                    raise self.fail(entity.where + ".id", "id %s is also the id of %s" % (given, seen[given]))
                self.given_ids.add(given)
            else:
                parent = entity.parent[1].row.get("id") if entity.parent else ""
                text = json.dumps([entity.collection, entity.row, parent, sorted(map(str, entity.refs.items()))],
                                  sort_keys=True, default=str)
                given = str(uuid.uuid5(NAMESPACE, text))
                while given in seen:
                    given = str(uuid.uuid5(NAMESPACE, given))
                entity.row = {"id": given, **entity.row}
            seen[given] = entity.where
        self.index: dict[tuple[str, str], Pending] = {}
        for entity in self.pending:
            self.index[(entity.collection, entity.row["id"])] = entity
            for name in NAMES.get(entity.collection, ()):
                value = entity.row.get(name)
                if not isinstance(value, str):
                    continue
                other = self.index.get((entity.collection, value))
                if other is not None and other is not entity:
                    raise self.fail("%s.%s" % (entity.where, name), "%s '%s' is also defined at %s"
                                    % (ENTITIES[entity.collection].name, value, other.where))
                self.index[(entity.collection, value)] = entity

    def resolve(self) -> None:
        lookup = self.mapping(self.info.get("default_lookup_tags"), "_info.default_lookup_tags")
        for entity in self.pending:
            spec = ENTITIES[entity.collection]
            if entity.parent is not None:
                name, parent = entity.parent
                entity.row[name] = {"id": parent.row["id"]}
            for name, value in entity.refs.items():
                target = spec.fields[name].ref if name in spec.fields else spec.parent.collection  # type: ignore[union-attr]
                entity.row[name] = self.reference(str(target), value, "%s.%s" % (entity.where, name), lookup)

    def reference(self, collection: str, value: Any, where: str, lookup: dict[str, Any]) -> dict[str, str]:
        if isinstance(value, dict):
            keys = [k for k in ("id", *NAMES.get(collection, ())) if isinstance(value.get(k), str)]
            if not keys:
                raise self.fail(where, "names no %s (by id%s)" % (ENTITIES[collection].name, "".join(
                    " or " + n for n in NAMES.get(collection, ()))))
            value = value[keys[0]]
        if not isinstance(value, str) or not value:
            raise self.fail(where, "not a reference to a %s" % ENTITIES[collection].name)
        found = self.index.get((collection, value))
        if found is not None:
            return {"id": found.row["id"]}
        if UUID.match(value) or collection in lookup:  # defined outside the file: the notes name it
            return {"id": value}
        raise self.fail(where, "unknown %s '%s'" % (ENTITIES[collection].name, value))

    # -- what decK adds --------------------------------------------------------------------------------

    def apply_info(self) -> None:
        defaults = self.mapping(self.info.get("defaults"), "_info.defaults")
        for key, values in defaults.items():
            collection = DEFAULTS.get(key)
            if collection is None:
                self.note("_info.defaults.%s: decK has no defaults for %s; ignored" % (key, key))
                continue
            spec = ENTITIES[collection]
            for name, value in self.mapping(values, "_info.defaults." + key).items():
                if name not in spec.fields or spec.fields[name].kind == REF:
                    self.note("_info.defaults.%s.%s: not a field the collection manages; not exported" % (key, name))
                    continue
                for row in self.rows[collection]:
                    row.setdefault(name, copy.deepcopy(value))
        tags = self.info.get("select_tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise self.fail("_info.select_tags", "not a list of tags")
        for rows in self.rows.values():
            for row in rows:
                row["tags"] = list(row.get("tags") or []) + [t for t in tags if t not in (row.get("tags") or [])]
                if not row["tags"]:
                    del row["tags"]
