# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pruning: the one engine of kong_entities' ``prune: true`` (with ``select_tags``) and of the ai_gateway role.

A run owns the entities carrying all of its tags. The candidates are the owned entities of the pruned types that
the run does not describe. A candidate is kept, and named, while it holds an entity the run does not own or still
describes (a credential or plugin without the tags, a route of another team): Kong would delete that entity along
with it, or refuse the deletion. A kept entity holds its own parent back in turn. Owned entities of other types
that a deleted one holds go with it, and are reported. Deletions go children first (the specs' dependency order
reversed), each through the engine, so check mode and ``--diff`` show every deletion as ``state: absent`` would.

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import ref_id
from ansible_collections.aigateway.kong.plugins.module_utils.entity.engine import Engine
from ansible_collections.aigateway.kong.plugins.module_utils.entity.listing import has_all_tags
from ansible_collections.aigateway.kong.plugins.module_utils.entity.relations import (
    Relation,
    dependency_order,
    holding,
    named_ids,
)
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import error_details
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES, EntitySpec


def prune_argument_spec() -> dict[str, Any]:
    return dict(
        prune=dict(type="bool", default=False),
        select_tags=dict(type="list", elements="str"),
    )


def prune_refusal(params: dict[str, Any]) -> str | None:
    """Why the prune options cannot be used as given (None: they can). Checked before any request."""
    tags = params.get("select_tags")
    if params.get("prune") and not tags:
        return (
            "prune=true needs select_tags: only the entities carrying all of them are deleted "
            "(without tags every entity of the type would be)"
        )
    if tags and not params.get("prune"):
        return "select_tags is used only with prune=true"
    if tags and any(not tag for tag in tags):
        return "select_tags must not hold an empty tag"
    return None


def describe(spec: EntitySpec, entity: dict[str, Any]) -> str:
    """``service 'chat'``, ``plugin 'cors' (id ...)``: the identity Kong shows, never a secret."""
    for name in (*spec.identity, "name", "username", "custom_id", "target", "group"):
        field_ = spec.fields.get(name)
        value = entity.get(name)
        if field_ is not None and not field_.secret and value:
            shown = ", ".join(value) if isinstance(value, list) else str(value)
            if name == "name" and spec.identity and spec.identity[0] != "name":
                return "%s '%s' (id %s)" % (spec.name, shown, entity.get("id"))
            return "%s '%s'" % (spec.name, shown)
    return "%s %s" % (spec.name, entity.get("id"))


@dataclass
class Deletion:
    """An entity to delete, with what Kong deletes along with it (owned entities of types not pruned)."""

    collection: str
    entity: dict[str, Any]
    label: str
    cascaded: list[str] = field(default_factory=list)


@dataclass
class PrunePlan:
    deletions: list[Deletion]  # children first
    kept: list[str]  # "consumer 'ann' (holds key-auth credential 5a1e...)", sorted


class Planner:
    """Plans the pruning of ``collections`` for a run that owns the entities carrying all ``tags`` and describes
    the entities whose ids ``described`` lists (per collection). Reads go through ``client`` (a snapshot)."""

    def __init__(self, client: Any, collections: Iterable[str], tags: list[str],
                 described: Mapping[str, Iterable[str]]) -> None:
        self.client = client
        self.collections = dependency_order(collections)
        self.tags = tags
        self.described = {c: set(ids) for c, ids in described.items()}
        self.described_ids = set().union(*self.described.values()) if self.described else set()
        self._naming: dict[Relation, dict[str, list[dict[str, Any]]]] = {}

    def rows(self, collection: str) -> list[dict[str, Any]]:
        """Every entity of ``collection``; those Kong lists only under their parent, parent by parent."""
        spec = ENTITIES[collection]
        if spec.listed or spec.parent is None:
            return list(self.client.paginate("/" + collection))
        parent = spec.parent
        return [
            row
            for owner in self.client.paginate("/" + parent.collection)
            for row in self.client.paginate("/%s/%s/%s" % (parent.collection, owner["id"], parent.nested))
        ]

    def held(self, collection: str, entity: dict[str, Any]) -> list[tuple[Relation, dict[str, Any]]]:
        """The entities that name ``entity`` (its children, the plugins scoped to it, the routes of a service), each
        with the relation through which it does."""
        found = []
        for relation in holding(collection):
            child = ENTITIES[relation.child]
            if child.listed:
                rows = self.naming(relation).get(entity["id"], [])
            elif relation.nested:
                rows = list(self.client.paginate("/%s/%s/%s" % (collection, entity["id"], relation.nested)))
            else:
                continue
            found.extend((relation, row) for row in rows)
        return found

    def naming(self, relation: Relation) -> dict[str, list[dict[str, Any]]]:
        """The entities of ``relation.child`` by the id they name through it: one pass over their listing."""
        if relation not in self._naming:
            index: dict[str, list[dict[str, Any]]] = {}
            for row in self.client.paginate("/" + relation.child):
                for parent_id in named_ids(relation, row):
                    index.setdefault(parent_id, []).append(row)
            self._naming[relation] = index
        return self._naming[relation]

    def label(self, collection: str, entity: dict[str, Any]) -> str:
        """``describe``, with the parent named for an entity that lives under one (a credential's consumer)."""
        spec = ENTITIES[collection]
        text = describe(spec, entity)
        parent_id = ref_id(entity.get(spec.parent.option)) if spec.parent else None
        if spec.parent and parent_id:
            parent = self.client.get_or_none("/%s/%s" % (spec.parent.collection, parent_id))
            if parent:
                text += " of " + describe(ENTITIES[spec.parent.collection], parent)
        return text

    def owned(self, entity: dict[str, Any]) -> bool:
        return has_all_tags(entity, self.tags)

    def plan(self) -> PrunePlan:
        candidates = {
            collection: [e for e in self.rows(collection)
                         if self.owned(e) and e["id"] not in self.described.get(collection, set())]
            for collection in self.collections
        }
        doomed = {e["id"] for rows in candidates.values() for e in rows}
        holds = {e["id"]: self.held(c, e) for c, rows in candidates.items() for e in rows}
        kept: dict[str, str] = {}
        changed = True
        while changed:  # a kept entity holds its own parent back in turn
            changed = False
            for collection, rows in candidates.items():
                for entity in rows:
                    if entity["id"] in kept:
                        continue
                    blocking = [(r, row) for r, row in holds[entity["id"]]
                                if row["id"] not in doomed and self.holds_back(r, row, kept)]
                    if blocking:
                        relation, row = blocking[0]
                        holder = self.label(collection, entity)
                        kept[entity["id"]] = "%s (holds %s)" % (holder, describe(ENTITIES[relation.child], row))
                        doomed.discard(entity["id"])
                        changed = True
        deletions = []
        for collection in reversed(self.collections):
            spec = ENTITIES[collection]
            for entity in sorted(candidates[collection], key=lambda e: (describe(spec, e), e["id"])):
                if entity["id"] in kept:
                    continue
                label = self.label(collection, entity)
                cascaded = ["%s of %s" % (describe(ENTITIES[r.child], row), label)
                            for r, row in holds[entity["id"]] if row["id"] not in doomed]
                deletions.append(Deletion(collection, entity, label, cascaded))
        return PrunePlan(deletions, sorted(kept.values()))

    def holds_back(self, relation: Relation, row: dict[str, Any], kept: dict[str, str]) -> bool:
        """Whether ``row``, which names a candidate through ``relation`` and is not to be deleted, keeps it: the run
        does not own it, still describes it or keeps it, or Kong would refuse the deletion while it exists (a
        service's routes) rather than delete it along."""
        return (not self.owned(row) or row["id"] in self.described_ids or row["id"] in kept
                or not relation.cascade)


