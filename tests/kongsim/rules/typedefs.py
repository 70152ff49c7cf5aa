"""Kong's `custom_validator` functions (the ones the JSON schemas can only name by description).

Each validator takes the (already type-checked) value and returns None when it is valid, or
Kong's error message.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from ..versions import active, pcre2
from .engine.patterns import lua_find

Validator = Callable[[str], "str | None"]

# ---------------------------------------------------------------- ip and host names (kong.tools.ip)

_IPV4 = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d+))?\Z", re.ASCII)
_HEX4 = re.compile(r"[0-9A-Fa-f]{1,4}\Z")


class HostInfo(dict):
    """normalize_ip result: {"type": "ipv4"|"ipv6"|"name", "host": str, "port": int | None}."""


def hostname_type(name: str) -> str:
    if name.count(":") > 1:
        return "ipv6"
    if re.fullmatch(r"[0-9.]+", name.replace(":", "")):
        return "ipv4"
    return "name"


def _normalize_ipv4(address: str) -> tuple[str | None, int | str | None]:
    m = _IPV4.match(address)
    if not m or (":" in address) != (m.group(5) is not None):
        return None, "invalid ipv4 address: " + address
    parts = [int(p) for p in m.groups()[:4]]
    if any(p > 255 for p in parts):
        return None, "invalid ipv4 address: " + address
    port = m.group(5)
    if port is not None:
        if int(port) > 65535:
            return None, "invalid port number"
        return ".".join(map(str, parts)), int(port)
    return ".".join(map(str, parts)), None


def normalize_ipv6(address: str) -> tuple[str | None, int | str | None]:
    port: int | None = None
    m = re.match(r"(\[[^\]]*\])(.*)\Z", address, re.DOTALL)
    if m:
        check, rest = m.group(1)[1:-1], m.group(2)
        if rest:
            pm = re.fullmatch(r":(\d*)", rest)
            if not pm:
                return None, "invalid ipv6 address"
            if pm.group(1) == "":
                return None, "invalid ipv6 address"
            port = int(pm.group(1))
            if port > 65535:
                return None, "invalid port number"
    else:
        check = address
    if check.startswith(":"):
        check = "0" + check
    if check.endswith(":"):
        check = check + "0"
    if "::" in check:
        count = check.count(":")
        check = check.replace("::", ":" + "0:" * (8 - count), 1)
    groups = check.split(":")
    if len(groups) != 8 or not all(_HEX4.match(g) for g in groups):
        return None, "invalid ipv6 address: " + address
    return ":".join(g.zfill(4) for g in groups).lower(), port


def _split(s: str, sep: str) -> list[str]:
    return s.split(sep)


def check_hostname(address: str) -> tuple[str | None, int | str | None]:
    name = address
    port: int | None = None
    m = re.search(r":(\d+)\Z", address)
    if m:
        name = name[: -(len(m.group(1)) + 1)]
        port = int(m.group(1))
        if port > 65535:
            return None, "invalid port number"
    if not re.fullmatch(r"[0-9A-Za-z\-._]+", name):
        return None, "invalid hostname: " + address
    segments = _split(name, ".")
    for index, segment in enumerate(segments, 1):
        if segment.endswith("-") or (segment == "" and index != len(segments)):
            return None, "invalid hostname: " + address
    return name, port


def normalize_ip(address: str) -> tuple[HostInfo | None, str | None]:
    """(info, None) for a valid ipv4/ipv6/name with optional port, else (None, error)."""
    atype = hostname_type(address)
    if atype == "ipv4":
        host, port = _normalize_ipv4(address)
    elif atype == "ipv6":
        host, port = normalize_ipv6(address)
    else:
        host, port = check_hostname(address)
    if host is None:
        return None, str(port)
    return HostInfo(type=atype, host=host, port=port), None


def format_host(info: HostInfo, default_port: int | None = None) -> str:
    port = info["port"] if info["port"] is not None else default_port
    host = info["host"]
    suffix = f":{port}" if port is not None else ""
    if info["type"] == "ipv6":
        return f"[{host}]{suffix}"
    return host + suffix


def _parse_ipv4(s: str) -> bool:
    try:
        ipaddress.IPv4Address(s)
        return True
    except ValueError:
        return False


def _parse_ipv6(s: str) -> bool:
    if "%" in s:
        return False
    try:
        ipaddress.IPv6Address(s)
        return True
    except ValueError:
        return False


def _split_cidr(cidr: str, max_prefix: int) -> str | None:
    p = cidr.find("/", 2)
    if p < 0:
        return None
    prefix = cidr[p + 1 :]
    if not re.fullmatch(r"0|[1-9]\d*", prefix) or int(prefix) > max_prefix:
        return None
    return cidr[:p]


def is_valid_ip(s: str) -> bool:
    return _parse_ipv4(s) or _parse_ipv6(s)


def is_valid_cidr_v4(s: str) -> bool:
    ip = _split_cidr(s, 32)
    return ip is not None and _parse_ipv4(ip)


def is_valid_cidr_v6(s: str) -> bool:
    ip = _split_cidr(s, 128)
    return ip is not None and _parse_ipv6(ip)


def is_valid_ip_or_cidr(s: str) -> bool:
    return is_valid_ip(s) or is_valid_cidr_v4(s) or is_valid_cidr_v6(s)


# ---------------------------------------------------------------- typedefs validators


def validate_host(host: str) -> str | None:
    info, err = normalize_ip(host)
    if err is not None and err != "invalid port number":
        return "invalid value: " + host
    if err == "invalid port number" or (info is not None and info["port"] is not None):
        return "must not have a port"
    return None


def validate_host_with_optional_port(host: str) -> str | None:
    err = normalize_ip(host)[1]
    return err


def validate_ip(ip: str) -> str | None:
    return None if is_valid_ip(ip) else "not an ip address: " + ip


def validate_ip_or_cidr(value: str) -> str | None:
    return None if is_valid_ip_or_cidr(value) else f"invalid ip or cidr range: '{value}'"


def validate_ip_or_cidr_v4(value: str) -> str | None:
    if _parse_ipv4(value) or is_valid_cidr_v4(value):
        return None
    return f"invalid ipv4 cidr range: '{value}'"


_PATH_CHARS = re.compile(r"/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*\Z")


def _validate_path(path: str) -> tuple[str | None, str | None]:
    """(error, error code) as Kong's validate_path: rfc3986 charset, then percent-encoding."""
    if not _PATH_CHARS.match(path):
        return (
            f"invalid path: '{path}' (characters outside of the reserved list of RFC 3986 found)",
            "rfc3986",
        )
    raw = re.sub(r"%[0-9A-Fa-f]{2}", "___", path)
    if "%" in raw:
        i = raw.index("%")
        return f"invalid url-encoded value: '{raw[i:i + 3]}'", "percent"
    return None, None


