"""graph.gremlin_text: Gremlin text -> Bytecode, checked against gremlinpython's own Python API.

Each row of ``CASES`` pairs a traversal as users write it with the same traversal built by hand with
gremlinpython (``g.V().has_label(...)``). Bytecode is compared through ``_canon``, which keeps Python types
(so ``1L`` must become a ``long``, not an ``int``) and strategy configurations (gremlinpython's own ``__eq__``
ignores both).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import uuid
from pathlib import Path
from typing import Any

import pytest
from gremlin_python.process.graph_traversal import GraphTraversal, GraphTraversalSource, __
from gremlin_python.process.strategies import (
    CountStrategy,
    LazyBarrierStrategy,
    OptionsStrategy,
    PartitionStrategy,
    ReadOnlyStrategy,
    SeedStrategy,
    SubgraphStrategy,
    VertexProgramStrategy,
)
from gremlin_python.process.traversal import (
    DT,
    IO,
    Barrier,
    Bytecode,
    Cardinality,
    CardinalityValue,
    Column,
    Direction,
    GType,
    Merge,
    Operator,
    Order,
    P,
    Pick,
    Pop,
    Scope,
    T,
    TextP,
    TraversalStrategies,
    TraversalStrategy,
    WithOptions,
)
from gremlin_python.statics import BigDecimal, SingleByte, bigint, long, short
from gremlin_python.structure.graph import Graph as GPGraph
from gremlin_python.structure.graph import Vertex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.engine.numbers import Float32
from graph.errors import GremlinSyntaxError
from graph.gremlin_text import GREMLIN_STEPS, parse_traversal
from tests.graph.gherkin import parse_feature

g = GraphTraversalSource(GPGraph(), TraversalStrategies())
UTC = dt.UTC


# --- canonical form -----------------------------------------------------------------------------------------


def _canon(value: Any) -> Any:
    """A comparable, type-revealing tree of a Bytecode argument."""
    if isinstance(value, GraphTraversal):
        return _canon(value.bytecode)
    if isinstance(value, CardinalityValue):
        return ("cardinality", [_canon(i) for i in value.source_instructions])
    if isinstance(value, Bytecode):
        return (
            "bytecode",
            [[_canon(a) for a in i] for i in value.source_instructions],
            [[_canon(a) for a in i] for i in value.step_instructions],
        )
    if isinstance(value, TraversalStrategy):
        return ("strategy", type(value).__name__, value.fqcn, _canon(value.configuration))
    if isinstance(value, type):
        return ("class", value.__name__)
    if isinstance(value, P):
        return (type(value).__name__, value.operator, _canon(value.value), _canon(value.other))
    if isinstance(value, BigDecimal):
        return ("BigDecimal", value.scale, value.unscaled_value)
    if isinstance(value, Vertex):
        return ("Vertex", _canon(value.id), value.label)
    if isinstance(value, dict):
        return ("dict", sorted(((_canon(k), _canon(v)) for k, v in value.items()), key=repr))
    if isinstance(value, (set, frozenset)):
        return (type(value).__name__, sorted((_canon(v) for v in value), key=repr))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [_canon(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return (type(value).__name__, "nan")
    if hasattr(value, "name") and type(value).__module__.startswith("gremlin_python"):
        return ("enum", type(value).__name__, value.name)
    return (type(value).__name__, value)


def _bytecode(t: Any) -> Bytecode:
    return t.bytecode if isinstance(t, GraphTraversal) else t


# --- the table ----------------------------------------------------------------------------------------------

CASES: list[tuple[str, Any]] = [
    # starts and simple steps
    ("g.V()", g.V()),
    ("g.E()", g.E()),
    ("g.V(1)", g.V(1)),
    ("g.V(1, 2, 3)", g.V(1, 2, 3)),
    ("g.V('a')", g.V("a")),
    ('g.V("a","b")', g.V("a", "b")),
    ("g.E(7)", g.E(7)),
    ("g.V().out()", g.V().out()),
    ("g.V().out('knows')", g.V().out("knows")),
    ("g.V().out('knows','created')", g.V().out("knows", "created")),
    ("g.V().in()", g.V().in_()),
    ("g.V().in('knows')", g.V().in_("knows")),
    ("g.V().both()", g.V().both()),
    ("g.V().outE()", g.V().out_e()),
    ("g.V().inE('created')", g.V().in_e("created")),
    ("g.V().bothE('a','b')", g.V().both_e("a", "b")),
    ("g.E().outV()", g.E().out_v()),
    ("g.E().inV()", g.E().in_v()),
    ("g.E().bothV()", g.E().both_v()),
    ("g.V().outE().otherV()", g.V().out_e().other_v()),
    ("g.V().values('name')", g.V().values("name")),
    ("g.V().values()", g.V().values()),
    ("g.V().values('name','age')", g.V().values("name", "age")),
    ("g.V().id()", g.V().id_()),
    ("g.V().label()", g.V().label()),
    ("g.V().properties().key()", g.V().properties().key()),
    ("g.V().properties().value()", g.V().properties().value()),
    ("g.V().properties('name')", g.V().properties("name")),
    ("g.V().valueMap()", g.V().value_map()),
    ("g.V().valueMap(true)", g.V().value_map(True)),
    ("g.V().valueMap('name','age')", g.V().value_map("name", "age")),
    ("g.V().elementMap()", g.V().element_map()),
    ("g.V().elementMap('name')", g.V().element_map("name")),
    ("g.V().propertyMap()", g.V().property_map()),
    ("g.V().count()", g.V().count()),
    ("g.V().count(local)", g.V().count(Scope.local)),
    ("g.V().count(Scope.global)", g.V().count(Scope.global_)),
    ("g.V().values('age').sum()", g.V().values("age").sum_()),
    ("g.V().values('age').mean()", g.V().values("age").mean()),
    ("g.V().values('age').max()", g.V().values("age").max_()),
    ("g.V().values('age').min()", g.V().values("age").min_()),
    ("g.V().values('age').fold().sum(local)", g.V().values("age").fold().sum_(Scope.local)),
    ("g.V().values('age').fold().max(Scope.local)", g.V().values("age").fold().max_(Scope.local)),
    ("g.V().fold()", g.V().fold()),
    ("g.V().fold().unfold()", g.V().fold().unfold()),
    ("g.V().fold(0, sum)", g.V().fold(0, Operator.sum_)),
    ("g.V().values('age').fold(0, Operator.sum)", g.V().values("age").fold(0, Operator.sum_)),
    ("g.V().dedup()", g.V().dedup()),
    ("g.V().dedup('a','b')", g.V().dedup("a", "b")),
    ("g.V().dedup(local)", g.V().dedup(Scope.local)),
    ("g.V().limit(2)", g.V().limit(2)),
    ("g.V().limit(local, 2)", g.V().limit(Scope.local, 2)),
    ("g.V().range(1, 3)", g.V().range_(1, 3)),
    ("g.V().range(Scope.local, 1, 3)", g.V().range_(Scope.local, 1, 3)),
    ("g.V().skip(2)", g.V().skip(2)),
    ("g.V().tail()", g.V().tail()),
    ("g.V().tail(2)", g.V().tail(2)),
    ("g.V().tail(local, 1)", g.V().tail(Scope.local, 1)),
    ("g.V().simplePath()", g.V().simple_path()),
    ("g.V().cyclicPath()", g.V().cyclic_path()),
    ("g.V().path()", g.V().path()),
    ("g.V().out().path().by('name')", g.V().out().path().by("name")),
    ("g.V().identity()", g.V().identity()),
    ("g.V().drop()", g.V().drop()),
    ("g.V().barrier()", g.V().barrier()),
    ("g.V().barrier(5)", g.V().barrier(5)),
    ("g.V().constant('x')", g.V().constant("x")),
    ("g.V().constant(null)", g.V().constant(None)),
    ("g.V().constant([])", g.V().constant([])),
    ("g.V().loops()", g.V().loops()),
    ("g.V().loops('a')", g.V().loops("a")),
    ("g.V().as('a')", g.V().as_("a")),
    ("g.V().as('a','b')", g.V().as_("a", "b")),
    ("g.V().as('a').select('a')", g.V().as_("a").select("a")),
    ("g.V().as('a').out().as('b').select('a','b')", g.V().as_("a").out().as_("b").select("a", "b")),
    ("g.V().select(Pop.last, 'a')", g.V().select(Pop.last, "a")),
    ("g.V().select(all, 'a')", g.V().select(Pop.all_, "a")),
    ("g.V().select(first, 'a', 'b')", g.V().select(Pop.first, "a", "b")),
    ("g.V().select(mixed, 'a')", g.V().select(Pop.mixed, "a")),
    ("g.V().valueMap().select(keys)", g.V().value_map().select(Column.keys)),
    ("g.V().valueMap().select(Column.values)", g.V().value_map().select(Column.values)),
    ("g.V().cap('a')", g.V().cap("a")),
    ("g.V().cap('a','b')", g.V().cap("a", "b")),
    ("g.V().aggregate('x')", g.V().aggregate("x")),
    ("g.V().aggregate(local, 'x')", g.V().aggregate(Scope.local, "x")),
    ("g.V().store('x')", None),  # replaced below: gremlinpython 3.8 dropped store()
    ("g.V().groupCount()", g.V().group_count()),
    ("g.V().groupCount('m')", g.V().group_count("m")),
    ("g.V().group().by(label)", g.V().group().by(T.label)),
    ("g.V().group().by('name').by(count())", g.V().group().by("name").by(__.count())),
    (
        "g.V().group('m').by(T.label).by(__.values('name').fold())",
        g.V().group("m").by(T.label).by(__.values("name").fold()),
    ),
    ("g.V().order()", g.V().order()),
    ("g.V().order(local)", g.V().order(Scope.local)),
    ("g.V().order().by('name')", g.V().order().by("name")),
    ("g.V().order().by('name', desc)", g.V().order().by("name", Order.desc)),
    ("g.V().order().by('name', Order.asc)", g.V().order().by("name", Order.asc)),
    ("g.V().order().by(shuffle)", g.V().order().by(Order.shuffle)),
    ("g.V().order().by(Order.desc)", g.V().order().by(Order.desc)),
    ("g.V().order().by(values('age'), desc)", g.V().order().by(__.values("age"), Order.desc)),
    (
        "g.V().order().by(__.outE().count(), Order.desc).by('name')",
        g.V().order().by(__.out_e().count(), Order.desc).by("name"),
    ),
    ("g.V().order().by(T.label).by(id)", g.V().order().by(T.label).by(T.id)),
    ("g.V().order().by(keys, desc)", g.V().order().by(Column.keys, Order.desc)),
    (
        "g.V().project('a','b').by('name').by(outE().count())",
        g.V().project("a", "b").by("name").by(__.out_e().count()),
    ),
    ("g.V().project('a').by()", g.V().project("a").by()),
    ("g.V().math('_ + 1')", g.V().math("_ + 1")),
    ("g.V().as('a').math('a * b').by('age').by('age')", g.V().as_("a").math("a * b").by("age").by("age")),
    ("g.V().sack()", g.V().sack()),
    ("g.V().sack(mult).by('weight')", g.V().sack(Operator.mult).by("weight")),
    ("g.V().sack(Operator.sum).by(constant(1))", g.V().sack(Operator.sum_).by(__.constant(1))),
    ("g.V().barrier(normSack)", g.V().barrier(Barrier.normSack)),
    ("g.V().barrier(Barrier.normSack)", g.V().barrier(Barrier.normSack)),
    ("g.V().inject(1)", g.V().inject(1)),
    ("g.V().sideEffect(__.out())", g.V().side_effect(__.out())),
    ("g.V().sideEffect(property('a', 1))", g.V().side_effect(__.property("a", 1))),
    ("g.V().filter(out())", g.V().filter_(__.out())),
    ("g.V().filter(__.has('age', gt(30)))", g.V().filter_(__.has("age", P.gt(30)))),
    # has family
    ("g.V().has('name')", g.V().has("name")),
    ("g.V().has('name','marko')", g.V().has("name", "marko")),
    ('g.V().has("person","name","marko")', g.V().has("person", "name", "marko")),
    ("g.V().has('age', 29)", g.V().has("age", 29)),
    ("g.V().has('age', 29L)", g.V().has("age", long(29))),
    ("g.V().has('age', gt(30))", g.V().has("age", P.gt(30))),
    ("g.V().has('age', P.gte(30))", g.V().has("age", P.gte(30))),
    ("g.V().has('age', lt(30))", g.V().has("age", P.lt(30))),
    ("g.V().has('age', lte(30))", g.V().has("age", P.lte(30))),
    ("g.V().has('age', neq(30))", g.V().has("age", P.neq(30))),
    ("g.V().has('age', eq(30))", g.V().has("age", P.eq(30))),
    ("g.V().has('age', inside(20, 30))", g.V().has("age", P.inside(20, 30))),
    ("g.V().has('age', outside(20, 30))", g.V().has("age", P.outside(20, 30))),
    ("g.V().has('age', between(20, 30))", g.V().has("age", P.between(20, 30))),
    ("g.V().has('age', within(27, 29))", g.V().has("age", P.within(27, 29))),
    ("g.V().has('age', within([27, 29]))", g.V().has("age", P.within([27, 29]))),
    ("g.V().has('age', P.within())", g.V().has("age", P.within())),
    ("g.V().has('age', without(27))", g.V().has("age", P.without(27))),
    ("g.V().has('age', P.without([27, 28]))", g.V().has("age", P.without([27, 28]))),
    ("g.V().has('age', P.gt(20).and(P.lt(30)))", g.V().has("age", P.gt(20).and_(P.lt(30)))),
    ("g.V().has('age', gt(20).or(lt(10)))", g.V().has("age", P.gt(20).or_(P.lt(10)))),
    (
        "g.V().has('age', gt(20).and(lt(30)).or(eq(5)))",
        g.V().has("age", P.gt(20).and_(P.lt(30)).or_(P.eq(5))),
    ),
    ("g.V().has('age', P.not(P.eq(5)))", g.V().has("age", P.not_(P.eq(5)))),
    ("g.V().has('age', not(within(1, 2)))", g.V().has("age", P.not_(P.within(1, 2)))),
    ("g.V().has('name', TextP.containing('ar'))", g.V().has("name", TextP.containing("ar"))),
    ("g.V().has('name', containing('ar'))", g.V().has("name", TextP.containing("ar"))),
    ("g.V().has('name', notContaining('ar'))", g.V().has("name", TextP.not_containing("ar"))),
    ("g.V().has('name', startingWith('m'))", g.V().has("name", TextP.starting_with("m"))),
    ("g.V().has('name', TextP.notStartingWith('m'))", g.V().has("name", TextP.not_starting_with("m"))),
    ("g.V().has('name', endingWith('o'))", g.V().has("name", TextP.ending_with("o"))),
    ("g.V().has('name', TextP.notEndingWith('o'))", g.V().has("name", TextP.not_ending_with("o"))),
    ("g.V().has('name', regex('m.*'))", g.V().has("name", TextP.regex("m.*"))),
    ("g.V().has('name', TextP.notRegex('m.*'))", g.V().has("name", TextP.not_regex("m.*"))),
    (
        "g.V().has('name', containing('a').and(endingWith('o')))",
        g.V().has("name", TextP.containing("a").and_(TextP.ending_with("o"))),
    ),
    ("g.V().has(T.label, 'person')", g.V().has(T.label, "person")),
    ("g.V().has(label, 'person')", g.V().has(T.label, "person")),
    ("g.V().has(T.id, 1)", g.V().has(T.id, 1)),
    ("g.V().has('age', __.is(30))", g.V().has("age", __.is_(30))),
    ("g.V().hasLabel('person')", g.V().has_label("person")),
    ("g.V().hasLabel('person','software')", g.V().has_label("person", "software")),
    ("g.V().hasLabel(within('a','b'))", g.V().has_label(P.within("a", "b"))),
    ("g.V().hasId(1)", g.V().has_id(1)),
    ("g.V().hasId(1, 2)", g.V().has_id(1, 2)),
    ("g.V().hasId(gt(1))", g.V().has_id(P.gt(1))),
    ("g.V().hasNot('age')", g.V().has_not("age")),
    ("g.V().properties().hasKey('age')", g.V().properties().has_key("age")),
    ("g.V().properties().hasValue('marko')", g.V().properties().has_value("marko")),
    ("g.V().properties().hasValue(null)", g.V().properties().has_value(None)),
    ("g.V().has('name', null)", g.V().has("name", None)),
    # filters
    ("g.V().values('age').is(30)", g.V().values("age").is_(30)),
    ("g.V().values('age').is(gt(30))", g.V().values("age").is_(P.gt(30))),
    ("g.V().where(out())", g.V().where(__.out())),
    ("g.V().where(__.in('knows'))", g.V().where(__.in_("knows"))),
    ("g.V().as('a').out().where(neq('a'))", g.V().as_("a").out().where(P.neq("a"))),
    (
        "g.V().as('a').out().as('b').where('a', gt('b')).by('age')",
        g.V().as_("a").out().as_("b").where("a", P.gt("b")).by("age"),
    ),
    ("g.V().where(out().count().is(gt(1)))", g.V().where(__.out().count().is_(P.gt(1)))),
    ("g.V().not(out())", g.V().not_(__.out())),
    ("g.V().where(not(out('created')))", g.V().where(__.not_(__.out("created")))),
    ("g.V().where(__.not(__.out('created')))", g.V().where(__.not_(__.out("created")))),
    ("g.V().and(out(), in())", g.V().and_(__.out(), __.in_())),
    ("g.V().or(has('age', 29), has('age', 27))", g.V().or_(__.has("age", 29), __.has("age", 27))),
    (
        "g.V().has('name','marko').or().has('name','vadas')",
        g.V().has("name", "marko").or_().has("name", "vadas"),
    ),
    ("g.V().and().out()", g.V().and_().out()),
    # branches
    ("g.V().coalesce(out('x'), constant('none'))", g.V().coalesce(__.out("x"), __.constant("none"))),
    ("g.V().optional(out())", g.V().optional(__.out())),
    ("g.V().union(out(), in())", g.V().union(__.out(), __.in_())),
    ("g.V().union()", g.V().union()),
    ("g.V().local(outE().limit(1))", g.V().local(__.out_e().limit(1))),
    ("g.V().repeat(out()).times(2)", g.V().repeat(__.out()).times(2)),
    (
        "g.V().repeat(out()).until(has('name','ripple'))",
        g.V().repeat(__.out()).until(__.has("name", "ripple")),
    ),
    ("g.V().repeat(out()).emit()", g.V().repeat(__.out()).emit()),
    ("g.V().emit(has('age')).repeat(out())", g.V().emit(__.has("age")).repeat(__.out())),
    ("g.V().repeat('a', out()).times(2)", g.V().repeat("a", __.out()).times(2)),
    ("g.V().until(loops().is(2)).repeat(both())", g.V().until(__.loops().is_(2)).repeat(__.both())),
    (
        "g.V().choose(has('age'), values('age'), values('name'))",
        g.V().choose(__.has("age"), __.values("age"), __.values("name")),
    ),
    (
        "g.V().choose(values('age')).option(29, constant('a')).option(none, constant('b'))",
        g.V().choose(__.values("age")).option(29, __.constant("a")).option(Pick.none, __.constant("b")),
    ),
    (
        "g.V().choose(label).option('person', out()).option(Pick.any, in())",
        g.V().choose(T.label).option("person", __.out()).option(Pick.any_, __.in_()),
    ),
    (
        "g.V().choose(out().count()).option(2L, values('name'))",
        g.V().choose(__.out().count()).option(long(2), __.values("name")),
    ),
    ("g.V().choose(gt(1), constant(1), constant(2))", g.V().choose(P.gt(1), __.constant(1), __.constant(2))),
    (
        "g.V().match(__.as('a').out().as('b'), __.as('b').in().as('c'))",
        g.V().match(__.as_("a").out().as_("b"), __.as_("b").in_().as_("c")),
    ),
    (
        "g.V().match(as('a').out('knows').as('b')).select('a','b')",
        g.V().match(__.as_("a").out("knows").as_("b")).select("a", "b"),
    ),
    # mutations
    ("g.addV()", g.add_v()),
    ("g.addV('person')", g.add_v("person")),
    ("g.addV('person').property('name','stephen')", g.add_v("person").property("name", "stephen")),
    ("g.addV(constant('x'))", g.add_v(__.constant("x"))),
    ("g.V().property('age', 30)", g.V().property("age", 30)),
    ("g.V().property(single, 'age', 30)", g.V().property(Cardinality.single, "age", 30)),
    (
        "g.V().property(Cardinality.list, 'loc', 'x', 'start', 2001)",
        g.V().property(Cardinality.list_, "loc", "x", "start", 2001),
    ),
    ("g.V().property(set, 'a', 1)", g.V().property(Cardinality.set_, "a", 1)),
    ("g.V().property(T.id, 10)", g.V().property(T.id, 10)),
    ("g.V().property([name: 'x', age: 3])", g.V().property({"name": "x", "age": 3})),
    (
        "g.V().property(['name': Cardinality.set('bar'), 'age': 43])",
        g.V().property({"name": CardinalityValue.set_("bar"), "age": 43}),
    ),
    ("g.V().property('a', __.values('b'))", g.V().property("a", __.values("b"))),
    ("g.V(1).addE('knows').to(V(2))", g.V(1).add_e("knows").to(__.V(2))),
    (
        "g.V(1).addE('knows').from(V(2)).property('w', 0.5d)",
        g.V(1).add_e("knows").from_(__.V(2)).property("w", 0.5),
    ),
    ("g.addE('knows').from('a').to('b')", g.add_e("knows").from_("a").to("b")),
    ("g.addE('knows').from(__.V(1)).to(__.V(2))", g.add_e("knows").from_(__.V(1)).to(__.V(2))),
    ("g.V().addE('self').to(new Vertex(1, 'person'))", g.V().add_e("self").to(Vertex(1, "person"))),
    ("g.V().properties('a').drop()", g.V().properties("a").drop()),
    ("g.mergeV([name: 'marko'])", g.merge_v({"name": "marko"})),
    ("g.mergeV([(T.label): 'person', name: 'marko'])", g.merge_v({T.label: "person", "name": "marko"})),
    ("g.mergeV([T.id: 1, label: 'person'])", g.merge_v({T.id: 1, T.label: "person"})),
    ("g.mergeV(null)", g.merge_v(None)),
    ("g.mergeV([:])", g.merge_v({})),
    ("g.mergeV(__.select('c'))", g.merge_v(__.select("c"))),
    (
        "g.mergeV([name: 'x']).option(Merge.onCreate, [age: 1]).option(onMatch, [age: 2])",
        g.merge_v({"name": "x"}).option(Merge.on_create, {"age": 1}).option(Merge.on_match, {"age": 2}),
    ),
    (
        "g.mergeV([name: 'a']).option(Merge.onMatch, [age: Cardinality.single(31)], single)",
        g.merge_v({"name": "a"}).option(
            Merge.on_match, {"age": CardinalityValue.single(31)}, Cardinality.single
        ),
    ),
    (
        "g.mergeE([(T.label): 'knows', (Direction.OUT): 1, (Direction.IN): 2])",
        g.merge_e({T.label: "knows", Direction.OUT: 1, Direction.IN: 2}),
    ),
    (
        "g.mergeE([label: 'knows', OUT: 1, IN: 2])",
        g.merge_e({T.label: "knows", Direction.OUT: 1, Direction.IN: 2}),
    ),
    ("g.mergeE([(Direction.from): 1, (Direction.to): 2])", g.merge_e({Direction.OUT: 1, Direction.IN: 2})),
    (
        "g.mergeE([(T.label): 'x', (OUT): Merge.outV, (IN): Merge.inV])",
        g.merge_e({T.label: "x", Direction.OUT: Merge.out_v, Direction.IN: Merge.in_v}),
    ),
    (
        "g.V().mergeE([(T.label): 'x']).option(Merge.outV, [name: 'a']).option(Merge.inV, [name: 'b'])",
        g.V().merge_e({T.label: "x"}).option(Merge.out_v, {"name": "a"}).option(Merge.in_v, {"name": "b"}),
    ),
    ("g.V().mergeV()", g.V().merge_v()),
    # inject and literals
    ("g.inject(1)", g.inject(1)),
    ("g.inject(1, 2, 3)", g.inject(1, 2, 3)),
    ("g.inject()", g.inject()),
    ("g.inject(null)", g.inject(None)),
    ("g.inject(null, null)", g.inject(None, None)),
    ("g.inject(true, false)", g.inject(True, False)),
    ("g.inject('a', \"b\")", g.inject("a", "b")),
    ("g.inject('it\\'s')", g.inject("it's")),
    ('g.inject("say \\"hi\\"")', g.inject('say "hi"')),
    ("g.inject('tab\\there')", g.inject("tab\there")),
    ("g.inject('line\\nbreak')", g.inject("line\nbreak")),
    ("g.inject('back\\\\slash')", g.inject("back\\slash")),
    ("g.inject('\\u00e9t\\u00e9')", g.inject("\u00e9t\u00e9")),
    ("g.inject('')", g.inject("")),
    ('g.inject("")', g.inject("")),
    ("g.inject('日本')", g.inject("日本")),
    ("g.inject(1i)", g.inject(1)),
    ("g.inject(1L)", g.inject(long(1))),
    ("g.inject(1l)", g.inject(long(1))),
    ("g.inject(-5L)", g.inject(long(-5))),
    ("g.inject(1s)", g.inject(short(1))),
    ("g.inject(1b)", g.inject(SingleByte(1))),
    ("g.inject(-128b)", g.inject(SingleByte(-128))),
    ("g.inject(1n)", g.inject(bigint(1))),
    ("g.inject(12345678901234567890123n)", g.inject(bigint(12345678901234567890123))),
    ("g.inject(2147483648)", g.inject(2147483648)),
    ("g.inject(99999999999999999999)", g.inject(bigint(99999999999999999999))),
    ("g.inject(1_000_000)", g.inject(1000000)),
    ("g.inject(0x1F)", g.inject(31)),
    ("g.inject(0x1Fl)", g.inject(long(31))),
    ("g.inject(010)", g.inject(8)),
    ("g.inject(0)", g.inject(0)),
    ("g.inject(-1)", g.inject(-1)),
    ("g.inject(+1)", g.inject(1)),
    ("g.inject(1.5)", g.inject(1.5)),
    ("g.inject(1.5d)", g.inject(1.5)),
    ("g.inject(1.5D)", g.inject(1.5)),
    ("g.inject(2d)", g.inject(2.0)),
    ("g.inject(-0.5d)", g.inject(-0.5)),
    ("g.inject(.5d)", g.inject(0.5)),
    ("g.inject(1e3)", g.inject(1000.0)),
    ("g.inject(1.5e-3d)", g.inject(0.0015)),
    ("g.inject(1.5f)", g.inject(Float32(1.5))),
    ("g.inject(1f)", g.inject(Float32(1.0))),
    ("g.inject(1.5m)", g.inject(BigDecimal(1, 15))),
    ("g.inject(1m)", g.inject(BigDecimal(0, 1))),
    ("g.inject(-0.25M)", g.inject(BigDecimal(2, -25))),
    ("g.inject(NaN)", g.inject(math.nan)),
    ("g.inject(Infinity)", g.inject(math.inf)),
    ("g.inject(-Infinity)", g.inject(-math.inf)),
    ("g.inject(+Infinity)", g.inject(math.inf)),
    ("g.inject([1, 2])", g.inject([1, 2])),
    ("g.inject([])", g.inject([])),
    ("g.inject([[1], [2, 3]])", g.inject([[1], [2, 3]])),
    ("g.inject([1, 'a', null, 2.0d])", g.inject([1, "a", None, 2.0])),
    ("g.inject([a: 1, b: 2])", g.inject({"a": 1, "b": 2})),
    ("g.inject(['a': 1, \"b\": 2])", g.inject({"a": 1, "b": 2})),
    ("g.inject([1: 'one', 2: 'two'])", g.inject({1: "one", 2: "two"})),
    ("g.inject([:])", g.inject({})),
    ("g.inject([a: [b: [c: 1]]])", g.inject({"a": {"b": {"c": 1}}})),
    ("g.inject([a: [1, 2]])", g.inject({"a": [1, 2]})),
    ("g.inject([([1, 2]): 'x'])", g.inject({(1, 2): "x"})),
    ("g.inject([(T.id): 1])", g.inject({T.id: 1})),
    ("g.inject([id: 1, key: 2, value: 3])", g.inject({T.id: 1, T.key: 2, T.value: 3})),
    (
        "g.inject([edges: 1, keys: 2, values: 3, new: 4])",
        g.inject({"edges": 1, "keys": 2, "values": 3, "new": 4}),
    ),
    ("g.inject({1, 2, 3})", g.inject({1, 2, 3})),
    ("g.inject({'a'})", g.inject({"a"})),
    ("g.inject({})", g.inject(set())),
    ("g.inject({[1, 2]})", g.inject({(1, 2)})),
    ("g.inject(datetime('2023-08-02T00:00:00Z'))", g.inject(dt.datetime(2023, 8, 2, tzinfo=UTC))),
    ("g.inject(DateTime('2023-08-02T10:30:00Z'))", g.inject(dt.datetime(2023, 8, 2, 10, 30, tzinfo=UTC))),
    (
        "g.inject(datetime('2023-08-02T00:00:00-07:00'))",
        g.inject(dt.datetime(2023, 8, 2, tzinfo=dt.timezone(dt.timedelta(hours=-7)))),
    ),
    ("g.inject(datetime('2023-08-02'))", g.inject(dt.datetime(2023, 8, 2, tzinfo=UTC))),
    (
        "g.inject(UUID('f47af10b-58cc-4372-a567-0f02b2f3d479'))",
        g.inject(uuid.UUID("f47af10b-58cc-4372-a567-0f02b2f3d479")),
    ),
    ("g.inject(T.id, T.label, T.key, T.value)", g.inject(T.id, T.label, T.key, T.value)),
    (
        "g.inject(Direction.OUT, Direction.IN, Direction.BOTH)",
        g.inject(Direction.OUT, Direction.IN, Direction.BOTH),
    ),
    ("g.inject(GType.INT, GType.STRING)", g.inject(GType.INT, GType.STRING)),
    ("g.inject(DT.hour, day)", g.inject(DT.hour, DT.day)),
    (
        "g.inject(Operator.addAll, Operator.sumLong, minus, div)",
        g.inject(Operator.addAll, Operator.sumLong, Operator.minus, Operator.div),
    ),
    ("g.inject(Order.incr)", g.inject(Order.asc)),
    ("g.inject(1).inject(2)", g.inject(1).inject(2)),
    ("g.inject(1, 2).is(P.typeOf(GType.INT))", g.inject(1, 2).is_(P.type_of(GType.INT))),
    # string/number/date steps (beyond the list; still parsed)
    ("g.inject('a').concat('b', 'c')", g.inject("a").concat("b", "c")),
    ("g.inject('a').asString()", g.inject("a").as_string()),
    ("g.inject('1').asNumber(GType.INT)", g.inject("1").as_number(GType.INT)),
    ("g.inject('a b').split(' ')", g.inject("a b").split(" ")),
    ("g.inject('abc').substring(1, 2)", g.inject("abc").substring(1, 2)),
    ("g.inject('abc').toUpper()", g.inject("abc").to_upper()),
    ("g.inject(' a ').lTrim()", g.inject(" a ").l_trim()),
    ("g.inject('a').format('%{_}')", g.inject("a").format_("%{_}")),
    (
        "g.inject(datetime('2023-08-02T00:00:00Z')).dateAdd(DT.hour, 2)",
        g.inject(dt.datetime(2023, 8, 2, tzinfo=UTC)).date_add(DT.hour, 2),
    ),
    ("g.V().values('age').fold().all(gt(20))", g.V().values("age").fold().all_(P.gt(20))),
    ("g.V().values('age').fold().any(gt(20))", g.V().values("age").fold().any_(P.gt(20))),
    ("g.V().valueMap().with(WithOptions.tokens)", g.V().value_map().with_(WithOptions.tokens)),
    (
        "g.V().valueMap().with(WithOptions.tokens, WithOptions.labels)",
        g.V().value_map().with_(WithOptions.tokens, WithOptions.labels),
    ),
    (
        "g.V().index().with(WithOptions.indexer, WithOptions.map)",
        g.V().index().with_(WithOptions.indexer, WithOptions.map),
    ),
    (
        "g.io('x.json').with(IO.reader, IO.graphson).read()",
        g.io("x.json").with_(IO.reader, IO.graphson).read(),
    ),
    # source configuration
    ("g.withSideEffect('a', [1, 2]).V()", g.with_side_effect("a", [1, 2]).V()),
    ("g.withSideEffect('a', 0, sum).V()", g.with_side_effect("a", 0, Operator.sum_).V()),
    (
        "g.withSideEffect('a', [1i,2i], Operator.assign).V()",
        g.with_side_effect("a", [1, 2], Operator.assign).V(),
    ),
    ("g.withSack(1.0d).V()", g.with_sack(1.0).V()),
    ("g.withSack(1, Operator.sum).V()", g.with_sack(1, Operator.sum_).V()),
    ("g.withSack([]).V()", g.with_sack([]).V()),
    ("g.withBulk(false).V()", g.with_bulk(False).V()),
    ("g.withPath().V()", g.with_path().V()),
    ("g.with('evaluationTimeout', 500).V()", g.with_("evaluationTimeout", 500).V()),
    ("g.with('a').V()", g.with_("a").V()),
    ("g.with('a', 1).with('b', 2).V()", g.with_("a", 1).with_("b", 2).V()),
    ("g.withStrategies(ReadOnlyStrategy).V()", g.with_strategies(ReadOnlyStrategy()).V()),
    ("g.withStrategies(new ReadOnlyStrategy()).V()", g.with_strategies(ReadOnlyStrategy()).V()),
    (
        "g.withStrategies(CountStrategy, LazyBarrierStrategy).V()",
        g.with_strategies(CountStrategy(), LazyBarrierStrategy()).V(),
    ),
    (
        "g.withStrategies(new SeedStrategy(seed: 999999)).V()",
        g.with_strategies(SeedStrategy(seed=999999)).V(),
    ),
    (
        "g.withStrategies(SubgraphStrategy(vertices: hasLabel('person'))).V()",
        g.with_strategies(SubgraphStrategy(vertices=__.has_label("person"))).V(),
    ),
    (
        "g.withStrategies(new SubgraphStrategy(checkAdjacentVertices: false, edges: __.has('w', 1.0d))).E()",
        g.with_strategies(SubgraphStrategy(check_adjacent_vertices=False, edges=__.has("w", 1.0))).E(),
    ),
    (
        "g.withStrategies(new SubgraphStrategy(vertexProperties: __.hasNot('endTime'))).V()",
        g.with_strategies(SubgraphStrategy(vertex_properties=__.has_not("endTime"))).V(),
    ),
    (
        (
            "g.withStrategies(new PartitionStrategy(partitionKey: '_p', writePartition: 'a', "
            "readPartitions: ['a'])).V()"
        ),
        g.with_strategies(
            PartitionStrategy(partition_key="_p", write_partition="a", read_partitions=["a"])
        ).V(),
    ),
    (
        "g.withStrategies(OptionsStrategy(myVar: 'myValue')).V()",
        g.with_strategies(OptionsStrategy(myVar="myValue")).V(),
    ),
    ("g.withoutStrategies(CountStrategy).V()", g.without_strategies(CountStrategy).V()),
    (
        "g.withoutStrategies(CountStrategy, LazyBarrierStrategy).V()",
        g.without_strategies(CountStrategy, LazyBarrierStrategy).V(),
    ),
    ("g.withComputer().V()", g.with_strategies(VertexProgramStrategy()).V()),
    ("g.withSideEffect('a', [:]).withSack(0).V()", g.with_side_effect("a", {}).with_sack(0).V()),
    ("g.union(V().out(), V().in())", g.union(__.V().out(), __.V().in_())),
    ("g.call('tinker.search', [search: 'x'])", g.call("tinker.search", {"search": "x"})),
    ("g.V().call()", g.V().call()),
    # anonymous traversals, explicit and bare
    ("g.V().where(__.out().out())", g.V().where(__.out().out())),
    ("g.V().where(out().out())", g.V().where(__.out().out())),
    ("g.V().map(__.values('name'))", g.V().map(__.values("name"))),
    ("g.V().flatMap(out())", g.V().flat_map(__.out())),
    ("g.V().local(__.V().count())", g.V().local(__.V().count())),
    ("g.V().branch(label()).option('a', out())", g.V().branch(__.label()).option("a", __.out())),
    ("g.V().by(id())", g.V().by(__.id_())),
    ("g.V().by(__.label())", g.V().by(__.label())),
    ("g.V().out().values('name').iterate()", g.V().out().values("name").discard()),
    ("g.V().toList()", g.V()),
    ("g.V().none(eq(1))", g.V().none(P.eq(1))),
    ("g.V().discard()", g.V().discard()),
    ("g.V().fail('boom')", g.V().fail("boom")),
    # layout: whitespace, comments, line breaks between steps
    ("  g.V() . out ( 'knows' )  ", g.V().out("knows")),
    ("g.V().\n  out('knows').\n  values('name')", g.V().out("knows").values("name")),
    ("g.V()\n  .out('knows')\n  .values('name')", g.V().out("knows").values("name")),
    ("g.V() // all vertices\n  .count()", g.V().count()),
    ("g.V()/* c */.count()", g.V().count()),
    ("g.V().count();", g.V().count()),
]

# gremlinpython 3.8 has no store(); its Bytecode is still a plain step instruction.
_store = Bytecode()
_store.add_step("V")
_store.add_step("store", "x")
CASES = [(text, _store if text == "g.V().store('x')" else builder) for text, builder in CASES]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:80] for c in CASES])
def test_text_equals_gremlinpython_bytecode(text: str, expected: Any) -> None:
    got = parse_traversal(text)
    assert _canon(got) == _canon(_bytecode(expected))


def test_table_is_representative() -> None:
    """A few hundred hand-written cases, covering every step of the issue's list."""
    assert len(CASES) >= 250
    used: set[str] = set()
    for text, _ in CASES:
        bc = parse_traversal(text)
        _names(bc, used)
    from tests.graph.test_tinkerpop_features import LISTED_STEPS

    assert set(LISTED_STEPS) <= used, sorted(set(LISTED_STEPS) - used)


