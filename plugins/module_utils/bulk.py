# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many entities of one type in one task: each item runs the single-entity engine, reads come from one listing.

Every item is checked against the argument spec and rules of the matching single-entity module, then
runs ``Engine.run()`` exactly as that module would (check mode, diff, masking, errors); only the reads
are served by ``SnapshotClient``. Items run in order; a failed item does not stop the others (like a
loop), and the task fails at the end naming every failed item.
"""

from __future__ import annotations

from typing import Any, Callable

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible_collections.aigateway.kong.plugins.module_utils.argspec import connection_argument_spec
from ansible_collections.aigateway.kong.plugins.module_utils.bulk_snapshot import SnapshotClient
from ansible_collections.aigateway.kong.plugins.module_utils.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.compare import values_at
from ansible_collections.aigateway.kong.plugins.module_utils.engine import Engine
from ansible_collections.aigateway.kong.plugins.module_utils.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.runner import (
    entity_argument_spec,
    error_details,
    selected_rules,
)
from ansible_collections.aigateway.kong.plugins.module_utils.specs import CREDENTIALS, ENTITIES, EntitySpec

CONNECTION_OPTIONS = frozenset(connection_argument_spec())
COLLECTIONS = (
    "services",
    "routes",
    "consumers",
    "upstreams",
    "targets",
    "plugins",
    "certificates",
    *(spec.collection for spec in CREDENTIALS.values()),
)
# credential collection -> the kong_consumer_credential ``type`` it stands for
CREDENTIAL_TYPES = {spec.collection: kind for kind, spec in CREDENTIALS.items()}
MODULES = {
    collection: "aigateway.kong.kong_" + ("consumer_credential" if collection in CREDENTIAL_TYPES else collection[:-1])
    for collection in COLLECTIONS
}


def bulk_argument_spec() -> dict[str, Any]:
    """The options of kong_entities (module and in-process action plugin alike)."""
    spec = connection_argument_spec()
    spec.update(
        entity=dict(type="str", required=True, choices=list(COLLECTIONS)),
        items=dict(type="list", elements="dict", required=True),
        defaults=dict(type="dict", default={}),
    )
    return spec


def _without_connection(argument_spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in argument_spec.items() if k not in CONNECTION_OPTIONS}


def item_validation(collection: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The argument spec and rules of the module an item of ``collection`` stands for, without the connection
    options (they are the task's). Credentials get kong_consumer_credential's, with ``type`` fixed."""
    if collection not in CREDENTIAL_TYPES:
        spec = ENTITIES[collection]
        return _without_connection(entity_argument_spec(spec)), dict(spec.rules)
    argument_spec = _without_connection(entity_argument_spec(*CREDENTIALS.values()))
    kind = CREDENTIAL_TYPES[collection]
    argument_spec["type"] = {"type": "str", "default": kind, "choices": [kind]}
    return argument_spec, selected_rules(CREDENTIALS, "type")


def item_label(spec: EntitySpec, index: int, item: Any) -> str:
    label = spec.label(item) if isinstance(item, dict) else spec.name
    return "items[%d] (%s)" % (index, label)


class BulkRun:
    """Reconcile ``items`` of one collection; ``run()`` returns the task result (``failed`` when an item failed)."""

    def __init__(
        self,
        client: KongClient,
        collection: str,
        items: list[Any],
        connection: dict[str, Any],
        defaults: dict[str, Any] | None = None,
        check_mode: bool = False,
        diff: bool = False,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.spec = ENTITIES[collection]
        self.collection = collection
        self.client = SnapshotClient(client)
        self.connection = {k: v for k, v in connection.items() if k in CONNECTION_OPTIONS}
        self.defaults = defaults or {}
        self.items = items
        self.check_mode = check_mode
        self.diff_mode = diff
        self.warn = warn or (lambda message: None)
        argument_spec, rules = item_validation(collection)
        self.validator = ArgumentSpecValidator(argument_spec, **rules)
        self.own = set(_without_connection(entity_argument_spec(self.spec))) | {"type"}
        self.option_defaults = {k: v.get("default") for k, v in argument_spec.items()}

    def params(self, item: Any) -> tuple[dict[str, Any] | None, str | None]:
        """The item merged over ``defaults``, checked like the module checks its options."""
        if not isinstance(item, dict):
            return None, "must be a dict of %s options, got %s" % (self.spec.name, type(item).__name__)
        merged = dict(self.defaults)
        merged.update(item)
        checked = self.validator.validate(merged)
        if checked.error_messages:  # reported as AnsibleModule reports them: the first error
            error = checked.errors.errors[0]
            message = checked.errors.msg
            if isinstance(error, UnsupportedError):
                message = "Unsupported parameters for (%s) module: %s" % (MODULES[self.collection], message)
            return None, message
        foreign = sorted(
            name
            for name, value in checked.validated_parameters.items()
            if name not in self.own and value not in (None, self.option_defaults.get(name))
        )
        if foreign:
            return None, "type=%s does not use option(s): %s" % (CREDENTIAL_TYPES[self.collection], ", ".join(foreign))
        params = dict(self.connection)
        params.update(checked.validated_parameters)
        return params, None

    def secret_values(self) -> list[str]:
        """Every secret any item holds (no_log options and plugin config secrets), to mask in all output."""
        found: list[str] = []
        for item in self.items:
            if not isinstance(item, dict):
                continue
            merged = dict(self.defaults)
            merged.update(item)
            secret_paths = tuple(self.spec.masked_paths(merged, None))
            found.extend(str(v) for v in values_at(merged, secret_paths) if v not in (None, ""))
        return found

    def run(self) -> dict[str, Any]:
        results: list[dict[str, Any]] = []
        failures: list[str] = []
        for index, item in enumerate(self.items):
            params, error = self.params(item)
            label = item_label(self.spec, index, item)
            if params is None:
                failures.append("%s: %s" % (label, error))
                results.append({"failed": True, "changed": False, "msg": error, "item": item})
                continue
            engine = Engine(self.client, self.spec, params, check_mode=self.check_mode, warn=self.warn)
            try:
                outcome = engine.run()
            except KongError as exc:
                message = exc.describe(engine.action)
                failures.append("%s: %s" % (label, message))
                results.append(dict(failed=True, changed=False, msg=message, item=item, **error_details(exc)))
                continue
            outcome["item"] = item
            results.append(outcome)
        return self.summary(results, failures)

    def summary(self, results: list[dict[str, Any]], failures: list[str]) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for result in results:
            word = "failed" if result.get("failed") else str(result.get("msg", "")).rsplit(" ", 1)[-1]
            counts[word] = counts.get(word, 0) + 1
        summary = ", ".join("%d %s" % (n, word) for word, n in sorted(counts.items()))
        task: dict[str, Any] = {
            "changed": any(r.get("changed") for r in results),
            "results": results,
            "msg": "%s: %s" % (self.collection, summary or "no items"),
        }
        if self.diff_mode:
            task["diff"] = [r["diff"] for r in results if r.get("changed") and r.get("diff")]
        if failures:
            task["failed"] = True
            task["msg"] = "%d of %d %s failed: %s" % (len(failures), len(results), self.collection, "; ".join(failures))
        return task
