"""The check -> apply -> no-change -> update -> delete idiom, shared by the module tests.

``lifecycle_tasks`` builds one playbook for a whole lifecycle, so each module's lifecycle costs a
single ansible-playbook run; ``assert_lifecycle`` checks every step from the recorded task results
and the simulator requests each task sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpers.playbook import PlaybookRun, TaskResult

COLLECTION = "aigateway.kong"


@dataclass
class Update:
    field: str
    value: Any
    expect: Any = None  # what Kong holds afterwards when it differs from ``value`` (e.g. normalised)
    secret: bool = False  # a secret: never returned nor printed, so only the change itself is checked

    @property
    def held(self) -> Any:
        return self.value if self.expect is None else self.expect


@dataclass
class Lifecycle:
    module: str  # short module name, e.g. "kong_service"
    present: dict[str, Any]  # options creating the entity
    absent: dict[str, Any]  # options identifying it for state=absent
    return_key: str  # where the module returns the entity
    path: str  # Admin API path of the entity once created, e.g. "/services/svc"
    updates: list[Update] = field(default_factory=list)
    expect: dict[str, Any] = field(default_factory=dict)  # fields Kong must hold after creation
    label: str = ""  # prefixes the task names, so several lifecycles can share one playbook
    secrets: tuple[str, ...] = ()  # values that must appear neither in the output nor in any result

    @property
    def fqcn(self) -> str:
        return f"{COLLECTION}.{self.module}"

    def step(self, name: str) -> str:
        return f"{self.label}: {name}" if self.label else name


def task(name: str, module: str, args: dict[str, Any], **keywords: Any) -> dict[str, Any]:
    return {"name": name, module: args, **keywords}


def lifecycle_tasks(lc: Lifecycle, sim_url: str) -> list[dict[str, Any]]:
    m, n = lc.fqcn, lc.step
    tasks = [
        task(n("check create"), m, lc.present, check_mode=True, diff=True),
        task(n("create"), m, lc.present, diff=True),
        task(n("create again"), m, lc.present, diff=True),
        task(n("check create again"), m, lc.present, check_mode=True, diff=True),
    ]
    args = dict(lc.present)
    for index, upd in enumerate(lc.updates):
        args = {**args, upd.field: upd.value}
        if index == 0:
            tasks.append(task(n(f"check update {upd.field}"), m, args, check_mode=True, diff=True))
        tasks.append(task(n(f"update {upd.field}"), m, args, diff=True))
        tasks.append(task(n(f"update {upd.field} again"), m, args, diff=True))
    absent = {**lc.absent, "state": "absent"}
    tasks += [
        task(n("read"), "ansible.builtin.uri", {"url": sim_url + lc.path, "return_content": True}),
        task(n("check delete"), m, absent, check_mode=True, diff=True),
        task(n("delete"), m, absent, diff=True),
        task(n("delete again"), m, absent, diff=True),
    ]
    return tasks


def normalise(value: Any) -> Any:
    """Compare lists of scalars as sets (Kong keeps tags, methods, ... in no promised order)."""
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return sorted(value, key=str)
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    return value


def assert_subset(expected: dict[str, Any], actual: dict[str, Any], where: str) -> None:
    for key, want in expected.items():
        assert key in actual, f"{where}: {key!r} missing from {actual}"
        if isinstance(want, dict) and isinstance(actual[key], dict):
            assert_subset(want, actual[key], f"{where}.{key}")
        else:
            assert normalise(actual[key]) == normalise(want), f"{where}.{key}: {actual[key]!r} != {want!r}"


def assert_agrees(expected: dict[str, Any], predicted: dict[str, Any], where: str) -> None:
    """Every value the prediction holds agrees with ``expected`` (a prediction may lack Kong's defaults)."""
    for key, value in predicted.items():
        if key not in expected:
            continue
        if isinstance(value, dict) and isinstance(expected[key], dict):
            assert_agrees(expected[key], value, f"{where}.{key}")
        else:
            assert normalise(value) == normalise(expected[key]), f"{where}.{key}: {value!r} != {expected[key]!r}"


def assert_step(t: TaskResult, *, changed: bool, writes: bool, run: PlaybookRun) -> None:
    assert not t.failed, f"{t.name} failed: {t.msg}\n{run.summary()}"
    assert t.changed is changed, f"{t.name}: changed={t.changed}, expected {changed}: {t.result}"
    if writes:
        assert t.writes, f"{t.name}: sent no write request; requests: {t.requests}"
    else:
        assert t.writes == [], f"{t.name}: sent {t.writes}"


def assert_lifecycle(run: PlaybookRun, lc: Lifecycle) -> None:
    def step(name: str) -> TaskResult:
        return run[lc.step(name)]

    created = step("create")
    assert_step(step("check create"), changed=True, writes=False, run=run)
    assert_step(created, changed=True, writes=True, run=run)
    assert [w["method"] for w in created.writes] in (["POST"], ["PUT"]), created.writes
    entity = created.result[lc.return_key]
    assert entity.get("id"), f"create returned no id: {entity}"
    assert_subset(lc.expect, entity, f"create.{lc.return_key}")
    predicted = step("check create").result.get(lc.return_key) or {}
    assert_agrees(lc.expect, predicted, "check create (predicted)")
    assert step("check create").diff.get("after"), "check create shows no diff 'after'"
    assert created.diff.get("after"), "create shows no diff 'after'"
    for name in ("create again", "check create again"):
        assert_step(step(name), changed=False, writes=False, run=run)
        assert step(name).result[lc.return_key]["id"] == entity["id"]
    for index, upd in enumerate(lc.updates):
        steps = [f"update {upd.field}"] + ([f"check update {upd.field}"] if index == 0 else [])
        for name in steps:
            t = step(name)
            assert_step(t, changed=True, writes=not name.startswith("check"), run=run)
            before, after = t.diff.get("before", {}), t.diff.get("after", {})
            assert set(before) == {upd.field} and set(after) == {upd.field}, (
                f"{t.name}: diff should name only {upd.field!r}: {t.diff}"
            )
            if not upd.secret:
                if isinstance(upd.held, dict):  # the diff may narrow a dict to its changed keys
                    assert isinstance(after[upd.field], dict) and after[upd.field], t.diff
                else:
                    assert normalise(after[upd.field]) == normalise(upd.held), t.diff
                assert_subset({upd.field: upd.held}, t.result[lc.return_key], t.name)
        assert [w["method"] for w in step(f"update {upd.field}").writes] in (["PATCH"], ["PUT"])
        assert_step(step(f"update {upd.field} again"), changed=False, writes=False, run=run)
    held = step("read").result["json"]
    assert held["id"] == entity["id"]
    assert_subset({**lc.expect, **{u.field: u.held for u in lc.updates if not u.secret}}, held, "Admin API")
    assert_step(step("check delete"), changed=True, writes=False, run=run)
    deleted = step("delete")
    assert_step(deleted, changed=True, writes=True, run=run)
    assert [w["method"] for w in deleted.writes] == ["DELETE"], deleted.writes
    assert deleted.diff.get("before"), f"delete shows no diff 'before': {deleted.diff}"
    assert_step(step("delete again"), changed=False, writes=False, run=run)
    secrets = set(lc.secrets) | {u.value for u in lc.updates if u.secret}
    results = str([t.result for t in run.tasks if t.name != lc.step("read")])  # "read" is the test's own GET
    leaked = [v for v in secrets if v in run.output or v in results]
    assert leaked == [], f"secret values leaked: {leaked}"
