"""Barrier and side-effect steps: ``barrier()`` (traverser merging, ``normSack``), ``aggregate``/
``store``, ``cap`` and ``sample``.

``merge_traversers`` is also what ``repeat()`` uses between loops: equal traversers (same
object, loops and, as far as the traversal reads it, path) become one with summed bulk, their
sacks merged with the sack operator.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gremlin_python.process.traversal import Barrier, Scope

from graph.engine import numbers as num
from graph.engine.compiler import register
from graph.engine.core import (
    NOTHING,
    UNPRODUCTIVE,
    By,
    Context,
    Step,
    Traversal,
    int_arg,
)
from graph.engine.steps_group import Accumulator
from graph.engine.steps_map import apply_operator
from graph.engine.traverser import Traverser
from graph.engine.values import BulkSet, freeze, hashable
from graph.errors import GremlinError

__all__ = [
    "merge_traversers",
    "AggregateStep",
    "CapStep",
    "NoOpBarrierStep",
    "SampleStep",
    "side_effect_value",
]


# ------------------------------------------------------------------------------ merging
def _path_key(t: Traverser, mode: str) -> Any:
    node = t.path
    out = []
    while node is not None:
        if mode == "full" or node.labels:
            out.append((freeze(node.obj), node.labels))
        node = node.prev
    return tuple(out)


def merge_traversers(ctx: Context, traversers: list[Traverser], with_path: str) -> list[Traverser]:
    """Merge equal traversers (same object, loops and, per ``with_path``, path), first-seen order."""
    merged: dict[Any, Traverser] = {}
    out: list[Traverser] = []
    can_merge_sack = ctx.sack_merge is not None
    for t in traversers:
        if t.sack is not None and not can_merge_sack:
            out.append(t)
            continue
        try:
            key = (freeze(t.obj), t.loops, _path_key(t, with_path) if with_path != "none" else None)
            hash(key)
        except TypeError:
            out.append(t)
            continue
        existing = merged.get(key)
        if existing is None:
            merged[key] = t
            out.append(t)
        else:
            if ctx.bulk:
                existing.bulk += t.bulk
            if t.sack is not None:
                existing.sack = apply_operator(ctx.sack_merge, existing.sack, t.sack)
    return out


# ------------------------------------------------------------------------------ aggregate/cap
def add_to_side_effect(ctx: Context, key: str, values: list[Any]) -> None:
    current = ctx.side_effects.get(key)
    reducer = ctx.reducers.get(key)
    if reducer is not None:
        if reducer.name.rstrip("_") in ("assign", "addAll", "add_all"):
            ctx.side_effects[key] = apply_operator(reducer, current, list(values))
        else:
            for v in values:
                current = apply_operator(reducer, current, v)
            ctx.side_effects[key] = current
        return
    if current is None:
        ctx.side_effects[key] = BulkSet(values)
    elif isinstance(current, list):
        current.extend(values)
    elif isinstance(current, set):
        for v in values:
            current.add(hashable(v))
    else:
        ctx.side_effects[key] = [current, *values]


class AggregateStep(Step):
    """``aggregate('x')`` (a barrier) and ``aggregate(local, 'x')``/``store('x')`` (lazy)."""

    name = "aggregate"

    def __init__(self, key: str, local: bool) -> None:
        super().__init__()
        self.key = key
        self.local = local
        self.by: By | None = None

    def children(self) -> list[Traversal]:
        return self.by.children() if self.by is not None else []

    def modulate_by(self, *args: Any) -> None:
        if self.by is not None:
            raise GremlinError("Aggregate step can only have one by modulator")
        self.by = By(*args)

    def is_barrier(self) -> bool:
        return not self.local

    def _values(self, ctx: Context, t: Traverser) -> list[Any]:
        v = t.obj if self.by is None else self.by.value(ctx, t)
        if v is UNPRODUCTIVE:
            return []
        return [v] * t.bulk

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.key not in ctx.side_effects:
            ctx.side_effects[self.key] = BulkSet()
        if self.local:
            for t in it:
                add_to_side_effect(ctx, self.key, self._values(ctx, t))
                yield t
            return
        items = list(it)
        collected: list[Any] = []
        for t in items:
            collected.extend(self._values(ctx, t))
        add_to_side_effect(ctx, self.key, collected)
        yield from items


@register("aggregate")
def _aggregate(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local = False
    if args and isinstance(args[0], Scope):
        local = args[0] == Scope.local
        args = args[1:]
    if len(args) != 1 or not isinstance(args[0], str):
        raise GremlinError("aggregate() takes a side-effect key")
    return AggregateStep(args[0], local)


@register("store")
def _store(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1 or not isinstance(args[0], str):
        raise GremlinError("store() takes a side-effect key")
    return AggregateStep(args[0], True)


def side_effect_value(ctx: Context, key: str) -> Any:
    value = ctx.side_effects.get(key, NOTHING)
    if isinstance(value, Accumulator):
        return value.result()
    return value


class CapStep(Step):
    name = "cap"

    def __init__(self, keys: list[str]) -> None:
        super().__init__()
        self.keys = keys

    def is_barrier(self) -> bool:
        return True

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for _ in it:
            pass
        if len(self.keys) == 1:
            value = side_effect_value(ctx, self.keys[0])
            if value is NOTHING:
                raise GremlinError(f"The side-effect key does not exist in the side-effects: {self.keys[0]}")
        else:
            value = {}
            for k in self.keys:
                v = side_effect_value(ctx, k)
                if v is NOTHING:
                    raise GremlinError(f"The side-effect key does not exist in the side-effects: {k}")
                value[k] = v
        yield Traverser.start(_snapshot(value), ctx.new_sack())


def _snapshot(value: Any) -> Any:
    if isinstance(value, BulkSet):
        return BulkSet(value)
    if isinstance(value, list):
        return list(value)
    if isinstance(value, set):
        return set(value)
    if isinstance(value, dict):
        return dict(value)
    return value


@register("cap")
def _cap(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if not args or not all(isinstance(a, str) for a in args):
        raise GremlinError("cap() takes side-effect keys")
    return CapStep(list(args))


class NoOpBarrierStep(Step):
    name = "barrier"

    def __init__(self, size: int | None, norm_sack: bool) -> None:
        super().__init__()
        self.size = size
        self.norm_sack = norm_sack

    def is_barrier(self) -> bool:
        return True

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        with_path = ctx.with_path
        if self.size is None or self.norm_sack:
            batch = merge_traversers(ctx, list(it), with_path)
            if self.norm_sack:
                _norm_sack(batch)
            yield from batch
            return
        chunk: list[Traverser] = []
        for t in it:
            chunk.append(t)
            if len(chunk) >= self.size:
                yield from merge_traversers(ctx, chunk, with_path)
                chunk = []
        if chunk:
            yield from merge_traversers(ctx, chunk, with_path)


def _norm_sack(batch: list[Traverser]) -> None:
    total: Any = None
    for t in batch:
        v = num.mul(t.sack, t.bulk) if t.bulk != 1 else t.sack
        total = v if total is None else num.add(total, v)
    if total is None:
        return
    for t in batch:
        t.sack = num.div(t.sack, total, force_fp=True)


@register("barrier")
def _barrier(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if not args:
        return NoOpBarrierStep(None, False)
    if isinstance(args[0], Barrier):
        return NoOpBarrierStep(None, True)
    if isinstance(args[0], int) and not isinstance(args[0], bool):
        return NoOpBarrierStep(int_arg("barrier", args[0]), False)
    raise GremlinError("lambdas are not supported by the embedded Gremlin engine (in barrier())")


class SampleStep(Step):
    name = "sample"

    def __init__(self, local: bool, n: int) -> None:
        super().__init__()
        self.local = local
        self.n = n
        self.by: By | None = None

    def is_barrier(self) -> bool:
        return not self.local

    def children(self) -> list[Traversal]:
        return self.by.children() if self.by is not None else []

    def modulate_by(self, *args: Any) -> None:
        if self.by is not None:
            raise GremlinError("Sample step can only have one by modulator")
        self.by = By(*args)

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        rng = self.step_rng(ctx)
        if self.local:
            for t in it:
                obj = t.obj
                if isinstance(obj, dict):
                    entries = list(obj.items())
                    if len(entries) > self.n:
                        entries = [entries.pop(rng.next_int(len(entries))) for _ in range(self.n)]
                    yield t.split(dict(entries))
                elif isinstance(obj, (list, tuple, set, frozenset)):
                    items = list(obj)
                    if len(items) <= self.n:
                        yield t.split(obj)
                    else:
                        yield t.split([items.pop(rng.next_int(len(items))) for _ in range(self.n)])
                else:
                    yield t
            return
        # TinkerPop's weighted sampling over a bulked traverser set, draw for draw
        weighted: list[tuple[Traverser, float]] = []
        for t in merge_traversers(ctx, list(it), ctx.with_path):
            w = 1.0
            if self.by is not None:
                v = self.by.value(ctx, t)
                if v is UNPRODUCTIVE:
                    continue
                if not num.is_number(v):
                    raise GremlinError(
                        f"Traverser {t.obj!r} does not evaluate to a number with sample().by()"
                    )
                w = float(v)
            weighted.append((t, w))
        if sum(t.bulk for t, _ in weighted) <= self.n:
            yield from (t for t, _ in weighted)
            return
        total = sum(w * t.bulk for t, w in weighted)
        taken: dict[int, int] = {}
        order: list[Traverser] = []
        count = 0
        while count < self.n:
            running = total
            resample = False
            for t, w in weighted:
                already = taken.get(id(t), 0)
                if already < t.bulk:
                    for _ in range(t.bulk - already):
                        if rng.random() <= (w / running if running else 0.0):
                            if id(t) not in taken:
                                order.append(t)
                            taken[id(t)] = taken.get(id(t), 0) + 1
                            count += 1
                            resample = True
                            break
                        running -= w
                    if resample or count >= self.n:
                        break
        for t in order:
            yield t.clone(taken[id(t)])


@register("sample")
def _sample(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local = False
    if args and isinstance(args[0], Scope):
        local = args[0] == Scope.local
        args = args[1:]
    if len(args) != 1:
        raise GremlinError("sample() takes a number")
    return SampleStep(local, int_arg("sample", args[0]))
