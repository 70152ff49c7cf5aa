# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""kong_export: decK's ``${{ env "DECK_FOO" }}`` values as Ansible lookups of the same environment variable.

decK replaces each expression in the file's text before reading it as YAML, at sync time. The export
replaces each by a marker before reading, then turns the strings holding markers into templates that read
the variable when the playbook runs: a whole unquoted value is read as YAML (``from_yaml``, or ``int``,
``float``, ``bool`` after decK's ``toInt``, ``toFloat``, ``toBool``), as decK reads it; anything else is
text. An unset variable fails the task, as it fails ``deck sync``. Internal: may change without notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ansible_collections.aigateway.kong.plugins.module_utils.export.template import Template

PREFIX = "DECK_"
EXPRESSION = re.compile(r"\$\{\{([^}]*)\}\}")  # decK's own pattern
ENV = re.compile(r'^\s*env\s+"([^"]*)"\s*((?:\|\s*[A-Za-z]+(?:\s+\d+)?\s*)*)$')
FILTERS = {"toInt": "int", "toFloat": "float", "toBool": "bool", "indent": None}
MARKER = re.compile(r"__deck_env_(\d+)__")
JINJA_MARKS = ("{{", "{%", "{#")


class EnvError(ValueError):
    """An expression the export cannot turn into a lookup (its message names it)."""


@dataclass(frozen=True)
class EnvValue:
    variable: str
    conversion: str | None  # the filter of a whole unquoted value: from_yaml, int, float or bool
    quoted: bool

    def lookup(self) -> str:
        hint = "%s is not set" % self.variable
        return "lookup('ansible.builtin.env', '%s', default=undef('%s'))" % (self.variable, hint)


def _parse(expression: str) -> tuple[str, str | None, bool]:
    """The variable, the conversion and whether the value is text (``indent``: the body of a block scalar)."""
    match = ENV.match(expression)
    if not match:
        raise EnvError("${{%s}} is not an environment value (env \"DECK_...\")" % expression)
    variable, pipeline = match.group(1), match.group(2)
    if not variable.startswith(PREFIX):
        raise EnvError("environment variables in a decK state file are prefixed with %s, not '%s'" % (PREFIX, variable))
    conversion, text = None, False
    for step in (s.split()[0] for s in pipeline.split("|") if s.strip()):
        if step not in FILTERS:
            raise EnvError("${{%s}}: decK has no function '%s' (env, toInt, toFloat, toBool, indent)"
                           % (expression, step))
        conversion = FILTERS[step] or conversion
        text = text or step == "indent"
    return variable, conversion, text


def substitute(text: str) -> tuple[str, list[EnvValue]]:
    """``text`` with each expression replaced by a marker, and what each marker stands for (comment lines, which
    decK leaves alone, are kept)."""
    values: list[EnvValue] = []

    def marker(match: re.Match[str]) -> str:
        variable, conversion, text = _parse(match.group(1))
        before = match.string[match.start() - 1] if match.start() else ""
        after = match.string[match.end()] if match.end() < len(match.string) else ""
        quoted = text or (before in "'\"" and before == after and before != "")
        values.append(EnvValue(variable, conversion, quoted))
        return "__deck_env_%d__" % (len(values) - 1)

    lines = [line if line.lstrip().startswith("#") else EXPRESSION.sub(marker, line) for line in text.split("\n")]
    return "\n".join(lines), values


def has_marker(value: Any) -> bool:
    return isinstance(value, str) and MARKER.search(value) is not None


def template(text: str, values: list[EnvValue]) -> Template:
    """The Ansible template for a string holding markers."""
    whole = MARKER.fullmatch(text)
    if whole:
        env = values[int(whole.group(1))]
        conversion = None if env.quoted else env.conversion or "from_yaml"
        return Template("{{ %s%s }}" % (env.lookup(), " | " + conversion if conversion else ""))
    parts = MARKER.split(text)  # literal, index, literal, index, ..., literal
    literals = parts[::2]
    if any(mark in literal for literal in literals for mark in JINJA_MARKS):
        terms = [repr(p) if i % 2 == 0 else values[int(p)].lookup() for i, p in enumerate(parts) if p != ""]
        return Template("{{ %s }}" % " ~ ".join(terms))
    return Template("".join(p if i % 2 == 0 else "{{ %s }}" % values[int(p)].lookup() for i, p in enumerate(parts)))


def restore(data: Any, values: list[EnvValue], where: str = "") -> Any:
    """``data`` with every string holding markers turned into its template; a marker in a mapping key fails."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if has_marker(key):
                raise EnvError("%s: an environment value in a key cannot be expressed" % (where or "top level"))
            out[key] = restore(value, values, "%s.%s" % (where, key) if where else str(key))
        return out
    if isinstance(data, list):
        return [restore(v, values, "%s[%d]" % (where, i)) for i, v in enumerate(data)]
    if has_marker(data):
        return template(data, values)
    return data
