# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The entity engine: one algorithm for every entity, driven by an ``EntitySpec``.

build desired -> find existing -> absent: DELETE | missing: POST | found: PATCH only the delta.
Check mode and ``--diff`` run the same path; only the write is skipped and its answer predicted.
"""

from __future__ import annotations

import copy
import re
from enum import Enum
from typing import Any, Callable
from urllib.parse import urlsplit

from ansible.module_utils.common.dict_transformations import recursive_diff
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import (
    RETRY_STATUSES,
    KongClient,
    check_tls_files,
    quote_key,
)
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import (
    KongAPIError,
    KongConnectionError,
    KongError,
    KongValidationError,
)
from ansible_collections.aigateway.kong.plugins.module_utils.entity.compare import (
    RECORD,
    REF,
    SET,
    dedupe,
    deep_merge,
    differs,
    mask_paths,
    values_at,
)
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import SINGULAR, EntitySpec
from ansible_collections.aigateway.kong.plugins.module_utils.entity.validate import check_write
from ansible_collections.aigateway.kong.plugins.module_utils.secrets.live import live_secret_values, masked_paths

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
NOISE_FIELDS = ("created_at", "updated_at", "ttl")


class Outcome(Enum):
    """What a task did to its entity; the value is the word its message ends with."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    ABSENT = "absent"


class Posted(Enum):
    """How a POST ended: the entity was created, an earlier unanswered POST of this task was applied, or it
    exists because someone else created it."""

    CREATED = "created"
    APPLIED = "applied"
    EXISTS = "exists"


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(UUID_RE.match(value))


def validate_connection(params: dict[str, Any]) -> None:
    url = params.get("admin_url") or ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KongValidationError("admin_url '%s' must be an http:// or https:// URL with a host" % url)
    if params.get("timeout") is not None and params["timeout"] <= 0:
        raise KongValidationError("timeout must be greater than 0 (got %s)" % params["timeout"])
    if params.get("admin_retries") is not None and params["admin_retries"] < 0:
        raise KongValidationError("admin_retries must be 0 or more (got %s)" % params["admin_retries"])
    if params.get("client_key") and not params.get("client_cert"):
        raise KongValidationError("client_key requires client_cert")
    problem = check_tls_files(params)
    if problem:
        raise KongValidationError(problem)


