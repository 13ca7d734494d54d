"""Glue job scripts: reads and writes found in the Python AST, flows followed through variables."""

from __future__ import annotations

import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.report import ScanReport
from lineage.glue_scripts import glue_script_records

# What Glue Studio generates, plus the hand-written DataFrame style, in one job.
JOB = """import sys
from awsglue.transforms import ApplyMapping, Join
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrame
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "env"])
glueContext = GlueContext(SparkContext.getOrCreate())
spark = glueContext.spark_session
RAW_DB = "shop_raw"
LAKE = "s3://shop-lake"

orders = glueContext.create_dynamic_frame.from_catalog(database=RAW_DB, table_name="Orders",
                                                       transformation_ctx="orders")
customers = glueContext.create_dynamic_frame_from_catalog(RAW_DB, "customers")
events = glueContext.create_dynamic_frame.from_options(
    connection_type="s3",
    connection_options={"paths": [LAKE + "/bronze/events/"], "recurse": True},
    format="parquet",
)
mapped = ApplyMapping.apply(frame=orders, mappings=[("id", "string", "order_id", "string")])
joined = Join.apply(mapped, customers, "customer_id", "customer_id")
glueContext.write_dynamic_frame.from_options(
    frame=joined,
    connection_type="s3",
    connection_options={"path": f"{LAKE}/silver/orders/", "partitionKeys": ["order_month"]},
    format="parquet",
)

sink = glueContext.getSink(path=LAKE + "/silver/events/", connection_type="s3",
                           updateBehavior="UPDATE_IN_DATABASE", enableUpdateCatalog=True)
sink.setCatalogInfo(catalogDatabase="silver", catalogTableName="events")
sink.setFormat("glueparquet")
sink.writeFrame(events)

clicks = spark.read.format("parquet").load(f"s3a://shop-lake/{args['env']}/clicks/")
clicks.filter("kind = 'view'").write.mode("overwrite").partitionBy("day").parquet(LAKE + "/silver/views")
spark.sql("INSERT INTO gold.daily SELECT day, COUNT(*) AS views FROM silver.views GROUP BY day")
totals = spark.sql("SELECT customer_id, SUM(amount) AS total FROM silver.orders GROUP BY customer_id")
DynamicFrame.fromDF(totals, glueContext, "totals").toDF().write.saveAsTable("Gold.Customer_Totals")
glueContext.write_dynamic_frame.from_catalog(frame=joined, database="exports", table_name=sys.argv[1])
"""


def _records(text: str) -> tuple[list[tuple[int, str, str | None, tuple[str, ...]]], ScanReport]:
    report = ScanReport()
    records = glue_script_records(text, file="jobs/orders.py", report=report)
    assert all(r.origin == "glue" and r.file == "jobs/orders.py" for r in records)
    return [(r.line, r.lineage.kind, r.lineage.target, r.lineage.sources) for r in records], report


def test_reads_writes_and_flows_of_a_glue_job() -> None:
    got, report = _records(JOB)
    assert got == [
        (24, "insert", "s3://shop-lake/silver/orders", ("shop_raw.customers", "shop_raw.orders")),
        (35, "insert", "silver.events", ("s3://shop-lake/bronze/events",)),
        (38, "insert_overwrite", "s3://shop-lake/silver/views", ("s3://shop-lake/{args['env']}/clicks",)),
        (39, "insert", "gold.daily", ("silver.views",)),
        (41, "insert", "gold.customer_totals", ("silver.orders",)),
    ]
    # the last write names its table from sys.argv: a warning at its line, never a guess
    (warning,) = report.problems
    assert (warning.severity, warning.path, warning.line) == ("warning", "jobs/orders.py", 42)


def test_spark_sql_keeps_column_lineage_and_job_writes_are_table_level() -> None:
    report = ScanReport()
    records = {r.line: r for r in glue_script_records(JOB, file="jobs/orders.py", report=report)}
    assert [(c.column, c.sources) for c in records[39].lineage.columns] == [
        ("day", ("silver.views.day",)),
        ("views", ()),
    ]
    assert records[24].lineage.columns == () and records[24].lineage.confidence == "partial"
    assert "Glue job script" in records[24].lineage.reason


def test_untraceable_frames_fall_back_to_every_read() -> None:
    text = (
        'src = glueContext.create_dynamic_frame.from_catalog(database="a", table_name="b")\n'
        "def transform(frame):\n"
        "    return frame\n"
        'glueContext.write_dynamic_frame.from_catalog(frame=transform_all(), database="c", table_name="d")\n'
    )
    got, _report = _records(text)
    assert got == [(4, "insert", "c.d", ("a.b",))]
    report = ScanReport()
    (record,) = glue_script_records(text, file="j.py", report=report)
    assert "could not be traced" in record.lineage.reason


def test_reassignment_replaces_what_a_variable_holds() -> None:
    text = (
        'df = spark.read.parquet("s3://b/one/")\ndf = spark.table("db.two")\ndf.write.insertInto("db.out")\n'
    )
    got, _ = _records(text)
    assert got == [(3, "insert", "db.out", ("db.two",))]


def test_syntax_errors_are_reported_with_position() -> None:
    report = ScanReport()
    assert glue_script_records("df = spark.read.parquet(\n", file="bad.py", report=report) == []
    (problem,) = report.problems
    assert (problem.severity, problem.path, problem.line) == ("error", "bad.py", 1)
    assert problem.message.startswith("not valid Python")


def test_the_script_is_never_imported_or_run(tmp_path) -> None:
    marker = tmp_path / "ran"
    text = f"open({str(marker)!r}, 'w').write('x')\nimport os\nos.system('echo hi')\n"
    assert glue_script_records(text, file="evil.py", report=ScanReport()) == []
    assert not marker.exists() and "evil" not in sys.modules


_PY = [
    "df",
    "=",
    "spark.read.parquet(",
    "'s3://b/p'",
    ")",
    "\n",
    "glueContext.write_dynamic_frame.from_options(",
    "frame=df",
    ",",
    "connection_options={'path': 'x'}",
    "def f():",
    "    ",
    "if x:",
    "for a in b:",
    "(",
    "[",
    "]",
    "f'{a}'",
    "+",
    "spark.sql(",
    "'select 1'",
    "sink.writeFrame(df)",
    "sink = glueContext.getSink(path='p')",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PY), max_size=30).map(" ".join))
def test_any_text_gives_records_or_problems(text: str) -> None:
    report = ScanReport()
    for record in glue_script_records(text, file="h.py", report=report):
        assert record.lineage.target and record.line >= 1
