"""Confidence, reasons, errors and the work budget."""

from __future__ import annotations

import logging

import pytest

from lineage import DEFAULT_BUDGET, KINDS, parse_statement, parse_statements
from tests.lineage import lin


def test_parse_errors_fail_with_a_located_message() -> None:
    got = parse_statement("SELECT a FROM WHERE", dialect="postgres")
    assert got.confidence == "failed"
    assert got.kind == "other" and got.target is None and got.columns == ()
    assert got.error is not None and "line 1" in got.error
    assert "\x1b" not in got.error  # no terminal escapes in a message meant for JSON


def test_unknown_dialect_fails() -> None:
    got = parse_statement("SELECT 1", dialect="no-such-dialect")
    assert got.confidence == "failed"
    assert got.error is not None and "no-such-dialect" in got.error


def test_unsupported_shapes_fail_but_keep_table_sources() -> None:
    got = parse_statement("INSERT ALL INTO dw.a INTO dw.b SELECT x FROM st.s", dialect="snowflake")
    assert got.to_dict() == lin(
        "insert", None, ["st.s"], confidence="failed",
        reason="multi-table INSERT writes several tables; use parse_statements",
        error="multi-table INSERT writes several tables; use parse_statements",
    )
    got = parse_statement("UNLOAD ('SELECT a FROM t'", dialect="redshift")
    assert got.confidence == "failed" and got.kind == "unload"


def test_partial_reasons_name_what_is_missing() -> None:
    got = parse_statement("SELECT a, b, t.* FROM st.t t JOIN st.u u ON t.id = u.id", dialect="postgres")
    assert got.confidence == "partial"
    assert got.reason == "unresolved columns: a, b; star without schema: st.t.*"


def test_several_statements_in_one_text_are_partial() -> None:
    got = parse_statement("INSERT INTO a SELECT x FROM b; DELETE FROM c", dialect="postgres")
    assert got.kind == "insert" and got.target == "a"
    assert got.confidence == "partial"
    assert got.reason == "2 statements in one text; only the first was analysed"


def test_over_budget_keeps_table_level_lineage() -> None:
    sql = "INSERT INTO dw.t SELECT " + ", ".join(f"s.c{i}" for i in range(300)) + " FROM st.s s JOIN st.u u ON true"
    full = parse_statement(sql, dialect="postgres")
    assert full.confidence == "complete" and len(full.columns) == 300
    small = parse_statement(sql, dialect="postgres", budget=500)
    assert small.confidence == "partial" and small.reason == "over budget"
    assert small.target == "dw.t" and small.sources == ("st.s", "st.u")
    assert small.columns == ()
    # tracing budget (tree small enough, tracing not): still over budget, never dropped
    mid = parse_statement(sql, dialect="postgres", budget=1500)
    assert mid.confidence == "partial" and mid.reason == "over budget" and mid.sources == ("st.s", "st.u")
    assert DEFAULT_BUDGET > 5000


def test_budget_is_deterministic() -> None:
    sql = "SELECT " + ", ".join(f"a{i} + b{i}" for i in range(100)) + " FROM st.t"
    outcomes = [parse_statement(sql, budget=b).confidence for b in range(600, 1600, 50)]
    assert "partial" in outcomes and "complete" in outcomes
    # the same budget always gives the same answer, and more budget never gives less
    assert outcomes == [parse_statement(sql, budget=b).confidence for b in range(600, 1600, 50)]
    assert outcomes == sorted(outcomes, key=lambda c: c == "complete")


def test_sqlglot_warnings_do_not_leak(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    with caplog.at_level(logging.DEBUG):
        got = parse_statement("UNLOAD ('select 1') TO 's3://x/' IAM_ROLE 'r'", dialect="redshift")
        parse_statement("ALTER SESSION SET x = 1", dialect="snowflake")
    assert got.kind == "unload"
    assert not [r for r in caplog.records if r.name.startswith("sqlglot")]
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    # and the filter is gone afterwards: sqlglot's logging belongs to its other users
    assert not logging.getLogger("sqlglot").filters


def test_kinds_vocabulary_is_closed() -> None:
    samples = [
        "SELECT 1", "INSERT INTO t SELECT 1", "CREATE TABLE t AS SELECT 1", "CREATE VIEW v AS SELECT 1",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "UPDATE t SET a = 1", "DELETE FROM t",
        "DROP TABLE t", "GRANT SELECT ON t TO u", "CREATE TABLE t (a int)", "ALTER TABLE t RENAME TO u",
    ]
    for sql in samples:
        assert parse_statement(sql, dialect="postgres").kind in KINDS, sql


def test_parse_statements_expands_multi_target_statements() -> None:
    got = [s.to_dict() for s in parse_statements("INSERT ALL INTO dw.a INTO dw.b SELECT x FROM st.s",
                                                 dialect="snowflake")]
    assert got == [
        lin("insert", "dw.a", ["st.s"], [("x", ["st.s.x"])]),
        lin("insert", "dw.b", ["st.s"], [("x", ["st.s.x"])]),
    ]
    got = [s.to_dict() for s in parse_statements("DROP TABLE IF EXISTS a, b", dialect="postgres")]
    assert got == [lin("drop", "a", []), lin("drop", "b", [])]
    assert parse_statements("SELECT 1", dialect="postgres") == [parse_statement("SELECT 1", dialect="postgres")]


@pytest.mark.parametrize("text", [
    "SELECT (" * 400 + "1" + ")" * 400,
    "SELECT " + " + ".join(["a"] * 3000) + " FROM t",
    "\x00\x01\x02",
    "'unterminated",
    "/* unterminated comment",
    "$$",
    "SELECT * FROM t WHERE a = $1 AND b = :x AND c = @p AND d = ?",
    "MERGE INTO t USING",
    "WITH RECURSIVE r AS (SELECT * FROM r) SELECT * FROM r",
    "WITH a AS (SELECT * FROM b), b AS (SELECT * FROM a) SELECT * FROM a",
])
def test_never_raises(text: str) -> None:
    for dialect in (None, "postgres", "tsql", "bigquery"):
        got = parse_statement(text, dialect=dialect)
        assert got.confidence in ("complete", "partial", "failed")
        assert got.to_dict()["kind"] in KINDS


def test_non_text_input_fails_cleanly() -> None:
    got = parse_statement(None, dialect="postgres")  # type: ignore[arg-type]
    assert got.confidence == "failed"
