"""Map and flat-map steps: ``constant``, ``inject``, ``path``, ``select``, ``project``, ``math``,
``unfold``, ``loops``, ``sack``, ``map``/``flatMap``, ``index``, ``fail``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from gremlin_python.process.traversal import Column, Operator, Pop, WithOptions

from graph.engine import numbers as num
from graph.engine.compare import MapEntry, PathValue
from graph.engine.compiler import register
from graph.engine.core import (
    NOTHING,
    UNPRODUCTIVE,
    By,
    Context,
    FlatMapStep,
    MapStep,
    Step,
    Traversal,
    column_value,
    type_label,
)
from graph.engine.math_expr import MathExpression
from graph.engine.scope import pop_name, scope_value
from graph.engine.steps_filter import sub_path
from graph.engine.traverser import Traverser
from graph.errors import GremlinError

__all__ = ["IdentityStep", "apply_operator"]


class IdentityStep(Step):
    """``identity()``; also the start step that carries a leading ``as()`` label."""

    name = "identity"

    def __init__(self, start: bool = False) -> None:
        super().__init__()
        self.start = start

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        return it


register("identity")(lambda c, a, s: IdentityStep())


class ConstantStep(MapStep):
    name = "constant"

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    def map(self, ctx: Context, t: Traverser) -> Any:
        return self.value


@register("constant")
def _constant(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1:
        raise GremlinError("constant() takes one value")
    if isinstance(args[0], Traversal):
        raise GremlinError("constant() takes a value, not a traversal")
    return ConstantStep(args[0])


class InjectStep(Step):
    name = "inject"

    def __init__(self, values: list[Any], is_start: bool) -> None:
        super().__init__()
        self.values = values
        self.is_start = is_start
        self.done = False

    def reset(self) -> None:
        self.done = False

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if not self.is_start:
            yield from it
        if not self.done:
            self.done = True
            for v in self.values:
                yield Traverser.start(v, ctx.new_sack())


@register("inject")
def _inject(compiler: Any, args: list[Any], is_start: bool) -> Step:
    return InjectStep(list(args), is_start)


# ------------------------------------------------------------------------------ path
class PathStep(MapStep):
    name = "path"

    def __init__(self) -> None:
        super().__init__()
        self.bys: list[By] = []
        self.from_label: str | None = None
        self.to_label: str | None = None

    def children(self) -> list[Traversal]:
        return [c for b in self.bys for c in b.children()]

    def modulate_by(self, *args: Any) -> None:
        self.bys.append(By(*args))

    def modulate_from(self, arg: Any) -> None:
        self.from_label = arg

    def modulate_to(self, arg: Any) -> None:
        self.to_label = arg

    def map(self, ctx: Context, t: Traverser) -> Any:
        pv = t.path_value()
        objects, labels = pv.objects, pv.labels
        if self.from_label is not None or self.to_label is not None:
            sub = sub_path(t, self.from_label, self.to_label)
            # find the slice again to keep labels aligned
            start = 0
            if self.from_label is not None:
                start = next((i for i, ls in enumerate(labels) if self.from_label in ls), 0)
            objects, labels = sub, labels[start : start + len(sub)]
        if self.bys:
            mapped = []
            for i, o in enumerate(objects):
                v = self.bys[i % len(self.bys)].apply_to(ctx, t, o)
                if v is UNPRODUCTIVE:
                    return NOTHING
                mapped.append(v)
            objects = mapped
        return PathValue(list(objects), list(labels))


register("path")(lambda c, a, s: PathStep())


# ------------------------------------------------------------------------------ select
class SelectOneStep(MapStep):
    name = "select"

    def __init__(self, pop: str, key: Any) -> None:
        super().__init__()
        self.pop = pop
        self.key = key
        self.by: By | None = None

    def children(self) -> list[Traversal]:
        out = self.by.children() if self.by is not None else []
        if isinstance(self.key, Traversal):
            out = out + [self.key]
        return out

    def modulate_by(self, *args: Any) -> None:
        if self.by is not None:
            raise GremlinError("select() with one key takes one by() modulator")
        self.by = By(*args)

    def map(self, ctx: Context, t: Traverser) -> Any:
        key = self.key
        if isinstance(key, Traversal):
            key = key.first(ctx, t)
            if key is NOTHING:
                return NOTHING
        value = scope_value(ctx, t, key, self.pop)
        if value is NOTHING:
            return NOTHING
        if self.by is not None:
            value = self.by.apply_to(ctx, t, value)
            if value is UNPRODUCTIVE:
                return NOTHING
        return value


class SelectStep(MapStep):
    name = "select"

    def __init__(self, pop: str, keys: list[str]) -> None:
        super().__init__()
        self.pop = pop
        self.keys = keys
        self.bys: list[By] = []

    def children(self) -> list[Traversal]:
        return [c for b in self.bys for c in b.children()]

    def modulate_by(self, *args: Any) -> None:
        self.bys.append(By(*args))

    def map(self, ctx: Context, t: Traverser) -> Any:
        result: dict[Any, Any] = {}
        for i, key in enumerate(self.keys):
            value = scope_value(ctx, t, key, self.pop)
            if value is NOTHING:
                return NOTHING
            if self.bys:
                value = self.bys[i % len(self.bys)].apply_to(ctx, t, value)
                if value is UNPRODUCTIVE:
                    return NOTHING
            result[key] = value
        return result


class SelectColumnStep(MapStep):
    name = "select"

    def __init__(self, column: Any) -> None:
        super().__init__()
        self.column = column

    def map(self, ctx: Context, t: Traverser) -> Any:
        return column_value(t.obj, self.column)


@register("select")
def _select(compiler: Any, args: list[Any], is_start: bool) -> Step:
    pop = "last"
    if args and isinstance(args[0], Pop):
        pop = pop_name(args[0])
        args = args[1:]
    if len(args) == 1 and isinstance(args[0], Column):
        return SelectColumnStep(args[0])
    if len(args) == 1:
        if not isinstance(args[0], (str, Traversal)):
            raise GremlinError(f"select() keys must be strings, got {args[0]!r}")
        return SelectOneStep(pop, args[0])
    if not args:
        raise GremlinError("select() needs at least one key")
    for a in args:
        if not isinstance(a, str):
            raise GremlinError(f"select() keys must be strings, got {a!r}")
    return SelectStep(pop, list(args))


class ProjectStep(MapStep):
    name = "project"

    def __init__(self, keys: list[str]) -> None:
        super().__init__()
        self.keys = keys
        self.bys: list[By] = []

    def children(self) -> list[Traversal]:
        return [c for b in self.bys for c in b.children()]

    def modulate_by(self, *args: Any) -> None:
        self.bys.append(By(*args))

    def map(self, ctx: Context, t: Traverser) -> Any:
        result: dict[Any, Any] = {}
        for i, key in enumerate(self.keys):
            if self.bys:
                value = self.bys[i % len(self.bys)].value(ctx, t)
                if value is UNPRODUCTIVE:
                    continue
            else:
                value = t.obj
            result[key] = value
        return result


@register("project")
def _project(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if not args or not all(isinstance(a, str) for a in args):
        raise GremlinError("project() needs string keys")
    if len(set(args)) != len(args):
        raise GremlinError(f"project() keys must be unique: {args}")
    return ProjectStep(list(args))


# ------------------------------------------------------------------------------ math
class MathStep(MapStep):
    name = "math"

    def __init__(self, expression: str) -> None:
        super().__init__()
        self.expr = MathExpression(expression)
        self.bys: list[By] = []

    def children(self) -> list[Traversal]:
        return [c for b in self.bys for c in b.children()]

    def modulate_by(self, *args: Any) -> None:
        self.bys.append(By(*args))

    def map(self, ctx: Context, t: Traverser) -> Any:
        env: dict[str, float] = {}
        for i, var in enumerate(self.expr.variables):
            if var == "_":
                value = t.obj
            else:
                value = scope_value(ctx, t, var, "last")
                if value is NOTHING:
                    raise GremlinError(f"math() variable '{var}' is not a label in scope")
            if self.bys:
                value = self.bys[i % len(self.bys)].apply_to(ctx, t, value)
                if value is UNPRODUCTIVE:
                    return NOTHING
            if num.number_rank(value) is None:
                raise GremlinError(
                    f"The variable {var} for math() step must resolve to a Number - it is instead of type "
                    f"{type_label(value)} with value {value}"
                )
            env[var] = float(value)
        return self.expr.evaluate(env)


@register("math")
def _math(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1 or not isinstance(args[0], str):
        raise GremlinError("math() takes one expression string")
    return MathStep(args[0])


# ------------------------------------------------------------------------------ unfold etc.
def unfold_value(obj: Any) -> Iterable[Any]:
    if isinstance(obj, dict):
        return [MapEntry(k, v) for k, v in obj.items()]
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj)
    if isinstance(obj, PathValue):
        return list(obj.objects)
    return [obj]


class UnfoldStep(FlatMapStep):
    name = "unfold"

    def flat(self, ctx: Context, t: Traverser) -> Iterable[Any]:
        return unfold_value(t.obj)


register("unfold")(lambda c, a, s: UnfoldStep())


class LoopsStep(MapStep):
    name = "loops"

    def __init__(self, loop_name: str | None) -> None:
        super().__init__()
        self.loop_name = loop_name

    def map(self, ctx: Context, t: Traverser) -> Any:
        return t.loop_count(self.loop_name)


register("loops")(lambda c, a, s: LoopsStep(a[0] if a else None))


def apply_operator(op: Any, a: Any, b: Any) -> Any:
    """Gremlin's ``Operator`` enum as a binary function (sack, fold, withSideEffect)."""
    name = op.name.rstrip("_") if isinstance(op, Operator) else str(op)
    if name == "sum":
        return num.add(a, b)
    if name == "minus":
        return num.sub(a, b)
    if name == "mult":
        return num.mul(a, b)
    if name == "div":
        return num.div(a, b)
    if name == "min":
        return num.num_min(a, b) if num.is_number(a) and num.is_number(b) else (min(a, b))
    if name == "max":
        return num.num_max(a, b) if num.is_number(a) and num.is_number(b) else (max(a, b))
    if name == "assign":
        return b
    if name == "and":
        return bool(a) and bool(b)
    if name == "or":
        return bool(a) or bool(b)
    if name in ("addAll", "add_all"):
        if isinstance(a, dict):
            out = dict(a)
            out.update(b)
            return out
        if isinstance(a, (set, frozenset)):
            return set(a) | set(b)
        return list(a) + list(b)
    if name in ("sumLong", "sum_long"):
        return num.cast(num.add(num.cast(a, num.RANK_LONG), num.cast(b, num.RANK_LONG)), num.RANK_LONG)
    raise GremlinError(f"unknown operator {op!r}")


