"""``match()``: declarative patterns solved by backtracking over label bindings.

Each pattern is ``as('x')...as('y')`` (walk from the value bound to ``x``; bind or check ``y``),
a filter (no end label), ``where(...)``, ``not(...)``, ``and(...)`` (its patterns join the
match) or ``or(...)`` (a filter over bound labels). Patterns run in the order written as soon
as the labels they need are bound, like TinkerPop's CountMatchAlgorithm minus its
re-ordering, which never changes the set of results. Each solution is emitted as a map of the
match's labels, with the bound objects added to the traverser's path so later ``select()``/
``where()`` see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graph.engine.compare import equals
from graph.engine.compiler import register
from graph.engine.core import NOTHING, Context, Step, Traversal
from graph.engine.scope import path_value
from graph.engine.traverser import PathNode, Traverser
from graph.errors import GremlinError

__all__ = ["MatchStep"]


class _Pattern:
    """One compiled pattern: ``kind`` is traversal, filter, not or or."""

    def __init__(
        self,
        kind: str,
        start: str | None,
        end: str | None,
        body: Traversal | None,
        step: Step | None = None,
        needs: tuple[str, ...] = (),
    ) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.body = body
        self.step = step
        self.needs = needs

    def labels(self) -> list[str]:
        return [x for x in (self.start, self.end) if x is not None]


def _split_pattern(traversal: Traversal) -> tuple[str | None, str | None, Traversal]:
    """Strip a leading ``as(x)`` and a trailing label off a pattern traversal."""
    from graph.engine.steps_map import IdentityStep

    steps = list(traversal.steps)
    start: str | None = None
    if steps and isinstance(steps[0], IdentityStep) and steps[0].start and steps[0].labels:
        start = sorted(steps[0].labels)[0]
        steps = steps[1:]
    end: str | None = None
    if steps and steps[-1].labels:
        end = sorted(steps[-1].labels)[0]
        steps[-1].labels = frozenset(x for x in steps[-1].labels if x != end)
    body = Traversal()
    for s in steps:
        body.add(s)
    body.parent = traversal.parent
    return start, end, body


def _needs_of(traversal: Traversal) -> tuple[str, ...]:
    """Labels a filter pattern reads (start/end labels and where/select keys inside)."""
    from graph.engine.steps_map import IdentityStep, SelectOneStep, SelectStep
    from graph.engine.steps_where import WhereEndStep, WherePredicateStep, WhereStartStep, pred_labels

    found: list[str] = []
    for step in traversal.walk():
        if isinstance(step, IdentityStep) and step.start:
            found.extend(step.labels)
        elif isinstance(step, (WhereStartStep, WhereEndStep)) and step.key is not None:
            found.append(step.key)
        elif isinstance(step, WherePredicateStep):
            if step.start_key is not None:
                found.append(step.start_key)
            found.extend(pred_labels(step.pred))
        elif isinstance(step, SelectOneStep) and isinstance(step.key, str):
            found.append(step.key)
        elif isinstance(step, SelectStep):
            found.extend(step.keys)
        if step.labels and step is traversal.steps[-1]:
            found.extend(step.labels)
    return tuple(dict.fromkeys(found))


def _compile_patterns(traversals: list[Traversal]) -> list[_Pattern]:
    from graph.engine.steps_where import (
        AndStep,
        NotStep,
        OrStep,
        WherePredicateStep,
        WhereTraversalStep,
        configure_where,
    )

    patterns: list[_Pattern] = []
    for trav in traversals:
        first = trav.steps[0] if trav.steps else None
        if len(trav.steps) == 1 and isinstance(first, AndStep):
            patterns.extend(_compile_patterns(first.traversals))
            continue
        if len(trav.steps) == 1 and isinstance(first, OrStep):
            for child in first.traversals:
                configure_where(child)
        if len(trav.steps) == 1 and isinstance(first, (WherePredicateStep, WhereTraversalStep, OrStep)):
            patterns.append(_Pattern("filter", None, None, trav, first, _needs_of(trav)))
            continue
        if len(trav.steps) == 1 and isinstance(first, NotStep):
            start, end, body = _split_pattern(first.traversal)
            needs = tuple(x for x in (start, end) if x) + _needs_of(body)
            patterns.append(_Pattern("not", start, end, body, None, tuple(dict.fromkeys(needs))))
            continue
        start, end, body = _split_pattern(trav)
        if start is None:
            raise GremlinError("match() patterns must start with as()")
        patterns.append(_Pattern("traversal", start, end, body))
    return patterns


class MatchStep(Step):
    name = "match"

    def __init__(self, traversals: list[Traversal]) -> None:
        super().__init__()
        if not traversals:
            raise GremlinError("match() needs at least one pattern")
        self.raw = traversals
        self.patterns = _compile_patterns(traversals)
        order: list[str] = []
        for p in self.patterns:
            for label in (*p.labels(), *p.needs):
                if label not in order:
                    order.append(label)
        self.match_labels = order
        ends = {p.end for p in self.patterns if p.end}
        starts = [p.start for p in self.patterns if p.kind == "traversal" and p.start]
        self.start_label = next((s for s in starts if s not in ends), starts[0] if starts else None)

    def children(self) -> list[Traversal]:
        return list(self.raw)

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for t in it:
            bindings: dict[str, Any] = {}
            for label in self.match_labels:
                value = path_value(t, label, "last")
                if value is not NOTHING:
                    bindings[label] = value
            base = t
            if self.start_label is not None and self.start_label not in bindings:
                bindings[self.start_label] = t.obj
                base = t.clone()
                base.add_labels(frozenset({self.start_label}))
            for solution, path in self._solve(ctx, base, list(self.patterns), bindings, base.path):
                out = Traverser(
                    {k: solution[k] for k in self.match_labels if k in solution},
                    t.bulk,
                    None,
                    t.loops,
                    t.sack,
                )
                out.path = PathNode(out.obj, frozenset(), path)
                yield out

    def _ready(self, p: _Pattern, bindings: dict[str, Any]) -> bool:
        if p.kind == "traversal":
            return p.start in bindings
        return all(label in bindings for label in p.needs)

    def _solve(
        self,
        ctx: Context,
        base: Traverser,
        pending: list[_Pattern],
        bindings: dict[str, Any],
        path: PathNode | None,
    ) -> Iterator[tuple[dict[str, Any], PathNode | None]]:
        if not pending:
            yield dict(bindings), path
            return
        index = next((i for i, p in enumerate(pending) if self._ready(p, bindings)), None)
        if index is None:
            raise GremlinError(
                "match() patterns are not connected: no pattern can start from the bound labels"
            )
        pattern = pending[index]
        rest = pending[:index] + pending[index + 1 :]
        probe = Traverser(base.obj, 1, path, base.loops, base.sack)
        if pattern.kind == "filter":
            assert pattern.body is not None
            src = probe.replace(bindings[pattern.needs[0]]) if pattern.needs else probe
            if pattern.body.test(ctx, src):
                yield from self._solve(ctx, base, rest, bindings, path)
            return
        assert pattern.body is not None and pattern.start is not None
        src = probe.replace(bindings[pattern.start])
        if pattern.kind == "not":
            for r in pattern.body.local(ctx, src):
                if pattern.end is None or equals(r.obj, bindings[pattern.end]):
                    return
            yield from self._solve(ctx, base, rest, bindings, path)
            return
        results = [r.obj for r in pattern.body.local(ctx, src) for _ in range(r.bulk)]
        for value in results:
            if pattern.end is None:
                yield from self._solve(ctx, base, rest, bindings, path)
                return
            if pattern.end in bindings:
                if equals(value, bindings[pattern.end]):
                    yield from self._solve(ctx, base, rest, bindings, path)
                continue
            bindings[pattern.end] = value
            yield from self._solve(ctx, base, rest, bindings, PathNode(value, frozenset({pattern.end}), path))
            del bindings[pattern.end]


@register("match")
def _match(compiler: Any, args: list[Any], is_start: bool) -> Step:
    for a in args:
        if not isinstance(a, Traversal):
            raise GremlinError(f"match() takes traversals, got {a!r}")
    return MatchStep(list(args))
