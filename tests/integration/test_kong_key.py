"""kong_key against any Kong: JWK and PEM keys, in a key set; private key material never shown (Kong
returns it in clear); bulk and info."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from helpers import admin
from helpers.bulk_info import assert_bulk_info, bulk_info_tasks
from helpers.lifecycle import Lifecycle, Update, assert_lifecycle, lifecycle_tasks, task

pytestmark = pytest.mark.kong


KEY = "aigateway.kong.kong_key"
MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def b64(number: int) -> str:
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


def ec_key(kid: str) -> tuple[str, str, dict[str, str]]:
    """A private P-256 JWK (JSON), the same key as PEM private key, and its public PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.private_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "kid": kid,
        "x": b64(numbers.public_numbers.x),
        "y": b64(numbers.public_numbers.y),
        "d": b64(numbers.private_value),
    }
    pem = {
        "private_key": key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode(),
        "public_key": key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode(),
    }
    return json.dumps(jwk), jwk["d"], pem


JWK, D, _JWK_AS_PEM = ec_key("ec-1")
JWK_NEXT, D_NEXT, _NEXT_AS_PEM = ec_key("ec-1")
_PEM_AS_JWK, _PEM_D, PEM = ec_key("unused")


def test_jwk_lifecycle_masks_private_members(kong: Any, run_playbook: Any) -> None:
    admin.create(kong, "/key-sets", {"name": "llm-signing"})
    lc = Lifecycle(
        module="kong_key",
        present={"name": "sig", "kid": "ec-1", "set": "llm-signing", "jwk": JWK, "tags": ["jwt"]},
        absent={"name": "sig"},
        return_key="key",
        path="/keys/sig",
        expect={"name": "sig", "kid": "ec-1", "tags": ["jwt"]},
        secrets=(D,),
        updates=[Update("tags", ["jwt", "current"]), Update("jwk", JWK_NEXT, secret=True)],
    )
    run = run_playbook(lifecycle_tasks(lc, kong.url), sim=kong)
    assert_lifecycle(run, lc)
    created = run["create"].result["key"]
    shown = json.loads(created["jwk"])
    assert shown["d"] == MASK and shown["x"] == json.loads(JWK)["x"], created  # the public members stay readable
    assert created["set"]["id"] == admin.entity(kong, "/key-sets/llm-signing")["id"]
    assert not [e for e in kong.request_log() if e["method"] == "PUT"]


def test_pem_lifecycle_masks_the_private_key(kong: Any, run_playbook: Any) -> None:
    secret_line = PEM["private_key"].splitlines()[1]
    lc = Lifecycle(
        module="kong_key",
        present={"name": "pem-key", "kid": "pem-1", "pem": PEM},
        absent={"name": "pem-key"},
        return_key="key",
        path="/keys/pem-key",
        expect={"name": "pem-key", "kid": "pem-1"},
        secrets=(secret_line,),
        updates=[Update("kid", "pem-2")],
    )
    run = run_playbook(lifecycle_tasks(lc, kong.url), sim=kong)
    assert_lifecycle(run, lc)
    created = run["create"].result["key"]
    assert created["pem"]["private_key"] == MASK and created["pem"]["public_key"].strip() == PEM["public_key"].strip()


def test_bulk_and_info_and_no_private_material_in_vvv_output(kong: Any, run_playbook: Any) -> None:
    admin.create(kong, "/key-sets", {"name": "ks"})
    items = [
        {"name": "a", "kid": "ec-1", "set": "ks", "jwk": JWK},
        {"name": "b", "kid": "pem-1", "set": "ks", "pem": PEM},
    ]
    rotate = {"name": "a", "kid": "ec-1", "set": "ks", "jwk": JWK_NEXT}
    tasks = [
        *bulk_info_tasks("keys", items),
        task("rotate", KEY, rotate, diff=True),
        task("rotate again", KEY, rotate, diff=True),
        task("info after", "aigateway.kong.kong_info", {"entity": "keys", "name": "a"}),
    ]
    run = run_playbook(tasks, sim=kong, verbosity=3)
    listed = {k["name"]: k for k in assert_bulk_info(run, "keys", 2)}
    assert json.loads(listed["a"]["jwk"])["d"] == MASK and listed["b"]["pem"]["private_key"] == MASK
    assert run["rotate"].changed and not run["rotate again"].changed, run.summary()
    assert json.loads(run["info after"].result["entities"][0]["jwk"])["x"] == json.loads(JWK_NEXT)["x"]
    secret_line = PEM["private_key"].splitlines()[1]
    for secret in (D, D_NEXT, secret_line):
        assert secret not in run.output and secret not in str([t.result for t in run.tasks]), secret
