# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check mode asks the managed Kong whether it would accept a write: ``POST /schemas/{entity}/validate``.

Kong's validate endpoints run its schema (defaults, types, ranges, regexes, plugin names and configs,
entity checks) and store nothing; they do not check uniqueness or that referenced entities exist. Only an
entity that would be created or changed is sent (the body the real run would POST, or the entity after the
PATCH), so ``--check`` fails with the line the real run would fail with, naming the write and Kong's field.
"""

from __future__ import annotations

import copy
from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongAPIError
from ansible_collections.aigateway.kong.plugins.module_utils.api.node import node
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES
from ansible_collections.aigateway.kong.plugins.module_utils.entity.versions import unvalidated_fields

# an id for references that do not exist yet in check mode (Kong's validation does not look them up)
PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000"
NOT_FIELDS = ("ttl",)  # options Kong takes beside the entity's fields


def validate_path(collection: str) -> str:
    if collection == "plugins":
        return "/schemas/plugins/validate"
    return "/schemas/%s/validate" % ENTITIES[collection].schema_name


def validation_body(engine: Any, entity: dict[str, Any]) -> dict[str, Any]:
    """``entity`` as Kong would validate it: parent set, references not created yet replaced by a placeholder."""
    skipped = NOT_FIELDS + unvalidated_fields(node(engine.client), engine.spec.collection)
    body = {k: copy.deepcopy(v) for k, v in entity.items() if k not in skipped}
    parent = engine.spec.parent
    if parent:
        body[parent.option] = {"id": engine.parent_id or PLACEHOLDER_ID}
    for name, value in body.items():
        if isinstance(value, dict) and "id" not in value and set(value) == {"name"}:
            body[name] = {"id": PLACEHOLDER_ID}
    return body


def check_write(engine: Any, method: str, path: str, entity: dict[str, Any]) -> None:
    """Raise the error Kong would answer ``method path`` with, when its schema refuses ``entity``.

    A Kong without the endpoint (or that cannot answer) only gets a warning: check mode then predicts
    from the options alone, as it always did.
    """
    client = getattr(engine.client, "client", engine.client)  # past kong_entities' listing cache: not a write
    try:
        client.request("POST", validate_path(engine.spec.collection), body=validation_body(engine, entity))
    except KongAPIError as exc:
        if exc.status == 400:
            raise KongAPIError(method, path, exc.status, exc.body) from None
        engine.warn("check mode could not ask Kong to validate %s (%s)" % (engine.label, exc.describe()))
