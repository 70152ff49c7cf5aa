"""kong_export round trips: export a Kong, converge the export into an empty Kong, both hold the same entities.

Each state is exported from one Kong with playbooks/export.yml, the exported playbook is converged (-vvv --diff)
into a second, empty Kong of the same kind (simulators, or two real Kongs), and the two are compared by a
normalised listing (names for references, no ids or timestamps); a second converge changes nothing. No secret of
the state appears in the playbook, the role's variables or any output; secrets.yml holds them with mode 0600.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import admin
from helpers.certs import make_cert
from helpers.kong_state import normalised, playbook
from helpers.kong_under_test import at_least

pytestmark = pytest.mark.kong

REPO = Path(__file__).resolve().parents[2]
DECK_STATE = REPO / "tests" / "fixtures" / "deck" / "sample-state.yaml"


def export_and_converge(tmp_path: Path, collections: Path, source: Any, target: Any,
                        secrets: list[str], hashed: tuple[str, ...] = ()) -> Path:
    """``hashed``: secrets Kong keeps only as a hash (basic-auth passwords), which cannot be exported."""
    dest = tmp_path / "export"
    export = playbook(tmp_path / "export-run", collections, REPO / "playbooks" / "export.yml",
                      {"kong_admin_url": source.url, "export_dest": str(dest)})
    assert export.rc == 0, export.summary()
    assert export["Write the export"].changed
    playbook_text = (dest / "playbook.yml").read_text()
    secrets_file = dest / "secrets.yml"
    assert stat.S_IMODE(os.stat(secrets_file).st_mode) == 0o600
    exported = playbook_text + ((dest / "ai_gateway.yml").read_text() if (dest / "ai_gateway.yml").exists() else "")
    for value in secrets:
        assert value not in exported, f"secret {value[:6]}... in the export"
        assert value not in export.output, f"secret {value[:6]}... in the export's output"
        assert (value in secrets_file.read_text()) is (value not in hashed)

    first = playbook(tmp_path / "converge-1", collections, dest / "playbook.yml", {"kong_admin_url": target.url})
    assert first.rc == 0, first.summary()
    for value in secrets:
        assert value not in first.output, f"secret {value[:6]}... in the converge output (-vvv --diff)"
    assert normalised(target) == normalised(source)
    second = playbook(tmp_path / "converge-2", collections, dest / "playbook.yml", {"kong_admin_url": target.url})
    assert second.rc == 0, second.summary()
    assert [t.name for t in second.tasks if t.changed] == []
    return dest


def load_deck_state(sim: Any, state: dict[str, Any]) -> None:
    """A decK-format state (nested entities) through the Admin API."""
    def plain(entity: dict[str, Any], *nested: str) -> dict[str, Any]:
        return {k: v for k, v in entity.items() if k not in nested}

    for service in state.get("services", []):
        svc = admin.create(sim, "/services", plain(service, "routes", "plugins"))
        for route in service.get("routes", []):
            rt = admin.create(sim, f"/services/{svc['id']}/routes", plain(route, "plugins"))
            for plugin in route.get("plugins", []):
                admin.create(sim, f"/routes/{rt['id']}/plugins", plugin)
        for plugin in service.get("plugins", []):
            admin.create(sim, f"/services/{svc['id']}/plugins", plugin)
    for upstream in state.get("upstreams", []):
        up = admin.create(sim, "/upstreams", plain(upstream, "targets"))
        for target in upstream.get("targets", []):
            admin.create(sim, f"/upstreams/{up['id']}/targets", target)
    nested = {"keyauth_credentials": "key-auth", "basicauth_credentials": "basic-auth", "acls": "acls",
              "jwt_secrets": "jwt", "hmacauth_credentials": "hmac-auth", "plugins": "plugins"}
    for consumer in state.get("consumers", []):
        con = admin.create(sim, "/consumers", plain(consumer, *nested))
        for key, path in nested.items():
            for entity in consumer.get(key, []):
                admin.create(sim, f"/consumers/{con['id']}/{path}", entity)
    for plugin in state.get("plugins", []):
        admin.create(sim, "/plugins", plugin)


@pytest.mark.min_kong("3.6")  # decK's sample state holds an ai-proxy plugin
def test_deck_sample_state(tmp_path: Path, collection_path: Path, kong: Any, second_kong: Any) -> None:
    load_deck_state(kong, yaml.safe_load(DECK_STATE.read_text()))
    secrets = ["demo-key", "alice-key", "bob-pass"]
    dest = export_and_converge(tmp_path, collection_path, kong, second_kong, secrets, hashed=("bob-pass",))
    text = (dest / "playbook.yml").read_text()
    assert "basic-auth passwords" in text and "update_password: on_create" in text
    assert text.index("entity: upstreams") < text.index("entity: targets") < text.index("entity: plugins")
    assert "service: chat-backend" in text and "consumer: alice" in text  # references by name


@pytest.mark.min_kong("3.6")
def test_deck_sample_state_file_reads_as_kong_reads_it(
    tmp_path: Path, collection_path: Path, kong: Any, second_kong: Any
) -> None:
    """The same sample state exported from the file (no Kong read): converged, it equals the state given to
    Kong's Admin API entity by entity; the routes that set no strip_path are named."""
    dest = tmp_path / "export"
    export = playbook(tmp_path / "export-run", collection_path, REPO / "playbooks" / "export.yml",
                      {"export_src": str(DECK_STATE), "export_dest": str(dest)})
    assert export.rc == 0, export.summary()
    assert "routes without strip_path (chat, claude) get Kong's default" in (dest / "playbook.yml").read_text()
    converge = playbook(tmp_path / "converge", collection_path, dest / "playbook.yml", {"kong_admin_url": kong.url})
    assert converge.rc == 0, converge.summary()
    load_deck_state(second_kong, yaml.safe_load(DECK_STATE.read_text()))
    assert normalised(kong) == normalised(second_kong)