def _names(value: Any, out: set[str]) -> None:
    if isinstance(value, Bytecode):
        for instruction in [*value.source_instructions, *value.step_instructions]:
            out.add(instruction[0])
            for arg in instruction[1:]:
                _names(arg, out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _names(item, out)


# --- parameters ---------------------------------------------------------------------------------------------


def test_parameters_bind_values() -> None:
    got = parse_traversal(
        "g.V(vid1).has('age', gt(xx1)).limit(n)", parameters={"vid1": 1, "xx1": long(3), "n": 2}
    )
    assert _canon(got) == _canon(g.V(1).has("age", P.gt(long(3))).limit(2).bytecode)


def test_parameter_lists_and_maps_go_in_as_values() -> None:
    got = parse_traversal(
        "g.mergeV(xx1).option(Merge.onCreate, xx2)",
        parameters={"xx1": {T.label: "person"}, "xx2": {"age": 3}},
    )
    assert _canon(got) == _canon(g.merge_v({T.label: "person"}).option(Merge.on_create, {"age": 3}).bytecode)


def test_parameter_within_list_is_not_wrapped() -> None:
    got = parse_traversal("g.V().has('age', within(xx1))", parameters={"xx1": [27, 29]})
    assert _canon(got) == _canon(g.V().has("age", P.within([27, 29])).bytecode)


def test_anonymous_traversal_parameter_becomes_bytecode() -> None:
    got = parse_traversal("g.V().where(t)", parameters={"t": __.out("knows")})
    assert _canon(got) == _canon(g.V().where(__.out("knows")).bytecode)


def test_parameter_wins_over_a_bare_token_of_the_same_name() -> None:
    assert parse_traversal("g.V().select(values)", parameters={"values": "x"}).step_instructions[1] == [
        "select",
        "x",
    ]


def test_spawned_traversal_parameter_is_rejected() -> None:
    with pytest.raises(GremlinSyntaxError, match="anonymous"):
        parse_traversal("g.V().where(t)", parameters={"t": g.V()})


def test_lambda_parameter_is_rejected() -> None:
    with pytest.raises(GremlinSyntaxError, match="lambda"):
        parse_traversal("g.V().map(f)", parameters={"f": lambda: "it.get()"})


# --- predicates: negate -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eq(1).negate()", P.neq(1)),
        ("neq(1).negate()", P.eq(1)),
        ("lt(1).negate()", P.gte(1)),
        ("gte(1).negate()", P.lt(1)),
        ("lte(1).negate()", P.gt(1)),
        ("gt(1).negate()", P.lte(1)),
        ("within(1, 2).negate()", P.without(1, 2)),
        ("without([1]).negate()", P.within([1])),
        ("containing('a').negate()", TextP.not_containing("a")),
        ("notRegex('a').negate()", TextP.regex("a")),
        ("startingWith('a').negate()", TextP.not_starting_with("a")),
        ("endingWith('a').negate()", TextP.not_ending_with("a")),
        ("gt(1).and(lt(5)).negate()", P.lte(1).or_(P.gte(5))),
        ("gt(1).or(lt(5)).negate()", P.lte(1).and_(P.gte(5))),
        ("inside(1, 5).negate()", P.lte(1).or_(P.gte(5))),
        ("outside(1, 5).negate()", P.gte(1).and_(P.lte(5))),
        ("between(1, 5).negate()", P.lt(1).or_(P.gte(5))),
        ("P.not(eq(1)).negate()", P.eq(1)),
        ("gt(1).negate().negate()", P.gt(1)),
        ("P.typeOf(GType.INT).negate()", P.not_(P.type_of(GType.INT))),
    ],
)
def test_negate(text: str, expected: P) -> None:
    got = parse_traversal(f"g.V().is({text})").step_instructions[1][1]
    assert _canon(got) == _canon(expected)


