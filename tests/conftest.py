"""Shared fixtures: the Kong under test (the simulator, or a real Kong with ``--kong real``) and an
ansible-playbook runner.

Tests marked ``kong`` take the ``kong`` fixture and run against any Kong: the simulator by default, a real Kong with
``--kong real`` (``--kong-version`` picks its release). ``pytest --kong real -m kong`` is the real-Kong tier;
tests/realkong/ holds what only a real Kong can show (its proxy) and is collected with ``--kong real`` only.
Tests that need what only the simulator has (injected faults, its internals) keep the ``kongsim`` fixture.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from helpers import realkong  # noqa: E402
from helpers.importable import ensure_collection_importable  # noqa: E402
from helpers.kong_under_test import RealKongUnderTest, simulator  # noqa: E402
from helpers.playbook import PlaybookRun, run_playbook_in  # noqa: E402

ensure_collection_importable()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--kong", choices=("sim", "real"), default="sim",
                     help="the Kong the tests marked 'kong' run against: the simulator (default) or a real Kong")
    parser.addoption("--kong-version", choices=realkong.VERSIONS, default=realkong.VERSIONS[0],
                     help="the Kong release: the simulator's schemas, or the real Kong kong-up starts")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kong: runs against any Kong (the simulator, or a real one with --kong real)")
    config.addinivalue_line("markers", "min_kong(version): needs at least this Kong release")
    if config.getoption("--kong") == "real":
        missing = realkong.availability()
        if missing:
            pytest.exit(missing, returncode=77)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.name == "realkong" and config.getoption("--kong") != "real":
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    version = tuple(int(n) for n in config.getoption("--kong-version").split("."))
    for item in items:
        marker = item.get_closest_marker("min_kong")
        if marker and version < tuple(int(n) for n in marker.args[0].split(".")):
            item.add_marker(pytest.mark.skip(reason=f"needs Kong {marker.args[0]} or later"))


def started_kong(request: pytest.FixtureRequest, slot: int) -> Iterator[Any]:
    """This worker's real Kong in ``slot`` (1: a second one, for round trips between two Kongs): started by
    kong-up and stopped after the session, or KONG_TEST_ADMIN_URL's (one worker, and slot 0 only)."""
    if os.environ.get("KONG_TEST_ADMIN_URL"):
        if os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") != "1":
            pytest.exit("KONG_TEST_ADMIN_URL names one Kong: run the real-Kong tier with -n 0", returncode=2)
        if slot:
            pytest.skip("KONG_TEST_ADMIN_URL names one Kong; this test needs a second one (../shared/kong-runtime)")
        yield realkong.from_environment()
        return
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
    base = Path(os.environ.get("KONG_TEST_DIR", "/tmp/aigateway-kong-tests"))
    kong = realkong.start(request.config.getoption("--kong-version"), worker, base, slot)
    try:
        yield kong
    finally:
        kong.stop()


@pytest.fixture(scope="session")
def real_kong(request: pytest.FixtureRequest) -> Iterator[Any]:
    yield from started_kong(request, 0)


@pytest.fixture(scope="session")
def second_real_kong(request: pytest.FixtureRequest) -> Iterator[Any]:
    yield from started_kong(request, 1)


def kong_under_test(request: pytest.FixtureRequest, real: str) -> Iterator[Any]:
    if request.config.getoption("--kong") == "real":
        under_test = RealKongUnderTest(request.getfixturevalue(real))
        try:
            yield under_test
        finally:
            under_test.stop()
        return
    with simulator(request.config.getoption("--kong-version")) as sim:
        yield sim


@pytest.fixture
def kong(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The Kong a ``kong``-marked test runs against, empty, with a request log: a fresh simulator, or this
    worker's real Kong wiped and behind a recording proxy."""
    yield from kong_under_test(request, "real_kong")


@pytest.fixture
def second_kong(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Another empty Kong of the same kind and release as ``kong``, for round trips between two Kongs."""
    yield from kong_under_test(request, "second_real_kong")


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
