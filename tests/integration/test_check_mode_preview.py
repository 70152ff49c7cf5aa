"""A whole gateway in one play: --check --diff on an empty Kong previews every change and writes nothing,
even where a task refers to entities that earlier tasks would create; then apply, then nothing is left to do."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin
from helpers.certs import make_cert
from helpers.lifecycle import task

pytestmark = pytest.mark.kong


M = "aigateway.kong."
CERT = make_cert("gw.example.test", dns_names=("gw.example.test",))


def gateway_tasks() -> list[dict[str, Any]]:
    return [
        task("upstream", M + "kong_upstream", {"name": "llm-pool", "healthchecks": {"active": {"http_path": "/h"}}}),
        task("target", M + "kong_target", {"upstream": "llm-pool", "target": "10.1.0.1:8080", "weight": 10}),
        task("service", M + "kong_service", {"name": "llm", "host": "llm-pool", "protocol": "http"}),
        task("route", M + "kong_route", {"name": "chat", "service": "llm", "paths": ["/chat"]}),
        task("consumer", M + "kong_consumer", {"username": "team-a"}),
        task("credential", M + "kong_consumer_credential",
             {"consumer": "team-a", "type": "key-auth", "key": "{{ team_a_key }}"}),
        task("acl", M + "kong_consumer_credential", {"consumer": "team-a", "type": "acl", "group": "chat-users"}),
        task("key-auth plugin", M + "kong_plugin", {"name": "key-auth", "route": "chat"}),
        task("rate limit", M + "kong_plugin", {"name": "rate-limiting", "route": "chat", "consumer": "team-a",
                                               "config": {"minute": 30}}),
        task("global plugin", M + "kong_plugin", {"name": "correlation-id", "instance_name": "corr"}),
        task("certificate", M + "kong_certificate", {"cert": CERT.cert_pem, "key": CERT.key_pem,
                                                     "snis": ["gw.example.test"]}),
        task("info", M + "kong_info", {"entity": "plugins"}),
    ]


def test_preview_apply_converged(kong: Any, run_playbook: Any) -> None:
    extra = {"team_a_key": "preview-key-8c1f"}
    preview = run_playbook(gateway_tasks(), sim=kong, check=True, diff=True, extra_vars=extra)
    assert preview.rc == 0, preview.summary()
    changed = {t.name for t in preview.tasks if t.changed}
    assert changed == {t["name"] for t in gateway_tasks()} - {"info"}, changed
    assert kong.writes() == [], kong.writes()
    assert all(t.diff.get("after") for t in preview.tasks if t.changed), [t.diff for t in preview.tasks]

    applied = run_playbook(gateway_tasks(), sim=kong, diff=True, extra_vars=extra)
    assert applied.rc == 0, applied.summary()
    assert {t.name for t in applied.tasks if t.changed} == changed
    assert len(applied["info"].result["entities"]) == 3

    again = run_playbook(gateway_tasks(), sim=kong, check=True, diff=True, extra_vars=extra)
    assert again.rc == 0 and [t.name for t in again.tasks if t.changed] == [], again.summary()
    assert all(t.writes == [] for t in again.tasks)
    route = admin.entity(kong, "/routes/chat")
    assert route is not None and route["service"]["id"] == admin.entity(kong, "/services/llm")["id"]
    [limit] = [p for p in admin.listing(kong, "/plugins") if p["name"] == "rate-limiting"]
    assert limit["route"]["id"] == route["id"] and limit["config"]["minute"] == 30
    assert "preview-key-8c1f" not in preview.output + applied.output + again.output
