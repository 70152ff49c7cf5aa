"""Why kong_upstream warns of active health checks of type grpc or grpcs: Kong accepts them, but with an interval
above 0 its open-source health checker raises and the upstream gets no balancer. Checked through Kong's proxy, so
a release that runs them some day fails here and the warning can go."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from helpers.lifecycle import task
from helpers.llm_backends import backends
from helpers.through_proxy import CHAT, until

pytestmark = pytest.mark.kong

M = "aigateway.kong."
ACTIVE = {"grpcs-on": {"type": "grpcs", "healthy": {"interval": 5}}, "grpcs-off": {"type": "grpcs"}}


def failure(url: str) -> int | str:
    """How Kong answers a request through the upstream without balancer: 500 after up to 30 s, or (seen on 3.4.2
    under load) a connection closed without an answer."""
    try:
        return requests.post(url, json=CHAT, timeout=90).status_code
    except requests.ConnectionError:
        return "connection closed"


def test_grpc_active_checks_with_an_interval_leave_the_upstream_without_balancer(kong: Any, run_playbook: Any) -> None:
    # the checker's failure outlives the upstream (a later upstream's health stays empty), so this runs on a Kong
    # restarted for it, and restarts it again for the tests after it
    kong.kong.reset()
    try:
        with backends("replica") as (replica,):
            target = f"127.0.0.1:{replica.port}"
            tasks = []
            for name, active in ACTIVE.items():
                upstream = {"name": name, "healthchecks": {"active": active}}
                tasks += [
                    task(f"{name} upstream", M + "kong_upstream", upstream),
                    task(f"{name} upstream again", M + "kong_upstream", upstream),
                    task(f"{name} target", M + "kong_target", {"upstream": name, "target": target}),
                    task(f"{name} service", M + "kong_service", {"name": name, "host": name, "port": 80}),
                    task(f"{name} route", M + "kong_route", {"name": name, "service": name, "paths": [f"/{name}"]}),
                ]
            run = run_playbook(tasks, sim=kong)
            assert run.rc == 0, run.summary()
            assert not run["grpcs-on upstream again"].changed, run.summary()
            for step in ("grpcs-on upstream", "grpcs-on upstream again"):
                assert any("of type grpcs" in w for w in run[step].result.get("warnings", [])), run.summary()
            assert not run["grpcs-off upstream"].result.get("warnings"), run.summary()
            assert until(200, kong.proxy_url + "/grpcs-off").status_code == 200
            # routes reach the proxy together: grpcs-on's is there too
            assert failure(kong.proxy_url + "/grpcs-on") in (500, "connection closed")
    finally:
        kong.kong.reset()