def test_certificates_upstreams_and_consumer_scoped_plugins(
    tmp_path: Path, collection_path: Path, kong: Any, second_kong: Any
) -> None:
    pair = make_cert("api.example.test")
    cert = admin.create(kong, "/certificates", {"cert": pair.cert_pem, "key": pair.key_pem,
                                                "snis": ["api.example.test"], "tags": ["edge"]})
    # no SNI (exported by id), and the same PEM as the first: the module would find one for the other by cert
    admin.create(kong, "/certificates", {"cert": pair.cert_pem, "key": pair.key_pem})
    admin.create(kong, "/upstreams", {"name": "pool", "algorithm": "least-connections",
                                      "client_certificate": {"id": cert["id"]},
                                      "healthchecks": {"active": {"http_path": "/health"}}})
    admin.create(kong, "/upstreams/pool/targets", {"target": "10.0.0.1:8080", "weight": 50})
    admin.create(kong, "/upstreams/pool/targets", {"target": "10.0.0.2:8080"})
    admin.create(kong, "/services", {"name": "api", "host": "pool", "protocol": "https", "port": 443,
                                     "client_certificate": {"id": cert["id"]}})
    admin.create(kong, "/services/api/routes", {"name": "api", "paths": ["/api"], "headers": {"x-team": ["a"]}})
    admin.create(kong, "/consumers", {"custom_id": "no-username"})
    admin.create(kong, "/consumers", {"username": "dave"})
    admin.create(kong, "/consumers/dave/key-auth", {"key": "dave-key-Zq81"})
    admin.create(kong, "/consumers/dave/jwt", {"key": "dave-issuer", "secret": "jwt-secret-Zq82"})
    admin.create(kong, "/consumers/dave/hmac-auth", {"username": "dave-hmac", "secret": "hmac-secret-Zq83"})
    redis = {"host": "redis", "password": "redis-Zq84"}
    # Kong 3.6 moved rate-limiting's flat redis_* fields into a redis record
    limit = {"redis": redis} if at_least(kong, "3.6") else {"redis_" + k: v for k, v in redis.items()}
    admin.create(kong, "/consumers/dave/plugins", {"name": "rate-limiting", "instance_name": "dave-limit",
                                                   "config": {"minute": 7, "policy": "redis", **limit}})
    admin.create(kong, "/plugins", {"name": "request-termination", "route": {"id": admin.entity(
        kong, "/routes/api")["id"]}, "consumer": {"id": admin.entity(kong, "/consumers/dave")["id"]},
        "config": {"status_code": 403, "message": "{{ not a template }}"}})
    key_body = pair.key_pem.strip().splitlines()[1]
    secrets = ["dave-key-Zq81", "jwt-secret-Zq82", "hmac-secret-Zq83", "redis-Zq84", key_body]
    dest = export_and_converge(tmp_path, collection_path, kong, second_kong, secrets)
    assert "!unsafe '{{ not a template }}'" in (dest / "playbook.yml").read_text()


