"""What the simulator knows about each Kong entity: names, keys and references."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "schemas"


@dataclass
class Foreign:
    field: str
    parent: str
    cascade: bool


@dataclass
class EntityDef:
    name: str                          # DAO / schema name, e.g. keyauth_credentials
    admin_name: str                    # collection path segment, e.g. key-auths
    nested_name: str                   # segment under a parent, e.g. key-auth
    endpoint_key: str | None
    cache_key: tuple[str, ...] = ()    # composite uniqueness (plugins, acls, targets, keys)
    ttl: bool = False
    fields: list[str] = field(default_factory=list)
    unique: list[str] = field(default_factory=list)
    foreign: list[Foreign] = field(default_factory=list)
    has_tags: bool = False
    schema: dict[str, Any] = field(default_factory=dict)

    def fk(self, name: str) -> Foreign | None:
        for f in self.foreign:
            if f.field == name:
                return f
        return None


# name: (admin_name, nested_name, endpoint_key, cache_key, ttl)
_TABLE: dict[str, tuple[str, str | None, str | None, tuple[str, ...], bool]] = {
    "services": ("services", None, "name", (), False),
    "routes": ("routes", None, "name", (), False),
    "consumers": ("consumers", None, "username", (), False),
    "plugins": ("plugins", None, "instance_name", ("name", "route", "service", "consumer"), False),
    "upstreams": ("upstreams", None, "name", (), False),
    "targets": ("targets", None, "target", ("upstream", "target"), False),
    "certificates": ("certificates", None, None, (), False),
    "snis": ("snis", None, "name", (), False),
    "ca_certificates": ("ca_certificates", None, None, (), False),
    "vaults": ("vaults", None, "prefix", (), False),
    "key_sets": ("key-sets", None, "name", (), False),
    "keys": ("keys", None, "name", ("kid", "set"), False),
    "keyauth_credentials": ("key-auths", "key-auth", "key", (), True),
    "basicauth_credentials": ("basic-auths", "basic-auth", "username", (), False),
    "acls": ("acls", None, None, ("consumer", "group"), False),
    "jwt_secrets": ("jwts", "jwt", "key", (), False),
    "hmacauth_credentials": ("hmac-auths", "hmac-auth", "username", (), False),
    "oauth2_credentials": ("oauth2", None, "client_id", (), False),
    "oauth2_tokens": ("oauth2_tokens", None, "access_token", (), True),
}

# Deletion order for reset and for deciding cascades: children before parents.
ENTITY_NAMES: tuple[str, ...] = tuple(_TABLE)
# generated endpoints OSS has before 3.7 only (versions.lists_workspaces)
WORKSPACES = ("workspaces", None, "name", (), False)


def _load(name: str, schema_dir: Path) -> EntityDef:
    admin, nested, ekey, cache_key, ttl = WORKSPACES if name == "workspaces" else _TABLE[name]
    schema = json.loads((schema_dir / f"entity-{name}.json").read_text())
    ent = EntityDef(name=name, admin_name=admin, nested_name=nested or admin, endpoint_key=ekey,
                    cache_key=cache_key, ttl=ttl, schema=schema)
    for item in schema["fields"]:
        ((fname, spec),) = item.items()
        ent.fields.append(fname)
        if spec.get("type") == "foreign":
            ent.foreign.append(Foreign(fname, spec["reference"], spec.get("on_delete") == "cascade"))
        if spec.get("unique"):
            ent.unique.append(fname)
        if fname == "tags":
            ent.has_tags = True
    return ent


def load_entities(schema_dir: Path = SCHEMA_DIR, workspaces: bool = False) -> dict[str, EntityDef]:
    """The entities of the Kong release whose schemas are in `schema_dir` (3.9.1's by default);
    `workspaces`: with the workspaces entity (its Admin API exists before Kong 3.7)."""
    names = (*ENTITY_NAMES, "workspaces") if workspaces else ENTITY_NAMES
    return {name: _load(name, schema_dir) for name in names}


def children_of(entities: dict[str, EntityDef], parent: str) -> list[tuple[EntityDef, Foreign]]:
    """Every (child entity, foreign field) that references `parent`."""
    out = []
    for ent in entities.values():
        for fk in ent.foreign:
            if fk.parent == parent:
                out.append((ent, fk))
    return out
