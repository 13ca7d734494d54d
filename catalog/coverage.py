"""Documentation coverage: how much of the catalog has descriptions and owners.

Like tbls' ``coverage``, the point is a number CI can gate on (``--fail-under``) plus the
list of exactly what is missing, so "document more" becomes a to-do list. Nested
children count as columns: ``items.price`` needs a description as much as ``items``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from catalog.model import Dataset


@dataclass(frozen=True, slots=True)
class DatasetCoverage:
    name: str
    described: bool
    owned: bool
    columns: int
    described_columns: int
    missing_columns: tuple[str, ...] = ()

    @property
    def percent(self) -> float:
        """Share of this dataset's documentable items (itself plus its columns) that are described."""
        total = 1 + self.columns
        done = int(self.described) + self.described_columns
        return 100.0 * done / total


@dataclass(frozen=True, slots=True)
class Coverage:
    datasets: tuple[DatasetCoverage, ...] = field(default_factory=tuple)

    @property
    def dataset_count(self) -> int:
        return len(self.datasets)

    @property
    def described_datasets(self) -> int:
        return sum(d.described for d in self.datasets)

    @property
    def owned_datasets(self) -> int:
        return sum(d.owned for d in self.datasets)

    @property
    def column_count(self) -> int:
        return sum(d.columns for d in self.datasets)

    @property
    def described_columns(self) -> int:
        return sum(d.described_columns for d in self.datasets)

    @property
    def percent(self) -> float:
        """Overall coverage: described datasets, owned datasets and described columns over all of them.

        An empty catalog is 100%: there is nothing left undocumented.
        """
        total = 2 * self.dataset_count + self.column_count
        if total == 0:
            return 100.0
        done = self.described_datasets + self.owned_datasets + self.described_columns
        return 100.0 * done / total

    def to_dict(self) -> dict[str, Any]:
        return {
            "percent": round(self.percent, 2),
            "datasets": {"total": self.dataset_count, "described": self.described_datasets,
                         "owned": self.owned_datasets},
            "columns": {"total": self.column_count, "described": self.described_columns},
            "missing": [
                {
                    "dataset": d.name,
                    "description": not d.described,
                    "owners": not d.owned,
                    "columns": list(d.missing_columns),
                }
                for d in self.datasets
                if not d.described or not d.owned or d.missing_columns
            ],
            "per_dataset": [
                {"dataset": d.name, "percent": round(d.percent, 2), "columns": d.columns,
                 "described_columns": d.described_columns}
                for d in self.datasets
            ],
        }


def compute_coverage(datasets: Iterable[Dataset]) -> Coverage:
    """Coverage of ``datasets``, sorted by name for stable output."""
    rows = []
    for dataset in sorted(datasets, key=lambda d: (d.name.lower(), d.id)):
        missing = tuple(path for path, col in dataset.all_columns() if not col.description.strip())
        total = sum(1 for _ in dataset.all_columns())
        rows.append(DatasetCoverage(
            name=dataset.name,
            described=bool(dataset.description.strip()),
            owned=bool(dataset.owners),
            columns=total,
            described_columns=total - len(missing),
            missing_columns=missing,
        ))
    return Coverage(tuple(rows))
