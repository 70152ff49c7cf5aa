"""Converge speed at scale: the ai_gateway role against decK 1.4, on the Kong Admin API simulator.

For each size N it generates a gateway inventory (bench/gen_inventory.py: N consumers with a key-auth
key and a rate limit each, hosted models with routes and ai-proxy plugins, a self-hosted model with an
upstream and targets) and the decK state file holding the same entities (bench/gen_deck_state.py),
then measures, each tool on a fresh simulator (tests/kongsim/serve.py on 127.0.0.1), in each simulator mode:

* ``plain``: the simulator answers as fast as Python can (no Kong-side cost at all);
* ``kong``: ``--service-time kong``, one request at a time, each paced like Kong 3.9.1 with PostgreSQL
  (1.2 ms a write, 1 ms a read plus 0.03-0.06 ms per listed entity), so per-request and per-item
  client costs weigh as they do against a real Kong.

and for each:

* role:  (a) first converge, (b) no-op re-converge, (c) ``--check`` run on the converged gateway
  (``playbooks/site.yml``, the role as a user runs it);
* decK:  ``deck sync`` (first), ``deck sync`` (again), ``deck diff`` on the synced state.

Per step: wall time, Admin API requests (the simulator's request log), writes, the controller's peak
RSS, and the ratio role/decK (first converge vs first sync, no-op and check vs ``deck diff``).
Prints a table and writes JSON to bench/results/ (not committed). Loopback only; every run has a timeout.

    .venv/bin/python bench/converge_bench.py [--sizes 100,1000,3000] [--modes plain,kong] [--repeat 3]
        [--only role|deck] [-e VAR=VALUE]
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchtools import REPO, Simulator, request_stats, run_timed
from gen_deck_state import entity_count, write_state
from gen_inventory import build_inventory, write_inventory

RESULTS = REPO / "bench" / "results"
PLAYBOOK = REPO / "playbooks" / "site.yml"
VENV_BIN = Path(sys.executable).parent
RECAP = re.compile(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)")
ROLE_STEPS = (("first", []), ("noop", []), ("check", ["--check"]))
DECK_STEPS = (("sync", "sync"), ("sync-again", "sync"), ("diff", "diff"))
RATIOS = {"first": "sync", "noop": "diff", "check": "diff"}


COLLECTION = [REPO]  # --collection: the collection root whose role and playbook are measured
EXTRA_VARS: list[str] = []  # --extra-vars, passed to every role run
# the role as measured, and the extra arguments of its runs
ROLE_TOOLS: dict[str, list[str]] = {"role": []}
MODES = {"plain": None, "kong": "kong"}  # --modes: simulator mode -> its --service-time


def collections_dir(work: Path) -> Path:
    root = work / "collections"
    namespace = root / "ansible_collections" / "aigateway"
    namespace.mkdir(parents=True, exist_ok=True)
    link = namespace / "kong"
    if not link.exists():
        link.symlink_to(COLLECTION[0], target_is_directory=True)
    return root


def ansible_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "KONG_"))}
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": str(collections_dir(work)),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_HOME": str(work / "ansible_home"),
            "ANSIBLE_LOCAL_TEMP": str(work / "ansible_tmp"),
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "PATH": str(VENV_BIN) + os.pathsep + os.environ.get("PATH", ""),
        }
    )
    return env


def median_rows(runs: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per step from repeated runs: the run with the median time (its requests and memory with it)."""
    rows = []
    for step_runs in zip(*runs, strict=True):
        ordered = sorted(step_runs, key=lambda row: row["seconds"])
        row = dict(ordered[len(ordered) // 2])
        row["runs_seconds"] = [round(r["seconds"], 3) for r in step_runs]
        rows.append(row)
    return rows


def measure_role(size: int, work: Path, timeout: float, mode: str, tool: str = "role") -> list[dict[str, Any]]:
    rows = []
    with Simulator(MODES[mode]) as sim:
        inventory = write_inventory(work / "inventory", size, sim.url)
        for step, extra in ROLE_STEPS:
            sim.clear_log()
            playbook = COLLECTION[0] / PLAYBOOK.relative_to(REPO)
            cmd = [str(VENV_BIN / "ansible-playbook"), "-i", str(inventory), str(playbook), *extra]
            cmd += [*ROLE_TOOLS[tool], *EXTRA_VARS]
            timed = run_timed(cmd, ansible_env(work), work, timeout, work / f"{tool}-{size}-{mode}-{step}.log")
            recap = RECAP.findall(timed.output)
            changed = int(recap[-1][1]) if recap else None
            failed = int(recap[-1][3]) if recap else None
            row = {"sim": mode, "tool": tool, "step": step, "rc": timed.rc, "seconds": timed.seconds}
            row.update(request_stats(sim.log()))
            row.update({"max_rss_mb": timed.max_rss_mb, "changed_tasks": changed, "failed_tasks": failed})
            if timed.rc != 0:
                row["error"] = timed.output[-2000:]
            rows.append(row)
            print(f"  {mode:<5} {tool:<5} {step:<10} {timed.seconds:8.2f}s {row['requests']:6d} requests rc={timed.rc}")
    return rows


def measure_deck(size: int, work: Path, timeout: float, mode: str) -> list[dict[str, Any]]:
    deck = shutil.which("deck")
    if deck is None:
        raise SystemExit("deck is not on PATH (scripts/install-deck installs decK 1.4)")
    state = write_state(work / "state.yaml", build_inventory(size, "http://127.0.0.1:8001"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DECK_")}
    env["HOME"] = str(work)
    rows = []
    with Simulator(MODES[mode]) as sim:
        for step, command in DECK_STEPS:
            sim.clear_log()
            cmd = [deck, "--kong-addr", sim.url, "--no-color", command, "-s", str(state)]
            timed = run_timed(cmd, env, work, timeout, work / f"deck-{size}-{mode}-{step}.log")
            row = {"sim": mode, "tool": "deck", "step": step, "rc": timed.rc, "seconds": timed.seconds}
            row.update(request_stats(sim.log()))
            row["max_rss_mb"] = timed.max_rss_mb
            summary = re.findall(r"(Created|Updated|Deleted): (\d+)", timed.output)
            row["summary"] = {k.lower(): int(v) for k, v in summary}
            if timed.rc != 0:
                row["error"] = timed.output[-2000:]
            rows.append(row)
            print(f"  {mode:<5} deck {step:<10} {timed.seconds:8.2f}s {row['requests']:6d} requests rc={timed.rc}")
    return rows


def add_ratios(rows: list[dict[str, Any]]) -> None:
    deck = {(r["sim"], r["step"]): r for r in rows if r["tool"] == "deck"}
    for row in rows:
        other = deck.get((row["sim"], RATIOS.get(row["step"], "")))
        if row["tool"] in ROLE_TOOLS and other and other["seconds"] > 0:
            row["ratio_vs"] = "deck " + other["step"]
            row["time_ratio"] = row["seconds"] / other["seconds"]
            row["request_ratio"] = row["requests"] / max(1, other["requests"])


COLUMNS = ("N", "ents", "sim", "tool", "step", "seconds", "requests", "writes", "req/ent", "rss MB")


def table(results: list[dict[str, Any]]) -> str:
    widths = (6, 6, 5, 5, 10, 9, 9, 7, 8, 8)
    head = " ".join(f"{name:>{w}}" for name, w in zip(COLUMNS, widths, strict=True)) + "  role/decK (time, requests)"
    lines = [head, "-" * len(head)]
    for size in results:
        for row in size["rows"]:
            ratio = ""
            if "time_ratio" in row:
                ratio = f"{row['time_ratio']:.1f}x, {row['request_ratio']:.1f}x vs {row['ratio_vs']}"
            per_entity = row["requests"] / max(1, size["entities"])
            lines.append(
                f"{size['size']:>6} {size['entities']:>6} {row['sim']:>5} {row['tool']:>5} {row['step']:>10} "
                f"{row['seconds']:>9.2f} "
                f"{row['requests']:>9} {row['writes']:>7} {per_entity:>8.3f} {row['max_rss_mb']:>8.0f}  {ratio}"
            )
    return "\n".join(lines)


def markdown(results: list[dict[str, Any]]) -> str:
    """The table as Markdown (for the README)."""
    lines = [
        "| N | entities | simulator | tool | step | seconds | Admin API requests | writes | requests/entity "
        "| peak RSS MB | role/decK |",
        "|---:|---:|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for size in results:
        for row in size["rows"]:
            ratio = f"{row['time_ratio']:.1f}x time vs {row['ratio_vs']}" if "time_ratio" in row else ""
            per_entity = row["requests"] / max(1, size["entities"])
            lines.append(
                f"| {size['size']} | {size['entities']} | {row['sim']} | {row['tool']} | {row['step']} "
                f"| {row['seconds']:.2f} "
                f"| {row['requests']} | {row['writes']} | {per_entity:.3f} | {row['max_rss_mb']:.0f} | {ratio} |"
            )
    return "\n".join(lines)


def memory_growth(results: list[dict[str, Any]]) -> list[str]:
    """Peak RSS growth per added entity between consecutive sizes, the role's runs next to decK's (which holds the
    same state in memory: what Kong has and what the file describes)."""
    lines = []
    first = [r["sim"] for size in results for r in size["rows"]]
    mode = "plain" if "plain" in first else (first[0] if first else "plain")
    for small, large in itertools.pairwise(results):
        added = large["entities"] - small["entities"]
        growth = []
        for tool, step in itertools.product((*ROLE_TOOLS, "deck"), ("first", "noop", "sync", "diff")):
            before, after = (
                next(
                    (r["max_rss_mb"] for r in size["rows"] if (r["sim"], r["tool"], r["step"]) == (mode, tool, step)),
                    None,
                )
                for size in (small, large)
            )
            if before is not None and after is not None and added > 0:
                per_entity = (after - before) * 1024 / added
                growth.append(f"{tool} {step} {before:.0f} -> {after:.0f} MB ({per_entity:.1f} KB)")
        if growth:
            lines.append(f"peak RSS N={small['size']} -> N={large['size']} (KB per added entity): " + ", ".join(growth))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000", help="comma-separated consumer counts (default 100,1000)")
    parser.add_argument("--only", choices=(*ROLE_TOOLS, "deck"), help="measure one tool only")
    parser.add_argument("--modes", default="plain,kong", help="simulator modes: plain, kong (default both)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per run (default 1800)")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (inventories, logs)")
    parser.add_argument("--collection", type=Path, default=REPO, help="collection root to measure (default: this one)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool and size; the median run is reported")
    parser.add_argument("-e", "--extra-vars", action="append", default=[], help="passed to the role's runs")
    args = parser.parse_args()
    COLLECTION[0] = args.collection.resolve()
    EXTRA_VARS.extend(arg for value in args.extra_vars for arg in ("-e", value))
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = sorted(set(modes) - set(MODES))
    if unknown:
        parser.error("unknown --modes {} (choose from {})".format(", ".join(unknown), ", ".join(MODES)))
    results = []
    work_root = Path(tempfile.mkdtemp(prefix="converge-bench-"))
    try:
        for size in sizes:
            work = work_root / str(size)
            work.mkdir()
            from gen_deck_state import build_state

            entities = entity_count(build_state(build_inventory(size, "http://127.0.0.1:8001")))
            print(f"N={size} ({entities} entities)")
            rows = []
            for mode in modes:
                for tool in (*ROLE_TOOLS, "deck"):
                    if args.only in (None, tool):
                        runs = [
                            measure_deck(size, work, args.timeout, mode)
                            if tool == "deck"
                            else measure_role(size, work, args.timeout, mode, tool)
                            for _run in range(max(1, args.repeat))
                        ]
                        rows += median_rows(runs)
            add_ratios(rows)
            results.append({"size": size, "entities": entities, "rows": rows})
    finally:
        if args.keep:
            print("work directory:", work_root)
        else:
            shutil.rmtree(work_root, ignore_errors=True)
    print(table(results))
    growth = memory_growth(results)
    print("\n".join(growth))
    if args.markdown:
        print(markdown(results))
        print("\n".join("- " + line for line in growth))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / (f"converge-{stamp}.json")
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "deck": subprocess.run(["deck", "version"], capture_output=True, text=True, check=False).stdout.strip()
        if shutil.which("deck")
        else None,
    }
    out.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    print("results:", out)


if __name__ == "__main__":
    main()
