"""The embedded engine driven through gremlinpython's own API, table-driven against "modern".

Each case is a gremlinpython traversal (exactly what user code writes) and the expected
results, compared after turning vertices/edges into their names so the table reads like the
Gremlin documentation. ``modern()`` builds TinkerPop's classic graph in code (no data files)
and is shared with the other engine tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from gremlin_python.process.anonymous_traversal import traversal
from gremlin_python.process.graph_traversal import GraphTraversalSource, __
from gremlin_python.process.traversal import (
    Cardinality,
    Column,
    Direction,
    Merge,
    Operator,
    Order,
    P,
    Pop,
    Scope,
    T,
    TextP,
    WithOptions,
)
from gremlin_python.statics import long
from gremlin_python.structure.graph import Edge, Path, Vertex

from graph.engine import EmbeddedConnection, Graph


def modern() -> Graph:
    """TinkerPop's "modern" graph with its usual ids (vertices 1-6, edges 7-12)."""
    g = Graph()
    people = {1: ("marko", 29), 2: ("vadas", 27), 4: ("josh", 32), 6: ("peter", 35)}
    software = {3: "lop", 5: "ripple"}
    vp_id = 0
    for vid in range(1, 7):
        if vid in people:
            v = g.add_vertex("person", vid)
            name, age = people[vid]
            g.add_vertex_property(v, "name", name, "list", long(vp_id))
            g.add_vertex_property(v, "age", age, "list", long(vp_id + 1))
        else:
            v = g.add_vertex("software", vid)
            g.add_vertex_property(v, "name", software[vid], "list", long(vp_id))
            g.add_vertex_property(v, "lang", "java", "list", long(vp_id + 1))
        vp_id += 2
    for eid, out_id, label, in_id, weight in (
        (7, 1, "knows", 2, 0.5),
        (8, 1, "knows", 4, 1.0),
        (9, 1, "created", 3, 0.4),
        (10, 4, "created", 5, 1.0),
        (11, 4, "created", 3, 0.4),
        (12, 6, "created", 3, 0.2),
    ):
        e = g.add_edge(label, g.vertices[out_id], g.vertices[in_id], eid)
        g.set_edge_property(e, "weight", weight)
    return g


NAMES = {1: "marko", 2: "vadas", 3: "lop", 4: "josh", 5: "ripple", 6: "peter"}


def source(graph: Graph | None = None) -> GraphTraversalSource:
    return traversal().with_(EmbeddedConnection(graph if graph is not None else modern()))


def named(value: Any) -> Any:
    """Vertices as their names, edges as 'out-label->in', recursively; comparable results."""
    if isinstance(value, Vertex):
        return NAMES.get(value.id, value.id)
    if isinstance(value, Edge):
        return f"{named(value.outV)}-{value.label}->{named(value.inV)}"
    if isinstance(value, Path):
        return [named(o) for o in value.objects]
    if isinstance(value, list):
        return [named(v) for v in value]
    if isinstance(value, set):
        return {named(v) for v in value}
    if isinstance(value, dict):
        return {named(k): named(v) for k, v in value.items()}
    if isinstance(value, Direction):
        return value.name
    return value


Case = tuple[str, Callable[[GraphTraversalSource], Any], Any, bool]

