"""Certificate and key checks without OpenSSL: PEM/DER structure, key pairing, CA constraint.

Messages are the ones Kong 3.9.1 (OpenSSL 3) produces for the common failures. The OpenSSL error detail in
them is that of Kong's own 3.9.1 build (another OpenSSL gives other codes and lines); Kong 3.4's
lua-resty-openssl (0.8) lays it out otherwise: `<file>:<line>:error:<code>:<library>::<reason>`.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
import re
import time
from typing import Any

from ..versions import active, since

_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", re.DOTALL)
_CERT_NOT_ENOUGH_DATA = (
    "invalid certificate: x509.new: error:680008E:asn1 encoding routines:asn1_d2i_read_bio:"
    "not enough data:crypto/asn1/a_d2i_fp.c:283:"
)
_CERT_NESTED = (
    "invalid certificate: x509.new: error:688010A:asn1 encoding routines:asn1_item_embed_d2i:"
    "nested asn1 error:crypto/asn1/tasn_dec.c:375:"
)
_KEY_UNSUPPORTED = (
    "invalid key: pkey.new:load_key: error:1E08010C:DECODER routines:OSSL_DECODER_from_bio:"
    "unsupported:crypto/encode_decode/decoder_lib.c:103:"
)
_DETAIL = re.compile(r"error:([0-9A-F]+):([^:]*):[^:]*:([^:]*):([^:]+:\d+):")


def _openssl(message: str) -> str:
    """`message` with its OpenSSL detail laid out as the active Kong release's lua-resty-openssl does."""
    if since(active(), "3.5"):
        return message
    return _DETAIL.sub(lambda m: f"{m.group(4)}:error:{m.group(1):0>8}:{m.group(2)}::{m.group(3)}", message)


_OID_BASIC_CONSTRAINTS = bytes.fromhex("551d13")
_OID_EC_PUBLIC_KEY = bytes.fromhex("2a8648ce3d0201")
_OID_RSA = bytes.fromhex("2a864886f70d010101")


