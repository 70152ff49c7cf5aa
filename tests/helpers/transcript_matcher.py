"""Replay recorded Kong Admin API transcripts and judge the answers (rules in FORMAT.md).

`Replayer(base_url).run(transcript)` sends every step byte-exact with http.client and raises
`TranscriptMismatch` with a readable diff at the first step whose answer does not match. Matching is
exact; against a real Kong built otherwise than the recording's (or started anew), pass
`Replayer(base_url, matching=OTHER_BUILD)`: kong_builds.py says what that tolerates, and why.
"""

from __future__ import annotations

import copy
import hashlib
import http.client
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from helpers.kong_builds import EXACT, OTHER_BUILD, Matching

__all__ = ["EXACT", "OTHER_BUILD", "Answer", "Bindings", "Matching", "Replayer", "TranscriptMismatch", "compare",
           "judge", "reads_balancers", "reads_schemas", "substitute", "substitute_text", "walk"]

UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
UUID_RE = re.compile(rf"^{UUID}$")
SHA1_RE = re.compile(r"^[0-9a-f]{40}$")
PLACEHOLDER_RE = re.compile(r"<(uuid|offset|generated):(\d+)>|<(timestamp|sha1-hash|ttl|request_id)>")
VAR_RE = re.compile(r"\{\{([^{}|]+?)(\|url)?\}\}")
_MISSING = object()

# What an embedded placeholder may stand for inside a longer string.
_EMBEDDED = {
    "uuid": UUID,
    "offset": r"[^&]+",
    "generated": r".+?",
    "timestamp": r"-?\d+(?:\.\d+)?",
    "sha1-hash": r"[0-9a-f]{40}",
    "ttl": r"\d+",
    "request_id": r"[0-9a-fA-F]{32}",
}


class TranscriptMismatch(AssertionError):
    pass


# ------------------------------------------------------------------ variables


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def substitute_text(text: str, variables: dict[str, Any]) -> str:
    """Replace `{{name}}` / `{{name|url}}`; names never captured stay literal."""

    def repl(m: re.Match[str]) -> str:
        name, url = m.group(1), m.group(2)
        if name not in variables:
            return m.group(0)
        value = _text(variables[name])
        return quote(value, safe="") if url else value

    return VAR_RE.sub(repl, text)


def substitute(value: Any, variables: dict[str, Any]) -> Any:
    """Substitute inside a JSON value; a string that is exactly `{{name}}` takes the captured type."""
    if isinstance(value, str):
        m = VAR_RE.fullmatch(value)
        if m and not m.group(2) and m.group(1) in variables:
            return variables[m.group(1)]
        return substitute_text(value, variables)
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {substitute_text(k, variables): substitute(v, variables) for k, v in value.items()}
    return value


def reads_schemas(transcript: dict[str, Any]) -> bool:
    """Whether the answers depend on the node's history: a schema read by `GET /schemas/...` (Kong annotates
    its schemas as it validates). Such a transcript replays exactly only on a node with the recording's
    history: a freshly started one for `<version>/` transcripts (kong-reset restarts Kong)."""
    return any(s["request"]["method"] == "GET" and s["request"]["path"].startswith("/schemas/")
               and s["response"]["status"] == 200 for s in transcript["steps"])


def reads_balancers(transcript: dict[str, Any]) -> bool:
    """Whether the answers come from the node's balancers (`GET /upstreams/{u}/health`). A real Kong builds them in
    timers that an earlier upstream can break (an active health check of type grpc or grpcs makes the timer raise;
    upstreams created after it get their balancer only when a proxied request needs it, and until then their health
    lists targets without health: "balancer not found" in Kong's log), so such a transcript replays on a freshly
    started node, as it was recorded."""
    return any(s["request"]["method"] == "GET" and re.fullmatch(r"/upstreams/[^/]+/health(\?.*)?", s["request"]["path"])
               for s in transcript["steps"])


def walk(value: Any, dotted: str) -> Any:
    """Follow a dotted path (object keys, array indexes); _MISSING when it does not resolve."""
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


# ------------------------------------------------------------------- matching


