"""Mutating steps: ``addV``, ``addE``, ``property`` and ``drop`` (``mergeV``/``mergeE`` live in
``steps_merge``).

Semantics follow TinkerGraph: ``property()`` defaults to cardinality ``single`` (``addV()``
attaches its own properties as ``list``), a null value removes the property, hidden ``~keys``
are refused, and new ids come from the store's counter.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gremlin_python.process.traversal import Cardinality, T

from graph.engine.compiler import CardValue, register
from graph.engine.core import NOTHING, Context, Step, Traversal, type_label
from graph.engine.scope import scope_value
from graph.engine.store import Edge, Property, Vertex, VertexProperty
from graph.engine.traverser import Traverser
from graph.errors import GremlinError

__all__ = [
    "AddElementStep",
    "card_name",
    "check_key",
    "make_property_step",
    "set_edge_property",
    "set_vertex_property",
]


def card_name(value: Any) -> str | None:
    if isinstance(value, Cardinality):
        return value.name.rstrip("_")
    return None


def _is_token(key: Any, name: str) -> bool:
    return isinstance(key, T) and key.name.rstrip("_") == name


def _resolve(ctx: Context, t: Traverser | None, value: Any) -> Any:
    """A property value that may be a traversal (evaluated against the current traverser)."""
    if isinstance(value, Traversal):
        src = t if t is not None else Traverser.start(None)
        r = value.first(ctx, src)
        return NOTHING if r is NOTHING else r
    return value


def set_vertex_property(ctx: Context, v: Vertex, card: str, key: Any, value: Any, meta: list[Any]) -> None:
    if isinstance(value, CardValue):
        card, value = value.cardinality, value.value
    check_key(key)
    if value is None:
        for vp in list(v.props.get(key, ())):
            ctx.graph.remove_vertex_property(vp)
        return
    vp = ctx.graph.add_vertex_property(v, key, value, card)
    if vp is not None:
        if len(meta) % 2:
            raise GremlinError("meta-properties must come in key/value pairs")
        for i in range(0, len(meta), 2):
            mk, mv = meta[i], meta[i + 1]
            check_key(mk)
            if mv is None:
                vp.props.pop(mk, None)
            else:
                ctx.graph.set_meta_property(vp, mk, mv)
        part = ctx.partition
        if part is not None and part.include_meta and part.write is not None:
            ctx.graph.set_meta_property(vp, part.key, part.write)


def check_key(key: Any) -> None:
    if isinstance(key, T):
        raise GremlinError(f"Property key can not be a hidden key: ~{key.name.rstrip('_')}")
    if not isinstance(key, str):
        raise GremlinError(f"Property key must be a string, got {key!r}")
    if key.startswith("~"):
        raise GremlinError(f"Property key can not be a hidden key: {key}")


def set_edge_property(ctx: Context, e: Edge, key: Any, value: Any) -> None:
    check_key(key)
    if isinstance(value, CardValue):
        value = value.value
    if value is None:
        e.props.pop(key, None)
        return
    ctx.graph.set_edge_property(e, key, value)


class AddElementStep(Step):
    """Common part of addV/addE: folded ``property()`` calls."""

    def __init__(self) -> None:
        super().__init__()
        self.properties: list[tuple[str | None, Any, Any, list[Any]]] = []

    def accepts_property(self, args: list[Any]) -> bool:
        return bool(args)

    def add_property(self, args: list[Any]) -> None:
        card = card_name(args[0]) if args else None
        if card is not None:
            args = args[1:]
        if len(args) == 1 and (args[0] is None or isinstance(args[0], dict)):
            for key, value in (args[0] or {}).items():
                self.properties.append((card, key, value, []))
            return
        if len(args) < 2:
            raise GremlinError("property() needs a key and a value")
        key, value, meta = args[0], args[1], list(args[2:])
        self.properties.append((card, key, value, meta))

    def property_keys(self) -> list[str]:
        return [k for _, k, _, _ in self.properties if isinstance(k, str)]

    def modulate_with(self, key: Any, value: Any = True) -> None:
        """Options such as ``with('key', 'value')`` are hints for other providers; ignored."""

    def children(self) -> list[Traversal]:
        out = [v for _, k, v, _ in self.properties for v in (k, v) if isinstance(v, Traversal)]
        for _, _, _, meta in self.properties:
            out.extend(m for m in meta if isinstance(m, Traversal))
        return out


class AddVertexStep(AddElementStep):
    name = "addV"

    def __init__(self, label: Any, is_start: bool) -> None:
        super().__init__()
        self.label = label
        self.is_start = is_start

    def children(self) -> list[Traversal]:
        out = super().children()
        if isinstance(self.label, Traversal):
            out.append(self.label)
        return out

    def _create(self, ctx: Context, t: Traverser | None) -> Vertex:
        label = _resolve(ctx, t, self.label)
        if label is NOTHING or label is None:
            label = "vertex"
        if not isinstance(label, str):
            raise GremlinError(f"addV() label must be a string, got {label!r}")
        vid = None
        rest = []
        for card, key, value, meta in self.properties:
            if _is_token(key, "id"):
                vid = _resolve(ctx, t, value)
            elif _is_token(key, "label"):
                resolved = _resolve(ctx, t, value)
                if isinstance(resolved, str):
                    label = resolved
            else:
                rest.append((card, key, value, meta))
        v = ctx.graph.add_vertex(label, vid)
        part = ctx.partition
        if part is not None and part.write is not None:
            ctx.graph.add_vertex_property(v, part.key, part.write, "single")
        for card, key, value, meta in rest:
            key = _resolve(ctx, t, key)
            resolved = _resolve(ctx, t, value)
            if resolved is NOTHING or key is NOTHING:
                continue
            meta_values = [_resolve(ctx, t, m) for m in meta]
            # addV attaches its properties with list cardinality, as TinkerGraph's addVertex does
            set_vertex_property(ctx, v, card or "list", key, resolved, meta_values)
        return v

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.is_start:
            yield Traverser.start(self._create(ctx, None), ctx.new_sack())
            return
        for t in it:
            yield t.split(self._create(ctx, t))


@register("addV")
def _add_v(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) > 1:
        raise GremlinError("addV() takes at most one label")
    label = args[0] if args else "vertex"
    if label is None:
        raise GremlinError("Label can not be null")
    if isinstance(label, str) and label.startswith("~"):
        raise GremlinError(f"Label can not be a hidden key: {label}")
    return AddVertexStep(label, is_start)


def _vertex_of(ctx: Context, value: Any, which: str) -> Vertex:
    if isinstance(value, Vertex):
        if value.removed or ctx.graph.vertex(value.id) is not value:
            found = ctx.graph.vertex(value.id)
            if found is None:
                raise GremlinError(
                    f"The {which} vertex must resolve to a Vertex or the ID of a Vertex present in the graph"
                )
            return found
        return value
    found = ctx.graph.vertex(value) if value is not None and not isinstance(value, (list, dict)) else None
    if found is None:
        raise GremlinError(
            f"The value given to addE({which}) must resolve to a Vertex or the ID of a Vertex "
            "present in the graph, "
            f"got {value!r}"
        )
    return found


class AddEdgeStep(AddElementStep):
    name = "addE"

    def __init__(self, label: Any, is_start: bool) -> None:
        super().__init__()
        self.label = label
        self.is_start = is_start
        self.from_: Any = NOTHING
        self.to: Any = NOTHING

    def accepts_property(self, args: list[Any]) -> bool:
        return (
            bool(args)
            and card_name(args[0]) is None
            and (len(args) >= 2 or args[0] is None or isinstance(args[0], dict))
        )

    def children(self) -> list[Traversal]:
        out = super().children()
        for x in (self.label, self.from_, self.to):
            if isinstance(x, Traversal):
                out.append(x)
        return out

    def modulate_from(self, arg: Any) -> None:
        self.from_ = arg

    def modulate_to(self, arg: Any) -> None:
        self.to = arg

    def _endpoint(self, ctx: Context, t: Traverser | None, spec: Any, which: str) -> Vertex:
        if spec is NOTHING:
            if t is None:
                raise GremlinError(f"{'Out' if which == 'from' else 'In'} Vertex not specified")
            value = t.obj
        elif isinstance(spec, str):
            if t is None:
                raise GremlinError(
                    f"addE().{which}('{spec}') has no label to select at the start of a traversal"
                )
            value = scope_value(ctx, t, spec, "last")
            if value is NOTHING:
                raise GremlinError(f"The step label '{spec}' given to {which}() is not in scope")
        elif isinstance(spec, Traversal):
            value = spec.first(ctx, t if t is not None else Traverser.start(None))
            if value is NOTHING:
                raise GremlinError(f"The {which}() traversal of addE() produced no vertex")
        else:
            value = spec
        return _vertex_of(ctx, value, which)

    def _create(self, ctx: Context, t: Traverser | None) -> Edge:
        label = _resolve(ctx, t, self.label)
        if not isinstance(label, str):
            raise GremlinError(f"addE() label must be a string, got {label!r}")
        out_v = self._endpoint(ctx, t, self.from_, "from")
        in_v = self._endpoint(ctx, t, self.to, "to")
        eid = None
        rest = []
        for _, key, value, _ in self.properties:
            if _is_token(key, "id"):
                eid = _resolve(ctx, t, value)
            else:
                rest.append((key, value))
        e = ctx.graph.add_edge(label, out_v, in_v, eid)
        part = ctx.partition
        if part is not None and part.write is not None:
            ctx.graph.set_edge_property(e, part.key, part.write)
        for key, value in rest:
            key = _resolve(ctx, t, key)
            resolved = _resolve(ctx, t, value)
            if resolved is not NOTHING and key is not NOTHING:
                set_edge_property(ctx, e, key, resolved)
        return e

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.is_start:
            yield Traverser.start(self._create(ctx, None), ctx.new_sack())
            return
        for t in it:
            yield t.split(self._create(ctx, t))


@register("addE")
def _add_e(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1:
        raise GremlinError("addE() takes one label")
    label = args[0]
    if label is None:
        raise GremlinError("Label can not be null")
    return AddEdgeStep(label, is_start)


class PropertyStep(Step):
    name = "property"

    def __init__(
        self, card: str | None, key: Any, value: Any, meta: list[Any], as_map: dict[Any, Any] | None
    ) -> None:
        super().__init__()
        self.card = card
        self.key = key
        self.value = value
        self.meta = meta
        self.as_map = as_map

    def modulate_with(self, key: Any, value: Any = True) -> None:
        """Provider hints; ignored."""

    def property_keys(self) -> list[str]:
        if self.as_map is not None:
            return [k for k in self.as_map if isinstance(k, str)]
        return [self.key] if isinstance(self.key, str) else []

    def children(self) -> list[Traversal]:
        out = [x for x in [self.key, self.value, *self.meta] if isinstance(x, Traversal)]
        if self.as_map is not None:
            out.extend(v for v in self.as_map.values() if isinstance(v, Traversal))
        return out

    def _apply(
        self, ctx: Context, t: Traverser, card: str | None, key: Any, value: Any, meta: list[Any]
    ) -> None:
        element = t.obj
        key = _resolve(ctx, t, key)
        value = _resolve(ctx, t, value)
        if value is NOTHING or key is NOTHING:
            return
        meta = [_resolve(ctx, t, m) for m in meta]
        if isinstance(element, Vertex):
            if _is_token(key, "id") or _is_token(key, "label"):
                raise GremlinError(f"Property key can not be a hidden key: ~{key.name.rstrip('_')}")
            set_vertex_property(ctx, element, card or "single", key, value, meta)
        elif isinstance(element, Edge):
            if card not in (None, "single") or isinstance(value, CardValue) and value.cardinality != "single":
                raise GremlinError("Edge properties do not support multiple cardinality")
            set_edge_property(ctx, element, key, value)
        elif isinstance(element, VertexProperty):
            if isinstance(key, T):
                raise GremlinError(f"Property key can not be a hidden key: ~{key.name.rstrip('_')}")
            if value is None:
                element.props.pop(key, None)
            else:
                ctx.graph.set_meta_property(element, key, value)
        else:
            raise GremlinError(f"property() can only be applied to an element, not {type_label(element)}")

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for t in it:
            if self.as_map is not None:
                for k, v in self.as_map.items():
                    self._apply(ctx, t, self.card, k, v, [])
            else:
                self._apply(ctx, t, self.card, self.key, self.value, self.meta)
            yield t


def make_property_step(args: list[Any]) -> Step:
    card = card_name(args[0]) if args else None
    if card is not None:
        args = args[1:]
    if len(args) == 1 and (args[0] is None or isinstance(args[0], dict)):
        return PropertyStep(card, None, None, [], args[0] or {})
    if len(args) < 2:
        raise GremlinError("property() needs a key and a value")
    return PropertyStep(card, args[0], args[1], list(args[2:]), None)


class DropStep(Step):
    name = "drop"

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        g = ctx.graph
        for t in it:
            obj = t.obj
            if isinstance(obj, Vertex):
                g.remove_vertex(obj)
            elif isinstance(obj, Edge):
                g.remove_edge(obj)
            elif isinstance(obj, VertexProperty):
                g.remove_vertex_property(obj)
            elif isinstance(obj, Property):
                g.remove_property(obj)
        return
        yield  # pragma: no cover


register("drop")(lambda c, a, s: DropStep())
