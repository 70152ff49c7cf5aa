"""The examples users copy run as written against an empty Kong, twice: the first run succeeds, the second changes
nothing (a deletion of something already absent included).

Every module's EXAMPLES and every README snippet that is a playbook. The tests supply only what a user supplies:
``kong_admin_url``, the secrets a user keeps in Ansible Vault (``SECRETS``) and the files the examples read
(``files()``). An example referring to any other variable, or reading any other file, fails with a message naming
the module and the variable or file.

All modules' examples run in one ansible-playbook run: per module, its tasks as one play, the same play again, then
Kong emptied for the next module, so each example starts from an empty Kong and must create what it needs.
"""

from __future__ import annotations

import base64
import functools
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from helpers.certs import make_cert
from helpers.playbook import VENV_BIN, ansible_env

ROOT = Path(__file__).resolve().parents[2]
TESTS_DIR = ROOT / "tests"
MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__")


def b64(number: int) -> str:
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


def private_jwk(kid: str) -> dict[str, str]:
    numbers = ec.generate_private_key(ec.SECP256R1()).private_numbers()
    return {"kty": "EC", "crv": "P-256", "kid": kid, "x": b64(numbers.public_numbers.x),
            "y": b64(numbers.public_numbers.y), "d": b64(numbers.private_value)}


# What a user keeps in Ansible Vault, as fake demo values.
SECRETS: dict[str, Any] = {
    "vault_team_search_api_key": "demo-team-search-key",
    "vault_team_search_password": "demo-team-search-password",
    "vault_alice_api_key": "demo-alice-key",
    "vault_kong_admin_token": "",  # an open source Kong takes no token
    "vault_signing_jwk": private_jwk("signing-2026"),
}
# The variables the examples may use without defining them: these, Ansible's own, and their registered results.
SUPPLIED = {"kong_admin_url", *SECRETS}
ANSIBLE_NAMES = {
    "lookup", "query", "q", "now", "undef", "omit", "range", "dict", "lipsum", "cycler", "joiner", "namespace",
    "playbook_dir", "inventory_hostname", "ansible_playbook_python", "hostvars", "groups", "group_names",
    "ansible_check_mode", "ansible_diff_mode", "role_path",
}
NESTED = ("block", "rescue", "always", "tasks", "pre_tasks", "post_tasks", "handlers")
CONDITIONALS = {"when", "that", "failed_when", "changed_when", "until"}  # bare Jinja expressions
FILE_LOOKUP = re.compile(r"""lookup\(\s*['"](?:ansible\.builtin\.)?file['"]\s*,\s*['"]([^'"]+)['"]""")


@functools.cache
def files() -> dict[str, str]:
    """The files the examples read, as a user keeps them beside the playbook (a certificate, a CA, keys)."""
    gateway = make_cert("ai.example.com", dns_names=("ai.example.com", "chat.example.com"))
    ca = make_cert("Internal CA", is_ca=True)
    partner = ec.generate_private_key(ec.SECP256R1()).public_key()
    return {
        "certs/gateway.crt": gateway.cert_pem,
        "certs/gateway.key": gateway.key_pem,
        "certs/internal-ca.crt": ca.cert_pem,
        "keys/partner.pub": partner.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode(),
        "files/kong-admin-ca.pem": ca.cert_pem,
        "deck/kong.yaml": DECK_FILE,
    }


DECK_FILE = """\
_format_version: "3.0"
services:
  - name: llm-openai
    url: https://api.openai.com:443/v1
    routes:
      - name: llm-chat
        paths: [/v1/chat/completions]
"""
# Kong emptied between two modules' examples, children first, as the real-Kong tier empties it between tests.
WIPE = "import sys; sys.path.insert(0, sys.argv[1]); from helpers.realkong import wipe; wipe(sys.argv[2])"


def module_examples(module: str) -> list[dict[str, Any]]:
    text = importlib.import_module(f"ansible_collections.aigateway.kong.plugins.modules.{module}").EXAMPLES
    tasks = yaml.safe_load(text)
    assert isinstance(tasks, list) and tasks, f"{module}: EXAMPLES is not a list of tasks"
    return tasks


def readme_playbooks() -> list[list[dict[str, Any]]]:
    """The README's fenced yaml blocks that are playbooks: lists of plays with tasks."""
    blocks = re.findall(r"^```yaml\n(.*?)^```", (ROOT / "README.md").read_text(), re.MULTILINE | re.DOTALL)
    found = []
    for block in blocks:
        data = yaml.safe_load(block)
        if isinstance(data, list) and data and all(isinstance(p, dict) and "hosts" in p and "tasks" in p for p in data):
            found.append(data)
    return found


