"""ai_gateway_single_task: the role's run in one task (ai_gateway_converge) gives what its task-per-type run gives.

The example gateway converged both ways into two simulators: the same entities; then a second run, a check-mode
preview of a change with pruning, the change itself, and the refusals (an invalid description, an untagged
look-alike), each compared between the two ways. No secret reaches the output (-vvv --diff)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import admin
from helpers.kong_state import normalised, playbook
from helpers.playbook import PlaybookRun, is_validation

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "playbooks" / "site.yml"
ONE_TASK = "Converge Kong to the gateway description in one task"
WRITES = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "inventory"
    shutil.copytree(REPO / "inventories" / "example", path)
    return path


def secrets(inventory: Path) -> list[str]:
    return list(yaml.safe_load((inventory / "group_vars" / "kong_admin" / "vault.yml").read_text()).values())


def edit(inventory: Path, change: Any) -> None:
    path = inventory / "group_vars" / "kong_admin" / "gateway.yml"
    variables = yaml.safe_load(path.read_text())
    change(variables)
    path.write_text(yaml.safe_dump(variables, sort_keys=False))


class Both:
    """Runs site.yml the per-type way against one simulator and the one-task way against another."""

    def __init__(self, tmp_path: Path, collections: Path, inventory: Path, per_type: Any, one_task: Any) -> None:
        self.tmp_path, self.collections, self.inventory = tmp_path, collections, inventory
        self.sims = {False: per_type, True: one_task}
        self.count = 0

    def run(self, single: bool, **flags: Any) -> PlaybookRun:
        self.count += 1
        sim = self.sims[single]
        sim.clear_log()
        extra = {"ai_gateway_admin_url": sim.url, "ai_gateway_single_task": single}
        return playbook(self.tmp_path / f"run{self.count}", self.collections, SITE, extra, inventory=self.inventory,
                        **flags)

    def both(self, **flags: Any) -> tuple[PlaybookRun, PlaybookRun]:
        return self.run(False, **flags), self.run(True, **flags)


def writes(sim: Any) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in sim.request_log()
            if r["method"] in WRITES and not is_validation(r["path"])]


def changed(run: PlaybookRun) -> bool:
    return any(t.changed for t in run.tasks)


def shape(value: Any) -> Any:
    """A diff without what differs between two Kongs holding the same entities: ids, timestamps."""
    if isinstance(value, dict):
        if set(value) == {"id"}:
            return "<ref>"
        return {k: shape(v) for k, v in value.items() if k not in ("id", "created_at", "updated_at")}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return value


def listed(diff: Any) -> list[Any]:
    """A task's diff as a list of changes (Ansible wraps a single one in a list at times, or not)."""
    return diff if isinstance(diff, list) else [diff] if isinstance(diff, dict) and diff else []


def diffs(run: PlaybookRun) -> list[str]:
    """Every change a run's tasks report in their diffs (a loop's in each loop result), in a comparable form."""
    out = []
    for task in run.tasks:
        if not task.changed:
            continue
        found = listed(task.result.get("diff"))
        if "results" in task.result and "entity" not in task.result.get("invocation", {}).get("module_args", {}):
            found = [d for r in task.result["results"] for d in listed(r.get("diff"))]  # a loop
        out.extend(json.dumps(shape(d), sort_keys=True) for d in found if d.get("before") != d.get("after"))
    return sorted(out)


def test_one_task_gives_the_same_gateway_as_one_task_per_type(
    tmp_path: Path, collection_path: Path, inventory: Path, kongsim: Any, second_sim: Any
) -> None:
    runs = Both(tmp_path, collection_path, inventory, kongsim, second_sim)
    per_type, one = runs.both(verbosity=0, diff=False)
    assert per_type.rc == 0, per_type.summary()
    assert one.rc == 0, one.summary()
    assert [t.name for t in one.tasks if t.changed] == [ONE_TASK]
    assert normalised(second_sim) == normalised(kongsim)
    steps = one[ONE_TASK].result["types"]
    assert list(steps)[:3] == ["upstreams", "targets", "services"]
    assert steps["consumers"] == {"changed": True, "msg": "consumers: 3 created"}

    per_type, one = runs.both(verbosity=0, diff=False)  # nothing to do
    assert not changed(per_type) and not changed(one), one.summary()
    assert writes(second_sim) == []

    def change(variables: dict[str, Any]) -> None:  # carol leaves, alice moves to standard
        variables["ai_gateway_consumers"] = [c for c in variables["ai_gateway_consumers"] if c["username"] != "carol"]
        variables["ai_gateway_consumers"][0]["tier"] = "standard"

    edit(inventory, change)
    before = normalised(second_sim)
    per_type, one = runs.both(check=True, diff=True)
    assert per_type.rc == 0 and one.rc == 0, one.summary()
    assert one[ONE_TASK].changed and writes(second_sim) == [] and normalised(second_sim) == before
    previewed = one[ONE_TASK].result["diff"]
    assert any(d["before"].get("username") == "carol" and d["after"] == {} for d in previewed), previewed
    assert diffs(one) == diffs(per_type) and len(previewed) == len(diffs(one))

    per_type, one = runs.both(diff=True)
    assert per_type.rc == 0 and one.rc == 0, one.summary()
    assert normalised(second_sim) == normalised(kongsim)
    assert diffs(one) == diffs(per_type)
    assert "carol" not in {c["username"] for c in admin.listing(second_sim, "/consumers")}
    steps = one[ONE_TASK].result["types"]
    assert steps["pruned consumers"]["msg"] == "consumers: 1 deleted", steps
    for secret in secrets(inventory):
        assert secret not in one.output, secret

    per_type, one = runs.both(verbosity=0, diff=False)
    assert not changed(per_type) and not changed(one), one.summary()


def test_one_task_refuses_as_the_role_refuses(
    tmp_path: Path, collection_path: Path, inventory: Path, kongsim: Any, second_sim: Any
) -> None:
    runs = Both(tmp_path, collection_path, inventory, kongsim, second_sim)
    for sim in (kongsim, second_sim):
        admin.create(sim, "/consumers", {"username": "alice"})  # an untagged look-alike
    per_type, one = runs.both(verbosity=0, diff=False)
    assert per_type.rc != 0 and one.rc != 0, one.summary()
    refusal = next(t for t in per_type.tasks if t.failed).msg
    assert one[ONE_TASK].failed and one[ONE_TASK].msg == refusal, (one[ONE_TASK].msg, refusal)
    assert "consumer 'alice'" in refusal and writes(second_sim) == []

    edit(inventory, lambda v: v["ai_gateway_consumers"].append({"username": "dave", "tier": "gold"}))
    per_type, one = runs.both(verbosity=0, diff=False)
    refusal = next(t for t in per_type.tasks if t.failed).msg
    assert refusal.startswith("Invalid gateway description: "), refusal
    assert one[ONE_TASK].msg == refusal and second_sim.request_log() == []


def test_one_task_says_why_it_cannot_run_outside_the_controller_process(
    tmp_path: Path, collection_path: Path, inventory: Path, kongsim: Any
) -> None:
    extra = {"ai_gateway_admin_url": kongsim.url, "ai_gateway_single_task": True, "aigateway_kong_inprocess": False}
    run = playbook(tmp_path / "run", collection_path, SITE, extra, inventory=inventory, verbosity=0, diff=False)
    assert run.rc != 0 and run[ONE_TASK].failed, run.summary()
    msg = run[ONE_TASK].msg
    assert "aigateway_kong_inprocess is false" in msg and "ai_gateway_single_task false" in msg, msg
    assert kongsim.request_log() == []