@dataclass
class Bindings:
    """Placeholder numbers bound to real values, for one transcript."""

    by_number: dict[tuple[str, str], Any] = field(default_factory=dict)
    by_value: dict[tuple[str, Any], str] = field(default_factory=dict)
    passwords: list[str] = field(default_factory=list)

    def bind(self, kind: str, number: str, value: Any) -> str | None:
        key = (kind, number)
        if key in self.by_number:
            if self.by_number[key] != value:
                return f"<{kind}:{number}> was bound to {self.by_number[key]!r}, got {value!r}"
            return None
        owner = self.by_value.get((kind, value))
        if owner is not None and owner != number:
            return f"<{kind}:{number}> got {value!r}, which is already <{kind}:{owner}>"
        self.by_number[key] = value
        self.by_value[(kind, value)] = number
        return None


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _whole_placeholder(expected: str, actual: Any, b: Bindings, parent: Any) -> str | None:
    """None when `actual` fits the placeholder `expected`, else the reason it does not."""
    m = PLACEHOLDER_RE.fullmatch(expected)
    assert m is not None
    kind, number, plain = m.group(1), m.group(2), m.group(3)
    if kind == "uuid":
        if not isinstance(actual, str) or not UUID_RE.match(actual):
            return "expected a UUID"
        return b.bind("uuid", number, actual.lower())
    if kind in ("offset", "generated"):
        if not isinstance(actual, str) or actual == "":
            return f"expected a non-empty string for <{kind}>"
        return b.bind(kind, number, actual)
    if plain == "timestamp":
        return None if _is_number(actual) else "expected a number (timestamp)"
    if plain == "ttl":
        return (
            None
            if isinstance(actual, int) and not isinstance(actual, bool) and actual >= 0
            else "expected an integer >= 0 (ttl)"
        )
    if plain == "request_id":
        return None if isinstance(actual, str) else "expected a string (request_id)"
    if plain == "sha1-hash":
        if not isinstance(actual, str) or not SHA1_RE.match(actual):
            return "expected 40 lowercase hex (sha1)"
        consumer = parent.get("consumer") if isinstance(parent, dict) else None
        cid = consumer.get("id") if isinstance(consumer, dict) else None
        if cid and b.passwords and not any(hashlib.sha1((p + cid).encode()).hexdigest() == actual for p in b.passwords):
            return "sha1 hash is not sha1(password .. consumer.id) for any password sent"
        return None
    return "unknown placeholder"


def _embedded(expected: str, actual: Any, b: Bindings, matching: Matching = EXACT) -> str | None:
    if not isinstance(actual, str):
        return "expected a string"
    parts: list[str] = []
    slots: list[tuple[str, str | None]] = []
    pos = 0
    for m in PLACEHOLDER_RE.finditer(expected):
        parts.append(re.escape(matching.text(expected[pos : m.start()])))
        kind = m.group(1) or m.group(3)
        parts.append(f"({_EMBEDDED[kind]})")
        slots.append((kind, m.group(2)))
        pos = m.end()
    parts.append(re.escape(matching.text(expected[pos:])))
    found = re.fullmatch("".join(parts), matching.text(actual), re.DOTALL)
    if found is None:
        return "text differs"
    for (kind, number), value in zip(slots, found.groups(), strict=True):
        if number is None:
            continue
        if kind == "offset":
            value = unquote(value)
        elif kind == "uuid":
            value = value.lower()
        reason = b.bind(kind, number, value)
        if reason:
            return reason
    return None


def compare(expected: Any, actual: Any, b: Bindings, path: str = "$", parent: Any = None,
            matching: Matching = EXACT) -> tuple[str, str] | None:
    """First difference as (json path, reason), or None when `actual` matches `expected`."""
    if isinstance(expected, str):
        if PLACEHOLDER_RE.fullmatch(expected):
            reason = _whole_placeholder(expected, actual, b, parent)
        elif PLACEHOLDER_RE.search(expected):
            reason = _embedded(expected, actual, b, matching)
        elif not isinstance(actual, str):
            reason = "values differ"
        elif actual == expected or (not matching.exact_text and matching.text(actual) == matching.text(expected)):
            reason = None
        else:
            reason = "values differ"
        return (path, reason) if reason else None
    if expected is None or isinstance(expected, bool):
        ok = actual is expected if expected is None else (isinstance(actual, bool) and actual == expected)
        return None if ok else (path, "values differ")
    if _is_number(expected):
        return None if _is_number(actual) and actual == expected else (path, "values differ")
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return path, "expected an array"
        if len(actual) != len(expected):
            return path, f"array length {len(actual)}, expected {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            diff = compare(e, a, b, f"{path}[{i}]", actual, matching)
            if diff:
                return diff
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return path, "expected an object"
        return _compare_objects(expected, actual, b, path, matching)
    return (path, "values differ") if expected != actual else None


