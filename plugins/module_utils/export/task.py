# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: its options and its result (module and in-process action plugin share both).

Reads Kong (only reads: a DB-less Kong exports too), builds the playbook, the role's inventory when Kong
holds an AI gateway the role can describe, and the secrets file; then writes them into ``dest``.
Nothing is written when anything fails. Internal: may change without notice.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any, Callable

from ansible_collections.aigateway.kong.plugins.module_utils.api.argspec import connection_argument_spec
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.api.errors import KongError
from ansible_collections.aigateway.kong.plugins.module_utils.entity.engine import validate_connection
from ansible_collections.aigateway.kong.plugins.module_utils.entity.runner import Task, TaskResult, error_details
from ansible_collections.aigateway.kong.plugins.module_utils.entity.specs import ENTITIES
from ansible_collections.aigateway.kong.plugins.module_utils.export.entities import (
    EXPORTABLE,
    ItemBuilder,
    KongReader,
    dependency_order,
    sort_key,
)
from ansible_collections.aigateway.kong.plugins.module_utils.export.gateway import gateway_inventory
from ansible_collections.aigateway.kong.plugins.module_utils.export.secrets import SecretStore
from ansible_collections.aigateway.kong.plugins.module_utils.export.writer import Template, to_yaml

PLAYBOOK = "playbook.yml"
INVENTORY = "ai_gateway.yml"
SECRETS = "secrets.yml"
ADMIN_URL = "{{ kong_admin_url | default(lookup('ansible.builtin.env', 'KONG_ADMIN_URL') or 'http://localhost:8001') }}"


def export_argument_spec() -> dict[str, Any]:
    spec = connection_argument_spec()
    spec.update(
        dest=dict(type="path", required=True),
        force=dict(type="bool", default=False),
        entities=dict(type="list", elements="str", choices=list(EXPORTABLE)),
        select_tags=dict(type="list", elements="str"),
        role_inventory=dict(type="bool", default=True),
    )
    return spec


def playbook_text(source: str, version: str, items: dict[str, list[dict[str, Any]]], notes: list[str]) -> str:
    tasks = [
        {"name": "Kong %s" % collection, "aigateway.kong.kong_entities": {"entity": collection, "items": rows}}
        for collection, rows in items.items()
        if rows
    ]
    play = {
        "name": "Converge Kong to the entities exported from %s" % source,
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars_files": [SECRETS],
        "module_defaults": {
            "group/aigateway.kong.kong": {
                "admin_url": Template(ADMIN_URL),
                "admin_token": Template("{{ kong_admin_token | default(omit) }}"),
            }
        },
        "tasks": tasks,
    }
    header = [
        "# Exported by aigateway.kong.kong_export from %s (Kong %s)." % (source, version),
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


def schema_reader(client: KongClient) -> Callable[[str], Any]:
    def schema(path: str) -> Any:
        return client.get_or_none("/schemas/" + path)

    return schema


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

    client = KongClient.from_params(params, warn=warn)
    tags = list(params.get("select_tags") or [])
    requested = params.get("entities")
    collections = dependency_order(list(requested or EXPORTABLE))
    store = SecretStore()
    try:
        validate_connection(params)
        root = client.root()
        reader = KongReader(client, tags, note)
        for collection in collections:
            reader.read(collection)
        if reader.missing and requested:
            return {"failed": True, "changed": False,
                    "msg": "Kong at %s has no %s" % (client.shown_base, ", ".join(reader.missing))}
        for collection in reader.missing:
            note("Kong has no %s (not exported)" % collection)
        builder = ItemBuilder(reader, store, note)
        items = {
            c: sorted((builder.item(ENTITIES[c], row) for row in reader.rows[c]), key=sort_key)
            for c in collections
            if c in reader.rows
        }
    except KongError as exc:
        return dict(failed=True, changed=False, msg=exc.describe("read Kong for the export"), **error_details(exc))
    if builder.placeholders:
        note(
            "Kong keeps only a salted hash of basic-auth passwords, which cannot be read back: %s got a placeholder "
            "password in %s (set the real ones; the playbook sets a password only when it creates the credential)"
            % (", ".join(builder.placeholders), SECRETS)
        )
    configuration = root.get("configuration") or {}
    if configuration.get("database") == "off":
        note("Kong at %s runs DB-less: converge the export into a Kong with a database" % client.shown_base)
    files = {PLAYBOOK: playbook_text(client.shown_base, str(root.get("version")), items, notes)}
    gateway_notes: list[str] = []
    if params["role_inventory"]:
        try:
            inventory, gateway_notes = gateway_inventory(reader.rows, store, tags, schema_reader(client))
        except KongError as exc:
            return dict(failed=True, changed=False, msg=exc.describe("read Kong's schemas"), **error_details(exc))
        if inventory is not None:
            files[INVENTORY] = inventory_text(client.shown_base, inventory, gateway_notes)
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


class ExportTask(Task):
    """kong_export, the module and the in-process action plugin alike."""

    module = "kong_export"

    def argument_spec(self) -> dict[str, Any]:
        return export_argument_spec()

    def run(self, params: dict[str, Any], check_mode: bool, diff: bool, warn: Callable[[str], None]) -> TaskResult:
        values = export_result(params, check_mode, warn)
        return TaskResult(values, failed=bool(values.pop("failed", False)))


EXPORT = ExportTask()
