"""kong_consumer_credential against any Kong: every credential type, hashed basic-auth passwords."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks, task

pytestmark = pytest.mark.kong


CREDENTIAL = "aigateway.kong.kong_consumer_credential"
KEY = f"key-{secrets.token_hex(8)}"
JWT_KEY = f"iss-{secrets.token_hex(4)}"


def sha1_password(password: str, consumer_id: str) -> str:
    return hashlib.sha1((password + consumer_id).encode()).hexdigest()


def cred(type_: str, **options: Any) -> dict[str, Any]:
    return {"consumer": "app", "type": type_, **options}


LIFECYCLES = [
    Lifecycle(
        module="kong_consumer_credential",
        present=cred("key-auth", key=KEY, tags=["prod"]),
        absent=cred("key-auth", key=KEY),
        return_key="credential",
        path=f"/consumers/app/key-auth/{KEY}",
        expect={"tags": ["prod"]},
        updates=[Update("tags", ["prod", "llm"])],
        label="key-auth",
        secrets=(KEY,),
    ),
    Lifecycle(
        module="kong_consumer_credential",
        present=cred("basic-auth", username="bot", password="first-pass", tags=["a"]),
        absent=cred("basic-auth", username="bot"),
        return_key="credential",
        path="/consumers/app/basic-auth/bot",
        expect={"username": "bot", "tags": ["a"]},
        updates=[Update("password", "second-pass", secret=True), Update("tags", ["a", "b"])],
        label="basic-auth",
        secrets=("first-pass",),
    ),
    Lifecycle(
        module="kong_consumer_credential",
        present=cred("acl", group="llm-users"),
        absent=cred("acl", group="llm-users"),
        return_key="credential",
        path="/consumers/app/acls/llm-users",
        expect={"group": "llm-users"},
        updates=[Update("tags", ["team-a"])],
        label="acl",
    ),
    Lifecycle(
        module="kong_consumer_credential",
        present=cred("jwt", key=JWT_KEY, secret="jwt-secret-one", algorithm="HS256"),
        absent=cred("jwt", key=JWT_KEY),
        return_key="credential",
        path=f"/consumers/app/jwt/{JWT_KEY}",
        expect={"algorithm": "HS256"},  # `key` is masked: the option is no_log because key-auth keys are secret
        updates=[Update("secret", "jwt-secret-two", secret=True), Update("algorithm", "HS512")],
        label="jwt",
        secrets=("jwt-secret-one",),
    ),
    Lifecycle(
        module="kong_consumer_credential",
        present=cred("hmac-auth", username="signer", secret="hmac-secret-one"),
        absent=cred("hmac-auth", username="signer"),
        return_key="credential",
        path="/consumers/app/hmac-auth/signer",
        expect={"username": "signer"},
        updates=[Update("secret", "hmac-secret-two", secret=True), Update("tags", ["x"])],
        label="hmac-auth",
        secrets=("hmac-secret-one",),
    ),
]


@pytest.mark.parametrize("lc", LIFECYCLES, ids=[lc.label for lc in LIFECYCLES])
def test_lifecycle(kong: Any, run_playbook: Any, lc: Lifecycle) -> None:
    consumer = admin.create(kong, "/consumers", {"username": "app"})
    run = run_playbook(lifecycle_tasks(lc, kong.url), sim=kong)
    assert_lifecycle(run, lc)
    assert run[f"{lc.label}: create"].result["credential"]["consumer"]["id"] == consumer["id"]
    assert admin.entity(kong, lc.path) is None


def test_secret_updates_reach_kong(kong: Any, run_playbook: Any) -> None:
    """Rotated jwt/hmac secrets and basic-auth passwords are what Kong holds afterwards."""
    consumer = admin.create(kong, "/consumers", {"username": "app"})
    run = run_playbook(
        [
            task("basic", CREDENTIAL, cred("basic-auth", username="bot", password="pw-1")),
            task("basic rotate", CREDENTIAL, cred("basic-auth", username="bot", password="pw-2")),
            task("hmac", CREDENTIAL, cred("hmac-auth", username="signer", secret="hs-1")),
            task("hmac rotate", CREDENTIAL, cred("hmac-auth", username="signer", secret="hs-2")),
            task("jwt", CREDENTIAL, cred("jwt", key="iss", secret="js-1")),
            task("jwt rotate", CREDENTIAL, cred("jwt", key="iss", secret="js-2")),
        ],
        sim=kong,
    )
    assert run.rc == 0, run.summary()
    assert all(t.changed for t in run.tasks), [(t.name, t.changed) for t in run.tasks]
    held_basic = admin.entity(kong, "/consumers/app/basic-auth/bot")
    assert held_basic["password"] == sha1_password("pw-2", consumer["id"]), held_basic
    assert admin.entity(kong, "/consumers/app/hmac-auth/signer")["secret"] == "hs-2"
    assert admin.entity(kong, "/consumers/app/jwt/iss")["secret"] == "js-2"


def test_update_password_modes(kong: Any, run_playbook: Any) -> None:
    """on_create never rewrites a password; always rewrites it only when it differs (compared by hash)."""
    consumer = admin.create(kong, "/consumers", {"username": "app"})
    base = cred("basic-auth", username="bot")
    run = run_playbook(
        [
            task("create", CREDENTIAL, {**base, "password": "pw-1", "update_password": "on_create"}),
            task("on_create other", CREDENTIAL, {**base, "password": "pw-2", "update_password": "on_create"}),
            task("always same", CREDENTIAL, {**base, "password": "pw-1", "update_password": "always"}),
            task("check always other", CREDENTIAL, {**base, "password": "pw-3", "update_password": "always"},
                 check_mode=True),
            task("always other", CREDENTIAL, {**base, "password": "pw-3", "update_password": "always"}),
            task("no password", CREDENTIAL, {**base, "tags": ["t"]}),
        ],
        sim=kong,
    )
    assert run.rc == 0, run.summary()
    expected = {"create": True, "on_create other": False, "always same": False, "check always other": True,
                "always other": True, "no password": True}
    assert {t.name: t.changed for t in run.tasks} == expected
    assert run["check always other"].writes == [] and run["on_create other"].writes == []
    held = admin.entity(kong, "/consumers/app/basic-auth/bot")
    assert held["password"] == sha1_password("pw-3", consumer["id"]) and held["tags"] == ["t"], held


def test_errors(kong: Any, run_playbook: Any) -> None:
    """Unknown consumer, a key taken by another consumer, a missing natural key: clear failures."""
    admin.create(kong, "/consumers", {"username": "app"})
    admin.create(kong, "/consumers", {"username": "other"})
    admin.create(kong, "/consumers/other/key-auth", {"key": "taken-key"})
    run = run_playbook(
        [
            task("no consumer", CREDENTIAL, {"consumer": "ghost", "type": "acl", "group": "g"}, ignore_errors=True),
            task("taken key", CREDENTIAL, cred("key-auth", key="taken-key"), ignore_errors=True),
            task("no username", CREDENTIAL, cred("basic-auth", password="x"), ignore_errors=True),
            task("bad type", CREDENTIAL, cred("oauth9", key="k"), ignore_errors=True),
        ],
        sim=kong,
    )
    assert run["no consumer"].failed and "ghost" in run["no consumer"].msg, run["no consumer"].result
    assert run["taken key"].failed, run["taken key"].result
    assert "taken-key" not in run["taken key"].msg, "the key-auth key is a secret and must not be echoed"
    for name in ("no username", "bad type"):
        assert run[name].failed and run[name].requests == [], (name, run[name].result, run[name].requests)
    assert admin.entity(kong, "/consumers/other/key-auth/taken-key") is not None
