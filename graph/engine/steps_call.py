"""``call()``: provider services, here the two TinkerGraph ships.

``tinker.search`` finds properties whose string value contains a search text (vertex
properties by default, edge properties with ``type: 'Edge'``, meta-properties with
``type: 'VertexProperty'``); ``tinker.degree.centrality`` counts a vertex's edges (incoming by
default). ``call('--list')`` names the services. Parameters come from a map argument, a
traversal producing a map, and ``with(key, value)`` modulators, later ones winning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gremlin_python.process.traversal import Direction
from gremlin_python.statics import long

from graph.engine.compiler import register
from graph.engine.core import NOTHING, Context, Step, Traversal
from graph.engine.store import Vertex
from graph.engine.traverser import Traverser
from graph.errors import GremlinError, UnsupportedStepError

__all__ = ["SERVICES", "CallStep"]

SERVICES = ("tinker.search", "tinker.degree.centrality")


class CallStep(Step):
    name = "call"

    def __init__(
        self, service: str | None, params: dict[Any, Any] | None, traversal: Traversal | None, is_start: bool
    ) -> None:
        super().__init__()
        self.service = service or "--list"
        if self.service != "--list" and self.service not in SERVICES:
            raise UnsupportedStepError(f"call({self.service})", f"service {self.service!r} is not available")
        self.params = dict(params or {})
        self.param_traversal = traversal
        self.with_params: list[tuple[Any, Any]] = []
        self.is_start = is_start

    def children(self) -> list[Traversal]:
        out = [self.param_traversal] if self.param_traversal is not None else []
        return out + [v for _, v in self.with_params if isinstance(v, Traversal)]

    def modulate_with(self, key: Any, value: Any = True) -> None:
        self.with_params.append((key, value))

    def _params(self, ctx: Context, t: Traverser) -> dict[Any, Any]:
        params = dict(self.params)
        if self.param_traversal is not None:
            extra = self.param_traversal.first(ctx, t)
            if isinstance(extra, dict):
                params.update(extra)
        for key, value in self.with_params:
            if isinstance(value, Traversal):
                value = value.first(ctx, t)
                if value is NOTHING:
                    continue
            params[key] = value
        return params

    def _results(self, ctx: Context, t: Traverser) -> list[Any]:
        params = self._params(ctx, t)
        if self.service == "--list":
            wanted = params.get("service")
            return [s for s in SERVICES if wanted is None or s == wanted]
        if self.service == "tinker.search":
            return _search(ctx, params)
        return [_degree(t.obj, params)]

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.is_start:
            start = Traverser(None, 1, None, (), ctx.new_sack())
            for value in self._results(ctx, start):
                yield Traverser.start(value, ctx.new_sack())
            return
        for t in it:
            for value in self._results(ctx, t):
                yield t.split(value)


def _search(ctx: Context, params: dict[Any, Any]) -> list[Any]:
    text = params.get("search")
    if not isinstance(text, str):
        raise GremlinError("tinker.search needs a 'search' string parameter")
    kind = params.get("type", "Vertex")
    found: list[Any] = []
    if kind == "Vertex":
        for v in ctx.graph.vertices.values():
            found.extend(
                vp for vps in v.props.values() for vp in vps if isinstance(vp.value, str) and text in vp.value
            )
    elif kind == "Edge":
        for e in ctx.graph.edges.values():
            found.extend(p for p in e.props.values() if isinstance(p.value, str) and text in p.value)
    elif kind == "VertexProperty":
        for v in ctx.graph.vertices.values():
            for vps in v.props.values():
                for vp in vps:
                    found.extend(p for p in vp.props.values() if isinstance(p.value, str) and text in p.value)
    else:
        raise GremlinError(f"tinker.search type must be Vertex, Edge or VertexProperty, not {kind!r}")
    return found


def _degree(obj: Any, params: dict[Any, Any]) -> long:
    if not isinstance(obj, Vertex):
        raise GremlinError("tinker.degree.centrality needs vertices")
    direction = params.get("direction", Direction.IN)
    name = direction.name if isinstance(direction, Direction) else str(direction).upper()
    way = {"IN": "in", "OUT": "out", "BOTH": "both"}.get(name)
    if way is None:
        raise GremlinError(f"tinker.degree.centrality direction must be IN, OUT or BOTH, not {direction!r}")
    return long(sum(1 for _ in obj.edges(way)))


@register("call")
def _call(compiler: Any, args: list[Any], is_start: bool) -> Step:
    service = args[0] if args else None
    if service is not None and not isinstance(service, str):
        raise GremlinError("call() needs a service name")
    params: dict[Any, Any] | None = None
    trav: Traversal | None = None
    for a in args[1:]:
        if isinstance(a, dict):
            params = a
        elif isinstance(a, Traversal):
            trav = a
        else:
            raise GremlinError(f"call() parameters must be a map or a traversal, got {a!r}")
    return CallStep(service, params, trav, is_start)
