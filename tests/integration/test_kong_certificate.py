"""kong_certificate against any Kong: lifecycle with SNIs, identity by SNI or id, key rotation."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from helpers import admin
from helpers.certs import make_cert
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks, task

pytestmark = pytest.mark.kong


CERTIFICATE = "aigateway.kong.kong_certificate"
MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"

RSA = make_cert("ai.example.test", dns_names=("ai.example.test", "llm.example.test"))
RSA_NEXT = make_cert("ai.example.test", dns_names=("ai.example.test",))
ECDSA = make_cert("ai.example.test", dns_names=("ai.example.test",), ecdsa=True)


def lifecycle() -> Lifecycle:
    return Lifecycle(
        module="kong_certificate",
        present={"cert": RSA.cert_pem, "key": RSA.key_pem, "snis": ["ai.example.test", "llm.example.test"],
                 "tags": ["edge"]},
        absent={"snis": ["ai.example.test"]},
        return_key="certificate",
        path="/certificates/ai.example.test",
        expect={"snis": ["ai.example.test", "llm.example.test"], "tags": ["edge"]},
        secrets=(RSA.key_pem.splitlines()[2],),
        updates=[
            Update("snis", ["llm.example.test", "ai.example.test", "chat.example.test"]),
            Update("tags", ["edge", "ai"]),
        ],
    )


def test_lifecycle(kong: Any, run_playbook: Any) -> None:
    lc = lifecycle()
    run = run_playbook(lifecycle_tasks(lc, kong.url), sim=kong)
    assert_lifecycle(run, lc)
    created = run["create"].result["certificate"]
    assert created["key"] == MASK and RSA.key_pem not in str(run["create"].result), created
    assert created["cert"].strip() == RSA.cert_pem.strip()
    assert admin.listing(kong, "/certificates") == [] and admin.listing(kong, "/snis") == []


def test_rotation_and_identity(kong: Any, run_playbook: Any) -> None:
    """A new cert/key for the same SNI updates that certificate; cert_alt is added; id works too."""
    seeded = admin.create(kong, "/certificates", {"cert": RSA.cert_pem, "key": RSA.key_pem,
                                                  "snis": ["ai.example.test"]})
    rotate = {"cert": RSA_NEXT.cert_pem, "key": RSA_NEXT.key_pem, "snis": ["ai.example.test"]}
    run = run_playbook(
        [
            task("same", CERTIFICATE, {"cert": RSA.cert_pem, "key": RSA.key_pem, "snis": ["ai.example.test"]}),
            task("rotate", CERTIFICATE, rotate, diff=True),
            task("rotate again", CERTIFICATE, rotate),
            task("add alt", CERTIFICATE, {**rotate, "cert_alt": ECDSA.cert_pem, "key_alt": ECDSA.key_pem}, diff=True),
            task("by id", CERTIFICATE, {"id": seeded["id"], "cert": RSA_NEXT.cert_pem, "key": RSA_NEXT.key_pem,
                                        "tags": ["by-id"]}),
            task("bad pem", CERTIFICATE, {"cert": "not a certificate", "key": RSA.key_pem, "snis": ["x.test"]},
                 ignore_errors=True),
        ],
        sim=kong,
    )
    assert not run["same"].changed and run["same"].writes == [], (run["same"].result, run.summary())
    rotated = run["rotate"]
    assert rotated.changed and [w["method"] for w in rotated.writes] in (["PATCH"], ["PUT"]), rotated.writes
    assert "cert" in rotated.diff["after"] and "snis" not in rotated.diff["after"], rotated.diff
    assert RSA_NEXT.key_pem not in str(rotated.result) and RSA.key_pem not in str(rotated.result)
    assert not run["rotate again"].changed, run["rotate again"].result
    assert run["add alt"].changed and ECDSA.key_pem not in str(run["add alt"].result)
    assert run["by id"].changed
    held = admin.entity(kong, "/certificates/" + seeded["id"])
    assert held["cert"].strip() == RSA_NEXT.cert_pem.strip() and held["key"].strip() == RSA_NEXT.key_pem.strip()
    assert held["cert_alt"].strip() == ECDSA.cert_pem.strip() and held["tags"] == ["by-id"], held
    assert held["snis"] == ["ai.example.test"]
    bad = run["bad pem"]
    assert bad.failed and "cert" in bad.msg, bad.result
    assert len(admin.listing(kong, "/certificates")) == 1


def test_a_client_certificate_in_use_is_not_deleted_and_never_duplicated(kong: Any, run_playbook: Any) -> None:
    """Kong drops the SNIs of a certificate a service uses before refusing its delete: the module checks
    first and names the users, and finds the certificate by its content once its SNIs are gone."""
    cert = admin.create(kong, "/certificates", {"cert": RSA.cert_pem, "key": RSA.key_pem,
                                                "snis": ["ai.example.test"]})
    admin.create(kong, "/services", {"name": "llm", "url": "https://llm.test",
                                     "client_certificate": {"id": cert["id"]}})
    admin.create(kong, "/upstreams", {"name": "pool", "client_certificate": {"id": cert["id"]}})
    present = {"cert": RSA.cert_pem, "key": RSA.key_pem, "snis": ["ai.example.test"]}
    run = run_playbook(
        [
            task("check delete", CERTIFICATE, {"snis": ["ai.example.test"], "state": "absent"}, check_mode=True,
                 ignore_errors=True),
            task("delete", CERTIFICATE, {"snis": ["ai.example.test"], "state": "absent"}, ignore_errors=True),
        ],
        sim=kong,
    )
    for name in ("check delete", "delete"):
        t = run[name]
        assert t.failed and t.writes == [], (name, t.result)
        assert "service 'llm'" in t.msg and "upstream 'pool'" in t.msg and "client_certificate" in t.msg, t.msg
    assert admin.entity(kong, "/certificates/ai.example.test")["id"] == cert["id"]
    # what real Kong leaves behind after a DELETE it refused: the certificate without its SNIs
    assert requests.delete(kong.url + "/certificates/" + cert["id"], timeout=10).status_code == 400
    assert admin.listing(kong, "/snis") == []
    run = run_playbook([task("present again", CERTIFICATE, present)], sim=kong)
    assert run["present again"].changed, run.summary()
    assert [w["method"] for w in run["present again"].writes] == ["PATCH"], run["present again"].writes
    assert [c["id"] for c in admin.listing(kong, "/certificates")] == [cert["id"]]
    assert admin.entity(kong, "/certificates/ai.example.test")["id"] == cert["id"]
