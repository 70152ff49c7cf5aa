"""Certificate entity checks without OpenSSL: PEM structure, key pairing, CA basic constraint."""

from __future__ import annotations

import pytest
from kongsim.rules.pem import ca_certificate_check, certificate_key_check, validate_certificate, validate_key
from kongsim.rules.schemas import SchemaError, Schemas

EC_CERT = """\
-----BEGIN CERTIFICATE-----
MIIBeDCCAR+gAwIBAgIUcgvtjFsQAGBNv70SXLqr/XwyZEUwCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGYS50ZXN0MCAXDTI2MTEyNjExMTUxOFoYDzIxMjYxMTAyMTEx
NTE4WjARMQ8wDQYDVQQDDAZhLnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AATKsIOtddi+4WOCgGMQjM4LxCuLda4jWZycU2t2bTu6GzyAh8Qa7HmH+n1VU6AX
qzaGHGjpi+CYMQTyqPWSbPP4o1MwUTAdBgNVHQ4EFgQUuWQgpQrI4gMjBvqhEd3U
JRquhvcwHwYDVR0jBBgwFoAUuWQgpQrI4gMjBvqhEd3UJRquhvcwDwYDVR0TAQH/
BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiA3gACCcpBCUicAdlvav/Lg+FNachgj
ARVfJ5YZFx8xWAIgFWhYyj/jPlpf2XP47/miW7/4daM+QO/X8THinwV1KtY=
-----END CERTIFICATE-----
"""
EC_KEY = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgzG9CbiVSyPmVHfIt
KsQzUoWhQoRe4xIVGv8cx2K9az2hRANCAATKsIOtddi+4WOCgGMQjM4LxCuLda4j
WZycU2t2bTu6GzyAh8Qa7HmH+n1VU6AXqzaGHGjpi+CYMQTyqPWSbPP4
-----END PRIVATE KEY-----
"""
EC_KEY_SEC1 = """\
-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIMxvQm4lUsj5lR3yLSrEM1KFoUKEXuMSFRr/HMdivWs9oAoGCCqGSM49
AwEHoUQDQgAEyrCDrXXYvuFjgoBjEIzOC8Qri3WuI1mcnFNrdm07uhs8gIfEGux5
h/p9VVOgF6s2hhxo6YvgmDEE8qj1kmzz+A==
-----END EC PRIVATE KEY-----
"""
LEAF_CERT = """\
-----BEGIN CERTIFICATE-----
MIIBdDCCARmgAwIBAgIUChzRJAJvf9kf+emSKNmcfgUC/rEwCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGYy50ZXN0MCAXDTI2MTEyNjExMTUxOVoYDzIxMjYxMTAyMTEx
NTE5WjARMQ8wDQYDVQQDDAZjLnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AAQm4ITrEw95GN1xrvjRb1CWwcGjRbQdtrbkbVPJIzSLP13Cgvm5G29bt3aXWGEm
fhwaOJeZAkarprbMtBW72MwLo00wSzAdBgNVHQ4EFgQUi4P/6h2rgOrtHNcFvlU7
yUYjw2UwHwYDVR0jBBgwFoAUi4P/6h2rgOrtHNcFvlU7yUYjw2UwCQYDVR0TBAIw
ADAKBggqhkjOPQQDAgNJADBGAiEA4ZgfSiixpJKXB0mrXFQYhfYBEe40y4BIwpO/
sCY//3oCIQD78AH88PeJmiUmWInUd6uCNB2lp0mpVSFE0o5/ZxxkLQ==
-----END CERTIFICATE-----
"""
LEAF_KEY = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgE/Yncp4t7QqW4TQ4
Ux/x+G6W2OmfAj+vCZD5f3uxG5ihRANCAAQm4ITrEw95GN1xrvjRb1CWwcGjRbQd
trbkbVPJIzSLP13Cgvm5G29bt3aXWGEmfhwaOJeZAkarprbMtBW72MwL
-----END PRIVATE KEY-----
"""
RSA_CERT = """\
-----BEGIN CERTIFICATE-----
MIICADCCAWmgAwIBAgIUSJEdYGYvg5Evm/a3SEpoF7hrxoUwDQYJKoZIhvcNAQEL
BQAwETEPMA0GA1UEAwwGYi50ZXN0MCAXDTI2MTEyNjExMTUxOVoYDzIxMjYxMTAy
MTExNTE5WjARMQ8wDQYDVQQDDAZiLnRlc3QwgZ8wDQYJKoZIhvcNAQEBBQADgY0A
MIGJAoGBANSKlThFA8IanJQy/jC4XSRLhGgMYpTy5C+GoBRbZL85PgZk4bNieJtb
4hHoNyneFDD34dRTK8UNpg9mgICGvaaD4vAzcAFHAGnJAfj4Hcj2FV5Z8QIn6jmN
xGMBQ/WaNHQk1+8DnA5FDliLNjOtx/XRDJXG1McT5cmK4P9OViDPAgMBAAGjUzBR
MB0GA1UdDgQWBBSDFM21kQH0Ch2+9ig1za/Tff3exTAfBgNVHSMEGDAWgBSDFM21
kQH0Ch2+9ig1za/Tff3exTAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUA
A4GBAMF1GAuelGNY2V++daiMx0cpST9WgtU3/55veyAszpyD2zJTmq6xgOhAoxBx
BFxXF+Kl9VrVCLl57G1BOWcMA5rW27u9+eUefuyKX/6tSOKv3riwgbnUXo4ik+XR
blX/dNxpOjDf6pN6ps06bY6XqgIPHZdudvx1WxHbbOoWJF0B
-----END CERTIFICATE-----
"""
RSA_KEY = """\
-----BEGIN RSA PRIVATE KEY-----
MIICXwIBAAKBgQDUipU4RQPCGpyUMv4wuF0kS4RoDGKU8uQvhqAUW2S/OT4GZOGz
YnibW+IR6Dcp3hQw9+HUUyvFDaYPZoCAhr2mg+LwM3ABRwBpyQH4+B3I9hVeWfEC
J+o5jcRjAUP1mjR0JNfvA5wORQ5YizYzrcf10QyVxtTHE+XJiuD/TlYgzwIDAQAB
AoGBAMxHKiZ8BqGvzCCQZklTWYpB3s/WX4XDcdfP79nBAbLdBKVGnrs4AK1pgX4u
j5546TUrem0FR0NM2/dfUFC3sFwzbfNPsPqLXoHIvEvxYd6ejOm9QapQfTqrYowl
EjYc9NJr6E+s7bzdF5C/YGZJXfQbsrKIymkMNZOtFSgk+hJBAkEA6tiviWWI4fnC
3TZNHPNCj5qBr2oPPuAB3tRnABiFoQfWXIWduCZD6CuKrQYyU0eLNp2ogikfSqqG
H8tnlG1rYQJBAOevkKc6L+d0QkUnpT/AdiZhmQRMteoFb/dKol7CN/GN3fk+Ub6y
6bC9qoizVEKXSKPgD6IWID8ZU+ZntHORqi8CQQCbdoX9dnF+5k/RELlLiN1vIuDm
tlcRUEjssb7dmV4ck4ucA/e8h9g8QVaz4349EwddSFDcmUxVqTzQn14aK7UBAkEA
rdxV1OgZYrsfr/2cSEcJYqwCw/M84CzMZOqhBjMBAEfRt2RIu65PJ85s1sCcDoyw
eil+EchA0pkTGOfhxogdCQJBANvaaUM2w3yHaisfXQvZ4H4dCAAdII1k4pnApzwn
l3wBKHjH3aIKn5iWM/FI0XlMNVvOCZl2uZ4iKbetK0Es7DI=
-----END RSA PRIVATE KEY-----
"""
EXPIRED_CERT = """\
-----BEGIN CERTIFICATE-----
MIIBFTCBvQIUaEUWot3+YxIOLvq4bWsMKfjJA+YwCgYIKoZIzj0EAwIwDjEMMAoG
A1UEAwwDb2xkMB4XDTI2MTEyNjExMjEwN1oXDTI2MTEyNTExMjEwN1owDjEMMAoG
A1UEAwwDb2xkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAExtnH7kmq4qLUlnq+
AMjpk4Y7H6YyH9fe+0INk0GkQQeF2aqH57Lw845RvhzXs+Q6IwJ0oNZjQhBga023
KSGEKjAKBggqhkjOPQQDAgNHADBEAiB2GNvkKaI8zCCDA/UHVCEU69dVYvpcpXyQ
W90um6M9qgIgesqCK/lRcNLxtewPthXV9KB2LbxZW1EWjjEJUo64r10=
-----END CERTIFICATE-----
"""


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas()


