"""Every module against a flaky Admin API: 429/502/503/504 and lost connections, retried or reported.

One playbook drives the nine modules through create -> update -> (retries exhausted) -> delete, with faults
armed before each phase through the simulator's control endpoint, and with every POST's answer lost after
the simulator processed it (the proxy in front of it), so each create must look the entity up, not repeat it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from helpers import admin
from helpers.certs import make_cert
from helpers.lifecycle import task
from helpers.playbook import GROUP, PlaybookRun

from reliability.gateway import record_figure
from reliability.proxy import FaultProxy

M = "aigateway.kong."
ID = "[0-9a-f-]{36}"
TAGS = ["rf"]


@dataclass
class Case:
    module: str
    present: dict[str, Any]
    absent: dict[str, Any]
    collection: str  # where its POST goes, as a path regex
    item: str  # its item path (PATCH/DELETE), as a regex
    lookup: str  # the GET that finds it by natural key, as a regex
    create_fault: dict[str, Any] = field(default_factory=dict)
    update_faults: list[dict[str, Any]] = field(default_factory=list)
    delete_faults: list[dict[str, Any]] = field(default_factory=list)
    exhaust: dict[str, Any] = field(default_factory=dict)  # method, path, status|drop: fails 2 of 2 attempts
    exhaust_args: dict[str, Any] = field(default_factory=dict)  # options of the exhausted task


S503, S502, S504, S429 = ({"status": s} for s in (503, 502, 504, 429))
DROP = {"drop": True, "status": None}


def cases() -> list[Case]:
    cert = make_cert("rf.example", dns_names=("rf.example",))
    return [
        Case("kong_certificate", {"cert": cert.cert_pem, "key": cert.key_pem, "snis": ["rf.example"], "tags": TAGS},
             {"snis": ["rf.example"]}, "^/certificates$", f"^/certificates/{ID}$", r"^/certificates/rf\.example$",
             S503, [S502, DROP], [S503], {"method": "PATCH", **S502}),
        Case("kong_upstream", {"name": "rf-ups", "tags": TAGS}, {"name": "rf-ups"}, "^/upstreams$",
             f"^/upstreams/{ID}$", "^/upstreams/rf-ups$", DROP, [S503], [DROP, S429], {"method": "PATCH", **S504}),
        Case("kong_target", {"upstream": "rf-ups", "target": "127.0.0.1:8101", "tags": TAGS},
             {"upstream": "rf-ups", "target": "127.0.0.1:8101"}, f"^/upstreams/{ID}/targets$",
             f"^/upstreams/{ID}/targets/{ID}$", f"^/upstreams/{ID}/targets$", S502, [S504], [S504, S503],
             {"method": "DELETE", **DROP}),
        Case("kong_service", {"name": "rf-svc", "url": "http://rf-ups:8000/v1", "tags": TAGS}, {"name": "rf-svc"},
             "^/services$", f"^/services/{ID}$", "^/services/rf-svc$", S429, [S429, S503], [S502],
             {"method": "GET", "path": "^/services/rf-svc$", **S429}),
        Case("kong_route", {"name": "rf-route", "service": "rf-svc", "paths": ["/rf"], "tags": TAGS},
             {"name": "rf-route"}, "^/routes$", f"^/routes/{ID}$", "^/routes/rf-route$", S504, [DROP], [S429],
             {"method": "PATCH", **DROP}),
        Case("kong_consumer", {"username": "rf-user", "tags": TAGS}, {"username": "rf-user"}, "^/consumers$",
             f"^/consumers/{ID}$", "^/consumers/rf-user$", DROP, [S502], [S503, DROP], {"method": "DELETE", **S503}),
        Case("kong_consumer_credential",
             {"consumer": "rf-user", "type": "key-auth", "key": "{{ rf_key }}", "tags": TAGS},
             {"consumer": "rf-user", "type": "key-auth", "key": "{{ rf_key }}"}, f"^/consumers/{ID}/key-auth$",
             f"^/consumers/{ID}/key-auth/{ID}$", f"^/consumers/{ID}/key-auth$", S503, [S503], [DROP],
             {"method": "GET", "path": f"^/consumers/{ID}/key-auth$", **DROP}),
        Case("kong_plugin", {"name": "rate-limiting", "instance_name": "rf-rl", "service": "rf-svc",
                             "config": {"minute": 10}, "tags": TAGS},
             {"instance_name": "rf-rl", "name": "rate-limiting"}, "^/plugins$", f"^/plugins/{ID}$",
             "^/plugins/rf-rl$", S504, [S504, DROP], [S502, S504], {"method": "PATCH", **S503}),
    ]


def fault(method: str, path: str, spec: dict[str, Any], count: int = 1) -> dict[str, Any]:
    return {"method": method, "path": path, "count": count, **spec}


def arm_lifecycle_faults(sim: Any, all_cases: list[Case]) -> None:
    """Armed up front: each fault's method and path only match the phase it is meant for."""
    sim.inject_fault(**fault("GET", "^/$", S503))  # kong_info runs first and meets these two
    sim.inject_fault(**fault("GET", "^/$", DROP))
    for c in all_cases:
        sim.inject_fault(**fault("GET", c.lookup, c.create_fault))
        for spec in c.update_faults:
            sim.inject_fault(**fault("PATCH", c.item, spec))
        for spec in c.delete_faults:
            sim.inject_fault(**fault("DELETE", c.item, spec))


