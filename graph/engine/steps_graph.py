"""Steps that read the graph structure: ``V``/``E`` (with index lookups), adjacency and properties.

``V()`` folds the ``hasLabel``/``has`` steps right after it into itself (TinkerGraph's
strategy does the same) so ``g.V().hasLabel('Customer').has('customer_id', x)`` and
``g.V().has('Customer', 'customer_id', x)`` are one property-index lookup, not a scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from gremlin_python.process.traversal import Direction, T, WithOptions

from graph.engine.compare import MapEntry
from graph.engine.compiler import register
from graph.engine.core import (
    NOTHING,
    Context,
    FlatMapStep,
    MapStep,
    Step,
    Traversal,
    type_label,
)
from graph.engine.predicates import Pred
from graph.engine.store import Edge, Element, Property, Vertex, VertexProperty
from graph.engine.strategies import element_visible, property_visible
from graph.engine.traverser import Traverser
from graph.errors import GremlinError

__all__ = ["GraphStep", "PropertiesStep", "VertexStep"]


def _flatten_ids(args: Iterable[Any]) -> list[Any]:
    out: list[Any] = []
    for a in args:
        if isinstance(a, (list, tuple, set, frozenset)):
            out.extend(_flatten_ids(a))
        elif isinstance(a, Element):
            out.append(a.id)
        else:
            out.append(a)
    return out


class GraphStep(Step):
    """``V(ids...)`` / ``E(ids...)``, as a start step or mid-traversal."""

    def __init__(self, kind: str, ids: list[Any], is_start: bool) -> None:
        super().__init__()
        self.name = kind
        self.kind = kind
        self.ids = _flatten_ids(ids) if ids else None
        self.is_start = is_start
        self.has_steps: list[Any] = []

    def children(self) -> list[Traversal]:
        out: list[Traversal] = []
        for h in self.has_steps:
            out.extend(h.children())
        return out

    def finish(self) -> None:
        from graph.engine.steps_has import HasStep

        if self.owner is None:
            return
        steps = self.owner.steps
        i = steps.index(self)
        while i + 1 < len(steps) and isinstance(steps[i + 1], HasStep) and steps[i + 1].foldable():
            nxt = steps.pop(i + 1)
            self.labels = self.labels | nxt.labels
            self.has_steps.append(nxt)

    # -------------------------------------------------------------- element sources
    def _candidates(self, ctx: Context) -> Iterable[Element]:
        g = ctx.graph
        if self.kind == "V":
            if self.ids is not None:
                return [v for v in (g.vertex(i) for i in self.ids) if v is not None]
            labels, key, value = self._index_plan()
            if key is not None:
                out: list[Vertex] = []
                for label in labels if labels is not None else [None]:
                    out.extend(g.lookup(label, key, value))
                if labels is not None and len(labels) > 1:
                    return _dedup_elements(out)
                return out
            if labels is not None:
                out = []
                for label in labels:
                    out.extend(g.vertices_with_label(label))
                return _dedup_elements(out)
            return tuple(g.vertices.values())
        if self.ids is not None:
            return [e for e in (g.edge(i) for i in self.ids) if e is not None]
        labels, _, _ = self._index_plan()
        if labels is not None:
            out_e: list[Edge] = []
            for label in labels:
                out_e.extend(g.edges_with_label(label))
            return _dedup_elements(out_e)
        return tuple(g.edges.values())

    def _index_plan(self) -> tuple[list[str] | None, str | None, Any]:
        labels: list[str] | None = None
        key: str | None = None
        value: Any = None
        for h in self.has_steps:
            for c_key, pred in h.containers:
                if not isinstance(pred, Pred):
                    continue
                if c_key == T.label and labels is None:
                    if pred.op == "eq" and isinstance(pred.value, str):
                        labels = [pred.value]
                    elif pred.op == "within" and all(isinstance(x, str) for x in pred.value):
                        labels = list(pred.value)
                elif isinstance(c_key, str) and key is None and pred.op == "eq":
                    if not isinstance(pred.value, (list, dict, set)) and pred.value is not None:
                        key, value = c_key, pred.value
        return labels, key, value

    def _matches(self, ctx: Context, element: Element) -> bool:
        if (ctx.subgraph is not None or ctx.partition is not None) and not element_visible(ctx, element):
            return False
        for h in self.has_steps:
            if not h.test_element(ctx, element):
                return False
        return True

    def _elements(self, ctx: Context) -> Iterator[Element]:
        for element in self._candidates(ctx):
            if element.removed:
                continue
            if self.has_steps or ctx.subgraph is not None or ctx.partition is not None:
                if not self._matches(ctx, element):
                    continue
            yield element

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.is_start:
            for element in self._elements(ctx):
                yield Traverser.start(element, ctx.new_sack())
            return
        for t in it:
            for element in self._elements(ctx):
                yield t.split(element)

    def __repr__(self) -> str:
        return f"GraphStep({self.kind}, {self.ids}, {self.has_steps})"


def _dedup_elements(items: list[Any]) -> list[Any]:
    seen: set[int] = set()
    out = []
    for x in items:
        if id(x) not in seen:
            seen.add(id(x))
            out.append(x)
    return out


@register("V")
def _v(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if any(a is None for a in args) and len(args) == 1:
        return GraphStep("V", [_NoId()], is_start)
    return GraphStep("V", args, is_start)


@register("E")
def _e(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if any(a is None for a in args) and len(args) == 1:
        return GraphStep("E", [_NoId()], is_start)
    return GraphStep("E", args, is_start)


class _NoId:
    """``V(null)``: an id no element has."""

    def __hash__(self) -> int:
        return 0

    def __eq__(self, other: object) -> bool:
        return False


# ---------------------------------------------------------------------------- adjacency
_DIR = {"out": "out", "in": "in", "both": "both"}


def _labels_arg(name: str, args: list[Any]) -> tuple[str, ...]:
    """String arguments (edge labels or property keys); nulls are ignored as in Gremlin."""
    args = [a for a in args if a is not None]
    for a in args:
        if not isinstance(a, str):
            raise GremlinError(f"{name}() takes strings, got {a!r}")
    return tuple(args)


class VertexStep(FlatMapStep):
    """``out``/``in``/``both`` (to vertices) and ``outE``/``inE``/``bothE`` (to edges)."""

    def __init__(self, name: str, direction: str, edge_labels: tuple[str, ...], to_edges: bool) -> None:
        super().__init__()
        self.name = name
        self.direction = direction
        self.edge_labels = edge_labels
        self.to_edges = to_edges

    def flat(self, ctx: Context, t: Traverser) -> Iterable[Any]:
        v = t.obj
        if not isinstance(v, Vertex):
            raise GremlinError(f"{self.name}() can only be applied to a vertex, not {type_label(v)}")
        filtered = ctx.subgraph is not None or ctx.partition is not None
        direction = self.direction
        if direction == "both":
            parts: list[tuple[str, Iterable[Edge]]] = [
                ("out", v.edges("out", self.edge_labels)),
                ("in", v.edges("in", self.edge_labels)),
            ]
        else:
            parts = [(direction, v.edges(direction, self.edge_labels))]
        out: list[Any] = []
        for d, edges in parts:
            for e in edges:
                if filtered and not element_visible(ctx, e):
                    continue
                if self.to_edges:
                    out.append(e)
                else:
                    other = e.in_v if d == "out" else e.out_v
                    if filtered and not element_visible(ctx, other):
                        continue
                    out.append(other)
        return out

    def __repr__(self) -> str:
        return f"VertexStep({self.name}, {self.edge_labels})"


def _vertex_factory(name: str, direction: str, to_edges: bool) -> None:
    @register(name)
    def _f(compiler: Any, args: list[Any], is_start: bool) -> Step:
        return VertexStep(name, direction, _labels_arg(name, args), to_edges)


for _name, _d, _te in (
    ("out", "out", False),
    ("in", "in", False),
    ("both", "both", False),
    ("outE", "out", True),
    ("inE", "in", True),
    ("bothE", "both", True),
):
    _vertex_factory(_name, _d, _te)


class EdgeVertexStep(FlatMapStep):
    """``outV``/``inV``/``bothV``/``otherV``."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def flat(self, ctx: Context, t: Traverser) -> Iterable[Any]:
        e = t.obj
        if not isinstance(e, Edge):
            raise GremlinError(f"{self.name}() can only be applied to an edge, not {type_label(e)}")
        if self.name == "outV":
            vs = [e.out_v]
        elif self.name == "inV":
            vs = [e.in_v]
        elif self.name == "bothV":
            vs = [e.out_v, e.in_v]
        else:
            vs = [self._other(t, e)]
        if ctx.subgraph is not None or ctx.partition is not None:
            vs = [v for v in vs if element_visible(ctx, v)]
        return vs

    @staticmethod
    def _other(t: Traverser, e: Edge) -> Vertex:
        node = t.path.prev if t.path is not None else None
        while node is not None:
            obj = node.obj
            if isinstance(obj, Vertex):
                if obj is e.out_v or obj.id == e.out_v.id:
                    return e.in_v
                if obj is e.in_v or obj.id == e.in_v.id:
                    return e.out_v
            node = node.prev
        return e.in_v