def _compare_objects(
    expected: dict[str, Any], actual: dict[str, Any], b: Bindings, path: str, matching: Matching = EXACT
) -> tuple[str, str] | None:
    plain = [k for k in expected if not PLACEHOLDER_RE.search(k)]
    templated = [k for k in expected if PLACEHOLDER_RE.search(k)]
    missing = [k for k in plain if k not in actual]
    if missing:
        return path, f"missing keys {sorted(missing)}"
    leftover = [k for k in actual if k not in plain]
    if len(leftover) != len(templated):
        extra = sorted(set(leftover)) if not templated else leftover
        return path, f"unexpected keys {extra}"
    for k in sorted(plain):
        exp_v, act_v = expected[k], actual[k]
        if k == "enabled_plugins" and not matching.enabled_plugins_order and _strings(exp_v) and _strings(act_v):
            exp_v, act_v = sorted(exp_v), sorted(act_v)
        diff = compare(exp_v, act_v, b, f"{path}.{k}", actual, matching)
        if diff:
            return diff
    for k in templated:
        match = next((a for a in leftover if compare(k, a, b, path, None, matching) is None), None)
        if match is None:
            return path, f"no key matches {k!r}"
        leftover.remove(match)
        diff = compare(expected[k], actual[match], b, f"{path}.{match}", actual, matching)
        if diff:
            return diff
    return None


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# -------------------------------------------------------------------- replaying


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    raw: bytes

    def json(self) -> Any:
        return json.loads(self.raw.decode("utf-8")) if self.raw else None


def _short(value: Any, limit: int = 1500) -> str:
    text = value if isinstance(value, str) else json.dumps(value, indent=1, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + " ..."


class Replayer:
    def __init__(self, base_url: str, timeout: float = 10.0, matching: Matching = EXACT) -> None:
        """`matching`: EXACT (the default, for the simulator) or OTHER_BUILD (a real Kong of another build)."""
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.matching = matching

    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            raw = resp.read()
            return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw)
        finally:
            conn.close()

    def build_request(
        self, req: dict[str, Any], variables: dict[str, Any]
    ) -> tuple[str, str, bytes | None, dict[str, str]]:
        method = req["method"].upper()
        path = substitute_text(req["path"], variables)
        headers = {k: substitute_text(str(v), variables) for k, v in (req.get("headers") or {}).items()}
        body: bytes | None = None
        if "body" in req:
            body = json.dumps(substitute(req["body"], variables)).encode()
            headers.setdefault("Content-Type", req.get("content_type") or "application/json")
        elif "raw_body" in req:
            body = substitute_text(req["raw_body"], variables).encode("utf-8")
            if "content_type" in req:
                headers["Content-Type"] = req["content_type"]
        return method, path, body, headers

    def wait_for(self, method: str, path: str, body: bytes | None, headers: dict[str, str],
                 wait: dict[str, Any]) -> None:
        """Repeat the request until `wait["path"]` resolves to a non-null value (Kong builds balancers
        asynchronously; the simulator answers at once), at most `wait["timeout"]` seconds."""
        deadline = time.monotonic() + float(wait.get("timeout", 60))
        while time.monotonic() < deadline:
            found = walk(_parse_or_none(self.send(method, path, body, headers).raw), wait["path"])
            if found is not None and found is not _MISSING:
                return
            time.sleep(0.25)

    def send_all(self, transcript: dict[str, Any]) -> None:
        """Send every step (variables captured as they come), judging nothing: replays what a node did
        before another transcript was recorded on it."""
        variables: dict[str, Any] = {}
        for step in transcript["steps"]:
            answer = self.send(*self.build_request(step["request"], variables))
            parsed = _parse_or_none(answer.raw)
            for name, dotted in (step.get("capture") or {}).items():
                value = walk(parsed, dotted)
                if value is not _MISSING:
                    variables[name] = value

    def run(self, transcript: dict[str, Any]) -> int:
        """Replay every step; returns the number of steps that matched."""
        variables: dict[str, Any] = {}
        bindings = Bindings()
        for index, step in enumerate(transcript["steps"]):
            method, path, body, headers = self.build_request(step["request"], variables)
            sent = substitute(step["request"].get("body"), variables)
            if isinstance(sent, dict) and isinstance(sent.get("password"), str):
                bindings.passwords.append(sent["password"])
            wait = step.get("wait_for")
            if wait:
                self.wait_for(method, path, body, headers, wait)
            deadline = time.monotonic() + float(wait.get("timeout", 60)) if wait else 0.0
            while True:
                answer = self.send(method, path, body, headers)
                trial = copy.deepcopy(bindings)  # a failed judgement binds nothing
                problem = judge(step["response"], answer, trial, self.matching)
                # a balancer Kong is still building: ask again until it shows what was recorded, as the
                # recorder waited for it
                if problem is None or not wait or time.monotonic() > deadline:
                    break
                time.sleep(0.25)
            if problem is not None:
                raise TranscriptMismatch(_report(transcript, index, step, method, path, body, answer, problem))
            bindings = trial
            parsed = _parse_or_none(answer.raw)
            for name, dotted in (step.get("capture") or {}).items():
                value = walk(parsed, dotted)
                if value is _MISSING and walk(step["response"].get("body"), dotted) is _MISSING:
                    continue  # not in the recorded answer either: the variable stays uncaptured, as recorded
                if value is _MISSING:
                    raise TranscriptMismatch(
                        _report(
                            transcript,
                            index,
                            step,
                            method,
                            path,
                            body,
                            answer,
                            ("$", f"capture {name!r}: path {dotted!r} not in the answer"),
                        )
                    )
                variables[name] = value
        return len(transcript["steps"])


