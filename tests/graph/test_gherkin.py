"""The conformance runner's own parts, tested without an engine: the Gherkin reader, the suite's value
notation (parsing, resolving, comparing) and the step-list classification."""

from __future__ import annotations

import datetime as dt
import decimal
import math
import uuid
from typing import Any, ClassVar

import pytest
from gremlin_python.process.graph_traversal import __
from gremlin_python.process.strategies import CountStrategy, SubgraphStrategy
from gremlin_python.process.traversal import Bytecode, CardinalityValue, Direction, Merge, P, T
from gremlin_python.statics import BigDecimal, SingleByte, bigint, long, short
from gremlin_python.structure.graph import Edge, Path, Vertex, VertexProperty
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.engine.numbers import Float32
from graph.gremlin_text import parse_traversal
from tests.graph.feature_values import (
    Dict,
    FeatureValueError,
    Lambda,
    Literal,
    Num,
    Ref,
    Seq,
    Text,
    matches,
    parse_expected,
    show,
    to_value,
)
from tests.graph.gherkin import GherkinError, parse_feature
from tests.graph.test_tinkerpop_features import _flatten_next, bytecode_steps, unlisted_steps

# --- Gherkin ------------------------------------------------------------------------------------------------

FEATURE = '''# licence header
# more header

@StepClassMap @StepSelect
Feature: Step - select()
  Some free text describing the feature.

  Scenario: first one
    Given the modern graph
    And using the parameter vid1 defined as "v[marko].id"
    And the traversal of
      """
      g.V(vid1).
        out("knows")
      """
    When iterated to list
    Then the result should be unordered
      | result |
      | v[vadas] |
      |  v[josh]  |

  @GraphComputerVerificationReferenceOnly
  Scenario: second one
    Given the empty graph
    And the traversal of
    # a comment between a step and its doc string
    """
    g.inject(1)
    """
    When iterated next
    Then the result should be ordered
      | result |
      | a \\| b |
      | back\\\\slash |
      | new\\nline |
      | str[  x] |
'''


def test_feature_structure() -> None:
    feature = parse_feature(FEATURE, "Select.feature")
    assert feature.name == "Step - select()"
    assert feature.tags == ("StepClassMap", "StepSelect")
    first, second = feature.scenarios
    assert first.name == "first one" and first.line == 8
    assert first.tags == ("StepClassMap", "StepSelect")
    assert second.tags == ("StepClassMap", "StepSelect", "GraphComputerVerificationReferenceOnly")
    assert [s.keyword for s in first.steps] == ["Given", "And", "And", "When", "Then"]
    assert first.steps[1].text == 'using the parameter vid1 defined as "v[marko].id"'


def test_doc_strings_lose_the_fence_indentation_only() -> None:
    first, second = parse_feature(FEATURE).scenarios
    assert first.steps[2].docstring == 'g.V(vid1).\n  out("knows")'
    assert second.steps[1].docstring == "g.inject(1)"


def test_tables_strip_cells_and_unescape() -> None:
    first, second = parse_feature(FEATURE).scenarios
    assert first.steps[4].table == (("result",), ("v[vadas]",), ("v[josh]",))
    assert second.steps[3].table == (("result",), ("a | b",), ("back\\slash",), ("new\nline",), ("str[  x]",))


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Scenario: x\n", 1, "Scenario before Feature"),
        ("Feature: a\nFeature: b\n", 2, "a file holds one Feature"),
        ('Feature: a\n  Scenario: s\n    Given x\n      """\n      never closed\n', 4, "not closed"),
        (
            "Feature: a\n  Scenario: s\n    Then t\n      | a | b |\n      | c |\n",
            3,
            "different numbers of cells",
        ),
        ("Feature: a\n  Scenario: s\n    Then t\n      | a | b\n", 4, "must end with |"),
        ("Feature: a\n  Given x\n", 2, "outside a Scenario"),
        ("Feature: a\n  Scenario: s\n    Given x\n    stray words\n", 4, "expected a step"),
        ("Feature: a\n@x y\n", 2, "expected a tag"),
        ("# only comments\n", 1, "no Feature"),
        ("Feature: a\n  Scenario: s\n@dangling\n", 3, "tag nothing"),
    ],
)
def test_gherkin_errors_carry_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(GherkinError) as caught:
        parse_feature(text, "bad.feature")
    assert caught.value.line == line
    assert message in str(caught.value) and "bad.feature" in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('Feature:Scenario@|"\n #GivenAndThen xyz\\')), max_size=120))
