"""Property tests: the splitter and the DDL scanner never raise, and keep their promises on any text."""

from __future__ import annotations

import re
import tempfile
from bisect import bisect_right
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.report import ScanReport
from catalog.scanners.base import ScanContext, SourceSpec
from catalog.scanners.sql import scan
from catalog.sqltext import split_statements

DIALECTS = [
    None,
    "postgres",
    "redshift",
    "snowflake",
    "bigquery",
    "spark",
    "hive",
    "databricks",
    "athena",
    "trino",
    "mysql",
    "tsql",
    "duckdb",
    "sqlite",
    "no-such-dialect",
]

VALID_DDL = {
    "postgres": """CREATE TABLE s.orders (id bigint PRIMARY KEY,
  amount numeric(10,2) NOT NULL CHECK (amount > 0),
  customer_id int REFERENCES s.customers (id), status varchar(20) DEFAULT 'new', tags text[],
  UNIQUE (status), CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES s.customers (id));
COMMENT ON TABLE s.orders IS 'orders'; COMMENT ON COLUMN s.orders.id IS 'id';
ALTER TABLE s.orders ADD COLUMN note text, DROP COLUMN tags, RENAME COLUMN status TO state;
CREATE VIEW s.v (a, b) AS SELECT id, amount * 2 FROM s.orders;
CREATE MATERIALIZED VIEW s.mv AS WITH x AS (SELECT * FROM s.v) SELECT a, count(*) FROM x GROUP BY a;
CREATE TABLE s.ctas AS SELECT o.*, 1 AS one FROM s.orders o; CREATE TABLE s.l (LIKE s.orders);
CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;""",
    "redshift": """CREATE TABLE a.e (id BIGINT IDENTITY(1,1) ENCODE az64 DISTKEY, ts TIMESTAMP SORTKEY,
  n VARCHAR(MAX))
DISTSTYLE KEY INTERLEAVED SORTKEY (ts, id) ENCODE AUTO;
CREATE EXTERNAL TABLE sp.x (a int) PARTITIONED BY (d date) STORED AS PARQUET LOCATION 's3://x/';""",
    "hive": """CREATE EXTERNAL TABLE IF NOT EXISTS bronze.ev (id string COMMENT 'id',
  items array<struct<pid:string,price:decimal(10,2)>>, m map<string,int>) COMMENT 'e'
PARTITIONED BY (year int) CLUSTERED BY (id) INTO 4 BUCKETS ROW FORMAT SERDE 'x.JsonSerDe'
WITH SERDEPROPERTIES ('k'='v') STORED AS PARQUET LOCATION 's3://b/' TBLPROPERTIES ('a'='b');""",
    "bigquery": """CREATE TABLE `p.d.t` (a INT64 NOT NULL OPTIONS(description='c'),
  s STRUCT<x STRING, y ARRAY<INT64>>)
PARTITION BY DATE(_PARTITIONTIME) CLUSTER BY a OPTIONS(description='t');
CREATE VIEW d.v AS SELECT a FROM `p.d.t`;""",
    "snowflake": """CREATE OR REPLACE TABLE db.s.t (a NUMBER(38,0) NOT NULL COMMENT 'a', v VARIANT)
CLUSTER BY (a)
COMMENT = 'c'; ALTER TABLE db.s.t ALTER COLUMN a COMMENT 'z'; ALTER TABLE db.s.t SET COMMENT = 'q';""",
    "mysql": """CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, n VARCHAR(10) NOT NULL COMMENT 'nm',
  KEY i (n))
ENGINE=InnoDB COMMENT='t'; ALTER TABLE t ADD COLUMN c int AFTER id;""",
    "trino": """CREATE TABLE h.s.t (a integer, ds varchar)
WITH (format = 'PARQUET', partitioned_by = ARRAY['ds'], external_location = 's3://x/');""",
    "tsql": """CREATE TABLE [dbo].[O] ([Id] INT IDENTITY(1,1) NOT NULL,
  CONSTRAINT PK PRIMARY KEY CLUSTERED ([Id]))
GO
""",
}

_FRAGMENTS = [
    "(",
    ")",
    ";",
    ",",
    "'",
    '"',
    "`",
    "$$",
    "$t$",
    "--",
    "/*",
    "*/",
    "\n",
    " ",
    "#",
    "[",
    "]",
    "\\",
    "BEGIN",
    "END",
    "CASE",
    "IF",
    "DECLARE",
    "DELIMITER //",
    "GO",
    "COPY t FROM stdin;",
    "CREATE TABLE",
    "CREATE VIEW v AS",
    "COMMENT ON COLUMN",
    "ALTER TABLE",
    "ADD COLUMN",
    "IS NULL",
    "SORTKEY",
    "DISTKEY",
    "INTERLEAVED",
    "PARTITIONED BY (",
    "STRUCT<",
    "ARRAY<",
    "LIKE",
    "RENAME TO",
    "SELECT *",
    "E'",
    "x",
]