def exhaust_path(c: Case) -> str:
    return c.exhaust.get("path", c.item if c.exhaust["method"] != "GET" else c.lookup)


def lifecycle(all_cases: list[Case]) -> list[dict[str, Any]]:
    tasks = [task("info", M + "kong_info", {})]
    tasks += [task(f"create {c.module}", M + c.module, c.present) for c in all_cases]
    tasks += [task(f"update {c.module}", M + c.module, {**c.present, "tags": [*TAGS, "v2"]}) for c in all_cases]
    tasks += [task(f"delete {c.module}", M + c.module, {**c.absent, "state": "absent"}) for c in reversed(all_cases)]
    return tasks


def exhaustion(all_cases: list[Case]) -> list[dict[str, Any]]:
    tasks = [task("exhaust kong_info", M + "kong_info", {"admin_retries": 1}, ignore_errors=True)]
    for c in all_cases:
        args = {**c.present, "tags": [*TAGS, "v3"], "admin_retries": 1}
        if c.exhaust["method"] == "DELETE":
            args = {**c.absent, "state": "absent", "admin_retries": 1}
        tasks.append(task(f"exhaust {c.module}", M + c.module, args, ignore_errors=True))
    tasks.append(task("exhaust POST", M + "kong_upstream", {"name": "rf-never", "admin_retries": 1},
                      ignore_errors=True))
    return tasks


def statuses(requests: list[dict[str, Any]], method: str, path: str) -> list[int]:
    return [r["status"] for r in requests if r["method"] == method and re.search(path, r["path"])]


def one_line(msg: str) -> bool:
    return bool(msg.strip()) and "\n" not in msg.strip()


def assert_retried(run: PlaybookRun, name: str, method: str, path: str, faults: list[dict[str, Any]]) -> None:
    t = run[name]
    assert not t.failed and t.changed, f"{name}: {t.msg}\n{t.result}"
    wanted = [0 if f.get("drop") else f["status"] for f in faults]
    seen = statuses(t.requests, method, path)
    # the faulted attempts, then the same request answered by Kong (a lookup may answer 404, then 200)
    assert seen[: len(wanted)] == wanted and seen[len(wanted)] in (200, 201, 204, 404), (name, seen, t.requests)
    warnings = " ".join(t.result.get("warnings") or [])
    delays = re.findall(r"retrying in ([0-9.]+)s", warnings)
    assert [float(d) for d in delays] == [0.5 * 2**i for i in range(len(wanted))], (name, warnings)


def seed(sim: Any, all_cases: list[Case]) -> None:
    """The entities of ``cases()``, created through the Admin API (faster than a playbook)."""
    by_module = {c.module: c.present for c in all_cases}
    cert = by_module["kong_certificate"]
    admin.create(sim, "/certificates", {"cert": cert["cert"], "key": cert["key"], "snis": cert["snis"]})
    admin.create(sim, "/upstreams", {"name": "rf-ups"})
    admin.create(sim, "/upstreams/rf-ups/targets", {"target": "127.0.0.1:8101"})
    admin.create(sim, "/services", {"name": "rf-svc", "url": "http://rf-ups:8000/v1"})
    admin.create(sim, "/services/rf-svc/routes", {"name": "rf-route", "paths": ["/rf"]})
    admin.create(sim, "/consumers", {"username": "rf-user"})
    admin.create(sim, "/consumers/rf-user/key-auth", {"key": "rf-key-9Vd2Qs7Lk"})
    admin.create(sim, "/services/rf-svc/plugins", {"name": "rate-limiting", "instance_name": "rf-rl",
                                                   "config": {"minute": 10}})