for _name in ("outV", "inV", "bothV", "otherV"):
    register(_name)(lambda c, a, s, _n=_name: EdgeVertexStep(_n))


# ---------------------------------------------------------------------------- properties
def element_properties(ctx: Context, element: Any, keys: tuple[str, ...], step: str) -> list[Any]:
    """Properties of an element in its own key order, optionally restricted to ``keys``."""
    if isinstance(element, Vertex):
        out: list[Any] = []
        if keys and len(keys) == 1:
            out = list(element.props.get(keys[0], ()))
        else:
            for key, vps in element.props.items():
                if not keys or key in keys:
                    out.extend(vps)
        if ctx.subgraph is not None or ctx.partition is not None:
            out = [vp for vp in out if property_visible(ctx, vp)]
        return out
    if isinstance(element, (Edge, VertexProperty)):
        props = [p for k, p in element.props.items() if not keys or k in keys]
        if ctx.partition is not None:
            props = [p for p in props if property_visible(ctx, p)]
        return props
    raise GremlinError(f"{step}() can only be applied to an element, not {type_label(element)}")


class PropertiesStep(FlatMapStep):
    """``properties(keys...)`` and ``values(keys...)``."""

    def __init__(self, name: str, keys: tuple[str, ...]) -> None:
        super().__init__()
        self.name = name
        self.keys = keys
        self.values = name == "values"

    def flat(self, ctx: Context, t: Traverser) -> Iterable[Any]:
        obj = t.obj
        if self.values and isinstance(obj, dict) and not isinstance(obj, Element):
            raise GremlinError(f"values() can only be applied to an element, not {type_label(obj)}")
        props = element_properties(ctx, obj, self.keys, self.name)
        if self.values:
            return [p.value for p in props]
        return props


