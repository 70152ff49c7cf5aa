# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the ai_gateway role finds in Kong: entities it must not take over, and entities to prune.

Only entities holding the role's tag are ever pruned. Kong deletes a consumer's credentials and
plugins, an upstream's targets and a route's or service's plugins and routes with their parent, so a
parent holding anything without the tag is kept (and reported); only the role's own children inside
it are removed.

The plan is computed from registered results of other tasks (kong_info listings, kong_entities apply
tasks); it fails closed: a result that is failed, skipped, partial (``report: changed``) or out of step
with what the role applied is refused (``PruneRefused``) rather than read as "nothing to keep".

INTERNAL: the role's filters and this file are not a public API of the collection and may change at any time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES

# collection -> the field naming an entity the role manages (Kong's endpoint key)
IDENTITY = {c: str(ENTITIES[c].endpoint_key) for c in ("upstreams", "services", "routes", "consumers", "plugins")}


def _credential(collection: str, variable: str) -> tuple[str, str, str]:
    """(collection, the role's variable, the field that tells its credentials apart: ``id`` for a secret)."""
    spec = ENTITIES[collection]
    field = spec.identity[0]
    return collection, variable, "id" if spec.fields[field].secret else field


CREDENTIALS = tuple(
    _credential(c, v) for c, v in (("key-auths", "key_auths"), ("basic-auths", "basic_auths"), ("acls", "acls"))
)


# What pruning reads of the apply tasks: the targets task's results (which targets each upstream keeps) and
# the key-auth task's ids (a key is secret, so kept keys are known by the ids the items resolved to).
APPLIED_RESULTS = {"targets": "targets"}
APPLIED_IDS = {"key_auths": "key-auths"}


class PruneRefused(ValueError):
    """The registered results the plan would read are not complete and consistent: nothing is planned."""


def _results(registered: Any, what: str) -> list[Any]:
    if not isinstance(registered, Mapping):
        raise PruneRefused("%s: no results (the task did not run)" % what)
    if registered.get("skipped") and registered.get("results") != []:  # a loop over no items is skipped, and complete
        raise PruneRefused("%s: no results (the task did not run)" % what)
    if registered.get("failed"):
        raise PruneRefused("%s: the task failed" % what)
    results = registered.get("results")
    if not isinstance(results, list):
        raise PruneRefused("%s: no results (the task did not run)" % what)
    return results


def listings(registered: Any, what: str, required: Iterable[str] = ()) -> dict[str, list[dict[str, Any]]]:
    """``{item: entities}`` from a registered kong_info loop, refused unless every listing (and every
    ``required`` item) is there."""
    out: dict[str, list[dict[str, Any]]] = {}
    for result in _results(registered, what):
        item = result.get("item") if isinstance(result, Mapping) else None
        if not isinstance(result, Mapping) or result.get("failed") or result.get("skipped"):
            raise PruneRefused("%s: the listing of %s failed or did not run" % (what, item))
        if not isinstance(result.get("entities"), list):
            raise PruneRefused("%s: the listing of %s holds no entities" % (what, item))
        out[item] = list(result["entities"])
    missing = sorted(set(required) - set(out))
    if missing:
        raise PruneRefused("%s: no listing of %s" % (what, ", ".join(missing)))
    return out


