"""Element filters: ``has``, ``hasLabel``, ``hasId``, ``hasKey``, ``hasValue``, ``hasNot`` and ``is``.

A ``has`` step is a conjunction of (key, test) containers so ``V()`` can fold the ones that
name a label and a property value into a property-index lookup.
"""

from __future__ import annotations

from typing import Any

from gremlin_python.process.traversal import T

from graph.engine.compare import GremlinTypeError
from graph.engine.compiler import register
from graph.engine.core import (
    Context,
    FilterStep,
    Step,
    Traversal,
    type_label,
)
from graph.engine.predicates import Pred, combine, compile_p, eq_pred
from graph.engine.store import Edge, Element, Property, Vertex, VertexProperty
from graph.engine.traverser import Traverser
from graph.engine.values import id_variants
from graph.errors import GremlinError

__all__ = ["HasStep", "IsStep", "as_pred", "id_pred"]

_EXISTS = "exists"
_NOT_EXISTS = "not-exists"


def as_pred(value: Any) -> Pred:
    return value if isinstance(value, Pred) else eq_pred(value)


def _is_token(value: Any, name: str) -> bool:
    return isinstance(value, T) and value.name.rstrip("_") == name


class HasStep(FilterStep):
    """All ``has``-family filters: a conjunction of (key, test) containers."""

    name = "has"

    def __init__(self, containers: list[tuple[Any, Any]]) -> None:
        super().__init__()
        self.containers = containers

    def foldable(self) -> bool:
        return True

    def children(self) -> list[Traversal]:
        return [p for _, p in self.containers if isinstance(p, Traversal)]

    def test(self, ctx: Context, t: Traverser) -> bool:
        return self.test_element(ctx, t.obj, t)

    def test_element(self, ctx: Context, element: Any, t: Traverser | None = None) -> bool:
        for key, check in self.containers:
            if not _test_container(ctx, element, key, check, t):
                return False
        return True

    def __repr__(self) -> str:
        return f"HasStep({self.containers})"


def _values_for(element: Any, key: str, ctx: Context) -> list[Any] | None:
    if isinstance(element, Vertex):
        vps = element.props.get(key)
        if not vps:
            return None
        if ctx.subgraph is not None or ctx.partition is not None:
            from graph.engine.strategies import property_visible

            vps = [vp for vp in vps if property_visible(ctx, vp)]
            if not vps:
                return None
        return [vp.value for vp in vps]
    if isinstance(element, (Edge, VertexProperty)):
        p = element.props.get(key)
        if p is None:
            return None
        if ctx.partition is not None and key == ctx.partition.key:
            return None
        return [p.value]
    if isinstance(element, Property):
        return None
    raise GremlinError(f"has() can only be applied to an element, not {type_label(element)}")


def _test_container(ctx: Context, element: Any, key: Any, check: Any, t: Traverser | None) -> bool:
    if isinstance(key, T):
        token = key.name.rstrip("_")
        if token == "id":
            if not isinstance(element, Element):
                return False
            value = element.id
        elif token == "label":
            if not isinstance(element, Element):
                return False
            value = element.label
        elif token == "key":
            if isinstance(element, VertexProperty):
                value = element.label
            elif isinstance(element, Property):
                value = element.key
            else:
                return False
        else:
            if isinstance(element, (VertexProperty, Property)):
                value = element.value
            else:
                return False
        if check is _EXISTS:
            return True
        if check is _NOT_EXISTS:
            return False
        return check.test(value)
    values = _values_for(element, key, ctx)
    if check is _EXISTS:
        return values is not None
    if check is _NOT_EXISTS:
        return values is None
    if values is None:
        return False
    if isinstance(check, Traversal):
        base = t if t is not None else Traverser.start(element)
        return any(check.test(ctx, base.replace(v)) for v in values)
    error: GremlinTypeError | None = None
    for v in values:
        try:
            if check.test(v):
                return True
        except GremlinTypeError as exc:
            error = exc
    if error is not None:
        raise error
    return False


def _flat(args: list[Any]) -> list[Any]:
    out: list[Any] = []
    for a in args:
        if isinstance(a, (list, tuple, set, frozenset)):
            out.extend(a)
        else:
            out.append(a)
    return out


def _within_or_pred(args: list[Any], step: str, ids: bool = False) -> Pred:
    if len(args) == 1 and isinstance(args[0], Pred):
        return args[0]
    if any(isinstance(a, Pred) for a in args):
        preds = [as_pred(a) for a in args]
        return combine("or", preds)
    values = _flat(args)
    if ids:
        values = [v.id if isinstance(v, Element) else v for v in values]
    if len(values) == 1:
        return eq_pred(values[0])

    class _P:
        operator = "within"
        value = values
        other = None

    return compile_p(_P())


