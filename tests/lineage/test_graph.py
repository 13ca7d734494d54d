"""LineageGraph queries on a diamond and on cycles: upstream, downstream, depth limits, impact."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineage.graph import Hop, LineageGraph


def _hop(line: int, *, columns: bool = True, kind: str = "insert") -> Hop:
    return Hop(kind, "etl.sql", line, columns=columns)


def diamond() -> LineageGraph:
    """raw -> left, raw -> right, left + right -> mart; raw.id flows both ways, raw.v only left."""
    g = LineageGraph()
    g.add_statement(["raw"], "left", _hop(1), {"id": [("raw", "id")], "v": [("raw", "v")]})
    g.add_statement(["raw"], "right", _hop(2), {"id": [("raw", "id")]})
    g.add_statement(
        ["left", "right"],
        "mart",
        _hop(3),
        {"id": [("left", "id"), ("right", "id")], "total": [("left", "v")]},
    )
    return g


def cycle() -> LineageGraph:
    """a -> b -> c -> a (a job that feeds its own input), plus an upsert reading its target."""
    g = LineageGraph()
    g.add_statement(["a"], "b", _hop(1), {"x": [("a", "x")]})
    g.add_statement(["b"], "c", _hop(2), {"x": [("b", "x")]})
    g.add_statement(["c"], "a", _hop(3), {"x": [("c", "x")]})
    g.add_statement(["c", "b"], "b", _hop(4), {"x": [("b", "x"), ("c", "x")]})
    return g


def test_diamond_upstream_and_downstream() -> None:
    g = diamond()
    assert g.upstream("mart").tables == ["left", "mart", "raw", "right"]
    assert g.downstream("raw").tables == ["left", "mart", "raw", "right"]
    assert dict(g.downstream("raw").depth) == {"raw": 0, "left": 1, "right": 1, "mart": 2}
    assert g.upstream("mart", depth=1).tables == ["left", "mart", "right"]
    assert g.downstream("right").tables == ["mart", "right"]
    both = g.neighbourhood("left")
    assert dict(both.depth) == {"left": 0, "raw": -1, "mart": 1}


def test_diamond_column_level() -> None:
    g = diamond()
    assert sorted(g.upstream("mart.total").graph.nodes) == ["left.v", "mart.total", "raw.v"]
    view = g.downstream("raw", level="column")
    assert view.level == "column" and view.tables == ["left", "mart", "raw", "right"]
    assert sorted(g.downstream("raw.v").graph.nodes) == ["left.v", "mart.total", "raw.v"]


def test_diamond_impact_of_a_column_lists_paths_and_hops() -> None:
    entries = {(e.level, e.name): e for e in diamond().impact("raw.id")}
    assert sorted(entries) == [
        ("column", "left.id"),
        ("column", "mart.id"),
        ("column", "right.id"),
        ("table", "left"),
        ("table", "mart"),
        ("table", "right"),
    ]
    mart = entries[("column", "mart.id")]
    assert mart.path == ("raw.id", "left.id", "mart.id") and [h.where for h in mart.via] == [
        "etl.sql:1",
        "etl.sql:3",
    ]
    assert mart.depth == 2 and mart.exact
    assert entries[("table", "mart")].path == ("raw.id", "left.id", "mart")
    # raw.v reaches only the left branch
    assert {e.name for e in diamond().impact("raw.v")} == {"left", "left.v", "mart", "mart.total"}


def test_impact_of_a_table_and_depth_limit() -> None:
    g = diamond()
    names = [(e.level, e.name, e.depth) for e in g.impact("raw")]
    assert names == [
        ("table", "left", 1),
        ("table", "right", 1),
        ("column", "left.id", 1),
        ("column", "left.v", 1),
        ("column", "right.id", 1),
        ("table", "mart", 2),
        ("column", "mart.id", 2),
        ("column", "mart.total", 2),
    ]
    assert {e.name for e in g.impact("raw", depth=1)} == {"left", "right", "left.id", "left.v", "right.id"}


def test_cycles_end() -> None:
    g = cycle()
    assert g.downstream("a").tables == ["a", "b", "c"]
    assert g.upstream("a").tables == ["a", "b", "c"]
    assert dict(g.downstream("a").depth) == {"a": 0, "b": 1, "c": 2}
    entries = g.impact("a.x")
    assert [(e.name, e.depth) for e in entries if e.level == "column"] == [("b.x", 1), ("c.x", 2)]
    # the cycle back into a itself is not reported as a's own downstream
    assert "a" not in {e.name for e in entries} and "a.x" not in {e.name for e in entries}
    # edges collect every statement that moves data along them
    assert [h.line for h in LineageGraph.hops(g.tables, "c", "b")] == [4]
    assert [h.line for h in LineageGraph.hops(g.tables, "b", "b")] == [4]


def test_table_level_hops_make_downstream_tables_possibly_affected() -> None:
    g = diamond()
    g.add_statement(["mart"], "s3://exports/mart", Hop("insert", "job.py", 7, origin="glue", columns=False))
    g.add_statement(
        ["s3://exports/mart"],
        "partner",
        Hop("declared", "catalog.yaml", 3, origin="declared", via="replication", columns=False),
    )
    entries = {e.name: e for e in g.impact("raw.v")}
    export = entries["s3://exports/mart"]
    assert not export.exact and export.path == ("raw.v", "left.v", "mart.total", "s3://exports/mart")
    assert entries["partner"].depth == 4 and not entries["partner"].exact
    assert entries["mart.total"].exact
    # every column that reaches mart reaches the export through the table-level hop
    assert "s3://exports/mart" in {e.name for e in g.impact("raw.id")}
    assert {e.name for e in g.impact("right.id")} == {"mart", "mart.id", "s3://exports/mart", "partner"}


def test_find_ignores_case_and_suggests() -> None:
    g = diamond()
    g.add_table("Sales.Orders", dataset="sql:sales.orders")
    assert g.find("MART").key == "mart" and g.find("mart.ID").level == "column"
    assert g.find("sales.orders").key == "Sales.Orders"
    assert g.find("nope") is None
    assert g.suggestions("marts")[0] == "mart" and g.suggestions("zzz") == []
    with pytest.raises(KeyError):
        g.impact("nope")


def test_whole_graph_leaves_out_lone_tables() -> None:
    g = diamond()
    g.add_table("lonely", dataset="parquet:x")
    assert "lonely" not in g.whole().graph and set(g.whole().graph) == {"raw", "left", "right", "mart"}
    assert g.tables.nodes["lonely"]["dataset"] == "parquet:x"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=40),
    st.integers(0, 9),
    st.one_of(st.none(), st.integers(0, 4)),
)
def test_queries_agree_with_networkx_on_random_graphs(
    edges: list[tuple[int, int]], start: int, depth: int | None
) -> None:
    g = LineageGraph()
    reference = nx.DiGraph()
    for i in range(10):
        g.add_table(f"t{i}")
        reference.add_node(f"t{i}")
    for line, (u, v) in enumerate(edges, 1):
        g.add_statement([f"t{u}"], f"t{v}", _hop(line), {"c": [(f"t{u}", "c")]})
        reference.add_edge(f"t{u}", f"t{v}")
    root = f"t{start}"
    lengths = nx.single_source_shortest_path_length(reference, root, cutoff=depth)
    assert set(g.downstream(root, depth=depth).tables) == set(lengths)
    up = nx.single_source_shortest_path_length(reference.reverse(), root, cutoff=depth)
    assert set(g.upstream(root, depth=depth).tables) == set(up)
    impacted = {e.name: e for e in g.impact(root, depth=depth) if e.level == "table"}
    assert set(impacted) == set(lengths) - {root}
    for name, entry in impacted.items():
        assert entry.depth == lengths[name] and len(entry.via) == len(entry.path) - 1
