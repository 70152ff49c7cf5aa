"""Pruning and taking over: the role never changes or deletes what does not carry its tag."""

from __future__ import annotations

from typing import Any

import requests
from helpers import admin

from reliability.conftest import SiteRunner
from reliability.gateway import Gateway, expected, snapshot


class Shrunk(Gateway):
    """The same gateway after its owner removed the replicas and the consumer from inventory."""

    def variables(self, admin_url: str) -> dict[str, Any]:
        out = super().variables(admin_url)
        model = out["ai_gateway_models"][0]
        del model["replicas"]
        model["upstream_url"] = "http://ps-chat.example:8000/v1/chat/completions"
        out["ai_gateway_consumers"] = []
        return out


def test_prune_removes_only_tagged_entities(kongsim: Any, site: SiteRunner) -> None:
    gateway = Gateway("ps")
    # an untagged service named like the role's: the role refuses before writing anything
    admin.create(kongsim, "/services", {"name": "ps-chat", "host": "mine.example"})
    before = len(kongsim.writes())
    refused = site(gateway, kongsim.url)
    assert refused.run.rc != 0 and kongsim.writes()[before:] == [], kongsim.writes()[before:]
    failed = [t for t in refused.run.tasks if t.failed]
    assert failed and "service 'ps-chat'" in failed[0].msg and "\n" not in failed[0].msg.strip(), failed
    assert admin.entity(kongsim, "/services/ps-chat")["host"] == "mine.example"
    requests.delete(kongsim.url + "/services/ps-chat", timeout=10).raise_for_status()

    converged = site(gateway, kongsim.url)
    assert converged.run.rc == 0, converged.run.summary()
    assert snapshot(kongsim) == expected(gateway)
    # by hand, untagged: a target on the role's upstream, a key and a group on the role's consumer,
    # a plugin on the role's route, and an untagged consumer with an ACL group named like the role's
    admin.create(kongsim, "/upstreams/ps-chat-upstream/targets", {"target": "127.0.0.1:8199"})
    admin.create(kongsim, "/consumers/ps-user/key-auth", {"key": "hand-made-key"})
    admin.create(kongsim, "/consumers/ps-user/acls", {"group": "hand-made-group"})
    admin.create(kongsim, "/routes/ps-chat/plugins", {"name": "cors"})
    admin.create(kongsim, "/consumers", {"username": "ps-other"})
    admin.create(kongsim, "/consumers/ps-other/acls", {"group": "ps-team"})

    shrunk = site(Shrunk("ps"), kongsim.url)
    assert shrunk.run.rc == 0, shrunk.run.summary()
    after = snapshot(kongsim)
    problems = [
        f"{kind} {name} (untagged) was deleted"
        for kind, name in [("targets", "ps-chat-upstream/127.0.0.1:8199"), ("key-auths", "hand-made-key"),
                           ("acls", "hand-made-group"), ("consumers", "ps-other"), ("acls", "ps-team")]
        if name not in after[kind]
    ]
    if not any(p.startswith("cors") for p in after["plugins"]):
        problems.append("plugins cors on route ps-chat (untagged) was deleted")
    assert not problems, "\n".join(problems)
    # what the role owned inside the kept parents is gone
    assert "ps-chat-upstream/127.0.0.1:8101" not in after["targets"], after["targets"]
    assert gateway.secrets["key"] not in after["key-auths"] and "ps-user" not in after["basic-auths"], after