# (id, traversal, expected, ordered)
CASES: list[Case] = [
    ("V", lambda g: g.V(), ["marko", "vadas", "lop", "josh", "ripple", "peter"], False),
    ("V_ids", lambda g: g.V(1, 2), ["marko", "vadas"], False),
    ("V_string_id", lambda g: g.V("1"), ["marko"], False),
    ("E_id", lambda g: g.E(7).out_v(), ["marko"], False),
    ("out", lambda g: g.V(1).out().values("name"), ["lop", "vadas", "josh"], False),
    ("out_label", lambda g: g.V(1).out("knows").values("name"), ["vadas", "josh"], False),
    ("in", lambda g: g.V(3).in_("created").values("name"), ["marko", "josh", "peter"], False),
    ("both", lambda g: g.V(4).both().values("name"), ["ripple", "lop", "marko"], False),
    ("outE_inV", lambda g: g.V(1).out_e("knows").in_v(), ["vadas", "josh"], False),
    ("bothE_otherV", lambda g: g.V(4).both_e().other_v(), ["ripple", "lop", "marko"], False),
    ("bothV", lambda g: g.E(7).both_v(), ["marko", "vadas"], False),
    ("has", lambda g: g.V().has("name", "marko"), ["marko"], False),
    (
        "has_label_key_value",
        lambda g: g.V().has("person", "age", P.gt(30)).values("name"),
        ["josh", "peter"],
        False,
    ),
    ("hasLabel", lambda g: g.V().has_label("software").values("name"), ["lop", "ripple"], False),
    ("hasId", lambda g: g.V().has_id(P.within(1, 3)).values("name"), ["marko", "lop"], False),
    ("hasNot", lambda g: g.V().has_not("age").values("name"), ["lop", "ripple"], False),
    ("hasKey", lambda g: g.V(1).properties().has_key("age").value(), [29], False),
    ("hasValue", lambda g: g.V(1).properties().has_value("marko").key(), ["name"], False),
    ("has_traversal", lambda g: g.V().has("age", __.is_(P.gt(30))).values("name"), ["josh", "peter"], False),
    ("is", lambda g: g.V().values("age").is_(P.between(27, 30)), [29, 27], False),
    ("P_and_or", lambda g: g.V().values("age").is_(P.gt(30).or_(P.lt(28))), [27, 32, 35], False),
    ("P_inside_outside", lambda g: g.V().values("age").is_(P.outside(28, 33)), [27, 35], False),
    ("P_without", lambda g: g.V().values("age").is_(P.without(27, 29)), [32, 35], False),
    ("P_not", lambda g: g.V().values("age").is_(P.not_(P.eq(29))), [27, 32, 35], False),
    ("TextP", lambda g: g.V().values("name").is_(TextP.containing("a")), ["marko", "vadas"], False),
    (
        "TextP_not",
        lambda g: g.V().values("name").is_(TextP.not_ending_with("o")),
        ["vadas", "lop", "josh", "ripple", "peter"],
        False,
    ),
    ("TextP_regex", lambda g: g.V().values("name").is_(TextP.regex("^[mv]")), ["marko", "vadas"], False),
    (
        "where_P",
        lambda g: g.V(1).as_("a").out().where(P.neq("a")).values("name"),
        ["lop", "vadas", "josh"],
        False,
    ),
    (
        "where_traversal",
        lambda g: g.V().where(__.out("created")).values("name"),
        ["marko", "josh", "peter"],
        False,
    ),
    (
        "where_by",
        lambda g: g.V().as_("a").out("knows").where(P.gt("a")).by("age").values("name"),
        ["josh"],
        False,
    ),
    ("not", lambda g: g.V().not_(__.has_label("person")).values("name"), ["lop", "ripple"], False),
    (
        "and",
        lambda g: g.V().and_(__.out_e("knows"), __.values("age").is_(29)).values("name"),
        ["marko"],
        False,
    ),
    (
        "or",
        lambda g: g.V().or_(__.has("age", 27), __.has("lang")).values("name"),
        ["vadas", "lop", "ripple"],
        False,
    ),
    ("filter", lambda g: g.V().filter_(__.in_("knows")).values("name"), ["vadas", "josh"], False),
    ("dedup", lambda g: g.V().out().dedup().values("name"), ["lop", "vadas", "josh", "ripple"], False),
    ("dedup_by", lambda g: g.V().dedup().by(T.label).count(), [2], False),
    ("limit", lambda g: g.V().order().by("name").limit(2).values("name"), ["josh", "lop"], True),
    ("range", lambda g: g.V().order().by("name").range_(1, 3).values("name"), ["lop", "marko"], True),
    ("skip", lambda g: g.V().order().by("name").skip(4).values("name"), ["ripple", "vadas"], True),
    ("tail", lambda g: g.V().order().by("name").tail(2).values("name"), ["ripple", "vadas"], True),
    ("limit_local", lambda g: g.V().values("age").order().fold().limit(Scope.local, 2), [[27, 29]], False),
    (
        "simplePath",
        lambda g: g.V(1).both().both().simple_path().values("name"),
        ["josh", "peter", "ripple", "lop"],
        False,
    ),
    ("cyclicPath", lambda g: g.V(1).out().in_().cyclic_path().count(), [3], False),
    ("values", lambda g: g.V(1).values("name", "age"), ["marko", 29], False),
    ("valueMap", lambda g: g.V(1).value_map(), [{"name": ["marko"], "age": [29]}], False),
    (
        "valueMap_tokens",
        lambda g: g.V(1).value_map("name").with_(WithOptions.tokens),
        [{T.id: 1, T.label: "person", "name": ["marko"]}],
        False,
    ),
    (
        "elementMap",
        lambda g: g.V(1).element_map(),
        [{T.id: 1, T.label: "person", "name": "marko", "age": 29}],
        False,
    ),
    (
        "elementMap_edge",
        lambda g: g.E(7).element_map(),
        [
            {
                T.id: 7,
                T.label: "knows",
                "weight": 0.5,
                "IN": {T.id: 2, T.label: "person"},
                "OUT": {T.id: 1, T.label: "person"},
            }
        ],
        False,
    ),
    ("propertyMap", lambda g: g.E(7).property_map().select(Column.keys), [{"weight"}], False),
    ("id_label", lambda g: g.V(3).union(__.id_(), __.label()), [3, "software"], False),
    (
        "key_value",
        lambda g: g.V(1).properties("age").project("k", "v").by(T.key).by(T.value),
        [{"k": "age", "v": 29}],
        False,
    ),
    (
        "project",
        lambda g: g.V(1).project("n", "c").by("name").by(__.out().count()),
        [{"n": "marko", "c": 3}],
        False,
    ),
    (
        "select",
        lambda g: g.V(1).as_("a").out("knows").as_("b").select("a", "b").by("name"),
        [{"a": "marko", "b": "vadas"}, {"a": "marko", "b": "josh"}],
        False,
    ),
    (
        "select_pop",
        lambda g: g.V(1).as_("x").out("knows").as_("x").select(Pop.all_, "x"),
        [["marko", "vadas"], ["marko", "josh"]],
        False,
    ),
    ("select_column", lambda g: g.V().group_count().by(T.label).select(Column.values), [[4, 2]], False),
    ("path", lambda g: g.V(1).out("knows").path().by("name"), [["marko", "vadas"], ["marko", "josh"]], False),
    (
        "path_objects",
        lambda g: g.V(1).out_e("created").in_v().path(),
        [["marko", "marko-created->lop", "lop"]],
        False,
    ),
    ("count", lambda g: g.V().count(), [6], False),
    ("count_local", lambda g: g.V().values("name").fold().count(Scope.local), [6], False),
    ("sum", lambda g: g.V().values("age").sum_(), [123], False),
    ("mean", lambda g: g.V().values("age").mean(), [30.75], False),
    (
        "max_min",
        lambda g: g.V().values("age").fold().union(__.max_(Scope.local), __.min_(Scope.local)),
        [35, 27],
        False,
    ),
    ("max_strings", lambda g: g.V().values("name").max_(), ["vadas"], False),
    (
        "fold_unfold",
        lambda g: g.V(1).out().values("name").fold().unfold().order(),
        ["josh", "lop", "vadas"],
        True,
    ),
    ("fold_seed", lambda g: g.V().values("age").fold(0, Operator.sum_), [123], False),
    (
        "group",
        lambda g: g.V().group().by(T.label).by("name"),
        [{"person": ["marko", "vadas", "josh", "peter"], "software": ["lop", "ripple"]}],
        False,
    ),
    (
        "group_count_by",
        lambda g: g.V().out().group_count().by("name"),
        [{"lop": 3, "vadas": 1, "josh": 1, "ripple": 1}],
        False,
    ),
    (
        "group_reduce",
        lambda g: g.V().group().by(T.label).by(__.values("age").sum_()),
        [{"person": 123}],
        False,
    ),
    (
        "order_desc",
        lambda g: g.V().has_label("person").order().by("age", Order.desc).values("name"),
        ["peter", "josh", "marko", "vadas"],
        True,
    ),
    (
        "order_two_keys",
        lambda g: g.V().order().by(T.label).by("name", Order.desc).values("name"),
        ["vadas", "peter", "marko", "josh", "ripple", "lop"],
        True,
    ),
    (
        "order_local",
        lambda g: g.V().values("age").fold().order(Scope.local).by(Order.desc),
        [[35, 32, 29, 27]],
        False,
    ),
    (
        "order_map_values",
        lambda g: g.V().group_count().by(T.label).order(Scope.local).by(Column.values, Order.asc),
        [{"software": 2, "person": 4}],
        False,
    ),
    ("constant", lambda g: g.V(1, 2).constant("x"), ["x", "x"], False),
    ("coalesce", lambda g: g.V().coalesce(__.values("age"), __.constant(0)), [29, 27, 0, 32, 0, 35], False),
    (
        "optional",
        lambda g: g.V(1, 2).optional(__.out("knows")).values("name"),
        ["vadas", "josh", "vadas"],
        False,
    ),
    (
        "union",
        lambda g: g.V(4).union(__.in_().values("name"), __.out().values("name")),
        ["marko", "ripple", "lop"],
        False,
    ),
    ("repeat_times", lambda g: g.V(1).repeat(__.out()).times(2).values("name"), ["ripple", "lop"], False),
    (
        "repeat_until",
        lambda g: g.V(1).repeat(__.out()).until(__.has("name", "ripple")).path().by("name"),
        [["marko", "josh", "ripple"]],
        False,
    ),
    (
        "repeat_emit",
        lambda g: g.V(1).repeat(__.out()).emit().values("name"),
        ["lop", "vadas", "josh", "ripple", "lop"],
        False,
    ),
    (
        "repeat_emit_first",
        lambda g: g.V(1).emit().repeat(__.out("knows")).values("name"),
        ["marko", "vadas", "josh"],
        False,
    ),
    ("repeat_loops", lambda g: g.V(1).repeat(__.both()).until(__.loops().is_(2)).dedup().count(), [5], False),
    (
        "choose_predicate",
        lambda g: (
            g.V()
            .has_label("person")
            .choose(__.values("age").is_(P.gt(30)), __.constant("old"), __.constant("young"))
        ),
        ["young", "young", "old", "old"],
        False,
    ),
    (
        "choose_options",
        lambda g: g.V().choose(T.label).option("person", __.constant(1)).option("software", __.constant(2)),
        [1, 1, 2, 1, 2, 1],
        False,
    ),
    (
        "local",
        lambda g: g.V(1, 4).local(__.out_e().order().by("weight").limit(1)).in_v().values("name"),
        ["lop", "lop"],
        False,
    ),
    ("identity", lambda g: g.V(1).identity().values("name"), ["marko"], False),
    ("inject", lambda g: g.inject(1, 2, 3).map(__.math("_ * 2")), [2.0, 4.0, 6.0], False),
    (
        "math_labels",
        lambda g: g.V(1).as_("a").out("knows").as_("b").math("a - b").by("age"),
        [2.0, -3.0],
        False,
    ),
    (
        "aggregate_cap",
        lambda g: g.V(1).out().aggregate("x").by("name").cap("x"),
        [["vadas", "josh", "lop"]],
        False,
    ),
    (
        "store_sideEffect",
        lambda g: (
            g.V().side_effect(__.values("name").aggregate(Scope.local, "n")).cap("n").count(Scope.local)
        ),
        [6],
        False,
    ),
    (
        "withSideEffect",
        lambda g: g.with_side_effect("x", ["vadas"]).V().where(P.within("x")).by("name").by().values("age"),
        [27],
        False,
    ),
    ("barrier", lambda g: g.V().out().barrier().values("name").count(), [6], False),
    (
        "sack",
        lambda g: g.with_sack(1.0).V(1).out_e().sack(Operator.mult).by("weight").sack(),
        [0.4, 0.5, 1.0],
        False,
    ),
    (
        "match",
        lambda g: (
            g.V()
            .match(__.as_("a").out("created").as_("b"), __.as_("b").has("name", "lop"))
            .select("a")
            .by("name")
        ),
        ["marko", "josh", "peter"],
        False,
    ),
    ("index_lookup_fold", lambda g: g.V().has_label("person").has("name", "josh").values("age"), [32], False),
    (
        "has_within_index",
        lambda g: g.V().has("person", "name", P.within("josh", "peter")).values("age"),
        [32, 35],
        False,
    ),
    ("strings", lambda g: g.V(1).values("name").to_upper().concat("!"), ["MARKO!"], False),
    (
        "split_substring",
        lambda g: g.inject("a,b,c").split(",").unfold().substring(0, 1),
        ["a", "b", "c"],
        False,
    ),
    ("asString_asNumber", lambda g: g.inject("12").as_number().math("_ + 1"), [13.0], False),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_traversal(case: Case) -> None:
    _, build, expected, ordered = case
    results = named(build(source()).to_list())
    if ordered:
        assert results == expected
    else:
        key = repr
        assert sorted(results, key=key) == sorted(expected, key=key)


def test_mutations_add_and_drop() -> None:
    g = source(Graph())
    g.add_v("person").property("name", "ann").as_("a").add_v("person").property("name", "bob").as_("b").add_e(
        "knows"
    ).from_("a").to("b").property("since", 2020).iterate()
    assert g.V().count().next() == 2
    assert g.V().has("name", "ann").out("knows").values("name").to_list() == ["bob"]
    assert g.E().values("since").to_list() == [2020]
    g.V().has("name", "bob").drop().iterate()
    assert g.E().count().next() == 0
    assert g.V().values("name").to_list() == ["ann"]


def test_property_cardinalities() -> None:
    g = source(Graph())
    v = g.add_v("p").property("tag", "a").next()
    g.V(v.id).property(Cardinality.list_, "tag", "b").property(Cardinality.list_, "tag", "b").iterate()
    assert sorted(g.V(v.id).values("tag").to_list()) == ["a", "b", "b"]
    g.V(v.id).property(Cardinality.set_, "tag", "b").property(Cardinality.set_, "tag", "c").iterate()
    assert sorted(g.V(v.id).values("tag").to_list()) == ["a", "b", "b", "c"]
    g.V(v.id).property("tag", "z").iterate()  # single cardinality replaces every value
    assert g.V(v.id).values("tag").to_list() == ["z"]
    g.V(v.id).property("tag", None).iterate()  # null removes the property
    assert g.V(v.id).values("tag").to_list() == []


def test_meta_properties() -> None:
    g = source(Graph())
    g.add_v("p").property("loc", "paris", "since", 2001).iterate()
    assert g.V().properties("loc").values("since").to_list() == [2001]
    assert g.V().properties("loc").value_map().to_list() == [{"since": 2001}]


def test_merge_v_is_idempotent() -> None:
    g = source(Graph())
    for _ in range(3):
        g.merge_v({T.label: "Customer", "customer_id": "c1"}).option(
            Merge.on_create, {"segment": "new"}
        ).option(Merge.on_match, {"segment": "seen"}).iterate()
    assert g.V().count().next() == 1
    assert g.V().values("segment").to_list() == ["seen"]


def test_merge_e_creates_once_and_allows_parallel_labels() -> None:
    g = source(Graph())
    c = g.add_v("Customer").next()
    p = g.add_v("Product").next()
    for label in ("VIEWED", "PURCHASED", "VIEWED"):
        g.merge_e({T.label: label, Direction.OUT: c.id, Direction.IN: p.id}).iterate()
    assert sorted(g.E().label().to_list()) == ["PURCHASED", "VIEWED"]
    g.add_e("PURCHASED").from_(__.V(c.id)).to(__.V(p.id)).iterate()  # parallel edges are allowed
    assert g.V(c.id).out("PURCHASED").count().next() == 2


def test_bulk_results_are_expanded_by_gremlinpython() -> None:
    g = source()
    assert g.V().out().barrier().values("name").count().next() == 6
    assert sorted(g.V().out().barrier().values("name").to_list()).count("lop") == 3
