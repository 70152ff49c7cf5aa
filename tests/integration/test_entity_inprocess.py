"""The single-entity modules in-process on the controller (the action plugin) and as module processes return
the same.

One module per shape of the wrapper: references and warnings (kong_route), secrets read from the managed Kong's
plugin schema (kong_plugin), one module over several entities picked by an option (kong_consumer_credential). Per
module, one playbook (check-mode create, create, no-op, check-mode update and update with --diff, an
unknown option, a rule violation, an error Kong answers with a status and field names, a missing reference,
delete) runs twice on two fresh simulators seeded alike: once in-process (the default for a local
connection), once with ``aigateway_kong_inprocess: false``. Every task result (``invocation``, warnings and
error details included) and the final Kong state must be identical once ids, timestamps and the simulator's
URL are normalised.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from helpers import admin
from helpers.certs import make_cert
from helpers.lifecycle import task
from kongsim import KongSim

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NOISE = ("created_at", "updated_at")
KEY = "inproc-secret-key-4711"
HEADER = "Bearer sk-inproc-provider-secret"
PASSWORD = "inproc-basic-pass-1"
JWT_SECRET = "inproc-jwt-secret-9"
SECRETS = (KEY, HEADER, PASSWORD, JWT_SECRET)
# secrets reach the tasks from variables, as from a vault: ansible-playbook prints the source lines around a
# failing task, which must not hold them
SECRET_VARS = {"inproc_key": KEY, "inproc_header": HEADER, "inproc_password": PASSWORD, "inproc_jwt": JWT_SECRET}
CERT = make_cert("ai.example.test", dns_names=("ai.example.test",))


def marker(module: str, in_process: bool) -> str:
    return f"aigateway.kong.{module}: " + ("running in-process" if in_process else "running the module")


def normal(value: Any, url: str) -> Any:
    """``value`` with ids, timestamps and the simulator's URL replaced by placeholders; kong_info's ``entities``
    sorted (Kong lists by id, and ids differ between the simulators)."""
    if isinstance(value, dict):
        out = {k: "<time>" if k in NOISE else normal(v, url) for k, v in value.items()}
        if isinstance(out.get("entities"), list):
            out["entities"] = sorted(out["entities"], key=repr)
        return out
    if isinstance(value, list):
        return [normal(v, url) for v in value]
    if isinstance(value, str):
        return UUID.sub("<uuid>", value.replace(url, "<admin>"))
    return value


def task_view(t: Any, url: str) -> Any:
    result = {k: v for k, v in t.result.items() if k != "_ansible_no_log"}
    return normal({"task": t.name, "outcome": t.status, **result}, url)


def kong_state(sim: Any, paths: tuple[str, ...]) -> dict[str, Any]:
    """The entities at ``paths``, normalised; a basic-auth password hash (salted with the consumer id) left out."""
    listed = {p: [{k: v for k, v in e.items() if k != "password"} for e in admin.listing(sim, p)] for p in paths}
    return {p: sorted((normal(e, sim.url) for e in entities), key=repr) for p, entities in listed.items()}


def run_both(
    run_playbook: Callable[..., Any],
    sims: tuple[Any, Any],
    tasks: list[dict[str, Any]],
    modules: tuple[str, ...],
    state_paths: tuple[str, ...] = (),
    **kw: Any,
) -> tuple[Any, Any]:
    """Run ``tasks`` in-process on the first simulator and as module processes on the second; both give the same."""
    inproc = run_playbook(tasks, sim=sims[0], verbosity=3, play_vars=SECRET_VARS, **kw)
    module_vars = {**SECRET_VARS, "aigateway_kong_inprocess": False}
    module = run_playbook(tasks, sim=sims[1], verbosity=3, play_vars=module_vars, **kw)
    for name in modules:
        assert marker(name, True) in inproc.output and marker(name, False) not in inproc.output, name
        assert marker(name, False) in module.output and marker(name, True) not in module.output, name
    assert len(inproc.tasks) == len(tasks), inproc.summary()
    for ours, theirs in zip(inproc.tasks, module.tasks, strict=True):
        assert task_view(ours, sims[0].url) == task_view(theirs, sims[1].url)
    for run in (inproc, module):
        shown = run.output + str([t.result for t in run.tasks])
        leaked = [shown[max(0, shown.index(s) - 300) : shown.index(s) + 50] for s in SECRETS if s in shown]
        assert leaked == [], leaked
    assert kong_state(sims[0], state_paths) == kong_state(sims[1], state_paths)
    return inproc, module


@dataclass
class Scenario:
    module: str
    present: dict[str, Any]
    update: dict[str, Any]
    absent: dict[str, Any]
    invalid: dict[str, Any]  # breaks one of the module's rules (required_one_of, mutually_exclusive, ...)
    kong_error: dict[str, Any]  # Kong refuses it with a status and field names
    paths: tuple[str, ...]  # Admin API collections compared at the end
    seed: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)  # module-specific tasks, before the deletes


def scenario_tasks(sc: Scenario) -> list[dict[str, Any]]:
    m = "aigateway.kong." + sc.module
    updated = {**sc.present, **sc.update}
    absent = {**sc.absent, "state": "absent"}
    failing = {"ignore_errors": True}
    return [
        task("check create", m, sc.present, check_mode=True, diff=True),
        task("create", m, sc.present, diff=True),
        task("no-op", m, sc.present),
        task("check update", m, updated, check_mode=True, diff=True),
        task("update", m, updated, diff=True),
        task("unknown option", m, {**absent, "bogus": 1}, **failing),
        task("rule violation", m, sc.invalid, **failing),
        task("kong error", m, sc.kong_error, **failing),
        *sc.extra,
        task("check delete", m, absent, check_mode=True, diff=True),
        task("delete", m, absent, diff=True),
        task("delete again", m, absent, diff=True),
    ]


AI_PROXY = {
    "route_type": "llm/v1/chat",
    "model": {"provider": "openai", "name": "gpt-4o"},
    "auth": {"header_name": "Authorization", "header_value": "{{ inproc_header }}"},
}
SERVICE_SEED = ("/services", {"name": "llm", "url": "http://llm.example"})
SCENARIOS = [
    Scenario(
        "kong_route",
        seed=[SERVICE_SEED],
        present={"name": "chat", "service": "llm", "paths": ["/chat"], "methods": ["POST"]},
        update={"paths": ["/chat", "/v1/chat"]},
        absent={"name": "chat"},
        invalid={"service": "llm", "paths": ["/x"]},
        kong_error={"name": "r2", "service": "llm", "paths": ["no-slash"]},
        paths=("/routes",),
        extra=[
            task(
                "missing service, check",
                "aigateway.kong.kong_route",
                {"name": "r3", "service": "nope", "paths": ["/r3"]},
                check_mode=True,
            ),
            task(
                "missing service",
                "aigateway.kong.kong_route",
                {"name": "r3", "service": "nope", "paths": ["/r3"]},
                ignore_errors=True,
            ),
        ],
    ),
    Scenario(
        "kong_plugin",
        seed=[SERVICE_SEED],
        present={"name": "ai-proxy", "instance_name": "llm-ai", "service": "llm", "config": AI_PROXY},
        update={"config": {**AI_PROXY, "model": {"provider": "openai", "name": "gpt-4o-mini"}}},
        absent={"name": "ai-proxy", "instance_name": "llm-ai"},
        invalid={"service": "llm"},
        kong_error={"name": "rate-limiting", "instance_name": "rl", "service": "llm", "config": {"minute": "ten"}},
        paths=("/plugins",),
    ),
    Scenario(
        "kong_consumer_credential",
        seed=[
            ("/consumers", {"username": "app"}),
            ("/consumers", {"username": "other"}),
            ("/consumers/other/key-auth", {"key": "dup-key-1"}),
        ],
        present={"consumer": "app", "type": "key-auth", "key": "{{ inproc_key }}", "tags": ["a"]},
        update={"tags": ["a", "b"]},
        absent={"consumer": "app", "type": "key-auth", "key": "{{ inproc_key }}"},
        invalid={"consumer": "app", "type": "acl", "group": "g", "key": "unused-key"},
        kong_error={"consumer": "app", "type": "key-auth", "key": "dup-key-1"},
        paths=("/key-auths", "/jwts", "/basic-auths"),
        extra=[
            task(
                "jwt",
                "aigateway.kong.kong_consumer_credential",
                {"consumer": "app", "type": "jwt", "key": "iss-shown", "secret": "{{ inproc_jwt }}"},
                diff=True,
            ),
            task(
                "basic-auth",
                "aigateway.kong.kong_consumer_credential",
                {"consumer": "app", "type": "basic-auth", "username": "bot", "password": "{{ inproc_password }}"},
                diff=True,
            ),
            task(
                "basic-auth password",
                "aigateway.kong.kong_consumer_credential",
                {"consumer": "app", "type": "basic-auth", "username": "bot", "password": "{{ inproc_password }}x"},
                diff=True,
            ),
            task(
                "missing consumer",
                "aigateway.kong.kong_consumer_credential",
                {"consumer": "nobody", "type": "acl", "group": "g"},
                ignore_errors=True,
            ),
        ],
    ),
]


@pytest.fixture
def sims() -> Any:
    with KongSim() as first, KongSim() as second:
        yield first, second


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.module for sc in SCENARIOS])
def test_same_results_in_process_and_as_a_module(
    run_playbook: Callable[..., Any], sims: tuple[Any, Any], sc: Scenario
) -> None:
    for sim in sims:
        for path, body in sc.seed:
            admin.create(sim, path, body)
    inproc, _module = run_both(run_playbook, sims, scenario_tasks(sc), (sc.module,), sc.paths)
    steps = {t.name: t for t in inproc.tasks}
    assert [steps[n].changed for n in ("check create", "create", "no-op", "update", "delete")] == [1, 1, 0, 1, 1]
    assert steps["update"].result["diff"]["after"], steps["update"].result
    for name in ("unknown option", "rule violation", "kong error"):
        assert steps[name].failed, (name, steps[name].result)
    assert f"Unsupported parameters for (aigateway.kong.{sc.module}) module: bogus" in steps["unknown option"].msg
    error = steps["kong error"].result
    assert error.get("status") in (400, 409) and error.get("kong_error_fields"), error


def test_credential_masking_and_warnings(run_playbook: Callable[..., Any], sims: tuple[Any, Any]) -> None:
    """The jwt ``key`` is shown (no_log only as a key-auth key), a check-mode warning is returned alike."""
    credential = "aigateway.kong.kong_consumer_credential"
    tasks = [
        task(
            "jwt, check",
            credential,
            {"consumer": "ghost", "type": "jwt", "key": "iss-1", "secret": "{{ inproc_jwt }}"},
            check_mode=True,
        ),
        task(
            "jwt key also the secret",
            credential,
            {"consumer": "ghost", "type": "jwt", "key": "{{ inproc_jwt }}", "secret": "{{ inproc_jwt }}"},
            check_mode=True,
        ),
    ]
    inproc, _module = run_both(run_playbook, sims, tasks, ("kong_consumer_credential",))
    shown = inproc["jwt, check"].result
    assert shown["credential"]["key"] == "iss-1" and shown["invocation"]["module_args"]["key"] == "iss-1", shown
    assert "does not exist" in str(shown.get("warnings")), shown


def test_no_option_name_triggers_the_modules_password_warning() -> None:
    """AnsibleModule warns about an option named like a password without no_log; the in-process path does not
    repeat that warning, so every such option sets no_log explicitly."""
    from ansible.module_utils.basic import PASSWORD_MATCH

    root = Path(tempfile.mkdtemp(prefix="aigateway-kong-inproc-"))
    if "ansible_collections.aigateway.kong" not in sys.modules:
        (root / "ansible_collections" / "aigateway").mkdir(parents=True)
        (root / "ansible_collections" / "aigateway" / "kong").symlink_to(Path(__file__).resolve().parents[2])
        sys.path.insert(0, str(root))
    from ansible_collections.aigateway.kong.plugins.module_utils.entity.info import info_argument_spec
    from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import EntityTask
    from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import CREDENTIALS, ENTITIES

    specs = [EntityTask.of(spec).argument_spec() for spec in ENTITIES.values()]
    specs += [EntityTask(CREDENTIALS, "type").argument_spec(), info_argument_spec()]
    unset = [name for spec in specs for name, o in spec.items() if PASSWORD_MATCH.search(name) and "no_log" not in o]
    assert unset == []


RETRIES = {
    "until": {"until": "keys is not changed", "retries": 2},
    "retries": {"retries": 1, "failed_when": "keys.attempts < 2 or keys.credential is not defined"},
}


@pytest.mark.parametrize("repeat", RETRIES.values(), ids=RETRIES)
def test_a_retried_task_sends_its_own_arguments_again(
    run_playbook: Callable[..., Any], sims: tuple[Any, Any], repeat: dict[str, Any]
) -> None:
    """In-process, the task goes back to the controller with only its masked invocation as arguments; a task that
    ``until`` or ``retries`` runs again keeps them: the retry sends the real keys, never the mask in their place."""
    sim = sims[0]
    for name in ("ann", "bob"):
        admin.create(sim, "/consumers", {"username": name})
    key = {"consumer": "{{ item }}", "type": "key-auth", "key": "{{ inproc_key }}-{{ item }}"}
    retried = dict(task("keys", "aigateway.kong.kong_consumer_credential", key), loop=["ann", "bob"])
    retried.update(register="keys", delay=0, **repeat)
    run = run_playbook([retried, task("once more", "aigateway.kong.kong_consumer_credential", key, loop=["ann"])],
                       sim=sim, play_vars=SECRET_VARS, verbosity=3)
    assert run.rc == 0, run.summary()
    assert marker("kong_consumer_credential", True) in run.output
    assert run.output.count("FAILED - RETRYING") == 2
    for name in ("ann", "bob"):
        assert [c["key"] for c in admin.listing(sim, f"/consumers/{name}/key-auth")] == [f"{KEY}-{name}"]
    assert not run["once more"].changed
    assert KEY not in run.output
