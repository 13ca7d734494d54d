"""GraphSON 3.0 load/save: TinkerPop's sample graphs round-trip, corrupt files name their line."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import uuid
from pathlib import Path

import pytest
from gremlin_python.statics import SingleByte, bigint, long, short
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.engine import Graph, load_graphson, save_graphson
from graph.engine.graphson import decode_value, dumps_graphson, encode_value
from graph.engine.numbers import Float32
from graph.engine.store import Edge, Vertex
from graph.errors import GremlinError
from tests.graph.test_engine_traversal import modern

_REPO = Path(__file__).resolve().parents[2]


def _suite_graph(name: str) -> Path:
    configured = os.environ.get("LAKEMAP_GREMLIN_FEATURES")
    root = Path(configured) if configured else _REPO.parent / "shared" / "gremlin-features"
    path = root / "data" / "graphs" / name
    if not path.is_file():
        pytest.skip(f"TinkerPop feature suite not found (set LAKEMAP_GREMLIN_FEATURES); missing {path}")
    return path


def snapshot(g: Graph, ordered: bool = True) -> tuple[object, ...]:
    """Everything that makes two graphs equal: elements, ids, labels, values and their types, and the
    per-vertex edge order (the file format keeps it; the global edge table order it does not)."""

    def typed(value: object) -> object:
        return (type(value).__name__, repr(value))

    vertices = []
    for v in g.vertices.values():
        props = tuple(
            (vp.id, key, typed(vp.value), tuple((k, typed(p.value)) for k, p in vp.props.items()))
            for key, vps in v.props.items()
            for vp in vps
        )
        out_e = tuple(e.id for e in v.edges("out"))
        in_e = tuple(e.id for e in v.edges("in"))
        if not ordered:
            out_e, in_e = tuple(sorted(out_e)), tuple(sorted(in_e))
        vertices.append((typed(v.id), v.label, props, out_e, in_e))
    edges = tuple(
        (typed(e.id), e.label, e.out_v.id, e.in_v.id, tuple((k, typed(p.value)) for k, p in e.props.items()))
        for e in g.edges.values()
    )
    return tuple(vertices), tuple(sorted(edges, key=repr))


@pytest.mark.parametrize(
    "name", ["tinkerpop-modern.json", "tinkerpop-crew.json", "tinkerpop-sink.json", "grateful-dead.json"]
)
def test_suite_graphs_round_trip(name: str, tmp_path: Path) -> None:
    original = load_graphson(_suite_graph(name))
    target = tmp_path / name
    save_graphson(original, target)
    again = load_graphson(target)
    assert snapshot(again) == snapshot(original)
    assert dumps_graphson(again) == target.read_text(encoding="utf-8")


def test_modern_loads_as_tinkerpop_wrote_it() -> None:
    g = load_graphson(_suite_graph("tinkerpop-modern.json"))
    assert snapshot(g, ordered=False) == snapshot(modern(), ordered=False)


def test_crew_has_multi_and_meta_properties() -> None:
    g = load_graphson(_suite_graph("tinkerpop-crew.json"))
    marko = g.vertices[1]
    locations = marko.props["location"]
    assert [vp.value for vp in locations] == ["san diego", "santa cruz", "brussels", "santa fe"]
    assert locations[0].props["startTime"].value == 1997


def test_save_is_atomic_and_deterministic(tmp_path: Path) -> None:
    target = tmp_path / "g.json"
    target.write_text("old", encoding="utf-8")
    save_graphson(modern(), target)
    first = target.read_text(encoding="utf-8")
    save_graphson(modern(), target)
    assert target.read_text(encoding="utf-8") == first
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]
    assert len(first.splitlines()) == 6


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"id":1,"label":"a"}', "{not json"], "<graphson>:2: invalid JSON"),
        (['{"label":"a"}'], "<graphson>:1: expected a vertex object"),
        (
            ['{"id":1,"outE":{"x":[{"id":5,"inV":{"@type":"g:Int32","@value":9}}]}}'],
            "<graphson>:1: edge 'x' from vertex 1 points to missing vertex 9",
        ),
        (['{"id":{"@type":"g:Int32","@value":"x"}}'], "<graphson>:1: not an integer"),
        (['{"id":1}', '{"id":1}'], "<graphson>:2: Vertex with id already exists: 1"),
        (['{"id":1,"properties":{"k":[{"id":3}]}}'], "<graphson>:1: vertex property 'k' needs a 'value'"),
        (['{"id":{"@type":"g:Nope","@value":1}}'], "<graphson>:1: unsupported GraphSON type"),
    ],
)
def test_corrupt_input_names_the_line(lines: list[str], message: str) -> None:
    with pytest.raises(GremlinError) as info:
        load_graphson(lines)
    assert str(info.value).startswith(message)


def test_missing_file_is_a_gremlin_error(tmp_path: Path) -> None:
    with pytest.raises(GremlinError, match="cannot read GraphSON file"):
        load_graphson(tmp_path / "nope.json")


def test_typed_values_round_trip() -> None:
    values = [
        1,
        long(2),
        short(3),
        int.__new__(SingleByte, 4),
        bigint(2**80),
        1.5,
        Float32(0.25),
        decimal.Decimal("1.10"),
        "text",
        True,
        None,
        [1, "a"],
        {"k": [1]},
        uuid.UUID(int=7),
        dt.datetime(2023, 8, 2, 10, 30, tzinfo=dt.UTC),
        dt.timedelta(hours=1, seconds=1.5),
    ]
    for value in values:
        back = decode_value(json.loads(json.dumps(encode_value(value))))
        assert back == value and type(back) is type(value)
    assert decode_value(encode_value({"x", "y"})) == {"x", "y"}


_prop_values = st.one_of(
    st.integers(-(2**31), 2**31 - 1),
    st.integers(-(2**63), 2**63 - 1).map(long),
    st.text(max_size=5),
    st.booleans(),
    st.floats(allow_nan=False),
    st.lists(st.integers(0, 9), max_size=3),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b"]),
            st.dictionaries(st.sampled_from(["k", "m"]), _prop_values, max_size=2),
        ),
        max_size=6,
    ),
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from(["x", "y"]), _prop_values), max_size=8
    ),
)
def test_random_graphs_round_trip(
    vertices: list[tuple[str, dict[str, object]]], edges: list[tuple[int, int, str, object]]
) -> None:
    g = Graph()
    made: list[Vertex] = []
    for label, props in vertices:
        v = g.add_vertex(label)
        for key, value in props.items():
            g.add_vertex_property(v, key, value)
        made.append(v)
    for out_i, in_i, label, value in edges:
        if made:
            e: Edge = g.add_edge(label, made[out_i % len(made)], made[in_i % len(made)])
            g.set_edge_property(e, "w", value)
    again = load_graphson(dumps_graphson(g).splitlines())
    assert snapshot(again) == snapshot(g)
