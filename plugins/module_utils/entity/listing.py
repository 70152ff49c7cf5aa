# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whole listings of one entity type, optionally only the entities carrying all of some tags.

Used by kong_entities' pruning and by kong_export. Internal: may change without notice.
"""

from __future__ import annotations

from typing import Any, Iterable

from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongAPIError
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES, EntitySpec

MAX_QUERY_TAGS = 5  # Kong refuses a ?tags= filter of more tags


def has_all_tags(entity: dict[str, Any], tags: Iterable[str]) -> bool:
    held = set(entity.get("tags") or ())
    return all(tag in held for tag in tags)


def list_all(client: Any, spec: EntitySpec, tags: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every entity of ``spec`` that carries all ``tags``.

    Kong filters top-level listings by tag (``?tags=a,b``: all of them); nested listings ignore the
    filter, so the tags are checked here too. An entity Kong lists only under its parent (targets) is
    read parent by parent.
    """
    tags = list(tags)
    query = {"tags": ",".join(tags)} if tags and len(tags) <= MAX_QUERY_TAGS else None
    try:
        rows = list(client.paginate("/" + spec.collection, query))
    except KongAPIError as exc:
        if exc.status != 404 or spec.parent is None:
            raise
        parent = ENTITIES[spec.parent.collection]
        rows = [
            row
            for owner in client.paginate("/" + parent.collection)
            for row in client.paginate("/%s/%s/%s" % (parent.collection, owner["id"], spec.parent.nested))
        ]
    return [row for row in rows if has_all_tags(row, tags)]
