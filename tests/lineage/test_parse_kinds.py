"""Every statement kind, in postgres, redshift, snowflake, bigquery, spark and tsql.

Each row is (dialect, SQL, expected ``to_dict()``), written from what the SQL means: which
tables are read, which one is written, and which source columns make each written column.
"""

from __future__ import annotations

from typing import Any

import pytest

from lineage import parse_statement
from tests.lineage import lin

Case = tuple[str, str, dict[str, Any]]


def _run(cases: list[Case], schema: dict[str, dict[str, str]] | None = None) -> None:
    for dialect, sql, expected in cases:
        got = parse_statement(sql, dialect=dialect, schema=schema).to_dict()
        assert got == expected, f"{dialect}: {sql}"


def _ids(cases: list[Case]) -> list[str]:
    return [f"{d}-{i}" for i, (d, _s, _e) in enumerate(cases)]


# ---------------------------------------------------------------- SELECT
SELECT_CASES: list[Case] = [
    ("postgres", "SELECT o.id, o.amount * 2 AS doubled FROM sales.orders AS o WHERE o.status = 'x'",
     lin("select", None, ["sales.orders"], [("id", ["sales.orders.id"]), ("doubled", ["sales.orders.amount"])])),
    ("redshift", "SELECT c.name, SUM(o.total) AS spend FROM crm.customers c JOIN crm.orders o ON o.cid = c.id GROUP BY 1",
     lin("select", None, ["crm.customers", "crm.orders"], [("name", ["crm.customers.name"]),
                                                          ("spend", ["crm.orders.total"])])),
    ("snowflake", "SELECT T.A, T.B FROM DB.SCH.T AS T",
     lin("select", None, ["db.sch.t"], [("a", ["db.sch.t.a"]), ("b", ["db.sch.t.b"])])),
    ("bigquery", "SELECT t.user_id, t.ts FROM `proj.ds.events` AS t",
     lin("select", None, ["proj.ds.events"], [("user_id", ["proj.ds.events.user_id"]),
                                              ("ts", ["proj.ds.events.ts"])])),
    ("spark", "SELECT e.id, upper(e.name) AS name FROM db.emp e",
     lin("select", None, ["db.emp"], [("id", ["db.emp.id"]), ("name", ["db.emp.name"])])),
    ("tsql", "SELECT [e].[Id], [e].[Name] AS [FullName] FROM [hr].[dbo].[Employees] AS [e]",
     lin("select", None, ["hr.dbo.employees"], [("id", ["hr.dbo.employees.id"]),
                                               ("fullname", ["hr.dbo.employees.name"])])),
]


@pytest.mark.parametrize("case", SELECT_CASES, ids=_ids(SELECT_CASES))
def test_select(case: Case) -> None:
    _run([case])


# ---------------------------------------------------------------- INSERT
INSERT_CASES: list[Case] = [
    ("postgres", "INSERT INTO dw.fact (id, amount) SELECT s.id, s.amt FROM stage.sales s",
     lin("insert", "dw.fact", ["stage.sales"], [("id", ["stage.sales.id"]), ("amount", ["stage.sales.amt"])])),
    ("redshift", "INSERT INTO dw.fact SELECT s.id, s.amt AS amount FROM stage.sales s",
     lin("insert", "dw.fact", ["stage.sales"], [("id", ["stage.sales.id"]), ("amount", ["stage.sales.amt"])])),
    ("snowflake", "INSERT INTO dw.fact (id, amount) SELECT id, amt FROM stage.sales",
     lin("insert", "dw.fact", ["stage.sales"], [("id", ["stage.sales.id"]), ("amount", ["stage.sales.amt"])])),
    ("bigquery", "INSERT INTO ds.fact (id, amount) SELECT id, amt FROM ds.sales",
     lin("insert", "ds.fact", ["ds.sales"], [("id", ["ds.sales.id"]), ("amount", ["ds.sales.amt"])])),
    ("spark", "INSERT INTO TABLE db.fact SELECT id, amt FROM db.sales",
     lin("insert", "db.fact", ["db.sales"], [("id", ["db.sales.id"]), ("amt", ["db.sales.amt"])])),
    ("tsql", "INSERT INTO dbo.fact (id, amount) SELECT s.id, s.amt FROM dbo.sales AS s",
     lin("insert", "dbo.fact", ["dbo.sales"], [("id", ["dbo.sales.id"]), ("amount", ["dbo.sales.amt"])])),
    # a statement-level WITH belongs to the query
    ("postgres", "WITH s AS (SELECT id, amt * 100 AS cents FROM stage.sales) INSERT INTO dw.fact (id, c) SELECT id, cents FROM s",
     lin("insert", "dw.fact", ["stage.sales"], [("id", ["stage.sales.id"]), ("c", ["stage.sales.amt"])])),
    # VALUES: constants flow, subqueries read tables
    ("postgres", "INSERT INTO dw.t (a, b) VALUES (1, 'x'), (2, 'y')",
     lin("insert", "dw.t", [], [("a", []), ("b", [])])),
    ("postgres", "INSERT INTO dw.t (a, b) VALUES (1, (SELECT max(v) FROM stage.s))",
     lin("insert", "dw.t", ["stage.s"], [("a", []), ("b", ["stage.s.v"])])),
    # reading the table being written is a real read
    ("redshift", "INSERT INTO dw.t (a) SELECT a + 1 FROM dw.t",
     lin("insert", "dw.t", ["dw.t"], [("a", ["dw.t.a"])])),
]

