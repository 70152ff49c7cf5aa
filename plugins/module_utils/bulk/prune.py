# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scoped sync for kong_entities: ``prune: true`` with ``select_tags``.

After the items are applied, the entities of the task's type that carry all of ``select_tags`` and
that no item describes are deleted, each through the engine (so check mode and ``--diff`` show every
deletion exactly as ``state: absent`` would). An item describes the entity its result names: the engine
found it the way the single-entity module finds it. Entities without all the tags are never read for
deletion. Pruning is refused without ``select_tags`` (before any request) and skipped when an item
failed (what the items describe is then not known). Children Kong deletes with a pruned entity
(plugins scoped to it, credentials, targets) are reported. Internal: may change without notice.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import REF, ref_id
from ansible_collections.aigateway.kong.plugins.module_utils.entity.engine import Engine
from ansible_collections.aigateway.kong.plugins.module_utils.entity.listing import list_all
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


def described_ids(spec: EntitySpec, results: list[dict[str, Any]]) -> set[str]:
    """The ids of the entities the items' results name (kept, updated, created, or deleted by the item)."""
    ids: set[str] = set()
    for result in results:
        diff = result.get("diff") or {}
        for entity in (result.get(spec.return_key), diff.get("before"), diff.get("after")):
            if isinstance(entity, dict) and isinstance(entity.get("id"), str):
                ids.add(entity["id"])
    return ids


def describe(spec: EntitySpec, entity: dict[str, Any]) -> str:
    """``service 'chat'``, ``plugin 'cors' (id ...)``: the identity Kong shows, never a secret."""
    for name in (*spec.identity, "name", "username", "custom_id", "target", "group"):
        field = spec.fields.get(name)
        value = entity.get(name)
        if field is not None and not field.secret and value:
            shown = ", ".join(value) if isinstance(value, list) else str(value)
            if name == "name" and spec.identity and spec.identity[0] != "name":
                return "%s '%s' (id %s)" % (spec.name, shown, entity.get("id"))
            return "%s '%s'" % (spec.name, shown)
    return "%s %s" % (spec.name, entity.get("id"))


def cascaded(client: Any, spec: EntitySpec, entity: dict[str, Any]) -> list[str]:
    """What Kong deletes together with ``entity``: its nested entities and the entities whose reference
    to it cascades (plugins scoped to it)."""
    found: list[str] = []
    for child in ENTITIES.values():
        if child.parent is not None and child.parent.collection == spec.collection:
            path = "/%s/%s/%s" % (spec.collection, entity["id"], child.parent.nested)
            rows = list(client.paginate(path))
        else:
            refs = [n for n, f in child.fields.items() if f.kind == REF and f.cascade and f.ref == spec.collection]
            if not refs:
                continue
            rows = [r for r in list_all(client, child) if any(ref_id(r.get(n)) == entity["id"] for n in refs)]
        found.extend("%s of %s" % (describe(child, row), describe(spec, entity)) for row in rows)
    return found


def delete_params(run: Any, entity: dict[str, Any]) -> dict[str, Any]:
    """The options of a ``state: absent`` item for ``entity`` (by id; its parent by id)."""
    spec = run.spec
    params = dict(run.connection, state="absent", id=entity["id"])
    if spec.parent is not None:
        params[spec.parent.option] = ref_id(entity.get(spec.parent.option))
    return params


def prune(run: Any, results: list[dict[str, Any]], failures: bool, task: dict[str, Any], tags: list[str]) -> None:
    """Delete what the items do not describe among the entities carrying all ``tags``; extend ``task``."""
    spec: EntitySpec = run.spec
    scope = "select_tags %s" % ", ".join(tags)
    if failures:
        task["msg"] += "; nothing pruned: an item failed, so what the items describe is not known"
        task["pruned"] = []
        return
    try:
        keep = described_ids(spec, results)
        doomed = [e for e in list_all(run.client, spec, tags) if e["id"] not in keep]
    except KongError as exc:
        task.update(failed=True, msg="%s; pruning (%s) failed: %s" % (task["msg"], scope, exc.describe("list")))
        return
    pruned: list[dict[str, Any]] = []
    errors: list[str] = []
    children: list[str] = []
    for entity in sorted(doomed, key=lambda e: (describe(spec, e), e["id"])):
        what = describe(spec, entity)
        engine = Engine(
            run.client, spec, delete_params(run, entity), check_mode=run.check_mode, warn=run.warn,
            check_connection=False,
        )
        try:
            below = cascaded(run.client, spec, entity)
            outcome = engine.run()
        except KongError as exc:
            message = exc.describe(engine.action)
            errors.append("%s: %s" % (what, message))
            pruned.append(dict(failed=True, changed=False, msg=message, **error_details(exc)))
            continue
        outcome["msg"] = "%s deleted (not in items, carries %s)" % (what, scope)
        if below:
            outcome["cascaded"] = below
            children.extend(below)
        pruned.append(outcome)
    task["pruned"] = pruned
    deleted = sum(1 for r in pruned if r.get("changed"))
    task["msg"] += "; pruned (%s): %d deleted" % (scope, deleted)
    task["changed"] = bool(task.get("changed")) or deleted > 0
    if run.diff_mode:
        task.setdefault("diff", []).extend(r["diff"] for r in pruned if r.get("changed") and r.get("diff"))
    if children:
        run.warn("Kong deletes these together with the pruned %s: %s" % (spec.collection, "; ".join(children)))
    if errors:
        task["failed"] = True
        task["msg"] += "; %d could not be pruned: %s" % (len(errors), "; ".join(errors))
