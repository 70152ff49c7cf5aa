# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The entity specs are the one source: modules, action plugins, the action group, the choices of kong_entities
and kong_info (argument spec and documentation), the README's module table and the simulator agree with them."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible_collections.aigateway.kong.plugins.module_utils.bulk import run as bulk
from ansible_collections.aigateway.kong.plugins.module_utils.entity import info
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES, MANAGED
from kongsim.model import load_entities

ROOT = Path(__file__).resolve().parents[3]
TASK_MODULES = ("ai_gateway_converge", "kong_entities", "kong_export", "kong_info")  # not one entity's
PREFIX = "ansible_collections.aigateway.kong.plugins"


def spec_modules() -> set[str]:
    return {str(spec.module) for spec in MANAGED.values()} | set(TASK_MODULES)


def file_names(folder: str) -> set[str]:
    return {p.stem for p in (ROOT / "plugins" / folder).glob("*.py") if p.stem != "__init__"}


def documented_choices(module: str, option: str) -> list[Any]:
    documentation = importlib.import_module(f"{PREFIX}.modules.{module}").DOCUMENTATION
    return yaml.safe_load(documentation)["options"][option]["choices"]


def test_every_module_is_a_spec_or_a_task_module() -> None:
    assert file_names("modules") == spec_modules()


def test_every_module_is_routed_to_the_one_action_plugin_running_its_task() -> None:
    from ansible_collections.aigateway.kong.plugins.plugin_utils.module_tasks import all_tasks

    assert file_names("action") == {"kong_entities"}  # named after a module, as ansible-test wants
    routing = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["plugin_routing"]["modules"]
    assert routing == {name: {"action_plugin": "aigateway.kong.kong_entities"} for name in spec_modules()}
    assert {name: task.module for name, task in all_tasks().items()} == {name: name for name in spec_modules()}


def test_the_action_group_holds_every_module() -> None:
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    assert runtime["action_groups"]["kong"] == sorted(spec_modules())


def test_kong_entities_takes_every_managed_entity() -> None:
    assert bulk.bulk_argument_spec()["entity"]["choices"] == list(MANAGED)
    assert documented_choices("kong_entities", "entity") == list(MANAGED)
    assert set(bulk.MODULES.values()) == {"aigateway.kong." + m for m in spec_modules() - set(TASK_MODULES)}


def test_kong_export_exports_every_managed_entity() -> None:
    from ansible_collections.aigateway.kong.plugins.module_utils.export import task as export_task

    assert export_task.export_argument_spec()["entities"]["choices"] == list(MANAGED)
    assert documented_choices("kong_export", "entities") == list(MANAGED)


def test_kong_info_lists_every_entity_and_filters_by_every_parent() -> None:
    assert info.info_argument_spec()["entity"]["choices"] == list(ENTITIES)
    assert documented_choices("kong_info", "entity") == list(ENTITIES)
    parents = {p.option for spec in ENTITIES.values() for p in spec.parents}
    assert parents == set(info.SCOPE_OPTIONS)
    assert parents <= set(info.info_argument_spec())


def test_the_readme_module_table_names_every_module() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| Module |") :].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `((?:kong|ai_gateway)_\w+)` \|", table, re.MULTILINE)
    assert sorted(rows) == sorted(spec_modules())


@pytest.mark.parametrize("collection", list(ENTITIES))
def test_the_simulator_serves_every_entity_as_the_spec_says(collection: str) -> None:
    served = {entity.admin_name: entity for entity in load_entities().values()}
    assert collection in served
    spec, entity = ENTITIES[collection], served[collection]
    assert entity.name == spec.schema_name  # what /schemas/{name}/validate takes
    key = spec.endpoint_key
    if key and spec.fields.get(key) and spec.fields[key].type == "list":  # certificates: read by one of their SNIs
        assert entity.endpoint_key is None
    else:
        assert entity.endpoint_key == key
    for parent in spec.parents:
        foreign = entity.fk(parent.option)
        assert foreign is not None, parent
        assert served[parent.collection].name == foreign.parent
        assert foreign.cascade == parent.cascade, parent
        if parent is spec.parent and entity.nested_name != entity.admin_name:
            assert entity.nested_name == parent.nested
    if spec.unique_under_parent:
        assert spec.parent and spec.parent.option in entity.cache_key
