"""Traversal filters: ``where`` (predicate and traversal forms), ``not``, ``and``, ``or``, ``filter``.

``where(traversal)`` follows TinkerPop: a leading ``as('x')`` starts from the value labelled
``x`` and a trailing ``as('y')`` keeps only results equal to the value labelled ``y``
(read when the traverser enters the ``where``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graph.engine.compare import GremlinTypeError, equals
from graph.engine.compiler import register
from graph.engine.core import (
    NOTHING,
    UNPRODUCTIVE,
    By,
    Context,
    FilterStep,
    Step,
    Traversal,
)
from graph.engine.predicates import Pred, combine, compile_p
from graph.engine.scope import scope_value
from graph.engine.traverser import Traverser
from graph.errors import GremlinError

__all__ = [
    "WherePredicateStep",
    "WhereTraversalStep",
    "NotStep",
    "AndStep",
    "OrStep",
    "configure_where",
    "rebuild_pred",
    "pred_labels",
]


def rebuild_pred(pred: Pred, mapper: Any) -> Pred:
    """The same predicate with every operand passed through ``mapper``."""
    if pred.op in ("and", "or"):
        parts = [rebuild_pred(p, mapper) for p in pred.value]
        return combine(pred.op, parts)
    if pred.op == "not":
        inner = rebuild_pred(pred.value, mapper)
        return Pred("not", inner, None, lambda x: not inner.test(x))

    if isinstance(pred.value, list):
        resolved: list[Any] = []
        for v in pred.value:
            r = mapper(v)
            if pred.op in ("within", "without") and isinstance(r, (list, tuple, set, frozenset)):
                resolved.extend(r)
            else:
                resolved.append(r)
        new_value: Any = resolved
    else:
        new_value = mapper(pred.value)

    class _P:
        operator = pred.op
        value = new_value
        other = None if pred.other is None else mapper(pred.other)

    return compile_p(_P())


def pred_labels(pred: Pred) -> list[str]:
    if pred.op in ("and", "or"):
        return [k for p in pred.value for k in pred_labels(p)]
    if pred.op == "not":
        return pred_labels(pred.value)
    vals = pred.value if isinstance(pred.value, list) else [pred.value]
    if pred.other is not None:
        vals = vals + [pred.other]
    return [v for v in vals if isinstance(v, str)]


class WherePredicateStep(FilterStep):
    """``where(P)`` / ``where('a', P)``: P's operands name labelled values."""

    name = "where"

    def __init__(self, start_key: str | None, pred: Pred) -> None:
        super().__init__()
        self.start_key = start_key
        self.pred = pred
        self.bys: list[By] = []

    def children(self) -> list[Traversal]:
        return [c for b in self.bys for c in b.children()]

    def modulate_by(self, *args: Any) -> None:
        self.bys.append(By(*args))

    def _by(self, index: int) -> By | None:
        if not self.bys:
            return None
        return self.bys[index % len(self.bys)]

    def test(self, ctx: Context, t: Traverser) -> bool:
        if self.start_key is None:
            left = t.obj
        else:
            left = scope_value(ctx, t, self.start_key, "last")
            if left is NOTHING:
                return False
        by0 = self._by(0)
        if by0 is not None:
            left = by0.apply_to(ctx, t, left)
            if left is UNPRODUCTIVE:
                return False
        missing = []
        position = [0]

        def resolve(label: Any) -> Any:
            if not isinstance(label, str):
                return label
            position[0] += 1
            value = scope_value(ctx, t, label, "last")
            if value is NOTHING:
                missing.append(label)
                return None
            by = self._by(position[0])
            if by is not None:
                value = by.apply_to(ctx, t, value)
                if value is UNPRODUCTIVE:
                    missing.append(label)
                    return None
            return value

        pred = rebuild_pred(self.pred, resolve)
        if missing:
            return False
        return pred.test(left)


class WhereStartStep(Step):
    """Inside ``where(traversal)``: start from the value labelled ``key``."""

    name = "whereStart"

    def __init__(self, key: str | None) -> None:
        super().__init__()
        self.key = key
        self.end: WhereEndStep | None = None

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for t in it:
            if self.end is not None:
                self.end.capture(ctx, t)
            if self.key is None:
                yield t
                continue
            value = scope_value(ctx, t, self.key, "last")
            if value is NOTHING:
                continue
            yield t.replace(value)


class WhereEndStep(FilterStep):
    """Inside ``where(traversal)``: keep results equal to the value labelled ``key``."""

    name = "whereEnd"

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.value: Any = NOTHING

    def capture(self, ctx: Context, t: Traverser) -> None:
        """The value to match is read from the traverser entering the where(), not the one leaving."""
        self.value = scope_value(ctx, t, self.key, "last")

    def test(self, ctx: Context, t: Traverser) -> bool:
        return self.value is not NOTHING and equals(t.obj, self.value)