class SackStep(Step):
    """``sack()`` reads the sack; ``sack(operator).by(...)`` merges a value into it."""

    name = "sack"

    def __init__(self, operator: Any) -> None:
        super().__init__()
        self.operator = operator
        self.by: By | None = None

    def children(self) -> list[Traversal]:
        return self.by.children() if self.by is not None else []

    def modulate_by(self, *args: Any) -> None:
        if self.by is not None:
            raise GremlinError("Sack step can only have one by modulator")
        self.by = By(*args)

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        if self.operator is None:
            for t in it:
                yield t.split(t.sack)
            return
        for t in it:
            value = self.by.value(ctx, t) if self.by is not None else t.obj
            if value is UNPRODUCTIVE:
                continue
            t.sack = apply_operator(self.operator, t.sack, value)
            yield t


@register("sack")
def _sack(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if not args:
        return SackStep(None)
    if not isinstance(args[0], Operator):
        if type(args[0]).__name__ == "LambdaArg" or callable(args[0]):
            raise GremlinError("lambdas are not supported by the embedded Gremlin engine (in sack())")
        raise GremlinError(f"sack() takes an Operator, got {args[0]!r}")
    return SackStep(args[0])


class TraversalMapStep(MapStep):
    name = "map"

    def __init__(self, traversal: Traversal) -> None:
        super().__init__()
        self.traversal = traversal

    def children(self) -> list[Traversal]:
        return [self.traversal]

    def map(self, ctx: Context, t: Traverser) -> Any:
        return self.traversal.first(ctx, t)


class TraversalFlatMapStep(FlatMapStep):
    name = "flatMap"

    def __init__(self, traversal: Traversal) -> None:
        super().__init__()
        self.traversal = traversal

    def children(self) -> list[Traversal]:
        return [self.traversal]

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for t in it:
            for r in self.traversal.local(ctx, t, keep_bulk=True):
                out = t.split(r.obj)
                out.bulk = r.bulk
                yield out


def _one_traversal(name: str, args: list[Any]) -> Traversal:
    if len(args) != 1 or not isinstance(args[0], Traversal):
        if args and (type(args[0]).__name__ == "LambdaArg" or callable(args[0])):
            raise GremlinError(f"lambdas are not supported by the embedded Gremlin engine (in {name}())")
        raise GremlinError(f"{name}() takes one traversal")
    return args[0]


register("map")(lambda c, a, s: TraversalMapStep(_one_traversal("map", a)))
register("flatMap")(lambda c, a, s: TraversalFlatMapStep(_one_traversal("flatMap", a)))


class IndexStep(MapStep):
    name = "index"

    def __init__(self) -> None:
        super().__init__()
        self.as_map = False

    def modulate_with(self, key: Any, value: Any = True) -> None:
        if key == WithOptions.indexer:
            self.as_map = value == WithOptions.map
        else:
            raise GremlinError(f"index() does not know the option {key!r}")

    def map(self, ctx: Context, t: Traverser) -> Any:
        obj = t.obj
        items = list(obj) if isinstance(obj, (list, tuple, set, frozenset)) else [obj]
        if self.as_map:
            return {i: x for i, x in enumerate(items)}
        return [[x, i] for i, x in enumerate(items)]


register("index")(lambda c, a, s: IndexStep())


class FailStep(Step):
    name = "fail"

    def __init__(self, message: str | None) -> None:
        super().__init__()
        self.message = message

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for _ in it:
            raise GremlinError(self.message or "fail() step triggered")
        return
        yield  # pragma: no cover


register("fail")(lambda c, a, s: FailStep(a[0] if a else None))
