"""Statements inside procedure bodies and scripting blocks."""

from __future__ import annotations

import pytest

from lineage import parse_statement, parse_statements, procedure_statements
from lineage.procedures import is_block
from tests.lineage import lin

PLPGSQL = """CREATE OR REPLACE FUNCTION etl.refresh() RETURNS void LANGUAGE plpgsql AS $body$
DECLARE
  n int;
BEGIN
  SELECT count(*) INTO n FROM st.x;
  IF n > 0 THEN
    UPDATE dw.a SET v = st.x.v FROM st.x WHERE dw.a.id = st.x.id;
  ELSE
    DELETE FROM dw.a;
  END IF;
  FOR r IN SELECT * FROM st.y LOOP
    INSERT INTO dw.z VALUES (r.a);
  END LOOP;
END;
$body$"""

TSQL = """CREATE PROCEDURE dbo.load_orders @since DATE AS
BEGIN
  SET NOCOUNT ON;
  SELECT o.id, o.total INTO #recent FROM dbo.orders o WHERE o.ts >= @since
  INSERT INTO dbo.fact (id, total) SELECT r.id, r.total FROM #recent r
  MERGE dbo.dim AS d USING #recent AS r ON d.id = r.id
    WHEN MATCHED THEN UPDATE SET d.total = r.total
    WHEN NOT MATCHED THEN INSERT (id, total) VALUES (r.id, r.total);
  IF @@ROWCOUNT > 0
    DELETE FROM dbo.stale WHERE id IN (SELECT id FROM #recent)
  ELSE
    INSERT INTO dbo.log SELECT * FROM dbo.orders WITH (NOLOCK)
  DROP TABLE #recent
END"""


@pytest.mark.parametrize("dialect, sql, expected", [
    ("postgres", "CREATE PROCEDURE p() AS $$\nBEGIN\n  INSERT INTO a SELECT * FROM b;\nEND $$ LANGUAGE plpgsql",
     [(2, "INSERT INTO a SELECT * FROM b")]),
    ("postgres", PLPGSQL, [
        (6, "UPDATE dw.a SET v = st.x.v FROM st.x WHERE dw.a.id = st.x.id"),
        (8, "DELETE FROM dw.a"),
        (11, "INSERT INTO dw.z VALUES (r.a)"),
    ]),
    ("redshift", "CREATE OR REPLACE PROCEDURE etl.p(x int)\nAS $$\nBEGIN\n  DROP TABLE IF EXISTS tmp;\n"
                 "  CREATE TEMP TABLE tmp AS SELECT a FROM src;\n  INSERT INTO dst SELECT a FROM tmp;\nEND;\n"
                 "$$ LANGUAGE plpgsql;",
     [(3, "DROP TABLE IF EXISTS tmp"), (4, "CREATE TEMP TABLE tmp AS SELECT a FROM src"),
      (5, "INSERT INTO dst SELECT a FROM tmp")]),
    ("snowflake", "CREATE OR REPLACE PROCEDURE p()\nRETURNS VARCHAR\nLANGUAGE SQL\nAS\n$$\nBEGIN\n"
                  "  MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v;\n  RETURN 'ok';\nEND;\n$$",
     [(6, "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v")]),
    ("snowflake", "CREATE PROCEDURE p() RETURNS INT LANGUAGE SQL AS 'BEGIN INSERT INTO a VALUES(''x''); END'",
     [(0, "INSERT INTO a VALUES('x')")]),
    ("snowflake", "EXECUTE IMMEDIATE $$\nBEGIN\n  CREATE TABLE x AS SELECT * FROM y;\nEND;\n$$",
     [(2, "CREATE TABLE x AS SELECT * FROM y")]),
    ("bigquery", "CREATE PROCEDURE d.p()\nBEGIN\n  DECLARE x INT64;\n  INSERT INTO d.a SELECT 1;\n  IF x > 0 THEN\n"
                 "    MERGE d.t T USING d.s S ON T.id = S.id WHEN MATCHED THEN UPDATE SET v = S.v;\n  END IF;\nEND",
     [(3, "INSERT INTO d.a SELECT 1"),
      (5, "MERGE d.t T USING d.s S ON T.id = S.id WHEN MATCHED THEN UPDATE SET v = S.v")]),
    ("bigquery", "BEGIN\n  INSERT INTO d.a SELECT 1;\nEXCEPTION WHEN ERROR THEN\n  SELECT 1;\nEND",
     [(1, "INSERT INTO d.a SELECT 1")]),
    ("postgres", "DO $$ BEGIN INSERT INTO a SELECT 1; END $$", [(0, "INSERT INTO a SELECT 1")]),
    ("postgres", "CREATE PROCEDURE p() LANGUAGE SQL BEGIN ATOMIC INSERT INTO a VALUES (1); END",
     [(0, "INSERT INTO a VALUES (1)")]),
    ("tsql", TSQL, [
        (3, "SELECT o.id, o.total INTO #recent FROM dbo.orders o WHERE o.ts >= @since"),
        (4, "INSERT INTO dbo.fact (id, total) SELECT r.id, r.total FROM #recent r"),
        (5, "MERGE dbo.dim AS d USING #recent AS r ON d.id = r.id\n    WHEN MATCHED THEN UPDATE SET d.total = r.total\n"
            "    WHEN NOT MATCHED THEN INSERT (id, total) VALUES (r.id, r.total)"),
        (9, "DELETE FROM dbo.stale WHERE id IN (SELECT id FROM #recent)"),
        (11, "INSERT INTO dbo.log SELECT * FROM dbo.orders WITH (NOLOCK)"),
        (12, "DROP TABLE #recent"),
    ]),
])
def test_procedure_statements(dialect: str, sql: str, expected: list[tuple[int, str]]) -> None:
    assert procedure_statements(sql, dialect) == expected
    assert is_block(sql, dialect)