def applied_results(applied: Mapping[str, Any], desired: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What the plan reads of the apply tasks, refused unless it is complete and successful: for targets one
    result per item, in order (the task ran with ``report: all``); for key-auths one id per item, in order."""
    out: dict[str, list[Any]] = {}
    for variable, collection in APPLIED_RESULTS.items():
        spec = ENTITIES[collection]
        what = "the %s applied" % collection
        wanted = list(desired.get(variable) or [])
        results = _results(applied.get(variable), what) if wanted or applied.get(variable) is not None else []
        if any(isinstance(r, Mapping) and "index" in r for r in results):
            raise PruneRefused("%s: only some results were reported (report: changed); pruning needs all" % what)
        if len(results) != len(wanted):
            raise PruneRefused("%s: %d results for %d items" % (what, len(results), len(wanted)))
        parent = spec.parent.option if spec.parent else None
        for index, (result, item) in enumerate(zip(results, wanted, strict=True)):
            if not isinstance(result, Mapping) or result.get("failed"):
                raise PruneRefused("%s: item %d failed" % (what, index))
            given = result.get("item")
            if not isinstance(given, Mapping) or not isinstance(result.get(spec.return_key), Mapping):
                raise PruneRefused("%s: item %d has no %s" % (what, index, spec.return_key))
            if parent and given.get(parent) != item.get(parent):
                raise PruneRefused("%s: item %d is not the one the role applied" % (what, index))
        out[variable] = list(results)
    for variable, collection in APPLIED_IDS.items():
        what = "the %s applied" % collection
        wanted = list(desired.get(variable) or [])
        registered = applied.get(variable)
        if not wanted and registered is None:
            out[variable] = []
            continue
        _results(registered, what)  # ran, did not fail
        ids = registered.get("ids")
        if not isinstance(ids, list):
            raise PruneRefused("%s: the task returned no ids" % what)
        if len(ids) != len(wanted):
            raise PruneRefused("%s: %d ids for %d items" % (what, len(ids), len(wanted)))
        out[variable] = list(ids)
    return out


def by_item(registered: Mapping[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """``{item: entities}`` from a registered kong_info loop."""
    return {r["item"]: list(r.get("entities") or []) for r in (registered or {}).get("results") or []}


def tagged(entity: Mapping[str, Any], tag: str) -> bool:
    return tag in (entity.get("tags") or [])


def ref_id(entity: Mapping[str, Any], field: str) -> Any:
    """The id of the entity ``field`` points at (None when unset)."""
    value = entity.get(field)
    return value.get("id") if isinstance(value, Mapping) else None


def names(entities: Iterable[Mapping[str, Any]], field: str) -> set[Any]:
    return {entity.get(field) for entity in entities}


def identities(desired: Mapping[str, Any]) -> dict[str, Any]:
    """What the collision check reads of the desired entities: their names by type, and the global plugins.
    Far smaller than the entities, so the role passes this to the check rather than every entity."""
    scopes = ("service", "route", "consumer")
    return {
        "names": {kind: sorted(str(n) for n in names(desired[kind], field) if n) for kind, field in IDENTITY.items()},
        "global_plugins": sorted({p["name"] for p in desired["plugins"] if not any(p.get(s) for s in scopes)}),
    }


def is_identities(desired: Mapping[str, Any]) -> bool:
    return set(desired) == {"names", "global_plugins"}


def collisions(existing: Mapping[str, list[dict[str, Any]]], known: Mapping[str, Any], tag: str) -> list[str]:
    """Entities the role would manage that exist in Kong without its tag; ``known``: the desired ``identities``."""
    global_plugins = set(known["global_plugins"])
    out = []
    for kind, field in IDENTITY.items():
        wanted = set(known["names"][kind])
        for entity in existing.get(kind) or []:
            if tagged(entity, tag):
                continue
            if entity.get(field) in wanted:
                out.append("%s '%s'" % (ENTITIES[kind].name, entity[field]))
            elif (
                kind == "plugins"
                and entity.get("name") in global_plugins
                and not any(entity.get(scope) for scope in ("service", "route", "consumer"))
            ):
                out.append("global plugin '%s'" % entity["name"])
    return out


class PrunePlan:
    """The role's entities in Kong that inventory no longer describes, as kong_entities items (state absent)."""

    def __init__(
        self,
        tag: str,
        desired: Mapping[str, Any],
        existing: Mapping[str, list[dict[str, Any]]],
        credentials: Mapping[str, list[dict[str, Any]]],
        targets: Mapping[str, list[dict[str, Any]]],
        applied: Mapping[str, Any],
    ) -> None:
        self.tag = tag
        self.desired = desired
        self.existing = {kind: list(existing.get(kind) or []) for kind in IDENTITY}
        self.credentials = credentials
        self.targets = targets
        self.applied = applied_results(applied, desired)
        self.kept: list[str] = []
        foreign = [p for p in self.existing["plugins"] if not tagged(p, tag)]
        self.foreign_plugins = {
            scope: {ref_id(p, scope) for p in foreign} for scope in ("service", "route", "consumer")
        }

    def owned(self, kind: str) -> list[dict[str, Any]]:
        """The role's entities of ``kind`` that inventory no longer describes."""
        wanted = names(self.desired[kind], IDENTITY[kind])
        return [e for e in self.existing[kind] if tagged(e, self.tag) and e.get(IDENTITY[kind]) not in wanted]

    def keep(self, kind: str, name: str) -> None:
        self.kept.append("%s '%s'" % (kind, name))

    def routes(self) -> tuple[list[dict[str, Any]], set[str]]:
        out, ids = [], set()
        for route in self.owned("routes"):
            if route["id"] in self.foreign_plugins["route"]:
                self.keep("route", route["name"])
            else:
                out.append({"name": route["name"], "state": "absent"})
                ids.add(route["id"])
        return out, ids

    def services(self, removed_routes: set[str]) -> list[dict[str, Any]]:
        out = []
        for service in self.owned("services"):
            remaining = [
                r
                for r in self.existing["routes"]
                if ref_id(r, "service") == service["id"] and r["id"] not in removed_routes
            ]
            if remaining or service["id"] in self.foreign_plugins["service"]:
                self.keep("service", service["name"])
            else:
                out.append({"name": service["name"], "state": "absent"})
        return out

    def upstreams_and_targets(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        wanted_upstreams = names(self.desired["upstreams"], "name")
        applied = self.applied["targets"]
        upstreams, targets = [], []
        for upstream, entities in self.targets.items():
            wanted = {r["target"]["target"] for r in applied if (r.get("item") or {}).get("upstream") == upstream}
            for target in entities:
                if tagged(target, self.tag) and target["target"] not in wanted:
                    targets.append({"upstream": upstream, "target": target["target"], "state": "absent"})
            if upstream not in wanted_upstreams:
                if any(not tagged(t, self.tag) for t in entities):
                    self.keep("upstream", upstream)
                else:
                    upstreams.append({"name": upstream, "state": "absent"})
        return upstreams, targets

    def consumers(self) -> tuple[list[dict[str, Any]], set[str]]:
        foreign_owners = {
            ref_id(c, "consumer")
            for kind, _key, _field in CREDENTIALS
            for c in self.credentials.get(kind) or []
            if not tagged(c, self.tag)
        }
        out, owners = [], names(self.desired["consumers"], "username")
        for consumer in self.owned("consumers"):
            if consumer["id"] in foreign_owners or consumer["id"] in self.foreign_plugins["consumer"]:
                self.keep("consumer", consumer["username"])
                owners.add(consumer["username"])
            else:
                out.append({"username": consumer["username"], "state": "absent"})
        return out, owners

    def stale_credentials(self, owners: set[str]) -> dict[str, list[dict[str, Any]]]:
        """Credentials of kept consumers that inventory no longer describes (a deleted consumer takes its own)."""
        usernames = {c["id"]: c["username"] for c in self.existing["consumers"]}
        wanted = {
            "key-auths": {i for i in self.applied["key_auths"] if i},
            "basic-auths": {(c["consumer"], c["username"]) for c in self.desired["basic_auths"]},
            "acls": {(c["consumer"], c["group"]) for c in self.desired["acls"]},
        }
        out: dict[str, list[dict[str, Any]]] = {}
        for kind, key, field in CREDENTIALS:
            out[key] = []
            for credential in self.credentials.get(kind) or []:
                owner = usernames.get(ref_id(credential, "consumer"), "")
                if not tagged(credential, self.tag) or owner not in owners:
                    continue
                identity = credential.get(field) if kind == "key-auths" else (owner, credential.get(field))
                if identity not in wanted[kind]:
                    out[key].append({"consumer": owner, field: credential.get(field), "state": "absent"})
        return out

    def plan(self) -> dict[str, Any]:
        plugins = [{"id": p["id"], "name": p["name"], "state": "absent"} for p in self.owned("plugins")]
        routes, route_ids = self.routes()
        services = self.services(route_ids)
        upstreams, targets = self.upstreams_and_targets()
        consumers, owners = self.consumers()
        plan: dict[str, Any] = {"plugins": plugins, "routes": routes, "services": services, "targets": targets}
        plan.update(upstreams=upstreams, consumers=consumers, **self.stale_credentials(owners))
        plan["kept"] = self.kept
        return plan