# --- errors -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("", 1, 1, "expected a traversal starting with 'g', found end of input"),
        ("   ", 1, 4, "found end of input"),
        ("h.V()", 1, 1, "expected 'g' to start a traversal, found 'h'"),
        ("g", 1, 2, "expected '.', found end of input"),
        ("g.", 1, 3, "expected a step name after 'g.', found end of input"),
        ("g.out()", 1, 3, "expected a start step"),
        ("g.V(", 1, 5, "expected a value, found end of input"),
        ("g.V(1", 1, 6, "expected ',' or ')', found end of input"),
        ("g.V(1 2)", 1, 7, "expected ',' or ')', found number 2"),
        ("g.V().outt()", 1, 7, "unknown step 'outt'"),
        ("g.V().out('a'", 1, 14, "expected ',' or ')'"),
        ("g.V().out('a", 1, 11, "unterminated string"),
        ("g.V()\n  .out('knows')\n  .has('age', gt(30)\n", 4, 1, "expected ',' or ')', found end of input"),
        ("g.V()\n.foo()", 2, 2, "unknown step 'foo'"),
        ("g.V().has('age', 1x)", 1, 18, "malformed number"),
        ("g.V().has('age', 300b)", 1, 18, "out of range for byte"),
        ("g.V().has('age', 99999999999i)", 1, 18, "out of range for int"),
        ("g.V().has('age', 1.5L)", 1, 18, "integer suffix on a decimal"),
        ("g.V().has('age', 09)", 1, 18, "malformed octal"),
        ("g.V().map{it.get()}", 1, 10, "expected '(', found '{'; lambdas and closures are not supported"),
        ("g.V().map({it.get()})", 1, 11, "lambdas and closures are not supported"),
        ("g.V().map({ x -> x })", 1, 11, "lambdas and closures are not supported"),
        ("g.V().filter(x -> true)", 1, 16, "lambdas and closures are not supported"),
        ("g.V().map(Lambda.function('it.get()'))", 1, 11, "lambdas and closures are not supported"),
        ("x = g.V()", 1, 3, "assignments are not supported"),
        ("g.V(); g.E()", 1, 6, "several statements are not supported"),
        ("g.V().next()", 1, 7, "terminal step next() is not supported"),
        ("g.V().toList().size()", 1, 15, "expected end of input after toList()"),
        ("g.V().where(out().toList())", 1, 19, "cannot be used inside an argument"),
        (
            "g.V().has('name', 'a'.toUpperCase())",
            1,
            22,
            "methods can only be called on traversals and predicates",
        ),
        ("g.V().where(g.V())", 1, 13, "child traversals must be anonymous"),
        ("g.V(vid1)", 1, 5, "unknown name 'vid1': not a Gremlin token and not a bound parameter"),
        ("g.V().has('age', P.foo(1))", 1, 20, "unknown predicate P.foo"),
        ("g.V().has('n', TextP.gt(1))", 1, 22, "unknown text predicate TextP.gt"),
        ("g.V().order().by(Order.up)", 1, 24, "unknown Order member 'up'"),
        ("g.V().has('age', gt(1).xor(lt(2)))", 1, 24, "expected and(), or() or negate() after a predicate"),
        ("g.V().has('age', gt(1, 2))", 1, 18, "gt() takes one value"),
        ("g.V().has('age', between(1))", 1, 18, "between() takes two values"),
        ("g.withStrategies(FooStrategy).V()", 1, 18, "unknown traversal strategy 'FooStrategy'"),
        ("g.withStrategies().V()", 1, 3, "needs at least one strategy"),
        ("g.V().inject(ReadOnlyStrategy())", 1, 14, "only allowed in withStrategies()"),
        ("g.inject(datetime('yesterday'))", 1, 10, "is not an ISO-8601 date-time"),
        ("g.inject(UUID('nope'))", 1, 10, "is not a UUID"),
        ("g.inject([a: 1, 2])", 1, 18, "expected ':' after a map key"),
        ("g.inject([1, a: 2])", 1, 14, "unknown name 'a'"),
        ("g.inject([1 2])", 1, 13, "expected ',' or ']' in a list, found number 2"),
        ("g.inject({[a: 1]})", 1, 10, "a map cannot be a map key or a set element"),
        ("g.inject('\\q')", 1, 11, "unknown escape \\q"),
        ("g.inject(/* open", 1, 10, "unterminated /* comment"),
        ("g.tx().commit()", 1, 3, "transactions"),
        ("__.out()", 1, 1, "an anonymous traversal cannot run on its own"),
        ("g.V().values", 1, 13, "expected '(', found end of input"),
        ("g.V().where(outE)", 1, 17, "expected '(' after step 'outE'"),
        ("g.V().out(.)", 1, 11, "expected a value, found '.'"),
        ("g.V().", 1, 7, "expected a step name after '.'"),
    ],
)
def test_syntax_errors_name_position_and_expectation(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(GremlinSyntaxError) as caught:
        parse_traversal(text)
    err = caught.value
    assert message in str(err)
    assert (err.line, err.column) == (line, column)


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    text = "g.inject(" + "[" * 5000 + "]" * 5000 + ")"
    with pytest.raises(GremlinSyntaxError, match="nesting deeper"):
        parse_traversal(text)


def test_huge_integer_literal_parses() -> None:
    digits = "1" + "0" * 5000
    got = parse_traversal(f"g.inject({digits}n)").step_instructions[0][1]
    assert type(got) is bigint and got == 10**5000


def test_non_string_text_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_traversal(b"g.V()")  # type: ignore[arg-type]


# --- robustness ---------------------------------------------------------------------------------------------

_FRAGMENTS = [
    "g",
    "__",
    ".",
    "V",
    "E",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    ";",
    "->",
    "=",
    "'a'",
    '"b"',
    "1",
    "1.5",
    "2L",
    "3m",
    "-",
    "+",
    "out",
    "in",
    "has",
    "values",
    "gt",
    "P",
    "TextP",
    "T",
    "id",
    "label",
    "new",
    "SubgraphStrategy",
    "withStrategies",
    "not",
    "and",
    "or",
    "negate",
    "Cardinality",
    "set",
    "datetime",
    "UUID",
    "null",
    "true",
    "NaN",
    "Infinity",
    "//",
    "/*",
    "*/",
    "\\",
    "'",
    '"',
    "\n",
    " ",
    "x",
    "Merge",
    "onCreate",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_arbitrary_text_only_raises_syntax_errors(text: str) -> None:
    try:
        parse_traversal(text)
    except GremlinSyntaxError as err:
        assert err.line >= 1 and err.column >= 1


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=40))
def test_gremlin_shaped_noise_only_raises_syntax_errors(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        parse_traversal(text)
    except GremlinSyntaxError as err:
        assert 1 <= err.line <= text.count("\n") + 1


_STEP_WORDS = sorted(GREMLIN_STEPS)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_STEP_WORDS), st.integers(-5, 5)), min_size=1, max_size=8))
def test_generated_chains_round_trip_step_names(chain: list[tuple[str, int]]) -> None:
    text = "g.inject(0)" + "".join(f".{name}({arg})" for name, arg in chain)
    got = parse_traversal(text)
    assert got.step_instructions == [["inject", 0], *[[name, arg] for name, arg in chain]]


