"""Strategies that change results: Subgraph and Partition filters, and verifications.

SubgraphStrategy and PartitionStrategy are applied where elements enter a traversal
(``V()``, ``E()``, the vertex steps, ``properties()``/``values()``), which is what the Java
strategies achieve by inserting filter steps after those same steps.
"""

from __future__ import annotations

from typing import Any

from graph.engine.core import Context, Traversal
from graph.engine.store import Edge, Element, Vertex, VertexProperty
from graph.engine.traverser import Traverser
from graph.errors import GremlinError

__all__ = ["PartitionConfig", "SubgraphConfig", "element_visible", "property_visible", "verify"]


class SubgraphConfig:
    def __init__(
        self,
        vertices: Traversal | None,
        edges: Traversal | None,
        vertex_properties: Traversal | None,
        check_adjacent: bool,
    ) -> None:
        self.vertices = vertices
        self.edges = edges
        self.vertex_properties = vertex_properties
        self.check_adjacent = check_adjacent

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SubgraphConfig:
        def trav(key: str) -> Traversal | None:
            value = config.get(key)
            if value is None:
                return None
            if not isinstance(value, Traversal):
                raise GremlinError(f"SubgraphStrategy {key} must be a traversal")
            return value

        return cls(
            trav("vertices"),
            trav("edges"),
            trav("vertexProperties"),
            bool(config.get("checkAdjacentVertices", True)),
        )


class PartitionConfig:
    def __init__(self, key: str, write: str | None, read: list[str], include_meta: bool) -> None:
        self.key = key
        self.write = write
        self.read = read
        self.include_meta = include_meta

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> PartitionConfig:
        key = config.get("partitionKey")
        if not isinstance(key, str):
            raise GremlinError("PartitionStrategy needs a partitionKey")
        read = config.get("readPartitions", [])
        if isinstance(read, (set, frozenset, tuple)):
            read = list(read)
        elif not isinstance(read, list):
            read = [read]
        return cls(key, config.get("writePartition"), read, bool(config.get("includeMetaProperties", False)))


def _passes(ctx: Context, traversal: Traversal, element: Any) -> bool:
    # the strategy's own filter traversals see the whole graph, as TinkerPop's do
    saved = ctx.subgraph, ctx.partition
    ctx.subgraph = ctx.partition = None
    try:
        return traversal.test(ctx, Traverser.start(element))
    finally:
        ctx.subgraph, ctx.partition = saved


def element_visible(ctx: Context, element: Element) -> bool:
    """Whether Subgraph/Partition strategies let ``element`` into the traversal."""
    part = ctx.partition
    if part is not None and isinstance(element, (Vertex, Edge)):
        if _partition_of(element, part.key) not in part.read:
            return False
    sub = ctx.subgraph
    if sub is None:
        return True
    if isinstance(element, Vertex):
        return sub.vertices is None or _passes(ctx, sub.vertices, element)
    if isinstance(element, Edge):
        if sub.edges is not None and not _passes(ctx, sub.edges, element):
            return False
        if sub.check_adjacent and sub.vertices is not None:
            return _passes(ctx, sub.vertices, element.out_v) and _passes(ctx, sub.vertices, element.in_v)
        return True
    return True


def property_visible(ctx: Context, vp: Any) -> bool:
    part = ctx.partition
    if part is not None and isinstance(vp, VertexProperty):
        if vp.label == part.key:
            return False
        if part.include_meta and _partition_of(vp, part.key) not in part.read:
            return False
    elif part is not None and getattr(vp, "key", None) == part.key:
        return False
    sub = ctx.subgraph
    if sub is None or sub.vertex_properties is None or not isinstance(vp, VertexProperty):
        return True
    return _passes(ctx, sub.vertex_properties, vp)


def _partition_of(element: Any, key: str) -> Any:
    if isinstance(element, Vertex):
        return element.first_value(key)
    p = element.props.get(key)
    return None if p is None else p.value


_MUTATING = {"AddVertexStep", "AddEdgeStep", "PropertyStep", "DropStep", "MergeVertexStep", "MergeEdgeStep"}


def verify(ctx: Context, traversal: Traversal) -> None:
    """Checks done by verification strategies once the traversal is compiled."""
    steps = list(traversal.walk())
    if ctx.read_only:
        for step in steps:
            if type(step).__name__ in _MUTATING:
                raise GremlinError(
                    f"The provided traversal has a mutating step and thus is not read only: {step.name}"
                )
    edge_cfg = ctx.strategies.get("EdgeLabelVerificationStrategy")
    if edge_cfg is not None and edge_cfg.get("throwException", False):
        for step in steps:
            if type(step).__name__ in ("VertexStep",) and not getattr(step, "edge_labels", ()):
                raise GremlinError(
                    "The provided traversal contains a vertex step without any specified edge label: "
                    f"{step.name}()"
                )
    reserved_cfg = ctx.strategies.get("ReservedKeysVerificationStrategy")
    if reserved_cfg is not None and reserved_cfg.get("throwException", False):
        keys = reserved_cfg.get("keys", {"id", "label"})
        for step in steps:
            for key in getattr(step, "property_keys", list)():
                if key in keys:
                    raise GremlinError(
                        f"The provided traversal is setting a property key to a reserved word: {key}"
                    )
