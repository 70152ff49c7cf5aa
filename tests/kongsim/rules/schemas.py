"""Public entry point of the schema engine: `Schemas` loads Kong's JSON schemas and processes entities.

    schemas = Schemas()
    stored = schemas.process("services", {"url": "http://x.test/v1"}, op="insert")

`process` raises `SchemaError` (Kong's code 2 body: `.fields`, `.message`) on any violation.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import pathlib
import secrets
import time
import uuid
from typing import Any

from . import registry as custom
from .engine.errors import SchemaError
from .engine.fields import Ctx, Field, Hooks, validate_field
from .engine.records import (
    Generators,
    Record,
    apply_shorthands,
    handle_missing_field,
    merge_values,
    process_auto_fields,
    validate_record,
)
from .engine.values import MSG, NIL, jcopy
from .pem import certificate_digest
from .routes import route_subschemas
from .typedefs import format_target

__all__ = ["SchemaError", "Schemas", "random_string"]

DEFAULT_DATA_DIR = pathlib.Path(__file__).resolve().parent.parent / "data" / "schemas"
PLUGIN_NOT_ENABLED = "plugin '%s' not enabled; add it to the 'plugins' configuration property"
OPS = ("insert", "upsert", "update", "validate")


def random_string() -> str:
    """Kong's random_string: 24 random bytes, base64, with '+' and '/' replaced by alphanumerics."""
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    text = base64.b64encode(secrets.token_bytes(24)).decode()
    return "".join(secrets.choice(alnum) if c in "+/" else c for c in text)


