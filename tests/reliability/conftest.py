"""Fixtures of the reliability tests: a fault proxy and a ``playbooks/site.yml`` runner that checks for leaks."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reliability.gateway import Gateway, SiteRun, leaked, record_figure, run_site
from reliability.proxy import FaultProxy

SiteRunner = Callable[..., SiteRun]


@pytest.fixture
def proxy(kongsim: Any) -> Iterator[FaultProxy]:
    """A FaultProxy in front of the test's simulator."""
    fault_proxy = FaultProxy(kongsim.url).start()
    try:
        yield fault_proxy
    finally:
        fault_proxy.stop()


@pytest.fixture
def site(tmp_path: Path, collection_path: Path, request: pytest.FixtureRequest) -> Iterator[SiteRunner]:
    """Run ``playbooks/site.yml -vvv --diff`` for a Gateway.

    Every run's output is searched for the gateway's secret values; a leak errors the test at teardown
    (so the test's own verdict stays visible next to it).
    """
    counter = itertools.count()
    leaks: list[str] = []

    def run(gateway: Gateway, admin_url: str, **kwargs: Any) -> SiteRun:
        workdir = tmp_path / f"site{next(counter)}"
        result = run_site(workdir, collection_path, gateway.variables(admin_url), **kwargs)
        check = " --check" if kwargs.get("check") else ""
        record_figure(f"{request.node.name}: site.yml{check} rc={result.run.rc} {result.seconds:.1f}s")
        for value in leaked(result.run.output, list(gateway.secrets.values())):
            line = next(line for line in result.run.output.splitlines() if value in line)
            leaks.append(f"{workdir.name}/output.txt: {line.strip()}")
        return result

    yield run
    assert not leaks, "secret values printed by ansible-playbook -vvv --diff:\n" + "\n".join(leaks)
