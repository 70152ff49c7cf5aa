# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ai_gateway role in one task (``ai_gateway_single_task``): the same steps as its task files, in one call.

read.yml, apply.yml and prune.yml template the entity lists into a dozen tasks and register their results;
for thousands of consumers that templating, not Kong, is most of a run. Here the same functions run on plain
data: the model (``ai_gateway_model``), its checks, the listings, the collision check, one ``BulkRun`` per
entity type in dependency order (exactly what each ``kong_entities`` task runs), and the pruning plan
(``PrunePlan``, fail-closed as for the role's tasks). Messages are the role's.

INTERNAL: plugin_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.api.argspec import (
    connection_argument_spec,
    gateway_argument_spec,
)
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.run import BulkRun
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.snapshot import SnapshotClient
from ansible_collections.aigateway.kong.plugins.module_utils.entity.info import list_entities
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import Task, TaskResult, error_details
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.checks import gateway_errors
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.model import (
    INPUTS,
    gateway_entities,
    normalised,
)
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.prune import (
    CREDENTIALS,
    IDENTITY,
    PrunePlan,
    PruneRefused,
    collisions,
    identities,
    tagged,
)

# What the listings read: the role's __ai_gateway_identity_fields
IDENTITY_FIELDS = ["id", "name", "username", "instance_name", "target", "group", "tags", "service", "route", "consumer"]
# apply.yml's tasks, in its order: (the entity lists' key, kong_entities entity, report)
APPLY = (
    ("upstreams", "upstreams", "changed"),
    ("targets", "targets", "all"),  # pruning reads which targets each upstream keeps from these results
    ("services", "services", "changed"),
    ("routes", "routes", "changed"),
    ("consumers", "consumers", "changed"),
    ("key_auths", "key-auths", "changed"),  # pruning reads the ids
    ("basic_auths", "basic-auths", "changed"),
    ("acls", "acls", "changed"),
    ("plugins", "plugins", "changed"),
)
# prune.yml's deletion order: children first
PRUNE = ("plugins", "routes", "services", "targets", "upstreams", "key-auths", "basic-auths", "acls", "consumers")


def collision_message(found: list[str], tag: str) -> str:
    return (
        "These entities exist in Kong without the tag '%s', so the role will not change them: %s. Rename them in "
        "inventory, or set ai_gateway_adopt_untagged to true to take them over." % (tag, ", ".join(found))
    )


def kept_message(kept: list[str], tag: str) -> str:
    return (
        "Not removed, because Kong would delete entities without the tag '%s' along with them: %s. The role's own "
        "entities inside them are removed." % (tag, ", ".join(kept))
    )


class Converge:
    """One run of the role's steps against one Kong; ``secrets`` collects every value the results must mask."""

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
        self.types: dict[str, dict[str, Any]] = {}
        self.diffs: list[Any] = []
        self.client: Any = None

    def listing(self, entity: str, **scope: Any) -> list[dict[str, Any]]:
        """The identity fields of the entities Kong holds (no secret among them), from the run's snapshot."""
        if scope:
            return list_entities(self.client, dict({"entity": entity, "fields": IDENTITY_FIELDS}, **scope))
        rows = self.client.snapshot(entity).by_id.values()  # read only: the fields are copied out
        return [{name: row[name] for name in IDENTITY_FIELDS if name in row} for row in rows]

    def bulk(self, collection: str, items: list[Any], tags: list[str] | None, report: str) -> dict[str, Any]:
        """One kong_entities task: its result, kept by type; a failed one ends the run as the play would end."""
        run = BulkRun(
            self.client,
            collection,
            items,
            self.connection,
            defaults={"tags": tags} if tags is not None else {},
            check_mode=self.check_mode,
            diff=self.diff,
            warn=self.warn,
            workers=self.workers,
            report=report,
        )
        result = run.run()
        self.secrets.update(run.secret_values())
        self.diffs.extend(result.get("diff") or [])
        return result

    def run(self) -> TaskResult:
        try:
            models, consumers = normalised(self.inputs)
            errors = gateway_errors(self.inputs, models, consumers)
            desired = None if errors else gateway_entities(self.inputs, models, consumers)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:  # the role's argument spec prevents these
            # the values are not quoted: they may be keys or passwords
            message = "Invalid gateway description: inputs do not have the shape of the role's variables (%s)"
            return TaskResult.failure(message % type(exc).__name__, changed=False)
        if errors or desired is None:
            return TaskResult.failure("Invalid gateway description: %s" % "; ".join(errors), changed=False)
        # one snapshot of each listing for the whole run: the read, the collision check, every type's apply
        # and the pruning plan share it (writes keep it current, as within one kong_entities task)
        self.client = SnapshotClient(KongClient.from_params(self.connection, warn=self.warn))
        try:
            existing = {kind: self.listing(kind) for kind in IDENTITY}
        except KongError as exc:
            return TaskResult.failure(exc.describe("read Kong information"), changed=False, **error_details(exc))
        if not self.adopt_untagged:
            found = collisions(existing, identities(desired), self.tag)
            if found:
                return TaskResult.failure(collision_message(found, self.tag), changed=False)
        applied: dict[str, Any] = {}
        for variable, collection, report in APPLY:
            result = self.bulk(collection, desired[variable], desired["tags"], report)
            applied[variable] = result
            if self.record(collection, result):
                return self.result(failed=result["msg"])
        if self.inputs.get("prune"):
            failure = self.prune(desired, existing, applied)
            if failure:
                return self.result(failed=failure)
        return self.result()

    def record(self, collection: str, result: dict[str, Any]) -> bool:
        """Keep what the step for ``collection`` reported (whether it changed, its counts; each change is in the
        diff with --diff); True when it failed."""
        self.types[collection] = {"changed": bool(result.get("changed")), "msg": result["msg"]}
        return bool(result.get("failed"))

    def prune(self, desired: Mapping[str, Any], existing: dict[str, Any], applied: dict[str, Any]) -> str | None:
        """prune.yml: list the credentials and the targets of the role's upstreams, plan, delete children first."""
        try:
            credentials = {kind: self.listing(kind) for kind, _variable, _field in CREDENTIALS}
            upstreams = [u.get("name") for u in existing["upstreams"] if tagged(u, self.tag)]
            targets = {name: self.listing("targets", upstream=name) for name in upstreams}
        except KongError as exc:
            return exc.describe("read Kong information")
        try:
            plan = PrunePlan(self.tag, desired, existing, credentials, targets, applied).plan()
        except PruneRefused as exc:
            return "refusing to plan deletions: %s" % exc
        if plan["kept"]:
            self.warn(kept_message(plan["kept"], self.tag))
        for collection in PRUNE:
            items = plan[collection.replace("-", "_")]
            if items:
                result = self.bulk(collection, items, None, "all")
                if self.record("pruned " + collection, result):
                    return result["msg"]
        return None

    def result(self, failed: str | None = None) -> TaskResult:
        values: dict[str, Any] = {
            "changed": any(t.get("changed") for t in self.types.values()),
            "msg": failed or "; ".join(t["msg"] for t in self.types.values()),
            "types": self.types,
        }
        if self.diff:
            values["diff"] = self.diffs
        return TaskResult(values, failed=failed is not None, secrets=frozenset(self.secrets))


DESCRIPTION = "(the gateway description: the role's ai_gateway_* variables)"


class GatewayTask(Task):
    """ai_gateway_converge."""

    module = "ai_gateway_converge"

    def argument_spec(self) -> dict[str, Any]:
        return gateway_argument_spec()

    def shown_args(self, params: dict[str, Any]) -> dict[str, Any]:
        # the description holds every key and password of the gateway, and can be thousands of entries long:
        # not echoed, even masked
        return dict(params, inputs=DESCRIPTION)

    def run(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> TaskResult:
        inputs = params["inputs"]
        missing = [key for key in INPUTS if key not in inputs]
        if missing:
            return TaskResult.failure("inputs: missing %s" % ", ".join(missing), changed=False)
        if params["workers"] < 1:
            return TaskResult.failure("workers must be 1 or more (got %d)" % params["workers"], changed=False)
        connection = {name: params[name] for name in connection_argument_spec()}
        return Converge(
            connection, inputs, params["adopt_untagged"], params["workers"], check_mode, diff, warn
        ).run()


GATEWAY = GatewayTask()
