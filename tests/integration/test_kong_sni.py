"""kong_sni against any Kong: lifecycle, certificate by id or by one of its SNIs, names kept as given (Kong
does not case-normalise them), bulk and info."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import admin
from helpers.bulk_info import assert_bulk_info, bulk_info_tasks
from helpers.certs import make_cert
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks, task

pytestmark = pytest.mark.kong


SNI_MODULE = "aigateway.kong.kong_sni"
PAIR = make_cert("ai.example.test", ecdsa=True)
NEXT = make_cert("ai.example.test", ecdsa=True)


def seed(sim: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    body = {"cert": PAIR.cert_pem, "key": PAIR.key_pem, "snis": ["ai.example.test"]}
    first = admin.create(sim, "/certificates", body)
    second = admin.create(sim, "/certificates", {"cert": NEXT.cert_pem, "key": NEXT.key_pem, "snis": ["next.test"]})
    return first, second


def test_lifecycle(kong: Any, run_playbook: Any) -> None:
    first, second = seed(kong)
    lc = Lifecycle(
        module="kong_sni",
        present={"name": "chat.example.test", "certificate": "ai.example.test", "tags": ["edge"]},
        absent={"name": "chat.example.test"},
        return_key="sni",
        path="/snis/chat.example.test",
        expect={"name": "chat.example.test", "certificate": {"id": first["id"]}, "tags": ["edge"]},
        updates=[Update("certificate", second["id"], expect={"id": second["id"]}), Update("tags", [])],
    )
    run = run_playbook(lifecycle_tasks(lc, kong.url), sim=kong)
    assert_lifecycle(run, lc)
    assert [s["name"] for s in admin.listing(kong, "/snis")] in (
        ["ai.example.test", "next.test"],
        ["next.test", "ai.example.test"],
    )


def test_names_are_kept_as_given(kong: Any, run_playbook: Any) -> None:
    seed(kong)
    upper = {"name": "UPPER.example.test", "certificate": "ai.example.test"}
    lower = {"name": "upper.example.test", "certificate": "ai.example.test"}
    run = run_playbook(
        [
            task("upper", SNI_MODULE, upper),
            task("lower", SNI_MODULE, lower),
            task("upper again", SNI_MODULE, upper),
            task("missing certificate", SNI_MODULE, {"name": "x.test", "certificate": "nope.test"}, ignore_errors=True),
        ],
        sim=kong,
    )
    assert run["upper"].changed and run["lower"].changed and not run["upper again"].changed, run.summary()
    assert run["upper"].result["sni"]["name"] == "UPPER.example.test"
    missing = run["missing certificate"]
    assert missing.failed and "nope.test" in missing.msg and missing.writes == [], missing.result


def test_bulk_and_info(kong: Any, run_playbook: Any) -> None:
    first, _second = seed(kong)
    items = [{"name": "a.test", "certificate": "ai.example.test"}, {"name": "b.test", "certificate": first["id"]}]
    run = run_playbook(bulk_info_tasks("snis", items), sim=kong)
    listed = assert_bulk_info(run, "snis", 2, listed=4)  # the two certificates' own SNIs, and these two
    assert {s["name"] for s in listed} >= {"a.test", "b.test"}
