"""Normalise and compare decK 1.4 output (diff text, dump YAML) between real Kong and the simulator."""

from __future__ import annotations

import difflib
import hashlib
import re
from typing import Any

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r'^(\s*[-+]?\s*"(?:created_at|updated_at)": )\S+?(,?)$')
HEADER = re.compile(r"^(creating|updating|deleting) ")
SUMMARY = re.compile(r"^\s+(Created|Updated|Deleted): \d+$")
# The identity of an item in a list of entities in a decK dump.
IDENTITY_KEYS = ("name", "username", "target", "key", "group", "id")


def headers_and_summary(diff_output: str) -> list[str]:
    """The header and summary lines of a `deck diff` output, UUIDs replaced by `<uuid>`, sorted."""
    lines = [line.rstrip() for line in diff_output.splitlines()]
    wanted = [UUID.sub("<uuid>", line) for line in lines if HEADER.match(line) or SUMMARY.match(line)]
    return sorted(wanted)


def diff_blocks(diff_output: str) -> dict[str, list[str]]:
    """`deck diff` output as {header: body lines}, with UUIDs and timestamps normalised."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in diff_output.splitlines():
        line = UUID.sub("<uuid>", raw.rstrip())
        if HEADER.match(line):
            current = blocks.setdefault(line, [])
        elif current is not None and (not line or line.startswith("Warning:") or line == "Summary:"):
            current = None
        elif current is not None:
            current.append(TIMESTAMP.sub(r"\1<timestamp>\2", line))
    return blocks


def warnings(diff_output: str) -> set[str]:
    return {line.strip() for line in diff_output.splitlines() if line.startswith("Warning:")}


def compare_lines(title: str, expected: list[str], actual: list[str]) -> str:
    """'' when equal, else a readable report of the missing and extra lines."""
    if expected == actual:
        return ""
    missing = [line for line in expected if line not in actual]
    extra = [line for line in actual if line not in expected]
    report = [f"{title}:"]
    if missing:
        report += ["  real Kong has, the simulator does not:", *(f"    {line}" for line in missing)]
    if extra:
        report += ["  the simulator has, real Kong does not:", *(f"    {line}" for line in extra)]
    if not missing and not extra:
        report += ["  same lines, different order or count:"]
        report += [
            "    " + line for line in difflib.unified_diff(expected, actual, "real Kong", "simulator", lineterm="")
        ]
    return "\n".join(report)


def compare_blocks(expected: dict[str, list[str]], actual: dict[str, list[str]]) -> str:
    """'' when every common diff block has the same body, else unified diffs per block."""
    report: list[str] = []
    for header in sorted(expected.keys() & actual.keys()):
        if expected[header] != actual[header]:
            report.append(f"{header}  (real Kong → simulator)")
            report += difflib.unified_diff(expected[header], actual[header], "real Kong", "simulator", lineterm="", n=2)
    return "\n".join(report)


def basicauth_hash(password: str, consumer_id: str) -> str:
    """How Kong stores a basic-auth password: hex sha1 of the password followed by the consumer id."""
    return hashlib.sha1((password + consumer_id).encode()).hexdigest()


def _identity(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in IDENTITY_KEYS:
            if isinstance(item.get(key), str):
                return f"{key}={item[key]}"
    return None


def tree_differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Differences between two decK dumps as `path: real Kong X, simulator Y` lines.

    Lists of entities are matched by their identity (name, username, target, ...), so their order does
    not matter; lists of scalars (methods, protocols, http_statuses) are compared in order.
    """
    where = path or "(top level)"
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[str] = []
        for key in sorted(expected.keys() | actual.keys(), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in actual:
                out.append(f"{sub}: real Kong {expected[key]!r}, simulator has no such key")
            elif key not in expected:
                out.append(f"{sub}: simulator {actual[key]!r}, real Kong has no such key")
            else:
                out += tree_differences(expected[key], actual[key], sub)
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        ids_e, ids_a = [_identity(i) for i in expected], [_identity(i) for i in actual]
        if expected and None not in ids_e and None not in ids_a and len(set(ids_e)) == len(ids_e):
            by_a = dict(zip(ids_a, actual, strict=True))
            out = []
            for ident, item in zip(ids_e, expected, strict=True):
                sub = f"{path}[{ident}]"
                out += tree_differences(item, by_a[ident], sub) if ident in by_a else [f"{sub}: missing in simulator"]
            out += [f"{path}[{ident}]: only in simulator" for ident in ids_a if ident not in ids_e]
            return out
        if expected != actual:
            return [f"{where}: real Kong {expected!r}, simulator {actual!r}"]
        return []
    if expected != actual or type(expected) is not type(actual):
        return [f"{where}: real Kong {expected!r}, simulator {actual!r}"]
    return []
