"""TinkerPop's Gherkin feature suite, run against lakemap's embedded Gremlin engine.

Each scenario is one pytest case, id ``<feature file stem>::<scenario name>``. A case loads its graph (each
named graph is read once per session, then ``Graph.copy()`` per scenario; ``empty`` is a fresh graph plus the
scenario's graph initializer), binds parameters and side effects, parses the traversal text with
:func:`graph.gremlin_text.parse_traversal`, submits the Bytecode through
``EmbeddedConnection(graph).submit(...)`` (expanding bulk) and compares with the expected table.

Outcomes (the runner contract in briefs/gremlin-shared.md):

* an ``UnsupportedStepError`` in a scenario whose traversals use a step outside the issue's step list is an
  xfail naming those steps; in a scenario that uses only listed steps it is a failure;
* scenarios with a lambda are xfail("lambdas are rejected by design");
* tags ``@AllowNullPropertyValues``, ``@StepSubgraph``, ``@StepTree``, ``@GraphComputerOnly`` are
  xfail(run=False), as upstream skips them; "Given an unsupported test" scenarios are skipped with upstream's
  reason;
* "the traversal will raise an error" needs a :class:`~graph.errors.GremlinError` (a Python ``TypeError`` from
  the engine is a bug, not the expected error), with the message check case-insensitive as upstream does.

The suite is found via ``LAKEMAP_GREMLIN_FEATURES`` or ``<repo>/../shared/gremlin-features``; without it every
case is skipped with a reason that says how to get it. ``tests/graph/conftest.py`` prints the suite's counts
at the end.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from gremlin_python.process.traversal import Bytecode, CardinalityValue, P, Traversal, TraversalStrategy
from gremlin_python.structure.graph import Edge, Vertex, VertexProperty
from gremlin_python.structure.graph import Path as GPath

from graph.errors import GremlinError, GremlinSyntaxError, UnsupportedStepError
from graph.gremlin_text import parse_traversal
from tests.graph.feature_values import (
    FeatureValueError,
    Lambda,
    Node,
    matches,
    parse_expected,
    show,
    to_value,
)
from tests.graph.gherkin import Feature, GherkinError, Scenario, Step, parse_feature

# --- the step list ----------------------------------------------------------------------------------

#: Steps (and source steps/terminals) the issue requires; a scenario using only these must pass.
LISTED_STEPS: frozenset[str] = frozenset(
    """
    V E addV addE property mergeV mergeE drop has hasLabel hasId hasNot hasKey hasValue is where not and or
    dedup limit range skip tail simplePath cyclicPath filter out in both outE inE bothE outV inV otherV bothV
    values valueMap elementMap propertyMap id label key value properties project by select as path count sum
    mean max min fold unfold group groupCount order constant coalesce optional union repeat times until emit
    loops choose option local identity inject cap aggregate store sideEffect barrier math sack withSack match
    from to with withSideEffect withStrategies none discard
    """.split()  # noqa: SIM905 - the issue's list, word for word
)

#: Strategies that ``withStrategies`` may name without leaving the list: options, and strategies that only
#: optimize (a correct engine may ignore them because they never change results). Decorations that change
#: results (Subgraph, Partition, ProductiveBy, Seed...), verifications that add errors, and OLAP ones are not
#: listed.
LISTED_STRATEGIES: frozenset[str] = frozenset(
    """
    OptionsStrategy ConnectiveStrategy AdjacentToIncidentStrategy ByModulatorOptimizationStrategy
    CountStrategy EarlyLimitStrategy FilterRankingStrategy IdentityRemovalStrategy IncidentToAdjacentStrategy
    InlineFilterStrategy LazyBarrierStrategy MatchPredicateStrategy MatchAlgorithmStrategy OrderLimitStrategy
    PathProcessorStrategy PathRetractionStrategy RepeatUnrollStrategy ReferenceElementStrategy
    """.split()  # noqa: SIM905
)

NOT_RUN_TAGS: tuple[str, ...] = ("AllowNullPropertyValues", "StepSubgraph", "StepTree", "GraphComputerOnly")
LAMBDA_REASON = "lambdas are rejected by design"

#: Scenarios outside the issue's step list whose result the engine does not match yet. They run as strict
#: xfails: the summary counts them, and a fix turns them into XPASS failures so this list must shrink.
KNOWN_DIVERGENCES: dict[str, str] = {
    "Paths::g_V_shortestpath": "unlisted step map; repeat() without a bound reading its own group() "
                               "side-effect each loop gives 30 paths instead of 24",
    "Paths::g_V_playlist_paths": "unlisted withStrategies(SeedStrategy); result depends on TinkerGraph's "
                                 "adjacency order under java.util.Random",
}

_GRAPH_FILES = {
    "modern": "tinkerpop-modern.json",
    "crew": "tinkerpop-crew.json",
    "sink": "tinkerpop-sink.json",
    "grateful": "grateful-dead.json",
}
_REPO = Path(__file__).resolve().parents[2]


def suite_dir() -> Path | None:
    """Where the feature suite lives, or None when it is not there."""
    configured = os.environ.get("LAKEMAP_GREMLIN_FEATURES")
    path = Path(configured) if configured else _REPO.parent / "shared" / "gremlin-features"
    return path if (path / "data" / "graphs").is_dir() else None


# --- step names used by a Bytecode --------------------------------------------------------------------------


def bytecode_steps(bytecode: Bytecode) -> set[str]:
    """Every step name a Bytecode uses, recursively (source instructions, nested traversals, predicate values
    and strategy configurations). A strategy counts as ``withStrategies(Name)``."""
    names: set[str] = set()
    _collect(bytecode, names)
    return names


def _collect(value: Any, names: set[str]) -> None:
    if isinstance(
        value, Traversal
    ):  # gremlinpython keeps traversals un-converted inside strategy configurations
        value = value.bytecode
    if isinstance(value, CardinalityValue):  # a value wrapper, not a traversal
        for instruction in value.source_instructions:
            for arg in instruction[1:]:
                _collect(arg, names)
        return
    if isinstance(value, Bytecode):
        for instruction in [*value.source_instructions, *value.step_instructions]:
            names.add(instruction[0])
            for arg in instruction[1:]:
                if isinstance(arg, TraversalStrategy):
                    names.add(f"withStrategies({arg.strategy_name})")
                    _collect(list(arg.configuration.values()), names)
                elif isinstance(arg, type) and issubclass(arg, TraversalStrategy):
                    continue
                else:
                    _collect(arg, names)
        return
    if isinstance(value, P):
        _collect(value.value, names)
        _collect(value.other, names)
    elif isinstance(value, dict):
        for k, v in value.items():
            _collect(k, names)
            _collect(v, names)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _collect(item, names)


def unlisted_steps(names: Iterable[str]) -> set[str]:
    """The names outside the issue's list."""
    out = set()
    for name in names:
        if name.startswith("withStrategies("):
            if name[len("withStrategies(") : -1] not in LISTED_STRATEGIES:
                out.add(name)
        elif name not in LISTED_STEPS:
            out.add(name)
    return out