def leaf_tasks(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tasks that run, blocks opened."""
    out = []
    for task in tasks:
        if "block" in task:
            out += leaf_tasks(task["block"] + task.get("rescue", []) + task.get("always", []))
        else:
            out.append(task)
    return out


def strings(value: Any, key: str = "") -> list[str]:
    """Every Jinja template in a task, bare conditionals as templates."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings(v, str(k))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v, key)]
    if isinstance(value, str):
        return ["{{ " + value + " }}"] if key in CONDITIONALS else [value]
    return []


class AnyName(dict[str, Any]):
    """A filter or test table that knows every name."""

    def __contains__(self, name: object) -> bool:
        return True

    def get(self, name: str, default: Any = None) -> Any:
        return str


def undefined_variables(items: list[dict[str, Any]], defined: set[str] | None = None) -> list[str]:
    """The variables plays or tasks refer to and neither define (vars, register, a loop) nor are SUPPLIED."""
    env = jinja2.Environment()
    env.filters, env.tests = AnyName(), AnyName()  # Ansible's and the collections' filters and tests: not variables
    defined = set(SUPPLIED) | ANSIBLE_NAMES if defined is None else defined
    used: list[str] = []
    for item in items:
        defined |= set(item.get("vars") or {})
        if "loop" in item or "with_items" in item:
            defined.add((item.get("loop_control") or {}).get("loop_var", "item"))
        own = {k: v for k, v in item.items() if k not in NESTED}
        for text in strings(own):
            if "{{" in text or "{%" in text:
                used += [name for name in jinja2.meta.find_undeclared_variables(env.parse(text)) if name not in defined]
        used += undefined_variables([t for part in NESTED for t in item.get(part) or []], defined)
        if "register" in item:
            defined.add(item["register"])
    return sorted(set(used))


def read_files(plays_or_tasks: list[dict[str, Any]]) -> set[str]:
    return {name for text in strings(plays_or_tasks) for name in FILE_LOOKUP.findall(text)}


def renamed(tasks: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """The tasks with their names prefixed, so each result names its module and run (behaviour unchanged)."""
    out = []
    for task in tasks:
        task = dict(task)
        if "block" in task:
            task["block"] = renamed(task["block"], prefix)
        if "name" in task:
            task["name"] = prefix + str(task["name"])
        out.append(task)
    return out


def example_play(module: str, run: int, tasks: list[dict[str, Any]]) -> dict[str, Any]:
    """One run of a module's example as the tasks of one play. A failure ends that run only (the block's rescue),
    so one broken example does not hide the others."""
    return {
        "name": f"{module} run {run}",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [{
            "block": renamed(tasks, f"{module} run {run}: "),
            "rescue": [{"name": f"{module} run {run} failed", "ansible.builtin.meta": "noop"}],
        }],
    }


def wipe_play(module: str, kong: Any) -> dict[str, Any]:
    return {
        "name": f"empty Kong after {module}",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [{
            "name": f"empty Kong after {module}",
            "ansible.builtin.command": {"argv": [sys.executable, "-c", WIPE, str(TESTS_DIR), kong.admin_url]},
            "changed_when": False,
        }],
    }


def run_plays(workdir: Path, collection_path: Path, plays: list[dict[str, Any]], inventory: dict[str, Any],
              ) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    """ansible-playbook on ``plays`` in ``workdir`` (holding files()); the task results the callback recorded."""
    (workdir / "playbook.yml").write_text(yaml.safe_dump(plays, sort_keys=False))
    (workdir / "inventory.yml").write_text(yaml.safe_dump(inventory, sort_keys=False))
    results = workdir / "task_results.json"
    results.unlink(missing_ok=True)
    proc = subprocess.run(
        [str(VENV_BIN / "ansible-playbook"), "-i", "inventory.yml", "playbook.yml"], cwd=workdir,
        env=ansible_env(workdir, collection_path, results), capture_output=True, text=True, timeout=600, check=False,
    )
    return proc, json.loads(results.read_text()) if results.exists() else []


def write_files(workdir: Path) -> None:
    for name, content in files().items():
        path = workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def local_inventory(groups: set[str], variables: dict[str, Any]) -> dict[str, Any]:
    """One local host, in every group the plays name, with ``variables`` as a user's group_vars would hold them."""
    host = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    inventory: dict[str, Any] = {"all": {"vars": variables, "hosts": {"localhost": host}}}
    inventory["all"]["children"] = {group: {"hosts": {"localhost": None}} for group in sorted(groups - {"all"})}
    return inventory


def outcome_problems(label: str, tasks: list[dict[str, Any]], entries: list[dict[str, Any]], run: int) -> list[str]:
    """What is wrong with one run of ``tasks`` (results in ``entries``, names prefixed with ``label run N: ``)."""
    prefix = f"{label} run {run}: "
    got = {e["task"][len(prefix):]: e for e in entries if e["task"].startswith(prefix)}
    problems = []
    for task in leaf_tasks(tasks):
        entry = got.get(str(task.get("name")))
        where = f"{label}, {'first' if run == 1 else 'second'} run, task {task.get('name')!r}"
        if entry is None:
            problems.append(f"{where}: did not run")
        elif entry["status"] != "ok":
            problems.append(f"{where}: {entry['status']}: {entry['result'].get('msg', entry['result'])}")
        elif run == 2 and entry["result"].get("changed"):
            problems.append(f"{where}: changed on the second run: {entry['result'].get('diff') or entry['result']}")
    if run == 1 and not any(e["result"].get("changed") for e in got.values()):
        problems.append(f"{label}, first run: changed nothing on an empty Kong")
    return problems


def test_every_example_names_only_supplied_variables_and_files() -> None:
    problems = []
    for module in MODULES:
        tasks = module_examples(module)
        unnamed = [t for t in leaf_tasks(tasks) if "name" not in t]
        if unnamed:
            problems.append(f"{module}: EXAMPLES has tasks without a name: {unnamed}")
        for name in undefined_variables(tasks):
            problems.append(f"{module}: EXAMPLES refer to variable {name!r}, which the example does not define "
                            f"(vars:) and is not one a user supplies (kong_admin_url, Vault secrets {sorted(SECRETS)})")
        for name in sorted(read_files(tasks) - set(files())):
            problems.append(f"{module}: EXAMPLES read the file {name!r}, which this test does not provide")
    for index, playbook in enumerate(readme_playbooks()):
        for name in undefined_variables(playbook):
            problems.append(f"README playbook {index + 1}: refers to variable {name!r}, which it does not define")
        for name in sorted(read_files(playbook) - set(files())):
            problems.append(f"README playbook {index + 1}: reads the file {name!r}, which this test does not provide")
    assert not problems, "\n".join(problems)


# The examples show ai-proxy, which came with Kong 3.6: an older Kong refuses those tasks, naming the release needed.
@pytest.mark.kong
@pytest.mark.min_kong("3.6")
def test_every_module_example_runs_twice_on_an_empty_kong(kong: Any, collection_path: Path, tmp_path: Path) -> None:
    examples = {module: module_examples(module) for module in MODULES}
    plays = []
    for module, tasks in examples.items():
        plays += [example_play(module, 1, tasks), example_play(module, 2, tasks), wipe_play(module, kong)]
    write_files(tmp_path)
    inventory = local_inventory(set(), {"kong_admin_url": kong.url, **SECRETS})
    proc, entries = run_plays(tmp_path, collection_path, plays, inventory)
    problems = [p for module, tasks in examples.items() for run in (1, 2)
                for p in outcome_problems(module, tasks, entries, run)]
    assert not problems, "\n".join(problems) + f"\n\nrc={proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"


@pytest.mark.kong
@pytest.mark.min_kong("3.6")
@pytest.mark.parametrize("index", range(len(readme_playbooks())), ids=lambda i: f"playbook{i + 1}")
def test_the_readme_playbooks_run_twice_on_an_empty_kong(
    index: int, kong: Any, collection_path: Path, tmp_path: Path
) -> None:
    plays = readme_playbooks()[index]
    write_files(tmp_path)
    groups = {str(play["hosts"]) for play in plays}
    inventory = local_inventory(groups, {"kong_admin_url": kong.url, **SECRETS})
    label = f"README playbook {index + 1}"
    problems = []
    for run in (1, 2):
        named = [dict(play, tasks=renamed(play["tasks"], f"{label} run {run}: ")) for play in plays]
        proc, entries = run_plays(tmp_path, collection_path, named, inventory)
        run_problems = [p for play in plays for p in outcome_problems(label, play["tasks"], entries, run)]
        if proc.returncode != 0 and not run_problems:
            run_problems.append(f"{label}, run {run}: rc={proc.returncode}\n{proc.stdout[-3000:]}{proc.stderr[-999:]}")
        problems += run_problems
    assert not problems, "\n".join(problems)
