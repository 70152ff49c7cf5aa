# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client: retries (idempotent verbs, transient failures only), error lines, TLS hints, pagination."""

from __future__ import annotations

import json
import re

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient, check_tls_files
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import (
    KongAPIError,
    KongConnectionError,
    KongValidationError,
)
from ansible_collections.aigateway.kong.plugins.module_utils.api.transport import Response, TransportError


class Scripted:
    """Answers from a list; each entry a Response or a TransportError to raise."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = []

    def send(self, method, url, headers, data, timeout):
        self.sent.append((method, url, headers, data))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def ok(body=None, status=200, **headers):
    return Response(status, json.dumps(body).encode() if body is not None else b"", headers)


def make(transport, **kwargs):
    sleeps = []
    client = KongClient("http://127.0.0.1:8001", transport=transport, sleep=sleeps.append, **kwargs)
    return client, sleeps


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_idempotent_verbs_retry_transient_statuses(method, status):
    transport = Scripted(ok(status=status), ok({"id": "x"}))
    client, sleeps = make(transport)
    assert client.request(method, "/services/x") == {"id": "x"}
    assert len(transport.sent) == 2 and sleeps == [0.5]


def test_post_is_never_retried():
    transport = Scripted(ok({"message": "busy"}, status=503))
    client, _sleeps = make(transport)
    with pytest.raises(KongAPIError):
        client.request("POST", "/services", body={"name": "x"})
    assert len(transport.sent) == 1


def test_post_connection_error_is_not_retried():
    transport = Scripted(TransportError("timeout", "read timed out"))
    client, _sleeps = make(transport)
    with pytest.raises(KongConnectionError, match=r"timed out after 10s \(option timeout\)"):
        client.request("POST", "/services", body={})
    assert len(transport.sent) == 1


@pytest.mark.parametrize("status", [400, 404, 409, 500])
def test_non_transient_statuses_are_not_retried(status):
    transport = Scripted(ok({"message": "no"}, status=status))
    client, _sleeps = make(transport)
    with pytest.raises(KongAPIError):
        client.request("GET", "/services/x")
    assert len(transport.sent) == 1


def test_backoff_is_exponential_and_bounded_by_retries():
    transport = Scripted(*[TransportError("refused", "Connection refused")] * 4)
    client, sleeps = make(transport, retries=3)
    with pytest.raises(KongConnectionError, match=r"connection refused.*http://127\.0\.0\.1:8001"):
        client.request("GET", "/services")
    assert sleeps == [0.5, 1.0, 2.0] and len(transport.sent) == 4


def test_retry_after_is_honoured():
    transport = Scripted(ok(status=429, **{"Retry-After": "3"}), ok({}))
    client, sleeps = make(transport)
    client.request("GET", "/services")
    assert sleeps == [3.0]


def test_tls_errors_name_the_check_and_are_not_retried():
    detail = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"
    transport = Scripted(TransportError("tls", detail))
    client, _sleeps = make(transport)
    with pytest.raises(KongConnectionError, match=r"certificate chain check.*ca_path.*validate_certs"):
        client.request("GET", "/")
    assert len(transport.sent) == 1
    transport = Scripted(TransportError("tls", "hostname mismatch, certificate is not valid for 'x'"))
    client, _sleeps = make(transport)
    with pytest.raises(KongConnectionError, match="host name check"):
        client.request("GET", "/")
    required = "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required"
    transport = Scripted(TransportError("tls", required))
    client, _sleeps = make(transport)
    with pytest.raises(KongConnectionError, match="client_cert and client_key"):
        client.request("GET", "/")


def test_error_line_format():
    body = {"code": 2, "name": "schema violation",
            "message": "2 schema violations (host: required field missing; port: expected an integer)",
            "fields": {"host": "required field missing", "port": "expected an integer"}}
    client, _sleeps = make(Scripted(ok(body, status=400)))
    with pytest.raises(KongAPIError) as caught:
        client.request("POST", "/services", body={"name": "x"})
    assert caught.value.describe("create service 'x'") == (
        "Failed to create service 'x': POST /services -> 400 schema violation: 2 schema violations "
        "(host: required field missing; port: expected an integer) [fields: host, port]")


def test_error_field_paths_nested_and_arrays():
    body = {"name": "schema violation", "message": "m",
            "fields": {"config": {"auth": {"header_value": "required"}}, "protocols": [None, "bad"],
                       "@entity": ["x"]}}
    client, _sleeps = make(Scripted(ok(body, status=400)))
    with pytest.raises(KongAPIError) as caught:
        client.request("PATCH", "/plugins/p", body={})
    assert caught.value.field_paths == ["@entity", "config.auth.header_value", "protocols.2"]


def test_error_without_kong_name():
    client, _sleeps = make(Scripted(ok({"message": "Not found"}, status=404)))
    with pytest.raises(KongAPIError, match=r"^PATCH /services/x -> 404 Not found$"):
        client.request("PATCH", "/services/x", body={})


def test_get_or_none():
    client, _sleeps = make(Scripted(ok({"message": "Not found"}, status=404)))
    assert client.get_or_none("/services/x") is None


def test_pagination_follows_next():
    transport = Scripted(ok({"data": [1, 2], "next": "/services?offset=abc&size=2", "offset": "abc"}),
                         ok({"data": [3], "next": None}))
    client, _sleeps = make(transport)
    assert list(client.paginate("/services", size=2)) == [1, 2, 3]
    assert transport.sent[0][1] == "http://127.0.0.1:8001/services?size=2"
    assert transport.sent[1][1] == "http://127.0.0.1:8001/services?offset=abc&size=2"


def test_headers_token_and_workspace():
    transport = Scripted(ok({}), ok({}))
    client, _sleeps = make(transport, admin_token="t0k", workspace="team a", headers={"X-Extra": "1"})
    client.request("GET", "/services")
    client.request("GET", "/")
    __method, url, headers, _data = transport.sent[0]
    assert url == "http://127.0.0.1:8001/team%20a/services"
    assert headers["Kong-Admin-Token"] == "t0k" and headers["X-Extra"] == "1"
    assert transport.sent[1][1] == "http://127.0.0.1:8001/"


def test_json_body_sent():
    transport = Scripted(ok({"id": "1"}, status=201))
    client, _sleeps = make(transport)
    client.request("POST", "/consumers", body={"username": "bob"})
    headers, data = transport.sent[0][2:]
    assert headers["Content-Type"] == "application/json" and json.loads(data) == {"username": "bob"}


def test_auth_failure_names_url_and_option():
    client, _sleeps = make(Scripted(ok({"message": "Invalid credentials"}, status=401)))
    expected = r"401 Invalid credentials \(the Admin API at http://127\.0\.0\.1:8001 .*admin_token\)"
    with pytest.raises(KongAPIError, match=expected):
        client.request("GET", "/consumers/x")


def test_kong_multi_line_messages_become_one_line():
    body = {"code": 2, "name": "schema violation",
            "message": 'schema violation (healthchecks.active: {\n  timeout = "value should be between 0 and 65535"\n})',  # noqa: E501
            "fields": {"healthchecks": {"active": {"timeout": "value should be between 0 and 65535"}}}}
    client, _sleeps = make(Scripted(ok(body, status=400)))
    with pytest.raises(KongAPIError) as caught:
        client.request("POST", "/upstreams", body={"name": "u"})
    line = caught.value.describe("create upstream 'u'")
    assert "\n" not in line and "  " not in line
    assert line == ("Failed to create upstream 'u': POST /upstreams -> 400 schema violation: schema violation "
                    '(healthchecks.active: { timeout = "value should be between 0 and 65535" }) '
                    "[fields: healthchecks.active.timeout]")
    assert KongValidationError("a\n  b").describe() == "a b"
    assert "\n" not in KongConnectionError("GET", "http://x/", "reset\nby peer").describe("read")


def test_gateway_errors_name_the_full_url_once_retries_are_spent():
    client, _sleeps = make(Scripted(*[ok({"message": "busy"}, status=503) for _attempt in range(2)]), retries=1)
    with pytest.raises(KongAPIError) as caught:
        client.request("GET", "/services/s", query={"size": 1})
    line = str(caught.value)
    assert line.startswith("GET http://127.0.0.1:8001/services/s -> 503 busy") and "size=" not in line
    assert "gave up after 2 attempts; option admin_retries" in line
    client, _sleeps = make(Scripted(ok({"message": "busy"}, status=502)))
    with pytest.raises(KongAPIError, match=r"^POST http://127\.0\.0\.1:8001/upstreams -> 502 busy$"):
        client.request("POST", "/upstreams", body={})


@pytest.mark.parametrize(
    "detail, client_cert, expected",
    [
        ("[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required", False,
         r"requires a client certificate and none was sent \(client certificate check\); "
         r"set client_cert and client_key"),
        ("SSLError(SSLEOFError(8, 'EOF occurred in violation of protocol (_ssl.c:2427)'))", False,
         r"requires a client certificate.*client certificate check.*client_cert and client_key"),
        ("SSLError(SSLEOFError(8, 'EOF occurred in violation of protocol (_ssl.c:2427)'))", True,
         r"refused the client certificate \(client certificate check\).*client_cert and client_key"),
        ("[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca", True, r"refused the client certificate"),
        ("[X509: KEY_VALUES_MISMATCH] key values mismatch", True, r"client_key is not the key of client_cert"),
        ("[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found", False, r"ca_path holds no PEM"),
        ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
         "IP address mismatch, certificate is not valid for '127.0.0.1'", False,
         r"host name check.*validate_certs"),
        ("[SSL: WRONG_VERSION_NUMBER] wrong version number", False, r"may not speak TLS.*admin_url"),
    ],
)
def test_tls_hint_names_the_failed_check_and_the_option(detail, client_cert, expected):
    transport = Scripted(TransportError("tls", "HTTPSConnectionPool(host='127.0.0.1'): (Caused by " + detail + ")"))
    client, _sleeps = make(transport, client_cert="/c.pem" if client_cert else None)
    with pytest.raises(KongConnectionError) as caught:
        client.request("GET", "/")
    assert re.search(expected, str(caught.value)), str(caught.value)
    assert "HTTPSConnectionPool" not in str(caught.value)


def test_tls_files_are_checked_before_any_request(tmp_path):
    certs = pytest.importorskip("helpers.certs")
    pair = certs.make_cert("client")
    other = certs.make_cert("other")
    cert, key = pair.write(tmp_path, "client")
    _other_cert, other_key = other.write(tmp_path, "other")
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    assert check_tls_files({"ca_path": str(cert), "client_cert": str(cert), "client_key": str(key)}) is None
    missing = tmp_path / "nope.crt"
    assert check_tls_files({"client_cert": str(missing)}) == f"client_cert '{missing}' does not exist"
    assert check_tls_files({"ca_path": str(junk)}) == f"ca_path '{junk}' holds no PEM certificate"
    assert check_tls_files({"client_cert": str(junk), "client_key": str(key)}) == (
        f"client_cert '{junk}' holds no PEM certificate")
    assert check_tls_files({"client_cert": str(cert), "client_key": str(junk)}).startswith(
        f"client_key '{junk}' holds no usable PEM private key")
    assert check_tls_files({"client_cert": str(cert), "client_key": str(other_key)}) == (
        f"client_key '{other_key}' is not the key of client_cert '{cert}'")
    assert check_tls_files({"client_key": str(tmp_path / "k")}) == f"client_key '{tmp_path / 'k'}' does not exist"


@pytest.mark.parametrize(
    "failure",
    [TransportError("refused", "Connection refused"), TransportError("timeout", "read timed out")],
)
def test_credentials_in_admin_url_never_reach_error_messages(failure):
    transport = Scripted(*[failure] * 4)
    client = KongClient("http://admin:s3cr3t-pw@127.0.0.1:8001", transport=transport, sleep=lambda _s: None)
    with pytest.raises(KongConnectionError) as raised:
        client.request("GET", "/services")
    assert "s3cr3t-pw" not in str(raised.value)
    assert "http://***@127.0.0.1:8001/services" in str(raised.value)
    assert transport.sent[0][1].startswith("http://admin:s3cr3t-pw@127.0.0.1:8001/")  # still used to connect


def test_credentials_in_admin_url_are_hidden_on_http_errors():
    transport = Scripted(*[ok({"message": "busy"}, status=503)] * 4)
    client = KongClient("https://u:s3cr3t-pw@127.0.0.1:8444/", transport=transport, sleep=lambda _s: None)
    with pytest.raises(KongAPIError) as raised:
        client.request("GET", "/services")
    assert "s3cr3t-pw" not in str(raised.value) and "https://***@127.0.0.1:8444/services" in str(raised.value)


NGINX_NO_CERT = (
    b"<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n"
    b"<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@pytest.mark.parametrize("client_cert", [False, True])
def test_nginx_client_certificate_page_becomes_a_message_naming_the_options(client_cert):
    answer = Response(400, NGINX_NO_CERT, {"content-type": "text/html; charset=UTF-8"})
    kwargs = {"client_cert": "/etc/kong/client.crt", "client_key": "/etc/kong/client.key"} if client_cert else {}
    client, _sleeps = make(Scripted(answer), **kwargs)
    with pytest.raises(KongAPIError) as caught:
        client.request("GET", "/services/x")
    line = str(caught.value)
    assert line.startswith("GET /services/x -> 400 No required SSL certificate was sent (the Admin API at ")
    assert "<html>" not in line and "client_cert and client_key" in line
    assert ("refused the client certificate" in line) is client_cert
