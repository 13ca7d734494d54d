"""Lineage out: JSON, Mermaid, Graphviz DOT, a tree for the terminal, and OpenLineage RunEvents.

Every function here is pure and deterministic: nodes and edges are sorted, nothing depends
on the clock or the machine (OpenLineage's ``eventTime`` and ``runId`` are inputs or derived
from the statement's position), so outputs can be golden-tested and diffed in review.

Mermaid node ids and labels come from :mod:`catalog.render.markdown`, so a table has the
same id in ``lakemap lineage show --format mermaid`` as in DATA_CATALOG.md's diagram.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from catalog.render.markdown import mermaid_id, mermaid_label
from lineage.graph import Hop, LineageGraph, LineageView
from lineage.sources import LineageRecord

__all__ = [
    "OPENLINEAGE_SCHEMA", "TreeNode", "lineage_forest", "lineage_tree", "openlineage_events", "view_to_dict",
    "view_to_dot", "view_to_mermaid",
]

OPENLINEAGE_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
_COLUMN_FACET_SCHEMA = ("https://openlineage.io/spec/facets/1-0-1/ColumnLineageDatasetFacet.json"
                        "#/$defs/ColumnLineageDatasetFacet")
_SQL_FACET_SCHEMA = "https://openlineage.io/spec/facets/1-0-1/SQLJobFacet.json#/$defs/SQLJobFacet"
_LOCATION_FACET_SCHEMA = ("https://openlineage.io/spec/facets/1-0-1/SourceCodeLocationJobFacet.json"
                          "#/$defs/SourceCodeLocationJobFacet")
_RUN_NAMESPACE = uuid.UUID("6f1c1d0e-3b7a-5c4e-9a57-6c616b656d61")  # fixed: runIds are stable across runs
_MAX_LABEL_HOPS = 2


# ------------------------------------------------------------------------- JSON
def view_to_dict(view: LineageView) -> dict[str, Any]:
    """``{"root", "level", "direction", "nodes": [...], "edges": [...]}`` with sorted nodes and edges.

    A node has ``name`` and ``depth`` (negative upstream), plus ``dataset`` (the catalog id it
    matched, or null) for tables and ``table``/``column`` for columns. An edge has ``source``,
    ``target`` and its ``hops`` (``kind``, ``file``, ``line``, ``origin``, ``via`` when declared).
    """
    graph = view.graph
    nodes: list[dict[str, Any]] = []
    for name in sorted(graph.nodes):
        data = graph.nodes[name]
        node: dict[str, Any] = {"name": name, "depth": view.depth.get(name, 0)}
        if view.level == "table":
            node["dataset"] = data.get("dataset")
        else:
            node["table"], node["column"] = data["table"], data["column"]
        nodes.append(node)
    edges = [{"source": u, "target": v, "hops": [h.to_dict() for h in LineageGraph.hops(graph, u, v)]}
             for u, v in sorted(graph.edges)]
    return {"root": view.root, "level": view.level, "direction": view.direction, "nodes": nodes,
            "edges": edges}


# ------------------------------------------------------------------------- Mermaid
def _edge_label(hops: Sequence[Hop]) -> str:
    """What an edge says: declared ``via`` text, else ``file:line`` of its statements (first two, then +N)."""
    shown = [h.via or h.where for h in hops[:_MAX_LABEL_HOPS]]
    label = ", ".join(dict.fromkeys(shown))
    if len(hops) > _MAX_LABEL_HOPS:
        label += f" +{len(hops) - _MAX_LABEL_HOPS}"
    return label


def view_to_mermaid(view: LineageView, *, edge_labels: bool = True) -> str:
    """A Mermaid ``flowchart LR`` of the view (columns grouped in one subgraph per table).

    The root, when there is one, gets the ``focus`` class so it stands out.
    """
    graph = view.graph
    lines = ["flowchart LR", "    classDef focus stroke-width:3px"]
    if view.level == "table":
        lines += [f'    {mermaid_id(n)}["{mermaid_label(n)}"]' for n in sorted(graph.nodes)]
    else:
        by_table: dict[str, list[str]] = {}
        for node in graph.nodes:
            by_table.setdefault(graph.nodes[node]["table"], []).append(node)
        for table in sorted(by_table):
            lines.append(f'    subgraph {mermaid_id("table:" + table)}["{mermaid_label(table)}"]')
            for node in sorted(by_table[table]):
                lines.append(f'        {mermaid_id(node)}["{mermaid_label(graph.nodes[node]["column"])}"]')
            lines.append("    end")
    for u, v in sorted(graph.edges):
        label = _edge_label(LineageGraph.hops(graph, u, v)) if edge_labels else ""
        arrow = f'-->|"{mermaid_label(label)}"|' if label else "-->"
        lines.append(f"    {mermaid_id(u)} {arrow} {mermaid_id(v)}")
    roots = [view.root] if view.root in graph else [n for n, d in view.depth.items() if d == 0 and view.root]
    for root in sorted(r for r in roots if r in graph):
        lines.append(f"    class {mermaid_id(root)} focus")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------- DOT
def _dot_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


def view_to_dot(view: LineageView, *, edge_labels: bool = True) -> str:
    """A Graphviz ``digraph`` of the view; columns are grouped in one cluster per table."""
    graph = view.graph
    lines = ["digraph lineage {", "    rankdir=LR;", '    node [shape=box, fontname="Helvetica"];',
             '    edge [fontname="Helvetica", fontsize=10];']
    focus = {view.root} if view.root in graph else {n for n, d in view.depth.items() if d == 0 and view.root}
    if view.level == "table":
        for node in sorted(graph.nodes):
            style = ", penwidth=3" if node in focus else ""
            lines.append(f"    {_dot_string(node)} [label={_dot_string(node)}{style}];")
    else:
        by_table: dict[str, list[str]] = {}
        for node in graph.nodes:
            by_table.setdefault(graph.nodes[node]["table"], []).append(node)
        for index, table in enumerate(sorted(by_table)):
            lines.append(f"    subgraph cluster_{index} {{")
            lines.append(f"        label={_dot_string(table)};")
            for node in sorted(by_table[table]):
                style = ", penwidth=3" if node in focus else ""
                label = _dot_string(graph.nodes[node]["column"])
                lines.append(f"        {_dot_string(node)} [label={label}{style}];")
            lines.append("    }")
    for u, v in sorted(graph.edges):
        label = _edge_label(LineageGraph.hops(graph, u, v)) if edge_labels else ""
        attrs = f" [label={_dot_string(label)}]" if label else ""
        lines.append(f"    {_dot_string(u)} -> {_dot_string(v)}{attrs};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------- tree
@dataclass(slots=True)
class TreeNode:
    """One line of a lineage tree: a node, the hops from its parent, and what is below it.

    ``note`` is ``"cycle"`` when the node is already on the path from the root (the tree
    stops there), ``"shown above"`` when its subtree was printed earlier (a diamond prints
    each subtree once), ``"deeper"`` when ``--depth`` cut it off, else empty.
    """

    name: str
    hops: tuple[Hop, ...] = ()
    children: list[TreeNode] = field(default_factory=list)
    note: str = ""


def lineage_tree(graph: nx.DiGraph, root: str, *, upstream: bool, depth: int | None = None,
                 expanded: set[str] | None = None) -> TreeNode:
    """The tree of ``root``'s upstream (or downstream) in ``graph``; iterative, so long chains are fine.

    ``expanded`` is shared between trees of one output so a subtree is printed once.
    """
    done = expanded if expanded is not None else set()
    neighbours = graph.predecessors if upstream else graph.successors
    top = TreeNode(root)
    stack: list[tuple[TreeNode, tuple[str, ...]]] = [(top, (root,))]
    done.add(root)
    while stack:
        node, path = stack.pop()
        names = sorted(neighbours(node.name))
        if depth is not None and len(path) > depth:
            if names:
                node.note = node.note or "deeper"
            continue
        pending: list[tuple[TreeNode, tuple[str, ...]]] = []
        for name in names:
            edge = (name, node.name) if upstream else (node.name, name)
            child = TreeNode(name, tuple(LineageGraph.hops(graph, *edge)))
            node.children.append(child)
            if name in path:
                child.note = "cycle"
            elif name in done:
                if any(True for _ in neighbours(name)):
                    child.note = "shown above"
            else:
                done.add(name)
                pending.append((child, path + (name,)))
        stack.extend(reversed(pending))
    return top


def lineage_forest(graph: nx.DiGraph, *, depth: int | None = None) -> list[TreeNode]:
    """Downstream trees covering the whole graph: from every node nothing feeds, then from cycles."""
    expanded: set[str] = set()
    trees = [lineage_tree(graph, n, upstream=False, depth=depth, expanded=expanded)
             for n in sorted(graph.nodes) if graph.in_degree(n) == 0]
    for node in sorted(graph.nodes):  # nodes only reachable inside a cycle
        if node not in expanded:
            trees.append(lineage_tree(graph, node, upstream=False, depth=depth, expanded=expanded))
    return trees


# ------------------------------------------------------------------------- OpenLineage
def _dataset(name: str, namespace: str) -> dict[str, Any]:
    """OpenLineage dataset naming: ``s3://bucket/key`` -> namespace ``s3://bucket``, name ``key``."""
    if "://" in name:
        scheme, _, rest = name.partition("://")
        bucket, _, key = rest.partition("/")
        return {"namespace": f"{scheme}://{bucket}", "name": key or "/"}
    return {"namespace": namespace, "name": name}


