"""Java's numeric tower, as Gremlin sees it, on Python values.

Why: Gremlin results depend on Java number types (``sum`` of two bytes overflowing into a
short, ``int / int`` truncating, ``count()`` being a long). gremlinpython already names
those types (``SingleByte``, ``short``, ``int``, ``long``, ``bigint``, ``float`` for double,
``BigDecimal``), so the engine keeps every number as the Python type a Gremlin Server would
hand back and does arithmetic here with TinkerPop's promotion rules. Java ``float`` has no
gremlinpython type; :class:`Float32` marks it inside the engine (it *is* a ``float``, so it
leaves the engine as one, exactly as a server's Float does). BigDecimal is a
:class:`decimal.Decimal` inside the engine and a gremlinpython ``BigDecimal`` outside.
"""

from __future__ import annotations

import decimal
import math
import struct
from typing import Any

from gremlin_python.statics import BigDecimal, SingleByte, bigint, long, short

from graph.errors import GremlinError

__all__ = [
    "RANK_BIGINT",
    "RANK_BYTE",
    "RANK_DECIMAL",
    "RANK_DOUBLE",
    "RANK_FLOAT",
    "RANK_INT",
    "RANK_LONG",
    "RANK_SHORT",
    "ArithmeticGremlinError",
    "Float32",
    "add",
    "cast",
    "div",
    "is_nan",
    "is_number",
    "mul",
    "normalize_int",
    "num_compare",
    "num_max",
    "num_min",
    "number_rank",
    "sub",
    "to_java_bigdecimal",
]


class Float32(float):
    """A Java ``float``: rounded to single precision when made."""

    __slots__ = ()

    def __new__(cls, value: Any = 0.0) -> Float32:
        v = float(value)
        if math.isfinite(v):
            try:
                v = struct.unpack("f", struct.pack("f", v))[0]
            except OverflowError:
                v = math.inf if v > 0 else -math.inf
        return super().__new__(cls, v)

    def __repr__(self) -> str:
        return f"{float(self)!r}f"


class ArithmeticGremlinError(GremlinError):
    """Integer overflow or division by zero (Java's ArithmeticException)."""


RANK_BYTE, RANK_SHORT, RANK_INT, RANK_LONG, RANK_BIGINT, RANK_FLOAT, RANK_DOUBLE, RANK_DECIMAL = range(8)

_RANK_OF_TYPE: dict[type, int] = {
    SingleByte: RANK_BYTE,
    short: RANK_SHORT,
    int: RANK_INT,
    long: RANK_LONG,
    bigint: RANK_BIGINT,
    Float32: RANK_FLOAT,
    float: RANK_DOUBLE,
    decimal.Decimal: RANK_DECIMAL,
}
# (bits, floating point) per rank, as TinkerPop's NumberHelper reasons about them.
_BITS = {
    RANK_BYTE: 8,
    RANK_SHORT: 16,
    RANK_INT: 32,
    RANK_LONG: 64,
    RANK_BIGINT: 128,
    RANK_FLOAT: 32,
    RANK_DOUBLE: 64,
    RANK_DECIMAL: 128,
}
_INT_BOUNDS = {RANK_BYTE: 2**7, RANK_SHORT: 2**15, RANK_INT: 2**31, RANK_LONG: 2**63}


def number_rank(value: Any) -> int | None:
    """The rank of ``value`` in the tower, or None when it is not a number (bools are not)."""
    rank = _RANK_OF_TYPE.get(type(value))
    if rank is not None:
        return rank
    if isinstance(value, bool):
        return None
    if isinstance(value, Float32):
        return RANK_FLOAT
    if isinstance(value, float):
        return RANK_DOUBLE
    if isinstance(value, int):
        return RANK_INT if -(2**31) <= value < 2**31 else RANK_LONG
    if isinstance(value, decimal.Decimal):
        return RANK_DECIMAL
    return None


