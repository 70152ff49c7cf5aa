# Copyright (c) aigateway.kong contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kong node a task manages, from its ``GET /`` (read once per client): release, edition, router flavor,
database and the plugins its server has.

PRIVATE: module_utils is not a public API of the collection and may change at any time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

COMMUNITY = "community"


def release(text: str) -> tuple[int, ...]:
    """``3.9.1`` -> (3, 9, 1); lenient, as Enterprise writes four parts (``3.4.3.29``) and may add words."""
    return tuple(int(part) for part in re.findall(r"\d+", str(text).split("-", maxsplit=1)[0])) or (0,)


def shown(version: tuple[int, ...]) -> str:
    """(3, 6, 0) -> ``3.6`` (a minor's first release), (3, 9, 1) -> ``3.9.1``."""
    parts = list(version)
    while len(parts) > 2 and parts[-1] == 0:
        parts.pop()
    return ".".join(str(p) for p in parts)


@dataclass(frozen=True)
class Node:
    version: str
    edition: str
    router_flavor: str
    database: str | None
    plugins: frozenset[str]  # the plugins its server has (enabled in its ``plugins`` setting)

    @classmethod
    def from_root(cls, root: dict[str, Any]) -> Node:
        configuration = root.get("configuration") or {}
        version = str(root.get("version") or "0")
        # GET / names the edition from Kong 3.6; before, Enterprise is told by its four-part release
        edition = root.get("edition") or ("enterprise" if len(release(version)) > 3 else COMMUNITY)
        return cls(
            version=version,
            edition=str(edition),
            router_flavor=str(configuration.get("router_flavor") or "traditional_compatible"),
            database=configuration.get("database"),
            plugins=frozenset((root.get("plugins") or {}).get("available_on_server") or ()),
        )

    @property
    def release(self) -> tuple[int, ...]:
        return release(self.version)

    def has(self, since: str) -> bool:
        """Whether this node's release is ``since`` or later."""
        return self.release >= release(since)


def node(client: Any) -> Node:
    return Node.from_root(client.root())