def test_reader_raises_only_gherkin_errors(text: str) -> None:
    try:
        parse_feature(text)
    except GherkinError as err:
        assert err.line >= 1


# --- the value notation: parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("null", Literal(None)),
        ("true", Literal(True)),
        ("false", Literal(False)),
        ("marko", Text("marko")),
        ("", Text("")),
        ("d[29].i", Num(29, "i")),
        ("d[-3].l", Num(-3, "l")),
        ("d[1].b", Num(1, "b")),
        ("d[1].s", Num(1, "s")),
        ("d[123456789012345678901234567890].n", Num(123456789012345678901234567890, "n")),
        ("d[0.5].d", Num(0.5, "d")),
        ("d[1].d", Num(1.0, "d")),
        ("d[2.5].f", Num(2.5, "f")),
        ("d[1.10].m", Num(decimal.Decimal("1.10"), "m")),
        ("d[Infinity]", Num(math.inf, "d")),
        ("d[-Infinity]", Num(-math.inf, "d")),
        ("str[]", Text("")),
        ("str[  vadas]", Text("  vadas")),
        ("str[v[1]]", Text("v[1]")),
        ("dt[2023-08-08T00:00:00Z]", Literal(dt.datetime(2023, 8, 8, tzinfo=dt.UTC))),
        (
            "uuid[f47af10b-58cc-4372-a567-0f02b2f3d479]",
            Literal(uuid.UUID("f47af10b-58cc-4372-a567-0f02b2f3d479")),
        ),
        ("v[marko]", Ref("v", "marko")),
        ("v[marko].id", Ref("v", "marko", "id")),
        ("v[marko].sid", Ref("v", "marko", "sid")),
        ("v[CRYPTICAL ENVELOPMENT]", Ref("v", "CRYPTICAL ENVELOPMENT")),
        ("e[marko-knows->vadas]", Ref("e", "marko-knows->vadas")),
        ("e[josh-created->lop].id", Ref("e", "josh-created->lop", "id")),
        ("vp[marko-age->d[29].i]", Ref("vp", "marko-age->d[29].i")),
        ("t[label]", Literal(T.label)),
        ("t[id]", Literal(T.id)),
        ("D[OUT]", Literal(Direction.OUT)),
        ("D[from]", Literal(Direction.OUT)),
        ("D[to]", Literal(Direction.IN)),
        ("M[outV]", Literal(Merge.out_v)),
        ("M[onCreate]", Literal(Merge.on_create)),
        ("c[it.get()]", Lambda("it.get()")),
        ("l[]", Seq("list", ())),
        ("l[a,b]", Seq("list", (Text("a"), Text("b")))),
        ("l[d[1].i,l[d[2].i,d[3].i]]", Seq("list", (Num(1, "i"), Seq("list", (Num(2, "i"), Num(3, "i")))))),
        ("l[str[ a],null]", Seq("list", (Text(" a"), Literal(None)))),
        ("s[a,b]", Seq("set", (Text("a"), Text("b")))),
        ("s[]", Seq("set", ())),
        ("p[v[marko],v[lop]]", Seq("path", (Ref("v", "marko"), Ref("v", "lop")))),
        ("m[{}]", Dict(())),
        (
            'm[{"a": "d[1].l", "b": 2, "c": 2.5, "d": null, "e": true}]',
            Dict(
                (
                    (Text("a"), Num(1, "l")),
                    (Text("b"), Num(2, "l")),
                    (Text("c"), Num(2.5, "d")),
                    (Text("d"), Literal(None)),
                    (Text("e"), Literal(True)),
                )
            ),
        ),
        (
            'm[{"t[id]": "v[marko].id", "list": ["d[1].i", "x"]}]',
            Dict(
                (
                    (Literal(T.id), Ref("v", "marko", "id")),
                    (Text("list"), Seq("list", (Num(1, "i"), Text("x")))),
                )
            ),
        ),
        ('m[{"a":"m[{\\"b\\":\\"d[1].l\\"}]"}]', Dict(((Text("a"), Dict(((Text("b"), Num(1, "l")),))),))),
    ],
)
def test_parse_expected(text: str, node: Any) -> None:
    got = parse_expected(text)
    if isinstance(node, Num) and isinstance(node.value, float) and math.isnan(node.value):
        assert isinstance(got, Num) and math.isnan(got.value)
    else:
        assert got == node


