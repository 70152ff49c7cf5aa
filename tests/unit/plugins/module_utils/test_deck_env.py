# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""decK's ``${{ env "DECK_..." }}`` values as Ansible templates: rendered with the same environment, each template
gives what decK reads from the file (decK puts the value into the text, then reads the YAML)."""

from __future__ import annotations

import re
import textwrap
from typing import Any

import jinja2
import pytest
import yaml
from ansible_collections.aigateway.kong.plugins.module_utils.export.deck_env import EnvError, restore, substitute
from ansible_collections.aigateway.kong.plugins.module_utils.export.template import Template

ENV = {"DECK_HOST": "api.test", "DECK_PORT": "8443", "DECK_ON": "true", "DECK_KEY": "k-{{ x }}", "DECK_PEM": "A\nB"}


def as_deck_reads(text: str) -> Any:
    """decK: every expression replaced by the variable's value in the text (``indent`` indents its lines)."""

    def value(match: re.Match[str]) -> str:
        found = ENV[re.search(r'"(DECK_\w+)"', match.group(1)).group(1)]  # type: ignore[union-attr]
        indent = re.search(r"indent (\d+)", match.group(1))
        return found.replace("\n", "\n" + " " * int(indent.group(1))) if indent else found

    return yaml.safe_load(re.sub(r"\$\{\{([^}]*)\}\}", value, text))


def as_ansible_renders(data: Any) -> Any:
    """The templates the export writes, rendered as Ansible would (its env lookup, undef and filters)."""
    environment = jinja2.Environment(keep_trailing_newline=True)  # as Ansible keeps it
    environment.globals["lookup"] = lambda kind, name, default=None: ENV.get(name, default)
    environment.globals["undef"] = lambda hint: jinja2.StrictUndefined(hint=hint)
    environment.filters["from_yaml"] = yaml.safe_load
    environment.filters["bool"] = lambda v: str(v).lower() in ("true", "1", "yes", "on")
    if isinstance(data, dict):
        return {k: as_ansible_renders(v) for k, v in data.items()}
    if isinstance(data, list):
        return [as_ansible_renders(v) for v in data]
    if isinstance(data, Template):  # a whole expression keeps its type (Ansible 2.19), anything else is text
        whole = re.fullmatch(r"\{\{(.*)\}\}", str(data), re.DOTALL)
        if whole and "{{" not in whole.group(1):
            return environment.compile_expression(whole.group(1))()
        return environment.from_string(str(data)).render()
    return data


def exported(text: str) -> Any:
    marked, values = substitute(text)
    return restore(yaml.safe_load(marked), values)


CASES = {
    "quoted": 'host: "${{ env "DECK_HOST" }}"\n',
    "unquoted number": 'port: ${{ env "DECK_PORT" }}\n',
    "toInt": 'port: ${{ env "DECK_PORT" | toInt }}\n',
    "toBool": 'enabled: ${{ env "DECK_ON" | toBool }}\n',
    "quoted number": "port: '${{ env \"DECK_PORT\" }}'\n",
    "part of a string": 'url: https://${{ env "DECK_HOST" }}:${{ env "DECK_PORT" }}/v1\n',
    "in a list": 'hosts: ["${{ env "DECK_HOST" }}", other.test]\n',
    "literal braces": 'header: "{{ kept }} ${{ env "DECK_HOST" }}"\n',
    "block scalar": 'cert: |\n  ${{ env "DECK_PEM" | indent 2 }}\n',
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_each_template_renders_what_deck_reads(text: str) -> None:
    assert as_ansible_renders(exported(text)) == as_deck_reads(text)


def test_a_value_that_is_itself_a_template_stays_text() -> None:
    """The variable's value is data: Ansible does not template a lookup's result again."""
    rendered = as_ansible_renders(exported('key: "${{ env "DECK_KEY" }}"\n'))
    assert rendered == {"key": "k-{{ x }}"}


def test_templates_read_the_environment_when_the_playbook_runs() -> None:
    found = exported(textwrap.dedent('''\
        # a comment keeps ${{ env "NOT_READ" }}
        host: ${{ env "DECK_HOST" }}
        port: ${{ env "DECK_PORT" | toInt }}
        '''))
    assert found == {
        "host": "{{ lookup('ansible.builtin.env', 'DECK_HOST', default=undef('DECK_HOST is not set')) | from_yaml }}",
        "port": "{{ lookup('ansible.builtin.env', 'DECK_PORT', default=undef('DECK_PORT is not set')) | int }}",
    }
    assert all(isinstance(v, Template) for v in found.values())


@pytest.mark.parametrize(("text", "problem"), [
    ('a: ${{ env "HOME" }}', "environment variables in a decK state file are prefixed with DECK_, not 'HOME'"),
    ('a: ${{ env "DECK_A" | upper }}', "decK has no function 'upper' (env, toInt, toFloat, toBool, indent)"),
    ('a: ${{ .Values.a }}', 'is not an environment value (env "DECK_...")'),
])
def test_expressions_decK_would_refuse_fail(text: str, problem: str) -> None:
    with pytest.raises(EnvError, match=re.escape(problem)):
        substitute(text)


def test_a_value_in_a_key_cannot_be_expressed() -> None:
    with pytest.raises(EnvError, match=r"^config: an environment value in a key cannot be expressed$"):
        exported('config:\n  ${{ env "DECK_HOST" }}: 1\n')