def delete(client: Any, deletion: Deletion, connection: dict[str, Any], check_mode: bool,
           warn: Callable[[str], None]) -> dict[str, Any]:
    """One planned deletion through the engine (by id; its parent by id): the result ``state: absent`` gives."""
    spec = ENTITIES[deletion.collection]
    params = dict(connection, state="absent", id=deletion.entity["id"])
    if spec.parent is not None:
        params[spec.parent.option] = ref_id(deletion.entity.get(spec.parent.option))
    engine = Engine(client, spec, params, check_mode=check_mode, warn=warn, check_connection=False)
    try:
        result = engine.run()
    except KongError as exc:
        return dict(failed=True, changed=False, msg="%s: %s" % (deletion.label, exc.describe(engine.action)),
                    **error_details(exc))
    if deletion.cascaded:
        result["cascaded"] = deletion.cascaded
    return result


def prune(run: Any, failures: bool, task: dict[str, Any], tags: list[str]) -> None:
    """kong_entities' ``prune``: delete what the items do not describe among the entities carrying all ``tags``;
    extend ``task`` (its result) with ``pruned``, ``kept`` and the counts."""
    scope = "select_tags %s" % ", ".join(tags)
    if failures:
        task["msg"] += "; nothing pruned: an item failed, so what the items describe is not known"
        task["pruned"] = []
        return
    described = {run.collection: {i for i in task["ids"] if i}}
    try:
        plan = Planner(run.client, [run.collection], tags, described).plan()
    except KongError as exc:
        task.update(failed=True, msg="%s; pruning (%s) failed: %s" % (task["msg"], scope, exc.describe("list")))
        return
    pruned = []
    for deletion in plan.deletions:
        result = delete(run.client, deletion, run.connection, run.check_mode, run.warn)
        if not result.get("failed"):
            result["msg"] = "%s deleted (not in items, carries %s)" % (deletion.label, scope)
        pruned.append(result)
    task["pruned"] = pruned
    task["kept"] = plan.kept
    deleted = sum(1 for r in pruned if r.get("changed"))
    task["msg"] += "; pruned (%s): %d deleted" % (scope, deleted)
    task["changed"] = bool(task.get("changed")) or deleted > 0
    if run.diff_mode:
        task.setdefault("diff", []).extend(r["diff"] for r in pruned if r.get("changed") and r.get("diff"))
    if plan.kept:
        run.warn(kept_message(plan.kept, scope))
    children = [child for r in pruned if r.get("changed") for child in r.get("cascaded", ())]
    if children:
        run.warn("Kong deletes these together with the pruned %s: %s" % (run.collection, "; ".join(children)))
    errors = [r["msg"] for r in pruned if r.get("failed")]
    if errors:
        task["failed"] = True
        task["msg"] += "; %d could not be pruned: %s" % (len(errors), "; ".join(errors))


def kept_message(kept: list[str], owner: str) -> str:
    return (
        "Not removed, because they hold entities this run does not own (without %s) or still describes, which Kong "
        "would delete along with them or which keep Kong from deleting them: %s. The run's own entities inside them "
        "are removed." % (owner, "; ".join(kept))
    )
