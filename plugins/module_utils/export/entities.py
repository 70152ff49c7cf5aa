# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: read Kong and turn each entity into the options of its module, references by name.

Every field an entity's spec declares is exported as Kong holds it (nulls left out; a service as
protocol, host, port and path), so the items converge an empty Kong to the same entities. A
reference names the referenced entity (its name, username or first SNI); an entity without such a
name is exported with its ``id``, and references to it use the id. Internal: may change without notice.
"""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.api.client import quote_key
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongAPIError
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import RECORD, REF, ref_id
from ansible_collections.aigateway.kong.plugins.module_utils.entity.listing import list_all
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import (
    CREDENTIAL_TYPES,
    ENTITIES,
    MANAGED,
    EntitySpec,
    Field,
)
from ansible_collections.aigateway.kong.plugins.module_utils.export.secrets import (
    SecretStore,
    replace_secrets,
    secret_paths,
    variable_name,
)

# the entity types kong_entities manages (credential types by their collection)
EXPORTABLE = tuple(MANAGED)
SORT_KEYS = ("name", "username", "instance_name", "target", "group", "key", "snis", "custom_id", "id")


def drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def identity_value(spec: EntitySpec, entity: dict[str, Any]) -> Any:
    """The name by which the entity's module finds it and references name it (None: only its id)."""
    for name in spec.identity:
        value = entity.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value not in (None, "") and not spec.fields[name].secret:
            return value
    return None


class KongReader:
    """The entities of the exported types, as Kong lists them, and names for their references."""

    def __init__(self, client: Any, tags: list[str], warn: Callable[[str], None]) -> None:
        self.client = client
        self.tags = tags
        self.warn = warn
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.missing: list[str] = []  # types Kong does not have
        self._by_id: dict[tuple[str, str], dict[str, Any] | None] = {}

    def read(self, collection: str) -> None:
        try:
            rows = list_all(self.client, ENTITIES[collection], self.tags)
        except KongAPIError as exc:
            if exc.status != 404:
                raise
            self.missing.append(collection)
            return
        self.rows[collection] = rows
        for row in rows:
            self._by_id[(collection, row["id"])] = row

    def entity(self, collection: str, entity_id: str) -> dict[str, Any] | None:
        """An entity by id: from the listings, else from Kong (a reference to an entity not exported)."""
        key = (collection, entity_id)
        if key not in self._by_id:
            self._by_id[key] = self.client.get_or_none("/%s/%s" % (collection, quote_key(entity_id)))
        return self._by_id[key]

    @staticmethod
    def unknown_reference(what: str, collection: str, entity_id: str) -> str:
        return "%s refers to %s %s, which Kong does not have; exported by id" % (what, collection, entity_id)

    def reference(self, collection: str, value: Any, what: str) -> Any:
        """The name (else the id) of the entity ``value`` (``{"id": ...}``) points to."""
        entity_id = ref_id(value)
        if entity_id is None:
            return None
        target = self.entity(collection, entity_id)
        if target is None:
            self.warn(self.unknown_reference(what, collection, entity_id))
            return entity_id
        name = identity_value(ENTITIES[collection], target) or entity_id
        if collection not in self.rows or all(r["id"] != entity_id for r in self.rows[collection]):
            self.warn(
                "%s refers to %s '%s', which is not exported (not selected by the tags or the entity types); "
                "the export needs it to exist already" % (what, collection, name)
            )
        return name


class ItemBuilder:
    """Kong entities -> kong_entities items; secrets replaced by variables of ``store``."""

    def __init__(self, reader: KongReader, store: SecretStore, warn: Callable[[str], None]) -> None:
        self.reader = reader
        self.store = store
        self.warn = warn
        self.placeholders: list[str] = []

    def label(self, spec: EntitySpec, entity: dict[str, Any]) -> str:
        name = identity_value(spec, entity) or entity.get("name")
        return "%s '%s'" % (spec.name, name) if name else "%s %s" % (spec.name, entity["id"])

    def item(self, spec: EntitySpec, entity: dict[str, Any]) -> dict[str, Any]:
        what = self.label(spec, entity)
        item: dict[str, Any] = {}
        if spec.parent is not None:
            item[spec.parent.option] = self.reader.reference(
                spec.parent.collection, entity.get(spec.parent.option), what
            )
        for name, field in spec.fields.items():
            value = entity.get(name)
            if value is None or not self.exported(field):
                continue
            if field.kind == REF:
                value = self.reader.reference(field.ref or "", value, what)
            elif field.kind == RECORD:
                value = drop_nulls(value)
            item[name] = value
        if self.needs_id(spec, entity, item):
            item["id"] = entity["id"]
        exported = {r["id"] for r in self.reader.rows.get("ca_certificates") or []}
        if spec.collection == "services" and set(entity.get("ca_certificates") or ()) - exported:
            self.warn("%s: ca_certificates holds ids of CA certificates the export does not create" % what)
        hint = self.secret_hint(spec, entity, item)
        if spec.collection == "basic-auths":
            self.basic_auth_password(item, what, hint)
        replace_secrets(item, secret_paths(spec, entity), self.store, *hint)
        return item

    @staticmethod
    def exported(field: Field) -> bool:
        """Whether a field Kong holds is exported (a create-only one is not: Kong does not return it as sent)."""
        return not field.create_only

    def needs_id(self, spec: EntitySpec, entity: dict[str, Any], item: dict[str, Any]) -> bool:
        """Whether the item names the entity by id: it has no other name, or shares its certificate."""
        return identity_value(spec, entity) is None or self.shares_cert(spec, entity)

    def shares_cert(self, spec: EntitySpec, entity: dict[str, Any]) -> bool:
        """A certificate whose PEM another one holds too: the module would find one for the other by its cert,
        so both are exported with their ids."""
        if spec.collection != "certificates" or not isinstance(entity.get("cert"), str):
            return False
        pem = entity["cert"].strip()
        rows = self.reader.rows.get("certificates") or []
        return sum(1 for r in rows if isinstance(r.get("cert"), str) and r["cert"].strip() == pem) > 1

    @staticmethod
    def secret_hint(spec: EntitySpec, entity: dict[str, Any], item: dict[str, Any]) -> list[Any]:
        """What the names of the entity's secret variables start with: its type, owner and name."""
        if spec.collection == "plugins":
            owner = item.get("route") or item.get("service") or item.get("consumer") or "global"
            return [item.get("instance_name") or "%s_%s" % (owner, entity.get("name"))]
        hint: list[Any] = [CREDENTIAL_TYPES.get(spec.collection, spec.name)]
        if spec.parent is not None:
            hint.append(item.get(spec.parent.option))
        hint.append(identity_value(spec, entity) or (entity["id"][:8] if "id" in item else None))
        return hint

    def basic_auth_password(self, item: dict[str, Any], what: str, hint: list[Any]) -> None:
        """Kong keeps only a salted hash: a placeholder variable, applied only when the credential is created."""
        note = "PLACEHOLDER: Kong stores only a hash of this password; set the real one"
        item["password"] = self.store.placeholder(variable_name(*hint, "password"), note)
        item["update_password"] = "on_create"
        self.placeholders.append(what)


def sort_key(item: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(item.get(k) if not isinstance(item.get(k), list) else ",".join(item[k])) for k in SORT_KEYS)
