"""The Kong a ``kong``-marked test runs against: the same few attributes whichever Kong it is.

``url`` (the Admin API the tasks use; its requests are logged), ``request_log()``, ``writes()``, ``clear_log()``,
``version``, ``real``, ``admin_url`` (the Admin API itself), ``proxy_url`` (Kong's proxy; None on the simulator),
``mtls`` (an HTTPS Admin API requiring a client certificate, when there is one) and ``custom_plugin`` (the
``llm-budget`` plugin is enabled).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from helpers.realkong import RealKong
from helpers.recording_proxy import RecordingProxy


def at_least(kong: Any, version: str) -> bool:
    """Whether the Kong under test is ``version`` or later."""
    return tuple(int(n) for n in kong.version.split(".")) >= tuple(int(n) for n in version.split("."))


CUSTOM_PLUGIN_SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "schemas" / "plugin-llm-budget.json"


class RealKongUnderTest:
    """A real Kong, emptied, behind a recording proxy."""

    real = True

    def __init__(self, kong: RealKong) -> None:
        kong.wipe()
        self.kong = kong
        self.proxy = RecordingProxy(kong.admin_url)

    @property
    def url(self) -> str:
        return self.proxy.url

    @property
    def admin_url(self) -> str:
        return self.kong.admin_url

    @property
    def proxy_url(self) -> str | None:
        return self.kong.proxy_url

    @property
    def version(self) -> str:
        return self.kong.version

    @property
    def mtls(self) -> dict[str, str]:
        return self.kong.mtls

    @property
    def custom_plugin(self) -> bool:
        return self.kong.custom_plugin

    def request_log(self) -> list[dict[str, Any]]:
        return self.proxy.request_log()

    def writes(self) -> list[dict[str, Any]]:
        return self.proxy.writes()

    def clear_log(self) -> None:
        self.proxy.clear_log()

    def stop(self) -> None:
        self.proxy.stop()


@contextmanager
def simulator(version: str) -> Iterator[Any]:
    """A fresh simulator of ``version`` with the custom plugin the real Kongs of the tier run with."""
    from kongsim import KongSim

    with KongSim(host="127.0.0.1", port=0, kong_version=version, plugin_schemas=[str(CUSTOM_PLUGIN_SCHEMA)]) as sim:
        sim.real = False
        sim.version = version
        sim.admin_url = sim.url
        sim.proxy_url = None
        sim.mtls = {}
        sim.custom_plugin = True
        yield sim