INSERT_OVERWRITE_CASES: list[Case] = [
    ("spark", "INSERT OVERWRITE TABLE db.t PARTITION (dt='2024-01-01') SELECT id, v FROM db.s",
     lin("insert_overwrite", "db.t", ["db.s"], [("id", ["db.s.id"]), ("v", ["db.s.v"]), ("dt", [])])),
    ("spark", "INSERT OVERWRITE TABLE db.t SELECT * FROM db.s",
     lin("insert_overwrite", "db.t", ["db.s"], [("*", ["db.s.*"])], reason="star without schema: db.s.*")),
    ("snowflake", "INSERT OVERWRITE INTO dw.t SELECT id FROM st.s",
     lin("insert_overwrite", "dw.t", ["st.s"], [("id", ["st.s.id"])])),
    ("hive", "FROM db.s INSERT OVERWRITE TABLE db.t SELECT id, v WHERE v > 0",
     lin("insert_overwrite", "db.t", ["db.s"], [("id", ["db.s.id"]), ("v", ["db.s.v"])])),
]


@pytest.mark.parametrize("case", INSERT_CASES + INSERT_OVERWRITE_CASES,
                         ids=_ids(INSERT_CASES + INSERT_OVERWRITE_CASES))
def test_insert(case: Case) -> None:
    _run([case])


def test_insert_without_column_list_maps_positionally_onto_known_target() -> None:
    schema = {"dw.t": {"x": "int", "y": "int", "dt": "string"}, "st.s": {"a": "int", "b": "int"}}
    _run([
        ("postgres", "INSERT INTO dw.t SELECT b, a FROM st.s",
         lin("insert", "dw.t", ["st.s"], [("x", ["st.s.b"]), ("y", ["st.s.a"]), ("dt", [])],
             reason="column count mismatch: 3 target columns, 2 values")),
        ("spark", "INSERT INTO dw.t PARTITION (dt='x') SELECT b, a FROM st.s",
         lin("insert", "dw.t", ["st.s"], [("x", ["st.s.b"]), ("y", ["st.s.a"]), ("dt", [])])),
        ("redshift", "INSERT INTO dw.t SELECT * FROM st.s",
         lin("insert", "dw.t", ["st.s"], [("x", ["st.s.a"]), ("y", ["st.s.b"]), ("dt", [])],
             reason="column count mismatch: 3 target columns, 2 values")),
        ("duckdb", "INSERT INTO dw.t BY NAME SELECT b AS y, a AS x FROM st.s",
         lin("insert", "dw.t", ["st.s"], [("y", ["st.s.b"]), ("x", ["st.s.a"])])),
    ], schema)