class Schemas:
    """A Kong release's entity and plugin schemas (3.9.1's by default), compiled for validation and defaults.

    The raw schemas are what the schema endpoints serve: as a freshly started node of that release shows
    them, then annotated by validation as Kong does (rules/engine/fields.py `Field`).
    """

    def __init__(self, data_dir: pathlib.Path | None = None):
        self.data_dir = pathlib.Path(data_dir) if data_dir else DEFAULT_DATA_DIR
        self._hooks = Hooks(
            record=Record,
            validator_for=custom.validator_for,
            check_for=custom.check_for,
            reference=self._entity_or_none,
        )
        self.generators = Generators(uuid=lambda: str(uuid.uuid4()), random_string=random_string, now=time.time)
        self.restart()

    def restart(self) -> None:
        """Forget every annotation and installed plugin or vault: the schemas of a freshly started node."""
        self._raw_entities: dict[str, dict] = {}
        self._raw_plugins: dict[str, dict] = {}
        self._raw_vaults: dict[str, dict] = copy.deepcopy(custom.VAULT_SCHEMAS)
        for path in sorted(self.data_dir.glob("entity-*.json")):
            self._raw_entities[path.stem[len("entity-"):]] = json.loads(path.read_text())
        for path in sorted(self.data_dir.glob("plugin-*.json")):
            self._raw_plugins[path.stem[len("plugin-"):]] = json.loads(path.read_text())
        self._entities: dict[str, Record] = {}
        self._plugins: dict[str, Record] = {}

    # ------------------------------------------------------------------ raw schemas

    def entity_names(self) -> list[str]:
        return sorted(self._raw_entities)

    def plugin_names(self) -> list[str]:
        return sorted(self._raw_plugins)

    def raw_entity(self, name: str) -> dict:
        return self._raw_entities[name]

    def raw_plugin(self, name: str) -> dict:
        return self._raw_plugins[name]

    def add_plugin(self, name: str, raw: dict) -> None:
        """Install a plugin from the JSON ``GET /schemas/plugins/{name}`` answers (a custom plugin)."""
        self._raw_plugins[name] = copy.deepcopy(raw)
        self._plugins.pop(name, None)

    def add_vault(self, name: str, raw: dict) -> None:
        """Install a vault from the JSON ``GET /schemas/vaults/{name}`` answers."""
        self._raw_vaults[name] = copy.deepcopy(raw)
        self._entities.pop("vaults", None)

    def vault_names(self) -> list[str]:
        return sorted(self._raw_vaults)

    def raw_vault(self, name: str) -> dict:
        return self._raw_vaults[name]

    def entity_field(self, entity: str, field: str) -> dict | None:
        """The JSON definition of a top-level field of an entity (None when it has no such field)."""
        for item in self._raw_entities[entity].get("fields", []):
            if field in item:
                return item[field]
        return None

    def entity_fields(self, entity: str) -> list[tuple[str, dict]]:
        """(name, definition) of an entity's top-level fields, in schema order."""
        return [next(iter(item.items())) for item in self._raw_entities[entity].get("fields", [])]

    def field_error(self, entity: str, field: str, value: Any) -> Any:
        """Kong's validator message for one top-level field value (None when valid).

        This is what an endpoint key in a URL is checked with (error code 10 "invalid unique <field>").
        """
        fld = self._entity(entity).by_name.get(field)
        if fld is None:
            return "unknown field"
        return validate_field(fld, value, Ctx())

    def validate_field(self, entity: str, field: str, value: Any) -> Any:
        """Alias of `field_error` (Kong's `schema:validate_field` for one top-level field)."""
        return self.field_error(entity, field, value)

    def validate_primary_key(self, entity: str, value: Any) -> None:
        """What Kong's DAO does with a primary key before any read, update or delete by it: validate it
        (for the annotation it leaves on the served schema; the callers check UUIDs themselves)."""
        if entity in self._raw_entities:
            self.field_error(entity, "id", value)

    @staticmethod
    def plugin_protocols_error(plugin: dict, route: dict | None,
                               service_routes: list[dict] | None) -> SchemaError | None:
        """Kong's plugins DAO check of `protocols` against the scoped route, or the service's routes.

        Call it before `process` with the plugin input (after PATCH fields are completed from the stored
        plugin as Kong does), the referenced route (or None), and, for a service-scoped plugin without a
        route, the routes of that service.
        """
        protocols = plugin.get("protocols")
        if not isinstance(protocols, list):
            return None
        if isinstance(plugin.get("route"), dict):
            if route is not None and not set(protocols) & set(route.get("protocols") or []):
                return SchemaError({"protocols": "must match the associated route's protocols"})
        elif (isinstance(plugin.get("service"), dict) and service_routes
              and not any(set(protocols) & set(r.get("protocols") or []) for r in service_routes)):
            return SchemaError({
                "protocols": "must match the protocols of at least one route pointing to this Plugin's service",
            })
        return None

    # ------------------------------------------------------------------ compiled schemas

    def _entity_or_none(self, name: str) -> Record | None:
        if name not in self._raw_entities:
            return None
        return self._entity(name)

    def _entity(self, name: str) -> Record:
        rec = self._entities.get(name)
        if rec is None:
            # compiled over the very tables the schema endpoints serve: validation annotates them
            spec = dict(self._raw_entities[name])
            if name in custom.EXTRA_SHORTHANDS:
                spec["shorthand_fields"] = copy.deepcopy(custom.EXTRA_SHORTHANDS[name])
            rec = Record(spec, name, self._hooks, served=True)
            rec.shorthand_funcs = custom.SHORTHAND_FUNCS.get(name, {})
            rec.transformations = custom.TRANSFORMATIONS.get(name, [])
            if name == "routes":
                subs = route_subschemas(spec, self._hooks)
                rec.subschema_key = "protocols"
                rec.subschema_lookup = subs.get
            elif name == "vaults":
                vaults = {n: Record(copy.deepcopy(v), f"vault:{n}", self._hooks)
                          for n, v in self._raw_vaults.items()}
                rec.subschema_key = "name"
                rec.subschema_error = custom.VAULT_NOT_INSTALLED
                rec.subschema_lookup = vaults.get
            elif name == "plugins":
                rec.subschema_key = "name"
                rec.subschema_error = PLUGIN_NOT_ENABLED
                rec.subschema_lookup = self._plugin_or_none
            self._entities[name] = rec
        return rec

    def _plugin_or_none(self, name: str) -> Record | None:
        rec = self._plugins.get(name)
        if rec is None:
            if name not in self._raw_plugins:
                return None
            rec = Record(self._raw_plugins[name], f"plugin:{name}", self._hooks, served=True)
            self._plugins[name] = rec
        return rec

    # ------------------------------------------------------------------ processing

    def process(self, entity: str, data: Any, *, op: str, existing: dict | None = None,
                now: float | None = None) -> dict:
        """Validate `data` for `op` and return the complete entity Kong would store and answer with."""
        if op not in OPS:
            raise ValueError(f"unknown op {op!r}")
        rec = self._entity(entity)
        if isinstance(data, list):
            raise SchemaError({i: "unknown field" for i in range(1, len(data) + 1)})
        if not isinstance(data, dict):
            raise SchemaError({"@entity": ["expected an input table"]})
        ttl = NIL
        if entity in custom.TTL_ENTITIES and "ttl" in data:
            data = dict(data)
            ttl = data.pop("ttl")
        if entity in custom.TTL_ENTITIES and existing and "ttl" in existing:
            existing = {k: v for k, v in existing.items() if k != "ttl"}
        if entity == "targets" and isinstance(data.get("target"), str):
            formatted = format_target(data["target"])
            if formatted is None:
                raise SchemaError({"target": "Invalid target; not a valid hostname or ip address"})
            data = {**data, "target": formatted}
        if entity == "plugins" and op == "update" and "name" not in data and existing:
            data = {**data, "name": existing.get("name")}  # the Admin API reads the plugin type first
        if op == "upsert" and "id" not in data and existing and existing.get("id"):
            data = {**data, "id": existing["id"]}

        context = "insert" if op == "validate" else op
        processed = process_auto_fields(rec, data, context, now, self.generators)
        if op == "update":
            base = strip_mirrors(rec, existing or {})
            errors = _immutable_errors(rec, processed, base)
            if errors:
                raise SchemaError(errors)
            same_type = entity != "plugins" or processed.get("name") == base.get("name")
            merged = merge_values(rec, processed, base, complete=same_type)
            errors = validate_record(rec, merged, Ctx(updating=True), full_check=False,
                                     original=data, rbw=base)
            result = merged
        else:
            # the schema endpoints' validate works on a copy of the schema (Schema.new): no annotation
            ctx = Ctx(annotate=op != "validate")
            errors = validate_record(rec, processed, ctx, full_check=True, original=data)
            result = processed
        if errors:
            raise SchemaError(errors)
        result = select_output(rec, _transform(entity, result, data))
        if ttl is not NIL:
            result["ttl"] = ttl
        return result