def is_number(value: Any) -> bool:
    return number_rank(value) is not None


def is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def _rank_for(bits: int, fp: bool) -> int:
    if fp:
        return RANK_FLOAT if bits <= 32 else RANK_DOUBLE if bits <= 64 else RANK_DECIMAL
    if bits <= 8:
        return RANK_BYTE
    if bits <= 16:
        return RANK_SHORT
    if bits <= 32:
        return RANK_INT
    if bits <= 64:
        return RANK_LONG
    return RANK_BIGINT


def _common(a: Any, b: Any, force_fp: bool = False) -> tuple[int, bool]:
    bits, fp = 8, force_fp
    for v in (a, b):
        r = number_rank(v)
        if r is None or is_nan(v):
            continue
        bits = max(bits, _BITS[r])
        fp = fp or r >= RANK_FLOAT
    return bits, fp


def to_java_bigdecimal(value: Any) -> decimal.Decimal:
    """BigDecimal.valueOf semantics: doubles go through their shortest decimal string."""
    if isinstance(value, decimal.Decimal):
        return value
    if isinstance(value, float):
        return decimal.Decimal(repr(float(value)))
    return decimal.Decimal(int(value))


def cast(value: Any, rank: int) -> Any:
    """Convert a number to the Python type of ``rank`` (Java's narrowing wraps around)."""
    if rank <= RANK_BIGINT:
        if isinstance(value, float):
            if value != value:
                iv = 0
            elif math.isinf(value):
                iv = 2**63 - 1 if value > 0 else -(2**63)
            else:
                iv = int(value)
        else:
            iv = int(value)
        if rank == RANK_BIGINT:
            return bigint(iv)
        bound = _INT_BOUNDS[rank]
        iv = (iv + bound) % (2 * bound) - bound
        return {
            RANK_BYTE: lambda x: int.__new__(SingleByte, x),
            RANK_SHORT: short,
            RANK_INT: int,
            RANK_LONG: long,
        }[rank](iv)
    if rank == RANK_FLOAT:
        return Float32(float(value))
    if rank == RANK_DOUBLE:
        return float(value)
    return to_java_bigdecimal(value)


def normalize_int(value: int) -> int:
    """A plain Python int as gremlinpython would send it: Int32, else Int64, else BigInteger."""
    if type(value) is int:
        if -(2**31) <= value < 2**31:
            return value
        if -(2**63) <= value < 2**63:
            return long(value)
        return bigint(value)
    if type(value) is long and not (-(2**63) <= value < 2**63):
        return bigint(value)
    return value


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _decimal_div(a: decimal.Decimal, b: decimal.Decimal) -> decimal.Decimal:
    if b == 0:
        raise ArithmeticGremlinError("Division by zero")
    precision = max(len(a.as_tuple().digits), len(b.as_tuple().digits)) + 10
    with decimal.localcontext(decimal.Context(prec=max(precision, 34))) as ctx:
        exact = a / b
        ctx.prec = precision
        result = +exact
    scale = max(-a.as_tuple().exponent, -b.as_tuple().exponent, 10)  # type: ignore[operator]
    if -result.as_tuple().exponent > scale:  # type: ignore[operator]
        result = result.quantize(decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP)
    return result


