"""The lineage graph: tables and columns as nodes, statements as edges; upstream, downstream, impact.

Two :class:`networkx.DiGraph` s, one per level, rather than one graph filtered per query
(filtering a view costs more than the query itself on big graphs, see ENVIRONMENT.md):

* ``tables``: a node per table (named like the catalog dataset it matched, else as SQL names
  it), an edge ``source -> target`` per pair a statement connects;
* ``columns``: a node per column, ``table.column``, an edge per column a statement derives
  from another.

Every edge keeps the :class:`Hop` s that made it (statement kind, ``file:line``, origin), so
a query can say *where* data moves, not just that it does. Queries are breadth-first with
a visited set, so cycles (a table that reads itself, ``a -> b -> a``) end, and an optional
depth limit counts edges from the starting node.

Example:
    >>> g = LineageGraph()
    >>> g.add_statement(["raw.orders"], "silver.orders", Hop("insert", "etl.sql", 3),
    ...                 columns={"id": [("raw.orders", "id")]})
    >>> sorted(g.downstream("raw.orders").tables)
    ['raw.orders', 'silver.orders']
    >>> [(e.name, e.via[0].where) for e in g.impact("raw.orders.id")]
    [('silver.orders', 'etl.sql:3'), ('silver.orders.id', 'etl.sql:3')]
"""

from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

__all__ = ["Hop", "ImpactEntry", "LineageGraph", "LineageView", "NodeRef"]


@dataclass(frozen=True, slots=True, order=True)
class Hop:
    """One statement that moves data along an edge.

    ``columns`` is false when the statement gave no column lineage for its target (a Glue
    job, a statement that failed to parse, a declared edge): impact analysis then cannot
    tell which columns are affected and treats the whole target as possibly affected.
    """

    kind: str
    file: str
    line: int
    origin: str = "sql"
    via: str = ""
    columns: bool = True

    @property
    def where(self) -> str:
        """``file:line`` (just ``file`` when the line is unknown)."""
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"kind": self.kind, "file": self.file, "line": self.line,
                                   "origin": self.origin}
        if self.via:
            data["via"] = self.via
        return data


@dataclass(frozen=True, slots=True)
class NodeRef:
    """A node found by name: its level (``table`` or ``column``) and its key in that level's graph."""

    level: str
    key: str


@dataclass(frozen=True, slots=True)
class ImpactEntry:
    """Something downstream of the changed node, and how the change gets there.

    ``path`` runs from the changed node to ``name``; ``via`` holds the hop of each step
    (``len(via) == len(path) - 1``). ``exact`` is false when a step has no column lineage
    (a Glue job, a declared edge...): the table *may* be affected.
    """

    name: str
    level: str
    depth: int
    path: tuple[str, ...]
    via: tuple[Hop, ...]
    exact: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name, "level": self.level, "depth": self.depth, "exact": self.exact,
            "path": [{"node": node, **(self.via[i - 1].to_dict() if i else {})}
                     for i, node in enumerate(self.path)],
        }


@dataclass(frozen=True, slots=True)
class LineageView:
    """The part of the graph a query selected: a subgraph view plus how far each node is from the root.

    ``graph`` is a read-only view of the table or the column graph (never a copy);
    ``depth`` maps each node to its distance from ``root`` (negative upstream).
    """

    root: str | None
    level: str
    direction: str
    graph: nx.DiGraph
    depth: Mapping[str, int]

    @property
    def tables(self) -> list[str]:
        """Table names in the view (for a column view: the tables its columns belong to)."""
        if self.level == "table":
            return sorted(self.graph.nodes)
        return sorted({self.graph.nodes[n]["table"] for n in self.graph.nodes})


