"""Benchmark of the Kong Admin API simulator (tests/kongsim): latency and memory.

Runs the simulator as a subprocess (tests/kongsim/serve.py on 127.0.0.1, port 0) and measures, at
each store size (default 1k and 10k services):

* client-observed wall time per request (median, p95) for one-entity GETs, 1000-entity pages and POSTs;
* server-side time per request: the server process's CPU time (user+system, from /proc) divided by the
  number of requests, plus the mean of the `X-Kong-Admin-Latency` header;
* memory per entity: growth of the server's RSS per entity created, and (in-process, with tracemalloc)
  the Python heap growth per entity.

Prints a table and writes the numbers as JSON to bench/results/ (not committed). Loopback only;
every loop is bounded by the command-line counts.

    .venv/bin/python bench/kongsim_bench.py [--sizes 1000,10000] [--gets 2000] [--pages 30] [--posts 1000]
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SERVE = REPO / "tests" / "kongsim" / "serve.py"
RESULTS = REPO / "bench" / "results"
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class Client:
    """A minimal keep-alive JSON client for 127.0.0.1 (reconnects when the server closes)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, float | None]:
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                latency = resp.getheader("X-Kong-Admin-Latency")
                if resp.will_close:
                    self.conn.close()
                return resp.status, data, float(latency) if latency is not None else None
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


@dataclass
class Measure:
    """One kind of request measured at one store size."""

    name: str
    entities: int
    requests: int
    client_median_ms: float
    client_p95_ms: float
    server_cpu_ms: float | None  # server CPU time per request
    admin_latency_ms: float | None  # mean X-Kong-Admin-Latency


@dataclass
class Report:
    started: str
    python: str
    machine: str
    parameters: dict[str, Any]
    measures: list[Measure] = field(default_factory=list)
    memory: list[dict[str, Any]] = field(default_factory=list)


class Server:
    """serve.py in a child process; exposes its CPU time and RSS from /proc."""

    def __init__(self) -> None:
        cmd = [sys.executable, str(SERVE), "--listen", "127.0.0.1:0"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=REPO)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("kongsim listening on http://127.0.0.1:"):
            self.proc.kill()
            raise SystemExit(f"serve.py did not start: {line!r}")
        self.port = int(line.rsplit(":", 1)[1])

    def cpu_seconds(self) -> float | None:
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime

    def rss_bytes(self) -> int | None:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def service_body(i: int) -> dict[str, Any]:
    return {"name": f"svc-{i:06d}", "url": f"http://llm-{i}.internal.test:8080/v1", "tags": ["bench", f"b{i % 7}"]}


def timed(
    server: Server | None,
    client: Client,
    name: str,
    entities: int,
    calls: list[tuple[str, str, Any]],
    expect: int,
    warmup: int = 0,
) -> Measure:
    """Send `calls` one by one, checking each status, and summarise the timings.

    The first `warmup` calls (reads only) are sent once more before timing starts.
    """
    for method, path, body in calls[:warmup]:
        client.call(method, path, body)
    walls: list[float] = []
    latencies: list[float] = []
    cpu_before = server.cpu_seconds() if server else None
    for method, path, body in calls:
        started = time.perf_counter()
        status, data, latency = client.call(method, path, body)
        walls.append((time.perf_counter() - started) * 1000)
        if status != expect:
            raise SystemExit(f"{method} {path} answered {status}, expected {expect}: {data[:300]!r}")
        if latency is not None:
            latencies.append(latency)
    cpu_after = server.cpu_seconds() if server else None
    cpu = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) * 1000 / len(calls)
    walls.sort()
    return Measure(
        name=name,
        entities=entities,
        requests=len(calls),
        client_median_ms=round(statistics.median(walls), 3),
        client_p95_ms=round(walls[min(len(walls) - 1, int(len(walls) * 0.95))], 3),
        server_cpu_ms=None if cpu is None else round(cpu, 3),
        admin_latency_ms=round(statistics.fmean(latencies), 3) if latencies else None,
    )


