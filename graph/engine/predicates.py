"""``P`` and ``TextP`` predicates compiled into small test objects.

Evaluation follows Gremlin's ternary logic: a comparison across type spaces raises
:class:`GremlinTypeError` (ERROR); ``and`` is false if any side is false, else ERROR if any
side errs; ``or`` is true if any side is true, else ERROR if any side errs; ``not`` keeps
ERROR as ERROR. Filter steps decide where ERROR finally becomes "filtered out".
"""

from __future__ import annotations

import datetime as _dt
import re
import uuid
from collections.abc import Callable
from typing import Any

from gremlin_python.process.traversal import GType

from graph.engine.compare import GremlinTypeError, MapEntry, PathValue, compare, equals
from graph.engine.numbers import (
    RANK_BIGINT,
    RANK_BYTE,
    RANK_DECIMAL,
    RANK_DOUBLE,
    RANK_FLOAT,
    RANK_INT,
    RANK_LONG,
    RANK_SHORT,
    number_rank,
)
from graph.engine.store import Edge, Property, Vertex, VertexProperty
from graph.engine.values import BulkSet
from graph.errors import GremlinError, UnsupportedStepError

__all__ = ["Pred", "combine", "compile_p", "eq_pred"]


class Pred:
    """A compiled predicate: ``test(value) -> bool`` (may raise GremlinTypeError)."""

    __slots__ = ("_fn", "op", "other", "value")

    def __init__(self, op: str, value: Any, other: Any, fn: Callable[[Any], bool]) -> None:
        self.op = op
        self.value = value
        self.other = other
        self._fn = fn

    def test(self, x: Any) -> bool:
        return self._fn(x)

    def __repr__(self) -> str:
        return (
            f"{self.op}({self.value!r})"
            if self.other is None
            else f"{self.op}({self.value!r},{self.other!r})"
        )


def _lt(x: Any, v: Any) -> bool:
    return compare(x, v) < 0


def _gt(x: Any, v: Any) -> bool:
    return compare(x, v) > 0


def _lte(x: Any, v: Any) -> bool:
    return compare(x, v) <= 0


def _gte(x: Any, v: Any) -> bool:
    return compare(x, v) >= 0


def _and(preds: list[Pred]) -> Callable[[Any], bool]:
    def test(x: Any) -> bool:
        error: GremlinTypeError | None = None
        for p in preds:
            try:
                if not p.test(x):
                    return False
            except GremlinTypeError as exc:
                error = exc
        if error is not None:
            raise error
        return True

    return test


def _or(preds: list[Pred]) -> Callable[[Any], bool]:
    def test(x: Any) -> bool:
        error: GremlinTypeError | None = None
        for p in preds:
            try:
                if p.test(x):
                    return True
            except GremlinTypeError as exc:
                error = exc
        if error is not None:
            raise error
        return False

    return test


def combine(op: str, parts: list[Pred]) -> Pred:
    """``and``/``or`` over already compiled predicates (ternary logic as above)."""
    return Pred(op, parts, None, _and(parts) if op == "and" else _or(parts))


def _require_str(x: Any, v: Any) -> None:
    if not isinstance(x, str) or not isinstance(v, str):
        raise GremlinTypeError(f"text predicate needs strings, got {x!r} and {v!r}")


def _java_regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise GremlinError(f"invalid regex {pattern!r}: {exc}") from None


_GTYPE_RANKS = {
    "BYTE": RANK_BYTE,
    "SHORT": RANK_SHORT,
    "INT": RANK_INT,
    "LONG": RANK_LONG,
    "BIGINT": RANK_BIGINT,
    "FLOAT": RANK_FLOAT,
    "DOUBLE": RANK_DOUBLE,
    "BIGDECIMAL": RANK_DECIMAL,
}


def gtype_matches(x: Any, gtype_name: str) -> bool:
    """Whether ``x`` is of the Gremlin type named by a GType member."""
    name = gtype_name.upper()
    if name in _GTYPE_RANKS:
        return number_rank(x) == _GTYPE_RANKS[name]
    if name == "NUMBER":
        return number_rank(x) is not None
    if name == "NULL":
        return x is None
    if name == "STRING":
        return isinstance(x, str)
    if name == "CHAR":
        return isinstance(x, str) and type(x).__name__ == "SingleChar"
    if name == "BOOLEAN":
        return isinstance(x, bool)
    if name == "UUID":
        return isinstance(x, uuid.UUID)
    if name == "DATETIME":
        return isinstance(x, _dt.datetime)
    if name == "DURATION":
        return isinstance(x, _dt.timedelta)
    if name == "LIST":
        return isinstance(x, (list, tuple)) and not isinstance(x, BulkSet)
    if name == "SET":
        return isinstance(x, (set, frozenset, BulkSet))
    if name == "MAP":
        return isinstance(x, (dict,)) or isinstance(x, MapEntry)
    if name == "VERTEX":
        return isinstance(x, Vertex)
    if name == "EDGE":
        return isinstance(x, Edge)
    if name == "VPROPERTY":
        return isinstance(x, VertexProperty)
    if name == "PROPERTY":
        return isinstance(x, Property) or isinstance(x, VertexProperty)
    if name == "PATH":
        return isinstance(x, PathValue)
    if name == "BINARY":
        return isinstance(x, (bytes, bytearray))
    if name in ("GRAPH", "TREE"):
        return False
    return False


