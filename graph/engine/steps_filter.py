"""Other filters: ``dedup``, ``simplePath``/``cyclicPath``, ``coin``, ``discard``/``none``,
the list predicates ``all``/``any``/``none(P)`` and ``timeLimit``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gremlin_python.process.traversal import Scope

from graph.engine.compare import GremlinTypeError
from graph.engine.compiler import register
from graph.engine.core import (
    NOTHING,
    UNPRODUCTIVE,
    By,
    Context,
    FilterStep,
    Step,
    Traversal,
    number_arg,
)
from graph.engine.predicates import Pred
from graph.engine.scope import scope_value
from graph.engine.steps_has import as_pred
from graph.engine.traverser import Traverser
from graph.engine.values import LinkedSet, freeze, hashable
from graph.errors import GremlinError

__all__ = ["DedupStep", "PathFilterStep", "sub_path"]


# ------------------------------------------------------------------------------ dedup
class DedupStep(Step):
    name = "dedup"

    def __init__(self, local: bool, keys: list[str]) -> None:
        super().__init__()
        self.local = local
        self.keys = keys
        self.by: By | None = None
        self.seen: set[Any] = set()

    def reset(self) -> None:
        self.seen = set()
        super().reset()

    def is_barrier(self) -> bool:
        return not self.local

    def children(self) -> list[Traversal]:
        return self.by.children() if self.by is not None else []

    def modulate_by(self, *args: Any) -> None:
        if self.by is not None:
            raise GremlinError("Dedup step can only have one by modulator")
        self.by = By(*args)

    def _key(self, ctx: Context, t: Traverser) -> Any:
        if self.keys:
            values = []
            for k in self.keys:
                v = scope_value(ctx, t, k, "last")
                if v is NOTHING:
                    return NOTHING
                if self.by is not None:
                    v = self.by.apply_to(ctx, t, v)
                    if v is UNPRODUCTIVE:
                        return NOTHING
                values.append(freeze(v))
            return tuple(values)
        if self.by is not None:
            v = self.by.value(ctx, t)
            if v is UNPRODUCTIVE:
                return NOTHING
            return freeze(v)
        return freeze(t.obj)

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.local:
            for t in it:
                obj = t.obj
                if isinstance(obj, (list, tuple, set, frozenset)):
                    seen: set[Any] = set()
                    out = LinkedSet()
                    for x in obj:
                        k = freeze(x)
                        if k not in seen:
                            seen.add(k)
                            out.add(hashable(x))
                    yield t.split(out)
                else:
                    yield t.split(obj)
            return
        seen = self.seen
        for t in it:
            k = self._key(ctx, t)
            if k is NOTHING:
                continue
            try:
                if k in seen:
                    continue
                seen.add(k)
            except TypeError:
                pass
            t.bulk = 1
            yield t


@register("dedup")
def _dedup(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local = False
    if args and isinstance(args[0], Scope):
        local = args[0] == Scope.local
        args = args[1:]
    for a in args:
        if not isinstance(a, str):
            raise GremlinError(f"dedup() labels must be strings, got {a!r}")
    return DedupStep(local, list(args))


# ------------------------------------------------------------------------------ paths
class PathFilterStep(FilterStep):
    """``simplePath()`` / ``cyclicPath()`` with optional ``from``/``to`` labels and ``by``."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.from_label: str | None = None
        self.to_label: str | None = None
        self.bys: list[By] = []

    def children(self) -> list[Traversal]:
        return [c for b in self.bys for c in b.children()]

    def modulate_from(self, arg: Any) -> None:
        self.from_label = arg

    def modulate_to(self, arg: Any) -> None:
        self.to_label = arg

    def modulate_by(self, *args: Any) -> None:
        self.bys.append(By(*args))

    def test(self, ctx: Context, t: Traverser) -> bool:
        objects = sub_path(t, self.from_label, self.to_label)
        if self.bys:
            mapped = []
            for i, o in enumerate(objects):
                v = self.bys[i % len(self.bys)].apply_to(ctx, t, o)
                if v is UNPRODUCTIVE:
                    return False
                mapped.append(v)
            objects = mapped
        keys = [freeze(o) for o in objects]
        simple = len(set(keys)) == len(keys)
        return simple if self.name == "simplePath" else not simple


def sub_path(t: Traverser, from_label: str | None, to_label: str | None) -> list[Any]:
    pv = t.path_value()
    objects, labels = pv.objects, pv.labels
    start, end = 0, len(objects)
    if from_label is not None:
        idx = [i for i, ls in enumerate(labels) if from_label in ls]
        if not idx:
            return []
        start = idx[0]
    if to_label is not None:
        idx = [i for i, ls in enumerate(labels) if to_label in ls and i >= start]
        if not idx:
            return []
        end = idx[0] + 1
    return objects[start:end]


register("simplePath")(lambda c, a, s: PathFilterStep("simplePath"))
register("cyclicPath")(lambda c, a, s: PathFilterStep("cyclicPath"))


class CoinStep(FilterStep):
    name = "coin"

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        rng = self.step_rng(ctx)
        for t in it:
            if t.bulk < 100:
                kept = sum(1 for _ in range(t.bulk) if self.p >= rng.random())
            else:
                kept = round(self.p * t.bulk)
            if kept:
                yield t if kept == t.bulk else t.clone(kept)


@register("coin")
def _coin(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1:
        raise GremlinError("coin() takes a probability")
    return CoinStep(number_arg("coin", args[0]))


class DiscardStep(FilterStep):
    name = "discard"

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for _ in it:
            pass
        return
        yield  # pragma: no cover


class ListPredicateStep(FilterStep):
    """``all(P)`` / ``any(P)`` / ``none(P)`` over the elements of an incoming list."""

    def __init__(self, name: str, pred: Pred) -> None:
        super().__init__()
        self.name = name
        self.pred = pred

    def test(self, ctx: Context, t: Traverser) -> bool:
        obj = t.obj
        if not isinstance(obj, (list, tuple, set, frozenset)):
            return False
        test = self.pred.test
        if self.name == "any":
            error = None
            for x in obj:
                try:
                    if test(x):
                        return True
                except GremlinTypeError as exc:
                    error = exc
            if error is not None:
                raise error
            return False
        for x in obj:
            try:
                ok = test(x)
            except GremlinTypeError:
                if self.name == "all":
                    return False
                ok = False
            if self.name == "all" and not ok:
                return False
            if self.name == "none" and ok:
                return False
        return True


@register("discard")
def _discard(compiler: Any, args: list[Any], is_start: bool) -> Step:
    return DiscardStep()


@register("none")
def _none(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if not args:
        return DiscardStep()
    return ListPredicateStep("none", as_pred(args[0]))


@register("all")
def _all(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1:
        raise GremlinError("all() takes one predicate")
    return ListPredicateStep("all", as_pred(args[0]))


@register("any")
def _any(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1:
        raise GremlinError("any() takes one predicate")
    return ListPredicateStep("any", as_pred(args[0]))


@register("timeLimit")
def _time_limit(compiler: Any, args: list[Any], is_start: bool) -> Step:
    from graph.engine.steps_map import IdentityStep

    return IdentityStep()
