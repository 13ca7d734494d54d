"""List and set steps: ``combine``, ``conjoin``, ``difference``, ``disjunct``, ``intersect``,
``merge`` (also for maps) and ``product``, with TinkerPop's argument checks and messages.
"""

from __future__ import annotations

from typing import Any

from graph.engine.compare import PathValue
from graph.engine.compiler import register
from graph.engine.core import (
    NOTHING,
    Context,
    MapStep,
    Step,
    Traversal,
    type_label,
)
from graph.engine.javastr import java_str
from graph.engine.steps_values import FunctionStep
from graph.engine.traverser import Traverser
from graph.engine.values import LinkedSet, freeze, hashable
from graph.errors import GremlinError

__all__ = ["CollectionStep"]


class CollectionStep(MapStep):
    """combine/difference/disjunct/intersect/merge/product with a list, set, map or traversal."""

    def __init__(self, name: str, arg: Any) -> None:
        super().__init__()
        self.name = name
        self.arg = arg
        if arg is None:
            raise GremlinError(f"Argument provided for {name} step can't be null")
        if not isinstance(arg, (list, tuple, set, frozenset, dict, Traversal)):
            raise GremlinError(
                f"{name} step can only take an array or an Iterable as an argument, "
                f"encountered {type_label(arg)}"
            )

    def children(self) -> list[Traversal]:
        return [self.arg] if isinstance(self.arg, Traversal) else []

    def _argument(self, ctx: Context, t: Traverser) -> Any:
        arg = self.arg
        if isinstance(arg, Traversal):
            r = arg.first(ctx, t)
            if r is NOTHING or r is None:
                raise GremlinError(
                    f"traversal argument for {self.name} step must yield an iterable type, not null"
                )
            if self.name == "merge" and isinstance(t.obj, dict):
                if not isinstance(r, dict):
                    raise GremlinError(
                        f"{self.name} step expected provided argument to evaluate to a Map, "
                        f"encountered {type_label(r)}"
                    )
                return r
            if not isinstance(r, (list, tuple, set, frozenset)):
                raise GremlinError(
                    f"traversal argument for {self.name} step must yield an iterable type, "
                    f"encountered {type_label(r)}"
                )
            return r
        return arg

    def map(self, ctx: Context, t: Traverser) -> Any:
        value = t.obj
        if isinstance(value, PathValue):
            value = list(value.objects)
        name = self.name
        if value is None:
            raise GremlinError(f"Incoming traverser for {name} step can't be null")
        if name == "merge" and isinstance(value, dict):
            other = self._argument(ctx, t)
            if not isinstance(other, dict):
                raise GremlinError(
                    f"{name} step expected provided argument to evaluate to a Map, "
                    f"encountered {type_label(other)}"
                )
            out = dict(value)
            out.update(other)
            return out
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise GremlinError(
                f"{name} step can only take an array or an Iterable type for incoming traversers, "
                "encountered "
                f"{type_label(value)}"
            )
        other = self._argument(ctx, t)
        if isinstance(other, dict):
            raise GremlinError("step type mismatch: expected argument to be Iterable but got Map")
        left, right = list(value), list(other)
        if name == "combine":
            return left + right
        if name == "product":
            return [[a, b] for a in left for b in right]
        lk = {freeze(x): x for x in left}
        rk = {freeze(x): x for x in right}
        if name == "difference":
            return LinkedSet(hashable(v) for k, v in lk.items() if k not in rk)
        if name == "intersect":
            return LinkedSet(hashable(v) for k, v in lk.items() if k in rk)
        if name == "disjunct":
            return LinkedSet(
                [hashable(v) for k, v in lk.items() if k not in rk]
                + [hashable(v) for k, v in rk.items() if k not in lk]
            )
        merged = dict(lk)
        for k, v in rk.items():
            merged.setdefault(k, v)
        return LinkedSet(hashable(v) for v in merged.values())  # merge


for _name in ("combine", "difference", "disjunct", "intersect", "merge", "product"):
    register(_name)(lambda c, a, s, _n=_name: CollectionStep(_n, a[0] if a else None))


@register("conjoin")
def _conjoin(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1 or not isinstance(args[0], str):
        raise GremlinError("conjoin() takes a delimiter string")
    sep = args[0]

    def fn(ctx: Context, t: Traverser, value: Any) -> Any:
        if isinstance(value, PathValue):
            value = list(value.objects)
        if value is None:
            raise GremlinError("Incoming traverser for conjoin step can't be null")
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise GremlinError(
                "conjoin step can only take an array or an Iterable type for incoming traversers, "
                "encountered "
                f"{type_label(value)}"
            )
        return sep.join(java_str(v) for v in value if v is not None)

    return FunctionStep("conjoin", fn)