def validate_path(path: str) -> str | None:
    return _validate_path(path)[0]


def validate_name(name: str) -> str | None:
    if lua_find(name, "^[%w%.%-%_~]+$"):
        return None
    return f"invalid value '{name}': it must only contain alphanumeric and '., -, _, ~' characters"


def validate_utf8_name(name: str) -> str | None:
    if re.fullmatch(rb"[A-Za-z0-9.\-_~\x80-\xf4]+", name.encode("utf-8", "surrogateescape")):
        return None
    return (
        f"invalid value '{name}': the only accepted ascii characters are alphanumerics or "
        "., -, _, and ~"
    )


def validate_tag(tag: str) -> str | None:
    if re.fullmatch(rb"[ !-+\-.0-~\x80-\xf4]+", tag.encode("utf-8", "surrogateescape")):
        return None
    return f"invalid tag '{tag}': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"


def validate_sni(host: str) -> str | None:
    info, err = normalize_ip(host)
    if err is not None and err != "invalid port number":
        return "invalid value: " + host
    if info is not None and info["type"] != "name":
        return "must not be an IP"
    if err == "invalid port number" or (info is not None and info["port"] is not None):
        return "must not have a port"
    return None


def validate_wildcard_host(host: str) -> str | None:
    idx = host.find("*")
    if idx >= 0:
        if idx != 0 and idx != len(host) - 1:
            return "wildcard must be leftmost or rightmost character"
        if host.count("*") > 1:
            return "only one wildcard must be specified"
        host = host.replace("*", "wildcard")
    return validate_sni(host)