# --- collection ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One scenario plus what collection learned about it (without running anything)."""

    feature: Feature
    scenario: Scenario
    unlisted: tuple[str, ...] = ()
    uses_lambda: bool = False
    listed_only: bool = True

    @property
    def case_id(self) -> str:
        return f"{Path(self.feature.path).stem}::{self.scenario.name}"


@dataclass(frozen=True)
class BrokenFeature:
    """A feature file the Gherkin reader rejected; its case fails with the reader's message."""

    message: str


_PARAM = re.compile(r'^using the parameter (\w+) defined as "(.*)"$')
_SIDE_EFFECT = re.compile(r'^using the side effect (\w+) defined as "(.*)"$')
_COUNT_CHECK = re.compile(r'^the graph should return (\d+) for count of "(.*)"$')
_ERROR_MESSAGE = re.compile(
    r'^the traversal will raise an error with message (containing|starting|ending) text of "(.*)"$'
)
_RESULT_COUNT = re.compile(r"^the result should have a count of (\d+)$")
_GRAPH = re.compile(r"^the (\w+) graph$")


def _unescape(text: str) -> str:
    return text.replace('\\"', '"')


def _scenario_texts(scenario: Scenario) -> Iterator[str]:
    for step in scenario.steps:
        if step.text in ("the traversal of", "the graph initializer of") and step.docstring is not None:
            yield step.docstring
        count = _COUNT_CHECK.match(step.text)
        if count:
            yield _unescape(count.group(2))


