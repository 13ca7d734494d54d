"""The in-memory property graph behind the embedded engine.

Why a store of our own instead of a networkx MultiDiGraph: Gremlin needs things networkx does
not model directly (multi-properties and meta-properties on vertex properties, element ids
that outlive removals, edges ordered per vertex and label) and the hot path
``g.V().hasLabel(L).has(K, X)`` must be a dictionary lookup. The store keeps:

* vertices and edges by id (insertion ordered, like a loaded TinkerGraph),
* per vertex, incident edges grouped by direction and label (parallel edges allowed),
* a vertex label index, and (label, key, value) property indexes built on first use and kept
  current by every mutation afterwards.

Elements are plain slotted objects; the evaluator works on them directly and only the
connection turns them into gremlinpython ``Vertex``/``Edge`` values on the way out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from gremlin_python.statics import long

from graph.engine.values import freeze, id_variants
from graph.errors import GremlinError

__all__ = ["Edge", "Element", "Graph", "Property", "Vertex", "VertexProperty"]


class Element:
    """Common base of vertices, edges and vertex properties (things with id and label)."""

    __slots__ = ("id", "label", "removed")

    def __init__(self, id: Any, label: str) -> None:
        self.id = id
        self.label = label
        self.removed = False


class Property:
    """A key/value on an edge or a vertex property (a meta-property)."""

    __slots__ = ("element", "key", "value")

    def __init__(self, key: str, value: Any, element: Element) -> None:
        self.key = key
        self.value = value
        self.element = element

    def __repr__(self) -> str:
        return f"p[{self.key}->{self.value!r}]"


class Vertex(Element):
    __slots__ = ("in_e", "out_e", "props")

    def __init__(self, id: Any, label: str) -> None:
        super().__init__(id, label)
        self.props: dict[str, list[VertexProperty]] = {}
        self.out_e: dict[str, list[Edge]] = {}
        self.in_e: dict[str, list[Edge]] = {}

    def __repr__(self) -> str:
        return f"v[{self.id}]"

    def edges(self, direction: str, labels: tuple[str, ...] = ()) -> Iterator[Edge]:
        """Incident edges; ``direction`` is ``out``, ``in`` or ``both`` (self-loops twice for both)."""
        if direction == "both":
            yield from self.edges("out", labels)
            yield from self.edges("in", labels)
            return
        table = self.out_e if direction == "out" else self.in_e
        if labels:
            for label in labels:
                bucket = table.get(label)
                if bucket:
                    yield from bucket
        else:
            for bucket in table.values():
                yield from bucket

    def first_value(self, key: str, default: Any = None) -> Any:
        vps = self.props.get(key)
        return vps[0].value if vps else default


class Edge(Element):
    __slots__ = ("in_v", "out_v", "props")

    def __init__(self, id: Any, label: str, out_v: Vertex, in_v: Vertex) -> None:
        super().__init__(id, label)
        self.out_v = out_v
        self.in_v = in_v
        self.props: dict[str, Property] = {}

    def __repr__(self) -> str:
        return f"e[{self.id}][{self.out_v.id}-{self.label}->{self.in_v.id}]"


class VertexProperty(Element):
    """A vertex property; ``label`` is its key. It carries its own meta-properties."""

    __slots__ = ("props", "value", "vertex")

    def __init__(self, id: Any, key: str, value: Any, vertex: Vertex) -> None:
        super().__init__(id, key)
        self.vertex = vertex
        self.value = value
        self.props: dict[str, Property] = {}

    @property
    def key(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"vp[{self.label}->{self.value!r}]"


class Graph:
    """An in-memory property graph with TinkerGraph-like ids and indexes."""

    def __init__(self) -> None:
        self.vertices: dict[Any, Vertex] = {}
        self.edges: dict[Any, Edge] = {}
        self._by_label: dict[str, dict[Any, Vertex]] = {}
        # (label or None, key) -> frozen value -> {vertex id: vertex}
        self._prop_index: dict[tuple[str | None, str], dict[Any, dict[Any, Vertex]]] = {}
        self._next_id = 0
        self._vp_ids: set[Any] = set()

    # ---------------------------------------------------------------- ids
    def _bump(self, id: Any) -> None:
        if type(id) in (int, long) and id >= self._next_id:
            self._next_id = int(id) + 1

    def new_id(self) -> long:
        """The next free integer id (shared by vertices, edges and vertex properties)."""
        while True:
            candidate = long(self._next_id)
            self._next_id += 1
            if (
                candidate not in self.vertices
                and candidate not in self.edges
                and candidate not in self._vp_ids
            ):
                return candidate

    # ---------------------------------------------------------------- reads
    def vertex(self, id: Any) -> Vertex | None:
        return self._get(self.vertices, id)

    def edge(self, id: Any) -> Edge | None:
        return self._get(self.edges, id)

    @staticmethod
    def _get(table: dict[Any, Any], id: Any) -> Any:
        try:
            found = table.get(id)
        except TypeError:
            return None
        if found is None and (isinstance(id, str) or (isinstance(id, int) and not isinstance(id, bool))):
            for alt in id_variants(id)[1:]:
                found = table.get(alt)
                if found is not None:
                    break
        return found

    def vertices_with_label(self, label: str) -> Iterable[Vertex]:
        return tuple(self._by_label.get(label, {}).values())

    def edges_with_label(self, label: str) -> Iterable[Edge]:
        """Edges with ``label``: a scan (edges are not label-indexed; adjacency is, per vertex)."""
        return tuple(e for e in self.edges.values() if e.label == label)

    def lookup(self, label: str | None, key: str, value: Any) -> list[Vertex]:
        """Vertices with ``label`` (any when None) having a ``key`` property equal to ``value``."""
        index = self._prop_index.get((label, key))
        if index is None:
            index = self._build_index(label, key)
        try:
            hit = index.get(freeze(value))
        except TypeError:
            return []
        return list(hit.values()) if hit else []

    def _build_index(self, label: str | None, key: str) -> dict[Any, dict[Any, Vertex]]:
        index: dict[Any, dict[Any, Vertex]] = {}
        source = self.vertices.values() if label is None else self._by_label.get(label, {}).values()
        for v in source:
            for vp in v.props.get(key, ()):
                try:
                    index.setdefault(freeze(vp.value), {})[v.id] = v
                except TypeError:
                    continue
        self._prop_index[(label, key)] = index
        return index

    def _index_change(self, v: Vertex, key: str, value: Any, add: bool) -> None:
        for lbl in (None, v.label):
            index = self._prop_index.get((lbl, key))
            if index is None:
                continue
            try:
                fv = freeze(value)
            except TypeError:
                continue
            if add:
                try:
                    index.setdefault(fv, {})[v.id] = v
                except TypeError:
                    pass
            else:
                bucket = index.get(fv)
                if bucket is not None and not any(
                    freeze(p.value) == fv for p in v.props.get(key, ()) if not p.removed
                ):
                    bucket.pop(v.id, None)
                    if not bucket:
                        del index[fv]

    # ---------------------------------------------------------------- writes
    def add_vertex(self, label: str = "vertex", id: Any = None) -> Vertex:
        if id is None:
            id = self.new_id()
        else:
            try:
                exists = id in self.vertices
            except TypeError:
                raise GremlinError(f"Vertex id must be hashable, got {id!r}") from None
            if exists:
                raise GremlinError(f"Vertex with id already exists: {id}")
            self._bump(id)
        v = Vertex(id, label)
        self.vertices[id] = v
        self._by_label.setdefault(label, {})[id] = v
        return v

    def add_edge(self, label: str, out_v: Vertex, in_v: Vertex, id: Any = None) -> Edge:
        if id is None:
            id = self.new_id()
        else:
            try:
                exists = id in self.edges
            except TypeError:
                raise GremlinError(f"Edge id must be hashable, got {id!r}") from None
            if exists:
                raise GremlinError(f"Edge with id already exists: {id}")
            self._bump(id)
        e = Edge(id, label, out_v, in_v)
        self.edges[id] = e
        out_v.out_e.setdefault(label, []).append(e)
        in_v.in_e.setdefault(label, []).append(e)
        return e

    def add_vertex_property(
        self, v: Vertex, key: str, value: Any, cardinality: str = "single", id: Any = None
    ) -> VertexProperty | None:
        """Set a vertex property with Gremlin cardinality ``single``, ``list`` or ``set``.

        ``set`` returns the existing property (and adds nothing) when the value is present.
        """
        existing = v.props.get(key)
        if cardinality == "single" and existing:
            for vp in list(existing):
                self.remove_vertex_property(vp)
        elif cardinality == "set" and existing:
            fv = freeze(value)
            for vp in existing:
                if freeze(vp.value) == fv:
                    return vp
        if id is None:
            id = self.new_id()
        else:
            self._bump(id)
        vp = VertexProperty(id, key, value, v)
        self._vp_ids.add(id)
        v.props.setdefault(key, []).append(vp)
        self._index_change(v, key, value, True)
        return vp

    def set_edge_property(self, e: Edge, key: str, value: Any) -> Property:
        p = Property(key, value, e)
        e.props[key] = p
        return p

    def set_meta_property(self, vp: VertexProperty, key: str, value: Any) -> Property:
        p = Property(key, value, vp)
        vp.props[key] = p
        return p

    def remove_vertex_property(self, vp: VertexProperty) -> None:
        if vp.removed:
            return
        vp.removed = True
        bucket = vp.vertex.props.get(vp.label)
        if bucket is not None:
            bucket[:] = [p for p in bucket if p is not vp]
            if not bucket:
                del vp.vertex.props[vp.label]
        self._vp_ids.discard(vp.id)
        self._index_change(vp.vertex, vp.label, vp.value, False)

    def remove_property(self, p: Property) -> None:
        owner = p.element
        if isinstance(owner, (Edge, VertexProperty)) and owner.props.get(p.key) is p:
            del owner.props[p.key]

    def remove_edge(self, e: Edge) -> None:
        if e.removed:
            return
        e.removed = True
        self.edges.pop(e.id, None)
        for table in (e.out_v.out_e, e.in_v.in_e):
            bucket = table.get(e.label)
            if bucket is not None:
                bucket[:] = [x for x in bucket if x is not e]
                if not bucket:
                    del table[e.label]

    def remove_vertex(self, v: Vertex) -> None:
        if v.removed:
            return
        for e in list(v.edges("both")):
            self.remove_edge(e)
        for vps in list(v.props.values()):
            for vp in list(vps):
                self.remove_vertex_property(vp)
        v.removed = True
        self.vertices.pop(v.id, None)
        by_label = self._by_label.get(v.label)
        if by_label is not None:
            by_label.pop(v.id, None)

    # ---------------------------------------------------------------- whole graph
    def copy(self) -> Graph:
        """An independent deep copy (elements are new objects; values are shared, they are immutable
        in practice). Cheap enough to give every test scenario its own graph."""
        g = Graph()
        g._next_id = self._next_id
        vmap: dict[int, Vertex] = {}
        for v in self.vertices.values():
            nv = Vertex(v.id, v.label)
            for key, vps in v.props.items():
                bucket = []
                for vp in vps:
                    nvp = VertexProperty(vp.id, key, vp.value, nv)
                    for mk, mp in vp.props.items():
                        nvp.props[mk] = Property(mk, mp.value, nvp)
                    bucket.append(nvp)
                nv.props[key] = bucket
            g.vertices[v.id] = nv
            g._by_label.setdefault(v.label, {})[v.id] = nv
            vmap[id(v)] = nv
        g._vp_ids = set(self._vp_ids)
        for e in self.edges.values():
            ne = Edge(e.id, e.label, vmap[id(e.out_v)], vmap[id(e.in_v)])
            for k, p in e.props.items():
                ne.props[k] = Property(k, p.value, ne)
            g.edges[e.id] = ne
        # adjacency in the original per-vertex order
        for v in self.vertices.values():
            nv = vmap[id(v)]
            for label, bucket in v.out_e.items():
                nv.out_e[label] = [g.edges[e.id] for e in bucket]
            for label, bucket in v.in_e.items():
                nv.in_e[label] = [g.edges[e.id] for e in bucket]
        return g

    def __repr__(self) -> str:
        return f"tinkergraph[vertices:{len(self.vertices)} edges:{len(self.edges)}]"