def fill(client: Client, start: int, stop: int) -> None:
    for i in range(start, stop):
        status, data, _latency = client.call("POST", "/services", service_body(i))
        if status != 201:
            raise SystemExit(f"creating service {i} failed: {status} {data[:300]!r}")


def run_latency(report: Report, sizes: list[int], gets: int, pages: int, posts: int) -> None:
    server = Server()
    client = Client(server.port)
    try:
        client.call("GET", "/")
        rss0 = server.rss_bytes()
        have = 0
        for size in sizes:
            fill(client, have, size)
            have = max(have, size)
            rss = server.rss_bytes()
            if rss0 is not None and rss is not None:
                report.memory.append(
                    {"method": "rss", "entities": have, "bytes_per_entity": round((rss - rss0) / have)}
                )
            one = [("GET", f"/services/svc-{(i * 7919) % have:06d}", None) for i in range(gets)]
            report.measures.append(timed(server, client, "GET /services/{name}", have, one, 200, warmup=50))
            page = [("GET", "/services?size=1000", None) for _page in range(pages)]
            report.measures.append(timed(server, client, "GET /services?size=1000", have, page, 200, warmup=3))
            new = [("POST", "/services", service_body(i)) for i in range(have, have + posts)]
            report.measures.append(timed(server, client, "POST /services", have, new, 201))
            have += posts
    finally:
        client.close()
        server.stop()


def run_tracemalloc(report: Report, sizes: list[int]) -> None:
    """Python heap growth per entity, with the simulator in this process."""
    sys.path.insert(0, str(REPO / "tests"))
    from kongsim import KongSim

    with KongSim() as sim:
        client = Client(sim.port)
        try:
            client.call("GET", "/services")
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
            have = 0
            for size in sizes:
                fill(client, have, size)
                have = size
                grown = tracemalloc.get_traced_memory()[0] - base
                report.memory.append(
                    {"method": "tracemalloc", "entities": have, "bytes_per_entity": round(grown / have)}
                )
        finally:
            tracemalloc.stop()
            client.close()


def print_table(report: Report) -> None:
    columns = ("client p50", "client p95", "server cpu", "X-Kong lat")
    head = f"{'request':<26}{'entities':>9}{'n':>6}" + "".join(f"{c:>12}" for c in columns)
    print(head)
    print("-" * len(head))

    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    for m in report.measures:
        print(
            f"{m.name:<26}{m.entities:>9}{m.requests:>6}{fmt(m.client_median_ms):>12}{fmt(m.client_p95_ms):>12}"
            f"{fmt(m.server_cpu_ms):>12}{fmt(m.admin_latency_ms):>12}"
        )
    print("(times in ms per request; server cpu = simulator process CPU time / requests)\n")
    for mem in report.memory:
        print(
            f"memory ({mem['method']:<11}) at {mem['entities']:>6} services: {mem['bytes_per_entity']:>7} bytes/entity"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="store sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--gets", type=int, default=2000, help="one-entity GETs per size")
    parser.add_argument("--pages", type=int, default=30, help="1000-entity page GETs per size")
    parser.add_argument("--posts", type=int, default=1000, help="POSTs per size")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the in-process heap measurement")
    parser.add_argument("--output", type=Path, help="JSON file (default bench/results/kongsim-<time>.json)")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    if not sizes or sizes[0] < 1 or sizes[-1] > 100_000 or min(args.gets, args.pages, args.posts) < 1:
        parser.error("sizes must be 1..100000 and counts at least 1")

    now = datetime.datetime.now(datetime.UTC)
    report = Report(
        parameters={"sizes": sizes, "gets": args.gets, "pages": args.pages, "posts": args.posts},
        started=now.isoformat(timespec="seconds"),
        python=platform.python_version(),
        machine=platform.platform(),
    )
    run_latency(report, sizes, args.gets, args.pages, args.posts)
    if not args.no_tracemalloc:
        run_tracemalloc(report, sizes)
    print_table(report)

    output = args.output or RESULTS / f"kongsim-{now:%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(asdict(report), indent=2) + "\n")
    print(f"\nwrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