def _analyse(feature: Feature, scenario: Scenario) -> Case:
    params: dict[str, Any] = {}
    uses_lambda = False
    for step in scenario.steps:
        match = _PARAM.match(step.text) or _SIDE_EFFECT.match(step.text)
        if match:
            params[match.group(1)] = None
            try:
                uses_lambda |= isinstance(parse_expected(_unescape(match.group(2))), Lambda)
            except FeatureValueError:
                pass
    names: set[str] = set()
    for text in _scenario_texts(scenario):
        try:
            names |= bytecode_steps(parse_traversal(text, parameters=params))
        except GremlinSyntaxError as err:
            uses_lambda |= "lambda" in str(err)
    unlisted = tuple(sorted(unlisted_steps(names)))
    return Case(feature, scenario, unlisted, uses_lambda, listed_only=not unlisted and not uses_lambda)


def _collect_cases() -> list[Any]:
    root = suite_dir()
    if root is None:
        reason = (
            "TinkerPop feature suite not found: set LAKEMAP_GREMLIN_FEATURES to a copy of gremlin-test's "
            "features/ folder with the graphs in data/graphs/ (see shared/gremlin-features/README.md)"
        )
        return [pytest.param(None, id="suite-missing", marks=pytest.mark.skip(reason=reason))]
    params = []
    for path in sorted(root.rglob("*.feature")):
        try:
            feature = parse_feature(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
        except (GherkinError, UnicodeDecodeError) as err:  # one broken file fails one case, not collection
            params.append(pytest.param(BrokenFeature(str(err)), id=f"{path.stem}::<unreadable>"))
            continue
        for scenario in feature.scenarios:
            case = _analyse(feature, scenario)
            marks = []
            not_run = [tag for tag in NOT_RUN_TAGS if tag in scenario.tags]
            if not_run:
                marks.append(pytest.mark.xfail(run=False, reason=f"@{not_run[0]}"))
            elif case.case_id in KNOWN_DIVERGENCES and not case.listed_only:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_DIVERGENCES[case.case_id]))
            elif any(step.text == "an unsupported test" for step in scenario.steps):
                because = next((s.docstring for s in scenario.steps if s.docstring), "") or ""
                marks.append(
                    pytest.mark.skip(reason=f"upstream marks it unsupported: {because.strip()[:120]}")
                )
            params.append(pytest.param(case, id=case.case_id, marks=marks))
    return params


# --- the graphs ---------------------------------------------------------------------------------------------


class _Engine:
    """Imports the engine lazily so a missing or broken engine fails each case with a message instead of
    breaking collection of the whole test session."""

    def __init__(self) -> None:
        self._graphs: dict[str, Any] = {}
        self._lookups: dict[str, _GraphLookup] = {}

    @property
    def module(self) -> Any:
        try:
            from graph import engine
        except Exception as err:  # noqa: BLE001 - report any import failure as the case's failure
            pytest.fail(f"graph.engine is not importable: {type(err).__name__}: {err}")
        for name in ("Graph", "EmbeddedConnection", "load_graphson"):
            if not hasattr(engine, name):
                pytest.fail(f"graph.engine does not provide {name} yet")
        return engine

    def graph(self, name: str, root: Path) -> Any:
        engine = self.module
        if name == "empty":
            return engine.Graph()
        if name not in _GRAPH_FILES:
            pytest.fail(f"unknown graph {name!r}")
        if name not in self._graphs:
            self._graphs[name] = engine.load_graphson(root / "data" / "graphs" / _GRAPH_FILES[name])
        return self._graphs[name].copy()

    def lookup(self, name: str, root: Path) -> _GraphLookup:
        """Element names of a named graph, read once from the pristine graph."""
        if name not in self._lookups:
            if name not in self._graphs:
                self.graph(name, root)
            conn = self.module.EmbeddedConnection(self._graphs[name])
            self._lookups[name] = _GraphLookup(lambda bc: _submit(conn, bc))
        return self._lookups[name]


def _submit(conn: Any, bytecode: Bytecode) -> list[Any]:
    """Submit and expand bulk, as gremlinpython's iteration does."""
    out: list[Any] = []
    for traverser in conn.submit(bytecode).traversers:
        out.extend([traverser.object] * int(traverser.bulk))
    return out


