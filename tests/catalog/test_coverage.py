"""Coverage counts descriptions and owners, nested columns included."""

from __future__ import annotations

import pytest

from catalog.coverage import compute_coverage
from catalog.model import Column, Dataset


def test_coverage_counts_and_lists_missing() -> None:
    documented = Dataset(id="a", name="a", description="A", owners=("x",),
                         columns=(Column("id", "int", description="key"),))
    partial = Dataset(id="b", name="b", columns=(
        Column("s", "struct<p:int,q:int>", description="nested",
               children=(Column("p", "int", description="p"), Column("q", "int"))),))
    result = compute_coverage([partial, documented])
    assert (result.dataset_count, result.described_datasets, result.owned_datasets) == (2, 1, 1)
    assert (result.column_count, result.described_columns) == (4, 3)
    assert result.percent == pytest.approx(100 * 5 / 8)
    missing = result.to_dict()["missing"]
    assert missing == [{"dataset": "b", "description": True, "owners": True, "columns": ["s.q"]}]


def test_empty_catalog_is_fully_covered() -> None:
    assert compute_coverage([]).percent == 100.0
