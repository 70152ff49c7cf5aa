# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many entities of one type in one task: each item runs the single-entity engine, reads come from one listing.

Every item is checked against the argument spec and rules of the matching single-entity module, then
runs ``Engine.run()`` exactly as that module would (check mode, diff, masking, errors); only the reads
are served by ``SnapshotClient``. A failed item does not stop the others (like a loop), and the task
fails at the end naming every failed item. With ``workers`` above 1 (and not in check mode), items that
cannot address the same entity are applied by that many threads (see ``lanes``); results stay in
item order and are those of the items applied one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible_collections.aigateway.kong.plugins.module_utils.api.argspec import connection_argument_spec
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongConnectionError, KongError
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.lanes import identities, lanes, run_lanes
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.plain_options import PlainOptions
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.prune import prune, prune_argument_spec, prune_refusal
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.snapshot import SnapshotClient
from ansible_collections.aigateway.kong.plugins.module_utils.entity.engine import Engine, Outcome
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import (
    Task,
    TaskResult,
    entity_argument_spec,
    error_details,
    selected_rules,
)
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import (
    CREDENTIAL_TYPES,
    CREDENTIALS,
    ENTITIES,
    MANAGED,
    EntitySpec,
)
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.live import live_secret_values
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.options import items_secrets

CONNECTION_OPTIONS = frozenset(connection_argument_spec())
DEFAULT_WORKERS = 1  # threads pay off only when Kong's writes wait on its database
FAILED = "failed"  # counted next to the outcomes
NAMED_OUTCOMES = frozenset(("created", "updated", "deleted", FAILED))  # a task's changes name these items
SHOWN_FAILURES = 3  # items named per failure message; the others are counted
COLLECTIONS = tuple(MANAGED)
MODULES = {collection: "aigateway.kong." + str(spec.module) for collection, spec in MANAGED.items()}


def bulk_argument_spec() -> dict[str, Any]:
    """The options of kong_entities (module and in-process action plugin alike)."""
    spec = connection_argument_spec()
    spec.update(
        entity=dict(type="str", required=True, choices=list(COLLECTIONS)),
        items=dict(type="list", elements="dict", required=True),
        defaults=dict(type="dict", default={}),
        workers=dict(type="int", default=DEFAULT_WORKERS),
        report=dict(type="str", default="all", choices=["all", "changed"]),
    )
    spec.update(prune_argument_spec())
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


@dataclass(frozen=True)
class Failure:
    """A failed item: its label, its message (as its result says it) and the cause items may share."""

    label: str
    message: str
    cause: str