@register("properties")
def _properties(compiler: Any, args: list[Any], is_start: bool) -> Step:
    return PropertiesStep("properties", _labels_arg("properties", args))


@register("values")
def _values(compiler: Any, args: list[Any], is_start: bool) -> Step:
    return PropertiesStep("values", _labels_arg("values", args))


class IdStep(MapStep):
    name = "id"

    def map(self, ctx: Context, t: Traverser) -> Any:
        obj = t.obj
        if isinstance(obj, Element):
            return obj.id
        raise GremlinError(f"id() can only be applied to an element, not {type_label(obj)}")


class LabelStep(MapStep):
    name = "label"

    def map(self, ctx: Context, t: Traverser) -> Any:
        obj = t.obj
        if isinstance(obj, Element):
            return obj.label
        raise GremlinError(f"label() can only be applied to an element, not {type_label(obj)}")


class KeyStep(MapStep):
    name = "key"

    def map(self, ctx: Context, t: Traverser) -> Any:
        obj = t.obj
        if isinstance(obj, VertexProperty):
            return obj.label
        if isinstance(obj, Property):
            return obj.key
        raise GremlinError(f"key() can only be applied to a property, not {type_label(obj)}")


class ValueStep(MapStep):
    name = "value"

    def map(self, ctx: Context, t: Traverser) -> Any:
        obj = t.obj
        if isinstance(obj, (VertexProperty, Property)):
            return obj.value
        raise GremlinError(f"value() can only be applied to a property, not {type_label(obj)}")


class ElementStep(MapStep):
    name = "element"

    def map(self, ctx: Context, t: Traverser) -> Any:
        obj = t.obj
        if isinstance(obj, VertexProperty):
            return obj.vertex
        if isinstance(obj, Property):
            return obj.element
        raise GremlinError(f"element() can only be applied to a property, not {type_label(obj)}")


for _name, _cls in (
    ("id", IdStep),
    ("label", LabelStep),
    ("key", KeyStep),
    ("value", ValueStep),
    ("element", ElementStep),
):
    register(_name)(lambda c, a, s, _k=_cls: _k())


