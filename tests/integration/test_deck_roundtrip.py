"""kong_export from a decK state file: the exported playbook makes the Kong that ``deck sync`` of the file makes.

Each state file in tests/fixtures/deck/ is exported with playbooks/export.yml (no Kong involved), the playbook
is previewed (--check --diff -vvv: nothing written), converged into one empty Kong and synced with decK into
another; both then hold the same entities (ids, timestamps and basic-auth hashes aside, each hash checked
against the file's password), and a second converge changes nothing. No secret of the file appears in the
playbook, the role's variables or any output; secrets.yml holds them with mode 0600. The Kongs are the
simulator, or real ones with ``--kong real``; the test bodies use only their ``url``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.deck_sync import SKIP_REASON, basic_auth_hash, basic_auth_passwords, deck_sync, listing
from helpers.kong_state import playbook

# the decK files hold ai-proxy plugins: Kong 3.6 or later
pytestmark = [pytest.mark.kong, pytest.mark.min_kong("3.6"),
              pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")]

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "deck"
M = "aigateway.kong.kong_entities"
ENV = {"DECK_BILLING_HOST": "billing.env.test", "DECK_TEAM_KEY": "team-key-Zr91", "DECK_MINUTE": "30",
       "DECK_LLM_BEARER": "Bearer sk-env-Zr92"}


def exported_items(dest: Path, entity: str) -> list[dict[str, Any]]:
    play = yaml.safe_load((dest / "playbook.yml").read_text())[0]
    return next(t[M]["items"] for t in play["tasks"] if t[M]["entity"] == entity)


def export_file(tmp_path: Path, collections: Path, state: Path) -> tuple[Path, Any]:
    dest = tmp_path / "export"
    run = playbook(tmp_path / "export-run", collections, REPO / "playbooks" / "export.yml",
                   {"export_src": str(state), "export_dest": str(dest), "kong_admin_url": "http://127.0.0.1:9"})
    assert run.rc == 0, run.summary()
    assert run["Write the export"].changed
    return dest, run


def round_trip(tmp_path: Path, collections: Path, state: Path, kong: Any, deck_kong: Any, secrets: list[str],
               passwords: dict[str, str]) -> Path:
    """``secrets``: values of the file (or of its environment) that must appear in no file but secrets.yml and in
    no output; ``passwords``: the file's basic-auth passwords, by username."""
    dest, export = export_file(tmp_path, collections, state)
    written = (dest / "playbook.yml").read_text() + ((dest / "ai_gateway.yml").read_text()
                                                     if (dest / "ai_gateway.yml").exists() else "")
    secrets_file = dest / "secrets.yml"
    assert stat.S_IMODE(os.stat(secrets_file).st_mode) == 0o600
    for value in secrets:
        assert value not in written, f"secret {value[:6]}... in the export"
        assert value not in export.output, f"secret {value[:6]}... in the export's output"

    preview = playbook(tmp_path / "preview", collections, dest / "playbook.yml", {"kong_admin_url": kong.url},
                       check=True)
    assert preview.rc == 0, preview.summary()
    assert any(t.changed for t in preview.tasks) and listing(kong)["services"] == []
    first = playbook(tmp_path / "converge-1", collections, dest / "playbook.yml", {"kong_admin_url": kong.url})
    assert first.rc == 0, first.summary()
    for value in secrets:
        assert value not in preview.output, f"secret {value[:6]}... in the check-mode output (-vvv --diff)"
        assert value not in first.output, f"secret {value[:6]}... in the converge output (-vvv --diff)"

    deck_sync(deck_kong.url, state, tmp_path / "deck")
    assert listing(kong) == listing(deck_kong)
    for kong_under_test in (kong, deck_kong):
        stored = basic_auth_passwords(kong_under_test)
        assert sorted(stored) == sorted(passwords)
        for username, (hashed, consumer_id) in stored.items():
            assert hashed == basic_auth_hash(passwords[username], consumer_id), username
    second = playbook(tmp_path / "converge-2", collections, dest / "playbook.yml", {"kong_admin_url": kong.url})
    assert second.rc == 0, second.summary()
    assert [t.name for t in second.tasks if t.changed] == []
    return dest


def test_nested_format_1_1(tmp_path: Path, collection_path: Path, kong: Any, second_kong: Any) -> None:
    state = FIXTURES / "nested-1.1.yaml"
    key = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgip6B0DwkHD0phpLk"
    secrets = ["ann-key-Qx71", "ann-pass-Qx72", "ann-jwt-Qx73", "ann-hmac-Qx74", "redis-pass-Qx75", key]
    dest = round_trip(tmp_path, collection_path, state, kong, second_kong, secrets, {"ann": "ann-pass-Qx72"})
    text = (dest / "playbook.yml").read_text()
    held = (dest / "secrets.yml").read_text()
    assert all(value in held for value in secrets)
    assert "header_value: '{vault://env/openai-bearer}'" in text  # a vault reference is no secret
    assert "update_password" not in text  # the real password: set and compared like any other
    assert "tags:\n        - staff\n        - deck-team" in text  # _info.select_tags added after the entity's own
    assert "id: 6a3e1c2d-0d56-4d7e-9a52-1a8b6f0c9e01" in text  # the file's ids are kept


def test_flat_format_3_0_json_with_environment_values(
    tmp_path: Path, collection_path: Path, kong: Any, second_kong: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    state = FIXTURES / "flat-3.0.json"
    secrets = ["team-key-Zr91", "sk-env-Zr92", "svc-key-Zr93", "ops-pass-Zr94"]
    dest = round_trip(tmp_path, collection_path, state, kong, second_kong, secrets, {"ops": "ops-pass-Zr94"})
    keys = {i["consumer"]: i["key"] for i in exported_items(dest, "key-auths")}
    lookup = "lookup('ansible.builtin.env', 'DECK_TEAM_KEY', default=undef('DECK_TEAM_KEY is not set'))"
    assert keys["team"] == "{{ " + lookup + " }}"
    limit = next(i for i in exported_items(dest, "plugins") if i["name"] == "rate-limiting")
    assert limit["config"]["minute"].endswith("'DECK_MINUTE is not set')) | int }}")  # decK's toInt
    assert all(value not in (dest / "secrets.yml").read_text() for value in ENV.values())
    assert "svc-key-Zr93" in (dest / "secrets.yml").read_text()

    monkeypatch.delenv("DECK_TEAM_KEY")
    unset = playbook(tmp_path / "unset", collection_path, dest / "playbook.yml", {"kong_admin_url": kong.url})
    assert unset.rc != 0 and "DECK_TEAM_KEY is not set" in unset.output