_JAVA_NAMES = {
    "String": "STRING",
    "Integer": "INT",
    "Long": "LONG",
    "Double": "DOUBLE",
    "Float": "FLOAT",
    "Short": "SHORT",
    "Byte": "BYTE",
    "BigInteger": "BIGINT",
    "BigDecimal": "BIGDECIMAL",
    "Boolean": "BOOLEAN",
    "UUID": "UUID",
    "Number": "NUMBER",
    "List": "LIST",
    "Set": "SET",
    "Map": "MAP",
    "Vertex": "VERTEX",
    "Edge": "EDGE",
    "Path": "PATH",
    "OffsetDateTime": "DATETIME",
    "Date": "DATETIME",
}


def compile_p(p: Any) -> Pred:
    """Turn a gremlinpython ``P``/``TextP`` (values already engine-normalised) into a Pred."""
    op = p.operator
    value, other = p.value, p.other
    if op in ("and", "or"):
        parts = [_as_pred(value), _as_pred(other)]
        # flatten left-deep chains so and(and(a,b),c) tests a, b, c in order
        flat: list[Pred] = []
        for part in parts:
            if part.op == op and isinstance(part.value, list):
                flat.extend(part.value)
            else:
                flat.append(part)
        return Pred(op, flat, None, _and(flat) if op == "and" else _or(flat))
    if op == "not":
        inner = _as_pred(value)
        return Pred("not", inner, None, lambda x: not inner.test(x))
    if op == "eq":
        return Pred(op, value, None, lambda x: equals(x, value))
    if op == "neq":
        return Pred(op, value, None, lambda x: not equals(x, value))
    if op == "lt":
        return Pred(op, value, None, lambda x: _lt(x, value))
    if op == "lte":
        return Pred(op, value, None, lambda x: _lte(x, value))
    if op == "gt":
        return Pred(op, value, None, lambda x: _gt(x, value))
    if op == "gte":
        return Pred(op, value, None, lambda x: _gte(x, value))
    if op == "inside":
        return Pred(op, value, other, _and([_simple("gt", value), _simple("lt", other)]))
    if op == "outside":
        return Pred(op, value, other, _or([_simple("lt", value), _simple("gt", other)]))
    if op == "between":
        return Pred(op, value, other, _and([_simple("gte", value), _simple("lt", other)]))
    if op in ("within", "without"):
        items = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
        if other is not None:
            items.append(other)
        if op == "within":
            return Pred(op, items, None, lambda x: any(equals(x, v) for v in items))
        return Pred(op, items, None, lambda x: not any(equals(x, v) for v in items))
    if op in (
        "containing",
        "notContaining",
        "startingWith",
        "notStartingWith",
        "endingWith",
        "notEndingWith",
        "regex",
        "notRegex",
    ):
        return _text(op, value)
    if op == "typeOf":
        return _type_of(value)
    if op == "test":
        raise GremlinError("lambdas are not supported by the embedded Gremlin engine (P.test)")
    raise UnsupportedStepError(f"P.{op}", f"predicate P.{op} is not supported")


def _simple(op: str, value: Any) -> Pred:
    fn = {"lt": _lt, "lte": _lte, "gt": _gt, "gte": _gte}[op]
    return Pred(op, value, None, lambda x: fn(x, value))


def _as_pred(p: Any) -> Pred:
    if isinstance(p, Pred):
        return p
    if hasattr(p, "operator"):
        return compile_p(p)
    return eq_pred(p)


def eq_pred(value: Any) -> Pred:
    return Pred("eq", value, None, lambda x: equals(x, value))


def _text(op: str, value: Any) -> Pred:
    negate = op.startswith("not")
    base = op[3].lower() + op[4:] if negate else op
    if base == "regex":
        if not isinstance(value, str):
            raise GremlinError(f"regex() needs a string pattern, got {value!r}")
        pattern = _java_regex(value)

        def test_regex(x: Any) -> bool:
            _require_str(x, value)
            return (pattern.search(x) is not None) != negate

        return Pred(op, value, None, test_regex)

    def test(x: Any) -> bool:
        _require_str(x, value)
        if base == "containing":
            r = value in x
        elif base == "startingWith":
            r = x.startswith(value)
        else:
            r = x.endswith(value)
        return r != negate

    return Pred(op, value, None, test)


def _type_of(value: Any) -> Pred:
    if isinstance(value, GType):
        name = value.name
    elif isinstance(value, str):
        name = _JAVA_NAMES.get(value, "")
        if not name:
            raise GremlinError(f"typeOf() does not know the type name '{value}'")
    else:
        raise GremlinError(f"typeOf() needs a GType, got {value!r}")
    return Pred("typeOf", value, None, lambda x: gtype_matches(x, name))