class LineageGraph:
    """Tables and columns with the statements between them; see the module docstring."""

    def __init__(self) -> None:
        self.tables: nx.DiGraph = nx.DiGraph()
        self.columns: nx.DiGraph = nx.DiGraph()
        self._lower: dict[str, dict[str, str]] = {"table": {}, "column": {}}
        self._columns_of: dict[str, list[str]] = {}

    # ------------------------------------------------------------------- building
    def add_table(self, name: str, *, dataset: str | None = None, aliases: Iterable[str] = ()) -> None:
        """Add a table node (or enrich it): ``dataset`` is the catalog id it matched, ``aliases`` the
        names SQL used for it."""
        if name not in self.tables:
            self.tables.add_node(name, dataset=dataset, aliases=set())
            self._lower["table"].setdefault(name.lower(), name)
        data = self.tables.nodes[name]
        if dataset and not data.get("dataset"):
            data["dataset"] = dataset
        data["aliases"].update(a for a in aliases if a != name)

    def add_column(self, table: str, column: str) -> str:
        """Add ``table.column`` (and its table); returns the column's key."""
        self.add_table(table)
        key = f"{table}.{column}"
        if key not in self.columns:
            self.columns.add_node(key, table=table, column=column)
            self._lower["column"].setdefault(key.lower(), key)
            self._columns_of.setdefault(table, []).append(key)
        return key

    def add_statement(self, sources: Iterable[str], target: str, hop: Hop,
                      columns: Mapping[str, Iterable[tuple[str, str]]] | None = None) -> None:
        """Add one statement: a table edge from each source to ``target``, and its column edges.

        ``columns`` maps each written column to the ``(table, column)`` pairs it is made from
        (pairs, not dotted text: table names hold dots themselves).
        """
        self.add_table(target)
        for name in sources:
            self.add_table(name)
            self._add_edge(self.tables, name, target, hop)
        for column, refs in (columns or {}).items():
            target_key = self.add_column(target, column)
            for table, col in refs:
                self._add_edge(self.columns, self.add_column(table, col), target_key, hop)

    @staticmethod
    def _add_edge(graph: nx.DiGraph, source: str, target: str, hop: Hop) -> None:
        if graph.has_edge(source, target):
            hops = graph.edges[source, target]["hops"]
            if hop not in hops:
                hops.append(hop)
        else:
            graph.add_edge(source, target, hops=[hop])

    # ------------------------------------------------------------------- lookup
    def find(self, name: str) -> NodeRef | None:
        """The table or column called ``name`` (exact, then ignoring case); tables win over columns."""
        for level, graph in (("table", self.tables), ("column", self.columns)):
            if name in graph:
                return NodeRef(level, name)
        for level in ("table", "column"):
            key = self._lower[level].get(name.lower())
            if key is not None:
                return NodeRef(level, key)
        return None

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        """Node names close to ``name``, for a "did you mean" hint."""
        names = {key: real for level in ("table", "column") for key, real in self._lower[level].items()}
        close = difflib.get_close_matches(name.lower(), list(names), n=limit, cutoff=0.6)
        return [names[c] for c in close]

    def table_columns(self, table: str) -> list[str]:
        """Column keys of ``table`` that take part in column lineage, sorted."""
        return sorted(self._columns_of.get(table, ()))

    @staticmethod
    def hops(graph: nx.DiGraph, source: str, target: str) -> list[Hop]:
        """The hops of an edge, sorted (file, line, kind...) for stable output."""
        return sorted(graph.edges[source, target]["hops"], key=_hop_key)

    # ------------------------------------------------------------------- queries
    def upstream(self, name: str, *, depth: int | None = None, level: str | None = None) -> LineageView:
        """Everything ``name`` is made from, ``depth`` edges deep at most."""
        return self._view(name, "upstream", depth, level)

    def downstream(self, name: str, *, depth: int | None = None, level: str | None = None) -> LineageView:
        """Everything made from ``name``, ``depth`` edges deep at most."""
        return self._view(name, "downstream", depth, level)

    def neighbourhood(self, name: str, *, depth: int | None = None, level: str | None = None) -> LineageView:
        """Upstream and downstream together."""
        return self._view(name, "both", depth, level)

    def _view(self, name: str, direction: str, depth: int | None, level: str | None) -> LineageView:
        ref = self.find(name)
        if ref is None:
            raise KeyError(name)
        graph = self.tables if ref.level == "table" else self.columns
        starts = [ref.key]
        if level == "column" and ref.level == "table":
            graph, starts = self.columns, self.table_columns(ref.key)
        distance: dict[str, int] = {s: 0 for s in starts}
        if direction in ("upstream", "both"):
            for node, d in _bfs(graph, starts, depth, reverse=True):
                distance.setdefault(node, -d)
        if direction in ("downstream", "both"):
            for node, d in _bfs(graph, starts, depth, reverse=False):
                distance.setdefault(node, d)
        level_name = "column" if graph is self.columns else "table"
        return LineageView(ref.key, level_name, direction, graph.subgraph(distance), distance)

    def whole(self, *, level: str = "table") -> LineageView:
        """Every node with an edge, at one level (``show`` without a name); lone datasets are left out."""
        graph = self.tables if level == "table" else self.columns
        linked = [n for n in graph if graph.degree(n)]
        return LineageView(None, level, "downstream", graph.subgraph(linked), {n: 0 for n in linked})

    def impact(self, name: str, *, depth: int | None = None) -> list[ImpactEntry]:
        """Every table and column downstream of ``name`` that reads it, with the path of hops to it.

        For a column: the columns derived from it (column edges), their tables, and, where a
        statement on the way gave no column lineage, its target table and everything below
        it as possibly affected (``exact=False``). For a table: everything below it at the
        table level, and every column derived from one of its columns. Sorted by depth then name.
        """
        ref = self.find(name)
        if ref is None:
            raise KeyError(name)
        if ref.level == "table":
            starts_t = [ref.key]
            starts_c = self.table_columns(ref.key)
        else:
            starts_t = []
            starts_c = [ref.key]
        entries: dict[tuple[str, str], ImpactEntry] = {}
        column_paths = _shortest_paths(self.columns, starts_c, depth)
        for node, (path, hops) in column_paths.items():
            if node in starts_c:
                continue
            entries[("column", node)] = ImpactEntry(node, "column", len(hops), tuple(path), tuple(hops))
            table = self.columns.nodes[node]["table"]
            table_path = tuple(path[:-1]) + (table,)
            current = entries.get(("table", table))
            if table != self._table_of(ref) and (current is None or current.depth > len(hops)):
                entries[("table", table)] = ImpactEntry(table, "table", len(hops), table_path, tuple(hops))
        if ref.level == "table":
            for node, (path, hops) in _shortest_paths(self.tables, starts_t, depth).items():
                if node != ref.key and ("table", node) not in entries:
                    entries[("table", node)] = ImpactEntry(node, "table", len(hops), tuple(path), tuple(hops))
        else:
            self._possible_tables(ref, column_paths, depth, entries)
        return sorted(entries.values(), key=lambda e: (e.depth, e.level != "table", e.name))

    def _table_of(self, ref: NodeRef) -> str:
        return ref.key if ref.level == "table" else self.columns.nodes[ref.key]["table"]

    def _possible_tables(self, ref: NodeRef, column_paths: Mapping[str, tuple[list[str], list[Hop]]],
                         depth: int | None, entries: dict[tuple[str, str], ImpactEntry]) -> None:
        """Tables reached through a hop without column lineage, and everything below them (``exact=False``).

        The search starts from the changed column's table and from the table of every column
        derived from it; from those, only hops without column lineage lead on (the others
        are already covered column by column); past such a hop, every hop does.
        """
        queue: deque[tuple[str, list[str], list[Hop], bool]] = deque()
        for node, (path, hops) in sorted(column_paths.items(), key=lambda item: (len(item[1][1]), item[0])):
            queue.append((self.columns.nodes[node]["table"], list(path), list(hops), True))
        while queue:
            table, path, hops, exact = queue.popleft()
            if depth is not None and len(hops) >= depth:
                continue
            for target in sorted(self.tables.successors(table)):
                edge_hops = self.hops(self.tables, table, target)
                usable = edge_hops if not exact else [h for h in edge_hops if not h.columns]
                if not usable or ("table", target) in entries or target == self._table_of(ref):
                    continue
                new_path, new_hops = path + [target], hops + [usable[0]]
                entries[("table", target)] = ImpactEntry(target, "table", len(new_hops), tuple(new_path),
                                                         tuple(new_hops), exact=False)
                queue.append((target, new_path, new_hops, False))


