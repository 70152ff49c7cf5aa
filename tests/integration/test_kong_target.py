"""kong_target against any Kong: lifecycle, target normalisation, upstream by name or id."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks, task

pytestmark = pytest.mark.kong

TARGET = "aigateway.kong.kong_target"

LIFECYCLE = Lifecycle(
    module="kong_target",
    present={"upstream": "pool", "target": "10.0.0.7", "weight": 50, "tags": ["ai"]},
    absent={"upstream": "pool", "target": "10.0.0.7:8000"},
    return_key="target",
    path="/upstreams/pool/targets/10.0.0.7:8000",
    expect={"target": "10.0.0.7:8000", "weight": 50, "tags": ["ai"]},
    updates=[Update("weight", 0), Update("tags", ["ai", "canary"])],
)


def test_lifecycle(kong: Any, run_playbook: Any) -> None:
    admin.create(kong, "/upstreams", {"name": "pool"})
    run = run_playbook(lifecycle_tasks(LIFECYCLE, kong.url), sim=kong)
    assert_lifecycle(run, LIFECYCLE)
    assert admin.listing(kong, "/upstreams/pool/targets") == []


def test_target_forms(kong: Any, run_playbook: Any) -> None:
    """host, host:8000 and the upstream's id name one target; another port is another target."""
    pool = admin.create(kong, "/upstreams", {"name": "pool"})
    run = run_playbook(
        [
            task("create", TARGET, {"upstream": "pool", "target": "llm.internal"}),
            task("explicit port", TARGET, {"upstream": "pool", "target": "llm.internal:8000"}),
            task("upstream id", TARGET, {"upstream": pool["id"], "target": "llm.internal"}),
            task("other port", TARGET, {"upstream": "pool", "target": "llm.internal:9000", "weight": 10}),
            task("ipv6", TARGET, {"upstream": "pool", "target": "[::1]"}),
            task("ipv6 again", TARGET, {"upstream": "pool", "target": "[::1]:8000"}),
            task("missing upstream", TARGET, {"upstream": "nope", "target": "x"}, ignore_errors=True),
        ],
        sim=kong,
    )
    assert run["create"].changed, run.summary()
    assert run["create"].result["target"]["target"] == "llm.internal:8000"
    for name in ("explicit port", "upstream id", "ipv6 again"):
        assert not run[name].changed and run[name].writes == [], (name, run[name].result)
    assert run["other port"].changed and run["ipv6"].changed
    targets = {t["target"]: t["weight"] for t in admin.listing(kong, "/upstreams/pool/targets")}
    ipv6 = "[0000:0000:0000:0000:0000:0000:0000:0001]:8000"  # Kong stores IPv6 targets expanded
    assert targets == {"llm.internal:8000": 100, "llm.internal:9000": 10, ipv6: 100}, targets
    missing = run["missing upstream"]
    assert missing.failed and "nope" in missing.msg and missing.writes == [], missing.result
