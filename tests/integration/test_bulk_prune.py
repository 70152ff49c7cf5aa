"""kong_entities prune=true with select_tags: a scoped sync of one entity type, as decK's --select-tag."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin

pytestmark = pytest.mark.kong


M = "aigateway.kong.kong_entities"


def seed(sim: Any) -> None:
    svc = admin.create(sim, "/services", {"name": "llm", "host": "llm.test"})
    for name, tags in (("keep", ["team-a"]), ("old", ["team-a"]), ("other", ["team-a", "x"]),
                       ("look-alike", None), ("team-b", ["team-b"])):
        admin.create(sim, "/routes", {"name": name, "paths": ["/" + name], "service": {"id": svc["id"]},
                                      "tags": tags})
    admin.create(sim, "/routes/old/plugins", {"name": "cors", "tags": ["team-a"]})


def routes_task(check: bool = False, **extra: Any) -> dict[str, Any]:
    args = {
        "entity": "routes",
        "defaults": {"tags": ["team-a"], "service": "llm"},
        "items": [{"name": "keep", "paths": ["/keep"]}, {"name": "new", "paths": ["/new"]}],
        "prune": True,
        "select_tags": ["team-a"],
        **extra,
    }
    task: dict[str, Any] = {"name": "routes of team-a", M: args}
    if check:
        task["check_mode"] = True
    return task


def names(sim: Any) -> list[str]:
    return sorted(r["name"] for r in admin.listing(sim, "/routes"))


def test_prune_deletes_only_tagged_entities_no_item_describes(kong: Any, run_playbook: Any) -> None:
    seed(kong)
    before = names(kong)
    preview = run_playbook([routes_task(check=True)], sim=kong, diff=True)
    result = preview["routes of team-a"]
    assert preview.rc == 0, preview.summary()
    assert result.changed and result.writes == []
    assert names(kong) == before  # check mode wrote nothing
    pruned = [r["msg"] for r in result.result["pruned"]]
    assert pruned == [
        "route 'old' deleted (not in items, carries select_tags team-a)",
        "route 'other' deleted (not in items, carries select_tags team-a)",
    ]
    assert {d["before"].get("name") for d in result.result["diff"] if d["after"] == {}} == {"old", "other"}
    assert '"name": "old"' in preview.stdout and '"name": "other"' in preview.stdout  # --diff shows each deletion
    assert any("plugin 'cors' (id" in w and "of route 'old'" in w for w in result.result.get("warnings", []))

    applied = run_playbook([routes_task()], sim=kong)
    assert applied.rc == 0, applied.summary()
    assert names(kong) == ["keep", "look-alike", "new", "team-b"]  # untagged look-alike and team-b survive
    assert admin.listing(kong, "/plugins") == []  # Kong cascaded the plugin of the pruned route
    deletes = [w["path"] for w in applied["routes of team-a"].writes if w["method"] == "DELETE"]
    assert len(deletes) == 2

    again = run_playbook([routes_task()], sim=kong)
    assert not again["routes of team-a"].changed and again["routes of team-a"].writes == []
    assert again["routes of team-a"].result["pruned"] == []


def test_prune_without_select_tags_is_refused_before_any_request(kong: Any, run_playbook: Any) -> None:
    seed(kong)
    run = run_playbook([routes_task(select_tags=[])], sim=kong)
    result = run["routes of team-a"]
    assert result.failed and "prune=true needs select_tags" in result.msg
    assert result.requests == []
    run = run_playbook([routes_task(prune=False)], sim=kong)
    assert run["routes of team-a"].failed and "select_tags is used only with prune=true" in run["routes of team-a"].msg


def test_nothing_pruned_when_an_item_failed(kong: Any, run_playbook: Any) -> None:
    seed(kong)
    task = routes_task()
    task[M]["items"].append({"name": "broken", "service": "missing"})
    run = run_playbook([task], sim=kong)
    assert run["routes of team-a"].failed and "nothing pruned" in run["routes of team-a"].msg
    assert "old" in names(kong)


def test_prune_keeps_a_consumer_holding_what_the_run_does_not_own(kong: Any, run_playbook: Any) -> None:
    """ben holds a key without the tags: Kong would delete it with him, so he is kept and named; dan's key carries
    the tags, so it goes with him and is reported."""
    for user in ("ann", "ben", "dan"):
        admin.create(kong, "/consumers", {"username": user, "tags": ["apps"]})
    admin.create(kong, "/consumers", {"username": "carl"})  # untagged look-alike
    admin.create(kong, "/consumers/ben/key-auth", {"key": "ben-secret-key-77"})
    admin.create(kong, "/consumers/dan/key-auth", {"key": "dan-secret-key-88", "tags": ["apps"]})
    task = {"name": "apps", M: {"entity": "consumers", "items": [{"username": "ann", "tags": ["apps"]}],
                                "prune": True, "select_tags": ["apps"]}}
    run = run_playbook([task], sim=kong, diff=True, verbosity=3)
    assert run.rc == 0, run.summary()
    assert sorted(c["username"] for c in admin.listing(kong, "/consumers")) == ["ann", "ben", "carl"]
    assert [c["key"] for c in admin.listing(kong, "/key-auths")] == ["ben-secret-key-77"]
    result = run["apps"].result
    assert [r["msg"] for r in result["pruned"]] == ["consumer 'dan' deleted (not in items, carries select_tags apps)"]
    assert len(result["kept"]) == 1 and result["kept"][0].startswith("consumer 'ben' (holds key-auth credential ")
    warnings = result.get("warnings", [])
    assert any("Not removed" in w and "consumer 'ben'" in w for w in warnings), warnings
    assert any("key-auth credential" in w and "of consumer 'dan'" in w for w in warnings), warnings
    assert "ben-secret-key-77" not in run.output and "dan-secret-key-88" not in run.output


def test_prune_targets_lists_them_upstream_by_upstream(kong: Any, run_playbook: Any) -> None:
    admin.create(kong, "/upstreams", {"name": "pool"})
    for target, tags in (("10.0.0.1:80", ["lb"]), ("10.0.0.2:80", ["lb"]), ("10.0.0.3:80", None)):
        admin.create(kong, "/upstreams/pool/targets", {"target": target, "tags": tags})
    item = {"upstream": "pool", "target": "10.0.0.1:80", "tags": ["lb"]}
    task = {"name": "targets", M: {"entity": "targets", "items": [item], "prune": True, "select_tags": ["lb"]}}
    run = run_playbook([task], sim=kong)
    assert run.rc == 0, run.summary()
    assert [r["msg"] for r in run["targets"].result["pruned"]] == [
        "target '10.0.0.2:80' of upstream 'pool' deleted (not in items, carries select_tags lb)"
    ]
    left = sorted(t["target"] for t in admin.listing(kong, "/upstreams/pool/targets"))
    assert left == ["10.0.0.1:80", "10.0.0.3:80"]  # the untagged target survives