def item_name(spec: EntitySpec, item: dict[str, Any]) -> str:
    """What a person calls the item's entity: its name, under its parent's (``alice/premium``); never a secret."""
    parts = [str(item[spec.parent.option])] if spec.parent and item.get(spec.parent.option) else []
    for key in (*spec.identity, "name"):
        field = spec.fields.get(key)
        value = item.get(key)
        if value and field is not None and not field.secret:
            parts.append(", ".join(value) if isinstance(value, list) else str(value))
            break
    return "/".join(parts) or spec.name


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
        workers: int | None = None,
        report: str = "all",
        prune_tags: list[str] | None = None,
    ) -> None:
        """``connection``: the task's options (its connection options, and ``workers`` unless given).
        ``prune_tags``: after the items, delete the entities carrying all these tags that no item describes."""
        self.spec = ENTITIES[collection]
        self.collection = collection
        # a SnapshotClient given is shared with other steps of the same run (listings read once per run)
        self.client = client if isinstance(client, SnapshotClient) else SnapshotClient(client)
        self.connection = {k: v for k, v in connection.items() if k in CONNECTION_OPTIONS}
        self.defaults = defaults or {}
        self.items = items
        self.check_mode = check_mode
        self.diff_mode = diff
        self.warn = warn or (lambda message: None)
        if workers is None:
            workers = connection.get("workers")
        self.workers: int = DEFAULT_WORKERS if workers is None else workers
        self.report = report
        self.prune_tags = prune_tags
        self.applied: list[Any] = [None] * len(items)  # per item: the entity found (or {}) once it ran
        self.entity_ids: list[Any] = [None] * len(items)  # per item: the id of the entity its result stands for
        argument_spec, rules = item_validation(collection)
        self.validator = ArgumentSpecValidator(argument_spec, **rules)
        self.plain = PlainOptions(argument_spec, rules)  # most items: the same result, without the validator's cost
        self.own = set(_without_connection(entity_argument_spec(self.spec))) | {"type"}
        self.option_defaults = {k: v.get("default") for k, v in argument_spec.items()}

    def params(self, item: Any) -> tuple[dict[str, Any] | None, str | None]:
        """The item merged over ``defaults``, checked like the module checks its options."""
        if not isinstance(item, dict):
            return None, "must be a dict of %s options, got %s" % (self.spec.name, type(item).__name__)
        merged = dict(self.defaults)
        merged.update(item)
        validated = self.plain.check(merged)
        if validated is None:
            checked = self.validator.validate(merged)
            if checked.error_messages:  # reported as AnsibleModule reports them: the first error
                error = checked.errors.errors[0]
                message = checked.errors.msg
                if isinstance(error, UnsupportedError):
                    message = "Unsupported parameters for (%s) module: %s" % (MODULES[self.collection], message)
                return None, message
            validated = checked.validated_parameters
        foreign = sorted(
            name
            for name, value in validated.items()
            if name not in self.own and value not in (None, self.option_defaults.get(name))
        )
        if foreign:
            return None, "type=%s does not use option(s): %s" % (CREDENTIAL_TYPES[self.collection], ", ".join(foreign))
        params = dict(self.connection)
        params.update(validated)
        return params, None

    def secret_values(self) -> list[str]:
        """Every secret any item holds (no_log options; plugin and vault config secrets, by the managed Kong's
        schemas once the items have been applied), to mask in all output."""
        found = items_secrets(self.spec, self.items, self.defaults)
        for index, item in enumerate(self.items):
            if isinstance(item, dict) and self.applied[index] is not None:
                merged = dict(self.defaults, **item)
                found.update(live_secret_values(self.client, self.spec, merged, self.applied[index], self.warn))
        return sorted(found)

    def run(self) -> dict[str, Any]:
        if self.workers < 1:
            return {"failed": True, "changed": False, "msg": "workers must be 1 or more (got %d)" % self.workers}
        results: list[dict[str, Any]] = [{} for _item in self.items]
        failures: list[Failure | None] = [None] * len(self.items)
        self.outcomes: list[Outcome | None] = [None] * len(self.items)
        valid: list[tuple[int, dict[str, Any]]] = []
        for index, item in enumerate(self.items):
            params, error = self.params(item)
            if params is None:
                failures[index] = Failure(item_label(self.spec, index, item), error or "", error or "")
                results[index] = {"failed": True, "changed": False, "msg": error, "item": item}
            else:
                valid.append((index, params))

        def apply(position: int) -> None:
            index, params = valid[position]
            results[index], failures[index] = self.apply(index, params)

        groups = lanes([identities(self.spec, params) for _index, params in valid])
        # check mode writes nothing, so there is nothing to overlap; in order, its warnings keep their order too
        run_lanes(groups, apply, 1 if self.check_mode else self.workers, busy=lambda: self.client.writes > 0)
        failed = [f for f in failures if f is not None]
        task = self.summary(results, failed)
        if self.prune_tags:
            prune(self, bool(failed), task, self.prune_tags)
        return task

    def apply(self, index: int, params: dict[str, Any]) -> tuple[dict[str, Any], Failure | None]:
        """One item through the engine: its result, and its failure when it failed."""
        item = self.items[index]
        engine = Engine(
            self.client,
            self.spec,
            params,
            check_mode=self.check_mode,
            warn=self.warn,
            check_connection=False,
            brief=self.report == "changed",
        )
        try:
            result = engine.run()
        except KongError as exc:
            reachable = engine.validated and not isinstance(exc, KongConnectionError)
            self.applied[index] = (engine.found or {}) if reachable else None
            message = exc.describe(engine.action)
            failure = Failure(item_label(self.spec, index, item), message, str(exc))
            return dict(failed=True, changed=False, msg=message, item=item, **error_details(exc)), failure
        self.applied[index] = engine.found or {}
        self.entity_ids[index] = engine.entity.get("id") if isinstance(engine.entity, dict) else None
        self.outcomes[index] = engine.outcome
        result["item"] = item
        return result, None

    def changes(self) -> dict[str, Any]:
        """What happened to the items' entities: the names of those created, updated, deleted or failed, the
        count of the others (``unchanged``, ``absent``): a run over thousands of entities says little."""
        found: dict[str, Any] = {}
        for item, outcome in zip(self.items, self.outcomes, strict=True):
            word = outcome.value if outcome else FAILED
            if word in NAMED_OUTCOMES:
                name = item_name(self.spec, item) if isinstance(item, dict) else self.spec.name
                found.setdefault(word, []).append(name)
            else:
                found[word] = found.get(word, 0) + 1
        return found

    def described_id(self, index: int, result: dict[str, Any]) -> str | None:
        """The id of the entity item ``index`` stands for: the one it found, created, updated or deleted (None when
        it failed, or in check mode for an entity it would create)."""
        if result.get("failed"):
            return None
        for entity_id in (self.entity_ids[index], self.applied[index].get("id")):
            if isinstance(entity_id, str):
                return entity_id
        return None

    def summary(self, results: list[dict[str, Any]], failures: list[Failure]) -> dict[str, Any]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            word = outcome.value if outcome else FAILED
            counts[word] = counts.get(word, 0) + 1
        summary = ", ".join("%d %s" % (n, word) for word, n in sorted(counts.items()))
        total = len(results)
        ids = [self.described_id(index, result) for index, result in enumerate(results)]
        if self.report == "changed":  # the unchanged items are only counted, each kept result says its index
            results = [dict(r, index=i) for i, r in enumerate(results) if r.get("changed") or r.get("failed")]
        task: dict[str, Any] = {
            "changed": any(r.get("changed") for r in results),
            "results": results,
            "ids": ids,
            "msg": "%s: %s" % (self.collection, summary or "no items"),
        }
        if self.diff_mode:
            task["diff"] = [r["diff"] for r in results if r.get("changed") and r.get("diff")]
        if failures:
            task["failed"] = True
            task["msg"] = "%d of %d %s failed: %s" % (len(failures), total, self.collection, failure_lines(failures))
        return task


