"""kong_export with ``src``: a decK state file read without any Kong. Bad input fails in one line naming the file
and the key; what the collection cannot express is listed; decK's own settings (select_tags, defaults,
_plugin_configs, _workspace, 1.1 regex paths, hashed passwords) are applied as decK applies them."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import admin
from helpers.kong_state import playbook

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "deck"
M = "aigateway.kong.kong_export"


def state_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def export(name: str, src: Path, dest: Path, **args: Any) -> dict[str, Any]:
    return {"name": name, M: {"src": str(src), "dest": str(dest), **args}, "ignore_errors": True}


def items(dest: Path, entity: str) -> list[dict[str, Any]]:
    play = yaml.safe_load((dest / "playbook.yml").read_text())[0]
    return next(t["aigateway.kong.kong_entities"]["items"] for t in play["tasks"]
                if t["aigateway.kong.kong_entities"]["entity"] == entity)


BAD = {
    "version": ('_format_version: "2.1"\nservices: []\n',
                "_format_version: unknown format version '2.1' (decK writes 1.1 or 3.0)"),
    "list": ("- name: svc\n", "not a mapping (a decK state file maps _format_version, services, ...)"),
    "entry": ("services:\n- just-a-name\n", "services[0]: not a mapping"),
    "route": ('_format_version: "3.0"\nroutes:\n- name: r\n  paths: [/r]\n  service: {name: ghost}\n',
              "routes[0].service: unknown service 'ghost'"),
    "consumer": ("services:\n- name: s\n  host: s.test\n  plugins:\n  - name: acl\n    consumer: nobody\n",
                 "services[0].plugins[0].consumer: unknown consumer 'nobody'"),
    "nested": ("services:\n- name: s\n  host: s.test\n  plugins:\n  - name: cors\n    service: s\n",
               "services[0].plugins[0].service: a plugin nested under a service cannot name one (decK refuses it)"),
    "twice": ("services:\n- name: s\n  host: a.test\n- name: s\n  host: b.test\n",
              "services[1].name: service 's' is also defined at services[0]"),
    "env": ('services:\n- name: s\n  host: ${{ env "HOME" }}\n',
            "environment variables in a decK state file are prefixed with DECK_, not 'HOME'"),
    "config": ("plugins:\n- name: cors\n  _config: shared\n", "plugins[0]._config: no _plugin_configs entry 'shared'"),
    "yaml": ("services: [\n", "neither JSON nor YAML: expected the node content, but found '<stream end>' (line 2, "
             "column 1)"),
}


def test_bad_input_fails_in_one_line_naming_the_file_and_the_key(run_playbook: Any, tmp_path: Path) -> None:
    files = {case: state_file(tmp_path, case + ".yaml", text) for case, (text, _problem) in BAD.items()}
    run = run_playbook([export(case, path, tmp_path / ("out-" + case)) for case, path in files.items()])
    for case, (_text, problem) in BAD.items():
        result = run[case]
        assert result.failed and result.msg == f"{files[case]}: {problem}", (case, result.msg)
        assert not (tmp_path / ("out-" + case)).exists()


def test_what_the_collection_cannot_express_is_listed(run_playbook: Any, tmp_path: Path) -> None:
    src = state_file(tmp_path, "kong.yaml", """\
        _format_version: "3.0"
        _konnect:
          control_plane_name: default
        consumer_groups:
        - name: gold
        services:
        - name: svc
          host: svc.test
          routes:
          - name: expr
            expression: http.path == "/x"
            paths: [/x]
        consumers:
        - username: ann
          groups:
          - name: gold
          oauth2_credentials:
          - name: app
        plugins:
        - name: rate-limiting
          consumer_group: gold
          config: {minute: 5}
        - name: cors
        """)
    dest = tmp_path / "out"
    run = run_playbook([export("export", src, dest)])
    result = run["export"]
    assert not result.failed, result.msg
    expected = [
        "_konnect: Konnect control plane settings do not apply; the playbook converges a Kong Gateway",
        "consumer_groups: consumer groups cannot be expressed by the collection; not exported",
        "services[0].routes[0].expression: not a field the collection manages for routes; not exported",
        "consumers[0].groups: consumer group memberships cannot be expressed by the collection; not exported",
        "consumers[0].oauth2_credentials: oauth2 credentials cannot be expressed by the collection; not exported",
        "plugins[0]: a plugin scoped to a consumer group cannot be expressed by the collection; not exported",
    ]
    header = (dest / "playbook.yml").read_text().split("\n- name:", 1)[0]
    for note in expected:
        assert note in result.result["notes"] and note in result.result["warnings"]
        assert "# WARNING: " + note in header
    assert [p["name"] for p in items(dest, "plugins")] == ["cors"]  # not rate-limiting, which would apply to all
    assert items(dest, "routes") == [{"name": "expr", "service": "svc", "paths": ["/x"]}]


def test_decks_settings_apply_as_decK_applies_them(run_playbook: Any, tmp_path: Path) -> None:
    src = state_file(tmp_path, "kong.yaml", """\
        _workspace: team-a
        _info:
          select_tags: [team-a]
          defaults:
            route:
              strip_path: false
              preserve_host: true
        _plugin_configs:
          strict-cors:
            origins: [https://a.test]
            credentials: true
        services:
        - name: svc
          url: https://svc.test/v1
          tags: [api]
          routes:
          - name: legacy
            paths: ['/v1/items/\\d+$', /v1/plain]
          - name: kept
            paths: [/k]
            strip_path: true
          plugins:
          - name: cors
            _config: strict-cors
            config:
              credentials: false
        """)
    tagged = export("tagged", src, tmp_path / "tagged", select_tags=["api"], entities=["services", "routes"])
    run = run_playbook([export("all", src, tmp_path / "all"), tagged])
    assert not run["all"].failed, run["all"].msg
    dest = tmp_path / "all"
    play = yaml.safe_load((dest / "playbook.yml").read_text())[0]
    assert play["module_defaults"]["group/aigateway.kong.kong"]["workspace"] == "team-a"
    assert items(dest, "services") == [{"name": "svc", "protocol": "https", "host": "svc.test", "port": 443,
                                        "path": "/v1", "tags": ["api", "team-a"]}]
    routes = {r["name"]: r for r in items(dest, "routes")}
    assert routes["legacy"]["paths"] == ["~/v1/items/\\d+$", "/v1/plain"]  # format 1.1 (no version): Kong 2.x regex
    assert (routes["legacy"]["strip_path"], routes["kept"]["strip_path"]) == (False, True)  # _info.defaults
    assert routes["kept"]["preserve_host"] is True
    assert items(dest, "plugins")[0]["config"] == {"credentials": False, "origins": ["https://a.test"]}
    assert any("route 'legacy': format 1.1 (Kong 2.x) reads '/v1/items/\\d+$' as a regex" in n
               for n in run["all"].result["notes"])
    assert [i["name"] for i in items(tmp_path / "tagged", "services")] == ["svc"]
    assert run["tagged"].result["counts"] == {"services": 1, "routes": 0}


def test_format_3_0_paths_and_strip_path_are_kept_and_said(run_playbook: Any, tmp_path: Path) -> None:
    src = state_file(tmp_path, "kong.yaml", """\
        _format_version: "3.0"
        services:
        - name: svc
          host: svc.test
          routes:
          - name: plain
            paths: ['/v1/items/\\d+$']
        """)
    run = run_playbook([export("export", src, tmp_path / "out")])
    assert items(tmp_path / "out", "routes")[0]["paths"] == ["/v1/items/\\d+$"]  # 3.0: a prefix, as written
    assert run["export"].result["notes"] == [
        "routes without strip_path (plain) get Kong's default, true, as decK 1.26.1 and later give them; decK up to "
        "1.26.0 created them with strip_path false: if yours did, set strip_path: false in the file (or "
        "_info.defaults.route.strip_path) and export again"]


def test_the_same_file_exports_the_same_files(run_playbook: Any, tmp_path: Path) -> None:
    src = FIXTURES / "nested-1.1.yaml"
    dest = tmp_path / "out"
    check = run_playbook([export("export", src, dest)], check=True)["export"]
    assert check.changed and not dest.exists()
    first = run_playbook([export("export", src, dest)])["export"]
    again = run_playbook([export("export", src, dest, force=True)])["export"]
    assert first.changed and not again.changed  # ids derived from the file, not drawn at random


@pytest.mark.kong
def test_vaults_key_sets_and_keys(tmp_path: Path, collection_path: Path, kong: Any) -> None:
    dest = tmp_path / "export"
    run = playbook(tmp_path / "export-run", collection_path, REPO / "playbooks" / "export.yml",
                   {"export_src": str(FIXTURES / "keys-vaults-3.0.yaml"), "export_dest": str(dest)})
    assert run.rc == 0, run.summary()
    private = ("GdlfZ5EKRj7MlZZY2YX3sO0t5-GEnrhR0lO2v40G2G0",  # the JWK's d, a line of the PEM private key
               "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgLUbaEmxviV9TbF2y")
    text = (dest / "playbook.yml").read_text()
    assert not any(value in text for value in private)
    assert all(value in (dest / "secrets.yml").read_text() for value in private)
    for attempt in ("first", "second"):
        converge = playbook(tmp_path / attempt, collection_path, dest / "playbook.yml", {"kong_admin_url": kong.url})
        assert converge.rc == 0, converge.summary()
        assert not any(value in converge.output for value in private)
    assert [t.name for t in converge.tasks if t.changed] == []
    assert [(v["prefix"], v["config"]) for v in admin.listing(kong, "/vaults")] == [
        ("deck-env", {"prefix": "DECK_SECRET_"})]
    keys = {k["name"]: k for k in admin.listing(kong, "/keys")}
    signing = admin.entity(kong, "/key-sets/signing")
    assert signing is not None and signing["tags"] == ["jwt"]
    assert {k["set"]["id"] for k in keys.values()} == {signing["id"]}
    assert (keys["signing-jwk"]["kid"], keys["signing-pem"]["kid"]) == ("sig-1", "sig-2")


@pytest.mark.parametrize("hashed", [False, True])
def test_basic_auth_passwords_in_the_roles_variables(run_playbook: Any, tmp_path: Path, hashed: bool) -> None:
    """A password the file holds is the real one; a hash (skip_hash_for_basic_auth) gets a placeholder that the
    role sets only when it creates the credential."""
    src = state_file(tmp_path, "kong.yaml", """\
        _format_version: "3.0"
        _info:
          skip_hash_for_basic_auth: HASHED
        services:
        - name: llm
          url: https://api.openai.com/v1
          routes:
          - name: llm
            paths: [/llm]
            methods: [POST]
            plugins:
            - name: ai-proxy
              config:
                route_type: llm/v1/chat
                auth: {header_name: Authorization, header_value: "{vault://env/openai}"}
                model: {provider: openai, name: gpt-4o}
          plugins:
          - name: basic-auth
        consumers:
        - username: ann
          basicauth_credentials:
          - username: ann
            password: ann-pass-Wq11
        """.replace("HASHED", str(hashed).lower()))
    run = run_playbook([export("export", src, tmp_path / "out")])
    assert not run["export"].failed, run["export"].msg
    role = yaml.safe_load((tmp_path / "out" / "ai_gateway.yml").read_text())
    basic = role["ai_gateway_consumers"][0]["basic_auth"]
    password = basic["password"][3:-3]
    held = yaml.safe_load((tmp_path / "out" / "secrets.yml").read_text())
    credential = items(tmp_path / "out", "basic-auths")[0]
    if hashed:
        assert basic["update_password"] == "on_create" and held[password] != "ann-pass-Wq11"
        assert credential["update_password"] == "on_create"
        assert any("basic-auth passwords as hashes" in n for n in run["export"].result["notes"])
    else:
        assert "update_password" not in basic and held[password] == "ann-pass-Wq11"
        assert "update_password" not in credential
