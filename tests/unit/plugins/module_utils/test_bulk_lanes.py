# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lanes: items that may be one entity share a lane; lanes run on threads, each lane in item order."""

from __future__ import annotations

import threading
import time

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.bulk.lanes import identities, lanes, run_lanes
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import CREDENTIALS, ENTITIES


def test_identities_name_every_way_kong_tells_items_apart() -> None:
    assert identities(ENTITIES["consumers"], {"username": "ann", "custom_id": "c1"}) == [
        ("username", "ann"),
        ("custom_id", "c1"),
    ]
    assert identities(ENTITIES["consumers"], {"id": "x", "username": None}) == [("id", "x")]
    plugin = {"instance_name": "rl", "name": "rate-limiting", "consumer": "ann", "service": None, "route": None}
    assert identities(ENTITIES["plugins"], plugin) == [
        ("instance_name", "rl"),
        ("scope", "rate-limiting", "None", "None", "ann"),
    ]
    assert identities(ENTITIES["certificates"], {"snis": ["a.test", "b.test"]}) == [
        ("snis", "a.test"),
        ("snis", "b.test"),
    ]
    # unique only under the parent: one lane per consumer (acls) or upstream (targets)
    assert identities(CREDENTIALS["acl"], {"consumer": "ann", "group": "gold"}) == [("consumer", "ann")]
    assert identities(ENTITIES["targets"], {"upstream": "pool", "target": "a:80"}) == [("upstream", "pool")]
    assert identities(CREDENTIALS["key-auth"], {"consumer": "ann", "key": "k1"}) == [("key", "k1")]


def test_items_sharing_any_identity_share_a_lane_in_item_order() -> None:
    keys = [["a"], ["b"], ["a"], ["c"], ["d", "b"], [], ["c", "a"]]
    assert lanes(keys) == [[0, 2, 3, 6], [1, 4], [5]]
    assert lanes([]) == []


def test_one_worker_applies_items_strictly_in_order() -> None:
    seen: list[int] = []
    run_lanes([[0, 2], [1, 3]], seen.append, 1)
    assert seen == [0, 1, 2, 3]


def test_workers_keep_each_lane_in_order() -> None:
    seen: list[tuple[int, str]] = []
    lock = threading.Lock()

    def apply(index: int) -> None:
        time.sleep(0.002 * (index % 3))
        with lock:
            seen.append((index, threading.current_thread().name))

    groups = [[0, 4, 8], [1, 5], [2, 6, 9], [3, 7]]
    run_lanes(groups, apply, 3)
    assert sorted(i for i, _thread in seen) == list(range(10))
    for group in groups:
        assert [i for i, _thread in seen if i in group] == group
        assert len({thread for i, thread in seen if i in group}) == 1
    assert len({thread for _i, thread in seen}) > 1


def test_an_unexpected_error_stops_the_run_and_is_raised() -> None:
    def apply(index: int) -> None:
        if index == 3:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_lanes([[i] for i in range(20)], apply, 4)


def test_lanes_run_in_the_calling_thread_until_busy() -> None:
    threads: dict[int, str] = {}
    writes: list[int] = []

    def apply(index: int) -> None:
        threads[index] = threading.current_thread().name
        if index == 2:
            writes.append(index)  # the first write: from here on lanes may overlap

    run_lanes([[i] for i in range(12)], apply, 4, busy=lambda: bool(writes))
    caller = threading.current_thread().name
    assert [threads[i] for i in range(3)] == [caller] * 3
    assert sorted(threads) == list(range(12)) and any(threads[i] != caller for i in range(3, 12))


def test_a_run_that_is_never_busy_uses_no_threads() -> None:
    threads: set[str] = set()

    def apply(_index: int) -> None:
        threads.add(threading.current_thread().name)

    run_lanes([[i] for i in range(12)], apply, 4, busy=lambda: False)
    assert threads == {threading.current_thread().name}
