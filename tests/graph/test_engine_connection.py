"""EmbeddedConnection as gremlinpython sees it: submit, async, errors, strategies, robustness."""

from __future__ import annotations

from typing import Any

import pytest
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.strategies import (
    LazyBarrierStrategy,
    PartitionStrategy,
    ReadOnlyStrategy,
    SubgraphStrategy,
)
from gremlin_python.process.traversal import Bindings, Bytecode, P, T
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.engine import EmbeddedConnection, Graph, execute
from graph.engine.compiler import Compiler
from graph.engine.core import Context
from graph.engine.steps_graph import GraphStep
from graph.errors import GremlinError, UnsupportedStepError
from tests.graph.test_engine_traversal import modern


def g_for(graph: Graph | None = None) -> Any:
    return traversal().with_(EmbeddedConnection(graph if graph is not None else modern()))


def test_submit_returns_bulked_traversers() -> None:
    conn = EmbeddedConnection(modern())
    bytecode = traversal().with_(conn).V().out().barrier().values("name").bytecode
    remote = conn.submit(bytecode)
    traversers = list(remote.traversers)
    assert sum(t.bulk for t in traversers) == 6
    assert any(t.object == "lop" and t.bulk == 3 for t in traversers)


def test_promise_uses_submit_async() -> None:
    g = g_for()
    future = g.V().has("name", "josh").values("age").promise(lambda t: t.next())
    assert future.result(timeout=10) == 32


def test_closed_connection_refuses_work() -> None:
    conn = EmbeddedConnection(modern())
    g = traversal().with_(conn)
    assert not conn.is_closed()
    conn.close()
    assert conn.is_closed()
    with pytest.raises(GremlinError, match="closed"):
        g.V().to_list()


def test_iterate_sends_discard_and_none() -> None:
    graph = Graph()
    g = g_for(graph)
    g.add_v("a").iterate()  # gremlinpython 3.8 appends discard()
    bytecode = Bytecode()
    bytecode.add_step("addV", "b")
    bytecode.add_step("none")  # what gremlinpython 3.7 appends
    assert execute(graph, bytecode) == []
    assert sorted(g.V().label().to_list()) == ["a", "b"]


def test_bindings_are_resolved() -> None:
    g = g_for()
    assert g.V().has("name", Bindings.of("n", "marko")).values("age").to_list() == [29]


def test_lambdas_are_rejected_with_a_clear_error() -> None:
    g = g_for()
    with pytest.raises(GremlinError, match="lambdas are not supported"):
        g.V().map(lambda: "it.get()").to_list()
    with pytest.raises(GremlinError, match="lambdas are not supported"):
        g.V().filter_(lambda: ("x -> true", "gremlin-groovy")).to_list()


def test_unsupported_steps_name_the_step() -> None:
    g = g_for()
    with pytest.raises(UnsupportedStepError) as info:
        g.V().page_rank().to_list()
    assert info.value.step == "pageRank"
    with pytest.raises(UnsupportedStepError) as info:
        g.V().tree().to_list()
    assert info.value.step == "tree"


def test_errors_are_gremlin_errors() -> None:
    g = g_for()
    with pytest.raises(GremlinError):
        g.V().values("name").math("_ + 1").to_list()
    with pytest.raises(GremlinError, match="Not a legal range"):
        g.V().range_(3, 2).to_list()
    with pytest.raises(GremlinError, match="already exists"):
        g.add_v("person").property(T.id, 1).to_list()


def test_read_only_strategy_blocks_mutations() -> None:
    g = g_for().with_strategies(ReadOnlyStrategy())
    assert g.V().count().next() == 6
    with pytest.raises(GremlinError, match="not read only"):
        g.add_v("x").to_list()


def test_optimisation_strategies_are_accepted() -> None:
    assert g_for().with_strategies(LazyBarrierStrategy()).V().count().next() == 6
    assert g_for().with_("evaluationTimeout", 1000).V().count().next() == 6


def test_subgraph_strategy_filters_elements() -> None:
    g = g_for().with_strategies(
        SubgraphStrategy(vertices=__.has_label("person"), edges=__.has("weight", P.gt(0.4)))
    )
    assert sorted(g.V().values("name").to_list()) == ["josh", "marko", "peter", "vadas"]
    assert g.E().count().next() == 2
    assert g.V(1).out().values("name").to_list() == ["vadas", "josh"]


