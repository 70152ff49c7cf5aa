"""The Kong releases the simulator answers as, where their data lives, and what differs between them.

Each release has its own dumps of what a real node of that release answers (`data/schemas/` for 3.9.1,
`data/schemas/<version>/` for the others): entity and plugin schemas, `GET /` and `GET /plugins/enabled`.
Most differences follow from those schemas; what Kong decides in Lua code and changed between releases is
gated here, by the release that brought it (VERSIONS.md).
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path

SUPPORTED = ("3.4.2", "3.8.0", "3.9.1")
DEFAULT = "3.9.1"
DATA_DIR = Path(__file__).resolve().parent / "data" / "schemas"


# the release of the node answering the current request (rules deep in the schema engine ask it)
ACTIVE: ContextVar[str] = ContextVar("kong_version", default=DEFAULT)


class UnsupportedVersion(ValueError):
    pass


def active() -> str:
    return ACTIVE.get()


def check(version: str) -> str:
    if version not in SUPPORTED:
        raise UnsupportedVersion(f"unsupported Kong version {version!r}: the simulator answers as Kong "
                                 f"{', '.join(SUPPORTED)}")
    return version


def schema_dir(version: str) -> Path:
    return DATA_DIR if check(version) == DEFAULT else DATA_DIR / version


def since(version: str, release: str) -> bool:
    """True when `version` is `release` (e.g. "3.6") or later."""
    have = tuple(int(p) for p in version.split("."))
    want = tuple(int(p) for p in release.split("."))
    return have[:len(want)] >= want


# --- Lua-coded behaviour by the release that brought it

def has_edition(version: str) -> bool:
    """`GET /` reports `edition` (community/enterprise) from 3.6.0 on."""
    return since(version, "3.6")


def refuses_referenced_ca_delete(version: str) -> bool:
    """DELETE of a CA certificate that a service still lists fails with code 19 from 3.6.0 on."""
    return since(version, "3.6")


def pcre2(version: str) -> bool:
    """Regexes compile with PCRE2 from 3.5.0 on (PCRE before: other messages)."""
    return since(version, "3.5")


def serves_vault_schemas(version: str) -> bool:
    """`GET /schemas/vaults/{name}` exists from 3.5.0 on."""
    return since(version, "3.5")


def lists_workspaces(version: str) -> bool:
    """OSS generates `/workspaces` endpoints before 3.7.0."""
    return not since(version, "3.7")


def request_ids(version: str) -> bool:
    """Some 404 bodies carry the request's id (`request_id`) from 3.5.0 on (Kong's request ids came then)."""
    return since(version, "3.5")


def empty_tag_page_is_object(version: str) -> bool:
    """`GET /tags/{tag}` with no rows answers `"data": {}` on 3.4.2 and `[]` on 3.8.0 (changed in between)."""
    return not since(version, "3.8")
