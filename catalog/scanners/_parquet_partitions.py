"""Hive-style partitions (``year=2025/month=01``) read from file paths alone.

Pure functions over relative paths: no disk access, so the same code serves local
folders and, later, object-store listings. Keys keep the order in which they first
appear; values are typed by what all of them look like, because a partition folder
carries no type of its own.

Example:
    >>> p, _, _ = infer_partitioning(["year=2024/month=12/a.parquet", "year=2025/month=01/b.parquet"])
    >>> p.style, p.count, p.latest
    ('year=YYYY/month=MM', 2, 'year=2025/month=01')
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence
from urllib.parse import unquote

from catalog.model import Column, PartitionKey, Partitioning

#: Hive writes null partition values as this folder value.
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"

_INT_RE = re.compile(r"^[+-]?\d+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT32 = 2**31
_CALENDAR = {"year": "YYYY", "month": "MM", "day": "DD", "hour": "HH"}


@dataclass(frozen=True, slots=True)
class PartitionInfo:
    """What the scanner needs besides the model's :class:`Partitioning`: per-key nullability."""

    partitioning: Partitioning
    nullable: dict[str, bool]


def path_partitions(rel_path: str) -> list[tuple[str, str]]:
    """``(key, raw value)`` for each ``key=value`` folder of a relative file path."""
    parts = rel_path.split("/")[:-1]
    out = []
    for part in parts:
        key, sep, value = part.partition("=")
        if sep and key:
            out.append((key, value))
    return out


def _is_date(value: str) -> bool:
    if not _DATE_RE.match(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def infer_type(values: Iterable[str | None]) -> str:
    """``int``/``bigint`` when every value is an integer, ``date`` for ISO dates, else ``string``."""
    present = [v for v in values if v is not None]
    if not present:
        return "string"
    if all(_INT_RE.match(v) for v in present):
        return "int" if all(-_INT32 <= int(v) < _INT32 for v in present) else "bigint"
    if all(_is_date(v) for v in present):
        return "date"
    return "string"


def _style(key: str, type_: str) -> str:
    if type_ in ("int", "bigint") and key.lower() in _CALENDAR:
        return f"{key}={_CALENDAR[key.lower()]}"
    if type_ == "date":
        return f"{key}=YYYY-MM-DD"
    return f"{key}={{{key}}}"


def _decode(raw: str) -> str | None:
    value = unquote(raw) if "%" in raw else raw
    return None if value == HIVE_NULL else value


def _sort_key(value: str | None, type_: str) -> tuple[int, object]:
    if value is None:
        return (0, 0)
    if type_ in ("int", "bigint"):
        return (1, int(value))
    return (1, value)  # ISO dates sort as text


def infer_partitioning(rel_paths: Sequence[str], display: Callable[[str], str] = str,
                       ) -> tuple[Partitioning | None, dict[str, bool], list[str]]:
    """Partitioning of files given relative to the dataset root, in sorted order.

    Returns ``(partitioning or None, nullable per key, warnings)``. A key missing from
    some files, or keys in a different order, is reported: readers such as Spark
    refuse such layouts, so the catalog should say so; ``display`` turns a relative path
    into the one shown in that message. Work is per distinct folder, not per file (a
    partition usually holds several files).
    """
    folders: dict[str, str] = {}  # folder -> first file in it
    for rel in rel_paths:
        folders.setdefault(rel.rpartition("/")[0], rel)
    keys: list[str] = []
    rows: list[dict[str, str]] = []
    layouts: dict[tuple[str, ...], str] = {}
    for folder, first_file in folders.items():
        pairs = path_partitions(folder + "/")
        layout = tuple(k for k, _ in pairs)
        layouts.setdefault(layout, first_file)
        for key in layout:
            if key not in keys:
                keys.append(key)
        rows.append(dict(pairs))
    if not keys:
        return None, {}, []
    warnings = []
    if len(layouts) > 1:
        (first_layout, first_file), (other_layout, other_file) = list(layouts.items())[:2]
        warnings.append(
            "inconsistent partition folders: "
            f"{'/'.join(first_layout) or '(none)'} in {display(first_file)} but "
            f"{'/'.join(other_layout) or '(none)'} in {display(other_file)}"
        )
    values: dict[str, set[str]] = {key: set() for key in keys}  # raw values seen per key
    for row in rows:
        for key, raw in row.items():
            values[key].add(raw)
    decoded = {key: {raw: _decode(raw) for raw in raws} for key, raws in values.items()}
    types = {key: infer_type(decoded[key].values()) for key in keys}
    order_of = {key: {raw: _sort_key(value, types[key]) for raw, value in decoded[key].items()} for key in keys}
    nullable = {key: len(values[key]) == 0 or None in decoded[key].values()
                or any(key not in row for row in rows) for key in keys}
    distinct = {tuple(row.get(k) for k in keys) for row in rows if row}  # files above partitions excluded
    missing = (0, 0)

    def order(raws: tuple[str | None, ...]) -> tuple[object, ...]:
        typed = tuple(missing if raw is None else order_of[k][raw] for k, raw in zip(keys, raws))
        return typed, tuple(raw or "" for raw in raws)  # ties (month=1 vs month=01): by text

    latest = max(distinct, key=order) if distinct else ()
    latest_text = "/".join(f"{k}={raw}" for k, raw in zip(keys, latest) if raw is not None)
    partitioning = Partitioning(
        keys=tuple(PartitionKey(k, types[k]) for k in keys),
        style="/".join(_style(k, types[k]) for k in keys),
        count=len(distinct),
        latest=latest_text,
    )
    return partitioning, nullable, warnings


def partition_columns(partitioning: Partitioning, nullable: dict[str, bool],
                      existing: Iterable[str]) -> tuple[Column, ...]:
    """Columns for partition keys that the files do not already contain (case-insensitive)."""
    have = {name.lower() for name in existing}
    return tuple(
        Column(name=key.name, type=key.type, nullable=nullable.get(key.name, False),
               constraints=("partition key",))
        for key in partitioning.keys
        if key.name.lower() not in have
    )