# ------------------------------------------------------- CREATE TABLE AS
CTAS_CASES: list[Case] = [
    ("postgres", "CREATE TABLE dw.t AS SELECT id, name FROM st.s",
     lin("create_table_as", "dw.t", ["st.s"], [("id", ["st.s.id"]), ("name", ["st.s.name"])])),
    ("redshift", "CREATE TABLE dw.t DISTKEY(id) AS SELECT id, name FROM st.s",
     lin("create_table_as", "dw.t", ["st.s"], [("id", ["st.s.id"]), ("name", ["st.s.name"])])),
    ("snowflake", "CREATE OR REPLACE TRANSIENT TABLE dw.t AS SELECT id FROM st.s",
     lin("create_table_as", "dw.t", ["st.s"], [("id", ["st.s.id"])])),
    ("bigquery", "CREATE OR REPLACE TABLE p.d.t PARTITION BY dt AS SELECT id, dt FROM p.d.s",
     lin("create_table_as", "p.d.t", ["p.d.s"], [("id", ["p.d.s.id"]), ("dt", ["p.d.s.dt"])])),
    ("spark", "CREATE TABLE db.t USING delta AS SELECT id FROM db.s",
     lin("create_table_as", "db.t", ["db.s"], [("id", ["db.s.id"])])),
    ("tsql", "SELECT s.id, s.v INTO dbo.t FROM dbo.s AS s",
     lin("create_table_as", "dbo.t", ["dbo.s"], [("id", ["dbo.s.id"]), ("v", ["dbo.s.v"])])),
    ("tsql", "SELECT id INTO #stage FROM dbo.s",
     lin("create_table_as", "#stage", ["dbo.s"], [("id", ["dbo.s.id"])], temporary=True)),
    ("postgres", "CREATE TEMP TABLE tt AS SELECT id FROM st.s",
     lin("create_table_as", "tt", ["st.s"], [("id", ["st.s.id"])], temporary=True)),
    ("postgres", "CREATE TABLE dw.t (a, b) AS SELECT id, name FROM st.s",
     lin("create_table_as", "dw.t", ["st.s"], [("a", ["st.s.id"]), ("b", ["st.s.name"])])),
]


@pytest.mark.parametrize("case", CTAS_CASES, ids=_ids(CTAS_CASES))
def test_create_table_as(case: Case) -> None:
    _run([case])


# ----------------------------------------------------------------- VIEWS
VIEW_CASES: list[Case] = [
    ("postgres", "CREATE VIEW rpt.v AS SELECT id, amount FROM dw.fact",
     lin("create_view", "rpt.v", ["dw.fact"], [("id", ["dw.fact.id"]), ("amount", ["dw.fact.amount"])])),
    ("postgres", "CREATE OR REPLACE VIEW rpt.v (k, total) AS SELECT id, sum(amount) FROM dw.fact GROUP BY id",
     lin("create_view", "rpt.v", ["dw.fact"], [("k", ["dw.fact.id"]), ("total", ["dw.fact.amount"])])),
    ("redshift", "CREATE VIEW rpt.v AS SELECT id FROM dw.fact WITH NO SCHEMA BINDING",
     lin("create_view", "rpt.v", ["dw.fact"], [("id", ["dw.fact.id"])])),
    ("snowflake", "CREATE OR REPLACE SECURE VIEW rpt.v AS SELECT id FROM dw.fact",
     lin("create_view", "rpt.v", ["dw.fact"], [("id", ["dw.fact.id"])])),
    ("bigquery", "CREATE VIEW d.v AS SELECT id FROM d.fact",
     lin("create_view", "d.v", ["d.fact"], [("id", ["d.fact.id"])])),
    ("spark", "CREATE OR REPLACE TEMPORARY VIEW v AS SELECT id FROM db.fact",
     lin("create_view", "v", ["db.fact"], [("id", ["db.fact.id"])], temporary=True)),
    ("tsql", "CREATE VIEW dbo.v AS SELECT f.id FROM dbo.fact AS f",
     lin("create_view", "dbo.v", ["dbo.fact"], [("id", ["dbo.fact.id"])])),
    ("postgres", "CREATE MATERIALIZED VIEW rpt.mv AS SELECT id, count(*) AS n FROM dw.fact GROUP BY id",
     lin("create_materialized_view", "rpt.mv", ["dw.fact"], [("id", ["dw.fact.id"]), ("n", [])])),
    ("redshift", "CREATE MATERIALIZED VIEW rpt.mv AS SELECT id FROM dw.fact",
     lin("create_materialized_view", "rpt.mv", ["dw.fact"], [("id", ["dw.fact.id"])])),
    ("snowflake", "CREATE MATERIALIZED VIEW rpt.mv AS SELECT id FROM dw.fact",
     lin("create_materialized_view", "rpt.mv", ["dw.fact"], [("id", ["dw.fact.id"])])),
    ("bigquery", "CREATE MATERIALIZED VIEW d.mv AS SELECT id FROM d.fact",
     lin("create_materialized_view", "d.mv", ["d.fact"], [("id", ["d.fact.id"])])),
]


@pytest.mark.parametrize("case", VIEW_CASES, ids=_ids(VIEW_CASES))
def test_views(case: Case) -> None:
    _run([case])