def test_nan_parses() -> None:
    got = parse_expected("d[NaN]")
    assert isinstance(got, Num) and got.kind == "d" and math.isnan(got.value)


@pytest.mark.parametrize(
    "text",
    [
        "d[x].i",
        "d[1.5].i",
        "m[{nope]",
        "m[[1,2]]",
        "t[nothing]",
        "D[UP]",
        "dt[soon]",
        "uuid[123]",
        "M[sideways]",
    ],
)
def test_bad_notation_is_a_feature_value_error(text: str) -> None:
    with pytest.raises(FeatureValueError):
        parse_expected(text)


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list('dlmpsvetDMcu[]{}":,.-> 0123456789ailnbfsrxyNaInfty')), max_size=40)
)
def test_parse_expected_raises_only_feature_value_errors(text: str) -> None:
    try:
        parse_expected(text)
    except FeatureValueError:
        pass


# --- resolving and comparing --------------------------------------------------------------------------------

MARKO = Vertex(1, "person")
VADAS = Vertex(2, "person")
LOP = Vertex(3, "software")
KNOWS = Edge(7, MARKO, "knows", VADAS)
CREATED = Edge(9, MARKO, "created", LOP)
MARKO_AGE = VertexProperty(101, "age", 29, MARKO)


class DictLookup:
    """A Lookup over hand-built gremlinpython elements (what the runner's graph lookup produces)."""

    vertices: ClassVar[dict[str, Vertex]] = {"marko": MARKO, "vadas": VADAS, "lop": LOP}
    edges: ClassVar[dict[str, Edge]] = {"marko-knows->vadas": KNOWS, "marko-created->lop": CREATED}
    props: ClassVar[dict[str, VertexProperty]] = {"marko-age->d[29].i": MARKO_AGE}

    def vertex(self, name: str) -> Vertex:
        return self.vertices[name]

    def edge(self, name: str) -> Edge:
        return self.edges[name]

    def vertex_property(self, name: str) -> VertexProperty:
        return self.props[name]


LOOKUP = DictLookup()


def _value(text: str) -> Any:
    return to_value(parse_expected(text), LOOKUP)


def test_to_value_gives_the_types_a_gremlinpython_user_would_pass() -> None:
    assert type(_value("d[1].i")) is int
    assert type(_value("d[1].l")) is long
    assert type(_value("d[1].s")) is short
    assert type(_value("d[1].b")) is SingleByte
    assert type(_value("d[1].n")) is bigint
    assert type(_value("d[1.5].d")) is float
    assert type(_value("d[1.5].f")) is Float32
    big = _value("d[1.50].m")
    assert isinstance(big, BigDecimal) and (big.scale, big.unscaled_value) == (2, 150)
    assert _value("v[marko]") is MARKO
    assert _value("v[marko].id") == 1
    assert _value("v[marko].sid") == "1"
    assert _value("e[marko-knows->vadas].id") == 7
    assert _value("vp[marko-age->d[29].i]") is MARKO_AGE
    assert _value('m[{"t[label]": "person", "D[OUT]": "v[marko].id"}]') == {
        T.label: "person",
        Direction.OUT: 1,
    }
    assert _value("s[a,b]") == {"a", "b"}
    assert _value('m[{"l[a,b]": 1}]') == {("a", "b"): 1}
    assert _value("l[]") == []
    path = _value("p[v[marko],d[1].i]")
    assert isinstance(path, Path) and path.objects == [MARKO, 1]


