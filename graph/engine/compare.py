"""Gremlin's equality, comparability and orderability semantics (TinkerPop 3.6+).

Three different questions, three functions, because Gremlin answers them differently:

* :func:`equals` backs ``P.eq``/``neq``, ``within``...: numbers compare by value across
  types, NaN equals nothing, values of different types are simply unequal.
* :func:`compare` backs ``lt``/``gt``...: only values of one type space compare; anything
  else (NaN, null against non-null, a string against a number) is a *type error*, raised as
  :class:`GremlinTypeError` so filters can apply Gremlin's ternary logic.
* :func:`order_compare` backs ``order()``: a total order over every value, types ranked
  null < boolean < number < date < string < uuid < vertex < edge < vertex property <
  property < path < set < list < map < map entry < anything else.
"""

from __future__ import annotations

import datetime as _dt
import functools
import uuid
from typing import Any

from gremlin_python.process.traversal import Direction, T

from graph.engine.numbers import is_nan, num_compare, number_rank
from graph.engine.store import Edge, Element, Property, Vertex, VertexProperty
from graph.errors import GremlinError

__all__ = [
    "GremlinTypeError",
    "MapEntry",
    "PathValue",
    "comparable",
    "compare",
    "equals",
    "order_compare",
    "order_key",
    "type_rank",
]


class GremlinTypeError(GremlinError):
    """A comparison across type spaces: Gremlin's ERROR truth value."""


class MapEntry:
    """A ``Map.Entry``, what ``unfold()`` makes of a map; it leaves the engine as a one-entry dict."""

    __slots__ = ("key", "value")

    def __init__(self, key: Any, value: Any) -> None:
        self.key = key
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MapEntry) and equals(self.key, other.key) and equals(self.value, other.value)

    def __hash__(self) -> int:
        from graph.engine.values import freeze

        return hash((freeze(self.key), freeze(self.value)))

    def __repr__(self) -> str:
        return f"{self.key!r}={self.value!r}"


class PathValue:
    """A traverser's path as a value: objects with the labels each carries."""

    __slots__ = ("labels", "objects")

    def __init__(self, objects: list[Any], labels: list[frozenset[str]]) -> None:
        self.objects = objects
        self.labels = labels

    def __len__(self) -> int:
        return len(self.objects)

    def __iter__(self) -> Any:
        return iter(self.objects)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PathValue)
            and len(self.objects) == len(other.objects)
            and all(equals(a, b) for a, b in zip(self.objects, other.objects, strict=True))
            and self.labels == other.labels
        )

    def __hash__(self) -> int:
        from graph.engine.values import freeze

        return hash(tuple(freeze(o) for o in self.objects))

    def __repr__(self) -> str:
        return "path[" + ", ".join(map(repr, self.objects)) + "]"


(
    T_NULL,
    T_BOOL,
    T_NUMBER,
    T_DATE,
    T_STRING,
    T_UUID,
    T_VERTEX,
    T_EDGE,
    T_VPROP,
    T_PROP,
    T_PATH,
    T_SET,
    T_LIST,
    T_MAP,
    T_ENTRY,
    T_UNKNOWN,
) = range(16)


def type_rank(value: Any) -> int:
    """The type space of ``value`` (its position in the cross-type order)."""
    if value is None:
        return T_NULL
    if isinstance(value, bool):
        return T_BOOL
    if number_rank(value) is not None:
        return T_NUMBER
    if isinstance(value, str):
        return T_STRING
    if isinstance(value, Vertex):
        return T_VERTEX
    if isinstance(value, Edge):
        return T_EDGE
    if isinstance(value, VertexProperty):
        return T_VPROP
    if isinstance(value, Property):
        return T_PROP
    if isinstance(value, (_dt.datetime, _dt.date)):
        return T_DATE
    if isinstance(value, uuid.UUID):
        return T_UUID
    if isinstance(value, PathValue):
        return T_PATH
    if isinstance(value, (set, frozenset)):
        return T_SET
    if isinstance(value, (list, tuple)):
        return T_LIST
    if isinstance(value, dict):
        return T_MAP
    if isinstance(value, MapEntry):
        return T_ENTRY
    return T_UNKNOWN


def _aware(value: Any) -> Any:
    if isinstance(value, _dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=_dt.UTC)
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=_dt.UTC)
    return value


def _signed64(x: int) -> int:
    return x - (1 << 64) if x >= (1 << 63) else x


def _uuid_cmp(a: uuid.UUID, b: uuid.UUID) -> int:
    ka = (_signed64(a.int >> 64), _signed64(a.int & ((1 << 64) - 1)))
    kb = (_signed64(b.int >> 64), _signed64(b.int & ((1 << 64) - 1)))
    return (ka > kb) - (ka < kb)


