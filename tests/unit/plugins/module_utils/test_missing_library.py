# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Without urllib3 the message offers the install that works on that Python: pip, or where pip is refused (a
system Python, PEP 668) the system package or the Python that runs Ansible."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api import transport


def test_a_python_pip_may_install_into_gets_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport, "externally_managed", lambda: False)
    message = transport.missing_library_message()
    assert message.endswith(f"install it with: {sys.executable} -m pip install urllib3"), message


def test_a_system_python_gets_the_system_package_or_ansibles_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport, "externally_managed", lambda: True)
    message = transport.missing_library_message()
    assert "pip install" not in message and "\n" not in message, message
    assert "apt install python3-urllib3" in message and "dnf install python3-urllib3" in message, message
    assert 'ansible_python_interpreter: "{{ ansible_playbook_python }}"' in message, message


def test_externally_managed_is_the_marker_file_outside_a_venv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "prefix", sys.base_prefix)
    assert not transport.externally_managed(str(tmp_path))
    (tmp_path / "EXTERNALLY-MANAGED").write_text("[externally-managed]\n")
    assert transport.externally_managed(str(tmp_path))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))  # a venv on such a Python takes pip installs
    assert not transport.externally_managed(str(tmp_path))