def _bytecode(*steps: tuple[Any, ...]) -> Bytecode:
    bc = Bytecode()
    for name, *args in steps:
        bc.add_step(name, *args)
    return bc


class _GraphLookup:
    """``v[name]`` -> Vertex (the last vertex with that name wins, as upstream's ``group().by(tail())``),
    ``e[a-l->b]`` -> Edge, ``vp[a-key->value]`` -> VertexProperty; built lazily with plain
    V()/E()/values()/properties() traversals."""

    def __init__(self, run: Callable[[Bytecode], list[Any]]) -> None:
        self._run = run
        self._vertices: dict[str, Vertex] | None = None
        self._names: dict[Any, str] = {}
        self._edges: dict[str, Edge] | None = None
        self._vps: dict[str, VertexProperty] | None = None

    def _load_vertices(self) -> dict[str, Vertex]:
        if self._vertices is None:
            self._vertices = {}
            for vertex in self._run(_bytecode(("V",))):
                names = self._run(_bytecode(("V", vertex.id), ("values", "name")))
                if names:
                    self._vertices[str(names[-1])] = vertex
                    self._names[vertex.id] = str(names[-1])
        return self._vertices

    def vertex(self, name: str) -> Vertex:
        return self._load_vertices()[name]

    def edge(self, name: str) -> Edge:
        if self._edges is None:
            self._load_vertices()
            self._edges = {}
            for edge in self._run(_bytecode(("E",))):
                out_name = self._names.get(edge.outV.id, str(edge.outV.id))
                in_name = self._names.get(edge.inV.id, str(edge.inV.id))
                self._edges[f"{out_name}-{edge.label}->{in_name}"] = edge
        return self._edges[name]

    def vertex_property(self, name: str) -> VertexProperty:
        if self._vps is None:
            self._vps = {}
            for vertex_name, vertex in self._load_vertices().items():
                for vp in self._run(_bytecode(("V", vertex.id), ("properties",))):
                    self._vps[f"{vertex_name}-{vp.label}->{_typed_text(vp.value)}"] = vp
        return self._vps[name]


def _typed_text(value: Any) -> str:
    """How upstream's lookup spells a property value: ``d[29].i`` for numbers, the text for strings."""
    from graph.engine.numbers import Float32

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Float32):
        return f"d[{value}].f"
    if isinstance(value, float):
        return f"d[{value}].d"
    return f"d[{value}].i"


# --- running one scenario -----------------------------------------------------------------------------------


@dataclass
class _Outcome:
    results: list[Any] | None = None
    error: BaseException | None = None


