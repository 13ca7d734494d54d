"""Snapshots round-trip, and the schema diff finds every kind of change."""

from __future__ import annotations

import json

import pytest

from catalog.model import Column, ColumnStats, Dataset, DatasetStats, PartitionKey, Partitioning
from catalog.snapshot import SnapshotError, catalog_to_dict, datasets_from_dict, diff_datasets

FULL = Dataset(
    id="parquet:lake/bronze/events", name="events", source="parquet", kind="file set", section="incoming",
    layer="bronze", location="lake/bronze/events", format="Parquet",
    columns=(Column("id", "string", False, "key", ("PRIMARY KEY",), "e1", False,
                    stats=ColumnStats(0, "a", "z")),
             Column("props", "struct<page:string>", children=(Column("page", "string"),))),
    partitioning=Partitioning((PartitionKey("year", "int"),), "year=YYYY", 2, "year=2025"),
    stats=DatasetStats(3, 10, 2048, "2025-01-01T00:00:00+00:00"),
    properties={"compression": "SNAPPY"}, description="d", owners=("a", "b"), tags=("t",),
)


def test_round_trip_through_json() -> None:
    document = json.loads(json.dumps(catalog_to_dict([FULL])))
    assert datasets_from_dict(document) == (FULL,)


@pytest.mark.parametrize("document, message", [
    ([], "not a lakemap snapshot"),
    ({"datasets": []}, "snapshot version None is not supported"),
    ({"lakemap_snapshot": 1, "datasets": [{"id": "x"}]}, "malformed dataset in snapshot"),
])
def test_foreign_documents_are_rejected(document: object, message: str) -> None:
    with pytest.raises(SnapshotError, match=message):
        datasets_from_dict(document)


def test_diff_reports_every_change_kind() -> None:
    before = [
        Dataset(id="a", name="a", columns=(Column("x", "int"), Column("y", "string", nullable=False),
                                           Column("gone", "date"),
                                           Column("s", "struct<p:int>", children=(Column("p", "int"),)))),
        Dataset(id="old", name="old"),
    ]
    after = [
        Dataset(id="a", name="a", columns=(Column("x", "bigint"), Column("Y", "string", nullable=True),
                                           Column("new", "double"),
                                           Column("s", "struct<p:int>", children=(Column("p", "int"),)))),
        Dataset(id="fresh", name="fresh"),
    ]
    changes = diff_datasets(before, after)
    assert changes.changed
    assert changes.lines() == [
        "+ dataset fresh",
        "- dataset old",
        "- a.gone date",
        "+ a.new double",
        "~ a.x type int -> bigint",
        "~ a.Y not null -> nullable",
    ]
    assert changes.to_dict()["columns"][2] == {"dataset": "a", "column": "x", "change": "retyped",
                                               "old": "int", "new": "bigint"}


def test_no_change_means_unchanged() -> None:
    assert not diff_datasets([FULL], [FULL]).changed