def _hop_key(hop: Hop) -> tuple[str, int, str, str, str]:
    return (hop.file, hop.line, hop.kind, hop.origin, hop.via)


def _bfs(graph: nx.DiGraph, starts: Sequence[str], depth: int | None, *,
         reverse: bool) -> Iterator[tuple[str, int]]:
    """``(node, distance)`` breadth-first from ``starts``; each node once, so cycles end."""
    neighbours = graph.predecessors if reverse else graph.successors
    seen = set(starts)
    queue = deque((s, 0) for s in starts)
    while queue:
        node, d = queue.popleft()
        if depth is not None and d >= depth:
            continue
        for nxt in sorted(neighbours(node)):
            if nxt not in seen:
                seen.add(nxt)
                yield nxt, d + 1
                queue.append((nxt, d + 1))


def _shortest_paths(graph: nx.DiGraph, starts: Sequence[str], depth: int | None
                    ) -> dict[str, tuple[list[str], list[Hop]]]:
    """Breadth-first shortest paths (nodes and the first hop of each edge) from any of ``starts``."""
    found: dict[str, tuple[list[str], list[Hop]]] = {s: ([s], []) for s in starts}
    queue = deque(sorted(starts))
    while queue:
        node = queue.popleft()
        path, hops = found[node]
        if depth is not None and len(hops) >= depth:
            continue
        for nxt in sorted(graph.successors(node)):
            if nxt not in found:
                hop = LineageGraph.hops(graph, node, nxt)[0]
                found[nxt] = (path + [nxt], hops + [hop])
                queue.append(nxt)
    return found