def _parse_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (ValueError, UnicodeDecodeError):
        return None


def judge(expected: dict[str, Any], answer: Answer, b: Bindings, matching: Matching = EXACT) -> tuple[str, str] | None:
    """First difference between a recorded response and an actual answer."""
    if answer.status != expected["status"]:
        return "status", f"status {answer.status}, expected {expected['status']}"
    exp_headers = {k.lower(): v for k, v in (expected.get("headers") or {}).items()}
    for name, value in exp_headers.items():
        if answer.headers.get(name) != value:
            return f"headers.{name}", f"header {answer.headers.get(name)!r}, expected {value!r}"
    if "content-type" not in exp_headers and "content-type" in answer.headers:
        return "headers.content-type", f"unexpected content-type {answer.headers['content-type']!r}"
    if "raw_body" in expected and expected["raw_body"] is not None:
        text = answer.raw.decode("utf-8", "replace")
        return None if text == expected["raw_body"] else ("raw_body", "raw body differs")
    if expected.get("body") is None:
        return None if not answer.raw else ("$", "expected an empty body")
    try:
        actual = json.loads(answer.raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return "$", "answer is not JSON"
    return compare(expected["body"], actual, b, matching=matching)


def _report(
    transcript: dict[str, Any],
    index: int,
    step: dict[str, Any],
    method: str,
    path: str,
    body: bytes | None,
    answer: Answer,
    problem: tuple[str, str],
) -> str:
    where, reason = problem
    expected = step["response"]
    actual_body = _parse_or_none(answer.raw)
    lines = [
        f"{transcript.get('scenario')}: step {index} does not match"
        + (f" ({step['note']})" if step.get("note") else ""),
        f"request:  {method} {path}" + (f"  body={_short(body.decode('utf-8', 'replace'), 400)}" if body else ""),
        f"at {where}: {reason}",
    ]
    if where.startswith("$") and isinstance(expected.get("body"), dict | list):
        exp_at = _at(expected.get("body"), where)
        act_at = _at(actual_body, where)
        lines += [f"  expected: {_short(exp_at, 600)}", f"  actual:   {_short(act_at, 600)}"]
    shown = actual_body if actual_body is not None else answer.raw.decode("utf-8", "replace")
    lines += [
        f"expected status {expected['status']}, body: {_short(expected.get('body') or expected.get('raw_body'))}",
        f"actual status {answer.status}, body: {_short(shown)}",
    ]
    return "\n".join(lines)


def _at(value: Any, where: str) -> Any:
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", where):
        key, idx = part
        if key and isinstance(value, dict):
            value = value.get(key, "<absent>")
        elif idx and isinstance(value, list) and int(idx) < len(value):
            value = value[int(idx)]
        else:
            return "<absent>"
    return value