def test_unknown_element_names_are_reported() -> None:
    with pytest.raises(FeatureValueError, match=r"v\[nobody\]"):
        _value("v[nobody]")


def test_lambdas_have_no_value() -> None:
    with pytest.raises(FeatureValueError, match="lambdas"):
        _value("c[it.get()]")


def _match(text: str, actual: Any) -> bool:
    return matches(parse_expected(text), actual, LOOKUP)


@pytest.mark.parametrize(
    ("text", "actual", "expected"),
    [
        ("d[29].i", 29, True),
        ("d[29].i", long(29), True),
        ("d[29].l", 29, True),
        ("d[29].i", 29.0, False),
        ("d[29].i", "29", False),
        ("d[1].i", True, False),
        ("d[29].i", 30, False),
        ("d[0.5].d", 0.5, True),
        ("d[1.0].d", 1, False),
        ("d[1].d", 1.0, True),
        ("d[0.1].f", Float32(0.1), True),
        ("d[0.1].f", 0.1, True),
        ("d[0.1].d", Float32(0.1), False),
        ("d[NaN]", math.nan, True),
        ("d[NaN]", 1.0, False),
        ("d[Infinity]", math.inf, True),
        ("d[-Infinity]", math.inf, False),
        ("d[1.50].m", BigDecimal(2, 150), True),
        ("d[1.5].m", BigDecimal(1, 15), True),
        ("d[1.5].m", decimal.Decimal("1.5"), True),
        ("d[1.5].m", 1.5, False),
        ("d[10].n", bigint(10), True),
        ("marko", "marko", True),
        ("marko", "josh", False),
        ("null", None, True),
        ("null", "null", False),
        ("true", True, True),
        ("true", 1, False),
        ("v[marko]", Vertex(1), True),
        ("v[marko]", Vertex(2), False),
        ("v[marko]", Edge(1, VADAS, "x", LOP), False),
        ("e[marko-knows->vadas]", Edge(7, MARKO, "knows", VADAS), True),
        ("e[marko-knows->vadas]", Vertex(7), False),
        ("vp[marko-age->d[29].i]", VertexProperty(101, "age", 29, None), True),
        ("v[marko].id", 1, True),
        ("v[marko].id", 1.0, False),
        ("v[marko].sid", "1", True),
        ("t[label]", T.label, True),
        ("t[label]", "label", False),
        ("D[IN]", Direction.IN, True),
        ("dt[2023-08-08T00:00:00Z]", dt.datetime(2023, 8, 8, tzinfo=dt.UTC), True),
        ("dt[2023-08-08T00:00:00Z]", dt.datetime(2023, 8, 8), True),
        ("dt[2023-08-08T00:00:00Z]", dt.datetime(2023, 8, 8, 1, tzinfo=dt.UTC), False),
        (
            "uuid[f47af10b-58cc-4372-a567-0f02b2f3d479]",
            uuid.UUID("f47af10b-58cc-4372-a567-0f02b2f3d479"),
            True,
        ),
        ("l[a,b]", ["a", "b"], True),
        ("l[a,b]", ["b", "a"], False),
        ("l[a,b]", ["a"], False),
        ("l[a,b]", {"a", "b"}, False),
        ("l[d[1].i,l[d[2].i]]", [1, [2]], True),
        ("s[a,b]", {"b", "a"}, True),
        ("s[a,b]", ["a", "b"], False),
        ("s[a,a]", {"a"}, False),
        ("p[v[marko],v[lop]]", Path([{"a"}, set()], [MARKO, LOP]), True),
        ("p[v[marko],v[lop]]", Path([set(), set()], [LOP, MARKO]), False),
        ("p[v[marko],v[lop]]", [MARKO, LOP], False),
        ('m[{"a": "d[1].l", "b": "x"}]', {"b": "x", "a": 1}, True),
        ('m[{"a": "d[1].l"}]', {"a": 1.0}, False),
        ('m[{"a": "d[1].l"}]', {"a": 1, "b": 2}, False),
        ('m[{"d[29].i": "x"}]', {29: "x"}, True),
        ('m[{"d[29].i": "x"}]', {29.0: "x"}, False),
        ('m[{"v[marko]": "d[2].l"}]', {Vertex(1): 2}, True),
        ('m[{"t[id]": "v[marko].id", "t[label]": "person"}]', {T.id: 1, T.label: "person"}, True),
        ('m[{"l[a,b]": "d[1].l"}]', {("a", "b"): 1}, True),
        ('m[{"a": ["x", "y"]}]', {"a": ["x", "y"]}, True),
        ('m[{"a": "m[{\\"b\\": \\"d[1].i\\"}]"}]', {"a": {"b": 1}}, True),
        ("c[it]", "it", False),
    ],
)
def test_matches(text: str, actual: Any, expected: bool) -> None:
    assert _match(text, actual) is expected


