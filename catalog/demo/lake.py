"""Where each demo table lives in the lake and how it is split into Parquet files.

The layout mirrors what the lineage SQL and ``catalog.yaml`` template say: bronze
events partitioned Hive-style by day as Kinesis Firehose would land them, silver orders
by month, everything else one file per table. Files are serialised in memory and handed
back as bytes so the caller writes them atomically (and so nothing here touches disk).

Determinism: pyarrow writes no timestamps into Parquet footers; the only version-bound
bytes are ``created_by`` (``parquet-cpp-arrow version N``) and the codec output, which
is why the guarantee is "same seed, scale and pyarrow version".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from catalog.demo.data import DemoData

_PART_FILE = "part-00000.parquet"
_MICROS_PER_DAY = 86_400_000_000

#: ``split(table) -> [(partition folder, rows)]``; ``None`` means one unpartitioned file.
Splitter = Callable[[pa.Table], list[tuple[str, pa.Table]]]


@dataclass(frozen=True, slots=True)
class LakeFile:
    """One Parquet file ready to write: its dataset, path under the workspace, bytes and rows."""

    dataset: str
    path: str  # relative POSIX path
    data: bytes
    rows: int


@dataclass(frozen=True, slots=True)
class _Placement:
    name: str
    folder: str
    compression: str
    split: Splitter | None = None


def _by_event_day(table: pa.Table) -> list[tuple[str, pa.Table]]:
    """``year=YYYY/month=MM/day=DD`` from the UTC event timestamp (integer maths: no time zone database)."""
    day_numbers = pc.divide(table["event_timestamp"].cast(pa.int64()), _MICROS_PER_DAY)
    parts = []
    for number in sorted(pc.unique(day_numbers).to_pylist()):
        day = date(1970, 1, 1) + timedelta(days=number)
        folder = f"year={day.year:04d}/month={day.month:02d}/day={day.day:02d}"
        parts.append((folder, table.filter(pc.equal(day_numbers, number))))
    return parts


def _by_order_month(table: pa.Table) -> list[tuple[str, pa.Table]]:
    """``order_month=YYYY-MM``: the one-key, string-valued partition style many Spark jobs write."""
    months = pc.add(pc.multiply(pc.year(table["order_date"]), 100), pc.month(table["order_date"]))
    parts = []
    for month in sorted(pc.unique(months).to_pylist()):
        folder = f"order_month={month // 100:04d}-{month % 100:02d}"
        parts.append((folder, table.filter(pc.equal(months, month))))
    return parts


# Bronze keeps Firehose's snappy; the curated layers use zstd (smaller, still fast to read).
_LAYOUT: tuple[_Placement, ...] = (
    _Placement("customer_events", "lake/bronze/customer_events", "snappy", _by_event_day),
    _Placement("orders", "lake/silver/orders", "zstd", _by_order_month),
    _Placement("customers", "lake/silver/customers", "zstd"),
    _Placement("products", "lake/silver/products", "zstd"),
    _Placement("brands", "lake/silver/brands", "zstd"),
    _Placement("customer_analytics", "lake/gold/customer_analytics", "zstd"),
    _Placement("product_similarity", "lake/gold/product_similarity", "zstd"),
    _Placement("customer_segments", "exports/customer_segments", "snappy"),
)


def dataset_folders() -> dict[str, str]:
    """Dataset name -> folder (relative POSIX path) for every Parquet dataset of the demo."""
    return {p.name: p.folder for p in _LAYOUT}


def lake_files(data: DemoData) -> Iterator[LakeFile]:
    """Serialise every table into its Parquet file(s), one file at a time to bound memory."""
    for placement in _LAYOUT:
        table: pa.Table = getattr(data, placement.name)
        parts = placement.split(table) if placement.split else [("", table)]
        for folder, rows in parts:
            path = "/".join(p for p in (placement.folder, folder, _PART_FILE) if p)
            yield LakeFile(placement.name, path, _parquet_bytes(rows, placement.compression), rows.num_rows)


def _parquet_bytes(table: pa.Table, compression: str) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table.combine_chunks(), sink, compression=compression)
    return sink.getvalue().to_pybytes()