@dataclass
class _ScenarioRun:
    case: Case
    engine: _Engine
    root: Path
    graph_name: str = ""
    graph: Any = None
    conn: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    side_effects: list[tuple[str, Any]] = field(default_factory=list)
    bytecode: Bytecode | None = None
    outcome: _Outcome | None = None
    _empty_lookup: _GraphLookup | None = None

    # -- plumbing
    def lookup(self) -> _GraphLookup:
        if self.graph_name != "empty":
            return self.engine.lookup(self.graph_name, self.root)
        if self._empty_lookup is None:
            self._empty_lookup = _GraphLookup(self.run_bytecode)
        return self._empty_lookup

    def run_bytecode(self, bytecode: Bytecode) -> list[Any]:
        return _submit(self.conn, bytecode)

    def parse(self, text: str) -> Bytecode:
        try:
            return parse_traversal(text, parameters=self.params)
        except GremlinSyntaxError as err:
            if "lambda" in str(err):
                pytest.xfail(LAMBDA_REASON)
            pytest.fail(f"traversal text does not parse: {err}\n{text}")

    def unsupported(self, err: UnsupportedStepError) -> None:
        """Apply the runner contract to an UnsupportedStepError."""
        if self.case.unlisted:
            pytest.xfail(f"uses {', '.join(self.case.unlisted)} (outside the issue's list); engine: {err}")
        pytest.fail(f"UnsupportedStepError in a scenario that uses only listed steps: {err}")

    def execute(self, bytecode: Bytecode, *, mutates: bool = True) -> list[Any]:
        """Run a setup/check traversal; errors here are never the scenario's expected error."""
        try:
            return self.run_bytecode(bytecode)
        except UnsupportedStepError as err:
            self.unsupported(err)
            raise
        except GremlinError as err:
            pytest.fail(f"{type(err).__name__}: {err}")
        finally:
            if mutates:
                self._empty_lookup = None

    def value(self, text: str) -> Any:
        node = parse_expected(_unescape(text))
        if isinstance(node, Lambda):
            pytest.xfail(LAMBDA_REASON)
        return to_value(node, self.lookup())

    # -- steps
    def run(self) -> None:
        for step in self.case.scenario.steps:
            self.step(step)
        if self.outcome is None and self.bytecode is not None:
            pytest.fail("the scenario never iterates its traversal")

    def step(self, step: Step) -> None:
        text = step.text
        graph = _GRAPH.match(text) if step.keyword == "Given" else None
        if graph:
            self.graph_name = graph.group(1)
            self.graph = self.engine.graph(self.graph_name, self.root)
            self.conn = self.engine.module.EmbeddedConnection(self.graph)
            return
        if text == "the graph initializer of":
            self.execute(self.parse(step.docstring or ""))
            return
        param = _PARAM.match(text)
        if param:
            self.params[param.group(1)] = self.value(param.group(2))
            return
        side_effect = _SIDE_EFFECT.match(text)
        if side_effect:
            self.side_effects.append((side_effect.group(1), self.value(side_effect.group(2))))
            return
        if text == "the traversal of":
            bytecode = self.parse(step.docstring or "")
            for name, value in reversed(self.side_effects):
                bytecode.source_instructions.insert(0, ["withSideEffect", name, value])
            self.bytecode = bytecode
            return
        if text in ("iterated to list", "iterated next"):
            self.iterate(next_only=text == "iterated next")
            return
        self.then(step)

    def iterate(self, *, next_only: bool) -> None:
        if self.bytecode is None:
            pytest.fail("no traversal to iterate")
        outcome = _Outcome()
        try:
            results = self.run_bytecode(self.bytecode)
            if next_only:  # an empty traversal's next() yields nothing; "should be empty" then holds
                results = _flatten_next(results[0]) if results else []
            outcome.results = results
        except UnsupportedStepError as err:
            self.unsupported(err)
        except GremlinError as err:
            outcome.error = err
        except Exception as err:  # noqa: BLE001 - an engine crash is recorded, then judged by the Then step
            outcome.error = err
        self._empty_lookup = None
        self.outcome = outcome

    def results(self) -> list[Any]:
        if self.outcome is None:
            pytest.fail("the scenario checks results before iterating")
        if self.outcome.error is not None:
            err = self.outcome.error
            raise AssertionError(f"the traversal failed: {type(err).__name__}: {err}") from err
        assert self.outcome.results is not None
        return self.outcome.results

    def then(self, step: Step) -> None:
        text = step.text
        if text == "nothing should happen because" or text == "an unsupported test":
            return
        if text == "the traversal will raise an error" or _ERROR_MESSAGE.match(text):
            self.expect_error(_ERROR_MESSAGE.match(text))
            return
        if text == "the result should be empty":
            results = self.results()
            assert not results, f"expected no results, got {len(results)}: {_show_list(results)}"
            return
        if text in (
            "the result should be ordered",
            "the result should be unordered",
            "the result should be of",
        ):
            self.compare_table(step, text.rsplit(" ", 1)[1])
            return
        count = _RESULT_COUNT.match(text)
        if count:
            results = self.results()
            assert len(results) == int(count.group(1)), (
                f"expected {count.group(1)} results, got {len(results)}: {_show_list(results)}"
            )
            return
        graph_count = _COUNT_CHECK.match(text)
        if graph_count:
            self.results()  # the traversal itself must have succeeded
            bytecode = self.parse(_unescape(graph_count.group(2)))
            bytecode.add_step("count")
            got = self.execute(bytecode, mutates=False)
            expected = int(graph_count.group(1))
            assert got and got[0] == expected, (
                f"{_unescape(graph_count.group(2))}.count() returned {_show_list(got)}, expected {expected}"
            )
            return
        pytest.fail(f"the runner does not understand the step {step.keyword} {text!r}")

    def expect_error(self, message: re.Match[str] | None) -> None:
        if self.outcome is None:
            pytest.fail("the scenario checks for an error before iterating")
        err = self.outcome.error
        if err is None:
            pytest.fail(f"expected an error, got results: {_show_list(self.outcome.results or [])}")
        if not isinstance(err, GremlinError):
            message_ = f"expected a GremlinError, the engine raised {type(err).__name__}: {err}"
            raise AssertionError(message_) from err  # noqa: TRY004 - a test verdict, not a type check
        if message is None:
            return
        how, wanted = message.group(1), _unescape(message.group(2))
        got = str(err).upper()
        ok = {
            "containing": wanted.upper() in got,
            "starting": got.startswith(wanted.upper()),
            "ending": got.endswith(wanted.upper()),
        }[how]
        assert ok, f"error message should be {how} {wanted!r}, got {str(err)!r}"

    def compare_table(self, step: Step, how: str) -> None:
        if not step.table or step.table[0] != ("result",):
            pytest.fail("a result table needs a 'result' header")
        expected: list[Node] = []
        for (cell,) in step.table[1:]:
            node = parse_expected(cell)
            if isinstance(node, Lambda):
                pytest.xfail(LAMBDA_REASON)
            expected.append(node)
        results = self.results()
        lookup = self.lookup()
        if how == "of":
            for result in results:
                assert any(matches(node, result, lookup) for node in expected), (
                    f"result {show(result)} is none of the expected values"
                )
            return
        assert len(results) == len(expected), (
            f"expected {len(expected)} results, got {len(results)}: {_show_list(results)}"
        )
        if how == "ordered":
            for i, (node, result) in enumerate(zip(expected, results)):
                assert matches(node, result, lookup), (
                    f"row {i + 1}: expected {step.table[i + 1][0]}, got {show(result)}\n"
                    f"all: {_show_list(results)}"
                )
            return
        remaining = list(results)
        for i, node in enumerate(expected):
            for j, result in enumerate(remaining):
                if matches(node, result, lookup):
                    del remaining[j]
                    break
            else:
                raise AssertionError(
                    f"row {i + 1}: {step.table[i + 1][0]} is not among the results\n"
                    f"results: {_show_list(results)}"
                )


