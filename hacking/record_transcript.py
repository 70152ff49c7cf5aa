# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record Admin API transcripts from a real Kong, in the format of tests/fixtures/transcripts/ (FORMAT.md).

Usage:
    python3 hacking/record_transcript.py --admin-url http://127.0.0.1:18111 --out-dir DIR SCENARIO...
        [--fresh KONG_DIR] [--repeat N]

SCENARIO is a scenario file (YAML or JSON: `description` and `steps`, FORMAT.md section 1) or a recorded
transcript, whose requests are then recorded again (against another Kong version, say). Before each
scenario Kong is emptied: with `--fresh KONG_DIR` by `kong-reset KONG_DIR` (empty database and a restarted
node, so nothing a previous scenario did lingers in Kong's memory: use it for what depends on the node's
history, such as the annotations Kong adds to its schemas), otherwise by FORMAT.md's wipe through the Admin
API. `--repeat N` records each scenario N times and fails unless the transcripts are byte-identical.
The transcript is written to DIR/<scenario stem>.json, with `kong_version` from `GET /`. Run Kong with one
nginx worker (kong-up ... --conf nginx_worker_processes=1): each worker has its own memory, so what depends
on it (the schema annotations) is only reproducible when one worker answers everything.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from helpers.kong_wipe import wipe  # noqa: E402
from helpers.transcript_matcher import Answer, Replayer, walk  # noqa: E402

_MISSING = walk({}, "x")
UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
HEX40 = re.compile(r"^[0-9a-f]{40}$")
HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
STEP_KEYS = ("method", "path", "body", "raw_body", "content_type", "headers")


# ---------------------------------------------------------------------- normalisation (FORMAT.md section 4)


def _generated_fields(obj: dict[str, Any]) -> tuple[str, ...]:
    """The fields of a credential object that Kong fills with a random string when the client sends none."""
    keys = set(obj)
    if {"key", "consumer", "id", "ttl"} <= keys:
        return ("key",)  # key-auth
    if {"key", "secret", "algorithm", "consumer"} <= keys:
        return ("key", "secret")  # jwt
    if {"username", "secret", "consumer"} <= keys and "password" not in keys:
        return ("secret",)  # hmac-auth
    return ()


class Normaliser:
    """Replaces volatile values by numbered placeholders, numbered per transcript in order of appearance."""

    def __init__(self, requests_text: str) -> None:
        self.requests_text = requests_text  # every request as written: values found there are not generated
        self.numbers: dict[str, dict[Any, int]] = {"uuid": {}, "offset": {}, "generated": {}}

    def _number(self, kind: str, value: Any) -> str:
        table = self.numbers[kind]
        if value not in table:
            table[value] = len(table) + 1
        return f"<{kind}:{table[value]}>"

    def _generated_values(self, value: Any, found: list[str]) -> list[str]:
        if isinstance(value, dict):
            for name in _generated_fields(value):
                v = value.get(name)
                if isinstance(v, str) and v and v not in self.requests_text and v not in found:
                    found.append(v)
            for v in value.values():
                self._generated_values(v, found)
        elif isinstance(value, list):
            for v in value:
                self._generated_values(v, found)
        return found

    def body(self, body: Any) -> Any:
        generated = self._generated_values(body, [])
        return self._walk(body, generated)

    def _text(self, text: str, generated: list[str]) -> str:
        pieces = re.split(f"({UUID_RE.pattern}|" + "|".join(re.escape(g) for g in generated) + ")", text) \
            if generated else re.split(f"({UUID_RE.pattern})", text)
        out = []
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                out.append(piece)
            elif UUID_RE.fullmatch(piece):
                out.append(self._number("uuid", piece.lower()))
            else:
                out.append(self._number("generated", piece))
        return "".join(out)

    def _next_link(self, link: str, generated: list[str]) -> str:
        path, sep, query = link.partition("?")
        if not sep:
            return self._text(link, generated)
        params = []
        for part in query.split("&"):
            name, eq, value = part.partition("=")
            if name == "offset" and eq:
                params.append(f"offset={self._number('offset', unquote(value))}")
            else:
                params.append(self._text(part, generated))
        return self._text(path, generated) + "?" + "&".join(params)

    def _walk(self, value: Any, generated: list[str]) -> Any:
        if isinstance(value, str):
            return self._text(value, generated)
        if isinstance(value, list):
            return [self._walk(v, generated) for v in value]
        if not isinstance(value, dict):
            return value
        page = "data" in value and "next" in value
        basic_auth = {"username", "password", "consumer", "id"} <= set(value)
        key_auth = _generated_fields(value) == ("key",)
        out: dict[str, Any] = {}
        for key in sorted(value):
            v = value[key]
            new_key = self._text(key, generated)
            if key in ("created_at", "updated_at") and isinstance(v, int | float) and not isinstance(v, bool):
                out[new_key] = "<timestamp>"
            elif page and key == "offset" and isinstance(v, str):
                out[new_key] = self._number("offset", v)
            elif page and key == "next" and isinstance(v, str):
                out[new_key] = self._next_link(v, generated)
            elif basic_auth and key == "password" and isinstance(v, str) and HEX40.match(v):
                out[new_key] = "<sha1-hash>"
            elif key_auth and key == "ttl" and v is not None:
                out[new_key] = "<ttl>"
            elif key == "request_id" and isinstance(v, str) and HEX32.match(v):
                out[new_key] = "<request_id>"
            else:
                out[new_key] = self._walk(v, generated)
        return out


# ---------------------------------------------------------------------------------------- the Kong


