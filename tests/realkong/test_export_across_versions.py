"""The upgrade path users take: a Kong 3.4 LTS exported and converged into a Kong 3.9, every entity as 3.4 held it;
and the way back refused, by name, where 3.4 cannot hold what 3.9 does. Runs in the 3.9.1 real-Kong stage, with a
Kong 3.4.2 of its own."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import admin, realkong
from helpers.certs import make_cert
from helpers.kong_state import normalised, playbook

pytestmark = [pytest.mark.kong, pytest.mark.min_kong("3.9.1")]

REPO = Path(__file__).resolve().parents[2]
OLD = "3.4.2"


@pytest.fixture(scope="module")
def lts_kong() -> Iterator[realkong.RealKong]:
    if os.environ.get("KONG_TEST_ADMIN_URL"):
        pytest.skip(f"needs a Kong {OLD} beside the Kong under test: ../shared/kong-runtime")
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
    # a guest slot: the 3.4.2 stage, running beside this one, has this worker's 3.4.2 Kongs
    kong = realkong.start(OLD, worker, Path(os.environ.get("KONG_TEST_DIR", "/tmp/aigateway-kong-tests")), slot=2)
    try:
        yield kong
    finally:
        kong.stop()


class Admin:
    """``helpers.admin``'s view of a Kong: its URL."""

    def __init__(self, url: str) -> None:
        self.url = url


def seed(old: Admin) -> None:
    pair = make_cert("lts.example.test", dns_names=("lts.example.test",))
    admin.create(old, "/certificates", {"cert": pair.cert_pem, "key": pair.key_pem, "snis": ["lts.example.test"]})
    admin.create(old, "/upstreams", {"name": "pool", "algorithm": "least-connections"})
    admin.create(old, "/upstreams/pool/targets", {"target": "10.0.0.1:8080", "weight": 50})
    admin.create(old, "/services", {"name": "api", "host": "pool", "protocol": "http", "tags": ["lts"]})
    admin.create(old, "/services/api/routes", {"name": "api", "paths": ["/api"], "methods": ["POST"]})
    admin.create(old, "/services/api/plugins", {"name": "basic-auth", "config": {"hide_credentials": True}})
    admin.create(old, "/consumers", {"username": "ops", "custom_id": "ops-1"})
    admin.create(old, "/consumers/ops/basic-auth", {"username": "ops", "password": "lts-password-71"})
    admin.create(old, "/consumers/ops/key-auth", {"key": "lts-key-72"})
    admin.create(old, "/consumers/ops/acls", {"group": "admins"})
    admin.create(old, "/consumers/ops/plugins", {"name": "rate-limiting", "instance_name": "ops-limit", "config": {
        "minute": 30, "policy": "redis", "redis_host": "127.0.0.1", "redis_port": 6390, "redis_timeout": 1500}})


def held_as_before(old: dict[str, list[str]], new: dict[str, list[str]]) -> list[str]:
    """Every field an entity had on the old Kong has the same value on the new one (the new release adds fields
    with their defaults, and echoes rate-limiting's flat redis_* names beside its redis record)."""
    problems = []
    for collection, entries in old.items():
        theirs = [json.loads(e) for e in new.get(collection, [])]
        for entry in (json.loads(e) for e in entries):
            if not any(within(entry, other) for other in theirs):
                problems.append(f"{collection}: {entry} has no counterpart in {theirs}")
    return problems


def within(part: Any, whole: Any) -> bool:
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(k in whole and within(v, whole[k]) for k, v in part.items())
    return part == whole


def test_a_kong_3_4_exported_converges_into_3_9_and_back_is_refused_by_name(
    kong: Any, lts_kong: realkong.RealKong, collection_path: Path, tmp_path: Path
) -> None:
    lts_kong.wipe()
    old = Admin(lts_kong.admin_url)
    seed(old)
    dest = tmp_path / "export"
    export = playbook(tmp_path / "export-run", collection_path, REPO / "playbooks" / "export.yml",
                      {"kong_admin_url": old.url, "export_dest": str(dest)})
    assert export.rc == 0, export.summary()
    for run in ("converge", "again"):
        converge = playbook(tmp_path / run, collection_path, dest / "playbook.yml", {"kong_admin_url": kong.url})
        assert converge.rc == 0, converge.summary()
        assert "lts-password-71" not in converge.output and "lts-key-72" not in converge.output
    assert [t.name for t in converge.tasks if t.changed] == [], converge.summary()
    assert held_as_before(normalised(old), normalised(kong)) == []
    limit = admin.entity(kong, "/plugins/ops-limit")["config"]
    assert (limit["redis"]["host"], limit["redis"]["port"]) == ("127.0.0.1", 6390), limit  # 3.9's own form

    # the way back: what 3.9 holds and 3.4 cannot is refused by name, before any write
    admin.create(kong, "/routes/api/plugins", {"name": "ai-proxy", "instance_name": "api-ai", "config": {
        "route_type": "llm/v1/chat", "model": {"provider": "openai", "name": "gpt-4o-mini"},
        "auth": {"header_name": "Authorization", "header_value": "Bearer sk-lts-73"}}})
    back = tmp_path / "back"
    export = playbook(tmp_path / "export-back", collection_path, REPO / "playbooks" / "export.yml",
                      {"kong_admin_url": kong.url, "export_dest": str(back)})
    assert export.rc == 0, export.summary()
    lts_kong.wipe()
    refused = playbook(tmp_path / "converge-back", collection_path, back / "playbook.yml", {"kong_admin_url": old.url})
    assert refused.rc != 0, refused.summary()
    failed = [t for t in refused.tasks if t.failed]
    assert len(failed) == 1 and f"ai-proxy needs Kong 3.6 or later; this Kong is {OLD}" in failed[0].msg, failed
    assert admin.listing(old, "/plugins") == [] or all(p["name"] != "ai-proxy" for p in admin.listing(old, "/plugins"))
