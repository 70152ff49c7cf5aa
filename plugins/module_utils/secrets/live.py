# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secret paths read from the Kong being managed: ``GET /schemas/plugins/{name}`` and ``/schemas/vaults/{name}``.

A plugin (or vault) a task touches is masked by what that Kong's schema marks ``encrypted`` or
``referenceable``, so custom and newer plugins are covered. Each schema is read once per task (one
``LiveSecrets`` per client; a kong_entities task or a listing shares it across items) and kept for the
life of the process: the whole run when tasks run in the controller, one task in a module process. When
the schema cannot be read, the list generated from Kong 3.9's bundled plugins is used, with a warning.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterable

from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.api.schemas import live_schema
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import values_at
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.generated import PLUGIN_SECRET_PATHS
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.schema import schema_secret_paths

KINDS = {"plugins": "plugin", "vaults": "vault"}  # collection -> schema kind; the entity's ``name`` picks the schema
_CACHE: dict[tuple[str, str, str], tuple[str, ...]] = {}  # (admin URL, kind, name) -> paths, for the process
_LOCK = threading.Lock()


def fallback_paths(kind: str, name: str) -> tuple[str, ...]:
    return tuple(PLUGIN_SECRET_PATHS.get(name, ())) if kind == "plugin" else ()


class LiveSecrets:
    """The secret paths of the plugins and vaults one task touches, read from ``client``'s Kong."""

    def __init__(self, client: Any, warn: Callable[[str], None] | None = None) -> None:
        self.client = client
        self.warn = warn or (lambda message: None)
        self.warned: set[tuple[str, str]] = set()

    @classmethod
    def of(cls, client: Any, warn: Callable[[str], None] | None = None) -> LiveSecrets:
        """The one instance of a task's client (items of a kong_entities task share their client)."""
        with _LOCK:
            found = getattr(client, "_live_secrets", None)
            if found is None:
                found = cls(client, warn)
                client._live_secrets = found
            return found

    def paths(self, kind: str, name: str) -> tuple[str, ...]:
        key = (str(getattr(self.client, "base_url", "")), kind, name)
        with _LOCK:
            cached = _CACHE.get(key)
            if cached is not None:
                return cached
        try:
            schema = live_schema(self.client, kind, name)
        except KongError as exc:
            if (kind, name) not in self.warned:
                self.warned.add((kind, name))
                self.warn(
                    "could not read the schema of %s '%s' from Kong (%s); masking the secret fields "
                    "known for Kong 3.9 instead" % (kind, name, exc.describe())
                )
            return fallback_paths(kind, name)
        if schema is None:  # an unknown plugin needs no warning: Kong refuses it, naming it
            return fallback_paths(kind, name)
        paths = schema_secret_paths(schema)
        with _LOCK:
            _CACHE[key] = paths
        return paths

    def entity_paths(self, collection: str, names: Iterable[Any]) -> tuple[str, ...]:
        """Secret paths of entities of ``collection`` whose ``name`` is among ``names``."""
        kind = KINDS.get(collection)
        if kind is None:
            return ()
        wanted = sorted({n for n in names if isinstance(n, str) and n})
        return tuple(path for name in wanted for path in self.paths(kind, name))


def schema_names(params: Any, entity: Any = None) -> list[Any]:
    """The plugin (vault) names a task's options and the entity found name."""
    return [v.get("name") for v in (params, entity) if isinstance(v, dict)]


def static_paths(spec: Any) -> tuple[str, ...]:
    """The spec's own secret fields and paths, without the generated plugin list."""
    return tuple(name for name, f in spec.fields.items() if f.secret) + tuple(spec.secret_paths)


def masked_paths(client: Any, spec: Any, params: Any, entity: Any = None, warn: Any = None) -> tuple[str, ...]:
    """What to mask in an entity of ``spec``: its secret fields, plus the live schema's for plugins and vaults."""
    if spec.collection not in KINDS:
        return spec.masked_paths(params, entity)
    live = LiveSecrets.of(client, warn).entity_paths(spec.collection, schema_names(params, entity))
    return static_paths(spec) + live


def live_secret_values(client: Any, spec: Any, params: Any, entity: Any = None, warn: Any = None) -> list[str]:
    """The secret values in a task's options (to register as no_log values)."""
    if spec.collection not in KINDS or not isinstance(params, dict):
        return []
    return values_at(params, masked_paths(client, spec, params, entity, warn))
