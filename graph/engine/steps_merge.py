"""``mergeV()`` / ``mergeE()``: find by id, label and properties, else create.

Every match gets the ``onMatch`` updates; with no match one element is created from the search
map plus ``onCreate`` (which may not contradict the search map). ``mergeE`` endpoints can be
ids, vertices, or ``Merge.outV``/``Merge.inV`` placeholders resolved by ``option()``. Maps are
validated up front, so a bad ``onMatch`` fails even when nothing matches, as in TinkerPop.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gremlin_python.process.traversal import Direction, Merge, T

from graph.engine.compare import equals
from graph.engine.compiler import CardValue, register
from graph.engine.core import NOTHING, Context, Step, Traversal, type_label
from graph.engine.steps_mutate import card_name, check_key, set_edge_property, set_vertex_property
from graph.engine.store import Edge, Vertex
from graph.engine.strategies import element_visible
from graph.engine.traverser import Traverser
from graph.errors import GremlinError

__all__ = ["MergeVertexStep", "MergeEdgeStep"]


class _MergeStep(Step):
    def __init__(self, arg: Any, is_start: bool, has_arg: bool) -> None:
        super().__init__()
        self.arg = arg
        self.has_arg = has_arg
        self.is_start = is_start
        self.on_create: Any = NOTHING
        self.on_match: Any = NOTHING
        self.create_card: str | None = None
        self.match_card: str | None = None
        self.out_v: Any = NOTHING
        self.in_v: Any = NOTHING

    def children(self) -> list[Traversal]:
        return [
            x
            for x in (self.arg, self.on_create, self.on_match, self.out_v, self.in_v)
            if isinstance(x, Traversal)
        ]

    def modulate_with(self, key: Any, value: Any = True) -> None:
        """Provider hints; ignored."""

    def modulate_option(self, *args: Any) -> None:
        if len(args) not in (2, 3):
            raise GremlinError(
                f"{self.name}().option() takes a Merge token, a map or traversal, and an optional cardinality"
            )
        token, value = args[0], args[1]
        card = card_name(args[2]) if len(args) == 3 else None
        if not isinstance(token, Merge):
            raise GremlinError(f"{self.name}().option() needs a Merge token, got {token!r}")
        tname = token.name
        if tname == "on_create":
            self.on_create, self.create_card = value, card
        elif tname == "on_match":
            self.on_match, self.match_card = value, card
        elif tname == "out_v":
            self.out_v = value
        elif tname == "in_v":
            self.in_v = value
        else:
            raise GremlinError(f"unknown Merge token {token!r}")

    def _map_arg(self, ctx: Context, t: Traverser | None, value: Any, what: str) -> Any:
        if isinstance(value, Traversal):
            src = t if t is not None else Traverser.start(None)
            value = value.first(ctx, src)
            if value is NOTHING:
                return None
        if value is None:
            return None
        if not isinstance(value, dict):
            raise GremlinError(f"{self.name}() expects {what} to be a Map, got {type_label(value)}")
        return value

    def _search_map(self, ctx: Context, t: Traverser | None) -> dict[Any, Any]:
        if not self.has_arg:
            value = t.obj if t is not None else None
            if value is not None and not isinstance(value, dict):
                raise GremlinError(
                    f"{self.name}() expects the incoming traverser to be a Map, got {type_label(value)}"
                )
            return dict(value or {})
        return dict(self._map_arg(ctx, t, self.arg, "its argument") or {})

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.is_start:
            for element in self.merge(ctx, None):
                yield Traverser.start(element, ctx.new_sack())
            return
        for t in it:
            for element in self.merge(ctx, t):
                yield t.split(element)

    def merge(self, ctx: Context, t: Traverser | None) -> list[Any]:
        raise NotImplementedError

    def _check_create_override(self, search: dict[Any, Any], create: dict[Any, Any]) -> None:
        for k, v in create.items():
            if k in search and not equals(search[k], v):
                raise GremlinError("option(onCreate) cannot override values from merge() argument")


def _validate_keys(step: str, m: dict[Any, Any], allow_direction: bool) -> None:
    for k, v in m.items():
        if isinstance(k, str) and k.startswith("~"):
            raise GremlinError(f"Property key can not be a hidden key: {k}")
        if isinstance(k, T) and k.name.rstrip("_") == "label" and isinstance(v, str) and v.startswith("~"):
            raise GremlinError(f"Label can not be a hidden key: {v}")
        if isinstance(k, T):
            name = k.name.rstrip("_")
            if name == "label" and (v is None or not isinstance(v, str)):
                raise GremlinError(f"{step}() label must be a non-null string")
            if name not in ("id", "label"):
                raise GremlinError(f"{step}() does not allow T.{name} as a key")
        elif isinstance(k, Direction):
            if not allow_direction:
                raise GremlinError(f"{step}() does not allow Direction keys")
        elif not isinstance(k, str):
            raise GremlinError(f"{step}() map keys must be strings, T.id or T.label; got {k!r}")


def _get(m: dict[Any, Any], token: str) -> Any:
    for k, v in m.items():
        if isinstance(k, T) and k.name.rstrip("_") == token:
            return v
    return NOTHING


def _vertex_matches(ctx: Context, v: Vertex, m: dict[Any, Any]) -> bool:
    for k, value in m.items():
        if isinstance(k, T):
            name = k.name.rstrip("_")
            if name == "id" and not equals(v.id, value):
                return False
            if name == "label" and v.label != value:
                return False
            continue
        if isinstance(value, CardValue):
            value = value.value
        vps = v.props.get(k)
        if not vps or not any(equals(vp.value, value) for vp in vps):
            return False
    return True


class MergeVertexStep(_MergeStep):
    name = "mergeV"

    def merge(self, ctx: Context, t: Traverser | None) -> list[Any]:
        search = self._search_map(ctx, t)
        _validate_keys("mergeV", search, False)
        if isinstance(self.on_create, dict):
            self._check_create_override(search, self.on_create)
        if isinstance(self.on_match, dict):
            for k in self.on_match:
                if not isinstance(k, (T, Direction)):
                    check_key(k)
        matches = self._find(ctx, search)
        if matches:
            if self.on_match is NOTHING:
                return matches
            out = []
            for v in matches:
                src = t.replace(v) if t is not None else Traverser.start(v)
                update = self._map_arg(ctx, src, self.on_match, "option(onMatch)")
                if update:
                    for k in update:
                        check_key(k)
                    for k, val in update.items():
                        set_vertex_property(ctx, v, self.match_card or "single", k, val, [])
                out.append(v)
            return out
        create = dict(search)
        if self.on_create is not NOTHING:
            extra = self._map_arg(ctx, t, self.on_create, "option(onCreate)")
            if extra:
                _validate_keys("mergeV", extra, False)
                self._check_create_override(search, extra)
                create.update(extra)
        return [self._create(ctx, create)]

    def _find(self, ctx: Context, search: dict[Any, Any]) -> list[Vertex]:
        g = ctx.graph
        vid = _get(search, "id")
        label = _get(search, "label")
        if vid is not NOTHING:
            v = g.vertex(vid)
            candidates: list[Vertex] = [v] if v is not None else []
        else:
            key = next(
                (
                    k
                    for k, val in search.items()
                    if isinstance(k, str)
                    and not isinstance(val, CardValue)
                    and val is not None
                    and not isinstance(val, (list, dict, set))
                ),
                None,
            )
            if key is not None:
                candidates = g.lookup(label if label is not NOTHING else None, key, search[key])
            elif label is not NOTHING:
                candidates = list(g.vertices_with_label(label))
            else:
                candidates = list(g.vertices.values())
        return [
            v
            for v in candidates
            if not v.removed
            and _vertex_matches(ctx, v, search)
            and (ctx.partition is None and ctx.subgraph is None or element_visible(ctx, v))
        ]

    def _create(self, ctx: Context, create: dict[Any, Any]) -> Vertex:
        vid = _get(create, "id")
        label = _get(create, "label")
        v = ctx.graph.add_vertex(label if label is not NOTHING else "vertex", None if vid is NOTHING else vid)
        part = ctx.partition
        if part is not None and part.write is not None:
            ctx.graph.add_vertex_property(v, part.key, part.write, "single")
        for k, val in create.items():
            if isinstance(k, T):
                continue
            set_vertex_property(ctx, v, self.create_card or "single", k, val, [])
        return v


@register("mergeV")
def _merge_v(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) > 1:
        raise GremlinError("mergeV() takes at most one argument")
    if args and not isinstance(args[0], (dict, Traversal)) and args[0] is not None:
        raise GremlinError(f"mergeV() expects a Map or a traversal, got {type_label(args[0])}")
    return MergeVertexStep(args[0] if args else None, is_start, bool(args))


def _direction(m: dict[Any, Any], name: str) -> Any:
    for k, v in m.items():
        if isinstance(k, Direction) and k.name == name:
            return v
    return NOTHING


class MergeEdgeStep(_MergeStep):
    name = "mergeE"

    def _resolve_vertex(self, ctx: Context, t: Traverser | None, value: Any, which: str, create: bool) -> Any:
        if isinstance(value, Merge):
            spec = self.out_v if value.name == "out_v" else self.in_v
            if spec is NOTHING:
                raise GremlinError(
                    f"mergeE() uses Merge.{value.name} but option(Merge.{value.name}) is missing"
                )
            if isinstance(spec, Traversal):
                value = spec.first(ctx, t if t is not None else Traverser.start(None))
                if value is NOTHING:
                    raise GremlinError(f"option(Merge.{value}) traversal produced nothing")
            elif isinstance(spec, dict):
                found = MergeVertexStep(None, False, False)._find(ctx, spec)
                if not found:
                    raise GremlinError("Vertex id could not be resolved from mergeE: " + repr(spec))
                value = found[0]
            else:
                value = spec
        if isinstance(value, Vertex):
            return value
        v = ctx.graph.vertex(value)
        if v is None:
            if create:
                raise GremlinError(f"Vertex id could not be resolved from mergeE: {value!r}")
            return NOTHING
        return v

    def merge(self, ctx: Context, t: Traverser | None) -> list[Any]:
        search = self._search_map(ctx, t)
        _validate_keys("mergeE", search, True)
        if isinstance(self.on_create, dict):
            self._check_create_override(search, self.on_create)
        if isinstance(self.on_match, dict):
            for k in self.on_match:
                if not isinstance(k, (T, Direction)):
                    check_key(k)
        out_spec = _direction(search, "OUT")
        in_spec = _direction(search, "IN")
        out_v = NOTHING if out_spec is NOTHING else self._resolve_vertex(ctx, t, out_spec, "OUT", False)
        in_v = NOTHING if in_spec is NOTHING else self._resolve_vertex(ctx, t, in_spec, "IN", False)
        matches: list[Edge] = []
        if not (
            (out_spec is not NOTHING and out_v is NOTHING) or (in_spec is not NOTHING and in_v is NOTHING)
        ):
            matches = self._find(ctx, search, out_v, in_v)
        if matches:
            if self.on_match is NOTHING:
                return matches
            result = []
            for e in matches:
                src = t.replace(e) if t is not None else Traverser.start(e)
                update = self._map_arg(ctx, src, self.on_match, "option(onMatch)")
                if update:
                    for k in update:
                        if isinstance(k, T):
                            raise GremlinError(f"Property key can not be a hidden key: ~{k.name.rstrip('_')}")
                        if isinstance(k, Direction):
                            raise GremlinError(f"Property key can not be a hidden key: {k.name}")
                        check_key(k)
                    for k, val in update.items():
                        set_edge_property(ctx, e, k, val)
                result.append(e)
            return result
        create = dict(search)
        if self.on_create is not NOTHING:
            extra = self._map_arg(ctx, t, self.on_create, "option(onCreate)")
            if extra:
                _validate_keys("mergeE", extra, True)
                self._check_create_override(search, extra)
                create.update(extra)
        out_spec = _direction(create, "OUT")
        in_spec = _direction(create, "IN")
        if out_spec is NOTHING:
            raise GremlinError("Out Vertex not specified")
        if in_spec is NOTHING:
            raise GremlinError("In Vertex not specified")
        out_v = self._resolve_vertex(ctx, t, out_spec, "OUT", True)
        in_v = self._resolve_vertex(ctx, t, in_spec, "IN", True)
        label = _get(create, "label")
        eid = _get(create, "id")
        e = ctx.graph.add_edge(
            label if label is not NOTHING else "edge", out_v, in_v, None if eid is NOTHING else eid
        )
        part = ctx.partition
        if part is not None and part.write is not None:
            ctx.graph.set_edge_property(e, part.key, part.write)
        for k, val in create.items():
            if isinstance(k, (T, Direction)):
                continue
            set_edge_property(ctx, e, k, val)
        return [e]

    def _find(self, ctx: Context, search: dict[Any, Any], out_v: Any, in_v: Any) -> list[Edge]:
        g = ctx.graph
        eid = _get(search, "id")
        label = _get(search, "label")
        if eid is not NOTHING:
            e = g.edge(eid)
            candidates: list[Edge] = [e] if e is not None else []
        elif out_v is not NOTHING:
            candidates = list(out_v.edges("out", (label,) if label is not NOTHING else ()))
        elif in_v is not NOTHING:
            candidates = list(in_v.edges("in", (label,) if label is not NOTHING else ()))
        elif label is not NOTHING:
            candidates = list(g.edges_with_label(label))
        else:
            candidates = list(g.edges.values())
        result = []
        for e in candidates:
            if e.removed:
                continue
            if label is not NOTHING and e.label != label:
                continue
            if out_v is not NOTHING and e.out_v is not out_v:
                continue
            if in_v is not NOTHING and e.in_v is not in_v:
                continue
            ok = True
            for k, val in search.items():
                if isinstance(k, (T, Direction)):
                    continue
                p = e.props.get(k)
                if p is None or not equals(p.value, val):
                    ok = False
                    break
            if ok and (ctx.partition is None and ctx.subgraph is None or element_visible(ctx, e)):
                result.append(e)
        return result


@register("mergeE")
def _merge_e(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) > 1:
        raise GremlinError("mergeE() takes at most one argument")
    if args and not isinstance(args[0], (dict, Traversal)) and args[0] is not None:
        raise GremlinError(f"mergeE() expects a Map or a traversal, got {type_label(args[0])}")
    return MergeEdgeStep(args[0] if args else None, is_start, bool(args))