class ValueMapStep(MapStep):
    """``valueMap(keys...)`` (values as lists for vertices), tokens via ``with()`` or ``true``."""

    name = "valueMap"

    def __init__(self, args: list[Any]) -> None:
        super().__init__()
        self.tokens = 0
        if args and isinstance(args[0], bool):
            self.tokens = WithOptions.all if args[0] else 0
            args = args[1:]
        self.keys = _labels_arg("valueMap", args)
        self.by: Traversal | None = None

    def children(self) -> list[Traversal]:
        return [self.by] if self.by is not None else []

    def modulate_with(self, key: Any, value: Any = True) -> None:
        if key == WithOptions.tokens:
            if value is True:
                self.tokens = WithOptions.all
            elif isinstance(value, int) and not isinstance(value, bool):
                self.tokens = int(value)
            else:
                raise GremlinError(f"valueMap() tokens option must be a WithOptions value, got {value!r}")
        else:
            raise GremlinError(f"valueMap() does not know the option {key!r}")

    def modulate_by(self, *args: Any) -> None:
        if self.by is not None:
            raise GremlinError("ValueMap step can only have one by modulator")
        if len(args) != 1 or not isinstance(args[0], Traversal):
            raise GremlinError("valueMap().by() takes one traversal")
        self.by = args[0]

    def map(self, ctx: Context, t: Traverser) -> Any:
        obj = t.obj
        if not isinstance(obj, Element):
            raise GremlinError(f"valueMap() can only be applied to an element, not {type_label(obj)}")
        result: dict[Any, Any] = {}
        tokens = self.tokens
        if tokens & WithOptions.ids:
            result[T.id] = obj.id
        if isinstance(obj, VertexProperty):
            if tokens & WithOptions.keys:
                result[T.key] = obj.label
            if tokens & WithOptions.values:
                result[T.value] = obj.value
        elif tokens & WithOptions.labels:
            result[T.label] = obj.label
        for p in element_properties(ctx, obj, self.keys, "valueMap"):
            if isinstance(obj, Vertex):
                result.setdefault(p.label, []).append(p.value)
            else:
                result[p.key] = p.value
        if self.by is not None:
            for k, v in list(result.items()):
                if isinstance(k, str):
                    r = self.by.first(ctx, t.replace(v))
                    if r is NOTHING:
                        del result[k]
                    else:
                        result[k] = r
        return result


register("valueMap")(lambda c, a, s: ValueMapStep(a))


class PropertyMapStep(MapStep):
    name = "propertyMap"

    def __init__(self, args: list[Any]) -> None:
        super().__init__()
        self.keys = _labels_arg("propertyMap", args)

    def map(self, ctx: Context, t: Traverser) -> Any:
        obj = t.obj
        result: dict[Any, Any] = {}
        for p in element_properties(ctx, obj, self.keys, "propertyMap"):
            key = p.label if isinstance(p, VertexProperty) else p.key
            result.setdefault(key, []).append(p)
        return result


register("propertyMap")(lambda c, a, s: PropertyMapStep(a))


class ElementMapStep(MapStep):
    name = "elementMap"

    def __init__(self, args: list[Any]) -> None:
        super().__init__()
        self.keys = _labels_arg("elementMap", args)

    def map(self, ctx: Context, t: Traverser) -> Any:
        obj = t.obj
        if not isinstance(obj, Element):
            raise GremlinError(f"elementMap() can only be applied to an element, not {type_label(obj)}")
        result: dict[Any, Any] = {T.id: obj.id}
        if isinstance(obj, VertexProperty):
            result[T.key] = obj.label
            result[T.value] = obj.value
        else:
            result[T.label] = obj.label
        if isinstance(obj, Edge):
            result[Direction.IN] = {T.id: obj.in_v.id, T.label: obj.in_v.label}
            result[Direction.OUT] = {T.id: obj.out_v.id, T.label: obj.out_v.label}
        for p in element_properties(ctx, obj, self.keys, "elementMap"):
            if isinstance(p, VertexProperty):
                result[p.label] = p.value
            else:
                result[p.key] = p.value
        return result


register("elementMap")(lambda c, a, s: ElementMapStep(a))


def entry_or_value(obj: Any) -> Any:
    return obj.value if isinstance(obj, MapEntry) else obj