def validate_host_with_wildcards(host: str) -> str | None:
    return validate_host_with_optional_port(host.replace("*", "abc"))


def validate_header_name(name: str) -> str | None:
    if re.fullmatch(r"[a-zA-Z0-9\-_]+", name):
        return None
    return f"bad header name '{name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'"


def validate_cookie_name(token: str) -> str | None:
    if re.search(r"[\x00-\x20\x7f()<>@,;:\\\"/?={}\[\]]", token):
        return (
            "contains one or more invalid characters. ASCII control characters (0-31;127), space, "
            'tab and the characters ()<>@,;:\\"/?={}[] are not allowed.'
        )
    return None


# ---------------------------------------------------------------- urls (socket.url.parse)


def parse_url(url: str) -> dict[str, str] | None:
    """LuaSocket's url.parse: scheme, authority, host, port, path, query, fragment, params."""
    if url == "":
        return None
    parsed: dict[str, str] = {}
    m = re.match(r"([A-Za-z0-9][A-Za-z0-9+\-.]*):", url)
    if m:
        parsed["scheme"] = m.group(1)
        url = url[m.end():]
    m = re.match(r"//([^/]*)", url)
    if m:
        parsed["authority"] = m.group(1)
        url = url[m.end():]
    for key, sep in (("fragment", "#"), ("query", "?"), ("params", ";")):
        i = url.find(sep)
        if i >= 0:
            parsed[key] = url[i + 1:]
            url = url[:i]
    if url != "":
        parsed["path"] = url
    authority = parsed.get("authority")
    if authority is None:
        return parsed
    m = re.match(r"([^@]*)@", authority)
    if m:
        parsed["userinfo"] = m.group(1)
        authority = authority[m.end():]
    m = re.search(r":([^:\]]*)\Z", authority)
    if m:
        parsed["port"] = m.group(1)
        authority = authority[: m.start()]
    if authority != "":
        m = re.fullmatch(r"\[(.+)\]", authority, re.DOTALL)
        parsed["host"] = m.group(1) if m else authority
    return parsed


def validate_url(url: str) -> str | None:
    parsed = parse_url(url)
    if parsed is None:
        return "could not parse url. invalid url"
    if "host" not in parsed:
        return "missing host in url"
    if "scheme" not in parsed:
        return "missing scheme in url"
    return None


# ---------------------------------------------------------------- router paths (kong.tools.uri)

_RESERVED = frozenset(b"!*'();:@&=+$,/?%#[]")


def normalize_uri(uri: str, merge_slashes: bool = False) -> str:
    """kong.tools.uri.normalize: decode unreserved escapes, upper-case reserved ones, drop dot segments."""
    if uri in ("", "/"):
        return uri
    data = uri.encode("utf-8", "surrogateescape")
    if b"%" in data:

        def decode(m: re.Match[bytes]) -> bytes:
            num = int(m.group(1), 16)
            return bytes([num]) if num not in _RESERVED else m.group(0).upper()

        data = re.sub(rb"%([0-9A-Fa-f]{2})", decode, data)
    if b"." not in data and (not merge_slashes or b"//" not in data):
        return data.decode("utf-8", "surrogateescape")
    out: list[bytes] = []
    while data:
        if data == b"/.":
            data = b"/"
        elif data == b"/..":
            data = b"/"
            if out:
                out.pop()
        elif data in (b".", b".."):
            data = b""
        elif data.startswith(b"../"):
            data = data[3:]
        elif data.startswith(b"./") or data.startswith(b"/./"):
            data = data[2:]
        elif data.startswith(b"/../"):
            data = data[3:]
            if out:
                out.pop()
        elif merge_slashes and data.startswith(b"//"):
            data = data[1:]
        else:
            i = data.find(b"/", 1)
            if i >= 0:
                out.append(data[:i])
                data = data[i:]
            else:
                out.append(data)
                data = b""
    return b"".join(out).decode("utf-8", "surrogateescape")