def test_matching_pairs_pass_in_every_key_format():
    assert certificate_key_check(EC_CERT, EC_KEY) is None
    assert certificate_key_check(EC_CERT, EC_KEY_SEC1) is None
    assert certificate_key_check(RSA_CERT, RSA_KEY) is None


def test_mismatched_pairs_are_refused():
    assert certificate_key_check(EC_CERT, LEAF_KEY) == "certificate does not match key"
    assert certificate_key_check(RSA_CERT, EC_KEY) == "certificate does not match key"


def test_vault_references_are_not_checked():
    assert certificate_key_check("{vault://env/cert}", EC_KEY) is None
    assert validate_certificate("{vault://env/cert}") is None


def test_openssl_messages_for_garbage():
    assert validate_certificate("garbage").startswith("invalid certificate: x509.new: error:680008E:")
    assert validate_certificate("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n").startswith(
        "invalid certificate: x509.new: error:688010A:"
    )
    assert validate_key("nope").startswith("invalid key: pkey.new:load_key: error:1E08010C:")
    assert validate_key(RSA_KEY) is None


def test_ca_basic_constraint():
    assert ca_certificate_check(EC_CERT) is None
    assert ca_certificate_check(LEAF_CERT) == (
        'certificate does not appear to be a CA because it is missing the "CA" basic constraint'
    )
    assert ca_certificate_check(EC_CERT + EC_CERT) == "please submit only one certificate at a time"
    assert ca_certificate_check(EXPIRED_CERT) == 'certificate expired, "Not After" time is in the past'


def test_certificate_entity(schemas):
    cert = schemas.process("certificates", {"cert": EC_CERT, "key": EC_KEY, "snis": ["a.test"]}, op="insert")
    assert (cert["cert_alt"], cert["key_alt"], cert["snis"]) == (None, None, ["a.test"])
    with pytest.raises(SchemaError) as info:
        schemas.process(
            "certificates", {"cert": EC_CERT, "key": EC_KEY, "cert_alt": LEAF_CERT, "key_alt": EC_KEY}, op="insert"
        )
    assert info.value.fields == {
        "@entity": [
            "alternative certificate does not match key",
            "certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), "
            "the provided certificates were both of the same type",
        ]
    }


def test_ca_certificate_digest(schemas):
    ca = schemas.process("ca_certificates", {"cert": EC_CERT}, op="insert")
    assert len(ca["cert_digest"]) == 64
    with pytest.raises(SchemaError) as info:
        schemas.process("ca_certificates", {"cert": LEAF_CERT}, op="insert")
    assert info.value.message.startswith("schema violation (certificate does not appear to be a CA")
