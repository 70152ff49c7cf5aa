"""Shared fixtures: the Kong Admin API simulator and an ansible-playbook runner."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from helpers.importable import ensure_collection_importable  # noqa: E402
from helpers.playbook import PlaybookRun, run_playbook_in  # noqa: E402

ensure_collection_importable()


@pytest.fixture
def kongsim() -> Iterator[Any]:
    """A fresh simulator (PostgreSQL mode, plain HTTP) on a free loopback port."""
    from kongsim import KongSim

    sim = KongSim(host="127.0.0.1", port=0).start()
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def second_sim() -> Iterator[Any]:
    """Another fresh simulator, for tests that compare two Kongs (``kongsim`` and this one)."""
    from kongsim import KongSim

    with KongSim(host="127.0.0.1", port=0) as sim:
        yield sim


@pytest.fixture(scope="session")
def collection_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A collections path whose ansible_collections/aigateway/kong is this repository."""
    root = tmp_path_factory.mktemp("collections")
    namespace = root / "ansible_collections" / "aigateway"
    namespace.mkdir(parents=True)
    (namespace / "kong").symlink_to(REPO_ROOT, target_is_directory=True)
    return root


@pytest.fixture
def run_playbook(tmp_path: Path, collection_path: Path) -> Callable[..., PlaybookRun]:
    """Run a list of tasks as a one-play playbook on localhost; see run_playbook_in."""
    counter = iter(range(1_000_000))

    def run(tasks: list[dict[str, Any]], **kwargs: Any) -> PlaybookRun:
        return run_playbook_in(tmp_path / f"run{next(counter)}", collection_path, tasks, **kwargs)

    return run
