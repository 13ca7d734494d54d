"""Merge hand-written metadata from catalog.yaml onto what the scanners found.

The rule is simple and one-way: people know what data *means* (titles, descriptions,
owners, examples), scanners know what it *is* (types, nullability, sizes). So curated
text wins over scanned text, and scanned facts are never overridden. A curated name that
matches nothing is a warning naming the closest real name, because a typo in
catalog.yaml would otherwise silently drop documentation.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace

from catalog.config import ColumnCuration, DatasetCuration
from catalog.model import Column, Dataset
from catalog.report import ScanReport


def merge_curations(datasets: Sequence[Dataset], curations: Sequence[DatasetCuration],
                    report: ScanReport) -> tuple[Dataset, ...]:
    """Return ``datasets`` with each matching curation applied (order kept)."""
    index = _NameIndex(datasets)
    merged = list(datasets)
    position = {d.id: i for i, d in enumerate(datasets)}
    for curation in curations:
        target = index.find(curation.key)
        if target is None:
            report.warning(f"datasets.{curation.key} matches no scanned dataset"
                           f"{_closest(curation.key, index.names())}", **_origin(curation.origin))
            continue
        i = position[target.id]
        merged[i] = _apply(merged[i], curation, report)
    return tuple(merged)


def _apply(dataset: Dataset, curation: DatasetCuration, report: ScanReport) -> Dataset:
    columns = dataset.columns
    for col in curation.columns:
        updated = _apply_column(columns, col.path.split("."), col)
        if updated is None:
            paths = [path for path, _ in dataset.all_columns()]
            report.warning(f"datasets.{curation.key}.columns.{col.path}: no such column in {dataset.name}"
                           f"{_closest(col.path, paths)}", **_origin(col.origin))
            continue
        columns = updated
    return replace(
        dataset,
        columns=columns,
        title=curation.title or dataset.title,
        description=curation.description or dataset.description,
        owners=curation.owners or dataset.owners,
        update_frequency=curation.update_frequency or dataset.update_frequency,
        retention=curation.retention or dataset.retention,
        sla=curation.sla or dataset.sla,
        consumers=curation.consumers or dataset.consumers,
        quality_checks=curation.quality_checks or dataset.quality_checks,
        tags=curation.tags or dataset.tags,
        aliases=tuple(sorted(set(dataset.aliases) | set(curation.aliases))),
        section=curation.section or dataset.section,
        layer=curation.layer or dataset.layer,
    )


def _apply_column(columns: tuple[Column, ...], path: list[str], curation: ColumnCuration
                  ) -> tuple[Column, ...] | None:
    """Columns with the one at ``path`` curated, or ``None`` when the path names no column."""
    head, rest = path[0].lower(), path[1:]
    for i, column in enumerate(columns):
        if column.name.lower() != head:
            continue
        if rest:
            children = _apply_column(column.children, rest, curation)
            if children is None:
                return None
            new = replace(column, children=children)
        else:
            new = replace(
                column,
                description=curation.description or column.description,
                example=curation.example if curation.example is not None else column.example,
                pii=curation.pii if curation.pii is not None else column.pii,
            )
        return columns[:i] + (new,) + columns[i + 1:]
    return None


class _NameIndex:
    """Find a dataset by the names people write: full name, id, or an unambiguous last part."""

    def __init__(self, datasets: Sequence[Dataset]) -> None:
        self._exact: dict[str, Dataset] = {}
        short: dict[str, list[Dataset]] = {}
        for dataset in datasets:
            self._exact.setdefault(dataset.name.lower(), dataset)
            self._exact.setdefault(dataset.id.lower(), dataset)
            short.setdefault(dataset.name.lower().rsplit(".", 1)[-1], []).append(dataset)
        self._short = {k: v[0] for k, v in short.items() if len(v) == 1}
        self._names = sorted({d.name for d in datasets})

    def find(self, key: str) -> Dataset | None:
        wanted = key.lower()
        return self._exact.get(wanted) or self._short.get(wanted)

    def names(self) -> list[str]:
        return self._names


def _closest(word: str, choices: Sequence[str]) -> str:
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.5)
    return f" (did you mean {lowered[close[0]]!r}?)" if close else ""


def _origin(origin: str) -> dict[str, object]:
    """Split ``file:line:col`` back into report fields."""
    path, line, column = (origin.rsplit(":", 2) + ["", ""])[:3] if origin.count(":") >= 2 else (origin, "", "")
    return {
        "path": path,
        "line": int(line) if line.isdigit() else None,
        "column": int(column) if column.isdigit() else None,
    }
