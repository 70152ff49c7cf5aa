"""kong_export round trips: export a Kong, converge the export into an empty Kong, both hold the same entities.

Each state is exported from one simulator with playbooks/export.yml, the exported playbook is converged
(-vvv --diff) into a second, empty simulator, and the two are compared by a normalised listing (names for
references, no ids or timestamps); a second converge changes nothing. No secret of the state appears in
the playbook, the role's variables or any output; secrets.yml holds them with mode 0600.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Any

import yaml
from helpers import admin
from helpers.certs import make_cert
from helpers.kong_state import normalised, playbook
from kongsim import KongSim

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


def test_deck_sample_state(tmp_path: Path, collection_path: Path, kongsim: Any, second_sim: Any) -> None:
    load_deck_state(kongsim, yaml.safe_load(DECK_STATE.read_text()))
    secrets = ["demo-key", "alice-key", "bob-pass"]
    dest = export_and_converge(tmp_path, collection_path, kongsim, second_sim, secrets, hashed=("bob-pass",))
    text = (dest / "playbook.yml").read_text()
    assert "basic-auth passwords" in text and "update_password: on_create" in text
    assert text.index("entity: upstreams") < text.index("entity: targets") < text.index("entity: plugins")
    assert "service: chat-backend" in text and "consumer: alice" in text  # references by name


def test_deck_sample_state_file_reads_as_kong_reads_it(
    tmp_path: Path, collection_path: Path, kongsim: Any, second_sim: Any
) -> None:
    """The same sample state exported from the file (no Kong read): converged, it equals the state given to
    Kong's Admin API entity by entity; the routes that set no strip_path are named."""
    dest = tmp_path / "export"
    export = playbook(tmp_path / "export-run", collection_path, REPO / "playbooks" / "export.yml",
                      {"export_src": str(DECK_STATE), "export_dest": str(dest)})
    assert export.rc == 0, export.summary()
    assert "routes without strip_path (chat, claude) get Kong's default" in (dest / "playbook.yml").read_text()
    converge = playbook(tmp_path / "converge", collection_path, dest / "playbook.yml", {"kong_admin_url": kongsim.url})
    assert converge.rc == 0, converge.summary()
    load_deck_state(second_sim, yaml.safe_load(DECK_STATE.read_text()))
    assert normalised(kongsim) == normalised(second_sim)


def test_certificates_upstreams_and_consumer_scoped_plugins(
    tmp_path: Path, collection_path: Path, kongsim: Any, second_sim: Any
) -> None:
    pair = make_cert("api.example.test")
    cert = admin.create(kongsim, "/certificates", {"cert": pair.cert_pem, "key": pair.key_pem,
                                                   "snis": ["api.example.test"], "tags": ["edge"]})
    # no SNI (exported by id), and the same PEM as the first: the module would find one for the other by cert
    admin.create(kongsim, "/certificates", {"cert": pair.cert_pem, "key": pair.key_pem})
    admin.create(kongsim, "/upstreams", {"name": "pool", "algorithm": "least-connections",
                                         "client_certificate": {"id": cert["id"]},
                                         "healthchecks": {"active": {"http_path": "/health"}}})
    admin.create(kongsim, "/upstreams/pool/targets", {"target": "10.0.0.1:8080", "weight": 50})
    admin.create(kongsim, "/upstreams/pool/targets", {"target": "10.0.0.2:8080"})
    admin.create(kongsim, "/services", {"name": "api", "host": "pool", "protocol": "https", "port": 443,
                                        "client_certificate": {"id": cert["id"]}})
    admin.create(kongsim, "/services/api/routes", {"name": "api", "paths": ["/api"], "headers": {"x-team": ["a"]}})
    admin.create(kongsim, "/consumers", {"custom_id": "no-username"})
    admin.create(kongsim, "/consumers", {"username": "dave"})
    admin.create(kongsim, "/consumers/dave/key-auth", {"key": "dave-key-Zq81"})
    admin.create(kongsim, "/consumers/dave/jwt", {"key": "dave-issuer", "secret": "jwt-secret-Zq82"})
    admin.create(kongsim, "/consumers/dave/hmac-auth", {"username": "dave-hmac", "secret": "hmac-secret-Zq83"})
    admin.create(kongsim, "/consumers/dave/plugins", {"name": "rate-limiting", "instance_name": "dave-limit",
                                                      "config": {"minute": 7, "policy": "redis",
                                                                 "redis": {"host": "redis", "password": "redis-Zq84"}}})
    admin.create(kongsim, "/plugins", {"name": "request-termination", "route": {"id": admin.entity(
        kongsim, "/routes/api")["id"]}, "consumer": {"id": admin.entity(kongsim, "/consumers/dave")["id"]},
        "config": {"status_code": 403, "message": "{{ not a template }}"}})
    key_body = pair.key_pem.strip().splitlines()[1]
    secrets = ["dave-key-Zq81", "jwt-secret-Zq82", "hmac-secret-Zq83", "redis-Zq84", key_body]
    dest = export_and_converge(tmp_path, collection_path, kongsim, second_sim, secrets)
    assert "!unsafe '{{ not a template }}'" in (dest / "playbook.yml").read_text()


def test_example_gateway(tmp_path: Path, collection_path: Path, kongsim: Any, second_sim: Any) -> None:
    inventory = tmp_path / "inventory"
    shutil.copytree(REPO / "inventories" / "example", inventory)
    site = playbook(tmp_path / "site", collection_path, REPO / "playbooks" / "site.yml",
                    {"ai_gateway_admin_url": kongsim.url}, inventory=inventory, verbosity=0, diff=False)
    assert site.rc == 0, site.summary()
    demo = yaml.safe_load((inventory / "group_vars" / "kong_admin" / "vault.yml").read_text())
    hashed = (demo["vault_bob_password"],)
    dest = export_and_converge(tmp_path, collection_path, kongsim, second_sim, list(demo.values()), hashed=hashed)

    # the role's variables describe the same gateway: the role converges them into a third Kong
    variables = yaml.safe_load((dest / "ai_gateway.yml").read_text())
    models = [m["name"] for m in variables["ai_gateway_models"]]
    assert models == ["anthropic-claude", "llama-local", "openai-chat"]
    assert {t["name"] for t in variables["ai_gateway_tiers"]} == {"premium", "standard"}
    text = (dest / "ai_gateway.yml").read_text()
    assert "{vault://env/anthropic-api-key}" in text and "NOT DESCRIBED" not in text
    role_inventory = tmp_path / "role-inventory"
    (role_inventory / "group_vars" / "kong_admin").mkdir(parents=True)
    shutil.copy(inventory / "hosts.yml", role_inventory / "hosts.yml")
    shutil.copy(dest / "ai_gateway.yml", role_inventory / "group_vars" / "kong_admin" / "gateway.yml")
    shutil.copy(dest / "secrets.yml", role_inventory / "group_vars" / "kong_admin" / "secrets.yml")
    with KongSim(host="127.0.0.1", port=0) as third:
        again = playbook(tmp_path / "role", collection_path, REPO / "playbooks" / "site.yml",
                         {"ai_gateway_admin_url": third.url}, inventory=role_inventory)
        assert again.rc == 0, again.summary()
        assert normalised(third) == normalised(kongsim)
