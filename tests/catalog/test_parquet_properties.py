"""Properties of the Parquet scanner: it never raises on bad bytes, its statistics match
the data, and its helpers agree with simple reference definitions."""

from __future__ import annotations

import fnmatch
import tempfile
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from catalog.report import ScanReport
from catalog.scanners._parquet_files import glob_regex
from catalog.scanners._parquet_partitions import infer_partitioning
from catalog.scanners._parquet_schema import catalog_type, column_from_field
from catalog.scanners.base import ScanContext, SourceSpec
from catalog.scanners.parquet import scan
from catalog.types import parse_type

_SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _scan_folder(folder: Path) -> tuple[list, ScanReport]:
    report = ScanReport()
    datasets = scan(SourceSpec(kind="parquet", options={"path": "lake"}), report=report,
                    context=ScanContext(base_dir=folder.parent, workers=1))
    return list(datasets), report


def _good_file_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.parquet"
        pq.write_table(pa.table({"id": pa.array([1, 2, None], pa.int64()), "name": ["a", None, "c"],
                                 "tags": [["x"], [], None]}), path)
        return path.read_bytes()


_GOOD = _good_file_bytes()
_FOOTER_START = len(_GOOD) - 8 - int.from_bytes(_GOOD[-8:-4], "little")


def _assert_reported_not_raised(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lake = Path(tmp) / "lake"
        lake.mkdir()
        (lake / "part-0.parquet").write_bytes(data)
        datasets, report = _scan_folder(lake)
    if datasets:
        assert datasets[0].stats.files == 1
    else:
        assert len(report.errors) == 1
        problem = report.errors[0]
        assert problem.path == "lake/part-0.parquet" and problem.message
        assert "Traceback" not in problem.message and tmp not in problem.message


@_SLOW
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    _assert_reported_not_raised(data)


@_SLOW
@given(st.binary(max_size=300))
def test_arbitrary_footer_bytes_behind_valid_framing_never_raise(footer: bytes) -> None:
    """Bytes that pass the PAR1/length checks reach pyarrow's Thrift parser."""
    _assert_reported_not_raised(b"PAR1" + footer + len(footer).to_bytes(4, "little") + b"PAR1")


@_SLOW
@given(st.lists(st.tuples(st.integers(_FOOTER_START, len(_GOOD) - 9), st.integers(0, 255)),
                min_size=1, max_size=6))
def test_damaged_footers_never_raise(flips: list[tuple[int, int]]) -> None:
    """Damage inside a real footer: thrift errors, inconsistent metadata and footers that
    make pyarrow abort all end as report errors (or, if still valid, a dataset)."""
    data = bytearray(_GOOD)
    for offset, value in flips:
        data[offset] = value
    _assert_reported_not_raised(bytes(data))


# --- statistics agree with the data -----------------------------------------------------------

def _column_of(kind: str, values: st.SearchStrategy[object]) -> st.SearchStrategy[tuple[str, list]]:
    return st.tuples(st.just(kind), st.lists(st.one_of(st.none(), values), min_size=1, max_size=8))


_values = st.one_of(
    _column_of("int", st.integers(-(2**63), 2**63 - 1)),
    _column_of("str", st.text(max_size=6)),
    _column_of("dec", st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False)),
    _column_of("date", st.dates()),
)
_ARROW = {"int": pa.int64(), "str": pa.string(), "dec": pa.decimal128(10, 2), "date": pa.date32()}


def _shown(kind: str, value: object) -> str:
    if kind == "dec":
        return f"{value:f}"
    if kind == "date":
        return value.isoformat()  # type: ignore[attr-defined]
    return str(value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_values, st.integers(1, 3), st.integers(1, 4))
def test_statistics_match_the_data(column: tuple[str, list], files: int, row_group_size: int) -> None:
    kind, values = column
    if kind == "dec":
        values = [None if v is None else Decimal(v).quantize(Decimal("0.01")) for v in values]
    with tempfile.TemporaryDirectory() as tmp:
        lake = Path(tmp) / "lake"
        parts = [values[i::files] for i in range(files)]
        for i, part in enumerate(p for p in parts if p):
            path = lake / f"part={i}" / "f.parquet"
            path.parent.mkdir(parents=True)
            pq.write_table(pa.table({"v": pa.array(part, _ARROW[kind])}), path, row_group_size=row_group_size)
        (ds,), report = _scan_folder(lake)
    assert report.problems == []
    stats = ds.column("v").stats
    present = [v for v in values if v is not None]
    assert stats.null_count == len(values) - len(present)
    assert ds.stats.rows == len(values)
    if present:
        assert (stats.min, stats.max) == (_shown(kind, min(present)), _shown(kind, max(present)))
    else:
        assert (stats.min, stats.max) == (None, None)


# --- types ------------------------------------------------------------------------------------------

_NAMES = st.text(alphabet="abcxyz_0123456789", min_size=1, max_size=6).filter(lambda s: not s[0].isdigit())
_PRIMITIVES = st.sampled_from([pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.float32(), pa.float64(),
                               pa.string(), pa.binary(), pa.bool_(), pa.date32(), pa.timestamp("us"),
                               pa.decimal128(12, 3)])


def _structs(children: st.SearchStrategy[pa.DataType]) -> st.SearchStrategy[pa.DataType]:
    fields = st.lists(st.tuples(_NAMES, children), min_size=1, max_size=4, unique_by=lambda f: f[0])
    return fields.map(pa.struct)


_TYPES = st.recursive(
    _PRIMITIVES,
    lambda children: st.one_of(
        children.map(pa.list_),
        _structs(children),
        st.tuples(st.sampled_from([pa.string(), pa.int32()]), children).map(lambda kv: pa.map_(*kv)),
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(_TYPES)
def test_type_strings_round_trip_through_the_shared_parser(arrow: pa.DataType) -> None:
    column = column_from_field(pa.field("c", arrow))
    parsed, children = parse_type(column.type)
    assert parsed == column.type == catalog_type(arrow)

    def shape(cols: tuple) -> list:
        return [(c.name, c.type, shape(c.children)) for c in cols]

    assert shape(children) == shape(column.children)


# --- partitions and globs ---------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3000), st.integers(1, 12)), min_size=1, max_size=12))
def test_partition_latest_is_the_typed_maximum(pairs: list[tuple[int, int]]) -> None:
    rels = sorted(f"year={y}/month={m:02d}/part.parquet" for y, m in pairs)
    partitioning, nullable, warnings = infer_partitioning(rels)
    assert warnings == [] and nullable == {"year": False, "month": False}
    assert partitioning.style == "year=YYYY/month=MM"
    assert partitioning.count == len(set(pairs))
    y, m = max(pairs)
    assert partitioning.latest == f"year={y}/month={m:02d}"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab*?[]!-^\\", max_size=6), st.text(alphabet="ab]![-^\\", max_size=5))
def test_glob_matches_like_fnmatch_within_one_folder(pattern: str, name: str) -> None:
    assume("/" not in pattern and pattern not in ("", "**"))
    assert (glob_regex(pattern).fullmatch(name) is not None) == fnmatch.fnmatchcase(name, pattern)

