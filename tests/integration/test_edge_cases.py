"""Identity edge cases: names that look like UUIDs, and plugins found among more than one page."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import task

pytestmark = pytest.mark.kong


M = "aigateway.kong."
UUID_NAME = "7a1e2f30-1111-4222-8333-944445555666"
UUID_KEY = {"consumer": "app", "type": "key-auth", "key": UUID_NAME}


def test_uuid_like_names_and_paging(kong: Any, run_playbook: Any) -> None:
    """Kong reads a UUID-shaped key as an id, so such names must be found by listing; a global plugin is
    told apart from scoped ones of the same name even past Kong's first page of plugins."""
    for i in range(110):
        admin.create(kong, "/services", {"name": f"s{i:03d}", "host": "h.example"})
        admin.create(kong, f"/services/s{i:03d}/plugins", {"name": "rate-limiting", "config": {"minute": 5}})
    admin.create(kong, "/consumers", {"username": "app"})
    last = "s109"
    run = run_playbook(
        [
            task("uuid consumer", M + "kong_consumer", {"username": UUID_NAME}),
            task("uuid consumer again", M + "kong_consumer", {"username": UUID_NAME}),
            task("uuid key", M + "kong_consumer_credential", UUID_KEY),
            task("uuid key again", M + "kong_consumer_credential", UUID_KEY),
            task("global", M + "kong_plugin", {"name": "rate-limiting", "config": {"minute": 1}}),
            task("global again", M + "kong_plugin", {"name": "rate-limiting", "config": {"minute": 1}}),
            task("last scoped", M + "kong_plugin", {"name": "rate-limiting", "service": last, "config": {"minute": 5}}),
            task("last scoped change", M + "kong_plugin", {"name": "rate-limiting", "service": last,
                                                           "config": {"minute": 6}}),
            task("uuid consumer delete", M + "kong_consumer", {"username": UUID_NAME, "state": "absent"}),
        ],
        sim=kong,
    )
    assert run.rc == 0, run.summary()
    expected = {"uuid consumer": True, "uuid consumer again": False, "uuid key": True, "uuid key again": False,
                "global": True, "global again": False, "last scoped": False, "last scoped change": True,
                "uuid consumer delete": True}
    assert {t.name: t.changed for t in run.tasks} == expected
    plugins = admin.listing(kong, "/plugins")
    assert len(plugins) == 111
    assert [p["config"]["minute"] for p in plugins if p["service"] is None] == [1]
    assert [c["username"] for c in admin.listing(kong, "/consumers")] == ["app"]
