"""The bulk and info paths of one entity type: kong_entities applies the items, kong_info lists them."""

from __future__ import annotations

from typing import Any

from helpers.lifecycle import task
from helpers.playbook import PlaybookRun


def bulk_info_tasks(entity: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    bulk = {"entity": entity, "items": items}
    return [
        task("bulk check", "aigateway.kong.kong_entities", bulk, check_mode=True, diff=True),
        task("bulk", "aigateway.kong.kong_entities", bulk, diff=True),
        task("bulk again", "aigateway.kong.kong_entities", bulk),
        task("info", "aigateway.kong.kong_info", {"entity": entity}),
    ]


def assert_bulk_info(run: PlaybookRun, entity: str, count: int, listed: int | None = None) -> list[dict[str, Any]]:
    """Check mode writes nothing, the first run creates every item, the second changes nothing, kong_info lists
    them (``listed`` entities in all, when Kong holds more); returns the listed entities."""
    check, bulk, again, info = run["bulk check"], run["bulk"], run["bulk again"], run["info"]
    assert check.changed and check.writes == [] and len(check.result["diff"]) == count, check.result
    assert bulk.changed and bulk.result["msg"] == f"{entity}: {count} created", run.summary()
    assert not again.changed and again.writes == [], again.result
    assert again.result["msg"] == f"{entity}: {count} unchanged", again.result
    assert len(info.result["entities"]) == (count if listed is None else listed), info.result
    return info.result["entities"]
