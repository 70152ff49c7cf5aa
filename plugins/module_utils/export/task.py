# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: its options and its result (module and in-process action plugin share both).

Reads Kong (only reads: a DB-less Kong exports too), or a decK state file (``src``) without any Kong, builds
the playbook, the role's inventory when the entities hold an AI gateway the role can describe, and the
secrets file; then writes them into ``dest``.
Nothing is written when anything fails. Internal: may change without notice.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.api.argspec import connection_argument_spec
from ansible_collections.aigateway.kong.plugins.module_utils.entity.relations import dependency_order
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import Task, TaskResult
from ansible_collections.aigateway.kong.plugins.module_utils.export.entities import EXPORTABLE
from ansible_collections.aigateway.kong.plugins.module_utils.export.gateway import gateway_inventory
from ansible_collections.aigateway.kong.plugins.module_utils.export.secrets import SecretStore
from ansible_collections.aigateway.kong.plugins.module_utils.export.sources import Failure, Source, from_deck, from_kong
from ansible_collections.aigateway.kong.plugins.module_utils.export.template import Template
from ansible_collections.aigateway.kong.plugins.module_utils.export.writer import to_yaml

PLAYBOOK = "playbook.yml"
INVENTORY = "ai_gateway.yml"
SECRETS = "secrets.yml"
ADMIN_URL = "{{ kong_admin_url | default(lookup('ansible.builtin.env', 'KONG_ADMIN_URL') or 'http://localhost:8001') }}"


def export_argument_spec() -> dict[str, Any]:
    spec = connection_argument_spec()
    spec.update(
        dest=dict(type="path", required=True),
        src=dict(type="path"),
        force=dict(type="bool", default=False),
        entities=dict(type="list", elements="str", choices=list(EXPORTABLE)),
        select_tags=dict(type="list", elements="str"),
        role_inventory=dict(type="bool", default=True),
    )
    return spec


def playbook_text(source: Source, notes: list[str]) -> str:
    tasks = [
        {"name": "Kong %s" % collection, "aigateway.kong.kong_entities": {"entity": collection, "items": rows}}
        for collection, rows in source.items.items()
        if rows
    ]
    connection: dict[str, Any] = {
        "admin_url": Template(ADMIN_URL),
        "admin_token": Template("{{ kong_admin_token | default(omit) }}"),
    }
    if source.workspace:
        connection["workspace"] = source.workspace
    play = {
        "name": "Converge Kong to the entities exported from %s" % source.name,
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars_files": [SECRETS],
        "module_defaults": {"group/aigateway.kong.kong": connection},
        "tasks": tasks,
    }
    header = [
        "# Exported by aigateway.kong.kong_export from %s." % source.origin,
        "# Apply with: ansible-playbook %s -e kong_admin_url=http://<kong>:8001" % PLAYBOOK,
        "# Secrets are variables defined in %s (encrypt it with ansible-vault encrypt)." % SECRETS,
    ]
    header += ["# WARNING: " + note for note in notes]
    return "\n".join(header) + "\n" + to_yaml([play])


def secrets_text(store: SecretStore) -> str:
    lines = ["# Secrets of the export; encrypt this file: ansible-vault encrypt %s" % SECRETS]
    body: dict[str, Any] = {}
    for name, value in store.values.items():
        body[name] = value
    text = to_yaml(body) if body else "{}\n"
    out: list[str] = []
    for line in text.splitlines():
        name = line.split(":", 1)[0]
        if name in store.notes and not line.startswith(" "):
            out.append("# " + store.notes[name])
        out.append(line)
    return "\n".join([*lines, "---", *out]) + "\n"


def inventory_text(source: str, inventory: dict[str, Any], notes: list[str]) -> str:
    header = [
        "# The ai_gateway role's variables for the AI gateway exported from %s." % source,
        "# Secrets are variables defined in %s. Put both files in the group_vars of kong_admin." % SECRETS,
    ]
    header += ["# NOT DESCRIBED (kept in the playbook export only): " + note for note in notes]
    return "\n".join(header) + "\n---\n" + to_yaml(inventory)


