"""lineage.sources: SQL files become positioned records; failures are reported and the rest goes on."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.report import ScanReport
from lineage import SchemaIndex, parse_script
from lineage.sources import (
    LineageRecord,
    ParseOptions,
    declared_records,
    sql_file_records,
    sql_files_records,
    sql_units,
    view_record,
)

PG = ParseOptions(dialect="postgres")

SCRIPT = """-- nightly load
DROP TABLE IF EXISTS stage.delta;
CREATE TABLE stage.delta AS
SELECT o.id, o.amount FROM raw.orders AS o;

INSERT INTO dw.orders (id, amount)
SELECT d.id, d.amount * 2 FROM stage.delta AS d;
DROP TABLE stage.delta;
"""


def test_records_keep_file_and_line_and_follow_temporaries() -> None:
    report = ScanReport()
    records = sql_file_records(SCRIPT, file="etl/load.sql", options=PG, report=report)
    assert [(r.file, r.line, r.lineage.kind, r.lineage.target) for r in records] == [
        ("etl/load.sql", 2, "drop", None),
        ("etl/load.sql", 3, "create_table_as", None),  # stage.delta is temporary: never a final target
        ("etl/load.sql", 6, "insert", "dw.orders"),
        ("etl/load.sql", 8, "drop", None),
    ]
    insert = records[2].lineage
    assert insert.sources == ("raw.orders",)
    assert [(c.column, c.sources) for c in insert.columns] == [
        ("id", ("raw.orders.id",)),
        ("amount", ("raw.orders.amount",)),
    ]
    assert records[2].text.startswith("INSERT INTO dw.orders")
    assert report.problems == []


def test_keeping_temporaries_reports_them_as_targets() -> None:
    records = sql_file_records(SCRIPT, file="x.sql", options=PG, report=ScanReport(), resolve=False)
    assert records[1].lineage.target == "stage.delta"
    assert records[2].lineage.sources == ("stage.delta",)


def test_a_bad_statement_is_reported_at_its_file_position_and_the_rest_is_parsed() -> None:
    text = "SELECT a FROM t;\n\n  SELECT FROM WHERE;\nINSERT INTO x SELECT b FROM y;"
    report = ScanReport()
    records = sql_file_records(text, file="q.sql", options=PG, report=report)
    assert [r.lineage.confidence for r in records] == ["complete", "failed", "complete"]
    assert records[2].lineage.target == "x"
    (problem,) = report.problems
    assert (problem.severity, problem.path, problem.line) == ("error", "q.sql", 3)
    # the parser's own position is turned into a file position, and its Token repr into the token
    assert str(problem).startswith("q.sql:3: error: ")
    assert "(line 3, col " in problem.message and "<Token" not in problem.message


def test_procedure_bodies_expand_with_file_lines() -> None:
    text = (
        "SELECT 1;\n"
        "CREATE PROCEDURE etl.load() AS $$\n"
        "BEGIN\n"
        "  INSERT INTO dw.a SELECT x FROM raw.a;\n"
        "  INSERT INTO dw.b SELECT y FROM raw.b;\n"
        "END $$ LANGUAGE plpgsql;\n"
    )
    units = sql_units(text, file="p.sql", dialect="postgres")
    assert [(u.line, u.text.split()[2] if u.text.startswith("INSERT") else u.text) for u in units] == [
        (1, "SELECT 1"),
        (4, "dw.a"),
        (5, "dw.b"),
    ]
    records = sql_file_records(text, file="p.sql", options=PG, report=ScanReport())
    assert [(r.line, r.lineage.target, r.lineage.sources) for r in records[1:]] == [
        (4, "dw.a", ("raw.a",)),
        (5, "dw.b", ("raw.b",)),
    ]


LEARNING = [
    (
        "a.sql",
        "CREATE TABLE stage.a AS SELECT id, name FROM src.people;\n"
        "CREATE TABLE stage.b (k int, label text);\n"
        "INSERT INTO stage.b SELECT * FROM stage.a;\n"
        "CREATE VIEW rpt.v AS SELECT * FROM stage.b;\n"
        "SELECT q FROM stage.a JOIN src.x ON true;\n",
    ),
    ("b.sql", "SELECT * FROM stage.a;\nINSERT INTO rpt.w SELECT * FROM src.x;\n"),
]


def test_file_order_parsing_matches_parse_script() -> None:
    """Both paths (in order, and pool + re-parse) give exactly what parse_script gives, file by file."""
    schema = SchemaIndex.from_mapping({"src.x": {"p": "int", "q": "int"}})
    options = ParseOptions(dialect="postgres", schema=schema)
    expected = []
    for _file, text in LEARNING:
        units = [u.text for u in sql_units(text, file="f", dialect="postgres")]
        expected += [r.to_dict() for r in parse_script(units, dialect="postgres", schema=schema)]
    for jobs in (1, 2):
        records = sql_files_records(LEARNING, options=options, report=ScanReport(), jobs=jobs, resolve=False)
        assert [r.lineage.to_dict() for r in records] == expected, jobs
    # b.sql learned nothing from a.sql: each file starts from the given schema
    assert expected[5]["columns"] == [{"column": "*", "sources": ["stage.a.*"]}]
    assert expected[2]["columns"] == [
        {"column": "k", "sources": ["stage.a.id"]},
        {"column": "label", "sources": ["stage.a.name"]},
    ]


def test_view_record_targets_the_view() -> None:
    report = ScanReport()
    record = view_record(
        "analytics.daily",
        "SELECT d, SUM(x) AS total FROM analytics.orders GROUP BY d",
        file="ddl/v.sql",
        line=6,
        options=PG,
        report=report,
    )
    assert (record.origin, record.where, record.lineage.kind, record.lineage.target) == (
        "view",
        "ddl/v.sql:6",
        "create_view",
        "analytics.daily",
    )
    assert record.lineage.columns[1].sources == ("analytics.orders.x",)
    bad = view_record("v", "SELECT FROM", file="ddl/v.sql", line=9, options=PG, report=report)
    assert bad.lineage.confidence == "failed" and report.errors[0].line == 9


def test_declared_records_keep_names_and_position() -> None:
    (record,) = declared_records([("app.orders_db", "orders", "Streams -> Lambda", "catalog.yaml:12:7")])
    assert record.to_dict() == {
        "file": "catalog.yaml",
        "line": 12,
        "kind": "declared",
        "target": "orders",
        "sources": ["app.orders_db"],
        "columns": [],
        "confidence": "complete",
        "error": None,
        "origin": "declared",
        "via": "Streams -> Lambda",
    }


def test_record_dict_puts_position_first() -> None:
    (record,) = sql_file_records(
        "insert into t select a from s", file="x.sql", options=PG, report=ScanReport()
    )
    assert list(record.to_dict())[:3] == ["file", "line", "kind"]
    assert isinstance(record, LineageRecord) and record.where == "x.sql:1"


_FRAGMENTS = [
    "SELECT",
    "INSERT INTO t",
    "FROM s",
    ";",
    "\n",
    "'",
    "$$",
    "BEGIN",
    "END",
    "CREATE PROCEDURE p() AS",
    "(",
    ")",
    "a, b",
    "--",
    "/*",
    "*/",
    "DROP TABLE t",
    "CREATE TABLE t AS",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=25).map(" ".join))
def test_any_text_gives_records_and_problems_never_exceptions(text: str) -> None:
    report = ScanReport()
    records = sql_file_records(text, file="f.sql", options=PG, report=report)
    assert all(r.line >= 1 for r in records)
    assert len(report.errors) == sum(
        1 for r in records if r.lineage.confidence == "failed" and r.lineage.error
    )


BLOCKS = [
    (
        "CREATE OR REPLACE PROCEDURE p() AS $$ BEGIN INSERT INTO a SELECT 1; END $$ LANGUAGE plpgsql",
        "postgres",
    ),
    ("DO $$ BEGIN INSERT INTO a SELECT x FROM b; END $$", "postgres"),
    ("CREATE PROC dbo.p AS BEGIN INSERT INTO a SELECT x FROM b END", "tsql"),
    ("BEGIN\n  INSERT INTO a SELECT x FROM b;\nEND", "bigquery"),
    ("EXECUTE IMMEDIATE $$ BEGIN INSERT INTO a SELECT 1; END $$", "snowflake"),
    ("/* c */ DECLARE x INT; BEGIN INSERT INTO a SELECT x FROM b; END", "snowflake"),
    ("IF true THEN INSERT INTO a SELECT x FROM b; END IF", "bigquery"),
    ("CREATE FUNCTION f() RETURNS void AS 'INSERT INTO a SELECT x FROM b' LANGUAGE sql", "postgres"),
]


def test_the_block_prefilter_never_hides_a_procedure() -> None:
    from lineage import procedure_statements
    from lineage.sources import _may_be_block

    for text, dialect in BLOCKS:
        assert procedure_statements(text, dialect), text
        assert _may_be_block(text, dialect), text
    assert not _may_be_block("INSERT INTO a SELECT 1", "postgres")
    assert not _may_be_block("CREATE TABLE a AS SELECT 1", "postgres")


_BLOCK_WORDS = [
    "CREATE",
    "OR",
    "REPLACE",
    "PROCEDURE",
    "FUNCTION",
    "PROC",
    "p()",
    "AS",
    "$$",
    "BEGIN",
    "END",
    "DO",
    "DECLARE",
    "IF",
    "THEN",
    "LOOP",
    "INSERT INTO a SELECT 1",
    ";",
    "EXECUTE",
    "IMMEDIATE",
    "'",
    "/*",
    "*/",
    "--",
    "\n",
    "LANGUAGE",
    "plpgsql",
    "sql",
    "TEMP",
    "SECURE",
    "x",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_BLOCK_WORDS), max_size=20).map(" ".join),
    st.sampled_from(["postgres", "tsql", "snowflake", "bigquery", "redshift", None]),
)
def test_prefilter_is_a_superset_of_what_procedures_expand(text: str, dialect: str | None) -> None:
    from lineage import procedure_statements
    from lineage.sources import _may_be_block

    if procedure_statements(text, dialect):
        assert _may_be_block(text, dialect)
