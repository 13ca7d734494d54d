"""Time DATA_CATALOG.md rendering on a synthetic catalog.

Usage: ``python bench/render_docs.py [--datasets 2000] [--repeat 5]``

Builds a catalog of N datasets (about 20 columns each, every fifth one with a nested
``array<struct<...>>`` column, partitions, curated fields, lineage hops between them) and
times :func:`catalog.render.render_document` twice per run: once for a new file and once
against the file it just wrote (the ``docs --check`` path, which compares blocks to keep
the date). The best of ``--repeat`` runs is compared with the target (< 2 s for 2,000
datasets) and with a baseline measured in the same process on the same data:
``json.dumps`` of the catalog's plain-dict form (``dataclasses.asdict``, built outside
the timing). Both walk every dataset, column and hop and write a few MB of text, so the
ratio says how much the Markdown work (escaping, masking, tables) costs beyond that.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog.model import (
    Catalog,
    Column,
    ColumnStats,
    Dataset,
    DatasetStats,
    LineageHop,
    Partitioning,
    PartitionKey,
)
from catalog.render import render_document

TARGET_SECONDS_PER_2000 = 2.0

_TYPES = ("string", "bigint", "int", "double", "decimal(10,2)", "timestamp", "date", "boolean")
_EXAMPLES = ("evt_abc123", "42", "17", "3.14", "12.50", "2024-01-15T10:30:00Z", "2024-01-15", "true")
_SECTIONS = ("incoming", "exported", "internal", "internal", "graph")
_LAYERS = (None, "bronze", "silver", "gold")


def _columns(i: int) -> tuple[Column, ...]:
    cols = []
    for j in range(20):
        kind = (i + j) % len(_TYPES)
        cols.append(Column(
            name=f"col_{j}_{_TYPES[kind].split('(')[0]}",
            type=_TYPES[kind],
            nullable=j % 3 != 0,
            description=f"Column {j} of dataset {i}: values | notes <see docs> & more" if j % 2 else "",
            constraints=("primary key",) if j == 0 else (),
            example=_EXAMPLES[kind] if j % 4 else None,
            stats=ColumnStats(null_count=j, min=_EXAMPLES[kind], max=_EXAMPLES[kind]),
        ))
    cols[3] = Column("customer_email", "string", example=f"user{i}@example.com")
    if i % 5 == 0:
        cols[19] = Column(
            "items", "array<struct<product_id:string,qty:int,price:decimal(10,2)>>",
            children=(Column("product_id", "string", example="P-1001"), Column("qty", "int", example="2"),
                      Column("price", "decimal(10,2)", example="19.99")))
    return tuple(cols)


def build_catalog(n: int) -> Catalog:
    """A deterministic synthetic catalog of ``n`` datasets with lineage between them."""
    datasets = []
    hops = []
    for i in range(n):
        layer = _LAYERS[i % len(_LAYERS)]
        datasets.append(Dataset(
            id=f"parquet:lake/{layer or 'misc'}/table_{i:05d}/",
            name=f"table_{i:05d}",
            title=f"Table {i:05d}",
            kind="file set" if i % 2 else "table",
            section=_SECTIONS[i % len(_SECTIONS)],
            layer=layer,
            location=f"s3://bench-lake/{layer or 'misc'}/table_{i:05d}/",
            format="parquet",
            columns=_columns(i),
            partitioning=Partitioning(
                keys=(PartitionKey("year", "int"), PartitionKey("month", "int"), PartitionKey("day", "int")),
                style="year=YYYY/month=MM/day=DD", count=365, latest="year=2024/month=12/day=31"),
            stats=DatasetStats(files=100 + i, rows=1000 * i, bytes=1_000_000 * (i + 1)),
            properties={"compression": "snappy", "created_by": "parquet-cpp-arrow", "_cache": "x"},
            description=f"Synthetic dataset {i}.\nSecond line with *markup* and a | pipe.",
            owners=("Data platform", "Analytics"),
            update_frequency="Hourly",
            retention="1 year",
            quality_checks=("No null col_0", "Row count within 10% of yesterday"),
            tags=("bench",),
        ))
        if i:
            hops.append(LineageHop(f"table_{i - 1:05d}", f"table_{i:05d}", f"jobs/job_{i}.sql"))
        if i > 10 and i % 3 == 0:
            hops.append(LineageHop(f"table_{i - 10:05d}", f"table_{i:05d}"))
    layers = {"bronze": "Raw data.", "silver": "Cleaned data.", "gold": "Aggregates."}
    return Catalog(title="Bench Catalog", datasets=tuple(datasets), lineage=tuple(hops), layers=layers)


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=2000,
                        help="number of synthetic datasets (default 2000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs to take the best of (default 5)")
    args = parser.parse_args(argv)

    catalog = build_catalog(args.datasets)
    plain = dataclasses.asdict(catalog)
    first = render_document(catalog, today="2026-01-01", existing=None)
    again = render_document(catalog, today="2026-02-02", existing=first)
    assert again == first, "an unchanged catalog must render to the same bytes"

    new_file = _best(lambda: render_document(catalog, today="2026-01-01", existing=None), args.repeat)
    check = _best(lambda: render_document(catalog, today="2026-02-02", existing=first), args.repeat)
    baseline = _best(lambda: json.dumps(plain), args.repeat)
    target = TARGET_SECONDS_PER_2000 * args.datasets / 2000
    columns = sum(1 for ds in catalog.datasets for _ in ds.all_columns())

    print(f"catalog: {args.datasets:,} datasets, {columns:,} columns, {len(catalog.lineage):,} hops; "
          f"output {len(first.encode()):,} bytes")
    print(f"render_document (new file):      {new_file:.3f} s  (target < {target:.2f} s: "
          f"{'OK' if new_file < target else 'MISSED'})")
    print(f"render_document (existing file): {check:.3f} s  (target < {target:.2f} s: "
          f"{'OK' if check < target else 'MISSED'})")
    print(f"baseline json.dumps(asdict):     {baseline:.3f} s  "
          f"ratio render/baseline: {new_file / baseline:.1f}x")
    return 0 if max(new_file, check) < target else 1


if __name__ == "__main__":
    sys.exit(main())
