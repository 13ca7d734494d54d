"""Temporary tables are followed through a file and never reported as final targets."""

from __future__ import annotations

from lineage import parse_script, parse_statements, resolve_temporaries
from lineage.temporaries import temporary_tables
from tests.lineage import lin


def _resolved(statements: list[str], dialect: str = "redshift") -> list[dict]:
    return [s.to_dict() for s in resolve_temporaries(parse_script(statements, dialect=dialect))]


def test_staging_table_created_and_dropped_is_followed_through() -> None:
    got = _resolved([
        "DROP TABLE IF EXISTS staging.delta",
        "CREATE TABLE staging.delta AS SELECT o.id, o.status FROM silver.orders o",
        "MERGE INTO dw.orders USING staging.delta d ON dw.orders.id = d.id "
        "WHEN MATCHED THEN UPDATE SET status = d.status WHEN NOT MATCHED THEN INSERT (id, status) VALUES (d.id, d.status)",
        "DROP TABLE staging.delta",
    ])
    assert got == [
        lin("drop", None, []),
        lin("create_table_as", None, ["silver.orders"], [("id", ["silver.orders.id"]),
                                                          ("status", ["silver.orders.status"])]),
        lin("merge", "dw.orders", ["silver.orders"], [("status", ["silver.orders.status"]),
                                                       ("id", ["silver.orders.id"])]),
        lin("drop", None, []),
    ]


def test_declared_temporary_tables_need_no_drop_and_chain() -> None:
    got = _resolved([
        "CREATE TEMP TABLE a AS SELECT id, v FROM src.x",
        "CREATE TEMP TABLE b AS SELECT a.id, a.v * 2 AS v2 FROM a JOIN src.y y ON y.id = a.id",
        "INSERT INTO dw.out (id, v) SELECT id, v2 FROM b",
    ], dialect="postgres")
    assert got[2] == lin("insert", "dw.out", ["src.x", "src.y"], [("id", ["src.x.id"]), ("v", ["src.x.v"])])
    assert got[0]["target"] is None and got[1]["target"] is None
    assert got[1]["sources"] == ["src.x", "src.y"]


def test_writes_accumulate_and_only_earlier_writes_count() -> None:
    got = _resolved([
        "CREATE TABLE tmp (id int, v int)",
        "INSERT INTO tmp SELECT id, v FROM src.a",
        "INSERT INTO dw.first SELECT id, v FROM tmp",
        "INSERT INTO tmp (id, v) SELECT k, w FROM src.b",
        "INSERT INTO dw.second SELECT id, v FROM tmp",
        "DROP TABLE tmp",
    ], dialect="postgres")
    assert got[2] == lin("insert", "dw.first", ["src.a"], [("id", ["src.a.id"]), ("v", ["src.a.v"])])
    assert got[4] == lin("insert", "dw.second", ["src.a", "src.b"],
                         [("id", ["src.a.id", "src.b.k"]), ("v", ["src.a.v", "src.b.w"])])
    assert [g["target"] for g in got] == [None, None, "dw.first", None, "dw.second", None]


def test_star_through_a_temporary_table() -> None:
    # without a schema the temp holds "src.*"; reading tmp.c means src.c
    got = _resolved([
        "CREATE TEMP TABLE tmp AS SELECT * FROM src.a",
        "INSERT INTO dw.t (x) SELECT c FROM tmp",
        "INSERT INTO dw.u SELECT * FROM tmp",
    ], dialect="postgres")
    assert got[1] == lin("insert", "dw.t", ["src.a"], [("x", ["src.a.c"])], reason="through partial temporary tmp")
    assert got[2] == lin("insert", "dw.u", ["src.a"], [("*", ["src.a.*"])],
                         reason="star without schema: src.a.*; through partial temporary tmp")
    # with known columns a star over the temp expands, and the star reason goes away
    got = [s.to_dict() for s in resolve_temporaries(parse_statements_list([
        "CREATE TEMP TABLE tmp AS SELECT id, v FROM src.a",
        "INSERT INTO dw.u SELECT * FROM tmp",
    ]))]
    assert got[1] == lin("insert", "dw.u", ["src.a"], [("id", ["src.a.id"]), ("v", ["src.a.v"])])


def parse_statements_list(texts: list[str]) -> list:
    """Independent parses (no schema learned between statements)."""
    out = []
    for text in texts:
        out.extend(parse_statements(text, dialect="postgres"))
    return out


def test_rename_of_a_staging_table_writes_the_real_table() -> None:
    got = _resolved([
        "CREATE TABLE dw.t_new AS SELECT id, v FROM src.a",
        "DROP TABLE IF EXISTS dw.t",
        "ALTER TABLE dw.t_new RENAME TO t",
    ], dialect="postgres")
    assert got[0]["target"] is None
    assert got[1] == lin("drop", "dw.t", [])
    assert got[2] == lin("rename", "dw.t", ["src.a"], [("id", ["src.a.id"]), ("v", ["src.a.v"])])


def test_tables_that_live_on_are_real_targets() -> None:
    statements = parse_script([
        "DROP TABLE IF EXISTS gold.t",
        "CREATE TABLE gold.t AS SELECT id FROM silver.s",
        "INSERT INTO gold.u SELECT id FROM gold.t",
    ], dialect="postgres")
    assert resolve_temporaries(statements) == statements
    assert temporary_tables(statements) == {}


def test_tsql_hash_tables_and_one_lineage_per_statement() -> None:
    statements = parse_statements(
        "CREATE PROCEDURE p AS BEGIN SELECT id, v INTO #t FROM dbo.src "
        "INSERT INTO dbo.dst (id, v) SELECT id, v FROM #t DROP TABLE #t END",
        dialect="tsql",
    )
    got = [s.to_dict() for s in resolve_temporaries(statements)]
    assert len(got) == len(statements) == 3
    assert got[1] == lin("insert", "dbo.dst", ["dbo.src"], [("id", ["dbo.src.id"]), ("v", ["dbo.src.v"])])
    assert temporary_tables(statements) == {"#t": [(0, 2)]}


def test_partial_temporaries_make_readers_partial() -> None:
    got = _resolved([
        "CREATE TEMP TABLE tmp AS SELECT a FROM src.x JOIN src.y ON true",
        "INSERT INTO dw.t (a) SELECT a FROM tmp",
    ], dialect="postgres")
    assert got[1]["confidence"] == "partial"
    assert got[1]["reason"] == "through partial temporary tmp"
    assert got[1]["sources"] == ["src.x", "src.y"]
