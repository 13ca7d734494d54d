"""lineage.workspace: names matched to datasets, files found, the demo's lineage in the catalog."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from catalog.config import load_config
from catalog.demo import generate
from catalog.merge import merge_curations
from catalog.model import Column, Dataset, LineageHop
from catalog.report import ScanReport
from catalog.workspace import load_catalog, scan_sources
from lineage.workspace import (
    DatasetMatcher,
    build_graph,
    catalog_hops,
    catalog_schema,
    workspace_files,
    workspace_records,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("lineage-demo") / "shop"
    generate(target)
    return target


def _datasets(config_path: Path) -> tuple:
    config = load_config(config_path)
    report = ScanReport()
    datasets = merge_curations(scan_sources(config, report, use_cache=False), config.datasets, report)
    return config, datasets, report


DATASETS = (
    Dataset(
        id="parquet:lake/silver/orders",
        name="orders",
        layer="silver",
        columns=(Column("order_id", "string"), Column("total", "decimal(10,2)")),
    ),
    Dataset(id="sql:analytics.orders", name="analytics.orders", columns=(Column("order_id", "string"),)),
    Dataset(id="parquet:exports/segments", name="customer_segments"),
    Dataset(id="sql:Sales.Deals", name="Sales.Deals"),
    Dataset(id="sql:sales.deals", name="sales.deals"),
    Dataset(id="glue:raw.events", name="raw.events", aliases=("spectrum.clicks",)),
    Dataset(id="glue:db.files", name="db.files", location="s3://bucket/files/"),
    Dataset(id="sql:a.dup", name="a.dup"),
    Dataset(id="sql:b.dup", name="b.dup"),
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("orders", "parquet:lake/silver/orders"),  # exact name
        ("parquet:lake/silver/orders", "parquet:lake/silver/orders"),  # id
        ("ANALYTICS.ORDERS", "sql:analytics.orders"),  # case-insensitive
        ("silver.orders", "parquet:lake/silver/orders"),  # <layer>.<name>
        ("warehouse.silver.orders", None),  # qualified past the layer: not the same thing
        ("gold.orders", None),  # another layer's qualifier never matches by last part
        ("exports.customer_segments", "parquet:exports/segments"),  # unique last part, dataset unqualified
        ("Sales.Deals", "sql:Sales.Deals"),  # a quoted name keeps its case
        ("sales.deals", "sql:sales.deals"),
        ("SALES.DEALS", None),  # two datasets differ only by case: no guess
        ("spectrum.clicks", "glue:raw.events"),  # curated alias
        ("s3://bucket/files", "glue:db.files"),  # URL = location
        ("x.dup", None),  # last part shared by two datasets
        ("nowhere.table", None),
    ],
)
def test_matching_rules(name: str, expected: str | None) -> None:
    found = DatasetMatcher(DATASETS).match(name)
    assert (found.id if found else None) == expected


def test_defaults_apply_to_both_sides() -> None:
    matcher = DatasetMatcher(DATASETS, default_db="dw", default_schema="analytics")
    assert matcher.match("dw.analytics.orders").id == "sql:analytics.orders"
    assert matcher.node_name("dw.silver.orders") == "orders"
    assert matcher.node_name("customer_segments") == "customer_segments"
    unqualified = DatasetMatcher([Dataset(id="sql:daily", name="daily")], default_schema="analytics")
    assert unqualified.match("analytics.daily").id == "sql:daily"
    assert matcher.node_name("elsewhere.thing") == "elsewhere.thing"


def test_catalog_schema_lists_datasets_under_every_name() -> None:
    schema = catalog_schema(DATASETS)
    assert schema["orders"] == schema["silver.orders"] == {"order_id": "string", "total": "decimal(10,2)"}
    assert schema["analytics.orders"] == {"order_id": "string"}
    assert "raw.events" not in schema  # no columns known


def test_workspace_files_globs_folders_and_warns(tmp_path: Path) -> None:
    (tmp_path / "sql" / "deep").mkdir(parents=True)
    for name in ("sql/a.sql", "sql/deep/b.sql", "sql/notes.txt", "jobs.py"):
        (tmp_path / name).write_text("select 1", encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(
        'lineage:\n  paths: ["sql/**/*.sql", "jobs.py", "sql", "missing/*.sql"]\n', encoding="utf-8"
    )
    config = load_config(tmp_path / "catalog.yaml")
    report = ScanReport()
    files = workspace_files(config, report)
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["jobs.py", "sql/a.sql", "sql/deep/b.sql"]
    (warning,) = report.problems
    assert "'missing/*.sql' matches no files" in warning.message


def test_demo_transformations_hang_off_catalog_datasets(demo: Path) -> None:
    config, datasets, report = _datasets(demo / "catalog.yaml")
    records = workspace_records(config, datasets, report)
    assert report.errors == []
    matcher = DatasetMatcher(
        datasets, default_db=config.lineage.default_db, default_schema=config.lineage.default_schema
    )
    hops = catalog_hops(records, matcher)
    assert LineageHop("orders", "analytics.orders", "transformations/02_merge_orders.sql") in hops
    assert (
        LineageHop("customer_events", "product_similarity", "transformations/05_product_similarity.sql")
        in hops
    )
    assert (
        LineageHop("customer_analytics", "customer_segments", "transformations/03_customer_analytics.sql")
        in hops
    )
    assert (
        LineageHop("analytics.orders", "analytics.daily_revenue", "warehouse/ddl/03_reporting_views.sql")
        in hops
    )
    assert LineageHop("customer_segments", "partner.marketing_cloud", "S3 cross-account replication") in hops
    # the staging table of 02_merge_orders.sql is followed through, and a table reading itself is no hop
    assert not any("staging" in h.source or "staging" in h.target for h in hops)
    assert not any(h.source == h.target for h in hops)
    graph = build_graph(records, matcher)
    assert graph.tables.nodes["orders"]["dataset"] == "parquet:lake/silver/orders"
    assert "silver.orders" in graph.tables.nodes["orders"]["aliases"]
    assert graph.find("customer_analytics.ltv") is not None
    assert (
        graph.tables.nodes["analytics.at_risk_customers"]["dataset"] is None
    )  # external: defined by the SQL only


def test_build_catalog_adds_sql_hops_and_keeps_declared_ones(demo: Path) -> None:
    report = ScanReport()
    catalog = load_catalog(load_config(demo / "catalog.yaml"), report, use_cache=False)
    vias = {h.via for h in catalog.lineage}
    assert "transformations/01_load_dimensions.sql" in vias
    assert "DynamoDB Streams -> Lambda orders-to-lake" in vias
    assert report.errors == []


def test_parse_errors_in_lineage_files_are_scan_errors(tmp_path: Path) -> None:
    (tmp_path / "etl.sql").write_text(
        "insert into a select x from b;\n\nselect from where;\n", encoding="utf-8"
    )
    (tmp_path / "catalog.yaml").write_text(
        'lineage:\n  paths: ["etl.sql"]\n  dialect: postgres\n', encoding="utf-8"
    )
    report = ScanReport()
    catalog = load_catalog(load_config(tmp_path / "catalog.yaml"), report, use_cache=False)
    assert catalog.lineage == (LineageHop("b", "a", "etl.sql"),)
    (error,) = report.errors
    assert (error.path, error.line) == ("etl.sql", 3)


def test_without_lineage_paths_the_lineage_package_is_never_imported(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text(
        "lineage:\n  edges:\n    - {from: a, to: b, via: sync}\n", encoding="utf-8"
    )
    code = textwrap.dedent(f"""
        import sys
        from catalog.config import load_config
        from catalog.report import ScanReport
        from catalog.workspace import load_catalog
        catalog = load_catalog(load_config({str(tmp_path / "catalog.yaml")!r}), ScanReport())
        print([(h.source, h.target, h.via) for h in catalog.lineage])
        heavy = ('lineage', 'networkx', 'jinja2')
        print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[('a', 'b', 'sync')]", "[]"]


def test_only_complete_column_lineage_narrows_impact() -> None:
    from lineage.sources import ParseOptions, sql_file_records

    sql = (
        "INSERT INTO dw.a (x, y) SELECT s.x, s.y FROM raw.s AS s;\n"
        "INSERT INTO dw.b (x) SELECT x FROM raw.s JOIN raw.t ON true;\n"  # x is ambiguous: partial
    )
    options = ParseOptions(dialect="postgres")
    records = sql_file_records(sql, file="e.sql", options=options, report=ScanReport())
    assert [r.lineage.confidence for r in records] == ["complete", "partial"]
    graph = build_graph(records, DatasetMatcher(()))
    entries = {e.name: e for e in graph.impact("raw.s.y")}
    assert entries["dw.a.y"].exact and entries["dw.a"].exact
    assert not entries["dw.b"].exact  # the partial statement may read y: flagged, not dropped