class Kong:
    def __init__(self, admin_url: str, fresh_dir: str | None, runtime: Path) -> None:
        self.replayer = Replayer(admin_url, timeout=30.0)
        self.fresh_dir = fresh_dir
        self.runtime = runtime

    def call(self, method: str, path: str) -> Answer:
        return self.replayer.send(method, path, None, {})

    def json(self, path: str) -> Any:
        answer = self.call("GET", path)
        if answer.status != 200:
            raise SystemExit(f"GET {path}: {answer.status} {answer.raw[:200]!r}")
        return answer.json()

    def version(self) -> str:
        return str(self.json("/")["version"])

    def empty(self) -> None:
        if self.fresh_dir:
            subprocess.run([str(self.runtime / "kong-reset"), self.fresh_dir], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self._wait_up()
        wipe(self.replayer)  # after kong-reset: only checks that nothing is there

    def _wait_up(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.call("GET", "/status").status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("Kong did not come back after kong-reset")
            time.sleep(0.2)


# ----------------------------------------------------------------------------------------- recording


def load_scenario(path: Path) -> dict[str, Any]:
    text = path.read_text()
    if path.suffix in (".yaml", ".yml"):
        import yaml

        scenario = yaml.safe_load(text)
    else:
        scenario = json.loads(text)
    if "scenario" in scenario and all("request" in s for s in scenario.get("steps", [])):
        # a recorded transcript: its requests, as written, are the scenario
        steps = []
        for s in scenario["steps"]:
            step = dict(s["request"])
            for key in ("note", "capture", "wait_for"):
                if key in s:
                    step[key] = s[key]
            extra = sorted(h for h in (s["response"].get("headers") or {}) if h != "content-type")
            if extra:
                step["record_headers"] = extra
            steps.append(step)
        scenario = {"description": scenario.get("description", ""), "steps": steps}
    return scenario


def _response(answer: Answer, record_headers: list[str], norm: Normaliser) -> dict[str, Any]:
    headers = {}
    if "content-type" in answer.headers:
        headers["content-type"] = answer.headers["content-type"]
    for name in record_headers:
        if name.lower() in answer.headers:
            headers[name.lower()] = answer.headers[name.lower()]
    out: dict[str, Any] = {"status": answer.status, "headers": headers}
    if not answer.raw:
        out["body"] = None
        return out
    try:
        out["body"] = norm.body(json.loads(answer.raw.decode("utf-8")))
    except (ValueError, UnicodeDecodeError):
        out["body"] = None
        out["raw_body"] = answer.raw.decode("utf-8", "replace")
    return out


def record(kong: Kong, name: str, scenario: dict[str, Any]) -> dict[str, Any]:
    kong.empty()
    version = kong.version()
    steps_text = json.dumps([{k: s[k] for k in ("path", "body", "raw_body", "headers") if k in s}
                             for s in scenario["steps"]], ensure_ascii=False)
    norm = Normaliser(steps_text)
    variables: dict[str, Any] = {}
    steps = []
    for index, step in enumerate(scenario["steps"]):
        request = {k: step[k] for k in STEP_KEYS if k in step}
        request["method"] = request["method"].upper()
        method, path, body, headers = kong.replayer.build_request(request, variables)
        if step.get("wait_for"):
            kong.replayer.wait_for(method, path, body, headers, step["wait_for"])
        answer = kong.replayer.send(method, path, body, headers)
        if "expect_status" in step and answer.status != step["expect_status"]:
            print(f"WARNING: {name} step {index} ({method} {path}): status {answer.status}, "
                  f"expected {step['expect_status']}: {answer.raw[:300]!r}", file=sys.stderr)
        parsed = None
        if answer.raw:
            try:
                parsed = answer.json()
            except ValueError:
                parsed = None
        for var, dotted in (step.get("capture") or {}).items():
            value = walk(parsed, dotted)
            if value is _MISSING:
                # the variable stays uncaptured: later `{{var}}` are sent as literal text
                print(f"WARNING: {name} step {index}: capture {var!r}: {dotted!r} not in the answer", file=sys.stderr)
                continue
            variables[var] = value
        out: dict[str, Any] = {}
        if step.get("note"):
            out["note"] = step["note"]
        out["request"] = request
        for key in ("wait_for", "capture"):
            if step.get(key):
                out[key] = step[key]
        out["response"] = _response(answer, step.get("record_headers") or [], norm)
        steps.append(out)
        if step.get("sleep"):
            time.sleep(float(step["sleep"]))
    return {"kong_version": version, "scenario": name, "description": scenario.get("description", ""),
            "steps": steps}


def dumps(transcript: dict[str, Any]) -> str:
    return json.dumps(transcript, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    p.add_argument("--admin-url", required=True)
    p.add_argument("--out-dir", required=True, type=Path)
    p.add_argument("--fresh", metavar="KONG_DIR", help="kong-reset KONG_DIR before each scenario")
    p.add_argument("--kong-runtime", type=Path,
                   default=Path(os.environ.get("KONG_RUNTIME") or REPO.parent / "shared" / "kong-runtime"))
    p.add_argument("--repeat", type=int, default=1, help="record N times; fail unless identical")
    p.add_argument("scenarios", nargs="+", type=Path)
    args = p.parse_args(argv)
    kong = Kong(args.admin_url, args.fresh, args.kong_runtime)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for path in args.scenarios:
        name = path.stem
        scenario = load_scenario(path)
        texts = {dumps(record(kong, name, scenario)) for _attempt in range(args.repeat)}
        if len(texts) != 1:
            print(f"{name}: the {args.repeat} recordings differ", file=sys.stderr)
            return 1
        (args.out_dir / f"{name}.json").write_text(texts.pop())
        print(f"{name}: {len(scenario['steps'])} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
