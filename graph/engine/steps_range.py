"""Ranges: ``range``/``limit``/``skip``/``tail`` in global and local scope.

Global ranges are bulk aware and stop pulling upstream once full; inside ``repeat()`` they
count per loop iteration, as TinkerPop 3.8 does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gremlin_python.process.traversal import Scope

from graph.engine.compare import PathValue
from graph.engine.compiler import register
from graph.engine.core import (
    NOTHING,
    Context,
    Step,
)
from graph.engine.traverser import Traverser
from graph.errors import GremlinError

__all__ = ["RangeStep", "LocalRangeStep", "TailStep"]


class RangeStep(Step):
    """``range``/``limit``/``skip`` in global scope (bulk aware, stops pulling when full)."""

    def __init__(self, name: str, low: int, high: int) -> None:
        super().__init__()
        self.name = name
        if high != -1 and high < low:
            raise GremlinError(f"Not a legal range: [{low}, {high}]")
        self.low = low
        self.high = high
        self.counter = 0
        self.loop_counters: dict[Any, int] = {}

    def reset(self) -> None:
        self.counter = 0
        self.loop_counters = {}

    def is_barrier(self) -> bool:
        return True

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        low, high = self.low, self.high
        for t in it:
            if t.loops:
                # inside repeat() the range applies per loop iteration
                key = (id(t.loops[-1][0]), t.loops[-1][2])
                start = self.loop_counters.get(key, 0)
                if high != -1 and start >= high:
                    continue
                self.loop_counters[key] = start + t.bulk
                skip = max(0, low - start)
                take = t.bulk - skip
                if high != -1:
                    take = min(take, high - (start + skip))
                if take > 0:
                    yield t if take == t.bulk else t.clone(take)
                continue
            if high != -1 and self.counter >= high:
                return
            bulk = t.bulk
            start = self.counter
            self.counter += bulk
            if start + bulk <= low:
                continue
            skip = max(0, low - start)
            take = bulk - skip
            if high != -1:
                take = min(take, high - (start + skip))
                if take <= 0:
                    continue
            if take != bulk:
                t = t.clone(take)
            if high != -1 and self.counter >= high:
                self.counter = high
                yield t
                return
            yield t


def _local_range(obj: Any, low: int, high: int) -> Any:
    """Range over a collection in local scope (a list stays a list); other values pass as-is."""
    if high != -1 and high == low:
        return NOTHING
    if isinstance(obj, dict):
        items = list(obj.items())
        sel = items[low:] if high == -1 else items[low:high]
        return dict(sel)
    if isinstance(obj, PathValue):
        obj = obj.objects
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = list(obj)
        return items[low:] if high == -1 else items[low:high]
    return obj


class LocalRangeStep(Step):
    def __init__(self, name: str, low: int, high: int) -> None:
        super().__init__()
        self.name = name
        if high != -1 and high < low:
            raise GremlinError(f"Not a legal range: [{low}, {high}]")
        self.low = low
        self.high = high

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for t in it:
            value = _local_range(t.obj, self.low, self.high)
            if value is not NOTHING:
                yield t.split(value)


def _int_arg(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise GremlinError(f"{name}() needs integer arguments, got {value!r}")
    return int(value)


def _scope_args(args: list[Any]) -> tuple[bool, list[Any]]:
    if args and isinstance(args[0], Scope):
        return args[0] == Scope.local, args[1:]
    return False, args


@register("range")
def _range(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local, rest = _scope_args(args)
    if len(rest) != 2:
        raise GremlinError("range() takes a low and a high bound")
    low, high = _int_arg("range", rest[0]), _int_arg("range", rest[1])
    return LocalRangeStep("range", low, high) if local else RangeStep("range", low, high)


@register("limit")
def _limit(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local, rest = _scope_args(args)
    if len(rest) != 1:
        raise GremlinError("limit() takes one number")
    n = _int_arg("limit", rest[0])
    return LocalRangeStep("limit", 0, n) if local else RangeStep("limit", 0, n)


@register("skip")
def _skip(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local, rest = _scope_args(args)
    if len(rest) != 1:
        raise GremlinError("skip() takes one number")
    n = _int_arg("skip", rest[0])
    return LocalRangeStep("skip", n, -1) if local else RangeStep("skip", n, -1)


class TailStep(Step):
    name = "tail"

    def is_barrier(self) -> bool:
        return not self.local

    def __init__(self, local: bool, n: int) -> None:
        super().__init__()
        self.local = local
        self.n = n

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        n = self.n
        if self.local:
            for t in it:
                obj = t.obj
                if isinstance(obj, dict):
                    items = list(obj.items())
                    yield t.split(dict(items[max(0, len(items) - n) :]))
                elif isinstance(obj, (list, tuple, set, frozenset, PathValue)):
                    items = list(obj)
                    if not items:
                        continue
                    yield t.split(items[max(0, len(items) - n) :] if n > 0 else [])
                else:
                    yield t.split(obj)
            return
        kept: list[Traverser] = []
        total = 0
        for t in it:
            kept.append(t)
            total += t.bulk
            while kept and total - kept[0].bulk >= n:
                total -= kept.pop(0).bulk
        if total > n and kept:
            first = kept[0]
            kept[0] = first.clone(first.bulk - (total - n))
        for t in kept:
            if t.bulk > 0:
                yield t


@register("tail")
def _tail(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local, rest = _scope_args(args)
    n = _int_arg("tail", rest[0]) if rest else 1
    return TailStep(local, n)