def test_show_reveals_types() -> None:
    assert show(29) == "29(int)"
    assert show(29.0) == "29.0(float)"
    assert show("29") == "'29'"
    assert show({"a": [Vertex(1)]}) == "{'a': [v[1]]}"
    assert show(Path([], [Vertex(1), 2])) == "p[v[1], 2(int)]"
    assert show({("test",): long(1)}) == "{('test',): 1(long)}"


# A round trip: any value tree rendered in the notation parses back and matches the value it was rendered
# from.
_scalars = st.one_of(
    st.integers(-(10**6), 10**6).map(lambda n: (f"d[{n}].i", n)),
    st.integers(-(10**12), 10**12).map(lambda n: (f"d[{n}].l", long(n))),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(lambda f: (f"d[{f!r}].d", f)),
    st.text(alphabet=st.sampled_from(list("abcxyz ")), min_size=1, max_size=6).map(
        lambda s: (f"str[{s}]", s)
    ),
    st.booleans().map(lambda b: (str(b).lower(), b)),
    st.just(("null", None)),
    st.sampled_from([("v[marko]", MARKO), ("e[marko-knows->vadas]", KNOWS), ("t[id]", T.id)]),
)


def _lists(children: Any) -> Any:
    return st.lists(children, max_size=4).map(
        lambda items: ("l[" + ",".join(t for t, _ in items) + "]", [v for _, v in items])
    )


_trees = st.recursive(_scalars, _lists, max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_trees)
def test_round_trip(tree: tuple[str, Any]) -> None:
    text, value = tree
    assert matches(parse_expected(text), value, LOOKUP)


# --- runner helpers -----------------------------------------------------------------------------------------


def test_bytecode_steps_walks_everything() -> None:
    bc = parse_traversal(
        "g.withStrategies(new SubgraphStrategy(vertices: __.has('a', P.within(__.fold()))), CountStrategy)."
        "withSideEffect('x', [__.inject(1)]).V().where(__.not(__.out().map(__.values('n')))).property('a', "
        "Cardinality.set(__.constant(1)))"
    )
    names = bytecode_steps(bc)
    assert names == {
        "withStrategies",
        "withStrategies(SubgraphStrategy)",
        "withStrategies(CountStrategy)",
        "has",
        "fold",
        "withSideEffect",
        "inject",
        "V",
        "where",
        "not",
        "out",
        "map",
        "values",
        "property",
        "constant",
    }
    assert unlisted_steps(names) == {"withStrategies(SubgraphStrategy)", "map"}


