"""Paging and tag filters beyond what the recorded transcripts cover."""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from kongsim import KongSim


@pytest.fixture(scope="module")
def sim() -> Iterator[KongSim]:
    with KongSim() as sim:
        with requests.Session() as session:
            for i in range(250):
                tags = ["even" if i % 2 == 0 else "odd", f"tens-{i // 10}"] + (["fives"] if i % 5 == 0 else [])
                body = {"username": f"user-{i:03d}", "tags": tags}
                assert session.post(sim.url + "/consumers", json=body, timeout=10).status_code == 201
        yield sim


def _walk(sim: KongSim, first: str) -> list[dict[str, Any]]:
    """Follow `next` links from `first`; returns the pages' bodies."""
    pages, path = [], first
    while path is not None:
        body = requests.get(sim.url + path, timeout=10).json()
        pages.append(body)
        assert len(pages) < 400, "paging does not terminate"
        path = body["next"]
    return pages


def test_default_size_is_100_and_pages_cover_everything_once_in_id_order(sim: KongSim) -> None:
    pages = _walk(sim, "/consumers")
    assert [len(p["data"]) for p in pages] == [100, 100, 50]
    ids = [c["id"] for p in pages for c in p["data"]]
    assert len(set(ids)) == 250
    assert ids == sorted(ids)
    assert "offset" in pages[0] and "offset" in pages[1]
    assert "offset" not in pages[2]


def test_offset_token_and_next_link_format(sim: KongSim) -> None:
    first = requests.get(sim.url + "/consumers?size=3", timeout=10).json()
    last_id = first["data"][-1]["id"]
    padded = first["offset"] + "=" * (-len(first["offset"]) % 4)
    assert json.loads(base64.b64decode(padded)) == [last_id]
    assert "=" not in first["offset"]
    assert first["next"] == f"/consumers?offset={urllib.parse.quote(first['offset'], safe='')}&size=3"


def test_exact_multiple_has_no_offset_on_the_last_page(sim: KongSim) -> None:
    pages = _walk(sim, "/consumers?size=125")
    assert [len(p["data"]) for p in pages] == [125, 125]
    assert pages[-1]["next"] is None and "offset" not in pages[-1]
    whole = requests.get(sim.url + "/consumers?size=1000", timeout=10).json()
    assert len(whole["data"]) == 250 and whole["next"] is None and "offset" not in whole


def test_offset_of_a_deleted_entity_still_continues(sim: KongSim) -> None:
    requests.post(sim.url + "/services", json={"name": "tmp-a", "host": "a.test"}, timeout=10)
    requests.post(sim.url + "/services", json={"name": "tmp-b", "host": "b.test"}, timeout=10)
    first = requests.get(sim.url + "/services?size=1", timeout=10).json()
    requests.delete(sim.url + "/services/" + first["data"][0]["id"], timeout=10)
    rest = requests.get(sim.url + first["next"], timeout=10).json()
    assert len(rest["data"]) == 1 and rest["data"][0]["id"] > first["data"][0]["id"]
    for name in ("tmp-a", "tmp-b"):
        requests.delete(sim.url + "/services/" + name, timeout=10)


def test_tag_filter_pages_are_full_and_next_carries_tags_then_size(sim: KongSim) -> None:
    pages = _walk(sim, "/consumers?tags=odd&size=40")
    assert [len(p["data"]) for p in pages] == [40, 40, 40, 5]
    assert all("odd" in c["tags"] for p in pages for c in p["data"])
    offset = urllib.parse.quote(pages[0]["offset"], safe="")
    assert pages[0]["next"] == f"/consumers?offset={offset}&tags=odd&size=40"


def test_tag_and_or_filters_across_pages(sim: KongSim) -> None:
    both = [c for p in _walk(sim, "/consumers?tags=even,fives&size=7") for c in p["data"]]
    assert sorted(c["username"] for c in both) == [f"user-{i:03d}" for i in range(0, 250, 10)]
    either = [c for p in _walk(sim, "/consumers?tags=tens-0/tens-24&size=6") for c in p["data"]]
    assert sorted(c["username"] for c in either) == [f"user-{i:03d}" for i in [*range(10), *range(240, 250)]]


def test_next_link_escapes_the_tag_expression(sim: KongSim) -> None:
    page = requests.get(sim.url + "/consumers?tags=even,fives&size=2", timeout=10).json()
    offset = urllib.parse.quote(page["offset"], safe="")
    assert page["next"] == f"/consumers?offset={offset}&tags=even%2Cfives&size=2"
    page = requests.get(sim.url + "/consumers?tags=tens-0/tens-1&size=2", timeout=10).json()
    assert page["next"].endswith("&tags=tens-0%2Ftens-1&size=2")


def test_nested_collection_next_has_no_size(sim: KongSim) -> None:
    requests.post(sim.url + "/services", json={"name": "paged", "host": "p.test"}, timeout=10)
    for i in range(5):
        requests.post(sim.url + "/services/paged/routes", json={"paths": [f"/p{i}"]}, timeout=10)
    page = requests.get(sim.url + "/services/paged/routes?size=2", timeout=10).json()
    assert len(page["data"]) == 2
    assert page["next"] == f"/services/paged/routes?offset={urllib.parse.quote(page['offset'], safe='')}"
    rest = _walk(sim, page["next"])
    # Without size the follow-up pages use the default size, so the remaining three come at once.
    assert [len(p["data"]) for p in rest] == [3]


def test_tags_endpoint_lists_one_row_per_entity_and_tag(sim: KongSim) -> None:
    rows = [r for p in _walk(sim, "/tags/fives?size=20") for r in p["data"]]
    assert len(rows) == 50
    assert {r["entity_name"] for r in rows} == {"consumers"}
    assert {r["tag"] for r in rows} == {"fives"}
    assert requests.get(sim.url + "/tags/no-such-tag", timeout=10).json() == {"data": [], "next": None}
