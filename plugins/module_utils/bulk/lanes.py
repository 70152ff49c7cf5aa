# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lanes for kong_entities: items that may address the same entity run in order, one lane at a time.

Two items share a lane when any of their identities match: the same ``id``, the same endpoint key (a
name, username, key, SNI), the same ``custom_id`` (consumers), the same plugin name and scope (Kong allows
one per scope), or the same parent for entities Kong keeps unique only under it (targets, acls). Lanes
are applied by a few threads; every result is the one the items would give one after the other.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Hashable

from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import EntitySpec


def identities(spec: EntitySpec, params: dict[str, Any]) -> list[Hashable]:
    """Every value by which Kong may tell that two items are one entity."""
    found: list[Hashable] = []
    if params.get("id"):
        found.append(("id", str(params["id"])))
    if spec.parent and spec.unique_under_parent:
        found.append((spec.parent.option, str(params.get(spec.parent.option))))
        return found
    for name in spec.identity:
        value = params.get(name)
        for one in value if isinstance(value, list) else [value]:
            if one not in (None, ""):
                found.append((name, str(one)))
    for label, fields in spec.unique.items():
        if params.get(fields[0]):
            found.append((label, *(str(params.get(name)) for name in fields)))
    return found


def lanes(keys: list[list[Hashable]]) -> list[list[int]]:
    """Group item indexes whose identities overlap (transitively); lanes and their items in item order."""
    root = list(range(len(keys)))

    def find(index: int) -> int:
        while root[index] != index:
            root[index] = root[root[index]]
            index = root[index]
        return index

    owner: dict[Hashable, int] = {}
    for index, item_keys in enumerate(keys):
        for key in item_keys:
            first, mine = find(owner.setdefault(key, index)), find(index)
            if first != mine:
                root[max(first, mine)] = min(first, mine)
    groups: dict[int, list[int]] = {}
    for index in range(len(keys)):
        groups.setdefault(find(index), []).append(index)
    return list(groups.values())


def run_lanes(
    groups: list[list[int]], apply: Callable[[int], None], workers: int, busy: Callable[[], bool] = lambda: True
) -> None:
    """``apply`` every index: each lane in order, up to ``workers`` lanes at once (the next lane in item order
    goes to the first free thread). An exception ``apply`` lets through stops the run and is raised here.

    Lanes run one at a time until ``busy()`` (threads only pay off once there is waiting to overlap, such as
    writes; a run that only reads gains nothing from them)."""
    if workers <= 1 or len(groups) <= 1:
        for index in sorted(i for group in groups for i in group):
            apply(index)
        return
    pending = iter(groups)
    for group in pending:
        for index in group:
            apply(index)
        if busy():
            break
    else:
        return
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        while not errors:
            with lock:
                group = next(pending, None)
            if group is None:
                return
            try:
                for index in group:
                    apply(index)
            except BaseException as exc:  # re-raised in the calling thread
                errors.append(exc)

    threads = [threading.Thread(target=work, daemon=True) for _n in range(min(workers, len(groups)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
