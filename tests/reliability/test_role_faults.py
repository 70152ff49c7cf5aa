"""The ai_gateway role (playbooks/site.yml) against a flaky Admin API, an interrupted run, and --check."""

from __future__ import annotations

import re
from typing import Any

from helpers import admin

from reliability.conftest import SiteRunner
from reliability.gateway import Gateway, assert_check_writes_nothing, expected, snapshot
from reliability.proxy import FaultProxy

ID = "[0-9a-f-]{36}"


def statuses(sim: Any, method: str, path: str) -> list[int]:
    return [r["status"] for r in sim.request_log() if r["method"] == method and re.search(path, r["path"])]


def test_role_survives_transient_faults(kongsim: Any, proxy: FaultProxy, site: SiteRunner) -> None:
    """Drifted and stale role entities; every kind of request meets a fault once; one run converges."""
    gateway = Gateway("rf")
    tags = [gateway.tag]
    admin.create(kongsim, "/services", {"name": "rf-chat", "host": "drifted.example", "tags": tags})
    admin.create(kongsim, "/services", {"name": "rf-gone", "host": "gone.example", "tags": tags})
    admin.create(kongsim, "/services/rf-gone/routes", {"name": "rf-gone", "paths": ["/gone"], "tags": tags})
    admin.create(kongsim, "/consumers", {"username": "rf-gone", "tags": tags})
    assert_check_writes_nothing(kongsim, site, gateway, expect_changes=True)  # drifted, partly converged

    faults = [
        ("GET", "^/upstreams$", {"status": 503}),
        ("GET", "^/services$", {"status": 429}),  # listings: the role reads each entity type once
        ("PATCH", f"^/services/{ID}$", {"status": 502}),
        ("PATCH", f"^/services/{ID}$", {"drop": True, "status": None}),
        ("GET", "^/consumers$", {"drop": True, "status": None}),
        ("DELETE", f"^/routes/{ID}$", {"status": 504}),
        ("DELETE", f"^/services/{ID}$", {"status": 503}),
        ("DELETE", f"^/consumers/{ID}$", {"drop": True, "status": None}),
    ]
    for method, path, spec in faults:
        kongsim.inject_fault(method, path, **spec)
    for path in (f"^/upstreams/{ID}/targets$", "^/consumers$", "^/plugins$", f"^/consumers/{ID}/key-auth$"):
        proxy.lose_answer("POST", path)
    result = site(gateway, proxy.url)
    assert result.run.rc == 0, result.run.summary()
    for method, path, spec in faults:
        seen = statuses(kongsim, method, path)
        assert (0 if spec.get("drop") else spec["status"]) in seen, (method, path, seen)
    assert len(proxy.lost) == 4, proxy.lost
    assert snapshot(kongsim) == expected(gateway)
    assert admin.entity(kongsim, "/services/rf-chat")["host"] == "rf-chat-upstream"


def seed_user_entities(sim: Any) -> None:
    """Entities a person made by hand, without the role's tag."""
    admin.create(sim, "/services", {"name": "user-svc", "host": "user.example"})
    admin.create(sim, "/services/user-svc/routes", {"name": "user-route", "paths": ["/user"]})
    admin.create(sim, "/consumers", {"username": "user-c"})
    admin.create(sim, "/consumers/user-c/key-auth", {"key": "user-key-1"})
    admin.create(sim, "/plugins", {"name": "cors"})


USER_ENTITIES = {
    "services": ["user-svc"],
    "routes": ["user-route"],
    "consumers": ["user-c"],
    "key-auths": ["user-key-1"],
    "plugins": ["cors@"],
}


def user_view(snap: dict[str, list[str]]) -> dict[str, list[str]]:
    """The snapshot with the global cors plugin's id dropped (its key is name@id)."""
    return {k: [v.split("@")[0] + "@" if "@" in v and k == "plugins" else v for v in vals] for k, vals in snap.items()}


def test_interrupted_run_is_completed_by_the_next(kongsim: Any, proxy: FaultProxy, site: SiteRunner) -> None:
    gateway = Gateway("ri")
    seed_user_entities(kongsim)
    assert_check_writes_nothing(kongsim, site, gateway, expect_changes=True)  # nothing of the role's yet

    # halfway through, Kong creates the consumer, its answer is lost and the Admin API stops answering
    proxy.lose_answer("POST", "^/consumers$", then_cut=True)
    broken = site(gateway, proxy.url)
    assert broken.run.rc != 0, broken.run.summary()
    failed = [t for t in broken.run.tasks if t.failed]
    assert [t.name for t in failed] == ["Converge Kong to the gateway description"], [t.name for t in failed]
    msg = failed[0].msg
    assert "\n" not in msg.strip() and msg.startswith("1 of 1 consumers failed"), msg
    assert f"{proxy.url}/consumers" in msg, msg
    partial = snapshot(kongsim)
    assert partial["consumers"] == ["ri-user", "user-c"] and partial["key-auths"] == ["user-key-1"], partial

    completed = site(gateway, kongsim.url)
    assert completed.run.rc == 0, completed.run.summary()
    assert user_view(snapshot(kongsim)) == user_view(expected(gateway, USER_ENTITIES))
