# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ai_gateway_converge: the ai_gateway role's whole run, in one task.

The role's variables become entities (``model``), are checked (``checks``), and Kong is converged to them: one
listing per type for the whole run (a snapshot shared by every step), the refusal to take over entities without
the gateway's tag (``collisions``), each type applied in the specs' dependency order exactly as kong_entities
applies it, then, with ``prune``, the gateway's entities no longer described removed by the one prune engine
(``bulk.prune``). The result says per type what was created, updated and deleted.

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.api.argspec import (
    connection_argument_spec,
    gateway_argument_spec,
)
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.prune import Planner, delete, kept_message
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.run import BulkRun
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.snapshot import SnapshotClient
from ansible_collections.aigateway.kong.plugins.module_utils.entity.relations import dependency_order
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import Task, TaskResult, error_details
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES
from ansible_collections.aigateway.kong.plugins.module_utils.entity.versions import refusals_for
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.checks import gateway_errors
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.collisions import NAMED, collisions
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.model import (
    INPUTS,
    gateway_entities,
    gateway_tags,
    normalised,
)
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.options import items_secrets

DESCRIPTION = "(the gateway description: the role's ai_gateway_* variables)"
# role variables that are accepted and have no effect any more: the warning says what to do
DEPRECATED_INPUTS = {
    "single_task": "ai_gateway_single_task is deprecated and has no effect: the role always converges in one "
    "task; remove the variable",
}
SHOWN_NAMES = 10  # names per line of the report; the others are counted
# connection options as the role's users set them: messages about them name the role's variables
ROLE_OPTIONS = re.compile(
    r"\b(admin_url|admin_token|workspace|validate_certs|ca_path|client_cert|client_key|use_proxy)\b"
)
REPORTED = ("created", "updated", "deleted", "failed")


def collision_message(found: list[str], tag: str) -> str:
    return (
        "These entities exist in Kong without the tag '%s', so the role will not change them: %s. Rename them in "
        "inventory, or set ai_gateway_adopt_untagged to true to take them over." % (tag, ", ".join(found))
    )


def shown_names(names: list[str]) -> str:
    """The first names, and how many more: ``ann, ben and 998 more``."""
    more = " and %d more" % (len(names) - SHOWN_NAMES) if len(names) > SHOWN_NAMES else ""
    return ", ".join(names[:SHOWN_NAMES]) + more


def report_line(step: str, changes: Mapping[str, Any]) -> str:
    """``consumers: 2 created (ann, ben), 998 unchanged`` (names for what changed, counts for the others)."""
    parts = []
    for word in REPORTED:
        names = changes.get(word) or []
        if names:
            parts.append("%d %s (%s)" % (len(names), word, shown_names(names)))
    for word, found in changes.items():
        count = len(found) if isinstance(found, list) else found
        if word not in REPORTED and count:
            parts.append("%d %s" % (count, word))
    return "%s: %s" % (step, ", ".join(parts) or "nothing to do")


def described_gateway(inputs: Mapping[str, Any]) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The gateway's entities by collection, and every problem of its description (entities empty then)."""
    models, consumers = normalised(inputs)
    errors = gateway_errors(inputs, models, consumers)
    return ({} if errors else gateway_entities(inputs, models, consumers)), errors


def gateway_secrets(inputs: Any) -> set[str]:
    """The secrets of a description as given (keys, passwords, provider credentials in plugin configs), before
    and whatever its validation: they are masked in everything the task returns."""
    try:
        entities = gateway_entities(inputs, *normalised(inputs))
    except (AttributeError, KeyError, TypeError, ValueError):  # a malformed description: checked later
        return set()
    return set().union(*(items_secrets(ENTITIES[c], items) for c, items in entities.items()))