# ----------------------------------------------------------------- MERGE
_MERGE_COLUMNS = [("v", ["st.s.v"]), ("id", ["st.s.id"])]
MERGE_CASES: list[Case] = [
    ("postgres", "MERGE INTO dw.t USING st.s ON dw.t.id = st.s.id WHEN MATCHED THEN UPDATE SET v = st.s.v "
                 "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (st.s.id, st.s.v)",
     lin("merge", "dw.t", ["st.s"], _MERGE_COLUMNS)),
    ("redshift", "MERGE INTO dw.t USING st.s AS s ON dw.t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v "
                 "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)",
     lin("merge", "dw.t", ["st.s"], _MERGE_COLUMNS)),
    ("snowflake", "MERGE INTO dw.t AS t USING (SELECT id, max(v) AS v FROM st.s GROUP BY id) AS s ON t.id = s.id "
                  "WHEN MATCHED AND s.v > t.v THEN UPDATE SET t.v = s.v "
                  "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)",
     lin("merge", "dw.t", ["st.s"], _MERGE_COLUMNS)),
    ("bigquery", "MERGE d.t T USING d.s S ON T.id = S.id WHEN MATCHED THEN UPDATE SET v = S.v "
                 "WHEN NOT MATCHED BY TARGET THEN INSERT (id, v) VALUES (S.id, S.v) "
                 "WHEN NOT MATCHED BY SOURCE THEN DELETE",
     lin("merge", "d.t", ["d.s"], [("v", ["d.s.v"]), ("id", ["d.s.id"])])),
    ("spark", "MERGE INTO db.t AS t USING db.s AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.v = s.v "
              "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)",
     lin("merge", "db.t", ["db.s"], [("v", ["db.s.v"]), ("id", ["db.s.id"])])),
    ("tsql", "MERGE dbo.t AS tg USING dbo.s AS src ON tg.id = src.id WHEN MATCHED THEN UPDATE SET tg.v = src.v "
             "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (src.id, src.v);",
     lin("merge", "dbo.t", ["dbo.s"], [("v", ["dbo.s.v"]), ("id", ["dbo.s.id"])])),
    # sources in the matched clauses: a subquery in an UPDATE SET reads its own table
    ("postgres", "MERGE INTO dw.t USING st.s ON dw.t.id = st.s.id WHEN MATCHED THEN UPDATE SET "
                 "v = (SELECT max(r.rate) FROM ref.rates r WHERE r.k = st.s.k) * st.s.amount",
     lin("merge", "dw.t", ["ref.rates", "st.s"], [("v", ["ref.rates.rate", "st.s.amount"])])),
    # SET x = x + 1 reads the target's own column
    ("redshift", "MERGE INTO dw.t USING st.s ON dw.t.id = st.s.id WHEN MATCHED THEN UPDATE SET n = n + st.s.n",
     lin("merge", "dw.t", ["st.s"], [("n", ["dw.t.n", "st.s.n"])])),
]


@pytest.mark.parametrize("case", MERGE_CASES, ids=_ids(MERGE_CASES))
def test_merge(case: Case) -> None:
    _run([case])


def test_merge_star_clauses_and_insert_without_columns() -> None:
    schema = {"db.t": {"id": "int", "v": "int"}, "db.s": {"id": "int", "v": "int"}}
    _run([
        ("databricks", "MERGE INTO db.t USING db.s ON db.t.id = db.s.id WHEN MATCHED THEN UPDATE SET * "
                       "WHEN NOT MATCHED THEN INSERT *",
         lin("merge", "db.t", ["db.s"], [("id", ["db.s.id"]), ("v", ["db.s.v"])])),
        ("snowflake", "MERGE INTO db.t USING db.s ON db.t.id = db.s.id "
                      "WHEN NOT MATCHED THEN INSERT VALUES (db.s.id, db.s.v + 1)",
         lin("merge", "db.t", ["db.s"], [("id", ["db.s.id"]), ("v", ["db.s.v"])])),
    ], schema)
    _run([
        ("databricks", "MERGE INTO db.t USING db.s ON db.t.id = db.s.id WHEN NOT MATCHED THEN INSERT *",
         lin("merge", "db.t", ["db.s"], [("*", ["db.s.*"])], reason="star without schema: db.s.*")),
    ])


