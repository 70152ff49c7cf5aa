# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/secrets/generated.py is what hacking/generate_plugin_secrets.py makes from the repository's schemas."""

from __future__ import annotations

import os

import pytest
from helpers.importable import module_from_file

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
SCHEMAS = os.path.join(ROOT, "tests", "kongsim", "data", "schemas")


@pytest.mark.skipif(not os.path.isdir(SCHEMAS), reason="plugin schemas not present")
def test_generated_file_is_current():
    script = os.path.join(ROOT, "hacking", "generate_plugin_secrets.py")
    generator = module_from_file(script)
    with open(os.path.join(ROOT, "plugins", "module_utils", "secrets", "generated.py"), encoding="utf-8") as handle:
        assert handle.read() == generator.render(SCHEMAS), "run: python hacking/generate_plugin_secrets.py"
