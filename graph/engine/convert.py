"""Engine values -> what a Gremlin Server hands to gremlinpython.

Elements become gremlinpython ``Vertex``/``Edge``/``VertexProperty``/``Property`` (with their
properties, as Gremlin Server 3.7+ materialises them), paths become ``Path``, ``Map.Entry``
becomes a one-entry dict, BigDecimal becomes gremlinpython's ``BigDecimal``, Java floats
become plain floats, and map keys that Python cannot hash become tuples / HashableDicts
exactly as gremlinpython's deserializers make them.
"""

from __future__ import annotations

import decimal
from typing import Any

from gremlin_python.structure import graph as gs
from gremlin_python.structure.io.util import HashableDict

from graph.engine.compare import MapEntry, PathValue
from graph.engine.numbers import Float32, to_output_decimal
from graph.engine.store import Edge, Property, Vertex, VertexProperty

__all__ = ["to_output"]


def _vertex_ref(v: Vertex) -> gs.Vertex:
    return gs.Vertex(v.id, v.label)


def _vertex(v: Vertex) -> gs.Vertex:
    props = []
    ref = gs.Vertex(v.id, v.label)
    for vps in v.props.values():
        for vp in vps:
            props.append(_vertex_property(vp, ref, True))
    return gs.Vertex(v.id, v.label, props)


def _vertex_property(vp: VertexProperty, ref: gs.Vertex | None, full: bool) -> gs.VertexProperty:
    meta = [gs.Property(k, _convert(p.value, False), None) for k, p in vp.props.items()] if full else []
    return gs.VertexProperty(vp.id, vp.label, _convert(vp.value, False), ref or _vertex_ref(vp.vertex), meta)


def _edge(e: Edge, full: bool) -> gs.Edge:
    props = [gs.Property(k, _convert(p.value, False), None) for k, p in e.props.items()] if full else []
    return gs.Edge(e.id, _vertex_ref(e.out_v), e.label, _vertex_ref(e.in_v), props)


def _key(value: Any, full: bool) -> Any:
    out = _convert(value, full)
    return HashableDict.of(out) if isinstance(out, (list, dict, set)) else out


def to_output(value: Any) -> Any:
    """Convert one engine value (recursively) to its gremlinpython form."""
    return _convert(value, True)


def _convert(value: Any, full: bool) -> Any:
    """``full``: elements carry their properties. Elements found *inside* property values are
    sent as references (id and label only), which also keeps an element stored in its own
    property from recursing forever."""
    t = type(value)
    if value is None or t is str or t is int or t is bool or t is float:
        return value
    if isinstance(value, Vertex):
        return _vertex(value) if full else _vertex_ref(value)
    if isinstance(value, Edge):
        return _edge(value, full)
    if isinstance(value, VertexProperty):
        return _vertex_property(value, None, full)
    if isinstance(value, Property):
        return gs.Property(value.key, _convert(value.value, False), None)
    if isinstance(value, Float32):
        return float(value)
    if isinstance(value, decimal.Decimal):
        return to_output_decimal(value)
    if isinstance(value, (list, tuple)):
        return [_convert(v, full) for v in value]
    if isinstance(value, dict):
        return {_key(k, full): _convert(v, full) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return {_key(v, full) for v in value}
    if isinstance(value, MapEntry):
        return {_key(value.key, full): _convert(value.value, full)}
    if isinstance(value, PathValue):
        return gs.Path([set(lbl) for lbl in value.labels], [_convert(o, full) for o in value.objects])
    return value
