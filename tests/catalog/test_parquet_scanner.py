"""The Parquet scanner on small lakes built with pyarrow in tmp_path."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from catalog.model import Column, ColumnStats, Dataset, PartitionKey
from catalog.report import ScanReport
from catalog.scanners import get_scanner
from catalog.scanners._parquet_files import glob_regex, split_glob
from catalog.scanners._parquet_partitions import infer_partitioning, infer_type
from catalog.scanners._parquet_schema import catalog_type, render_value
from catalog.scanners.base import ScanContext, SourceSpec
from catalog.scanners.parquet import plan_workers, scan
from catalog.types import parse_type

#: Files get an mtime this far in the past so the cache trusts them (files written within
#: the filesystem clock's granularity of a scan are always re-read; see test_racy_*).
_OLD_NS = 1_700_000_000 * 1_000_000_000


def write(path: Path, table: pa.Table, **kwargs: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **kwargs)
    return path


def age(root: Path, offset_ns: int = 0, only: tuple[Path, ...] = ()) -> None:
    """Give files and folders under ``root`` (or just ``only``) distinct mtimes well in the
    past, as in a lake written some time ago."""
    for i, path in enumerate(sorted([root, *root.rglob("*")])):
        if not only or path in only:
            stamp = _OLD_NS + offset_ns + i * 1_000_003
            os.utime(path, ns=(stamp, stamp))


def run(tmp_path: Path, path: str, *, cache: bool = False, workers: int | None = 1, **spec: object,
        ) -> tuple[list[Dataset], ScanReport]:
    report = ScanReport()
    context = ScanContext(base_dir=tmp_path, cache_dir=tmp_path / ".cache" if cache else None,
                          workers=workers)
    datasets = scan(SourceSpec(kind="parquet", options={"path": path}, **spec), report=report,
                    context=context)
    return list(datasets), report


def events(n: int = 3, offset: int = 0) -> pa.Table:
    return pa.table({
        "event_id": pa.array([f"e{offset + i}" for i in range(n)], pa.string()),
        "amount": pa.array([Decimal(offset + i) / 4 for i in range(n)], pa.decimal128(10, 2)),
    })


def messages(report: ScanReport) -> list[str]:
    return [str(p) for p in report.problems]


# --- schema -----------------------------------------------------------------------------------

def test_nested_types_become_catalog_types_with_children_and_leaf_stats(tmp_path: Path) -> None:
    item = pa.struct([pa.field("product_id", pa.string(), nullable=False), ("price", pa.decimal128(10, 2)),
                      ("qty", pa.int32())])
    schema = pa.schema([
        pa.field("order_id", pa.string(), nullable=False),
        ("customer", pa.struct([("id", pa.int64()), ("segment", pa.string())])),
        ("items", pa.list_(item)),
        ("attributes", pa.map_(pa.string(), pa.string())),
        ("total", pa.decimal128(10, 2)),
        ("created_at", pa.timestamp("us")),
        ("shipped_at", pa.timestamp("ms", tz="UTC")),
        ("order_date", pa.date32()),
        ("tags", pa.list_(pa.string())),
        ("flag", pa.bool_()),
        ("small", pa.int8()),
        ("ratio", pa.float32()),
        ("blob", pa.binary()),
    ])
    table = pa.table({
        "order_id": ["o1", "o2"],
        "customer": [{"id": 7, "segment": "vip"}, None],
        "items": [[{"product_id": "p1", "price": Decimal("9.99"), "qty": 2},
                   {"product_id": "p2", "price": Decimal("-1.50"), "qty": 1}], []],
        "attributes": [[("k", "v")], None],
        "total": [Decimal("19.98"), None],
        "created_at": [dt.datetime(2025, 1, 5, 12, 0, 0, 123000), dt.datetime(2024, 12, 31)],
        "shipped_at": [dt.datetime(2025, 1, 6, tzinfo=dt.timezone.utc), None],
        "order_date": [dt.date(2025, 1, 5), dt.date(2024, 12, 31)],
        "tags": [["a", "b"], ["c"]],
        "flag": [True, False],
        "small": [1, -3],
        "ratio": [0.5, 0.0],
        "blob": [b"x", b"y"],
    }, schema=schema)
    write(tmp_path / "orders.parquet", table)

    (ds,), report = run(tmp_path, "orders.parquet")
    assert report.problems == []
    types = {c.name: c.type for c in ds.columns}
    assert types == {
        "order_id": "string",
        "customer": "struct<id:bigint,segment:string>",
        "items": "array<struct<product_id:string,price:decimal(10,2),qty:int>>",
        "attributes": "map<string,string>",
        "total": "decimal(10,2)",
        "created_at": "timestamp",
        "shipped_at": "timestamptz",
        "order_date": "date",
        "tags": "array<string>",
        "flag": "boolean",
        "small": "tinyint",
        "ratio": "float",
        "blob": "binary",
    }
    # struct type strings round-trip through the shared type parser, children included
    for column in ds.columns:
        parsed, children = parse_type(column.type)
        assert parsed == column.type
        assert [(c.name, c.type) for c in children] == [(c.name, c.type) for c in column.children]

    assert ds.column("order_id").nullable is False
    assert ds.column("total").nullable is True
    assert ds.column("items.product_id").nullable is False
    assert [c.name for c in ds.column("items").children] == ["product_id", "price", "qty"]

    assert ds.column("order_id").stats == ColumnStats(0, "o1", "o2")
    assert ds.column("total").stats == ColumnStats(1, "19.98", "19.98")
    # the empty list is one null slot at the leaf level
    assert ds.column("items.price").stats == ColumnStats(1, "-1.50", "9.99")
    assert ds.column("items.qty").stats.min == "1"
    assert ds.column("items").stats is None  # statistics live on leaves
    assert ds.column("customer.segment").stats == ColumnStats(1, "vip", "vip")
    assert ds.column("created_at").stats == ColumnStats(0, "2024-12-31T00:00:00", "2025-01-05T12:00:00.123")
    assert ds.column("shipped_at").stats.max == "2025-01-06T00:00:00+00:00"
    assert ds.column("order_date").stats == ColumnStats(0, "2024-12-31", "2025-01-05")
    assert ds.column("tags").stats == ColumnStats(0, "a", "c")  # array of primitives: element range
    assert ds.column("flag").stats == ColumnStats(0, "false", "true")
    assert ds.column("small").stats == ColumnStats(0, "-3", "1")
    assert ds.column("ratio").stats == ColumnStats(0, "0.0", "0.5")
    assert ds.column("blob").stats == ColumnStats(0, None, None)  # byte order means nothing to a reader
    assert ds.column("attributes").stats is None  # map keys/values are not columns of their own


def test_dataset_fields_for_a_single_file(tmp_path: Path) -> None:
    write(tmp_path / "data" / "customer-events.snappy.parquet", events(4))
    (ds,), report = run(tmp_path, "data/customer-events.snappy.parquet")
    assert report.problems == []
    assert ds.id == "parquet:data/customer-events.snappy.parquet"
    assert ds.name == "customer-events.snappy"
    assert (ds.kind, ds.format, ds.source) == ("file set", "Parquet", "parquet")
    assert (ds.section, ds.layer) == ("internal", None)
    assert ds.location == "data/customer-events.snappy.parquet"
    assert ds.partitioning is None
    assert ds.stats.files == 1 and ds.stats.rows == 4
    assert ds.stats.bytes == (tmp_path / "data" / "customer-events.snappy.parquet").stat().st_size
    assert ds.properties == {"compression": "snappy"}
    assert str(tmp_path) not in repr(ds)  # nothing machine-specific in the dataset


def test_names_layers_sections_and_options(tmp_path: Path) -> None:
    write(tmp_path / "lake" / "Gold" / "daily_sales" / "part-0.parquet", events())
    (ds,), _ = run(tmp_path, "lake/Gold/daily_sales/")
    assert ds.name == "daily_sales" and ds.layer == "gold" and ds.id == "parquet:lake/Gold/daily_sales/"
    (ds,), _ = run(tmp_path, "lake/Gold/daily_sales", name="sales", section="exported", layer="silver")
    assert (ds.name, ds.section, ds.layer) == ("sales", "exported", "silver")


def test_compression_codecs_are_sorted_and_joined(tmp_path: Path) -> None:
    write(tmp_path / "t" / "a.parquet", events(), compression="zstd")
    write(tmp_path / "t" / "b.parquet", events(), compression={"event_id": "gzip", "amount": "snappy"})
    (ds,), _ = run(tmp_path, "t")
    assert ds.properties["compression"] == "gzip,snappy,zstd"


def test_statistics_merge_over_row_groups_and_files(tmp_path: Path) -> None:
    write(tmp_path / "t" / "a.parquet", pa.table({"x": [5, None, 9, 1], "s": ["m", "b", None, "q"]}),
          row_group_size=2)
    write(tmp_path / "t" / "b.parquet", pa.table({"x": pa.array([None, None], pa.int64()), "s": [None, "z"]}))
    (ds,), _ = run(tmp_path, "t")
    assert ds.stats.rows == 6
    assert ds.column("x").stats == ColumnStats(3, "1", "9")
    assert ds.column("s").stats == ColumnStats(2, "b", "z")


def test_nanosecond_timestamps_and_unsigned_ints_keep_their_order(tmp_path: Path) -> None:
    table = pa.table({
        "ts": pa.array([1, 1_700_000_000_123_456_789], pa.timestamp("ns")),
        "u": pa.array([3, 2**64 - 2], pa.uint64()),
    })
    (ds,), _ = run(tmp_path, write(tmp_path / "x.parquet", table).name)
    assert ds.column("ts").stats == ColumnStats(0, "1970-01-01T00:00:00.000000001",
                                                "2023-11-14T22:13:20.123456789")
    assert ds.column("u").stats == ColumnStats(0, "3", str(2**64 - 2))


# --- partitions ---------------------------------------------------------------------------------

def test_hive_partitions_types_style_count_and_latest(tmp_path: Path) -> None:
    root = tmp_path / "lake" / "bronze" / "events"
    days = [(2024, 12, 31), (2025, 1, 5), (2025, 1, 5), (2025, 1, 10), (2025, 2, 1)]
    for i, (y, m, d) in enumerate(days):
        write(root / f"year={y}" / f"month={m:02d}" / f"day={d:02d}" / f"part-{i}.parquet", events(2, i * 2))
    (root / "_SUCCESS").write_bytes(b"")
    (root / "year=2025" / "._part.parquet.crc").write_bytes(b"crc")
    (root / "_temporary" / "0").mkdir(parents=True)
    (root / "_temporary" / "0" / "x.parquet").write_bytes(b"partial write")

    (ds,), report = run(tmp_path, "lake/bronze/events")
    assert report.problems == []
    assert ds.name == "events" and ds.layer == "bronze"
    p = ds.partitioning
    assert p.keys == (PartitionKey("year", "int"), PartitionKey("month", "int"), PartitionKey("day", "int"))
    assert p.style == "year=YYYY/month=MM/day=DD"
    assert p.count == 4
    assert p.latest == "year=2025/month=02/day=01"  # by value, and as written on disk
    assert ds.stats.files == 5 and ds.stats.rows == 10
    assert [c.name for c in ds.columns] == ["event_id", "amount", "year", "month", "day"]
    year = ds.column("year")
    assert (year.type, year.nullable, year.constraints) == ("int", False, ("partition key",))


def test_partition_values_are_compared_as_typed_values(tmp_path: Path) -> None:
    for hour in (2, 10, 9):
        write(tmp_path / "t" / f"hour={hour}" / "a.parquet", events())
    (ds,), _ = run(tmp_path, "t")
    assert ds.partitioning.latest == "hour=10"  # 10 > 9 as numbers, not as text
    assert ds.partitioning.style == "hour=HH"


def test_date_string_and_null_partitions(tmp_path: Path) -> None:
    write(tmp_path / "t" / "dt=2025-01-01" / "region=eu" / "a.parquet", events())
    write(tmp_path / "t" / "dt=2025-01-02" / "region=us%2Deast" / "a.parquet", events())
    write(tmp_path / "t" / "dt=2025-01-02" / "region=__HIVE_DEFAULT_PARTITION__" / "a.parquet", events())
    (ds,), _ = run(tmp_path, "t")
    p = ds.partitioning
    assert p.keys == (PartitionKey("dt", "date"), PartitionKey("region", "string"))
    assert p.style == "dt=YYYY-MM-DD/region={region}"
    assert p.count == 3
    assert p.latest == "dt=2025-01-02/region=us%2Deast"
    assert ds.column("dt").nullable is False
    assert ds.column("region").nullable is True


def test_partition_key_already_in_the_files_is_not_added_again(tmp_path: Path) -> None:
    write(tmp_path / "t" / "Country=DE" / "a.parquet", pa.table({"country": ["DE"], "v": [1]}))
    (ds,), _ = run(tmp_path, "t")
    assert [c.name for c in ds.columns] == ["country", "v"]
    assert ds.partitioning.keys == (PartitionKey("Country", "string"),)


def test_inconsistent_partition_layout_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "t" / "year=2025" / "month=01" / "a.parquet", events())
    write(tmp_path / "t" / "year=2025" / "b.parquet", events())
    (ds,), report = run(tmp_path, "t")
    assert any("inconsistent partition folders" in m and "t/year=2025/b.parquet" in m
               for m in messages(report))
    assert ds.column("month").nullable is True


def test_partition_inference_helpers() -> None:
    assert infer_type(["1", "02", "-3"]) == "int"
    assert infer_type(["1", str(2**40)]) == "bigint"
    assert infer_type(["2025-01-01", "2024-02-29"]) == "date"
    assert infer_type(["2025-02-30"]) == "string"
    assert infer_type(["1", "x"]) == "string"
    assert infer_type([None]) == "string"
    assert infer_partitioning(["a.parquet", "b/c.parquet"]) == (None, {}, [])


# --- several files ----------------------------------------------------------------------------

def test_schema_union_missing_columns_and_type_conflict(tmp_path: Path) -> None:
    write(tmp_path / "t" / "a.parquet", pa.table({"id": pa.array([1, 2], pa.int64()),
                                                  "name": pa.array(["x", None])}))
    write(tmp_path / "t" / "b.parquet", pa.table({"id": pa.array([3], pa.int64()), "extra": [1.5]}))
    write(tmp_path / "t" / "c.parquet", pa.table({"id": pa.array(["7"]), "name": ["z"]}))
    write(tmp_path / "t" / "d.parquet", pa.table({"id": pa.array(["8"])}))

    (ds,), report = run(tmp_path, "t")
    assert [(c.name, c.type) for c in ds.columns] == [("id", "bigint"), ("name", "string"),
                                                      ("extra", "double")]
    assert ds.column("extra").nullable is True
    assert ds.column("name").stats == ColumnStats(null_count=3, min="x", max="z")  # 1 null + rows of b and d
    assert ds.column("extra").stats.null_count == 4  # missing from a, c and d (2 + 1 + 1 rows)
    # min/max only from files of the kept type; null counts are unknown across types
    assert ds.column("id").stats == ColumnStats(None, "1", "3")
    assert len(report.warnings) == 1  # one warning per column and type, not per file
    (warning,) = report.warnings
    assert warning.path == "t/c.parquet"
    for expected in ("'id'", "bigint", "string", "t/a.parquet", "t/c.parquet", "keeping bigint"):
        assert expected in warning.message


def test_corrupt_and_truncated_files_are_reported_and_skipped(tmp_path: Path) -> None:
    good = write(tmp_path / "t" / "part-1.parquet", events(5))
    (tmp_path / "t" / "part-2.parquet").write_bytes(b"this is not parquet at all")
    (tmp_path / "t" / "part-3.parquet").write_bytes(good.read_bytes()[:-30])
    (tmp_path / "t" / "part-4.parquet").write_bytes(b"PAR1")
    broken = bytearray(good.read_bytes())
    footer_start = len(broken) - 8 - int.from_bytes(broken[-8:-4], "little")
    broken[footer_start:footer_start + 40] = b"\xff" * 40
    (tmp_path / "t" / "part-5.parquet").write_bytes(bytes(broken))
    encrypted = bytearray(good.read_bytes())
    encrypted[-4:] = b"PARE"
    (tmp_path / "t" / "part-6.parquet").write_bytes(bytes(encrypted))

    (ds,), report = run(tmp_path, "t")
    assert ds.stats.files == 1 and ds.stats.rows == 5
    errors = {p.path: p.message for p in report.errors}
    assert set(errors) == {f"t/part-{i}.parquet" for i in (2, 3, 4, 5, 6)}
    assert errors["t/part-2.parquet"] == "not a Parquet file (no PAR1 magic at the end)"
    assert errors["t/part-3.parquet"].startswith("truncated Parquet file")
    assert errors["t/part-4.parquet"] == "not a Parquet file (only 4 bytes)"
    assert errors["t/part-5.parquet"].startswith("corrupt Parquet")
    assert errors["t/part-6.parquet"] == "encrypted Parquet footer (not supported)"
    for problem in report.errors:
        assert problem.source == "parquet t"
        assert "Traceback" not in problem.message and str(tmp_path) not in problem.message


def test_only_corrupt_files_give_errors_and_no_dataset(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.parquet").write_bytes(b"\x00" * 100)
    datasets, report = run(tmp_path, "t")
    assert datasets == [] and len(report.errors) == 1


def test_empty_folder_missing_path_and_bad_option(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "_SUCCESS").write_bytes(b"")
    (tmp_path / "empty" / "notes.txt").write_text("hi")
    datasets, report = run(tmp_path, "empty")
    assert datasets == [] and report.errors == []
    assert [w.message for w in report.warnings] == ["no Parquet files in empty"]

    datasets, report = run(tmp_path, "nowhere/events")
    assert datasets == []
    assert [(e.message, e.path) for e in report.errors] == [
        ("path not found: nowhere/events", "nowhere/events")]

    datasets, report = run(tmp_path, "nowhere/*.parquet")
    assert datasets == [] and "path not found" in report.errors[0].message

    report = ScanReport()
    assert scan(SourceSpec(kind="parquet", options={"path": 3}, origin="catalog.yaml:4:5"), report=report,
                context=ScanContext(base_dir=tmp_path)) == []
    assert report.errors[0].path == "catalog.yaml:4:5"


def test_zero_row_file_gives_its_schema(tmp_path: Path) -> None:
    write(tmp_path / "t" / "empty.parquet", events(0))
    (ds,), report = run(tmp_path, "t")
    assert report.problems == []
    assert ds.stats.rows == 0 and ds.stats.files == 1
    assert [(c.name, c.type) for c in ds.columns] == [("event_id", "string"), ("amount", "decimal(10,2)")]
    assert ds.column("amount").stats in (None, ColumnStats(0, None, None))


def test_glob_selects_files_and_folders(tmp_path: Path) -> None:
    for region in ("eu", "us", "apac"):
        for year in (2024, 2025):
            write(tmp_path / "lake" / "silver" / region / f"year={year}" / "a.parquet", events(1))
    write(tmp_path / "lake" / "other" / "x.pq", events(1))

    (ds,), report = run(tmp_path, "lake/silver/*/year=2025/*.parquet")
    assert report.problems == []
    assert ds.name == "silver" and ds.id == "parquet:lake/silver/*/year=2025/*.parquet"
    assert ds.stats.files == 3

    (ds,), _ = run(tmp_path, "lake/silver/[ea]*")  # folders matched: everything under them
    assert ds.stats.files == 4
    assert ds.partitioning.count == 2  # year=2024, year=2025

    (ds,), _ = run(tmp_path, "lake/**/*.pq")
    assert ds.stats.files == 1

    datasets, report = run(tmp_path, "lake/silver/*/year=2030/*.parquet")
    assert datasets == [] and report.warnings[0].message.startswith("no Parquet files match")


def test_glob_helpers() -> None:
    assert split_glob("lake/silver/*/x.parquet") == ("lake/silver", "*/x.parquet")
    assert split_glob("*.parquet") == ("", "*.parquet")
    regex = glob_regex("year=202[45]/**/*.parquet")
    assert regex.fullmatch("year=2024/a.parquet") and regex.fullmatch("year=2025/m=1/d=2/a.parquet")
    assert not regex.fullmatch("year=2023/a.parquet")
    assert not glob_regex("*.parquet").fullmatch("sub/a.parquet")
    assert glob_regex("[!a]?.pq").fullmatch("bc.pq") and not glob_regex("[!a]?.pq").fullmatch("ab.pq")


def test_wide_file_whose_footer_is_larger_than_the_first_read(tmp_path: Path) -> None:
    table = pa.table({f"column_{i:04d}": pa.array([i, None], pa.int64()) for i in range(1500)})
    path = write(tmp_path / "wide.parquet", table)
    data = path.read_bytes()
    assert int.from_bytes(data[-8:-4], "little") > 64 * 1024  # the footer needs a second read
    (ds,), report = run(tmp_path, "wide.parquet")
    assert report.problems == [] and len(ds.columns) == 1500
    assert ds.column("column_1499").stats == ColumnStats(1, "1499", "1499")


def test_folder_named_like_a_parquet_file_is_searched(tmp_path: Path) -> None:
    write(tmp_path / "lake" / "events.parquet" / "part-0.parquet", events(2))
    (ds,), report = run(tmp_path, "lake")
    assert report.problems == [] and ds.stats.files == 1


def test_registry_finds_the_scanner() -> None:
    assert get_scanner("parquet") is scan


# --- parallel ---------------------------------------------------------------------------------

def test_parallel_reading_gives_the_same_dataset_as_sequential(tmp_path: Path) -> None:
    root = tmp_path / "lake" / "events"
    for i in range(300):
        table = events(2, i) if i % 50 else pa.table({"event_id": [f"x{i}"], "extra": [i]})
        write(root / f"day={i // 10:02d}" / f"part-{i:03d}.parquet", table)
    (root / "day=03" / "bad.parquet").write_bytes(b"garbage" * 10)
    assert plan_workers(301, 2) == 2  # the parallel path really runs below
    assert plan_workers(301, 1) == 1 and plan_workers(10, None, cpus=8) == 1

    progress: list[tuple[int, int | None]] = []
    report_seq, report_par = ScanReport(), ScanReport()
    sequential = scan(SourceSpec(kind="parquet", options={"path": "lake/events"}), report=report_seq,
                      context=ScanContext(base_dir=tmp_path, workers=1))
    parallel = scan(SourceSpec(kind="parquet", options={"path": "lake/events"}), report=report_par,
                    context=ScanContext(base_dir=tmp_path, workers=2,
                                        progress=lambda d, done, total: progress.append((done, total))))
    assert parallel == sequential
    assert report_par.problems == report_seq.problems and len(report_par.errors) == 1
    assert report_par.files_scanned == 301
    assert progress[0] == (0, None) and progress[-1] == (301, 301)  # total known once the walk ends
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


# --- cache --------------------------------------------------------------------------------------

def _lake(tmp_path: Path, files: int = 6) -> Path:
    root = tmp_path / "lake"
    for i in range(files):
        write(root / f"month={i % 3 + 1:02d}" / f"part-{i}.parquet", events(3, i * 3))
    age(root)
    return root


def test_cache_hit_answers_from_the_summary(tmp_path: Path) -> None:
    _lake(tmp_path)
    (fresh,), first = run(tmp_path, "lake", cache=True)
    assert (first.files_scanned, first.files_cached) == (6, 0)
    (cached,), second = run(tmp_path, "lake", cache=True)
    assert (second.files_scanned, second.files_cached) == (0, 6)
    assert cached == fresh
    (uncached,), _ = run(tmp_path, "lake", cache=False)
    assert uncached == fresh
    names = sorted(p.name.split(".", 1)[1] for p in (tmp_path / ".cache" / "parquet").iterdir())
    assert names == ["entries.json", "summary.json"]


def test_cache_replays_problems(tmp_path: Path) -> None:
    _lake(tmp_path)
    (tmp_path / "lake" / "bad.parquet").write_bytes(b"nope")
    age(tmp_path / "lake")
    _, first = run(tmp_path, "lake", cache=True)
    _, second = run(tmp_path, "lake", cache=True)
    assert second.files_cached == 7
    assert second.problems == first.problems and len(second.errors) == 1


def test_cache_rereads_only_changed_and_new_files(tmp_path: Path) -> None:
    root = _lake(tmp_path)
    run(tmp_path, "lake", cache=True)

    changed = write(root / "month=02" / "part-1.parquet",
                    pa.table({"event_id": ["zzz"], "amount": [Decimal("99.00")]}, schema=events(0).schema))
    added = write(root / "month=04" / "part-9.parquet", events(2, 100))
    (root / "month=03" / "part-2.parquet").unlink()
    age(root, offset_ns=10**12, only=(changed, added))

    (ds,), report = run(tmp_path, "lake", cache=True)
    assert (report.files_scanned, report.files_cached) == (2, 4)
    (expected,), _ = run(tmp_path, "lake")
    assert ds == expected
    assert ds.stats.files == 6 and ds.column("event_id").stats.max == "zzz"
    assert ds.partitioning.latest == "month=04"


def test_file_rewritten_in_place_is_found_without_walking_again(tmp_path: Path) -> None:
    """Rewriting a file in place leaves its folder's mtime alone: the re-scan must still
    stat every file, even when it skips reading the unchanged folders."""
    root = _lake(tmp_path)
    run(tmp_path, "lake", cache=True)
    target = root / "month=02" / "part-4.parquet"
    folder_mtime = target.parent.stat().st_mtime_ns
    write(target, pa.table({"event_id": ["in-place"], "amount": [Decimal("1.00")]}, schema=events(0).schema))
    os.utime(target.parent, ns=(folder_mtime, folder_mtime))
    age(root, offset_ns=10**12, only=(target,))

    (ds,), report = run(tmp_path, "lake", cache=True)
    assert (report.files_scanned, report.files_cached) == (1, 5)
    assert ds.column("event_id").stats.max == "in-place"
    (expected,), _ = run(tmp_path, "lake")
    assert ds == expected


def test_new_file_in_an_old_folder_is_found(tmp_path: Path) -> None:
    root = _lake(tmp_path)
    run(tmp_path, "lake", cache=True)
    added = write(root / "month=01" / "part-new.parquet", events(1, 500))
    age(root, offset_ns=10**12, only=(added, added.parent))
    (ds,), report = run(tmp_path, "lake", cache=True)
    assert (report.files_scanned, report.files_cached, ds.stats.files) == (1, 6, 7)


def test_corrupt_cache_files_are_ignored_with_a_warning_and_rebuilt(tmp_path: Path) -> None:
    _lake(tmp_path)
    (expected,), _ = run(tmp_path, "lake", cache=True)
    folder = tmp_path / ".cache" / "parquet"
    summary = next(folder.glob("*.summary.json"))
    entries = next(folder.glob("*.entries.json"))
    summary.write_text("{not json")
    entries.write_bytes(b"\x00\xff garbage")

    (ds,), report = run(tmp_path, "lake", cache=True)
    assert ds == expected
    assert (report.files_scanned, report.files_cached) == (6, 0)
    warnings = [w.message for w in report.warnings]
    assert len(warnings) == 2 and all("rebuilding it" in w for w in warnings)
    assert all(str(tmp_path) not in w for w in warnings)

    (ds,), report = run(tmp_path, "lake", cache=True)  # rebuilt: a clean hit again
    assert report.files_cached == 6 and report.problems == [] and ds == expected


def test_wellformed_json_with_wrong_content_is_also_corrupt(tmp_path: Path) -> None:
    _lake(tmp_path)
    (expected,), _ = run(tmp_path, "lake", cache=True)
    folder = tmp_path / ".cache" / "parquet"
    summary = next(folder.glob("*.summary.json"))
    entries = next(folder.glob("*.entries.json"))
    data = json.loads(summary.read_text())
    data["payload"]["parts"]["columns"] = [["x"]]
    summary.write_text(json.dumps(data))
    data = json.loads(entries.read_text())
    for entry in data["payload"]["files"].values():
        entry[2] = [1, 2]
    entries.write_text(json.dumps(data))

    (ds,), report = run(tmp_path, "lake", cache=True)
    assert ds == expected and report.files_scanned == 6 and len(report.warnings) == 2


def test_cache_from_another_version_is_rebuilt_quietly(tmp_path: Path) -> None:
    _lake(tmp_path)
    run(tmp_path, "lake", cache=True)
    for path in (tmp_path / ".cache" / "parquet").iterdir():
        data = json.loads(path.read_text())
        data["version"] = -1
        path.write_text(json.dumps(data))
    _, report = run(tmp_path, "lake", cache=True)
    assert report.problems == [] and report.files_scanned == 6


def test_racy_file_rewritten_with_same_size_and_mtime_is_reread(tmp_path: Path) -> None:
    """A file written just before a scan may change again without its mtime moving
    (coarse kernel clocks); the cache must not trust it, as git does with its index."""
    path = write(tmp_path / "t" / "a.parquet", pa.table({"v": ["aaa"]}))
    stamp = path.stat().st_mtime_ns
    run(tmp_path, "t", cache=True)
    write(path, pa.table({"v": ["bbb"]}))
    os.utime(path, ns=(stamp, stamp))

    (ds,), report = run(tmp_path, "t", cache=True)
    assert report.files_scanned == 1
    assert ds.column("v").stats.min == "bbb"


def test_cache_is_per_source(tmp_path: Path) -> None:
    _lake(tmp_path)
    shutil.copytree(tmp_path / "lake", tmp_path / "copy")
    age(tmp_path / "copy")
    run(tmp_path, "lake", cache=True)
    (ds,), report = run(tmp_path, "copy", cache=True)
    assert report.files_cached == 0 and ds.id == "parquet:copy"


def test_unwritable_cache_is_a_warning(tmp_path: Path) -> None:
    _lake(tmp_path)
    (tmp_path / ".cache").write_text("a file where the cache folder should be")
    (ds,), report = run(tmp_path, "lake", cache=True)
    assert ds.stats.files == 6
    assert [w.message for w in report.warnings if "cannot write scan cache" in w.message]


# --- pure helpers -------------------------------------------------------------------------------

@pytest.mark.parametrize(("arrow", "expected"), [
    (pa.uint64(), "bigint"), (pa.uint8(), "smallint"), (pa.float16(), "float"), (pa.large_string(), "string"),
    (pa.dictionary(pa.int32(), pa.string()), "string"), (pa.time64("us"), "time"),
    (pa.duration("s"), "interval"),
    (pa.null(), "void"), (pa.large_list(pa.int32()), "array<int>"), (pa.decimal256(40, 5), "decimal(40,5)"),
    (pa.binary(16), "binary"), (pa.date64(), "date"),
    (pa.map_(pa.string(), pa.list_(pa.struct([("a", pa.int16())]))), "map<string,array<struct<a:smallint>>>"),
])
def test_catalog_type(arrow: pa.DataType, expected: str) -> None:
    assert catalog_type(arrow) == expected


def test_render_value() -> None:
    assert render_value(-150, ["decimal", 2]) == "-1.50"
    assert render_value(12345, ["decimal", 0]) == "12345"
    assert render_value(0, ["date", 0]) == "1970-01-01"
    assert render_value(10**20, ["date", 0]) is None  # beyond any calendar: no value, no crash
    assert render_value(-1, ["timestamp", 1]) == "1969-12-31T23:59:59.999999999+00:00"
    assert render_value(3_723_000_000_000, ["time", 0]) == "01:02:03"
    assert render_value(-0.0, ["float", 0]) == "0.0"


def test_column_model_is_what_renderers_expect(tmp_path: Path) -> None:
    write(tmp_path / "x.parquet", pa.table({"a": pa.array([1], pa.int32())}))
    (ds,), _ = run(tmp_path, "x.parquet")
    assert ds.columns == (Column(name="a", type="int", nullable=True, stats=ColumnStats(0, "1", "1")),)


# --- files that crash pyarrow ---------------------------------------------------------------------

def _crashing_file(path: Path) -> None:
    """A file whose footer makes pyarrow abort the process (a C++ exception pyarrow does not
    convert): the column chunk claims physical type INT32 while the schema says INT64."""
    write(path, pa.table({"v": pa.array([1, 2, 3], pa.int64())}))
    data = path.read_bytes()
    start = len(data) - 8 - int.from_bytes(data[-8:-4], "little")
    at = data.rfind(b"\x15\x04\x19", start, len(data) - 8)  # compact Thrift: ColumnMetaData.type = INT64
    assert at > start
    path.write_bytes(data[:at + 1] + b"\x02" + data[at + 2:])


def test_a_file_that_crashes_the_reader_is_isolated_and_reported(tmp_path: Path) -> None:
    for i in range(40):
        write(tmp_path / "t" / f"p{i:02d}.parquet", events(2, i))
    _crashing_file(tmp_path / "t" / "p17.parquet")
    (ds,), report = run(tmp_path, "t")
    assert ds.stats.files == 39 and ds.stats.rows == 78
    assert [(e.path, e.message) for e in report.errors] == [
        ("t/p17.parquet", "corrupt Parquet footer (the Parquet reader crashed on it)")]


def test_crash_isolation_in_a_parallel_scan(tmp_path: Path) -> None:
    for i in range(260):
        write(tmp_path / "t" / f"p{i:03d}.parquet", events(1, i))
    _crashing_file(tmp_path / "t" / "p200.parquet")
    (ds,), report = run(tmp_path, "t", workers=2)
    assert ds.stats.files == 259
    assert [e.path for e in report.errors] == ["t/p200.parquet"]
