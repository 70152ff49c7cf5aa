"""Two pipelines at once against one Kong: same inventory, and two inventories that share nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from reliability.conftest import SiteRunner
from reliability.gateway import Gateway, assert_check_writes_nothing, expected, record_figure, snapshot
from reliability.proxy import FaultProxy


def test_same_inventory_twice_at_once(site: SiteRunner) -> None:
    """Both runs succeed and Kong ends as one run leaves it: no duplicate, nothing missing, and a
    --check run afterwards finds nothing to change and writes nothing.

    A proxy holds each POST until the other run sends the same one, so the runs really race for every
    create: one gets 201, the other 409, looks the entity up and carries on. The Admin API requires a
    token here, one more secret the output must not show.
    """
    from kongsim import KongSim

    token = "rc-admin-token-Lq83Ns0Ze1"
    gateway = Gateway("rc", admin_token=token)
    with KongSim(port=0, admin_token=token) as sim:
        proxy = FaultProxy(sim.url).start()
        proxy.pair_posts(window=4.0)
        try:
            with ThreadPoolExecutor(2) as pool:
                results = [r.result() for r in [pool.submit(site, gateway, proxy.url) for _run in range(2)]]
        finally:
            proxy.stop()
        for result in results:
            assert result.run.rc == 0, result.run.summary()
        assert snapshot(sim, token) == expected(gateway)
        posts = [r["status"] for r in sim.request_log() if r["method"] == "POST"]
        creates = sum(len(names) for names in expected(gateway).values())
        record_figure(f"race: {posts.count(201)} creates, {posts.count(409)} lost to the other run (409), "
                      f"{proxy.paired} POSTs sent at the same time")
        assert posts.count(201) == creates and posts.count(409) >= creates // 2, posts
        assert_check_writes_nothing(sim, site, gateway, expect_changes=False)


def test_two_gateways_with_prune_leave_each_other_alone(kongsim: Any, site: SiteRunner) -> None:
    """Two inventories, each with pruning on and its own ai_gateway_tag, on one Kong."""
    first, second = Gateway("ga"), Gateway("gb")
    with ThreadPoolExecutor(2) as pool:
        results = [r.result() for r in [pool.submit(site, g, kongsim.url) for g in (first, second)]]
    for result in results:
        assert result.run.rc == 0, result.run.summary()
    both = {k: sorted(v + expected(second)[k]) for k, v in expected(first).items()}
    assert snapshot(kongsim) == both
    again = site(first, kongsim.url)  # now the first gateway's read sees everything the second one made
    assert again.run.rc == 0, again.run.summary()
    assert snapshot(kongsim) == both, "one gateway's prune removed the other's entities"