class Engine:
    """Drives one entity task. Independent of AnsibleModule so it can be unit-tested."""

    def __init__(
        self,
        client: KongClient,
        spec: EntitySpec,
        params: dict[str, Any],
        check_mode: bool = False,
        warn: Callable[[str], None] | None = None,
        check_connection: bool = True,
        brief: bool = False,
    ) -> None:
        """``check_connection``: validate the connection options (False when the task has done so already).
        ``brief``: the result of an item that did not change is only counted (kong_entities' ``report=changed``),
        so it carries no entity and its entity is not masked."""
        self.client = client
        self.brief = brief
        self.check_connection = check_connection
        self.spec = spec
        self.params = params
        self.check_mode = check_mode
        self.warn = warn or (lambda message: None)
        self.state = params.get("state") or "present"
        self.label = spec.label(params)
        self.action = "look up %s" % self.label
        self.parent_id: str | None = None
        self.outcome: Outcome | None = None  # set by run()
        self._references: dict[tuple[str, str], Any] = {}
        self.found: Any = None  # the entity Kong holds, once looked up
        self.entity: Any = None  # the entity the result stands for (unmasked), once run() returned
        self.validated = False  # the options passed validate(): Kong may be asked for schemas

    # -- paths and requests ------------------------------------------------------------------

    quote = staticmethod(quote_key)

    def collection_path(self) -> str:
        parent = self.spec.parent
        if parent:
            return "/%s/%s/%s" % (parent.collection, self.parent_id, parent.nested)
        return "/%s" % self.spec.collection

    def item_path(self, key: str) -> str:
        return "%s/%s" % (self.collection_path(), quote_key(key))

    def get(self, path: str) -> Any:
        return self.client.get_or_none(path)

    def find_default(self, desired: dict[str, Any]) -> Any:
        """By ``id``, else by the first identity option given.

        The collection is listed and filtered instead when the value looks like a UUID (Kong would read it as
        an id) or is a secret (an API key must not end up in the Admin API's access log).
        """
        if self.spec.parent and self.parent_id is None:
            return None
        if self.params.get("id"):
            return self.get(self.item_path(self.params["id"]))
        for key in self.spec.identity:
            value = desired.get(key)
            if not value:
                continue
            field = self.spec.fields.get(key)
            if is_uuid(value) or (field is not None and field.secret):
                return next((e for e in self.client.paginate(self.collection_path()) if e.get(key) == value), None)
            return self.get(self.item_path(value))
        return None

    def find(self, desired: dict[str, Any]) -> Any:
        self.action = "look up %s" % self.label
        if self.spec.find:
            return self.spec.find(self, desired)
        return self.find_default(desired)

    def reference(self, collection: str, value: str, option: str) -> dict[str, Any] | None:
        """Resolve a name-or-id reference to ``{"id": ...}``; None when it does not exist."""
        key = (collection, value)
        if key not in self._references:
            self.action = "look up %s '%s' (option %s) for %s" % (
                SINGULAR.get(collection, collection),
                value,
                option,
                self.label,
            )
            found = self.get("/%s/%s" % (collection, quote_key(value)))
            self._references[key] = {"id": found["id"]} if found else None
        return self._references[key]

    def resolve(self, collection: str, value: str, option: str) -> dict[str, Any]:
        found = self.reference(collection, value, option)
        if found:
            return found
        what = "%s '%s' (option %s)" % (SINGULAR.get(collection, collection), value, option)
        if self.state == "absent":
            return {"name": value}
        if self.check_mode:
            self.warn("%s does not exist; assuming an earlier task creates it" % what)
            return {"name": value}
        raise KongValidationError("%s: %s was not found" % (self.label, what))

    def ensure_writable(self, action: str) -> None:
        """Fail before any write when Kong runs without a database (its Admin API is read-only then)."""
        self.action = action
        if self.client.database_mode() == "off":
            raise KongError(
                "Kong at %s runs in DB-less mode (database=off): its Admin API cannot create, change "
                "or delete %s; manage that node with declarative configuration instead"
                % (self.client.shown_base, self.spec.collection)
            )

    # -- desired state -----------------------------------------------------------------------

    def validate(self) -> None:
        if self.check_connection:
            validate_connection(self.params)
        for name, field in self.spec.fields.items():
            value = self.params.get(name)
            if value is None or not field.between:
                continue
            low, high = field.between
            if not low <= value <= high:
                raise KongValidationError(
                    "%s: %s must be between %d and %d (got %s)" % (self.label, name, low, high, value)
                )

    def build_desired(self) -> dict[str, Any]:
        desired: dict[str, Any] = {}
        for name, field in self.spec.fields.items():
            value = self.params.get(name)
            if value is None:
                continue
            desired[name] = dedupe(value) if field.kind == SET else copy.deepcopy(value)
        if self.spec.normalize:
            self.spec.normalize(self, desired)
        return desired

    def resolve_parent(self) -> bool:
        parent = self.spec.parent
        if not parent:
            return True
        value = self.params[parent.option]
        found = self.reference(parent.collection, value, parent.option)
        if found:
            self.parent_id = found["id"]
            return True
        if self.state == "present" and not self.check_mode:
            raise KongValidationError(
                "%s: %s '%s' (option %s) was not found" % (self.label, parent.label, value, parent.option)
            )
        if self.state == "present":
            self.warn(
                "%s '%s' (option %s) does not exist; assuming an earlier task creates it"
                % (parent.label, value, parent.option)
            )
        return False

    def resolve_references(self, desired: dict[str, Any]) -> None:
        for name, field in self.spec.fields.items():
            if field.kind == REF and desired.get(name) is not None:
                desired[name] = self.resolve(field.ref or "", desired[name], name)

    # -- the algorithm -----------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        self.validate()
        self.validated = True
        desired = self.build_desired()
        parent_exists = self.resolve_parent()
        self.resolve_references(desired)
        existing = self.find(desired) if parent_exists else None
        self.found = existing
        if self.state == "absent":
            return self.remove(existing)
        if existing is None:
            return self.create(desired)
        return self.update(desired, existing, changed=False)

    def remove(self, existing: Any) -> dict[str, Any]:
        if existing is None:
            return self.result(False, {}, None, None, Outcome.ABSENT)
        self.ensure_writable("delete %s" % self.label)
        if self.spec.before_delete:
            self.spec.before_delete(self, existing)
        if not self.check_mode:
            try:
                self.client.request("DELETE", self.item_path(existing["id"]))
            except KongAPIError as exc:
                if exc.status != 404:
                    raise
        return self.result(True, existing, {}, existing, Outcome.DELETED)

    def create(self, desired: dict[str, Any]) -> dict[str, Any]:
        body = copy.deepcopy(desired)
        if self.params.get("id"):
            body["id"] = self.params["id"]
        self.ensure_writable("create %s" % self.label)
        if self.check_mode or (self.spec.parent and self.parent_id is None):
            if self.check_mode:
                parent = self.spec.parent
                path = self.collection_path()
                if parent and self.parent_id is None:  # the path the real run would use once the parent exists
                    path = "/%s/%s/%s" % (parent.collection, quote_key(self.params[parent.option]), parent.nested)
                check_write(self, "POST", path, body)
            predicted = copy.deepcopy(body)
            if self.spec.parent:
                predicted[self.spec.parent.option] = (
                    {"id": self.parent_id} if self.parent_id else {"name": self.params[self.spec.parent.option]}
                )
            if self.spec.predict:
                self.spec.predict(self, predicted)
            return self.result(True, None, predicted, None, Outcome.CREATED)
        posted, entity = self.post(body, desired)
        if posted is Posted.CREATED:
            return self.result(True, None, entity, None, Outcome.CREATED)
        return self.update(desired, entity, changed=posted is Posted.APPLIED)

    def post(self, body: dict[str, Any], desired: dict[str, Any]) -> tuple[Posted, Any]:
        """POST once; after a lost race (409) or a transient failure, look the entity up before trying again.

        Returns (CREATED, entity), (APPLIED, entity) when an earlier POST of this task got no answer (or a
        5xx) and the entity exists now, i.e. that POST was applied, or (EXISTS, entity) when someone else
        created it first (a 409, or a 429, on a POST that Kong certainly did not apply).
        """
        attempts = 1 + self.client.retries
        unanswered = False  # an earlier attempt may have been applied by Kong without us hearing about it
        for attempt in range(attempts):
            self.action = "create %s" % self.label
            try:
                return Posted.CREATED, self.client.request("POST", self.collection_path(), body=body)
            except KongAPIError as exc:
                if exc.status == 409:
                    existing = self.find(desired)
                    if existing:
                        return (Posted.APPLIED if unanswered else Posted.EXISTS), existing
                    self.action = "create %s" % self.label  # the conflict is the POST's, not the lookup's
                    raise
                if exc.status not in RETRY_STATUSES:
                    raise
                error: KongError = exc
                unanswered = unanswered or exc.status >= 500
            except KongConnectionError as exc:
                if not exc.transient:
                    raise
                error = exc
                unanswered = True
            existing = self.find(desired)
            if existing:
                return (Posted.APPLIED if unanswered else Posted.EXISTS), existing
            if attempt == attempts - 1:
                self.action = "create %s" % self.label
                raise error
            self.client.backoff(attempt, None, "POST failed (%s)" % error)
        raise AssertionError("unreachable")  # pragma: no cover

    def delta(self, desired: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
        changes = {}
        for name, value in desired.items():
            field = self.spec.fields[name]
            if field.create_only:
                continue
            verdict = self.spec.compare(self, name, value, existing.get(name)) if self.spec.compare else None
            if verdict is None:
                verdict = differs(field.kind, value, existing.get(name))
            if verdict:
                changes[name] = value
        return changes

    def update(self, desired: dict[str, Any], existing: dict[str, Any], changed: bool) -> dict[str, Any]:
        """PATCH the delta. ``changed``: a POST of this task whose answer was lost created ``existing``."""
        changes = self.delta(desired, existing)
        if not changes:
            if changed:
                return self.result(True, None, existing, existing, Outcome.CREATED)
            return self.result(False, existing, existing, existing, Outcome.UNCHANGED)
        self.ensure_writable("update %s" % self.label)
        if self.check_mode:
            after = copy.deepcopy(existing)
            for name, value in changes.items():
                kind = self.spec.fields[name].kind
                after[name] = deep_merge(existing.get(name), value) if kind == RECORD else copy.deepcopy(value)
            if self.spec.predict:
                self.spec.predict(self, after)
            check_write(self, "PATCH", self.item_path(existing["id"]), after)
        else:
            after = self.client.request("PATCH", self.item_path(existing["id"]), body=changes)
        if changed:  # nothing existed before this task: the diff and the message say so
            return self.result(True, None, after, existing, Outcome.CREATED)
        return self.result(True, existing, after, existing, Outcome.UPDATED)

    # -- results -----------------------------------------------------------------------------

    def secret_values(self) -> list[str]:
        """Secret values inside structured options (plugin config) that Ansible must never print.

        Plugins and vaults: the paths their schema on the managed Kong marks secret (the plugin named in the
        options, and the one found when the task names it by id or instance_name)."""
        if self.spec.collection in ("plugins", "vaults") and self.validated:
            return live_secret_values(self.client, self.spec, self.params, self.found, self.warn)
        dynamic = self.spec.dynamic_secret_paths(self.params, None) if self.spec.dynamic_secret_paths else ()
        inside = self.spec.secret_values(self.params) if self.spec.secret_values else []
        return values_at(self.params, dynamic) + inside

    def mask(self, entity: Any, like: Any = None) -> Any:
        """Mask secrets; ``like`` is the full entity when ``entity`` is only part of it (a diff)."""
        if not isinstance(entity, dict):
            return entity
        whole = like if like is not None else entity
        masked = mask_paths(entity, masked_paths(self.client, self.spec, self.params, whole, self.warn))
        return self.spec.redact(masked) if self.spec.redact else masked

    def result(self, changed: bool, before: Any, after: Any, existing: Any, outcome: Outcome) -> dict[str, Any]:
        self.outcome = outcome
        msg = "%s %s" % (self.label, "already absent" if outcome is Outcome.ABSENT else outcome.value)
        entity = after if after is not None else (existing if self.state == "present" else {})
        self.entity = entity
        if self.brief and not changed:
            return {"changed": False, self.spec.return_key: {}, "diff": {"before": {}, "after": {}}, "msg": msg}
        diff_before, diff_after = self.diff(before, after)
        return {
            "changed": changed,
            self.spec.return_key: self.mask(entity) or {},
            "diff": {"before": diff_before, "after": diff_after},
            "msg": msg,
        }

    def diff(self, before: Any, after: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        if (before is None and after is None) or before is after:  # the same entity: nothing changed
            return {}, {}
        if before is None or after is None or not before or not after:
            return self.mask(before or {}), self.mask(after or {})
        trimmed_before = {k: v for k, v in before.items() if k not in NOISE_FIELDS}
        trimmed_after = {k: v for k, v in after.items() if k not in NOISE_FIELDS}
        changes = recursive_diff(trimmed_before, trimmed_after)
        if not changes:
            return {}, {}
        return self.mask(changes[0], before), self.mask(changes[1], after)
