"""Reducing barriers: ``count``, ``sum``, ``mean``, ``min``, ``max`` (global and local scope) and
``fold``.

A reduction over the whole stream emits one traverser with a fresh path, as Gremlin's reducing
barriers do; nulls are skipped and an all-null input reduces to null.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gremlin_python.process.traversal import Scope
from gremlin_python.statics import long

from graph.engine import numbers as num
from graph.engine.compare import PathValue, compare
from graph.engine.compiler import register
from graph.engine.core import (
    NOTHING,
    Context,
    Step,
    type_label,
)
from graph.engine.steps_map import apply_operator
from graph.engine.traverser import Traverser
from graph.errors import GremlinError

__all__ = ["ReducingStep", "FoldStep", "reduce_sum", "reduce_mean", "reduce_min", "reduce_max"]


def _numbers_only(step: str, value: Any) -> Any:
    if num.number_rank(value) is None:
        raise GremlinError(f"{step}() can only be applied to numbers, got {value!r} ({type_label(value)})")
    return value


def _all_null(values: list[tuple[Any, int]]) -> bool:
    return bool(values) and all(v is None for v, _ in values)


def reduce_sum(values: list[tuple[Any, int]]) -> Any:
    if _all_null(values):
        return None
    total: Any = NOTHING
    for v, bulk in values:
        if v is None:
            continue
        _numbers_only("sum", v)
        if bulk != 1:
            v = num.mul(v, bulk)
        total = v if total is NOTHING else num.add(total, v)
    return total


def reduce_mean(values: list[tuple[Any, int]]) -> Any:
    if _all_null(values):
        return None
    total: Any = NOTHING
    count = 0
    for v, bulk in values:
        if v is None:
            continue
        _numbers_only("mean", v)
        if bulk != 1:
            v = num.mul(v, bulk)
        total = v if total is NOTHING else num.add(total, v)
        count += bulk
    if total is NOTHING:
        return NOTHING
    return num.div(total, long(count), force_fp=True)


def _minmax(values: list[tuple[Any, int]], want_min: bool) -> Any:
    best: Any = NOTHING
    for v, _ in values:
        if v is None:
            continue
        if best is NOTHING:
            best = v
            continue
        if num.is_number(v) and num.is_number(best):
            best = num.num_min(best, v) if want_min else num.num_max(best, v)
        else:
            c = compare(v, best)
            if (c < 0) if want_min else (c > 0):
                best = v
    if best is NOTHING:
        if any(v is None for v, _ in values):
            return None
        return NOTHING
    return best


def reduce_min(values: list[tuple[Any, int]]) -> Any:
    return _minmax(values, True)


def reduce_max(values: list[tuple[Any, int]]) -> Any:
    return _minmax(values, False)


class ReducingStep(Step):
    """count/sum/mean/min/max in global scope (a barrier) or local scope (per collection)."""

    def __init__(self, name: str, local: bool) -> None:
        super().__init__()
        self.name = name
        self.local = local

    def is_barrier(self) -> bool:
        return not self.local

    def _reduce(self, values: list[tuple[Any, int]]) -> Any:
        name = self.name
        if name == "count":
            return long(sum(b for _, b in values))
        if name == "sum":
            return reduce_sum(values)
        if name == "mean":
            return reduce_mean(values)
        if name == "min":
            return reduce_min(values)
        return reduce_max(values)

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.local:
            for t in it:
                obj = t.obj
                if isinstance(obj, PathValue):
                    obj = list(obj.objects)
                if self.name == "count":
                    if isinstance(obj, (list, tuple, set, frozenset, dict)):
                        yield t.split(long(len(obj)))
                    elif obj is None:
                        yield t.split(long(0))
                    else:
                        yield t.split(long(1))
                    continue
                if isinstance(obj, dict):
                    items = [(v, 1) for v in obj.values()]
                elif isinstance(obj, (list, tuple, set, frozenset)):
                    items = [(v, 1) for v in obj]
                else:
                    items = [(obj, 1)]
                result = self._reduce(items)
                if result is not NOTHING:
                    yield t.split(result)
            return
        values: list[tuple[Any, int]] = []
        first: Traverser | None = None
        for t in it:
            if first is None:
                first = t
            values.append((t.obj, t.bulk))
        result = self._reduce(values)
        if result is NOTHING:
            return
        yield Traverser.start(result, ctx.new_sack())


def _scope_factory(name: str) -> None:
    @register(name)
    def _f(compiler: Any, args: list[Any], is_start: bool) -> Step:
        local = bool(args) and args[0] == Scope.local
        return ReducingStep(name, local)


for _n in ("count", "sum", "mean", "min", "max"):
    _scope_factory(_n)


class FoldStep(Step):
    name = "fold"

    def is_barrier(self) -> bool:
        return True

    def __init__(self, seed: Any = NOTHING, operator: Any = None) -> None:
        super().__init__()
        self.seed = seed
        self.operator = operator

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.seed is NOTHING:
            out: list[Any] = []
            for t in it:
                if t.bulk == 1:
                    out.append(t.obj)
                else:
                    out.extend([t.obj] * t.bulk)
            yield Traverser.start(out, ctx.new_sack())
            return
        acc = self.seed
        if isinstance(acc, list):
            acc = list(acc)
        for t in it:
            for _ in range(t.bulk):
                acc = apply_operator(self.operator, acc, t.obj)
        yield Traverser.start(acc, ctx.new_sack())


@register("fold")
def _fold(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if not args:
        return FoldStep()
    if len(args) != 2:
        raise GremlinError("fold() takes no arguments or a seed and an operator")
    if type(args[1]).__name__ != "Operator":
        raise GremlinError("lambdas are not supported by the embedded Gremlin engine (in fold())")
    return FoldStep(args[0], args[1])
