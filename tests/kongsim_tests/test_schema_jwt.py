"""JWT credentials with an asymmetric algorithm: `rsa_public_key` must be a key OpenSSL loads."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from kongsim.rules.schemas import SchemaError, Schemas

CONSUMER = {"id": "c0000000-0000-4000-8000-000000000001"}


def _public_pem(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _jwt(algorithm: str, rsa_public_key: str | None) -> dict:
    out = {"consumer": CONSUMER, "key": "k", "algorithm": algorithm}
    if rsa_public_key is not None:
        out["rsa_public_key"] = rsa_public_key
    return out


@pytest.mark.parametrize("algorithm", ["RS256", "RS512", "PS384", "EdDSA"])
def test_asymmetric_algorithm_refuses_what_is_not_a_key(algorithm: str) -> None:
    with pytest.raises(SchemaError) as caught:
        Schemas().process("jwt_secrets", _jwt(algorithm, "not a key"), op="insert")
    assert caught.value.fields == {
        "@entity": ["failed conditional validation given value of field 'algorithm'"],
        "rsa_public_key": "invalid key",
    }


def test_asymmetric_algorithm_accepts_pem_keys() -> None:
    schemas = Schemas()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs1 = rsa_key.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.PKCS1).decode()
    for algorithm, pem in [("RS256", _public_pem(rsa_key)), ("PS256", pkcs1),
                           ("EdDSA", _public_pem(ed25519.Ed25519PrivateKey.generate()))]:
        stored = schemas.process("jwt_secrets", _jwt(algorithm, pem), op="insert")
        assert stored["rsa_public_key"] == pem


def test_es_and_hs_algorithms_do_not_check_the_key() -> None:
    schemas = Schemas()
    ec_pem = _public_pem(ec.generate_private_key(ec.SECP256R1()))
    assert schemas.process("jwt_secrets", _jwt("ES256", "not a key"), op="insert")["rsa_public_key"] == "not a key"
    assert schemas.process("jwt_secrets", _jwt("ES384", ec_pem), op="insert")["algorithm"] == "ES384"
    assert schemas.process("jwt_secrets", _jwt("HS256", None), op="insert")["rsa_public_key"] is None
