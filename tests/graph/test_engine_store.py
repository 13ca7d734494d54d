"""The property-graph store: ids, adjacency, cardinality, removal, indexes and copies."""

from __future__ import annotations

import pytest
from gremlin_python.statics import long
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.engine import Graph
from graph.errors import GremlinError
from tests.graph.test_engine_traversal import modern


def test_new_ids_follow_the_largest_integer_id() -> None:
    g = modern()
    v = g.add_vertex("x")
    assert v.id == 13 and type(v.id) is long  # edges 7-12 and vertex properties 0-11 are taken
    e = g.add_edge("self", v, v)
    assert e.id == 14


def test_duplicate_ids_are_rejected() -> None:
    g = modern()
    with pytest.raises(GremlinError, match="already exists"):
        g.add_vertex("person", 1)
    with pytest.raises(GremlinError, match="already exists"):
        g.add_edge("knows", g.vertices[1], g.vertices[2], 7)


def test_string_and_integer_ids_find_each_other() -> None:
    g = modern()
    assert g.vertex("1") is g.vertices[1]
    assert g.edge("7") is g.edges[7]
    g.add_vertex("x", "42")
    assert g.vertex(42) is g.vertices["42"]


def test_parallel_edges_and_adjacency_by_label() -> None:
    g = Graph()
    c, p = g.add_vertex("Customer"), g.add_vertex("Product")
    for label in ("VIEWED", "PURCHASED", "VIEWED"):
        g.add_edge(label, c, p)
    assert [e.label for e in c.edges("out")] == ["VIEWED", "VIEWED", "PURCHASED"]
    assert len(list(c.edges("out", ("VIEWED",)))) == 2
    assert len(list(p.edges("in", ("PURCHASED",)))) == 1
    assert len(list(c.edges("both"))) == 3


def test_cardinality_single_list_set() -> None:
    g = Graph()
    v = g.add_vertex("p")
    g.add_vertex_property(v, "k", 1, "list")
    g.add_vertex_property(v, "k", 1, "list")
    assert [vp.value for vp in v.props["k"]] == [1, 1]
    assert g.add_vertex_property(v, "k", 1, "set") is v.props["k"][0]
    g.add_vertex_property(v, "k", 2, "single")
    assert [vp.value for vp in v.props["k"]] == [2]


def test_index_lookup_tracks_mutations() -> None:
    g = modern()
    assert [v.id for v in g.lookup("person", "name", "josh")] == [4]
    josh = g.vertices[4]
    g.add_vertex_property(josh, "name", "joshua", "single")
    assert g.lookup("person", "name", "josh") == []
    assert [v.id for v in g.lookup("person", "name", "joshua")] == [4]
    new = g.add_vertex("person")
    g.add_vertex_property(new, "name", "joshua", "single")
    assert sorted(v.id for v in g.lookup("person", "name", "joshua")) == [4, new.id]
    g.remove_vertex(josh)
    assert [v.id for v in g.lookup("person", "name", "joshua")] == [new.id]
    assert [v.id for v in g.lookup(None, "name", "lop")] == [3]


def test_index_keeps_numbers_and_booleans_apart() -> None:
    g = Graph()
    a, b = g.add_vertex("x"), g.add_vertex("x")
    g.add_vertex_property(a, "flag", True)
    g.add_vertex_property(b, "flag", 1)
    assert g.lookup("x", "flag", True) == [a]
    assert g.lookup("x", "flag", 1.0) == [b]


def test_remove_vertex_removes_incident_edges() -> None:
    g = modern()
    g.remove_vertex(g.vertices[1])
    assert 1 not in g.vertices
    assert {7, 8, 9}.isdisjoint(g.edges)
    assert [e.id for e in g.vertices[3].edges("in")] == [11, 12]


def test_copy_is_independent() -> None:
    g = modern()
    c = g.copy()
    c.remove_vertex(c.vertices[1])
    c.add_vertex_property(c.vertices[2], "name", "changed", "single")
    assert 1 in g.vertices and len(g.edges) == 6
    assert g.vertices[2].first_value("name") == "vadas"
    assert [e.id for e in c.vertices[4].edges("out")] == [10, 11]
    assert c.vertices[4].out_e["created"][0] is c.edges[10]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from(["a", "b"])), max_size=25))
def test_adjacency_matches_edge_table(edges: list[tuple[int, int, str]]) -> None:
    g = Graph()
    vs = [g.add_vertex("v", i) for i in range(6)]
    for out_i, in_i, label in edges:
        g.add_edge(label, vs[out_i], vs[in_i])
    for e in list(g.edges.values())[::3]:  # drop every third edge again
        g.remove_edge(e)
    for v in vs:
        assert sorted(e.id for e in v.edges("out")) == sorted(e.id for e in g.edges.values() if e.out_v is v)
        assert sorted(e.id for e in v.edges("in")) == sorted(e.id for e in g.edges.values() if e.in_v is v)