# ---------------------------------------------------------------------- helpers


def _immutable_errors(rec: Record, data: dict, existing: dict) -> dict:
    errors = {}
    for key, fld in rec.each_field(data):
        if fld.immutable and key in data and existing.get(key) is not None and data[key] != existing[key]:
            errors[key] = MSG["IMMUTABLE"]
    return errors


def _transform(entity: str, data: dict, original: dict) -> dict:
    if entity == "basicauth_credentials":
        password = original.get("password")
        consumer = data.get("consumer")
        if isinstance(password, str) and isinstance(consumer, dict) and isinstance(consumer.get("id"), str):
            data["password"] = hashlib.sha1((password + consumer["id"]).encode("utf-8")).hexdigest()
    elif entity == "ca_certificates" and isinstance(data.get("cert"), str):
        digest = certificate_digest(data["cert"])
        if digest is not None:
            data["cert_digest"] = digest
    return data


def strip_mirrors(rec: Record, data: dict) -> dict:
    """A copy of a stored entity without the deprecated shorthand mirrors (Kong's hide_shorthands)."""
    out = dict(data)
    for sname, _sfield, sspec in rec.shorthands:
        if (sspec.get("deprecation") or {}).get("replaced_with"):
            out.pop(sname, None)
    for key, fld in rec.each_field(out):
        value = out.get(key)
        if fld.record is not None and isinstance(value, dict):
            out[key] = strip_mirrors(fld.record, value)
    return out


def select_output(rec: Record, data: dict) -> dict:
    """What a read returns: shorthands re-applied (and mirrored), every field present."""
    data = jcopy(data)
    _select(rec, data)
    return data


def _select(rec: Record, data: dict) -> None:
    if rec.shorthands:
        apply_shorthands(rec, data, select=True)
    for key, fld in rec.each_field(data):
        value = data.get(key, NIL)
        if value is NIL or (value is None and fld.required):
            value = handle_missing_field(fld, value)
            value = None if value is NIL else value
        if fld.type == "record" and fld.record is not None and isinstance(value, dict):
            _select(fld.record, value)
        elif fld.type == "integer" and isinstance(value, float) and value.is_integer():
            value = int(value)
        elif fld.type == "string" and value == "" and _len_min(fld) > 0:
            value = None
        data[key] = value


def _len_min(fld: Field) -> int:
    for name, arg in fld.validators:
        if name == "len_min":
            return int(arg)
    return 1
