"""Path routing: a segment trie built once; literal segments win over `:param` segments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[..., Any]


@dataclass
class Route:
    pattern: str
    methods: dict[str, Handler] = field(default_factory=dict)
    params: list[str] = field(default_factory=list)
    accepts_yaml: bool = False
    disabled: bool = False          # every method answers 404 (Kong's `endpoints.disable`)

    def allow_header(self) -> str:
        verbs = set(self.methods) | {"OPTIONS"}
        if "GET" in verbs:
            verbs.add("HEAD")
        return ", ".join(sorted(verbs))


@dataclass
class _Node:
    literal: dict[str, _Node] = field(default_factory=dict)
    param: _Node | None = None
    route: Route | None = None


class Router:
    def __init__(self) -> None:
        self._root = _Node()
        self.routes: dict[str, Route] = {}

    def add(self, pattern: str, methods: dict[str, Handler], *, replace: bool = True,
            accepts_yaml: bool = False, disabled: bool = False) -> Route:
        """Register or extend a route; with replace=False existing verbs are kept."""
        route = self.routes.get(pattern)
        if route is None:
            route = Route(pattern, {}, [s[1:] for s in _segments(pattern) if s.startswith(":")])
            self.routes[pattern] = route
            node = self._root
            for seg in _segments(pattern):
                if seg.startswith(":"):
                    node.param = node.param or _Node()
                    node = node.param
                else:
                    node = node.literal.setdefault(seg, _Node())
            node.route = route
        for verb, handler in methods.items():
            if replace or verb not in route.methods:
                route.methods[verb] = handler
        route.accepts_yaml = route.accepts_yaml or accepts_yaml
        route.disabled = route.disabled or disabled
        return route

    def match(self, path: str) -> tuple[Route, dict[str, str]] | None:
        segs = _segments(path)
        values: list[str] = []
        route = self._walk(self._root, segs, 0, values)
        if route is None:
            return None
        return route, dict(zip(route.params, values, strict=True))

    def _walk(self, node: _Node, segs: list[str], i: int, values: list[str]) -> Route | None:
        if i == len(segs):
            return node.route
        child = node.literal.get(segs[i])
        if child is not None:
            found = self._walk(child, segs, i + 1, values)
            if found is not None:
                return found
        if node.param is not None and segs[i] != "":
            values.append(segs[i])
            found = self._walk(node.param, segs, i + 1, values)
            if found is not None:
                return found
            values.pop()
        return None


def _segments(path: str) -> list[str]:
    if path.endswith("/") and path != "/":
        path = path[:-1]
    return path.split("/")[1:] if path != "/" else []