def test_cardinality_value_is_not_a_step() -> None:
    bc = Bytecode()
    bc.add_step("property", CardinalityValue.single(1))
    assert bytecode_steps(bc) == {"property"}


def test_gremlinpython_built_bytecode_is_walked_too() -> None:
    bc = Bytecode()
    bc.add_source("withStrategies", SubgraphStrategy(vertices=__.has_label("x")))
    bc.add_source("withoutStrategies", CountStrategy)
    bc.add_step("V")
    bc.add_step("has", "a", P.gt(1))
    assert bytecode_steps(bc) == {
        "withStrategies",
        "withStrategies(SubgraphStrategy)",
        "hasLabel",
        "withoutStrategies",
        "V",
        "has",
    }
    assert unlisted_steps(bytecode_steps(bc)) == {"withStrategies(SubgraphStrategy)", "withoutStrategies"}


def test_listed_strategies_and_steps() -> None:
    assert (
        unlisted_steps(
            {
                "V",
                "out",
                "withStrategies(OptionsStrategy)",
                "withStrategies(CountStrategy)",
                "discard",
                "none",
                "match",
                "withSack",
            }
        )
        == set()
    )
    assert unlisted_steps({"asString", "withStrategies(ReadOnlyStrategy)", "withBulk"}) == {
        "asString",
        "withStrategies(ReadOnlyStrategy)",
        "withBulk",
    }


@pytest.mark.parametrize(
    ("value", "items"),
    [
        ([1, 2], [1, 2]),
        ({"a"}, ["a"]),
        ({"a": 1, "b": 2}, [{"a": 1}, {"b": 2}]),
        (Path([set(), set()], ["x", "y"]), ["x", "y"]),
        ("abc", ["abc"]),
        (7, [7]),
    ],
)
def test_iterated_next_flattens_the_first_result(value: Any, items: list[Any]) -> None:
    assert _flatten_next(value) == items


def test_hang_guard_turns_an_endless_loop_into_a_failure() -> None:
    from tests.graph.test_tinkerpop_features import _hang_guard

    with pytest.raises(pytest.fail.Exception, match="hang guard"), _hang_guard(0.05):
        while True:
            pass


def test_hang_guard_can_be_switched_off() -> None:
    from tests.graph.test_tinkerpop_features import _hang_guard

    with _hang_guard(0):
        assert sum(range(10)) == 45


ANALYSE = '''Feature: f
  Scenario: listed
    Given the modern graph
    And the traversal of
      """
      g.V().has("age", gt(vid1)).out().values("name")
      """
    And using the parameter vid1 defined as "d[1].i"
    When iterated to list
    Then the graph should return 2 for count of "g.V().hasLabel(\\"person\\")"

  Scenario: unlisted in a count check
    Given the modern graph
    And the traversal of
      """
      g.V()
      """
    When iterated to list
    Then the graph should return 2 for count of "g.V().map(__.asString())"

  Scenario: lambda parameter
    Given the modern graph
    And using the parameter l1 defined as "c[it.get()]"
    And the traversal of
      """
      g.V().map(l1)
      """

  Scenario: closure in the text
    Given the modern graph
    And the traversal of
      """
      g.V().filter{it.get()}
      """
'''


def test_collection_classifies_scenarios_without_running_them() -> None:
    from tests.graph.test_tinkerpop_features import _analyse

    feature = parse_feature(ANALYSE, "f.feature")
    listed, unlisted, lambda_param, closure = (_analyse(feature, s) for s in feature.scenarios)
    assert listed.listed_only and not listed.unlisted and not listed.uses_lambda
    assert listed.case_id == "f::listed"
    assert unlisted.unlisted == ("asString", "map") and not unlisted.listed_only
    assert lambda_param.uses_lambda and not lambda_param.listed_only
    assert closure.uses_lambda
