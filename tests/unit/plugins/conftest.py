# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine and the modules against the simulator's App behind the client's transport seam."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_collections.aigateway.kong.plugins.module_utils.api.client import KongClient
from ansible_collections.aigateway.kong.plugins.module_utils.entity.engine import Engine
from helpers.simkong import SimKong


@pytest.fixture
def kong() -> SimKong:
    return SimKong()


@pytest.fixture
def make_client(kong: SimKong) -> Any:
    """Build a KongClient on the simulator's transport; sleeps are recorded, not slept."""
    sleeps: list[float] = []

    def make(**kwargs: Any) -> KongClient:
        kwargs.setdefault("transport", kong)
        client = KongClient("http://127.0.0.1:8001", sleep=sleeps.append, **kwargs)
        client.sleeps = sleeps  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def run_engine(make_client: Any) -> Any:
    """Run the engine for a spec with module-like params (connection defaults filled in)."""

    def run(spec: Any, check_mode: bool = False, client: Any = None, **params: Any) -> dict[str, Any]:
        full = {"admin_url": "http://127.0.0.1:8001", "timeout": 10, "admin_retries": 3, "state": "present", "id": None}
        full.update(params)
        warnings: list[str] = []
        engine = Engine(client or make_client(), spec, full, check_mode=check_mode, warn=warnings.append)
        result = engine.run()
        result["warnings"] = warnings
        return result

    return run