def test_every_module_survives_transient_faults(kongsim: Any, proxy: FaultProxy, run_playbook: Any) -> None:
    all_cases = cases()
    for c in all_cases:  # the simulator creates each entity, the client never hears about it
        proxy.lose_answer("POST", c.collection)
    arm_lifecycle_faults(kongsim, all_cases)
    run = run_playbook(lifecycle(all_cases), sim=kongsim, play_vars={"rf_key": "rf-key-9Vd2Qs7Lk"},
                       module_defaults={GROUP: {"admin_url": proxy.url}})
    assert run.rc == 0, run.summary()
    assert len(proxy.lost) == len(all_cases), proxy.lost

    info = run["info"]
    assert not info.failed and statuses(info.requests, "GET", "^/$")[:3] == [503, 0, 200], info.requests

    for c in all_cases:
        created = run[f"create {c.module}"]
        assert_retried(run, f"create {c.module}", "GET", c.lookup, [c.create_fault])
        posts = [r for r in created.requests if r["method"] == "POST"]
        assert [p["status"] for p in posts] == [201], f"{c.module}: POST repeated or lost: {posts}"
        assert_retried(run, f"update {c.module}", "PATCH", c.item, c.update_faults)
        assert_retried(run, f"delete {c.module}", "DELETE", c.item, c.delete_faults)

    # each entity was created exactly once over the whole run, and nothing is left
    log = kongsim.request_log()
    for c in all_cases:
        assert len([r for r in log if r["method"] == "POST" and re.search(c.collection, r["path"])]) == 1, c.module
    for kind in ("certificates", "upstreams", "services", "routes", "consumers", "plugins", "key-auths"):
        assert admin.listing(kongsim, f"/{kind}") == [], kind
    faulted = [r for r in log if r["status"] in (0, 429, 502, 503, 504)]
    record_figure(f"modules: {len(faulted)} faulted requests + {len(proxy.lost)} lost POST answers survived "
                  f"by {len(run.tasks)} tasks, {len(log)} requests")


def test_retries_exhausted_fail_with_one_line(kongsim: Any, proxy: FaultProxy, run_playbook: Any) -> None:
    """Past admin_retries the task fails with one line naming the URL, the method and the last error."""
    all_cases = cases()
    seed(kongsim, all_cases)
    kongsim.inject_fault(**fault("GET", "^/$", S503, count=2))  # met by kong_info, the first task
    for c in all_cases:  # each task meets its fault twice: the attempt and its one retry (admin_retries=1)
        spec = {k: v for k, v in c.exhaust.items() if k not in ("method", "path")}
        kongsim.inject_fault(**fault(c.exhaust["method"], exhaust_path(c), spec, count=2))
    kongsim.inject_fault(**fault("POST", "^/upstreams$", S503, count=2))
    run = run_playbook(exhaustion(all_cases), sim=kongsim, play_vars={"rf_key": "rf-key-9Vd2Qs7Lk"},
                       module_defaults={GROUP: {"admin_url": proxy.url}})
    problems = []
    for c in all_cases:
        t = run[f"exhaust {c.module}"]
        method, path = c.exhaust["method"], exhaust_path(c)
        attempts = statuses(t.requests, method, path)
        expected = 0 if c.exhaust.get("drop") else c.exhaust["status"]
        assert t.failed and attempts == [expected, expected], (c.module, attempts, t.msg)
        url = next(proxy.url + r["path"] for r in t.requests if r["method"] == method and re.search(path, r["path"]))
        last = "connection" if expected == 0 else str(expected)
        if not (one_line(t.msg) and f"{method} {url}" in t.msg and last in t.msg):
            problems.append(f"{c.module}: expected one line naming {method} {url} and {last!r}: {t.msg!r}")
        writes = [w for w in t.writes if w["status"] and w["status"] < 300]
        assert writes == [], f"{c.module}: {writes}"
    info = run["exhaust kong_info"]
    assert info.failed and statuses(info.requests, "GET", "^/$") == [503, 503], info.requests
    if not (one_line(info.msg) and f"GET {proxy.url}/" in info.msg and "503" in info.msg):
        problems.append(f"kong_info: expected one line naming GET {proxy.url}/ and '503': {info.msg!r}")
    post = run["exhaust POST"]
    assert post.failed, post.result
    if not (one_line(post.msg) and f"POST {proxy.url}/upstreams" in post.msg and "503" in post.msg):
        problems.append(f"kong_upstream create: expected one line naming POST {proxy.url}/upstreams: {post.msg!r}")
    # a POST without success is retried only after a lookup found nothing
    seq = [(r["method"], r["status"]) for r in post.requests if r["path"] in ("/upstreams", "/upstreams/rf-never")]
    assert seq == [("GET", 404), ("POST", 503), ("GET", 404), ("POST", 503), ("GET", 404)], seq
    assert admin.entity(kongsim, "/upstreams/rf-never") is None
    assert not problems, "\n".join(problems)