def _natural(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


def _iter_cmp(fa: Any, fb: Any, cmp: Any) -> int:
    ia, ib = list(fa), list(fb)
    for x, y in zip(ia, ib, strict=False):
        c = cmp(x, y)
        if c:
            return c
    return (len(ia) > len(ib)) - (len(ia) < len(ib))


def _sorted_entries(m: dict[Any, Any]) -> list[MapEntry]:
    return sorted((MapEntry(k, v) for k, v in m.items()), key=order_key)


def _same_type_compare(t: int, a: Any, b: Any, cmp: Any) -> int:
    if t == T_NULL:
        return 0
    if t == T_NUMBER:
        return num_compare(a, b)
    if t in (T_BOOL, T_STRING):
        return _natural(a, b)
    if t == T_DATE:
        return _natural(_aware(a), _aware(b))
    if t == T_UUID:
        return _uuid_cmp(a, b)
    if t in (T_VERTEX, T_EDGE, T_VPROP):
        return cmp(a.id, b.id)
    if t == T_PROP:
        return cmp(a.key, b.key) or cmp(a.value, b.value)
    if t in (T_PATH, T_LIST):
        return _iter_cmp(a, b, cmp)
    if t == T_SET:
        return _iter_cmp(sorted(a, key=order_key), sorted(b, key=order_key), cmp)
    if t == T_MAP:
        return _iter_cmp(_sorted_entries(a), _sorted_entries(b), cmp)
    if t == T_ENTRY:
        return cmp(a.key, b.key) or cmp(a.value, b.value)
    # unknown: natural order when both allow it, else by class name then text
    if type(a) is type(b):
        try:
            if a == b:
                return 0
            return _natural(a, b)
        except TypeError:
            pass
    ka = (type(a).__name__, str(a))
    kb = (type(b).__name__, str(b))
    return _natural(ka, kb)


def _token_text(value: Any) -> Any:
    """T and Direction tokens (elementMap keys) order as their names, as Gremlin's do."""
    if isinstance(value, (T, Direction)):
        return value.name.rstrip("_")
    return value


def order_compare(a: Any, b: Any) -> int:
    """Orderability: a total order over all Gremlin values."""
    a, b = _token_text(a), _token_text(b)
    ta, tb = type_rank(a), type_rank(b)
    if ta != tb:
        return ta - tb
    return _same_type_compare(ta, a, b, order_compare)


order_key = functools.cmp_to_key(order_compare)


def comparable(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` live in one type space (contents included) and neither is NaN."""
    if a is None or b is None:
        return a is None and b is None
    if is_nan(a) or is_nan(b):
        return False
    ta, tb = type_rank(a), type_rank(b)
    if ta != tb:
        return False
    if ta in (T_LIST, T_PATH):
        la, lb = list(a), list(b)
        return len(la) == len(lb) and all(comparable(x, y) for x, y in zip(la, lb, strict=True))
    if ta == T_SET:
        la, lb = sorted(a, key=order_key), sorted(b, key=order_key)
        return len(la) == len(lb) and all(comparable(x, y) for x, y in zip(la, lb, strict=True))
    if ta == T_MAP:
        la, lb = _sorted_entries(a), _sorted_entries(b)
        return len(la) == len(lb) and all(comparable(x, y) for x, y in zip(la, lb, strict=True))
    if ta == T_ENTRY:
        return comparable(a.key, b.key) and comparable(a.value, b.value)
    if ta in (T_VERTEX, T_EDGE, T_VPROP):
        return comparable(a.id, b.id)
    if ta == T_PROP:
        return comparable(a.key, b.key) and comparable(a.value, b.value)
    if ta == T_UNKNOWN:
        if type(a) is type(b):
            return True
        return a == b
    return True


def _comparability_cmp(a: Any, b: Any) -> int:
    if not comparable(a, b):
        raise GremlinTypeError(f"Objects are not comparable: {a!r} and {b!r}")
    return _same_type_compare(type_rank(a), a, b, _comparability_cmp)


def compare(a: Any, b: Any) -> int:
    """Comparability order for ``lt``/``gt``; raises GremlinTypeError across type spaces."""
    return _comparability_cmp(a, b)


def equals(a: Any, b: Any) -> bool:
    """Comparability equality for ``eq``/``neq``/``within``: never raises."""
    if a is b and not is_nan(a):
        return True
    ta = type(a)
    if ta is type(b) and (ta is str or ta is int):
        return a == b
    if isinstance(a, Element) and isinstance(b, Element):
        return type_rank(a) == type_rank(b) and equals(a.id, b.id)
    if isinstance(a, Property) and isinstance(b, Property):
        return a.key == b.key and equals(a.value, b.value)
    if isinstance(a, (list, tuple, set, frozenset)) and isinstance(b, (list, tuple, set, frozenset)):
        if len(a) != len(b):
            return False
    if not comparable(a, b):
        return False
    return _same_type_compare(type_rank(a), a, b, _comparability_cmp) == 0
