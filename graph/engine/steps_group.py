"""``group()`` and ``groupCount()``, as reducing barriers and as side-effects (``group('x')``).

A group value traversal reduces each group to its first result (a key with no result is
dropped); a key, token or identity ``by()`` folds the group into a list, as in TinkerPop.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gremlin_python.statics import long

from graph.engine.compiler import register
from graph.engine.core import (
    UNPRODUCTIVE,
    By,
    Context,
    Step,
    Traversal,
)
from graph.engine.traverser import Traverser
from graph.engine.values import freeze, hashable
from graph.errors import GremlinError

__all__ = ["GroupStep", "GroupCountStep", "Accumulator", "java_hash_order"]


_REDUCING_NAMES = {"count", "sum", "mean", "min", "max", "fold", "group", "groupCount", "tree", "cap"}
REDUCING_STEPS = _REDUCING_NAMES


class Accumulator:
    """A side-effect being built by ``group('x')``/``groupCount('x')``; read through ``result()``."""

    def __init__(self, step: GroupStep | GroupCountStep, ctx: Context) -> None:
        self.step = step
        self.ctx = ctx
        self.groups: dict[Any, tuple[Any, list[Traverser]]] = {}

    def result(self) -> dict[Any, Any]:
        return self.step.finalize(self.ctx, self.groups)


class GroupStep(Step):
    """``group()`` (a reducing barrier) and ``group('x')`` (a side-effect)."""

    name = "group"

    def __init__(self, side_effect_key: str | None = None) -> None:
        super().__init__()
        self.side_effect_key = side_effect_key
        self.key_by: By | None = None
        self.value_by: Traversal | None = None
        self.value_key: By | None = None
        self.by_count = 0

    def children(self) -> list[Traversal]:
        out = self.key_by.children() if self.key_by is not None else []
        if self.value_by is not None:
            out = out + [self.value_by]
        if self.value_key is not None:
            out = out + self.value_key.children()
        return out

    def modulate_by(self, *args: Any) -> None:
        self.by_count += 1
        if self.by_count == 1:
            self.key_by = By(*args)
        elif self.by_count == 2:
            if len(args) == 1 and isinstance(args[0], Traversal):
                self.value_by = args[0]
            else:
                self.value_key = By(*args)
        else:
            raise GremlinError("group() step can only have two by modulators")

    def is_barrier(self) -> bool:
        return self.side_effect_key is None

    def _key(self, ctx: Context, t: Traverser) -> Any:
        if self.key_by is None:
            return t.obj
        return self.key_by.value(ctx, t)

    def add(self, ctx: Context, groups: dict[Any, tuple[Any, list[Traverser]]], t: Traverser) -> None:
        key = self._key(ctx, t)
        if key is UNPRODUCTIVE:
            return
        fk = freeze(key)
        entry = groups.get(fk)
        snapshot = t.clone()  # later merges must not change what was grouped
        if entry is None:
            groups[fk] = (hashable(key), [snapshot])
        else:
            entry[1].append(snapshot)

    def finalize(self, ctx: Context, groups: dict[Any, tuple[Any, list[Traverser]]]) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        entries = list(groups.values())
        if ctx.seed is not None:
            # seeded random steps inside the value traversal draw in Java's HashMap key order
            entries = java_hash_order(entries)
        for key, members in entries:
            if self.value_by is not None:
                # a value traversal reduces the group to its first result (no result: no key)
                trav = self.value_by
                trav.reset()
                for o in trav.run(ctx, iter([m.clone() for m in members])):
                    result[key] = o.obj
                    break
            elif self.value_key is not None:
                folded = []
                for m in members:
                    v = self.value_key.value(ctx, m)
                    if v is not UNPRODUCTIVE:
                        folded.extend([v] * m.bulk)
                result[key] = folded
            else:
                folded = []
                for m in members:
                    folded.extend([m.obj] * m.bulk)
                result[key] = folded
        return result

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.side_effect_key is not None:
            # group('x') is eager: every traverser is grouped before any moves on
            acc = _accumulator(ctx, self.side_effect_key, self)
            items = list(it)
            for t in items:
                self.add(ctx, acc.groups, t)
            yield from items
            return
        groups: dict[Any, tuple[Any, list[Traverser]]] = {}
        for t in it:
            self.add(ctx, groups, t)
        yield Traverser.start(self.finalize(ctx, groups), ctx.new_sack())


def _java_hash(value: Any) -> int | None:
    if isinstance(value, str):
        h = 0
        for ch in value.encode("utf-16-be").decode("utf-16-be"):
            h = (31 * h + ord(ch)) & 0xFFFFFFFF
        return h
    if isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31:
        return value & 0xFFFFFFFF
    return None


def java_hash_order(entries: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Entries in the order a java.util.HashMap with these keys would iterate them."""
    hashes = [_java_hash(k) for k, _ in entries]
    if any(h is None for h in hashes):
        return entries
    size = 16
    while len(entries) > size * 0.75:
        size *= 2
    buckets = [((h ^ (h >> 16)) & (size - 1), i) for i, h in enumerate(hashes)]  # type: ignore[operator]
    return [entries[i] for _, i in sorted(buckets)]


def _accumulator(ctx: Context, key: str, step: Any) -> Accumulator:
    existing = ctx.side_effects.get(key)
    if isinstance(existing, Accumulator):
        return existing
    acc = Accumulator(step, ctx)
    ctx.side_effects[key] = acc
    return acc


class GroupCountStep(Step):
    name = "groupCount"

    def __init__(self, side_effect_key: str | None = None) -> None:
        super().__init__()
        self.side_effect_key = side_effect_key
        self.key_by: By | None = None

    def children(self) -> list[Traversal]:
        return self.key_by.children() if self.key_by is not None else []

    def modulate_by(self, *args: Any) -> None:
        if self.key_by is not None:
            raise GremlinError("GroupCount step can only have one by modulator")
        self.key_by = By(*args)

    def add(self, ctx: Context, groups: dict[Any, tuple[Any, list[Traverser]]], t: Traverser) -> None:
        key = t.obj if self.key_by is None else self.key_by.value(ctx, t)
        if key is UNPRODUCTIVE:
            return
        fk = freeze(key)
        entry = groups.get(fk)
        snapshot = t.clone()  # later merges must not change what was grouped
        if entry is None:
            groups[fk] = (hashable(key), [snapshot])
        else:
            entry[1].append(snapshot)

    def finalize(self, ctx: Context, groups: dict[Any, tuple[Any, list[Traverser]]]) -> dict[Any, Any]:
        return {key: long(sum(m.bulk for m in members)) for key, members in groups.values()}

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.side_effect_key is not None:
            acc = _accumulator(ctx, self.side_effect_key, self)
            items = list(it)
            for t in items:
                self.add(ctx, acc.groups, t)
            yield from items
            return
        groups: dict[Any, tuple[Any, list[Traverser]]] = {}
        for t in it:
            self.add(ctx, groups, t)
        yield Traverser.start(self.finalize(ctx, groups), ctx.new_sack())

    def is_barrier(self) -> bool:
        return self.side_effect_key is None


def _side_key(name: str, args: list[Any]) -> str | None:
    if not args:
        return None
    if len(args) != 1 or not isinstance(args[0], str):
        raise GremlinError(f"{name}() takes an optional side-effect key")
    return args[0]


register("group")(lambda c, a, s: GroupStep(_side_key("group", a)))
register("groupCount")(lambda c, a, s: GroupCountStep(_side_key("groupCount", a)))
