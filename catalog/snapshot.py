"""JSON snapshots of a catalog and the schema diff between two of them.

``lakemap scan --output snapshot.json`` freezes what the scanners saw; ``lakemap diff
--against snapshot.json`` compares a fresh scan with it so CI can catch a column that
was dropped, retyped or made nullable before a consumer does. The JSON is the same
shape ``scan --format json`` prints, so either output can be the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Iterable, Mapping

from catalog.model import Column, ColumnStats, Dataset, DatasetStats, PartitionKey, Partitioning

SNAPSHOT_VERSION = 1


class SnapshotError(ValueError):
    """A snapshot file that is not one lakemap wrote (wrong shape or version)."""


def dataset_to_dict(dataset: Dataset) -> dict[str, Any]:
    """Plain JSON-ready dict of a dataset; tuples become lists, empty optionals stay null."""
    return _plain(dataset)


def catalog_to_dict(datasets: Iterable[Dataset], *, problems: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The snapshot document: versioned, datasets sorted by id so files diff cleanly."""
    return {
        "lakemap_snapshot": SNAPSHOT_VERSION,
        "datasets": [dataset_to_dict(d) for d in sorted(datasets, key=lambda d: d.id)],
        "problems": list(problems),
    }


def datasets_from_dict(document: Any) -> tuple[Dataset, ...]:
    """Rebuild datasets from a snapshot document; raises :class:`SnapshotError` on a foreign file."""
    if not isinstance(document, dict) or "datasets" not in document:
        raise SnapshotError("not a lakemap snapshot (no 'datasets' list); write one with `lakemap scan --output FILE`")
    version = document.get("lakemap_snapshot")
    if version != SNAPSHOT_VERSION:
        raise SnapshotError(f"snapshot version {version!r} is not supported (expected {SNAPSHOT_VERSION})")
    try:
        return tuple(_dataset(item) for item in document["datasets"])
    except (TypeError, KeyError, AttributeError) as exc:
        raise SnapshotError(f"malformed dataset in snapshot: {exc}") from None


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    return value


def _column(data: Mapping[str, Any]) -> Column:
    stats = data.get("stats")
    return Column(
        name=data["name"],
        type=data["type"],
        nullable=bool(data.get("nullable", True)),
        description=data.get("description") or "",
        constraints=tuple(data.get("constraints") or ()),
        example=data.get("example"),
        pii=data.get("pii"),
        children=tuple(_column(c) for c in data.get("children") or ()),
        stats=ColumnStats(**stats) if stats else None,
    )


def _dataset(data: Mapping[str, Any]) -> Dataset:
    part = data.get("partitioning")
    partitioning = None
    if part:
        partitioning = Partitioning(
            keys=tuple(PartitionKey(**k) for k in part.get("keys") or ()),
            style=part.get("style") or "",
            count=part.get("count"),
            latest=part.get("latest"),
        )
    simple = {f.name for f in fields(Dataset)} - {"columns", "partitioning", "stats", "properties"}
    values = {k: data[k] for k in simple if k in data}
    for key in ("owners", "consumers", "quality_checks", "tags", "aliases"):
        if key in values:
            values[key] = tuple(values[key] or ())
    return Dataset(
        **values,
        columns=tuple(_column(c) for c in data.get("columns") or ()),
        partitioning=partitioning,
        stats=DatasetStats(**(data.get("stats") or {})),
        properties=dict(data.get("properties") or {}),
    )


@dataclass(frozen=True, slots=True)
class ColumnChange:
    """One column-level difference; ``old``/``new`` hold the type or nullability as text."""

    dataset: str
    column: str
    change: str  # added | removed | retyped | nullability
    old: str = ""
    new: str = ""

    def __str__(self) -> str:
        if self.change == "added":
            return f"+ {self.dataset}.{self.column} {self.new}"
        if self.change == "removed":
            return f"- {self.dataset}.{self.column} {self.old}"
        if self.change == "retyped":
            return f"~ {self.dataset}.{self.column} type {self.old} -> {self.new}"
        return f"~ {self.dataset}.{self.column} {self.old} -> {self.new}"


@dataclass(frozen=True, slots=True)
class SchemaDiff:
    """Differences between a baseline and a current catalog, all sorted for stable output."""

    added_datasets: tuple[str, ...] = ()
    removed_datasets: tuple[str, ...] = ()
    columns: tuple[ColumnChange, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added_datasets or self.removed_datasets or self.columns)

    def to_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "added_datasets": list(self.added_datasets),
            "removed_datasets": list(self.removed_datasets),
            "columns": [_plain(c) for c in self.columns],
        }

    def lines(self) -> list[str]:
        out = [f"+ dataset {name}" for name in self.added_datasets]
        out += [f"- dataset {name}" for name in self.removed_datasets]
        out += [str(c) for c in self.columns]
        return out


def _nullability(column: Column) -> str:
    return "nullable" if column.nullable else "not null"


def diff_datasets(baseline: Iterable[Dataset], current: Iterable[Dataset]) -> SchemaDiff:
    """Compare schemas by dataset id and dotted column path (case-insensitive for columns)."""
    old = {d.id: d for d in baseline}
    new = {d.id: d for d in current}
    changes: list[ColumnChange] = []
    for dataset_id in sorted(old.keys() & new.keys()):
        name = new[dataset_id].name
        old_cols = {path.lower(): (path, col) for path, col in old[dataset_id].all_columns()}
        new_cols = {path.lower(): (path, col) for path, col in new[dataset_id].all_columns()}
        for key in sorted(old_cols.keys() | new_cols.keys()):
            if key not in old_cols:
                path, col = new_cols[key]
                changes.append(ColumnChange(name, path, "added", new=col.type))
            elif key not in new_cols:
                path, col = old_cols[key]
                changes.append(ColumnChange(name, path, "removed", old=col.type))
            else:
                (_, before), (path, after) = old_cols[key], new_cols[key]
                if before.type != after.type:
                    changes.append(ColumnChange(name, path, "retyped", old=before.type, new=after.type))
                if before.nullable != after.nullable:
                    changes.append(ColumnChange(name, path, "nullability", old=_nullability(before),
                                                new=_nullability(after)))
    return SchemaDiff(
        added_datasets=tuple(sorted(new[i].name for i in new.keys() - old.keys())),
        removed_datasets=tuple(sorted(old[i].name for i in old.keys() - new.keys())),
        columns=tuple(changes),
    )