# --- the feature suite --------------------------------------------------------------------------------------


def _suite() -> Path | None:
    from tests.graph.test_tinkerpop_features import suite_dir

    return suite_dir()


def test_every_suite_traversal_parses() -> None:
    root = _suite()
    if root is None:
        pytest.skip("TinkerPop feature suite not found (set LAKEMAP_GREMLIN_FEATURES)")
    import re

    checked = 0
    failures: list[str] = []
    for path in sorted(root.rglob("*.feature")):
        feature = parse_feature(path.read_text(encoding="utf-8"), str(path))
        for scenario in feature.scenarios:
            names = {
                m.group(1)
                for step in scenario.steps
                if (m := re.match(r"using the (?:parameter|side effect) (\w+) defined as", step.text))
            }
            params = dict.fromkeys(names)
            texts = [
                s.docstring
                for s in scenario.steps
                if s.text in ("the traversal of", "the graph initializer of") and s.docstring
            ]
            texts += [
                m.group(1).replace('\\"', '"')
                for s in scenario.steps
                if (m := re.match(r'the graph should return \d+ for count of "(.*)"$', s.text))
            ]
            for text in texts:
                checked += 1
                try:
                    parse_traversal(text, parameters=params)
                except GremlinSyntaxError as err:
                    failures.append(f"{path.name}::{scenario.name}: {err}")
    assert checked > 2500
    assert not failures, "\n".join(failures[:20])


def test_decimal_and_float_literals_keep_their_value() -> None:
    args = parse_traversal("g.inject(0.1m, 0.1d, 0.1f)").step_instructions[0][1:]
    assert args[0].value == decimal.Decimal("0.1")
    assert type(args[1]) is float and args[1] == 0.1
    assert type(args[2]) is Float32 and args[2] != 0.1 and abs(args[2] - 0.1) < 1e-7