def _is_reference(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{vault://") and value.endswith("}")


def _tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the DER element at `pos`."""
    if pos + 2 > len(data):
        raise ValueError("truncated")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise ValueError("bad length")
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    if pos + length > len(data):
        raise ValueError("truncated")
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    pos = start
    while pos < end:
        tag, s, e = _tlv(data, pos)
        out.append((tag, s, e))
        pos = e
    return out


def _pem_der(text: str, labels: tuple[str, ...]) -> tuple[str, bytes] | None:
    for m in _PEM.finditer(text):
        if m.group(1) in labels:
            try:
                return m.group(1), base64.b64decode("".join(m.group(2).split()), validate=True)
            except (binascii.Error, ValueError):
                return None
    return None


def certificate_digest(cert: str) -> str | None:
    """sha256 hex of the certificate's DER encoding (ca_certificates `cert_digest`)."""
    found = _pem_der(cert, ("CERTIFICATE",))
    return hashlib.sha256(found[1]).hexdigest() if found is not None else None


def _asn1_time(raw: bytes, tag: int) -> float:
    """Seconds since the epoch of a UTCTime (tag 0x17) or GeneralizedTime value."""
    text = raw.decode("ascii").rstrip("Z")
    if tag == 0x17:
        year = int(text[:2])
        text = str(1900 + year if year >= 50 else 2000 + year) + text[2:]
    return calendar.timegm(time.strptime(text[:14], "%Y%m%d%H%M%S"))


def _parse_certificate(text: str) -> dict | None:
    found = _pem_der(text, ("CERTIFICATE", "TRUSTED CERTIFICATE"))
    if found is None:
        return None
    der = found[1]
    try:
        _tag, s, e = _tlv(der, 0)
        _tag, ts, te = _children(der, s, e)[0]
        items = _children(der, ts, te)
        if items and items[0][0] == 0xA0:
            items = items[1:]
        validity = _children(der, items[3][1], items[3][2])
        not_after = _asn1_time(der[validity[1][1]:validity[1][2]], validity[1][0])
        spki = items[5]
        spki_parts = _children(der, spki[1], spki[2])
        alg = _children(der, spki_parts[0][1], spki_parts[0][2])
        ext_ca = False
        for tag, xs, xe in items[6:]:
            if tag != 0xA3:
                continue
            (_tag, ls, le), = _children(der, xs, xe)[:1]
            for _tag, es, ee in _children(der, ls, le):
                parts = _children(der, es, ee)
                if der[parts[0][1]:parts[0][2]] != _OID_BASIC_CONSTRAINTS:
                    continue
                octet = parts[-1]
                _tag, bs, be = _tlv(der, octet[1])
                for ctag, cs, ce in _children(der, bs, be):
                    if ctag == 0x01 and der[cs:ce] != b"\x00":
                        ext_ca = True
        return {
            "key_alg": der[alg[0][1]:alg[0][2]],
            "public_key": der[spki_parts[1][1] + 1:spki_parts[1][2]],
            "ca": ext_ca,
            "not_after": not_after,
        }
    except (ValueError, IndexError):
        return None


def _parse_private_key(text: str) -> dict | None:
    """{"public_key": bytes | None, "rsa": (n, e) | None} for PKCS#8, SEC1 EC and PKCS#1 RSA keys."""
    found = _pem_der(text, ("PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"))
    if found is None:
        return None
    label, der = found
    try:
        _tag, s, e = _tlv(der, 0)
        parts = _children(der, s, e)
        if label == "PRIVATE KEY":
            alg = _children(der, parts[1][1], parts[1][2])
            oid = der[alg[0][1]:alg[0][2]]
            inner = der[parts[2][1]:parts[2][2]]
            if oid == _OID_EC_PUBLIC_KEY:
                return _sec1_public(inner)
            if oid == _OID_RSA:
                return _rsa_numbers(inner)
            return {"public_key": None, "rsa": None}
        if label == "EC PRIVATE KEY":
            return _sec1_public(der)
        return _rsa_numbers(der)
    except (ValueError, IndexError):
        return None


def _sec1_public(der: bytes) -> dict:
    _tag, s, e = _tlv(der, 0)
    for tag, cs, _end in _children(der, s, e):
        if tag == 0xA1:
            _tag, bs, be = _tlv(der, cs)
            return {"public_key": der[bs + 1:be], "rsa": None}
    return {"public_key": None, "rsa": None}


def _rsa_numbers(der: bytes) -> dict:
    _tag, s, e = _tlv(der, 0)
    parts = _children(der, s, e)
    n = int.from_bytes(der[parts[1][1]:parts[1][2]], "big")
    exp = int.from_bytes(der[parts[2][1]:parts[2][2]], "big")
    return {"public_key": None, "rsa": (n, exp)}


def _rsa_public(public_key: bytes) -> tuple[int, int] | None:
    try:
        _tag, s, e = _tlv(public_key, 0)
        parts = _children(public_key, s, e)
        n = int.from_bytes(public_key[parts[0][1]:parts[0][2]], "big")
        exp = int.from_bytes(public_key[parts[1][1]:parts[1][2]], "big")
        return n, exp
    except (ValueError, IndexError):
        return None


def validate_certificate(cert: str) -> str | None:
    if _is_reference(cert):
        return None
    if _parse_certificate(cert) is not None:
        return None
    return _openssl(_CERT_NESTED if "-----BEGIN" in cert else _CERT_NOT_ENOUGH_DATA)


def validate_key(key: str) -> str | None:
    if _is_reference(key):
        return None
    if _parse_private_key(key) is not None:
        return None
    if re.search(r"-----BEGIN (RSA |EC )?PUBLIC KEY-----", key):
        return None
    return _openssl(_KEY_UNSUPPORTED)


def certificate_key_check(cert: Any, key: Any, what: str = "certificate") -> str | None:
    """Kong's certificates entity check: the key must belong to the certificate."""
    if not isinstance(cert, str) or not isinstance(key, str) or _is_reference(cert) or _is_reference(key):
        return None
    c = _parse_certificate(cert)
    k = _parse_private_key(key)
    if c is None or k is None:
        return None
    if k["public_key"] is not None and c["key_alg"] == _OID_EC_PUBLIC_KEY:
        return None if k["public_key"] == c["public_key"] else f"{what} does not match key"
    if k["rsa"] is not None and c["key_alg"] == _OID_RSA:
        return None if _rsa_public(c["public_key"]) == k["rsa"] else f"{what} does not match key"
    if c["key_alg"] in (_OID_RSA, _OID_EC_PUBLIC_KEY) and (k["rsa"] is not None or k["public_key"] is not None):
        return f"{what} does not match key"
    return None


def certificate_types_check(cert: Any, cert_alt: Any) -> str | None:
    """cert and cert_alt must hold different key types (e.g. RSA and ECDSA)."""
    if not isinstance(cert, str) or not isinstance(cert_alt, str):
        return None
    a, b = _parse_certificate(cert), _parse_certificate(cert_alt)
    if a is not None and b is not None and a["key_alg"] == b["key_alg"]:
        return (
            "certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), "
            "the provided certificates were both of the same type"
        )
    return None


def ca_certificate_check(cert: Any) -> str | None:
    if not isinstance(cert, str):
        return None
    if cert.count("-----BEGIN CERTIFICATE-----") > 1:
        return "please submit only one certificate at a time"
    c = _parse_certificate(cert)
    if c is None:
        return None
    if c["not_after"] < time.time():
        return 'certificate expired, "Not After" time is in the past'
    if not c["ca"]:
        return 'certificate does not appear to be a CA because it is missing the "CA" basic constraint'
    return None


_JWK_REQUIRED = {"RSA": ("n", "e"), "EC": ("crv", "x", "y"), "OKP": ("crv", "x")}


def jwk_error(jwk: dict) -> str | None:
    """Kong's keys check for a JWK: OpenSSL loads RSA, EC and OKP keys only."""
    needed = _JWK_REQUIRED.get(jwk.get("kty"))  # type: ignore[arg-type]
    if needed is None or not all(isinstance(jwk.get(p), str) for p in needed):
        return "could not load JWK, likely not a valid key"
    return None


def _parse_public_key(text: str) -> dict | None:
    """{"public_key": bytes | None, "rsa": (n, e) | None} for a PEM SubjectPublicKeyInfo."""
    found = _pem_der(text, ("PUBLIC KEY",))
    if found is None:
        return None
    der = found[1]
    try:
        _tag, s, e = _tlv(der, 0)
        alg, bits = _children(der, s, e)[:2]
        oid = der[_children(der, alg[1], alg[2])[0][1]:_children(der, alg[1], alg[2])[0][2]]
        key = der[bits[1] + 1:bits[2]]
        if oid == _OID_RSA:
            return {"public_key": None, "rsa": _rsa_public(key)}
        return {"public_key": key, "rsa": None}
    except (ValueError, IndexError):
        return None


def validate_ssl_key(key: str) -> str | None:
    """The jwt plugin's check of `rsa_public_key`: any PEM public or private key OpenSSL would load."""
    if _parse_public_key(key) is not None or _parse_private_key(key) is not None:
        return None
    found = _pem_der(key, ("RSA PUBLIC KEY",))
    if found is not None and _rsa_public(found[1]) is not None:
        return None
    return "invalid key"


def validate_pem_keys(pem: Any) -> str | None:
    """typedefs.pem's validator: loadable keys, and a public key matching the private one."""
    if not isinstance(pem, dict):
        return None
    public_key, private_key = pem.get("public_key"), pem.get("private_key")
    if _is_reference(public_key) or _is_reference(private_key):
        return None
    pub = priv = None
    if isinstance(public_key, str):
        pub = _parse_public_key(public_key)
        if pub is None:
            return "could not load public key"
    if isinstance(private_key, str):
        priv = _parse_private_key(private_key)
        if priv is None:
            return "could not load private key" + _openssl(_KEY_UNSUPPORTED)[len("invalid key: "):]
    if pub is not None and priv is not None and (
        (priv["public_key"] is not None and pub["public_key"] is not None and priv["public_key"] != pub["public_key"])
        or (priv["rsa"] is not None and pub["rsa"] is not None and priv["rsa"] != pub["rsa"])
        or ((priv["rsa"] is None) != (pub["rsa"] is None))
    ):
        return "public key does not match private key"
    return None