def _apply(op: str, rank: int, a: Any, b: Any) -> Any:
    if rank <= RANK_BIGINT:
        x, y = int(a), int(b)
        if op == "add":
            r = x + y
        elif op == "sub":
            r = x - y
        elif op == "mul":
            r = x * y
        else:
            if y == 0:
                raise ArithmeticGremlinError("/ by zero")
            r = _trunc_div(x, y)
        if rank != RANK_BIGINT and not (-_INT_BOUNDS[rank] <= r < _INT_BOUNDS[rank]):
            raise OverflowError
        return cast(r, rank)
    if rank == RANK_DECIMAL:
        x, y = to_java_bigdecimal(a), to_java_bigdecimal(b)
        with decimal.localcontext(decimal.Context(prec=200)):
            if op == "add":
                return x + y
            if op == "sub":
                return x - y
            if op == "mul":
                return x * y
        return _decimal_div(x, y)
    x, y = float(a), float(b)
    if op == "add":
        r = x + y
    elif op == "sub":
        r = x - y
    elif op == "mul":
        r = x * y
    else:
        if y == 0.0:
            r = math.nan if x == 0.0 or x != x else math.copysign(math.inf, x) * math.copysign(1.0, y)
        else:
            r = x / y
    if rank == RANK_FLOAT:
        f = Float32(r)
        if math.isinf(f) and not math.isinf(r) and math.isfinite(x) and math.isfinite(y):
            raise OverflowError
        return f
    return r


def _promoting(op: str, a: Any, b: Any, force_fp: bool = False) -> Any:
    if a is None or b is None:
        return a
    bits, fp = _common(a, b, force_fp)
    while True:
        rank = _rank_for(bits, fp)
        try:
            return _apply(op, rank, a, b)
        except OverflowError:
            if not fp and bits >= 64:
                raise ArithmeticGremlinError(f"{_TYPE_NAMES[rank].lower()} overflow") from None
            if fp and bits >= 64:
                return math.inf
            bits <<= 1


_TYPE_NAMES = {
    RANK_BYTE: "Byte",
    RANK_SHORT: "Short",
    RANK_INT: "Integer",
    RANK_LONG: "Long",
    RANK_BIGINT: "BigInteger",
    RANK_FLOAT: "Float",
    RANK_DOUBLE: "Double",
    RANK_DECIMAL: "BigDecimal",
}


def type_name(value: Any) -> str:
    r = number_rank(value)
    return _TYPE_NAMES[r] if r is not None else type(value).__name__


def add(a: Any, b: Any) -> Any:
    return _promoting("add", a, b)


def sub(a: Any, b: Any) -> Any:
    return _promoting("sub", a, b)


def mul(a: Any, b: Any) -> Any:
    return _promoting("mul", a, b)


def div(a: Any, b: Any, force_fp: bool = False) -> Any:
    return _promoting("div", a, b, force_fp)


def num_compare(a: Any, b: Any) -> int:
    """Total order of numbers with NaN after +Infinity (TinkerPop's NumberHelper.compare)."""
    an, bn = is_nan(a), is_nan(b)
    if an or bn:
        return 0 if an and bn else (1 if an else -1)
    if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
        if isinstance(a, float) and math.isinf(a):
            return 1 if a > 0 else -1
        if isinstance(b, float) and math.isinf(b):
            return -1 if b > 0 else 1
        a, b = to_java_bigdecimal(a), to_java_bigdecimal(b)
    return (a > b) - (a < b)


def _min_max(a: Any, b: Any, want_min: bool) -> Any:
    if a is None or b is None:
        return b if a is None else a
    if is_nan(a) or is_nan(b):
        return b if is_nan(a) else a
    bits, fp = _common(a, b)
    rank = _rank_for(bits, fp)
    c = num_compare(a, b)
    pick = a if (c <= 0) == want_min else b
    if c == 0:
        pick = a
    return cast(pick, rank)


def num_min(a: Any, b: Any) -> Any:
    return _min_max(a, b, True)


def num_max(a: Any, b: Any) -> Any:
    return _min_max(a, b, False)


def to_output_decimal(value: decimal.Decimal) -> BigDecimal:
    """A Decimal as the gremlinpython BigDecimal a server would return."""
    sign, digits, exponent = value.as_tuple()
    unscaled = int("".join(map(str, digits)) or "0")
    return BigDecimal(-int(exponent), -unscaled if sign else unscaled)  # type: ignore[arg-type]


def from_input_decimal(value: BigDecimal) -> decimal.Decimal:
    return decimal.Decimal(value.unscaled_value).scaleb(-value.scale)