@pytest.mark.parametrize("dialect, sql", [
    ("postgres", "INSERT INTO a SELECT 1"),
    ("postgres", "BEGIN"),
    ("postgres", "BEGIN TRANSACTION"),
    ("postgres", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql"),  # no data statements
    ("snowflake", "CREATE PROCEDURE p() RETURNS STRING LANGUAGE JAVASCRIPT AS $$ var x = 'INSERT INTO t'; $$"),
    ("postgres", "CREATE PROCEDURE p() LANGUAGE plpython3u AS $$ plpy.execute('DELETE FROM t') $$"),
    ("postgres", "CREATE PROCEDURE p() AS $$ unterminated"),
    ("postgres", ""),
    ("no-such-dialect", "DO $$ BEGIN INSERT INTO a SELECT 1; END $$"),
])
def test_not_a_block_or_nothing_inside(dialect: str, sql: str) -> None:
    assert procedure_statements(sql, dialect) == []


def test_inner_statements_parse_and_the_procedure_name_is_not_a_table() -> None:
    got = [s.to_dict() for s in parse_statements(TSQL, dialect="tsql")]
    assert got == [
        lin("create_table_as", "#recent", ["dbo.orders"], [("id", ["dbo.orders.id"]), ("total", ["dbo.orders.total"])],
            temporary=True),
        lin("insert", "dbo.fact", ["#recent"], [("id", ["#recent.id"]), ("total", ["#recent.total"])]),
        lin("merge", "dbo.dim", ["#recent"], [("total", ["#recent.total"]), ("id", ["#recent.id"])]),
        lin("delete", "dbo.stale", ["#recent"]),
        lin("insert", "dbo.log", ["dbo.orders"], [("*", ["dbo.orders.*"])], reason="star without schema: dbo.orders.*"),
        lin("drop", "#recent", []),
    ]
    # parsed as one statement, a procedure writes no table
    whole = parse_statement("CREATE PROCEDURE p() AS $$ BEGIN INSERT INTO a SELECT 1; END $$ LANGUAGE plpgsql",
                            dialect="postgres")
    assert whole.kind == "other" and whole.target is None and whole.sources == ()