# Python `re` errors that PCRE2 reports too: (PCRE2 message, reported at the end of the pattern?)
_PCRE_MESSAGES = {
    "missing ), unterminated subpattern": ("missing closing parenthesis", True),
    "unbalanced parenthesis": ("unmatched closing parenthesis", False),
    "nothing to repeat": ("quantifier does not follow a repeatable item", False),
    "multiple repeat": ("quantifier does not follow a repeatable item", False),
    "unterminated character set": ("missing terminating ] for character class", True),
    "bad escape (end of pattern)": ("\\ at end of pattern", True),
}
_DUPLICATE_NAME = "two named subpatterns have the same name (PCRE2_DUPNAMES not set)"
# what PCRE (before PCRE2, Kong < 3.5) says instead
_PCRE1_TEXTS = {
    _DUPLICATE_NAME: "two named subpatterns have the same name",
    "missing closing parenthesis": "missing )",
    "unmatched closing parenthesis": "unmatched parentheses",
    "quantifier does not follow a repeatable item": "nothing to repeat",
}
_NAMED_GROUP = re.compile(r"\(\?(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')")


def pcre_error(pattern: str) -> str | None:
    """PCRE2-style compile error (as nginx words it) for `pattern`, or None when it compiles.

    Python's `re` stands in for PCRE2; only errors both engines agree on are reported, so PCRE-only
    syntax (\\p{L}, \\Q..\\E, ...) is accepted rather than refused.
    """
    pcre1 = not pcre2(active())
    pieces: list[str] = []
    origin: list[int] = []  # index in `pattern` of each character of the translated pattern
    last = 0
    names: set[str] = set()
    for m in _NAMED_GROUP.finditer(pattern):
        if (m.group(1) or m.group(2)) in names:  # PCRE points after the name (PCRE2) or at its end (PCRE)
            return _pcre_message(pattern, _DUPLICATE_NAME, m.end() - 1 if pcre1 else m.end())
        names.add(m.group(1) or m.group(2))
        pieces.append(pattern[last:m.start()])
        origin.extend(range(last, m.start()))
        group = f"(?P<{m.group(1) or m.group(2)}>"
        pieces.append(group)
        origin.extend([m.start()] * len(group))
        last = m.end()
    pieces.append(pattern[last:])
    origin.extend(range(last, len(pattern) + 1))
    try:
        re.compile("".join(pieces))
    except re.error as exc:
        for prefix, (text, at_end) in _PCRE_MESSAGES.items():
            if exc.msg.startswith(prefix):
                pos = len(pattern) if at_end or exc.pos is None else origin[min(exc.pos, len(origin) - 1)]
                return _pcre_message(pattern, text, pos)
    return None


def _pcre_message(pattern: str, text: str, pos: int) -> str:
    """nginx's words for a PCRE2 error `text` at `pos` (or PCRE's, before Kong 3.5)."""
    where = "" if pos >= len(pattern) else f' at "{pattern[pos:]}"'
    if not pcre2(active()):
        return f'pcre_compile() failed: {_PCRE1_TEXTS.get(text, text)} in "{pattern}"{where}'
    return f'pcre2_compile() failed: {text} in "{pattern}"{where}'


def validate_router_path(path: str) -> str | None:
    err, code = _validate_path(path)
    if code == "percent":
        return err
    if not path.startswith("~"):
        normalized = normalize_uri(path, True)
        if path != normalized:
            return f"non-normalized path, consider use '{normalized}' instead"
        return None
    regex = path[1:]
    err = pcre_error(regex)
    if err:
        return f"invalid regex: '{regex}' (PCRE returned: {err})"
    return None


def validate_regex(value: str) -> str | None:
    """Kong's `is_regex` / plugin regex validators: None when `value` compiles as PCRE."""
    return pcre_error(value)


# ---------------------------------------------------------------- upstreams and targets


def validate_upstream_name(name: str) -> str | None:
    info = normalize_ip(name)[0]
    prefix = f"Invalid name ('{name}')"
    if info is None:
        return prefix + "; must be a valid hostname"
    if info["type"] != "name":
        return prefix + "; no ip addresses allowed"
    if info["port"] is not None:
        return prefix + "; no port allowed"
    return None


def validate_target(target: str) -> str | None:
    info = normalize_ip(target)[0]
    if info is None:
        return f"Invalid target ('{target}'); not a valid hostname or ip address"
    return None


def format_target(target: str) -> str | None:
    """The stored form of a target (default port 8000, IPv6 expanded); None when invalid."""
    info = normalize_ip(target)[0]
    if info is None:
        return None
    return format_host(info, 8000)
