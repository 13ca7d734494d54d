"""``order()`` in global and local scope: Gremlin's orderability across types, stable, with any
number of ``by()`` comparators and seeded ``shuffle``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from gremlin_python.process.traversal import Scope

from graph.engine.compare import MapEntry, order_compare
from graph.engine.compiler import register
from graph.engine.core import (
    UNPRODUCTIVE,
    By,
    Context,
    Step,
    Traversal,
    is_shuffle,
    order_is_desc,
)
from graph.engine.traverser import Traverser

__all__ = ["OrderStep"]


def _cmp_for(order: Any) -> Any:
    if order_is_desc(order):
        return lambda a, b: -order_compare(a, b)
    return order_compare


class OrderStep(Step):
    name = "order"

    def __init__(self, local: bool) -> None:
        super().__init__()
        self.local = local
        self.bys: list[By] = []

    def children(self) -> list[Traversal]:
        return [c for b in self.bys for c in b.children()]

    def modulate_by(self, *args: Any) -> None:
        self.bys.append(By(*args))

    def is_barrier(self) -> bool:
        return not self.local

    def _specs(self) -> list[By]:
        return self.bys or [By()]

    def _sort(self, ctx: Context, items: list[Any], keys_of: Any) -> list[Any]:
        """Sort ``items`` whose sort keys (one per by) come from ``keys_of(item)``; None drops it."""
        specs = self._specs()
        keyed = []
        for item in items:
            ks = keys_of(item, specs)
            if ks is None:
                continue
            keyed.append((ks, item))
        if any(is_shuffle(s.order) for s in specs):
            self.step_rng(ctx).shuffle(keyed)
            return [item for _, item in keyed]
        cmps = [_cmp_for(s.order) for s in specs]

        def cmp(a: Any, b: Any) -> int:
            for c, x, y in zip(cmps, a[0], b[0], strict=True):
                r = c(x, y)
                if r:
                    return r
            return 0

        keyed.sort(key=functools.cmp_to_key(cmp))
        return [item for _, item in keyed]

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.local:
            for t in it:
                yield t.split(self._local(ctx, t))
            return
        items = list(it)

        def keys_of(t: Traverser, specs: list[By]) -> list[Any] | None:
            out = []
            for s in specs:
                v = s.value(ctx, t)
                if v is UNPRODUCTIVE:
                    return None
                out.append(v)
            return out

        yield from self._sort(ctx, items, keys_of)

    def _local(self, ctx: Context, t: Traverser) -> Any:
        obj = t.obj

        def keys_of(x: Any, specs: list[By]) -> list[Any] | None:
            out = []
            for s in specs:
                v = s.apply_to(ctx, t, x)
                if v is UNPRODUCTIVE:
                    return None
                out.append(v)
            return out

        if isinstance(obj, dict):
            entries = [MapEntry(k, v) for k, v in obj.items()]
            return {e.key: e.value for e in self._sort(ctx, entries, keys_of)}
        if isinstance(obj, (list, tuple, set, frozenset)):
            return self._sort(ctx, list(obj), keys_of)
        return obj


@register("order")
def _order(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local = bool(args) and args[0] == Scope.local
    return OrderStep(local)