# ---------------------------------------------------------------- UPDATE
UPDATE_CASES: list[Case] = [
    ("postgres", "UPDATE dw.t SET a = s.x || s.y FROM st.s AS s WHERE dw.t.id = s.id",
     lin("update", "dw.t", ["st.s"], [("a", ["st.s.x", "st.s.y"])])),
    ("postgres", "UPDATE dw.t SET x = x + 1",
     lin("update", "dw.t", [], [("x", ["dw.t.x"])])),
    ("postgres", "UPDATE dw.t AS t SET total = (SELECT sum(o.amt) FROM st.orders o WHERE o.tid = t.id)",
     lin("update", "dw.t", ["st.orders"], [("total", ["st.orders.amt"])])),
    ("redshift", "UPDATE dw.t SET a = s.x, n = n + 1 FROM st.s s WHERE dw.t.id = s.id",
     lin("update", "dw.t", ["st.s"], [("a", ["st.s.x"]), ("n", ["dw.t.n"])])),
    ("snowflake", "UPDATE dw.t SET t.a = s.x FROM st.s AS s WHERE dw.t.id = s.id",
     lin("update", "dw.t", ["st.s"], [("a", ["st.s.x"])])),
    ("bigquery", "UPDATE d.t SET a = s.x FROM d.s AS s WHERE d.t.id = s.id",
     lin("update", "d.t", ["d.s"], [("a", ["d.s.x"])])),
    ("spark", "UPDATE db.t SET a = 1 WHERE id IN (SELECT id FROM db.bad)",
     lin("update", "db.t", ["db.bad"], [("a", [])])),
    ("tsql", "UPDATE x SET x.a = s.b FROM dbo.t AS x JOIN dbo.s AS s ON x.id = s.id",
     lin("update", "dbo.t", ["dbo.s"], [("a", ["dbo.s.b"])])),
    ("postgres", "WITH s AS (SELECT id, name FROM st.src) UPDATE dw.t SET name = s.name FROM s WHERE s.id = dw.t.id",
     lin("update", "dw.t", ["st.src"], [("name", ["st.src.name"])])),
]


@pytest.mark.parametrize("case", UPDATE_CASES, ids=_ids(UPDATE_CASES))
def test_update(case: Case) -> None:
    _run([case])


# ---------------------------------------------------------------- DELETE
DELETE_CASES: list[Case] = [
    ("postgres", "DELETE FROM dw.t USING st.s WHERE dw.t.id = st.s.id", lin("delete", "dw.t", ["st.s"])),
    ("redshift", "DELETE FROM dw.t USING st.s s WHERE dw.t.id = s.id", lin("delete", "dw.t", ["st.s"])),
    ("snowflake", "DELETE FROM dw.t USING st.s AS s WHERE dw.t.id = s.id", lin("delete", "dw.t", ["st.s"])),
    ("bigquery", "DELETE FROM d.t WHERE id IN (SELECT id FROM d.gone)", lin("delete", "d.t", ["d.gone"])),
    ("spark", "DELETE FROM db.t WHERE dt < '2020-01-01'", lin("delete", "db.t", [])),
    ("tsql", "DELETE x FROM dbo.t AS x JOIN dbo.s AS s ON x.id = s.id", lin("delete", "dbo.t", ["dbo.s"])),
]


@pytest.mark.parametrize("case", DELETE_CASES, ids=_ids(DELETE_CASES))
def test_delete(case: Case) -> None:
    _run([case])


