"""Fixtures for the simulator's own tests: `tests/` on sys.path and a fresh KongSim per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent.parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from kongsim import KongSim  # noqa: E402


@pytest.fixture
def kongsim() -> Iterator[KongSim]:
    sim = KongSim(host="127.0.0.1", port=0).start()
    try:
        yield sim
    finally:
        sim.stop()
