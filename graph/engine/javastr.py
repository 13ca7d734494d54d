"""Java's ``toString()`` for Gremlin values, which ``asString()``/``concat()``/``format()`` expose.

Users see these strings (``29.0`` for a double, ``{name=[marko]}`` for a map, ``v[1]`` for a
vertex), so they follow Java's spelling rather than Python's ``str``.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
import struct
from typing import Any

from graph.engine.compare import MapEntry, PathValue
from graph.engine.numbers import Float32
from graph.engine.store import Edge, Property, Vertex, VertexProperty

__all__ = ["java_str"]


def _double_str(x: float) -> str:
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    ax = abs(x)
    if 1e-3 <= ax < 1e7:
        text = repr(x)
        if "e" in text or "E" in text:
            text = f"{x:f}"
        if "." not in text:
            text += ".0"
        return text
    mantissa, _, exp = f"{x:.17e}".partition("e")
    # shortest round-tripping mantissa
    for digits in range(1, 18):
        candidate = f"{x:.{digits - 1}e}"
        if float(candidate) == x:
            mantissa, _, exp = candidate.partition("e")
            break
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}E{int(exp)}"


def _float_str(x: float) -> str:
    if x != x or math.isinf(x) or x == 0:
        return _double_str(x)
    for digits in range(1, 10):
        candidate = float(f"{x:.{digits}g}")
        if struct.unpack("f", struct.pack("f", candidate))[0] == x:
            return _double_str(candidate)
    return _double_str(x)


def _datetime_str(d: _dt.datetime) -> str:
    if d.tzinfo is None:
        d = d.replace(tzinfo=_dt.UTC)
    base = d.strftime("%Y-%m-%dT%H:%M")
    if d.second or d.microsecond:
        base += d.strftime(":%S")
        if d.microsecond:
            base += f".{d.microsecond:06d}".rstrip("0")
    offset = d.utcoffset()
    if not offset:
        return base + "Z"
    total = int(offset.total_seconds())
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return f"{base}{sign}{total // 3600:02d}:{(total % 3600) // 60:02d}"


def _abbrev(text: str, width: int = 20) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def java_str(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Float32):
        return _float_str(float(value))
    if isinstance(value, float):
        return _double_str(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, Vertex):
        return f"v[{java_str(value.id)}]"
    if isinstance(value, Edge):
        return f"e[{java_str(value.id)}][{java_str(value.out_v.id)}-{value.label}->{java_str(value.in_v.id)}]"
    if isinstance(value, VertexProperty):
        return f"vp[{value.label}->{_abbrev(java_str(value.value))}]"
    if isinstance(value, Property):
        return f"p[{value.key}->{_abbrev(java_str(value.value))}]"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ", ".join(java_str(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{java_str(k)}={java_str(v)}" for k, v in value.items()) + "}"
    if isinstance(value, MapEntry):
        return f"{java_str(value.key)}={java_str(value.value)}"
    if isinstance(value, PathValue):
        return "path[" + ", ".join(java_str(v) for v in value.objects) + "]"
    if isinstance(value, _dt.datetime):
        return _datetime_str(value)
    name = getattr(value, "name", None)
    if name is not None and type(value).__module__.startswith("gremlin_python"):
        return str(name).rstrip("_")
    return str(value)
