"""Bad input, table-driven: each case fails with one line naming the option or variable; nothing is written."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from helpers import admin
from helpers.lifecycle import task

from reliability.bad_inputs import MODULE_CASES, ROLE_CASES, role_base
from reliability.gateway import snapshot

M = "aigateway.kong."
# ansible-core's role argument validation puts this header on a line of its own before the one-line reason
ARGSPEC_HEADER = "Validation of arguments failed:\n"


def seed(sim: Any) -> None:
    admin.create(sim, "/services", {"name": "bi-svc", "host": "bi.example"})
    admin.create(sim, "/services/bi-svc/routes", {"name": "bi-route", "paths": ["/bi"]})
    admin.create(sim, "/consumers", {"username": "bi-user"})
    admin.create(sim, "/consumers", {"username": "bi-other"})
    admin.create(sim, "/consumers/bi-other/key-auth", {"key": "bi-dup-key"})
    admin.create(sim, "/upstreams", {"name": "bi-ups"})


def verdicts(run: Any, names: list[str], words: list[str]) -> list[str]:
    problems = []
    for name, word in zip(names, words, strict=True):
        t = run[name]
        msg = t.msg.strip()
        if not t.failed:
            problems.append(f"{name}: did not fail ({t.result.get('msg')})")
        elif "\n" in msg or word not in msg:
            problems.append(f"{name}: expected one line naming {word!r}: {msg!r}")
    return problems


def applied_writes(sim: Any) -> list[dict[str, Any]]:
    return [w for w in sim.writes() if w["status"] and w["status"] < 400]


@pytest.mark.parametrize("half", [0, 1])
def test_bad_module_options(kongsim: Any, run_playbook: Any, half: int) -> None:
    seed(kongsim)
    before, seeded = snapshot(kongsim), len(kongsim.writes())
    cases = MODULE_CASES[half::2]
    names = [f"case {2 * i + half + 1}: {module} {sorted(args)}" for i, (module, args, _word) in enumerate(cases)]
    tasks = [task(n, M + module, args, ignore_errors=True)
             for n, (module, args, _word) in zip(names, cases, strict=True)]
    run = run_playbook(tasks, sim=kongsim)
    problems = verdicts(run, names, [word for _module, _args, word in cases])
    written = applied_writes(kongsim)[seeded:]
    assert not problems and not written, "\n".join(problems + [f"written: {w}" for w in written])
    assert snapshot(kongsim) == before


# the failed task's message; for a loop, the first failed item's (what the user reads for that item)
FAILED_MSG = (
    "{{ (ansible_failed_result.results | selectattr('failed', 'defined') | selectattr('failed')"
    " | map(attribute='msg') | first) if ansible_failed_result.results is defined else ansible_failed_result.msg }}"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_bad_role_variables(kongsim: Any, run_playbook: Any) -> None:
    """Each case is the role included with one mistake, rescued so the next case runs in the same playbook."""
    base = role_base(kongsim.url)
    down = f"http://127.0.0.1:{free_port()}"
    role_cases = [*ROLE_CASES, ("Admin API not reachable", {"ai_gateway_admin_url": down}, down)]
    tasks = []
    for index, (description, changes, _word) in enumerate(role_cases, start=1):
        tasks.append({
            "name": f"role case {index}",
            "block": [{"ansible.builtin.include_role": {"name": "aigateway.kong.ai_gateway"},
                       "vars": {**base, **changes}}],
            "rescue": [{"name": f"caught {index}: {description}",
                        "ansible.builtin.debug": {"msg": FAILED_MSG}}],
        })
    run = run_playbook(tasks, sim=kongsim)
    names = [f"caught {i}: {d}" for i, (d, _c, _w) in enumerate(role_cases, start=1)]
    problems = []
    for name, (_d, _c, word) in zip(names, role_cases, strict=True):
        found = [t for t in run.tasks if t.name == name]
        if not found:
            problems.append(f"{name}: the role did not fail")
            continue
        msg = str(found[0].result.get("msg", "")).strip()
        if msg.startswith(ARGSPEC_HEADER):  # ansible-core's own format: one reason per line, after the header
            msg = msg.removeprefix(ARGSPEC_HEADER).splitlines()[-1]
        if "\n" in msg or word not in msg:
            problems.append(f"{name}: expected one line naming {word!r}: {msg!r}")
    assert kongsim.writes() == [], kongsim.writes()
    assert not problems, "\n".join(problems)