@pytest.mark.min_kong("3.6")  # the example gateway's models need ai-proxy
def test_example_gateway_and_its_adoption_by_the_role(
    tmp_path: Path, collection_path: Path, kong: Any, second_kong: Any
) -> None:
    """The example gateway exported and converged into another Kong; then the adoption story as a user lives it:
    the export's role variables and secrets in group_vars, site.yml run against the Kong they came from. No
    password hash and no key changes (the export writes update_password: on_create for the basic-auth passwords
    it cannot read back), and a second run changes nothing."""
    inventory = tmp_path / "inventory"
    shutil.copytree(REPO / "inventories" / "example", inventory)
    site = playbook(tmp_path / "site", collection_path, REPO / "playbooks" / "site.yml",
                    {"ai_gateway_admin_url": kong.url}, inventory=inventory, verbosity=0, diff=False)
    assert site.rc == 0, site.summary()
    demo = yaml.safe_load((inventory / "group_vars" / "kong_admin" / "vault.yml").read_text())
    hashed = (demo["vault_bob_password"],)
    dest = export_and_converge(tmp_path, collection_path, kong, second_kong, list(demo.values()), hashed=hashed)

    variables = yaml.safe_load((dest / "ai_gateway.yml").read_text())
    models = [m["name"] for m in variables["ai_gateway_models"]]
    assert models == ["anthropic-claude", "llama-local", "openai-chat"]
    assert {t["name"] for t in variables["ai_gateway_tiers"]} == {"premium", "standard"}
    bob = next(c for c in variables["ai_gateway_consumers"] if c["username"] == "bob")
    assert bob["basic_auth"]["update_password"] == "on_create", bob["basic_auth"]
    text = (dest / "ai_gateway.yml").read_text()
    assert "{vault://env/anthropic-api-key}" in text and "NOT DESCRIBED" not in text

    role_inventory = tmp_path / "role-inventory"
    (role_inventory / "group_vars" / "kong_admin").mkdir(parents=True)
    shutil.copy(inventory / "hosts.yml", role_inventory / "hosts.yml")
    shutil.copy(dest / "ai_gateway.yml", role_inventory / "group_vars" / "kong_admin" / "gateway.yml")
    shutil.copy(dest / "secrets.yml", role_inventory / "group_vars" / "kong_admin" / "secrets.yml")
    credentials_before = credentials(kong)
    state_before = normalised(kong)
    adopted = playbook(tmp_path / "adopt", collection_path, REPO / "playbooks" / "site.yml",
                       {"ai_gateway_admin_url": kong.url}, inventory=role_inventory)
    assert adopted.rc == 0, adopted.summary()
    assert credentials(kong) == credentials_before  # no password hash, no key rotated
    assert normalised(kong) == state_before
    again = playbook(tmp_path / "adopt-again", collection_path, REPO / "playbooks" / "site.yml",
                     {"ai_gateway_admin_url": kong.url}, inventory=role_inventory)
    assert again.rc == 0 and [t.name for t in again.tasks if t.changed] == [], again.summary()


def credentials(kong: Any) -> dict[str, list[tuple[str, str]]]:
    """Each consumer's basic-auth password hashes and key-auth keys, as Kong holds them."""
    return {
        path: sorted((c["consumer"]["id"], c.get("password") or c.get("key")) for c in admin.listing(kong, path))
        for path in ("/basic-auths", "/key-auths")
    }