def _flatten_next(value: Any) -> list[Any]:
    """What "iterated next" asserts on: the items of the first result (a map gives its entries, one-entry
    maps)."""
    if isinstance(value, GPath):
        return list(value.objects)
    if isinstance(value, dict):
        return [{k: v} for k, v in value.items()]
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def _show_list(values: list[Any], limit: int = 12) -> str:
    shown = ", ".join(show(v) for v in values[:limit])
    return f"[{shown}{', ...' if len(values) > limit else ''}]"


# --- the test -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tinkerpop_engine() -> _Engine:
    return _Engine()


@contextlib.contextmanager
def _hang_guard(seconds: float) -> Iterator[None]:
    """Turn an engine that never returns into one failed case (with its stack) instead of a stuck run.

    Not a performance check: the limit is far above any scenario's normal run time. SIGALRM only works in the
    main thread on POSIX; elsewhere the guard is off.
    """
    usable = (
        seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _alarm(signum: int, frame: Any) -> None:
        # pytest.fail raises a BaseException, so the runner's own `except Exception` cannot swallow it.
        pytest.fail(f"the scenario did not finish within {seconds:g} s (hang guard)")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _hang_limit() -> float:
    raw = os.environ.get("LAKEMAP_GREMLIN_SCENARIO_TIMEOUT", "30")
    try:
        return float(raw)
    except ValueError:
        return 30.0


@pytest.mark.parametrize("case", _collect_cases())
def test_feature(case: Case | BrokenFeature, tinkerpop_engine: _Engine) -> None:
    if isinstance(case, BrokenFeature):
        pytest.fail(f"feature file does not parse: {case.message}")
    root = suite_dir()
    assert root is not None
    if case.uses_lambda:
        pytest.xfail(LAMBDA_REASON)
    run = _ScenarioRun(case, tinkerpop_engine, root)
    try:
        with _hang_guard(_hang_limit()):
            run.run()
    finally:
        if run.conn is not None:
            run.conn.close()
