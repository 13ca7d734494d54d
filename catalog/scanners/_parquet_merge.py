"""Merge per-file footer facts into one dataset's columns, statistics and problems.

No I/O: plain per-file facts and schema records in, model values and problem tuples out.
The scanner calls it after a full read and after an incremental one alike, so a cached
re-scan produces exactly what a fresh scan would.

Rules a reader of the catalog relies on:
* files are taken in sorted path order, so every choice below is deterministic;
* a column missing from some files is nullable, and those files' rows count as its nulls;
* a column whose type differs between files keeps the type of the first file, and a
  warning names both types and one file of each; min/max then come only from files of
  the kept type (other values are not comparable), null counts are unknown.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple, Sequence

import pyarrow as pa

from catalog.model import Column, ColumnStats, DatasetStats, Partitioning
from catalog.scanners._parquet_footer import FileFacts, SchemaRecord
from catalog.scanners._parquet_partitions import infer_partitioning, partition_columns
from catalog.scanners._parquet_schema import (
    catalog_type, column_from_field, leaf_targets, render_value, renders_as,
)

#: ``(severity, message, path)``; the scanner adds the source label.
ProblemTuple = tuple[str, str, str]


class FileResult(NamedTuple):
    """One listed file and what reading its footer gave: its schema ``digest`` or an ``error``.

    A named tuple, not a dataclass: a scan builds one per file, and the statistics live
    in per-schema aggregates, not here.
    """

    rel: str  # relative to the dataset root, for partitions and messages
    size: int
    mtime_ns: int
    digest: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class MergedParts:
    """The scanned parts of a Dataset (problems travel beside it)."""

    columns: tuple[Column, ...]
    stats: DatasetStats
    properties: dict[str, str]
    partitioning: Partitioning | None


_SCHEMA_MEMO: dict[str, pa.Schema] = {}


def _schema(digest: str, record: SchemaRecord) -> pa.Schema:
    """Deserialise a schema once per process: many scans share few schemas."""
    schema = _SCHEMA_MEMO.get(digest)
    if schema is None:
        if len(_SCHEMA_MEMO) > 512:
            _SCHEMA_MEMO.clear()
        schema = pa.ipc.read_schema(pa.py_buffer(record.arrow))
        _SCHEMA_MEMO[digest] = schema
    return schema


@dataclass(slots=True)
class _Group:
    """Files sharing one schema: their merged facts and the first file in sorted order."""

    digest: str
    schema: pa.Schema
    leaves: list[list[Any]]
    targets: list[tuple[str, str] | None]
    facts: FileFacts
    first_file: str
    files: int


@dataclass(slots=True)
class _Kept:
    field: pa.Field
    type: str
    first_file: str
    nullable: bool
    files_with: int = 0
    rows_with: int = 0
    conflict: bool = False


def _iso_utc(mtime_ns: int) -> str | None:
    """Seconds-precision ISO UTC, or ``None`` when unknown or off the calendar."""
    if mtime_ns <= 0:
        return None
    try:
        return _dt.datetime.fromtimestamp(mtime_ns // 1_000_000_000, tz=_dt.timezone.utc).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def _leaf_stats(group: _Group) -> list[tuple[int | None, Any, Any, bool]]:
    """Per leaf of a schema group: (null sum or None, min, max, range unknown?)."""
    _, _, _, nulls, mins, maxs, unknown = group.facts
    return [(nulls[j], mins[j], maxs[j], bool(unknown >> j & 1)) for j in range(len(nulls))]


def _union(groups: list[_Group], good_files: int, problems: list[ProblemTuple]) -> dict[str, _Kept]:
    kept: dict[str, _Kept] = {}
    warned: set[tuple[str, str]] = set()
    for group in groups:
        for fld in group.schema:
            type_ = catalog_type(fld.type)
            entry = kept.get(fld.name)
            if entry is None:
                entry = kept[fld.name] = _Kept(field=fld, type=type_, first_file=group.first_file,
                                               nullable=fld.nullable)
            elif type_ != entry.type:
                entry.conflict = True
                if (fld.name, type_) not in warned:
                    warned.add((fld.name, type_))
                    problems.append((
                        "warning",
                        f"column '{fld.name}' has type {entry.type} in {entry.first_file} but {type_} in "
                        f"{group.first_file}; keeping {entry.type}",
                        group.first_file,
                    ))
            entry.nullable = entry.nullable or fld.nullable
            entry.files_with += group.files
            entry.rows_with += group.facts[1]
    for entry in kept.values():
        if entry.files_with < good_files:
            entry.nullable = True
    return kept


def _column_stats(groups: list[_Group], kept: dict[str, _Kept], total_rows: int) -> dict[str, ColumnStats]:
    """Statistics per catalog path, merged over the schema groups that agree on the type."""
    types_at: dict[str, str] = {}
    for k in kept.values():
        for path, col in column_from_field(k.field).walk():
            types_at.setdefault(path, col.type)
    acc: dict[str, list[Any]] = {}  # path -> [top, nulls, low, high, unknown, spec]
    for group in groups:
        same_type = {fld.name for fld in group.schema if catalog_type(fld.type) == kept[fld.name].type}
        for (null_sum, low, high, unknown), target, spec in zip(_leaf_stats(group), group.targets,
                                                                 group.leaves):
            if target is None:
                continue
            top, path = target
            if path not in types_at or top not in same_type:
                continue  # another type for this column: its values do not compare with the kept ones
            entry = acc.get(path)
            if entry is None:
                acc[path] = [top, null_sum, low, high, unknown, spec]
                continue
            entry[1] = None if entry[1] is None or null_sum is None else entry[1] + null_sum
            if spec != entry[5]:
                entry[4] = True
                continue
            entry[4] = entry[4] or unknown
            if low is not None and (entry[2] is None or low < entry[2]):
                entry[2] = low
            if high is not None and (entry[3] is None or high > entry[3]):
                entry[3] = high
    out: dict[str, ColumnStats] = {}
    for path, (top, nulls, low, high, unknown, spec) in acc.items():
        column = kept[top]
        if column.conflict:
            nulls = None
        elif nulls is not None:
            nulls += total_rows - column.rows_with  # rows of files without the column are its nulls
        show = not unknown and renders_as(spec, types_at[path])
        out[path] = ColumnStats(
            null_count=nulls,
            min=render_value(low, spec) if show and low is not None else None,
            max=render_value(high, spec) if show and high is not None else None,
        )
    return out


def merge(files: Sequence[FileResult], aggregates: dict[str, FileFacts], schemas: dict[str, SchemaRecord], *,
          partitioned: bool, display: Callable[[str], str]) -> tuple[MergedParts | None, list[ProblemTuple]]:
    """Merge sorted per-file results into dataset parts (``None`` when no file could be read)
    and the problems to report.

    ``aggregates`` holds the merged facts of all files per schema digest. ``display``
    turns a relative path into the path shown to the user. ``partitioned`` is false for
    a single file, whose parent folders are not a partition layout of this dataset.
    """
    problems: list[ProblemTuple] = []
    by_digest: dict[str, _Group] = {}
    good_rels: list[str] = []
    newest = 0
    total_bytes = 0
    for f in files:
        if f.error is not None:
            shown = display(f.rel)
            problems.append(("error", f.error, shown))
            continue
        group = by_digest.get(f.digest)  # type: ignore[arg-type]
        if group is None:
            digest = f.digest or ""
            try:
                record = schemas[digest]
                schema = _schema(digest, record)
                targets = leaf_targets(schema)
            except (KeyError, pa.ArrowException, ValueError, TypeError) as exc:  # workers check; be sure
                reason = f"unsupported Parquet schema ({type(exc).__name__})"
                problems.append(("error", reason, display(f.rel)))
                continue
            if len(targets) != len(record.leaves):  # not a schema Arrow wrote: no stats mapping
                targets = [None] * len(record.leaves)
            group = by_digest[digest] = _Group(digest, schema, record.leaves, targets, aggregates[digest],
                                               display(f.rel), 0)
        group.files += 1
        good_rels.append(f.rel)
        total_bytes += f.size
        if f.mtime_ns > newest:
            newest = f.mtime_ns
    if not good_rels:
        return None, problems
    groups = list(by_digest.values())
    total_rows = sum(g.facts[1] for g in groups)
    kept = _union(groups, len(good_rels), problems)
    stats = _column_stats(groups, kept, total_rows)
    columns = tuple(column_from_field(k.field, stats, nullable=k.nullable) for k in kept.values())
    partitioning = None
    if partitioned:
        partitioning, nullable, warnings = infer_partitioning(good_rels, display)
        problems.extend(("warning", w, "") for w in warnings)
        if partitioning is not None:
            columns += partition_columns(partitioning, nullable, kept)
    codecs = sorted({c for g in groups for c in g.facts[2].split(",") if c})
    parts = MergedParts(
        columns=columns,
        stats=DatasetStats(files=len(good_rels), rows=total_rows, bytes=total_bytes,
                           last_modified=_iso_utc(newest)),
        properties={"compression": ",".join(codecs)} if codecs else {},
        partitioning=partitioning,
    )
    return parts, problems