def failure_lines(failures: list[Failure]) -> str:
    """One line per distinct cause, naming the first few items it is about (a fault of the whole task, such as
    an unreachable Admin API, is then said once rather than once per item)."""
    by_cause: dict[str, list[Failure]] = {}
    for failure in failures:
        by_cause.setdefault(failure.cause, []).append(failure)
    lines = []
    for cause, group in by_cause.items():
        if len(group) == 1:
            lines.append("%s: %s" % (group[0].label, group[0].message))
            continue
        named = ", ".join(f.label for f in group[:SHOWN_FAILURES])
        more = " and %d more" % (len(group) - SHOWN_FAILURES) if len(group) > SHOWN_FAILURES else ""
        lines.append("%s%s: %s" % (named, more, cause))
    return "; ".join(lines)


def bulk_secrets(params: dict[str, Any]) -> set[str]:
    """The secrets in kong_entities options, validated or not (for ``SecretAwareModule`` and the action)."""
    spec = ENTITIES.get(params.get("entity")) if isinstance(params.get("entity"), str) else None
    return items_secrets(spec, params.get("items"), params.get("defaults")) if spec else set()


class BulkTask(Task):
    """kong_entities, the module and the in-process action plugin alike."""

    module = "kong_entities"

    def argument_spec(self) -> dict[str, Any]:
        return bulk_argument_spec()

    def raw_secrets(self, params: Any) -> set[str]:
        return bulk_secrets(params) if isinstance(params, dict) else set()

    def run(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> TaskResult:
        refusal = prune_refusal(params)
        if refusal:
            return TaskResult.failure(refusal, changed=False)
        run = BulkRun(
            KongClient.from_params(params, warn=warn),
            params["entity"],
            params["items"],
            params,
            defaults=params["defaults"],
            check_mode=check_mode,
            diff=diff,
            warn=warn,
            workers=params["workers"],
            report=params["report"],
            prune_tags=params["select_tags"] if params["prune"] else None,
        )
        values = run.run()
        failed = bool(values.pop("failed", False))
        return TaskResult(values, failed=failed, secrets=frozenset(run.secret_values()))


BULK = BulkTask()