def test_partition_strategy_writes_and_reads_partitions() -> None:
    graph = Graph()
    g_a = (
        traversal()
        .with_(EmbeddedConnection(graph))
        .with_strategies(PartitionStrategy(partition_key="_p", write_partition="a", read_partitions=["a"]))
    )
    g_b = (
        traversal()
        .with_(EmbeddedConnection(graph))
        .with_strategies(PartitionStrategy(partition_key="_p", write_partition="b", read_partitions=["b"]))
    )
    g_a.add_v("x").property("name", "in-a").iterate()
    g_b.add_v("x").property("name", "in-b").iterate()
    assert g_a.V().values("name").to_list() == ["in-a"]
    assert g_b.V().values("name").to_list() == ["in-b"]
    assert g_a.V().properties().key().to_list() == ["name"]  # the partition key stays hidden


def test_label_and_key_lookups_fold_into_an_index_lookup() -> None:
    ctx = Context(modern())
    compiled = Compiler(ctx).compile_root(
        traversal()
        .with_(EmbeddedConnection(Graph()))
        .V()
        .has_label("person")
        .has("name", "josh")
        .out()
        .bytecode
    )
    first = compiled.steps[0]
    assert isinstance(first, GraphStep) and len(compiled.steps) == 2  # both has steps folded away
    assert first._index_plan() == (["person"], "name", "josh")
    three_arg = Compiler(ctx).compile_root(
        traversal().with_(EmbeddedConnection(Graph())).V().has("person", "name", "josh").bytecode
    )
    assert three_arg.steps[0]._index_plan() == (["person"], "name", "josh")


def test_results_are_gremlinpython_types() -> None:
    g = g_for()
    v = g.V(1).next()
    assert type(v).__module__ == "gremlin_python.structure.graph"
    assert {p.key for p in v.properties} == {"name", "age"}
    e = g.E(7).next()
    assert (e.outV.id, e.label, e.inV.id) == (1, "knows", 2)
    path = g.V(1).out("knows").path().next()
    assert [o.id for o in path.objects] == [1, 2]


_STEP_POOL = [
    ("out", []),
    ("in", []),
    ("both", ["knows"]),
    ("outE", []),
    ("inV", []),
    ("values", ["name"]),
    ("values", ["age"]),
    ("count", []),
    ("fold", []),
    ("unfold", []),
    ("dedup", []),
    ("limit", [2]),
    ("order", []),
    ("sum", []),
    ("max", []),
    ("path", []),
    ("label", []),
    ("id", []),
    ("is", [P.gt(1)]),
    ("has", ["name"]),
    ("hasLabel", ["person"]),
    ("constant", [1]),
    ("math", ["_ + 1"]),
    ("asString", []),
    ("toUpper", []),
    ("barrier", []),
    ("group", []),
    ("groupCount", []),
    ("select", ["a"]),
    ("as", ["a"]),
    ("elementMap", []),
    ("valueMap", []),
    ("range", [1, 3]),
    ("tail", [1]),
    ("simplePath", []),
    ("key", []),
    ("value", []),
    ("properties", []),
    ("mean", []),
    ("concat", ["x"]),
    ("length", []),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_STEP_POOL), max_size=6))
def test_random_traversals_fail_only_with_gremlin_errors(steps: list[tuple[str, list[Any]]]) -> None:
    bytecode = Bytecode()
    bytecode.add_step("V")
    for name, args in steps:
        bytecode.add_step(name, *args)
    try:
        execute(modern(), bytecode)
    except GremlinError:
        pass


_ARG_POOL = [
    None,
    0,
    1,
    -1,
    2.5,
    "name",
    "age",
    "a",
    "knows",
    [],
    [1, 2],
    {"a": 1},
    True,
    P.gt(1),
    P.within("a", "b"),
    T.id,
    T.label,
    float("nan"),
]


def _random_bytecode(draw: Any, depth: int = 0) -> Bytecode:
    from graph.engine.compiler import STEPS
    from graph.engine.modulators import MODULATORS

    names = sorted(set(STEPS) | set(MODULATORS))
    bytecode = Bytecode()
    if depth == 0:
        bytecode.add_step(
            draw(st.sampled_from(["V", "E", "inject"])),
            *draw(st.lists(st.sampled_from(_ARG_POOL), max_size=1)),
        )
    for _ in range(draw(st.integers(0, 4))):
        args: list[Any] = []
        for _ in range(draw(st.integers(0, 3))):
            if depth < 2 and draw(st.booleans()) and draw(st.booleans()):
                args.append(_random_bytecode(draw, depth + 1))
            else:
                args.append(draw(st.sampled_from(_ARG_POOL)))
        bytecode.add_step(draw(st.sampled_from(names)), *args)
    return bytecode


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_arbitrary_bytecode_fails_only_with_gremlin_errors(data: Any) -> None:
    bytecode = _random_bytecode(data.draw)
    try:
        execute(modern(), bytecode)
    except GremlinError:
        pass
