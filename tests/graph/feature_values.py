"""The TinkerPop feature suite's value notation, parsed and compared with what a traversal returns.

Cells and parameters in the ``.feature`` files are written as ``v[marko]``, ``d[29].i``, ``m[{"a":
"d[1].l"}]``, ``l[a,b]``, ``p[v[marko],v[lop]]`` and so on. :func:`parse_expected` turns that text into a
small tree of nodes without touching any graph (pure, unit-testable); :func:`to_value` resolves a tree into
the Python value a gremlinpython user would pass (for parameters and side effects); :func:`matches` decides
whether a traversal result equals an expected tree. Element references (``v[...]``, ``e[...]``, ``vp[...]``)
are resolved through a :class:`Lookup` so the same parsed tree works for every graph.

Number comparison follows the suite: integer kinds (``.b .s .i .l .n``) match any Python ``int`` of that value
(Java's int and long are both ``int`` in Python), floating kinds (``.f .d``) match only a ``float`` (``.f``
after rounding to single precision), ``.m`` matches a BigDecimal (gremlinpython's ``BigDecimal`` or
``decimal.Decimal``) by exact value. ``bool`` never matches a number.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
import re
import struct
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from gremlin_python import statics
from gremlin_python.process.traversal import Direction, Merge, T
from gremlin_python.structure.graph import Edge, Path, Vertex, VertexProperty

from graph.engine.numbers import Float32
from graph.gremlin_text import to_big_decimal

__all__ = [
    "Dict",
    "FeatureValueError",
    "Lambda",
    "Literal",
    "Lookup",
    "Node",
    "Num",
    "Ref",
    "Seq",
    "Text",
    "matches",
    "parse_expected",
    "show",
    "to_value",
]


class FeatureValueError(ValueError):
    """A cell or parameter the notation does not cover, or a reference the graph cannot resolve."""


class Lookup(Protocol):
    """Resolves the suite's element names: ``v[marko]``, ``e[marko-knows->vadas]``,
    ``vp[marko-name->marko]``."""

    def vertex(self, name: str) -> Vertex: ...

    def edge(self, name: str) -> Edge: ...

    def vertex_property(self, name: str) -> VertexProperty: ...


# --- nodes --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Num:
    """``d[value].kind``; kind is one of ``b s i l n f d m`` (``d`` for NaN/Infinity)."""

    value: int | float | decimal.Decimal
    kind: str


@dataclass(frozen=True, slots=True)
class Text:
    value: str


@dataclass(frozen=True, slots=True)
class Literal:
    """A value that compares by plain equality and type: null, booleans, enums, dates, UUIDs."""

    value: Any


@dataclass(frozen=True, slots=True)
class Ref:
    """``v[name]``/``e[name]``/``vp[name]``, optionally ``.id`` or ``.sid`` (the id as a string)."""

    kind: str  # v | e | vp
    name: str
    attr: str | None = None


@dataclass(frozen=True, slots=True)
class Seq:
    """``l[...]`` (list), ``s[...]`` (set) or ``p[...]`` (path objects)."""

    kind: str  # list | set | path
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Dict:
    items: tuple[tuple[Node, Node], ...]


@dataclass(frozen=True, slots=True)
class Lambda:
    """``c[...]``: a Groovy closure, which lakemap never evaluates."""

    script: str


Node = Num | Text | Literal | Ref | Seq | Dict | Lambda

# --- parsing ------------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^d\[(.*)\]\.([bsilfdmn])$")
_REF = re.compile(r"^(vp|v|e)\[(.*)\](?:\.(id|sid))?$")
_INTEGER_KINDS = frozenset("bsiln")


def parse_expected(text: str) -> Node:
    """Parse one cell/parameter of the suite's notation (pure: no graph needed).

    >>> parse_expected("d[29].i")
    Num(value=29, kind='i')
    >>> parse_expected("l[a,d[1].l]")
    Seq(kind='list', items=(Text(value='a'), Num(value=1, kind='l')))
    """
    if text == "null":
        return Literal(None)
    if text == "true":
        return Literal(True)
    if text == "false":
        return Literal(False)
    if text == "d[NaN]":
        return Num(math.nan, "d")
    if text in ("d[Infinity]", "d[+Infinity]"):
        return Num(math.inf, "d")
    if text == "d[-Infinity]":
        return Num(-math.inf, "d")
    number = _NUMBER.match(text)
    if number:
        return _number(number.group(1), number.group(2), text)
    if text.startswith("str[") and text.endswith("]"):
        return Text(text[4:-1])
    if text.startswith("dt[") and text.endswith("]"):
        return Literal(_datetime(text[3:-1], text))
    if text.startswith("uuid[") and text.endswith("]"):
        try:
            return Literal(uuid.UUID(text[5:-1]))
        except ValueError:
            raise FeatureValueError(f"bad UUID in {text!r}") from None
    ref = _REF.match(text)
    if ref:
        return Ref(ref.group(1), ref.group(2), ref.group(3))
    if text.startswith("l[") and text.endswith("]"):
        return Seq("list", tuple(parse_expected(part) for part in _split(text[2:-1])))
    if text.startswith("s[") and text.endswith("]"):
        return Seq("set", tuple(parse_expected(part) for part in _split(text[2:-1])))
    if text.startswith("p[") and text.endswith("]"):
        return Seq("path", tuple(parse_expected(part) for part in _split(text[2:-1])))
    if text.startswith("m[") and text.endswith("]"):
        try:
            data = json.loads(text[2:-1])
        except json.JSONDecodeError as err:
            raise FeatureValueError(f"bad JSON in {text!r}: {err}") from None
        if not isinstance(data, dict):
            raise FeatureValueError(f"m[...] must hold a JSON object: {text!r}")
        return _from_json(data)
    if text.startswith("c[") and text.endswith("]"):
        return Lambda(text[2:-1])
    if text.startswith("t[") and text.endswith("]"):
        return Literal(_enum(T, text[2:-1], {}, text))
    if text.startswith("D[") and text.endswith("]"):
        return Literal(_enum(Direction, text[2:-1], {"from": "OUT", "to": "IN"}, text))
    if text.startswith("M[") and text.endswith("]"):
        aliases = {"onCreate": "on_create", "onMatch": "on_match", "outV": "out_v", "inV": "in_v"}
        return Literal(_enum(Merge, text[2:-1], aliases, text))
    return Text(text)


def _number(body: str, kind: str, text: str) -> Num:
    try:
        if kind in _INTEGER_KINDS:
            return Num(int(body), kind)
        if kind == "m":
            return Num(decimal.Decimal(body), kind)
        return Num(float(body), kind)
    except (ValueError, decimal.InvalidOperation):
        raise FeatureValueError(f"bad number in {text!r}") from None


def _datetime(body: str, text: str) -> _dt.datetime:
    cleaned = body[:-1] + "+00:00" if body.endswith("Z") else body
    try:
        value = _dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise FeatureValueError(f"bad date-time in {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=_dt.UTC)


def _enum(enum: Any, name: str, aliases: dict[str, str], text: str) -> Any:
    member = getattr(enum, aliases.get(name, name), None)
    if member is None:
        raise FeatureValueError(f"unknown {enum.__name__} {name!r} in {text!r}")
    return member


def _split(body: str) -> list[str]:
    """Split ``a,l[b,c],d`` at top-level commas (brackets nest); ``""`` is the empty collection."""
    if body == "":
        return []
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(body):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return parts


def _from_json(data: Any) -> Node:
    if isinstance(data, dict):
        return Dict(tuple((parse_expected(k), _from_json(v)) for k, v in data.items()))
    if isinstance(data, list):
        return Seq("list", tuple(_from_json(v) for v in data))
    if isinstance(data, str):
        return parse_expected(data)
    if isinstance(data, bool) or data is None:
        return Literal(data)
    if isinstance(data, int):
        return Num(data, "l")
    return Num(float(data), "d")


# --- resolving ----------------------------------------------------------------------------------------------


def to_value(node: Node, lookup: Lookup) -> Any:
    """The Python value a gremlinpython user would write for ``node`` (parameters, side effects, dict
    keys)."""
    if isinstance(node, Num):
        return _typed_number(node)
    if isinstance(node, Text):
        return node.value
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Ref):
        return _resolve(node, lookup)
    if isinstance(node, Seq):
        items = [to_value(item, lookup) for item in node.items]
        if node.kind == "set":
            return {_hashable(item) for item in items}
        if node.kind == "path":
            return Path([set() for _ in items], items)
        return items
    if isinstance(node, Dict):
        return {_hashable(to_value(k, lookup)): to_value(v, lookup) for k, v in node.items}
    raise FeatureValueError(f"lambdas are rejected by design: c[{node.script}]")


def _typed_number(node: Num) -> Any:
    kind, value = node.kind, node.value
    if kind == "b":
        return statics.SingleByte(value)
    if kind == "s":
        return statics.short(value)
    if kind == "l":
        return statics.long(value)
    if kind == "n":
        return statics.bigint(value)
    if kind == "f":
        return Float32(value)
    if kind == "m":
        assert isinstance(value, decimal.Decimal)
        return to_big_decimal(value)
    return value


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


def _resolve(ref: Ref, lookup: Lookup) -> Any:
    try:
        if ref.kind == "v":
            element: Any = lookup.vertex(ref.name)
        elif ref.kind == "e":
            element = lookup.edge(ref.name)
        else:
            element = lookup.vertex_property(ref.name)
    except KeyError:
        raise FeatureValueError(f"the graph has no element {ref.kind}[{ref.name}]") from None
    if ref.attr == "id":
        return element.id
    if ref.attr == "sid":
        return str(element.id)
    return element


# --- comparing ----------------------------------------------------------------------------------------------


def matches(node: Node, actual: Any, lookup: Lookup) -> bool:
    """True when the traversal result ``actual`` equals the expected ``node`` (type-aware, see module doc)."""
    if isinstance(node, Num):
        return _number_matches(node, actual)
    if isinstance(node, Text):
        return isinstance(actual, str) and actual == node.value
    if isinstance(node, Literal):
        return _literal_matches(node.value, actual)
    if isinstance(node, Ref):
        return _plain_matches(_resolve(node, lookup), actual)
    if isinstance(node, Seq):
        if node.kind == "path":
            return isinstance(actual, Path) and _ordered(node.items, list(actual.objects), lookup)
        if node.kind == "set":
            # gremlinpython's readers turn a Set used as a map key into a tuple (HashableDict.of), so a
            # server hands user code a tuple there; accept it, still compared without order
            return isinstance(actual, (set, frozenset, tuple)) and _unordered(node.items, list(actual), lookup)
        return isinstance(actual, (list, tuple)) and _ordered(node.items, list(actual), lookup)
    if isinstance(node, Dict):
        return isinstance(actual, Mapping) and _dict_matches(node, actual, lookup)
    return False  # a lambda never equals a value


def _number_matches(node: Num, actual: Any) -> bool:
    if isinstance(actual, bool):
        return False
    if node.kind in _INTEGER_KINDS:
        return isinstance(actual, int) and actual == node.value
    if node.kind == "m":
        if isinstance(actual, statics.BigDecimal):
            actual = actual.value
        return isinstance(actual, decimal.Decimal) and actual == node.value
    if not isinstance(actual, float):
        return False
    expected = float(node.value)
    if math.isnan(expected):
        return math.isnan(actual)
    if actual == expected:
        return True
    return node.kind == "f" and _single(actual) == _single(expected)


def _single(value: float) -> float:
    try:
        return float(struct.unpack("f", struct.pack("f", value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def _literal_matches(expected: Any, actual: Any) -> bool:
    if expected is None:
        return actual is None
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual == expected
    if isinstance(expected, _dt.datetime):
        if not isinstance(actual, _dt.datetime):
            return False
        if actual.tzinfo is None:  # gremlinpython hands java.util.Date back naive, in UTC
            actual = actual.replace(tzinfo=_dt.UTC)
        return actual == expected
    return type(actual) is type(expected) and actual == expected


def _plain_matches(expected: Any, actual: Any) -> bool:
    """Compare against a value resolved from the graph (an element or an element id)."""
    for cls in (VertexProperty, Edge, Vertex):
        if isinstance(expected, cls):
            return isinstance(actual, cls) and actual.id == expected.id
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if isinstance(expected, int):
        return isinstance(actual, int) and actual == expected
    return type(actual) is type(expected) and actual == expected


def _ordered(expected: tuple[Node, ...], actual: list[Any], lookup: Lookup) -> bool:
    return len(expected) == len(actual) and all(matches(e, a, lookup) for e, a in zip(expected, actual))


def _unordered(expected: tuple[Node, ...], actual: list[Any], lookup: Lookup) -> bool:
    """Multiset equality: every expected item claims a distinct actual item."""
    if len(expected) != len(actual):
        return False
    remaining = list(actual)
    for node in expected:
        for i, candidate in enumerate(remaining):
            if matches(node, candidate, lookup):
                del remaining[i]
                break
        else:
            return False
    return True


def _dict_matches(node: Dict, actual: Mapping[Any, Any], lookup: Lookup) -> bool:
    if len(node.items) != len(actual):
        return False
    unclaimed = dict.fromkeys(range(len(actual)))
    actual_items = list(actual.items())
    for key_node, value_node in node.items:
        index = _find_key(key_node, actual, actual_items, unclaimed, lookup)
        if index is None or not matches(value_node, actual_items[index][1], lookup):
            return False
        del unclaimed[index]
    return True


def _find_key(
    key_node: Node,
    actual: Mapping[Any, Any],
    actual_items: list[tuple[Any, Any]],
    unclaimed: dict[int, None],
    lookup: Lookup,
) -> int | None:
    # Fast path: hash lookup of the resolved key, then the strict check (so 29 never stands in for 29.0).
    try:
        probe = to_value(key_node, lookup)
        hash(probe)
    except (FeatureValueError, TypeError):
        probe = None
    else:
        if probe in actual:
            for i in unclaimed:
                k = actual_items[i][0]
                same = k is probe or (type(k) is type(probe) and k == probe)
                if same and matches(key_node, k, lookup):
                    return i
    for i in unclaimed:
        if matches(key_node, actual_items[i][0], lookup):
            return i
    return None


# --- display ------------------------------------------------------------------------------------------------


def show(value: Any) -> str:
    """A short, type-revealing rendering of a result for failure messages (``29`` vs ``29.0`` vs ``'29'``)."""
    if isinstance(value, Path):
        return "p[" + ", ".join(show(o) for o in value.objects) + "]"
    if isinstance(value, VertexProperty):
        return f"vp[{value.label}->{show(value.value)} id={value.id!r}]"
    if isinstance(value, Edge):
        return f"e[{value.id!r}]"
    if isinstance(value, Vertex):
        return f"v[{value.id!r}]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(show(v) for v in value)) + "}"
    if isinstance(value, statics.BigDecimal):
        return f"{value.value}m"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float)):
        return f"{value!r}({type(value).__name__})"
    return repr(value)