@st.composite
def _mutated_ddl(draw: st.DrawFn) -> tuple[str, str]:
    dialect = draw(st.sampled_from(sorted(VALID_DDL)))
    text = VALID_DDL[dialect]
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text)))
        end = min(len(text), start + draw(st.integers(0, 30)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        if action == "delete":
            text = text[:start] + text[end:]
        elif action == "insert":
            text = text[:start] + draw(st.sampled_from(_FRAGMENTS) | st.text(max_size=5)) + text[start:]
        elif action == "duplicate":
            text = text[:start] + text[start:end] + text[start:]
        else:
            text = text[:start] + draw(st.sampled_from(_FRAGMENTS)) + text[end:]
    return dialect, text


def _scan_text(text: str, dialect: str | None) -> tuple[list, ScanReport]:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "ddl").mkdir()
        (base / "ddl" / "x.sql").write_text(text, encoding="utf-8", newline="")
        report = ScanReport()
        options = {"path": "ddl/x.sql"} if dialect is None else {"path": "ddl/x.sql", "dialect": dialect}
        datasets = list(
            scan(SourceSpec(kind="sql", options=options), report=report, context=ScanContext(base_dir=base))
        )
    return datasets, report


def _check_positions(text: str, dialect: str | None) -> None:
    """Every statement is found verbatim at its line/column, in order, without overlaps."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]  # as sqlglot counts lines
    previous_end = 0
    for statement in split_statements(text, dialect):
        assert statement.text
        offset = starts[statement.line - 1] + statement.column - 1
        assert offset >= previous_end
        assert text[offset : offset + len(statement.text)] == statement.text
        last = offset + len(statement.text) - 1
        assert statement.end_line == bisect_right(starts, last)
        previous_end = offset + len(statement.text)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(DIALECTS))
def test_split_statements_never_raises_and_positions_are_exact(text: str, dialect: str | None) -> None:
    _check_positions(text, dialect)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=4), max_size=40), st.sampled_from(DIALECTS))
def test_split_statements_on_sql_like_fragments(fragments: list[str], dialect: str | None) -> None:
    _check_positions("".join(fragments), dialect)


_PLAIN_WORDS = st.sampled_from(
    ["select", "from", "t", "a", "b1", "x_y", "where", "and", "1", "42", "(", ")", ",", "=", "+", "."]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(_PLAIN_WORDS, max_size=6), max_size=6),
    st.sampled_from(DIALECTS),
    st.sampled_from([" ", "\n", "  \n\t"]),
)
def test_plain_text_splits_exactly_like_str_split(
    statements: list[list[str]], dialect: str | None, space: str
) -> None:
    """Without quotes, comments or block keywords, splitting is str.split on ';'."""
    text = ";".join(space.join(words) for words in statements)
    expected = [part.strip() for part in text.split(";") if part.strip()]
    assert [s.text for s in split_statements(text, dialect)] == expected


_PIECES = st.sampled_from(
    [
        "'a;b'",
        "'it''s;'",
        '"c;d"',
        "/* e; */",
        "-- f;\n",
        "$$ g; $$",
        "$q$ h;$$ $q$",
        "(i)",
        "k",
        "l1",
        "=",
        ",",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_PIECES, max_size=6), min_size=1, max_size=5))
def test_joined_statements_split_back(bodies: list[list[str]]) -> None:
    """Semicolons inside strings, comments and dollar quotes never end a statement."""
    statements = [" ".join(["select", *body, "z"]) for body in bodies]
    assert [s.text for s in split_statements(";\n".join(statements) + ";", "postgres")] == statements


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300), st.sampled_from(DIALECTS[:-1]))
def test_scan_never_raises_on_arbitrary_text(text: str, dialect: str | None) -> None:
    datasets, report = _scan_text(text, dialect)
    assert all(d.id.startswith("sql:") and d.source == "sql" for d in datasets)
    line_count = len(re.findall(r"\r\n|\r|\n", text)) + 1
    for problem in report.problems:
        assert problem.severity in ("error", "warning")
        assert problem.path == "ddl/x.sql"
        assert problem.line is None or 1 <= problem.line <= line_count


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated_ddl())
def test_scan_never_raises_on_mutated_ddl(case: tuple[str, str]) -> None:
    dialect, text = case
    datasets, report = _scan_text(text, dialect)
    assert len({d.id for d in datasets}) == len(datasets)
    assert not [p for p in report.problems if "unexpectedly" in p.message or "could not" in p.message]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(categories=["P", "S", "N", "Zs"]), max_size=60))
def test_garbage_after_a_statement_never_hides_it(garbage: str) -> None:
    datasets, _ = _scan_text("CREATE TABLE kept (a int);\n" + garbage, "postgres")
    assert "kept" in {d.name for d in datasets}