class Converge:
    """One run of the role against one Kong; ``secrets`` collects every value the results must mask."""

    def __init__(
        self,
        connection: dict[str, Any],
        inputs: Mapping[str, Any],
        adopt_untagged: bool,
        workers: int,
        check_mode: bool,
        diff: bool,
        warn: Callable[[str], None],
    ) -> None:
        self.connection = connection
        self.inputs = inputs
        self.tag = str(inputs["tag"])
        self.adopt_untagged = adopt_untagged
        self.workers = workers
        self.check_mode = check_mode
        self.diff = diff
        self.warn = warn
        self.secrets: set[str] = set()
        self.changes: dict[str, dict[str, Any]] = {}
        self.report: list[str] = []
        self.changed = False
        self.diffs: list[Any] = []
        self.client: Any = None

    def run(self) -> TaskResult:
        try:
            desired, errors = described_gateway(self.inputs)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:  # the role's argument spec prevents these
            # the values are not quoted: they may be keys or passwords
            message = "Invalid gateway description: inputs do not have the shape of the role's variables (%s)"
            return TaskResult.failure(message % type(exc).__name__, changed=False)
        if errors:
            return TaskResult.failure("Invalid gateway description: %s" % "; ".join(errors), changed=False)
        # one snapshot of each listing for the whole run: the collision check, every type's apply and the pruning
        # plan share it (writes keep it current, as within one kong_entities task)
        self.client = SnapshotClient(KongClient.from_params(self.connection, warn=self.warn))
        if not self.adopt_untagged:
            try:  # read only: the snapshot's own rows, not copies
                existing = {c: list(self.client.snapshot(c).by_id.values()) for c in NAMED}
            except KongError as exc:
                return TaskResult.failure(exc.describe("read Kong information"), changed=False, **error_details(exc))
            found = collisions(existing, desired, self.tag)
            if found:
                return TaskResult.failure(collision_message(found, self.tag), changed=False)
        try:
            refused = self.version_refusals(desired["plugins"])
        except KongError as exc:
            return TaskResult.failure(exc.describe("read Kong information"), changed=False, **error_details(exc))
        if refused:
            return TaskResult.failure(refused, changed=False)
        described: dict[str, set[str]] = {}
        for collection in dependency_order(desired):
            run = BulkRun(
                self.client,
                collection,
                desired[collection],
                self.connection,
                defaults={"tags": gateway_tags(self.inputs)},
                check_mode=self.check_mode,
                diff=self.diff,
                warn=self.warn,
                workers=self.workers,
                report="changed",
            )
            result = run.run()
            self.secrets.update(run.secret_values())
            if desired[collection]:
                self.record(collection, run.changes(), result)
            if result.get("failed"):
                return self.result(failed=result["msg"])
            described[collection] = {i for i in result["ids"] if i}
        if self.inputs.get("prune"):
            failure = self.prune(described)
            if failure:
                return self.result(failed=failure)
        return self.result()

    def version_refusals(self, plugins: list[dict[str, Any]]) -> str | None:
        """What the managed Kong's release cannot hold among the gateway's plugins, in one line, before any write."""
        found: dict[str, list[str]] = {}
        for item in plugins:
            for refusal in refusals_for(self.client, item)[1]:
                found.setdefault(refusal, []).append(str(item.get("instance_name") or item["name"]))
        if not found:
            return None
        lines = ["%s (%s)" % (refusal, shown_names(names)) for refusal, names in found.items()]
        return (
            "This Kong cannot hold the gateway's models and policies (ai_gateway_models, ai_gateway_policies, "
            "ai_gateway_global_policies) as described: %s" % "; ".join(lines)
        )

    def record(self, step: str, changes: dict[str, Any], result: dict[str, Any]) -> None:
        self.changes[step] = changes
        self.report.append(report_line(step, changes))
        self.changed = self.changed or bool(result.get("changed"))
        self.diffs.extend(result.get("diff") or [])

    def prune(self, described: dict[str, set[str]]) -> str | None:
        """Remove the gateway's entities that the description no longer holds, children first."""
        try:
            plan = Planner(self.client, described, [self.tag], described).plan()
        except KongError as exc:
            return "pruning: %s" % exc.describe("read Kong information")
        if plan.kept:
            self.warn(kept_message(plan.kept, "the tag '%s'" % self.tag))
        by_type: dict[str, list[Any]] = {}
        for deletion in plan.deletions:
            by_type.setdefault(deletion.collection, []).append(deletion)
        for collection, deletions in by_type.items():
            changes: dict[str, list[str]] = {}
            failures = []
            for deletion in deletions:
                result = delete(self.client, deletion, self.connection, self.check_mode, self.warn)
                word = "failed" if result.get("failed") else "deleted" if result.get("changed") else "absent"
                changes.setdefault(word, []).append(deletion.label)
                if result.get("failed"):
                    failures.append(result["msg"])
                elif result.get("changed") and result.get("diff"):
                    self.diffs.append(result["diff"])
            self.record("pruned " + collection, changes, {"changed": bool(changes.get("deleted"))})
            if failures:
                return "pruning %s failed: %s" % (collection, "; ".join(failures))
        return None

    def result(self, failed: str | None = None) -> TaskResult:
        values: dict[str, Any] = {
            "changed": self.changed,
            "msg": failed or "; ".join(self.report),
            "changes": self.changes,
            "report": self.report,
        }
        if self.diff:
            values["diff"] = self.diffs
        return TaskResult(values, failed=failed is not None, secrets=frozenset(self.secrets))


class GatewayTask(Task):
    """ai_gateway_converge."""

    module = "ai_gateway_converge"

    def argument_spec(self) -> dict[str, Any]:
        return gateway_argument_spec()

    def raw_secrets(self, params: Any) -> set[str]:
        inputs = params.get("inputs") if isinstance(params, dict) else None
        return gateway_secrets(inputs) if isinstance(inputs, dict) else set()

    def reworded(self, message: str) -> str:
        """A failure in the words of the role's variables (``set ai_gateway_ca_path``, not ``set ca_path``)."""
        return ROLE_OPTIONS.sub(r"ai_gateway_\1", message)

    def shown_args(self, params: dict[str, Any]) -> dict[str, Any]:
        # the description holds every key and password of the gateway, and can be thousands of entries long:
        # not echoed, even masked
        return dict(params, inputs=DESCRIPTION)

    def run(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> TaskResult:
        inputs = params["inputs"]
        missing = [key for key in INPUTS if key not in inputs]
        if missing:
            return TaskResult.failure("inputs: missing %s" % ", ".join(missing), changed=False)
        for key, message in DEPRECATED_INPUTS.items():
            if inputs.get(key) is not None:
                warn(message)
        if params["workers"] < 1:
            return TaskResult.failure("workers must be 1 or more (got %d)" % params["workers"], changed=False)
        connection = {name: params[name] for name in connection_argument_spec()}
        return Converge(connection, inputs, params["adopt_untagged"], params["workers"], check_mode, diff, warn).run()


GATEWAY = GatewayTask()