def refuse_dest(dest: str, force: bool) -> str | None:
    if os.path.exists(dest) and not os.path.isdir(dest):
        return "dest '%s' exists and is not a directory" % dest
    if os.path.isdir(dest) and os.listdir(dest) and not force:
        return "dest '%s' exists and is not empty; set force=true to overwrite the export's files in it" % dest
    return None


def write_file(path: str, text: str, mode: int) -> bool:
    """Write ``text`` atomically with ``mode`` (the file never exists with wider permissions); False when
    the file already held exactly this text."""
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text and (os.stat(path).st_mode & 0o777) == mode:
                return False
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".kong_export.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def would_change(path: str, text: str) -> bool:
    if not os.path.isfile(path):
        return True
    with open(path, encoding="utf-8") as handle:
        return handle.read() != text


def export_result(params: dict[str, Any], check_mode: bool, warn: Callable[[str], None]) -> dict[str, Any]:
    """The task result of kong_export for validated ``params``."""
    dest = params["dest"]
    refusal = refuse_dest(dest, params["force"])
    if refusal:
        return {"failed": True, "changed": False, "msg": refusal}
    notes: list[str] = []

    def note(message: str) -> None:
        if message not in notes:
            notes.append(message)

    collections = dependency_order(list(params.get("entities") or EXPORTABLE))
    store = SecretStore()
    try:
        if params.get("src"):
            source = from_deck(params, collections, store, note, SECRETS)
        else:
            source = from_kong(params, collections, store, note, warn, SECRETS)
        if source.placeholders:
            note(source.placeholders)
        files = {PLAYBOOK: playbook_text(source, notes)}
        gateway_notes: list[str] = []
        if params["role_inventory"]:
            tags = list(params.get("select_tags") or [])
            inventory, gateway_notes = gateway_inventory(source.rows, store, tags, source.schema)
            if inventory is not None:
                gateway_notes += shared_tag_notes(inventory, source)
                files[INVENTORY] = inventory_text(source.name, inventory, gateway_notes)
    except Failure as failure:
        return dict(failure.result, failed=True, changed=False)
    files[SECRETS] = secrets_text(store)
    paths = {name: os.path.join(dest, name) for name in files}
    if check_mode:
        changed = any(would_change(paths[n], text) for n, text in files.items())
    else:
        os.makedirs(dest, exist_ok=True)
        changed = False
        for name, text in files.items():
            changed = write_file(paths[name], text, 0o600 if name == SECRETS else 0o644) or changed
    for message in notes + ["role inventory: " + n for n in gateway_notes]:
        warn(message)
    items = source.items
    return {
        "changed": changed,
        "dest": dest,
        "files": sorted(paths.values()),
        "counts": {c: len(rows) for c, rows in items.items()},
        "gateway": INVENTORY in files,
        "not_described": gateway_notes,
        "notes": notes,
        "msg": "exported %d entities to %s" % (sum(len(r) for r in items.values()), dest),
    }


def shared_tag_notes(inventory: dict[str, Any], source: Source) -> list[str]:
    """The role's tag is one decK adds to every entity of the file: both would own the same entities."""
    tag = inventory.get("ai_gateway_tag")
    if tag not in source.owned_tags:
        return []
    return ["ai_gateway_tag is '%s', a tag the decK file's _info.select_tags gives every entity it manages: once the "
            "role manages these entities, remove them from the file (a deck sync --select-tag %s would delete what "
            "it no longer describes) or give the role a tag of its own" % (tag, tag)]


class ExportTask(Task):
    """kong_export, the module and the in-process action plugin alike."""

    module = "kong_export"

    def argument_spec(self) -> dict[str, Any]:
        return export_argument_spec()

    def run(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> TaskResult:
        values = export_result(params, check_mode, warn)
        return TaskResult(values, failed=bool(values.pop("failed", False)))


EXPORT = ExportTask()
