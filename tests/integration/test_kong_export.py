"""kong_export's bad input and modes: an existing dest, an unreachable or DB-less Kong, a missing type, check mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from helpers import admin
from kongsim import KongSim

M = "aigateway.kong.kong_export"


def export(dest: Path, **args: Any) -> dict[str, Any]:
    return {"name": "export", M: {"dest": str(dest), **args}}


def test_existing_dest_is_refused_unless_force(kongsim: Any, run_playbook: Any, tmp_path: Path) -> None:
    admin.create(kongsim, "/services", {"name": "svc", "host": "a.test"})
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "mine.txt").write_text("keep")
    refused = run_playbook([export(dest)], sim=kongsim)["export"]
    assert refused.failed and "exists and is not empty; set force=true" in refused.msg
    assert refused.requests == [] and sorted(p.name for p in dest.iterdir()) == ["mine.txt"]
    forced = run_playbook([export(dest, force=True)], sim=kongsim)["export"]
    assert forced.changed and (dest / "playbook.yml").exists() and (dest / "mine.txt").read_text() == "keep"
    assert not forced.result["gateway"] and not (dest / "ai_gateway.yml").exists()
    again = run_playbook([export(dest, force=True)], sim=kongsim)["export"]
    assert not again.changed  # the same files: nothing written


def test_check_mode_writes_nothing(kongsim: Any, run_playbook: Any, tmp_path: Path) -> None:
    admin.create(kongsim, "/services", {"name": "svc", "host": "a.test"})
    run = run_playbook([export(tmp_path / "out")], sim=kongsim, check=True)
    assert run["export"].changed and not (tmp_path / "out").exists()
    assert run["export"].writes == []


def test_unreachable_kong_fails_and_writes_nothing(run_playbook: Any, tmp_path: Path) -> None:
    run = run_playbook([export(tmp_path / "out", admin_url="http://127.0.0.1:9", admin_retries=0)])
    assert run["export"].failed and "connection refused" in run["export"].msg
    assert not (tmp_path / "out").exists()


def test_dbless_kong_exports(run_playbook: Any, tmp_path: Path) -> None:
    with KongSim(host="127.0.0.1", port=0, database="off") as sim:
        run = run_playbook([export(tmp_path / "out")], sim=sim)
    assert run.rc == 0, run.summary()
    assert any("runs DB-less" in w for w in run["export"].result.get("warnings", []))
    assert (tmp_path / "out" / "playbook.yml").exists()


def test_requested_type_kong_does_not_have(kongsim: Any, run_playbook: Any, tmp_path: Path) -> None:
    admin.create(kongsim, "/consumers", {"username": "ann"})
    kongsim.inject_fault("GET", "hmac-auth", status=404, count=10)  # as a Kong without the hmac-auth plugin
    run = run_playbook([export(tmp_path / "out", entities=["consumers", "hmac-auths"])], sim=kongsim)
    assert run["export"].failed and run["export"].msg.endswith("has no hmac-auths")
    assert not (tmp_path / "out").exists()
    whole = run_playbook([export(tmp_path / "all")], sim=kongsim)["export"]
    assert not whole.failed and any("Kong has no hmac-auths" in w for w in whole.result.get("warnings", []))


def test_role_inventory_lists_what_it_does_not_describe(kongsim: Any, run_playbook: Any, tmp_path: Path) -> None:
    admin.create(kongsim, "/services", {"name": "llm", "url": "https://api.openai.com/v1"})
    admin.create(kongsim, "/services/llm/routes", {"name": "llm", "paths": ["/llm"], "preserve_host": True})
    admin.create(kongsim, "/routes/llm/plugins", {"name": "ai-proxy", "instance_name": "llm-ai-proxy", "config": {
        "route_type": "llm/v1/chat", "model": {"provider": "openai", "name": "gpt-4o"},
        "auth": {"header_name": "Authorization", "header_value": "Bearer sk-Zq-not-shown"}}})
    admin.create(kongsim, "/services/llm/plugins", {"name": "key-auth", "config": {"key_in_query": False}})
    admin.create(kongsim, "/plugins", {"name": "ip-restriction", "config": {"allow": ["10.0.0.0/8"]}})
    admin.create(kongsim, "/consumers", {"username": "eve"})
    admin.create(kongsim, "/consumers/eve/jwt", {"key": "eve-iss"})
    run = run_playbook([export(tmp_path / "out")], sim=kongsim, verbosity=3)
    result = run["export"].result
    assert result["gateway"] and "sk-Zq-not-shown" not in run.output
    notes = "\n".join(result["not_described"])
    for expected in ("service 'llm': path=/v1 not set by the role", "route 'llm': preserve_host=True not set",
                     "route 'llm' has no methods", "config.key_in_query=False not set by the role",
                     "plugin 'ip-restriction' (global) is not described", "jwt credential 'eve-iss' is not described"):
        assert expected in notes, notes
    text = (tmp_path / "out" / "ai_gateway.yml").read_text()
    assert "NOT DESCRIBED (kept in the playbook export only): route 'llm': preserve_host=True" in text
    assert "sk-Zq-not-shown" not in text and "sk-Zq-not-shown" in (tmp_path / "out" / "secrets.yml").read_text()


def test_placeholder_passwords_are_set_only_when_the_role_creates_them(
    kongsim: Any, run_playbook: Any, tmp_path: Path
) -> None:
    """Kong keeps only a hash of a basic-auth password: the role's variables get a placeholder with
    update_password: on_create, as the playbook's credential does, so adopting the Kong changes no password."""
    admin.create(kongsim, "/services", {"name": "llm", "url": "https://api.openai.com/v1"})
    admin.create(kongsim, "/services/llm/routes", {"name": "llm", "paths": ["/llm"], "methods": ["POST"]})
    admin.create(kongsim, "/routes/llm/plugins", {"name": "ai-proxy", "config": {
        "route_type": "llm/v1/chat", "model": {"provider": "openai", "name": "gpt-4o"},
        "auth": {"header_name": "Authorization", "header_value": "{vault://env/openai}"}}})
    admin.create(kongsim, "/services/llm/plugins", {"name": "basic-auth"})
    admin.create(kongsim, "/consumers", {"username": "ann"})
    admin.create(kongsim, "/consumers/ann/basic-auth", {"username": "ann", "password": "ann-pass-Wq21"})
    run = run_playbook([export(tmp_path / "out")], sim=kongsim)
    assert not run["export"].failed, run["export"].msg
    role = yaml.safe_load((tmp_path / "out" / "ai_gateway.yml").read_text())
    basic = role["ai_gateway_consumers"][0]["basic_auth"]
    assert basic["username"] == "ann" and basic["update_password"] == "on_create"
    held = yaml.safe_load((tmp_path / "out" / "secrets.yml").read_text())
    assert basic["password"][3:-3] in held and "ann-pass-Wq21" not in held.values()
    assert "PLACEHOLDER" in (tmp_path / "out" / "secrets.yml").read_text()
