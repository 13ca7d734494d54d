"""Arrow schemas of Parquet files, in the catalog's type vocabulary.

Pure functions: an Arrow schema in, :class:`~catalog.model.Column` trees and leaf maps
out. Type strings follow :mod:`catalog.types` (``array<struct<a:int>>``) so that a struct
type written here parses back through :func:`catalog.types.parse_type` into the same
children.

Parquet stores statistics per *leaf* column (``items.list.element.price``); the catalog
puts them on the child a reader would look for (``items.price``). :func:`leaf_targets`
gives that mapping in the Parquet leaf order, which is the depth-first order of the Arrow
schema.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any, Mapping

import pyarrow as pa

from catalog.model import Column, ColumnStats
from catalog.types import normalize_primitive

_INTS = {
    pa.int8(): "tinyint", pa.int16(): "smallint", pa.int32(): "int", pa.int64(): "bigint",
    pa.uint8(): "smallint", pa.uint16(): "int", pa.uint32(): "bigint", pa.uint64(): "bigint",
}

_EXTENSIONS = {"arrow.uuid": "uuid", "arrow.json": "json"}


def _is_list(t: pa.DataType) -> bool:
    return bool(pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t)
                or pa.types.is_list_view(t) or pa.types.is_large_list_view(t))


def catalog_type(t: pa.DataType) -> str:
    """The catalog type string for an Arrow type (``decimal128(10, 2)`` -> ``decimal(10,2)``)."""
    if isinstance(t, pa.ExtensionType):
        return _EXTENSIONS.get(t.extension_name, None) or catalog_type(t.storage_type)
    if pa.types.is_dictionary(t):
        return catalog_type(t.value_type)
    if t in _INTS:
        return _INTS[t]
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_floating(t):
        return "double" if t == pa.float64() else "float"
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if (pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t)
            or pa.types.is_binary_view(t)):
        return "binary"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz else "timestamp"
    if pa.types.is_time(t):
        return "time"
    if pa.types.is_duration(t) or pa.types.is_interval(t):
        return "interval"
    if pa.types.is_null(t):
        return "void"
    if _is_list(t):
        return f"array<{catalog_type(t.value_type)}>"
    if pa.types.is_map(t):
        return f"map<{catalog_type(t.key_type)},{catalog_type(t.item_type)}>"
    if pa.types.is_struct(t):
        return "struct<" + ",".join(f"{f.name}:{catalog_type(f.type)}" for f in t) + ">"
    return normalize_primitive(str(t))


def _unwrap(t: pa.DataType) -> pa.DataType:
    while True:
        if isinstance(t, pa.ExtensionType):
            t = t.storage_type
        elif pa.types.is_dictionary(t):
            t = t.value_type
        else:
            return t


def _nested_fields(t: pa.DataType) -> list[pa.Field]:
    """The struct fields a reader addresses under a column: through arrays and map values."""
    t = _unwrap(t)
    if _is_list(t):
        return _nested_fields(t.value_type)
    if pa.types.is_map(t):
        return _nested_fields(t.item_type)
    if pa.types.is_struct(t):
        return list(t)
    return []


def _column(field: pa.Field, path: str, stats: Mapping[str, ColumnStats], nullable: bool | None) -> Column:
    children = tuple(_column(child, f"{path}.{child.name}", stats, None)
                     for child in _nested_fields(field.type))
    return Column(
        name=field.name,
        type=catalog_type(field.type),
        nullable=field.nullable if nullable is None else nullable,
        children=children,
        stats=stats.get(path),
    )


def column_from_field(field: pa.Field, stats: Mapping[str, ColumnStats] | None = None,
                      nullable: bool | None = None) -> Column:
    """A catalog column (with nested children) for a top-level Arrow field.

    ``stats`` maps dotted catalog paths (``items.price``) to statistics to attach;
    ``nullable`` overrides the field's own flag (the union of files decides it).
    """
    return _column(field, field.name, stats or {}, nullable)


def leaf_targets(schema: pa.Schema) -> list[tuple[str, str] | None]:
    """For each Parquet leaf column, in file order, ``(top-level column, catalog path)`` that
    gets its statistics.

    ``None`` marks leaves whose statistics describe no catalog column on their own: map keys
    and map values that are not structs.
    """
    out: list[tuple[str, str] | None] = []
    top = ""

    def visit(t: pa.DataType, path: str | None) -> None:
        t = _unwrap(t)
        if pa.types.is_struct(t):
            for f in t:
                visit(f.type, None if path is None else f"{path}.{f.name}")
        elif _is_list(t):
            visit(t.value_type, path)
        elif pa.types.is_map(t):
            visit(t.key_type, None)
            value = _unwrap(t.item_type)
            visit(value, path if _nested_fields(value) else None)
        else:
            out.append(None if path is None else (top, path))

    for field in schema:
        top = field.name
        visit(field.type, field.name)
    return out


# --- rendering statistics -------------------------------------------------------------------

_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_DAY = _dt.date(1970, 1, 1).toordinal()

#: Render kinds whose min/max make sense for a catalog type; anything else drops min/max.
_RENDER_FOR_TYPE_PREFIX = {
    "int": ("tinyint", "smallint", "int", "bigint"),
    "float": ("float", "double"),
    "bool": ("boolean",),
    "str": ("string", "json"),
    "decimal": ("decimal",),
    "date": ("date",),
    "timestamp": ("timestamp", "timestamptz"),
    "time": ("time",),
}


def renders_as(spec: list[Any], column_type: str) -> bool:
    """Whether a leaf's raw statistics (render ``spec``) mean values of ``column_type``."""
    allowed = _RENDER_FOR_TYPE_PREFIX.get(spec[0], ())
    while column_type.startswith("array<") and column_type.endswith(">"):
        column_type = column_type[6:-1]  # an array of primitives carries its elements' range
    base = column_type.split("(", 1)[0]
    return base in allowed


def _fraction(nanos: int) -> str:
    if not nanos:
        return ""
    digits = f"{nanos:09d}"
    for width in (3, 6):
        if digits[width:] == "0" * (9 - width):
            return "." + digits[:width]
    return "." + digits


def render_value(value: Any, spec: list[Any]) -> str | None:
    """A statistic as the catalog shows it: ISO dates and times, plain decimals.

    Returns ``None`` for values no calendar can show (dates beyond year 9999), so a
    strange file never fails rendering.
    """
    kind, arg = spec[0], spec[1]
    try:
        if kind == "bool":
            return "true" if value else "false"
        if kind == "int":
            return str(int(value))
        if kind == "float":
            number = float(value)
            return repr(0.0 if number == 0 else number)
        if kind == "str":
            return str(value)
        if kind == "decimal":
            return f"{Decimal(int(value)).scaleb(-int(arg)):f}"
        if kind == "date":
            return _dt.date.fromordinal(_EPOCH_DAY + int(value)).isoformat()
        if kind == "timestamp":
            seconds, nanos = divmod(int(value), 1_000_000_000)
            moment = _EPOCH + _dt.timedelta(seconds=seconds)
            return moment.isoformat() + _fraction(nanos) + ("+00:00" if arg else "")
        if kind == "time":
            seconds, nanos = divmod(int(value), 1_000_000_000)
            hours, rest = divmod(seconds, 3600)
            if not 0 <= hours < 24:
                return None
            return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}" + _fraction(nanos)
    except (ValueError, OverflowError, TypeError, ArithmeticError):
        return None
    return None
