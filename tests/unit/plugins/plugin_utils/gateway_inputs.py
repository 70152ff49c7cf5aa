# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ai_gateway role's variables (its defaults) as the ai_gateway_entities filter takes them."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

DEFAULTS = Path(__file__).resolve().parents[4] / "roles" / "ai_gateway" / "defaults" / "main.yml"
PREFIX = "ai_gateway_"


def inputs(**changes: Any) -> dict[str, Any]:
    """The role defaults without their prefix (admin_url made concrete), with ``changes`` on top."""
    values = {k[len(PREFIX) :]: v for k, v in yaml.safe_load(DEFAULTS.read_text()).items()}
    values["admin_url"] = "http://127.0.0.1:8001"
    values.update(copy.deepcopy(changes))
    return values
