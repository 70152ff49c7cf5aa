# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ai_gateway role's description (its defaults) as ai_gateway_converge takes it in ``inputs``."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from ansible_collections.aigateway.kong.plugins.module_utils.gateway.model import INPUTS

ROLE = Path(__file__).resolve().parents[5] / "roles" / "ai_gateway"
DEFAULTS = ROLE / "defaults" / "main.yml"
PREFIX = "ai_gateway_"


def inputs(**changes: Any) -> dict[str, Any]:
    """The role defaults the model reads, without their prefix (admin_url made concrete), with ``changes`` on top."""
    defaults = yaml.safe_load(DEFAULTS.read_text())
    values = {key: defaults[PREFIX + key] for key in INPUTS}
    values["admin_url"] = "http://127.0.0.1:8001"
    values.update(copy.deepcopy(changes))
    return values
