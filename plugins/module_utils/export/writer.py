# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: YAML that Ansible reads back exactly as written.

Strings that Ansible would template (holding ``{{``, ``{%`` or ``{#``) are tagged ``!unsafe``, except the
export's own variable references and ``Template`` strings; multi-line strings (PEM, Lua) are written as literal blocks.
Internal: may change without notice.
"""

from __future__ import annotations

import traceback
from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.export.secrets import is_reference
from ansible_collections.aigateway.kong.plugins.module_utils.export.template import Template

try:
    import yaml
except ImportError:  # pragma: no cover - PyYAML comes with ansible-core
    HAS_YAML = False
    YAML_IMPORT_ERROR: str | None = traceback.format_exc()
    Dumper: Any = object
else:
    HAS_YAML = True
    YAML_IMPORT_ERROR = None
    Dumper = yaml.SafeDumper

JINJA_MARKS = ("{{", "{%", "{#")


class ExportDumper(Dumper):  # type: ignore[misc,valid-type]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: Any, value: str) -> Any:
    if any(mark in value for mark in JINJA_MARKS) and not is_reference(value):
        return dumper.represent_scalar("!unsafe", value, style="|" if "\n" in value else None)
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_template(dumper: Any, value: Template) -> Any:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|" if "\n" in value else None)


if HAS_YAML:
    ExportDumper.add_representer(str, _represent_str)
    ExportDumper.add_representer(Template, _represent_template)


def to_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=ExportDumper, sort_keys=False, default_flow_style=False, width=120,
                     allow_unicode=True)
