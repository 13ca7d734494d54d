"""Value functions: type conversions (``asString``/``asNumber``/``asBool``/``asDate``), string
steps (``concat``, ``split``, ``substring``, ``trim``...), ``format`` and date arithmetic.
Error messages follow TinkerPop's wording, which the conformance suite checks.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

from gremlin_python.process.traversal import DT, GType, Scope
from gremlin_python.statics import long

from graph.engine import numbers as num
from graph.engine.compare import PathValue
from graph.engine.compiler import register
from graph.engine.core import (
    NOTHING,
    UNPRODUCTIVE,
    By,
    Context,
    MapStep,
    Step,
    Traversal,
    element_value,
    int_arg,
    type_label,
)
from graph.engine.javastr import java_str
from graph.engine.scope import scope_value
from graph.engine.store import Element
from graph.engine.traverser import Traverser
from graph.errors import GremlinError

__all__ = ["FunctionStep", "parse_number", "parse_datetime"]


def _scope(args: list[Any]) -> tuple[bool, list[Any]]:
    if args and isinstance(args[0], Scope):
        return args[0] == Scope.local, args[1:]
    return False, args


# ------------------------------------------------------------------------------ conversions
class FunctionStep(MapStep):
    """A map step applying ``fn(ctx, t, value)``; NOTHING from fn drops the traverser."""

    def __init__(self, name: str, fn: Callable[[Context, Traverser, Any], Any]) -> None:
        super().__init__()
        self.name = name
        self.fn = fn

    def map(self, ctx: Context, t: Traverser) -> Any:
        return self.fn(ctx, t, t.obj)


_INT_RE = re.compile(r"^[+-]?\d+$")
_FLOAT_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$")


def parse_number(text: str) -> Any:
    s = text.strip()
    try:
        if re.match(r"^[+-]?0[xX][0-9a-fA-F]+$", s):
            return num.normalize_int(int(s, 16))
        if _INT_RE.match(s):
            return num.normalize_int(int(s))
        if _FLOAT_RE.match(s):
            return float(s.rstrip("dDfF"))
    except ValueError:
        pass
    raise GremlinError(f"Can't parse string '{text}' as number.")


_GTYPE_RANK = {
    "BYTE": num.RANK_BYTE,
    "SHORT": num.RANK_SHORT,
    "INT": num.RANK_INT,
    "LONG": num.RANK_LONG,
    "BIGINT": num.RANK_BIGINT,
    "FLOAT": num.RANK_FLOAT,
    "DOUBLE": num.RANK_DOUBLE,
    "BIGDECIMAL": num.RANK_DECIMAL,
}
_BOUNDS = {num.RANK_BYTE: 2**7, num.RANK_SHORT: 2**15, num.RANK_INT: 2**31, num.RANK_LONG: 2**63}
_RANK_NAME = {
    num.RANK_BYTE: "Byte",
    num.RANK_SHORT: "Short",
    num.RANK_INT: "Integer",
    num.RANK_LONG: "Long",
    num.RANK_BIGINT: "BigInteger",
    num.RANK_FLOAT: "Float",
    num.RANK_DOUBLE: "Double",
    num.RANK_DECIMAL: "BigDecimal",
}


def _convert_number(value: Any, rank: int) -> Any:
    src_rank = num.number_rank(value)
    if rank in _BOUNDS:
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise GremlinError(
                f"Can't convert number of type {type_label(value)} to {_RANK_NAME[rank]} due to overflow."
            )
        iv = int(value)
        bound = _BOUNDS[rank]
        if not -bound <= iv < bound:
            raise GremlinError(
                f"Can't convert number of type {_RANK_NAME.get(src_rank, type_label(value))} "
                f"to {_RANK_NAME[rank]} "
                "due to overflow."
            )
        return num.cast(iv, rank)
    if rank == num.RANK_FLOAT:
        f = num.Float32(float(value))
        if f in (float("inf"), float("-inf")) and abs(float(value)) != float("inf"):
            raise GremlinError(f"Can't convert number of type {type_label(value)} to Float due to overflow.")
        return f
    return num.cast(value, rank)


def _as_number(gtype: Any) -> Callable[[Context, Traverser, Any], Any]:
    rank: int | None = None
    if gtype is not None:
        name = gtype.name if isinstance(gtype, GType) else str(gtype)
        if name not in _GTYPE_RANK:
            raise GremlinError(f"asNumber() requires a numeric type token, got {name}")
        rank = _GTYPE_RANK[name]

    def fn(ctx: Context, t: Traverser, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = parse_number(value)
        elif num.number_rank(value) is None:
            raise GremlinError(f"Can't parse type {type_label(value)} as number.")
        if rank is None:
            return value
        return _convert_number(value, rank)

    return fn


def _as_bool(ctx: Context, t: Traverser, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if num.number_rank(value) is not None:
        return not (value == 0 or num.is_nan(value))
    if isinstance(value, str):
        low = value.lower()
        if low in ("true", "false"):
            return low == "true"
        raise GremlinError(f"Can't parse {value} as Boolean.")
    raise GremlinError(f"Can't parse {java_str(value)} as Boolean.")


register("asBool")(lambda c, a, s: FunctionStep("asBool", _as_bool))


@register("asString")
def _as_string(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local, _ = _scope(args)

    def one(value: Any) -> str:
        if value is None:
            raise GremlinError("Can't parse null as String.")
        return java_str(value)

    def fn(ctx: Context, t: Traverser, value: Any) -> Any:
        if local and isinstance(value, (list, tuple, set, frozenset)):
            return [one(v) for v in value]
        return one(value)

    return FunctionStep("asString", fn)


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")


def parse_datetime(text: str) -> _dt.datetime:
    s = text.strip()
    if not _ISO.match(s):
        raise GremlinError(f"Can't parse {text} as Date.")
    try:
        d = _dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        raise GremlinError(f"Can't parse {text} as Date.") from None
    if d.tzinfo is None:
        d = d.replace(tzinfo=_dt.UTC)
    return d


_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


def _as_date(ctx: Context, t: Traverser, value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=_dt.UTC)
    if isinstance(value, str):
        return parse_datetime(value)
    rank = num.number_rank(value)
    if rank is not None and rank <= num.RANK_BIGINT:
        return _EPOCH + _dt.timedelta(milliseconds=int(value))
    raise GremlinError(f"Can't parse {java_str(value)} as Date.")


register("asDate")(lambda c, a, s: FunctionStep("asDate", _as_date))


def _date_to_number(value: _dt.datetime) -> long:
    delta = value - _EPOCH
    return long(delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000)


def _as_number_with_dates(gtype: Any) -> Callable[[Context, Traverser, Any], Any]:
    """asNumber() also turns datetimes into epoch milliseconds (a long)."""
    inner = _as_number(gtype)

    def fn(ctx: Context, t: Traverser, value: Any) -> Any:
        if isinstance(value, _dt.datetime):
            value = _date_to_number(value if value.tzinfo else value.replace(tzinfo=_dt.UTC))
        return inner(ctx, t, value)

    return fn


@register("asNumber")
def _as_number_step(compiler: Any, args: list[Any], is_start: bool) -> Step:
    return FunctionStep("asNumber", _as_number_with_dates(args[0] if args else None))


# ------------------------------------------------------------------------------ dates
_DT_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@register("dateAdd")
def _date_add(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 2 or not isinstance(args[0], DT):
        raise GremlinError("dateAdd() takes a DT unit and an amount")
    seconds = _DT_UNITS[args[0].name] * int_arg("dateAdd", args[1])

    def fn(ctx: Context, t: Traverser, value: Any) -> Any:
        if not isinstance(value, _dt.datetime):
            raise GremlinError("dateAdd accepts only Date or OffsetDateTime.")
        return value + _dt.timedelta(seconds=seconds)

    return FunctionStep("dateAdd", fn)


@register("dateDiff")
def _date_diff(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1:
        raise GremlinError("dateDiff() takes one date or traversal")
    other_spec = args[0]

    def fn(ctx: Context, t: Traverser, value: Any) -> Any:
        if not isinstance(value, _dt.datetime):
            raise GremlinError("dateDiff accepts only Date or OffsetDateTime.")
        other = other_spec.first(ctx, t) if isinstance(other_spec, Traversal) else other_spec
        if other is NOTHING or other is None:
            other = _EPOCH
        if not isinstance(other, _dt.datetime):
            raise GremlinError("dateDiff accepts only Date or OffsetDateTime.")
        return long(_date_to_number(value) - _date_to_number(other))

    step = FunctionStep("dateDiff", fn)
    step.children = lambda: [other_spec] if isinstance(other_spec, Traversal) else []  # type: ignore[method-assign]
    return step


# ------------------------------------------------------------------------------ strings
def _string_step(name: str, op: Callable[[str], Any], local_allowed: bool = True) -> None:
    @register(name)
    def _factory(compiler: Any, args: list[Any], is_start: bool) -> Step:
        local, _ = _scope(args)

        def fn(ctx: Context, t: Traverser, value: Any) -> Any:
            if value is None:
                return None
            if local:
                if isinstance(value, (list, tuple)):
                    out = []
                    for v in value:
                        if v is None:
                            out.append(None)
                        elif isinstance(v, str):
                            out.append(op(v))
                        else:
                            raise GremlinError(
                                f"The {name}(local) step can only take string or list of strings"
                            )
                    return out
                if isinstance(value, str):
                    return op(value)
                raise GremlinError(f"The {name}(local) step can only take string or list of strings")
            if not isinstance(value, str):
                raise GremlinError(f"The {name}() step can only take string as argument")
            return op(value)

        return FunctionStep(name, fn)


_string_step("toUpper", str.upper)
_string_step("toLower", str.lower)
_string_step("trim", lambda s: s.strip())
_string_step("lTrim", lambda s: s.lstrip())
_string_step("rTrim", lambda s: s.rstrip())
_string_step("length", lambda s: len(s))


@register("reverse")
def _reverse(compiler: Any, args: list[Any], is_start: bool) -> Step:
    def fn(ctx: Context, t: Traverser, value: Any) -> Any:
        if isinstance(value, str):
            return value[::-1]
        if isinstance(value, PathValue):
            return list(reversed(value.objects))
        if isinstance(value, (list, tuple)):
            return list(reversed(value))
        return value

    return FunctionStep("reverse", fn)


def _java_substring(s: str, start: int, end: int | None) -> str:
    n = len(s)
    b = start + n if start < 0 else start
    e = n if end is None else (end + n if end < 0 else end)
    b = max(0, min(b, n))
    e = max(0, min(e, n))
    return s[b:e] if e > b else ""


@register("substring")
def _substring(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local, rest = _scope(args)
    if not 1 <= len(rest) <= 2:
        raise GremlinError("substring() takes a start and an optional end")
    start = int_arg("substring", rest[0])
    end = int_arg("substring", rest[1]) if len(rest) == 2 and rest[1] is not None else None

    def one(v: Any) -> Any:
        if v is None:
            return None
        if not isinstance(v, str):
            raise GremlinError(
                "The substring(local) step can only take string or list of strings"
                if local
                else "The substring() step can only take string as argument"
            )
        return _java_substring(v, start, end)

    def fn(ctx: Context, t: Traverser, value: Any) -> Any:
        if local and isinstance(value, (list, tuple)):
            return [one(v) for v in value]
        return one(value)

    return FunctionStep("substring", fn)


@register("replace")
def _replace(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local, rest = _scope(args)
    if len(rest) != 2:
        raise GremlinError("replace() takes the text to find and its replacement")
    old, new = rest
    if not all(x is None or isinstance(x, str) for x in (old, new)):
        raise GremlinError("replace() takes strings")

    def one(v: Any) -> Any:
        if v is None:
            return None
        if not isinstance(v, str):
            raise GremlinError(
                "The replace(local) step can only take string or list of strings"
                if local
                else "The replace() step can only take string as argument"
            )
        if old is None:
            return v
        return v.replace(old, "" if new is None else new)

    def fn(ctx: Context, t: Traverser, value: Any) -> Any:
        if local and isinstance(value, (list, tuple)):
            return [one(v) for v in value]
        return one(value)

    return FunctionStep("replace", fn)


@register("split")
def _split(compiler: Any, args: list[Any], is_start: bool) -> Step:
    local, rest = _scope(args)
    if len(rest) != 1:
        raise GremlinError("split() takes a separator")
    sep = rest[0]
    if sep is not None and not isinstance(sep, str):
        raise GremlinError("split() takes a string separator")

    def one(v: Any) -> Any:
        if v is None:
            return None
        if not isinstance(v, str):
            raise GremlinError(
                "The split(local) step can only take string or list of strings"
                if local
                else "The split() step can only take string as argument"
            )
        if sep is None:
            return v.split()
        if sep == "":
            return list(v)
        return v.split(sep)

    def fn(ctx: Context, t: Traverser, value: Any) -> Any:
        if local and isinstance(value, (list, tuple)):
            return [one(v) for v in value]
        return one(value)

    return FunctionStep("split", fn)


class ConcatStep(MapStep):
    name = "concat"

    def __init__(self, parts: list[Any]) -> None:
        super().__init__()
        self.parts = parts

    def children(self) -> list[Traversal]:
        return [p for p in self.parts if isinstance(p, Traversal)]

    def map(self, ctx: Context, t: Traverser) -> Any:
        value = t.obj
        if value is not None and not isinstance(value, str):
            raise GremlinError("String concat() can only take string as argument")
        pieces: list[str] = []
        any_value = value is not None
        for p in self.parts:
            if isinstance(p, Traversal):
                r = p.first(ctx, t)
                if r is NOTHING or r is None:
                    continue
                pieces.append(java_str(r) if not isinstance(r, str) else r)
                any_value = True
            elif p is not None:
                if not isinstance(p, str):
                    raise GremlinError("String concat() can only take string as argument")
                pieces.append(p)
                any_value = True
        if not any_value:
            return None
        return (value or "") + "".join(pieces)


register("concat")(lambda c, a, s: ConcatStep(list(a)))


_FORMAT_VAR = re.compile(r"%\{(.*?)\}")


class FormatStep(MapStep):
    name = "format"

    def __init__(self, template: str) -> None:
        super().__init__()
        self.template = template
        self.bys: list[By] = []

    def children(self) -> list[Traversal]:
        return [c for b in self.bys for c in b.children()]

    def modulate_by(self, *args: Any) -> None:
        self.bys.append(By(*args))

    def _lookup(self, ctx: Context, t: Traverser, name: str) -> Any:
        obj = t.obj
        if isinstance(obj, Element):
            try:
                v = element_value(obj, name)
            except GremlinError:
                v = UNPRODUCTIVE
            if v is not UNPRODUCTIVE:
                return v
        elif isinstance(obj, dict) and name in obj:
            return obj[name]
        v = scope_value(ctx, t, name, "last", use_map=False)
        return UNPRODUCTIVE if v is NOTHING else v

    def map(self, ctx: Context, t: Traverser) -> Any:
        out: list[str] = []
        pos = 0
        positional = 0
        for m in _FORMAT_VAR.finditer(self.template):
            out.append(self.template[pos : m.start()])
            name = m.group(1)
            if name == "_":
                if not self.bys:
                    value = t.obj
                else:
                    value = self.bys[positional % len(self.bys)].value(ctx, t)
                positional += 1
            else:
                value = self._lookup(ctx, t, name)
            if value is UNPRODUCTIVE:
                return NOTHING
            out.append(java_str(value))
            pos = m.end()
        out.append(self.template[pos:])
        return "".join(out)


@register("format")
def _format(compiler: Any, args: list[Any], is_start: bool) -> Step:
    if len(args) != 1 or not isinstance(args[0], str):
        raise GremlinError("format() takes a template string")
    return FormatStep(args[0])
