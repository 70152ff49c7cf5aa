"""kong_ca_certificate against any Kong: lifecycle, identity by the certificate (Kong's cert_digest) or id,
bulk and info."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.entity.hooks import certificate_digest
from helpers import admin
from helpers.bulk_info import assert_bulk_info, bulk_info_tasks
from helpers.certs import make_cert
from helpers.lifecycle import Lifecycle, Update, lifecycle_tasks, task

pytestmark = pytest.mark.kong


CA_MODULE = "aigateway.kong.kong_ca_certificate"
CA = make_cert("Internal CA", is_ca=True, ecdsa=True)
OTHER = make_cert("Other CA", is_ca=True, ecdsa=True)


def test_lifecycle(kong: Any, run_playbook: Any) -> None:
    lc = Lifecycle(
        module="kong_ca_certificate",
        present={"cert": CA.cert_pem, "tags": ["upstream-tls"]},
        absent={"cert": CA.cert_pem},
        return_key="ca_certificate",
        path="/ca_certificates",
        expect={"cert_digest": certificate_digest(CA.cert_pem), "tags": ["upstream-tls"]},
        updates=[Update("tags", ["upstream-tls", "ai"])],
    )
    seeded = admin.create(kong, "/ca_certificates", {"cert": OTHER.cert_pem})
    lc.path = "/ca_certificates/" + seeded["id"]  # the read step: any CA certificate; the checks below are ours
    tasks = [t for t in lifecycle_tasks(lc, kong.url) if t["name"] != "read"]
    run = run_playbook(tasks, sim=kong)
    created = run["create"].result["ca_certificate"]
    assert created["cert_digest"] == certificate_digest(CA.cert_pem)
    for name in ("check create", "create", "update tags", "delete"):
        assert run[name].changed, run.summary()
    for name in ("create again", "check create again", "update tags again", "delete again"):
        assert not run[name].changed and run[name].writes == [], run[name].result
    assert run["check create"].writes == [] and run["check delete"].writes == []
    assert run["update tags"].diff == {"before": {"tags": ["upstream-tls"]}, "after": {"tags": ["upstream-tls", "ai"]}}
    assert [c["id"] for c in admin.listing(kong, "/ca_certificates")] == [seeded["id"]]


def test_by_id_and_pem_whitespace(kong: Any, run_playbook: Any) -> None:
    seeded = admin.create(kong, "/ca_certificates", {"cert": CA.cert_pem})
    run = run_playbook(
        [
            task("same cert, other whitespace", CA_MODULE, {"cert": "\n" + CA.cert_pem.strip() + "\n\n"}),
            task("by id", CA_MODULE, {"id": seeded["id"], "tags": ["by-id"]}),
        ],
        sim=kong,
    )
    assert not run["same cert, other whitespace"].changed, run.summary()
    assert run["by id"].changed and run["by id"].result["ca_certificate"]["tags"] == ["by-id"]


def test_bulk_and_info(kong: Any, run_playbook: Any) -> None:
    items = [{"cert": CA.cert_pem}, {"cert": OTHER.cert_pem}]
    run = run_playbook(bulk_info_tasks("ca_certificates", items), sim=kong)
    listed = assert_bulk_info(run, "ca_certificates", 2)
    assert {c["cert_digest"] for c in listed} == {certificate_digest(CA.cert_pem), certificate_digest(OTHER.cert_pem)}