# ------------------------------------------------------------ COPY/UNLOAD
COPY_CASES: list[Case] = [
    ("redshift", "COPY st.events FROM 's3://bucket/raw/events/' IAM_ROLE 'arn:aws:iam::1:role/r' FORMAT AS PARQUET",
     lin("copy", "st.events", ["s3://bucket/raw/events/"])),
    ("redshift", "UNLOAD ('SELECT id, name FROM dw.t WHERE name <> ''x''') TO 's3://bucket/out/' IAM_ROLE 'r'",
     lin("unload", "s3://bucket/out/", ["dw.t"], [("id", ["dw.t.id"]), ("name", ["dw.t.name"])])),
    ("redshift", "UNLOAD ($$SELECT id FROM dw.t WHERE k = 'x'$$) TO 's3://bucket/out/' IAM_ROLE 'r'",
     lin("unload", "s3://bucket/out/", ["dw.t"], [("id", ["dw.t.id"])])),
    ("redshift", "UNLOAD ('SELECT id FROM dw.t WHERE k = \\'x\\'') TO 's3://bucket/out/' IAM_ROLE 'r'",
     lin("unload", "s3://bucket/out/", ["dw.t"], [("id", ["dw.t.id"])])),
    ("snowflake", "COPY INTO st.events FROM @raw_stage/events/ FILE_FORMAT = (TYPE = PARQUET)",
     lin("copy", "st.events", ["@raw_stage/events/"])),
    ("snowflake", "COPY INTO @out_stage/t/ FROM (SELECT id, v FROM dw.t)",
     lin("unload", "@out_stage/t/", ["dw.t"], [("id", ["dw.t.id"]), ("v", ["dw.t.v"])])),
    ("snowflake", "COPY INTO 's3://b/x/' FROM dw.t", lin("unload", "s3://b/x/", ["dw.t"])),
    ("postgres", "COPY st.events FROM '/data/events.csv' WITH (FORMAT csv)",
     lin("copy", "st.events", ["/data/events.csv"])),
    ("postgres", "COPY dw.t TO '/tmp/t.csv'", lin("unload", "/tmp/t.csv", ["dw.t"])),
    ("postgres", "COPY (SELECT id FROM dw.t) TO STDOUT",
     lin("unload", None, ["dw.t"], [("id", ["dw.t.id"])])),
    ("bigquery", "LOAD DATA INTO d.t FROM FILES (format = 'CSV', uris = ['gs://b/x.csv'])",
     lin("copy", "d.t", ["gs://b/x.csv"])),
    ("bigquery", "EXPORT DATA OPTIONS (uri = 'gs://b/out/*.csv', format = 'CSV') AS SELECT id FROM d.t",
     lin("unload", "gs://b/out/*.csv", ["d.t"], [("id", ["d.t.id"])])),
    ("spark", "INSERT OVERWRITE DIRECTORY 's3://b/out/' SELECT id FROM db.t",
     lin("unload", "s3://b/out/", ["db.t"], [("id", ["db.t.id"])])),
]


@pytest.mark.parametrize("case", COPY_CASES, ids=_ids(COPY_CASES))
def test_copy_and_unload(case: Case) -> None:
    _run([case])


# ------------------------------------------------------ DDL and the rest
OTHER_CASES: list[Case] = [
    # plain DDL lists its columns, with nothing flowing into them
    ("postgres", "CREATE TABLE dw.t (id int, v text, PRIMARY KEY (id))",
     lin("create_table", "dw.t", [], [("id", []), ("v", [])])),
    ("redshift", "CREATE TEMPORARY TABLE tt (id int)", lin("create_table", "tt", [], [("id", [])], temporary=True)),
    # LIKE copies a structure: a table-level source, no column lineage
    ("redshift", "CREATE TABLE dw.t2 (LIKE dw.t)", lin("create_table", "dw.t2", ["dw.t"])),
    ("snowflake", "CREATE TABLE dw.t2 LIKE dw.t", lin("create_table", "dw.t2", ["dw.t"])),
    ("snowflake", "CREATE TABLE dw.t2 CLONE dw.t", lin("create_table", "dw.t2", ["dw.t"])),
    ("postgres", "DROP TABLE IF EXISTS dw.t", lin("drop", "dw.t", [])),
    ("tsql", "DROP TABLE #stage", lin("drop", "#stage", [])),
    ("postgres", "ALTER TABLE dw.t_new RENAME TO t", lin("rename", "dw.t", ["dw.t_new"])),
    ("postgres", "GRANT SELECT ON dw.t TO analyst", lin("other", None, [])),
    ("postgres", "TRUNCATE dw.t", lin("other", None, [])),
    ("redshift", "VACUUM dw.t", lin("other", None, [])),
    ("bigquery", "DECLARE x INT64 DEFAULT 1", lin("other", None, [])),
    ("postgres", "", lin("other", None, [])),
    ("postgres", "-- only a comment", lin("other", None, [])),
    ("postgres", "SET search_path TO dw", lin("other", None, [])),
]


@pytest.mark.parametrize("case", OTHER_CASES, ids=_ids(OTHER_CASES))
def test_ddl_and_other(case: Case) -> None:
    _run([case])


def test_clone_copies_columns_when_the_source_schema_is_known() -> None:
    _run([("snowflake", "CREATE TABLE dw.t2 CLONE dw.t",
           lin("create_table", "dw.t2", ["dw.t"], [("a", ["dw.t.a"]), ("b", ["dw.t.b"])]))],
         {"dw.t": {"a": "int", "b": "int"}})