class WhereTraversalStep(FilterStep):
    name = "where"

    def __init__(self, traversal: Traversal) -> None:
        super().__init__()
        self.traversal = traversal
        configure_where(traversal)

    def children(self) -> list[Traversal]:
        return [self.traversal]

    def test(self, ctx: Context, t: Traverser) -> bool:
        return self.traversal.test(ctx, t)


def configure_where(traversal: Traversal) -> None:
    """Turn a leading ``as(x)`` / trailing ``as(y)`` into where-start / where-end steps."""
    from graph.engine.steps_map import IdentityStep

    if not traversal.steps:
        return
    first = traversal.steps[0]
    start: WhereStartStep | None = None
    if isinstance(first, (AndStep, OrStep, NotStep)):
        for child in first.children():
            configure_where(child)
    elif isinstance(first, IdentityStep) and first.start and len(first.labels) == 1:
        start = WhereStartStep(next(iter(first.labels)))
        traversal.steps[0] = start
        start.owner = traversal
    elif traversal.steps[-1].labels:
        start = WhereStartStep(None)
        traversal.steps.insert(0, start)
        start.owner = traversal
    end = traversal.steps[-1]
    if end.labels:
        if len(end.labels) > 1:
            raise GremlinError("The end step of a where()-traversal can only have one label")
        label = next(iter(end.labels))
        end.labels = frozenset()
        end_step = WhereEndStep(label)
        traversal.add(end_step)
        if start is not None:
            start.end = end_step


@register("where")
def _where(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) == 1 and isinstance(args[0], Traversal):
        return WhereTraversalStep(args[0])
    if len(args) == 1 and isinstance(args[0], Pred):
        return WherePredicateStep(None, args[0])
    if len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], Pred):
        return WherePredicateStep(args[0], args[1])
    raise GremlinError(f"where() arguments not understood: {args!r}")


class NotStep(FilterStep):
    name = "not"

    def __init__(self, traversal: Traversal) -> None:
        super().__init__()
        self.traversal = traversal

    def children(self) -> list[Traversal]:
        return [self.traversal]

    def test(self, ctx: Context, t: Traverser) -> bool:
        return not self.traversal.test(ctx, t)


class AndStep(FilterStep):
    name = "and"

    def __init__(self, traversals: list[Traversal]) -> None:
        super().__init__()
        self.traversals = traversals

    def children(self) -> list[Traversal]:
        return list(self.traversals)

    def test(self, ctx: Context, t: Traverser) -> bool:
        error: GremlinTypeError | None = None
        for child in self.traversals:
            try:
                if not child.test(ctx, t):
                    return False
            except GremlinTypeError as exc:
                error = exc
        if error is not None:
            raise error
        return True


class OrStep(FilterStep):
    name = "or"

    def __init__(self, traversals: list[Traversal]) -> None:
        super().__init__()
        self.traversals = traversals

    def children(self) -> list[Traversal]:
        return list(self.traversals)

    def test(self, ctx: Context, t: Traverser) -> bool:
        error: GremlinTypeError | None = None
        for child in self.traversals:
            try:
                if child.test(ctx, t):
                    return True
            except GremlinTypeError as exc:
                error = exc
        if error is not None:
            raise error
        return False


class TraversalFilterStep(FilterStep):
    name = "filter"

    def __init__(self, traversal: Traversal) -> None:
        super().__init__()
        self.traversal = traversal

    def children(self) -> list[Traversal]:
        return [self.traversal]

    def test(self, ctx: Context, t: Traverser) -> bool:
        return self.traversal.test(ctx, t)


def _traversals(name: str, args: list[Any]) -> list[Traversal]:
    for a in args:
        if not isinstance(a, Traversal):
            raise GremlinError(f"{name}() takes traversals, got {a!r}")
    return list(args)


@register("not")
def _not(compiler: Any, args: list[Any], is_start: bool) -> Step:
    ts = _traversals("not", args)
    if len(ts) != 1:
        raise GremlinError("not() takes one traversal")
    return NotStep(ts[0])


@register("and")
def _and(compiler: Any, args: list[Any], is_start: bool) -> Step:
    return AndStep(_traversals("and", args))


@register("or")
def _or(compiler: Any, args: list[Any], is_start: bool) -> Step:
    return OrStep(_traversals("or", args))


@register("filter")
def _filter(compiler: Any, args: list[Any], is_start: bool) -> Step:
    ts = _traversals("filter", args)
    if len(ts) != 1:
        raise GremlinError("filter() takes one traversal")
    return TraversalFilterStep(ts[0])
