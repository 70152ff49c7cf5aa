"""A plugin the collection has never seen, and a vault: their secrets come from the managed Kong's schemas.

The simulator runs with the custom plugin ``llm-budget`` (the schema real Kong 3.9.1 serves for it: two
secret fields, one in a nested record) and a vault with a secret config field. Create, no-op, rotate,
listings and kong_entities, with ``-vvv --diff``, in-process and as modules: no secret value is printed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from helpers.lifecycle import task

M = "aigateway.kong."
LLM_BUDGET = Path(__file__).resolve().parent.parent / "fixtures" / "schemas" / "plugin-llm-budget.json"
SECRET_VAULT = {"fields": [{"config": {"type": "record", "required": True, "fields": [
    {"address": {"type": "string", "required": True}},
    {"access_key": {"type": "string", "encrypted": True, "referenceable": True}},
]}}]}


def secret(kind: str) -> str:
    return f"{kind}Zq{secrets.token_hex(10)}"


@pytest.fixture
def custom_sim() -> Iterator[Any]:
    from kongsim import KongSim

    with KongSim(plugin_schemas=[str(LLM_BUDGET)], vault_schemas=[("secrets-store", SECRET_VAULT)]) as sim:
        yield sim


def budget(values: dict[str, str], **scope: Any) -> dict[str, Any]:
    return {
        "name": "llm-budget", **scope,
        "config": {"account": "acme", "billing_token": values["token"],
                   "backend": {"url": "https://billing.internal.test", "api_password": values["password"]}},
    }


def values_of(label: str) -> dict[str, str]:
    return {"token": secret(f"token{label}"), "password": secret(f"password{label}")}


@pytest.mark.parametrize("inprocess", [True, False], ids=["in-process", "module"])
def test_custom_plugin_and_vault_secrets_never_printed(custom_sim: Any, run_playbook: Any, inprocess: bool) -> None:
    sim = custom_sim
    first, second, items = values_of("A"), values_of("B"), [values_of(f"C{i}") for i in range(3)]
    rotated_items = [values_of(f"D{i}") for i in range(3)]
    vault_token, vault_keys = secret("vault"), [secret(f"vaultkey{i}") for i in range(4)]

    def vault(prefix: str, key: str) -> dict[str, Any]:
        return {"prefix": prefix, "name": "secrets-store", "config": {"address": "https://s.test", "access_key": key}}

    seeded = requests.post(sim.url + "/vaults", timeout=5, json={
        "name": "secrets-store", "prefix": "store", "config": {"address": "https://s.test", "access_key": vault_token}})
    assert seeded.status_code == 201, seeded.text
    consumers = [{"username": f"team{i}"} for i in range(3)]

    def bulk(group: list[dict[str, str]]) -> list[dict[str, Any]]:
        return [budget(v, consumer=f"team{i}") for i, v in enumerate(group)]

    tasks = [
        task("service", M + "kong_service", {"name": "billing-llm", "url": "https://api.openai.test/v1"}),
        task("check create", M + "kong_plugin", budget(first, service="billing-llm"), check_mode=True),
        task("create", M + "kong_plugin", budget(first, service="billing-llm")),
        task("create again", M + "kong_plugin", budget(first, service="billing-llm")),
        task("rotate", M + "kong_plugin", budget(second, service="billing-llm")),
        task("rotate by id", M + "kong_plugin", {
            "id": "{{ lookups.results[0].plugin.id }}", "config": {"billing_token": second["token"] + "x"}},
            loop=[1], register="ignored"),
        task("consumers", M + "kong_entities", {"entity": "consumers", "items": consumers}),
        task("bulk create", M + "kong_entities", {"entity": "plugins", "items": bulk(items)}),
        task("bulk again", M + "kong_entities", {"entity": "plugins", "items": bulk(items)}),
        task("bulk rotate", M + "kong_entities", {"entity": "plugins", "items": bulk(rotated_items)}),
        task("vault create", M + "kong_vault", vault("store2", vault_keys[0])),
        task("vault again", M + "kong_vault", vault("store2", vault_keys[0])),
        task("vault rotate", M + "kong_vault", vault("store2", vault_keys[1])),
        task("vaults bulk", M + "kong_entities", {"entity": "vaults", "items": [vault("store3", vault_keys[2])]}),
        task("vaults bulk rotate", M + "kong_entities", {"entity": "vaults",
                                                         "items": [vault("store3", vault_keys[3])]}),
        task("list plugins", M + "kong_info", {"entity": "plugins"}),
        task("list vaults", M + "kong_info", {"entity": "vaults"}),
        task("refused", M + "kong_plugin", {
            "name": "llm-budget", "config": {"billing_token": first["token"] + "y", "monthly_usd": "lots"}},
            ignore_errors=True),
    ]
    tasks[5] = task("rotate by id", M + "kong_plugin", {
        "id": "{{ created.plugin.id }}", "config": {"billing_token": second["token"] + "x"}})
    tasks[2]["register"] = "created"
    run = run_playbook(tasks, sim=sim, diff=True, verbosity=3,
                       play_vars={"aigateway_kong_inprocess": inprocess})
    assert run["create"].changed and not run["create again"].changed, run.summary()
    assert run["rotate"].changed and run["rotate by id"].changed, run.summary()
    assert run["bulk create"].changed and not run["bulk again"].changed and run["bulk rotate"].changed
    assert run["refused"].failed and "config.account" in run["refused"].msg, run.summary()
    assert run["vault create"].changed and not run["vault again"].changed and run["vault rotate"].changed
    assert run["vaults bulk"].changed and run["vaults bulk rotate"].changed, run.summary()
    schema_reads = [r for r in run["bulk rotate"].requests if r["path"] == "/schemas/plugins/llm-budget"]
    assert len(schema_reads) <= 1  # once per task and plugin name, not per item
    listed = {p["name"]: p for p in run["list plugins"].result["entities"]}
    assert listed["llm-budget"]["config"]["account"] in ("acme",)
    assert [v["config"]["address"] for v in run["list vaults"].result["entities"]] == ["https://s.test"] * 3
    everything = run.output + str([t.result for t in run.tasks])
    values = {f"vault key {i}": v for i, v in enumerate(vault_keys)}
    values |= {"vault token": vault_token, "rotated by id": second["token"] + "x", "refused": first["token"] + "y"}
    for label, group in (("first", first), ("second", second)):
        values.update({f"{k} {label}": v for k, v in group.items()})
    for i, group in enumerate(items + rotated_items):
        values.update({f"{k} item{i}": v for k, v in group.items()})
    leaks = {name: everything.count(value) for name, value in values.items() if value in everything}
    assert leaks == {}, f"secret values printed: {leaks}"
    held = requests.get(sim.url + "/services/billing-llm/plugins", timeout=5).json()["data"][0]
    assert held["config"]["billing_token"] == second["token"] + "x"
    assert held["config"]["backend"]["api_password"] == second["password"]


def test_unreadable_schema_falls_back_with_a_warning(custom_sim: Any, run_playbook: Any) -> None:
    sim = custom_sim
    sim.inject_fault(method="GET", path=r"^/schemas/plugins/rate-limiting$", status=500, count=100)
    redis = {"host": "redis.test", "password": "{{ pw }}"}
    tasks = [task("plugin", M + "kong_plugin", {
        "name": "rate-limiting", "config": {"minute": 5, "policy": "redis", "redis": redis}})]
    pw = secret("redis")
    run = run_playbook(tasks, sim=sim, diff=True, verbosity=3, extra_vars={"pw": pw})
    assert run["plugin"].changed, run.summary()
    warnings = " ".join(run["plugin"].result.get("warnings", []))
    assert "could not read the schema of plugin 'rate-limiting'" in warnings
    assert "known for Kong 3.9 instead" in warnings
    assert pw not in run.output  # the generated list still covers a bundled plugin


def test_role_policy_with_a_custom_plugin(custom_sim: Any, tmp_path: Path, collection_path: Path) -> None:
    """The role's generic plugin policy (``plugins``: Kong plugin name -> config) with the custom plugin."""
    from reliability.gateway import Gateway, run_site

    gateway = Gateway("cp")
    first, second = values_of("R1"), values_of("R2")

    def variables(values: dict[str, str]) -> dict[str, Any]:
        out = gateway.variables(custom_sim.url)
        out["ai_gateway_policies"] = {"plugins": {"llm-budget": {
            "account": "acme", "billing_token": "{{ vault_billing_token }}",
            "backend": {"url": "https://billing.internal.test", "api_password": "{{ vault_billing_password }}"}}}}
        out.update(vault_billing_token=values["token"], vault_billing_password=values["password"])
        return out

    runs = {
        "converge": run_site(tmp_path / "a", collection_path, variables(first)),
        "again": run_site(tmp_path / "b", collection_path, variables(first)),
        "check rotate": run_site(tmp_path / "c", collection_path, variables(second), check=True),
        "rotate": run_site(tmp_path / "d", collection_path, variables(second)),
    }
    for label, site in runs.items():
        assert site.run.rc == 0, f"{label}: {site.run.summary()}"
    held = requests.get(custom_sim.url + "/plugins/cp-chat-llm-budget", timeout=5).json()
    assert held["config"]["billing_token"] == second["token"]
    secrets_used = [*first.values(), *second.values(), *gateway.secrets.values()]
    for label, site in runs.items():
        text = site.run.output + str([t.result for t in site.run.tasks])
        printed = [value for value in secrets_used if value in text]
        assert printed == [], f"{label}: printed {printed}"
