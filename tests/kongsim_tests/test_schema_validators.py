"""Kong's custom validators (kong/db/schema/typedefs.lua, kong/tools/ip.lua, kong/tools/uri.lua)."""

from __future__ import annotations

import pytest
from kongsim.rules import typedefs as v


@pytest.mark.parametrize(
    ("target", "stored"),
    [
        ("konghq.test", "konghq.test:8000"),
        ("konghq.test:81", "konghq.test:81"),
        ("10.0.0.1", "10.0.0.1:8000"),
        ("fd00::12", "[fd00:0000:0000:0000:0000:0000:0000:0012]:8000"),
        ("[::1]:90", "[0000:0000:0000:0000:0000:0000:0000:0001]:90"),
        ("not a host:abc", None),
        ("host:70000", None),
    ],
)
def test_format_target(target, stored):
    assert v.format_target(target) == stored


@pytest.mark.parametrize(
    ("host", "error"),
    [
        ("api.example.test", None),
        ("10.1.2.3", None),
        ("bad_host name", "invalid value: bad_host name"),
        ("example.test:80", "must not have a port"),
        ("example.test:99999", "must not have a port"),
        ("-a.test", None),
        ("a-.test", "invalid value: a-.test"),
        ("a..test", "invalid value: a..test"),
        ("fqdn.test.", None),
    ],
)
def test_validate_host(host, error):
    assert v.validate_host(host) == error


def test_host_with_optional_port_keeps_check_hostname_messages():
    assert v.validate_host_with_optional_port("not a host") == "invalid hostname: not a host"
    assert v.validate_host_with_optional_port("h.test:8080") is None
    assert v.validate_host_with_optional_port("h.test:70000") == "invalid port number"


def test_sni_and_wildcard_hosts():
    assert v.validate_sni("10.1.1.1") == "must not be an IP"
    assert v.validate_sni("a.test:443") == "must not have a port"
    assert v.validate_wildcard_host("*.example.test") is None
    assert v.validate_wildcard_host("a.*.test") == "wildcard must be leftmost or rightmost character"
    assert v.validate_host_with_wildcards("*.x.test") is None
    assert v.validate_host_with_wildcards("api.gateway.test/v1") == "invalid hostname: api.gateway.test/v1"


def test_upstream_names():
    assert v.validate_upstream_name("llm-pool") is None
    assert v.validate_upstream_name("10.0.0.1") == "Invalid name ('10.0.0.1'); no ip addresses allowed"
    assert v.validate_upstream_name("pool:8080") == "Invalid name ('pool:8080'); no port allowed"
    assert v.validate_upstream_name("bad pool") == "Invalid name ('bad pool'); must be a valid hostname"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("10.0.0.0/8", True),
        ("300.1.1.1", False),
        ("::1", True),
        ("fe80::/10", True),
        ("10.0.0.1/33", False),
        ("1.2.3.4", True),
        ("01.2.3.4", False),
    ],
)
def test_ip_or_cidr(value, ok):
    assert (v.validate_ip_or_cidr(value) is None) is ok


def test_url_parsing_follows_luasocket():
    assert v.parse_url("https://u:p@h.test:8443/a/b?q=1#f") == {
        "scheme": "https",
        "authority": "u:p@h.test:8443",
        "fragment": "f",
        "query": "q=1",
        "path": "/a/b",
        "userinfo": "u:p",
        "port": "8443",
        "host": "h.test",
    }
    assert v.parse_url("invalid url") == {"path": "invalid url"}
    assert v.validate_url("http:///api/chat") == "missing host in url"
    assert v.validate_url("//h.test/x") == "missing scheme in url"
    assert v.validate_url("http://[::1]:80/") is None


@pytest.mark.parametrize(
    ("path", "normalized"),
    [
        ("/v1/../chat", "/chat"),
        ("/v1/%7Euser", "/v1/~user"),
        ("/v1/a%2fb", "/v1/a%2Fb"),
        ("/a/./b/", "/a/b/"),
        ("/a//b", "/a/b"),
        ("/plain", "/plain"),
    ],
)
def test_normalize_uri(path, normalized):
    assert v.normalize_uri(path, True) == normalized


def test_router_paths():
    assert v.validate_router_path("/v1/chat") is None
    assert v.validate_router_path("/v1/../chat") == "non-normalized path, consider use '/chat' instead"
    assert v.validate_router_path("~/v1/models/(?<model>[a-z0-9.-]+)/chat$") is None
    assert v.validate_router_path("~/v1/(unclosed") == (
        "invalid regex: '/v1/(unclosed' (PCRE returned: pcre2_compile() failed: missing closing parenthesis"
        ' in "/v1/(unclosed")'
    )
    assert v.validate_router_path("/bad%zz") == "invalid url-encoded value: '%zz'"


def test_names_tags_and_headers():
    assert v.validate_utf8_name("caf\u00e9-1") is None
    assert v.validate_utf8_name("bad name!") == (
        "invalid value 'bad name!': the only accepted ascii characters are alphanumerics or ., -, _, and ~"
    )
    assert v.validate_tag("team a") is None
    assert v.validate_tag("a,b") == (
        "invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"
    )
    assert v.validate_header_name("x-api_key") is None
    assert v.validate_header_name("bad header") == (
        "bad header name 'bad header', allowed characters are A-Z, a-z, 0-9, '_', and '-'"
    )


def test_pcre_errors_in_the_middle_of_a_pattern_name_the_rest():
    assert v.pcre_error("a)b") == 'pcre2_compile() failed: unmatched closing parenthesis in "a)b" at ")b"'
    assert v.pcre_error("[abc") == 'pcre2_compile() failed: missing terminating ] for character class in "[abc"'
    assert v.pcre_error(r"\p{L}+") is None  # PCRE-only syntax is not refused