@register("has")
def _has(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if args and args[0] is None or len(args) == 3 and args[1] is None:
        return HasStep([(T.id, Pred("never", None, None, lambda x: False))])
    if len(args) == 1:
        key = args[0]
        if not isinstance(key, (str, T)):
            raise GremlinError(f"has() key must be a string or T, got {key!r}")
        return HasStep([(key, _EXISTS)])
    if len(args) == 2:
        key, value = args
        if not isinstance(key, (str, T)):
            raise GremlinError(f"has() key must be a string or T, got {key!r}")
        if isinstance(value, Traversal):
            if isinstance(key, T):
                return HasStep([(key, _TokenTraversal(value))])
            return HasStep([(key, value)])
        if isinstance(key, T) and key.name.rstrip("_") == "id":
            return HasStep([(key, id_pred(as_pred(_id_value(value))))])
        return HasStep([(key, as_pred(value))])
    if len(args) == 3:
        label, key, value = args
        if not isinstance(key, (str, T)):
            raise GremlinError(f"has() key must be a string or T, got {key!r}")
        label_pred = as_pred(label)
        if isinstance(value, Traversal):
            return HasStep([(T.label, label_pred), (key, value)])
        return HasStep([(T.label, label_pred), (key, as_pred(value))])
    raise GremlinError("has() takes one to three arguments")


class _TokenTraversal:
    """``has(T.xxx, traversal)``: not worth supporting; it fails loudly instead."""

    def __init__(self, traversal: Traversal) -> None:
        raise GremlinError("has(T, traversal) is not supported")


@register("hasLabel")
def _has_label(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if not args:
        raise GremlinError("hasLabel() needs at least one label")
    return HasStep([(T.label, _within_or_pred(args, "hasLabel"))])


def _id_value(v: Any) -> Any:
    return v.id if isinstance(v, Element) else v


def id_pred(pred: Pred) -> Pred:
    """Widen an id predicate so ``"1"`` also matches the id ``1`` (TinkerGraph id managers)."""
    if pred.op in ("eq", "neq", "within", "without"):
        values = pred.value if isinstance(pred.value, list) else [pred.value]
        widened: list[Any] = []
        for v in values:
            widened.extend(id_variants(_id_value(v)))
        op = "within" if pred.op in ("eq", "within") else "without"

        class _P:
            operator = op
            value = widened
            other = None

        return compile_p(_P())
    if pred.op in ("and", "or"):
        return combine(pred.op, [id_pred(p) for p in pred.value])
    return pred


@register("hasId")
def _has_id(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if not args:
        raise GremlinError("hasId() needs at least one id")
    if len(args) == 1 and isinstance(args[0], Pred):
        return HasStep([(T.id, id_pred(args[0]))])
    first, rest = args[0], list(args[1:])
    ids = list(first) if isinstance(first, (list, tuple, set, frozenset)) else [first]
    ids.extend(rest)
    preds = [a for a in ids if isinstance(a, Pred)]
    values = [a for a in ids if not isinstance(a, Pred)]

    class _P:
        operator = "within"
        value = values
        other = None

    parts = [id_pred(compile_p(_P()))] + [id_pred(p) for p in preds]
    if len(parts) == 1:
        return HasStep([(T.id, parts[0])])
    return HasStep([(T.id, combine("or", parts))])


@register("hasKey")
def _has_key(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if not args:
        raise GremlinError("hasKey() needs at least one key")
    return HasStep([(T.key, _within_or_pred(args, "hasKey"))])


@register("hasValue")
def _has_value(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if not args:
        raise GremlinError("hasValue() needs at least one value")
    return HasStep([(T.value, _within_or_pred(args, "hasValue"))])


@register("hasNot")
def _has_not(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1 or not isinstance(args[0], (str, T)):
        raise GremlinError("hasNot() takes one key")
    return HasStep([(args[0], _NOT_EXISTS)])


class IsStep(FilterStep):
    name = "is"

    def __init__(self, pred: Pred) -> None:
        super().__init__()
        self.pred = pred

    def test(self, ctx: Context, t: Traverser) -> bool:
        return self.pred.test(t.obj)


@register("is")
def _is(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1:
        raise GremlinError("is() takes one argument")
    return IsStep(as_pred(args[0]))