def openlineage_events(records: Iterable[LineageRecord], *, namespace: str = "lakemap",
                       job_namespace: str = "lakemap", event_time: str = "1970-01-01T00:00:00Z",
                       producer: str = "urn:lakemap") -> list[dict[str, Any]]:
    """One ``COMPLETE`` RunEvent per statement that reads or writes something (DROPs do neither).

    Outputs carry the ``columnLineage`` dataset facet (each written column and the input
    fields it is made from); the job is named ``file:line`` and carries the statement's SQL
    (``sql`` facet) and its file (``sourceCodeLocation`` facet). ``runId`` is a UUID derived
    from the job namespace and name, so the same statement gets the same id every time.
    ``event_time`` is an input for the same reason (lineage read from files has no run time).
    """
    events: list[dict[str, Any]] = []
    for record in records:
        lineage = record.lineage
        if lineage.kind == "drop" or not (lineage.sources or lineage.target):
            continue  # a DROP moves no data
        job_name = record.where
        job_facets: dict[str, Any] = {
            "sourceCodeLocation": {"_producer": producer, "_schemaURL": _LOCATION_FACET_SCHEMA,
                                   "type": "file", "url": f"file:{record.file}", "path": record.file},
        }
        if record.text:
            job_facets["sql"] = {"_producer": producer, "_schemaURL": _SQL_FACET_SCHEMA, "query": record.text}
        outputs: list[dict[str, Any]] = []
        if lineage.target:
            output = _dataset(lineage.target, namespace)
            fields: dict[str, Any] = {}
            for column in lineage.columns:
                if column.column == "*":
                    continue
                inputs = []
                for ref in column.sources:
                    table, _, col = ref.rpartition(".")
                    if table and col and col != "*":
                        inputs.append({**_dataset(table, namespace), "field": col})
                fields[column.column] = {"inputFields": inputs}
            if fields:
                output["facets"] = {"columnLineage": {
                    "_producer": producer, "_schemaURL": _COLUMN_FACET_SCHEMA, "fields": fields}}
            outputs.append(output)
        run_id = uuid.uuid5(_RUN_NAMESPACE, f"{job_namespace}\x00{job_name}")
        events.append({
            "eventType": "COMPLETE",
            "eventTime": event_time,
            "producer": producer,
            "schemaURL": OPENLINEAGE_SCHEMA,
            "run": {"runId": str(run_id)},
            "job": {"namespace": job_namespace, "name": job_name, "facets": job_facets},
            "inputs": [_dataset(s, namespace) for s in lineage.sources],
            "outputs": outputs,
        })
    return events
