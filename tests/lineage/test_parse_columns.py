"""Column-level semantics: CTEs, subqueries, set operations, stars, UDTFs, windows, names."""

from __future__ import annotations

from typing import Any

import pytest

from lineage import SchemaIndex, parse_statement
from tests.lineage import lin

Row = tuple[str, str, dict[str, Any]]


def _check(rows: list[Row], schema: dict[str, dict[str, str]] | None = None, **options: Any) -> None:
    for dialect, sql, expected in rows:
        got = parse_statement(sql, dialect=dialect, schema=schema, **options).to_dict()
        assert got == expected, f"{dialect}: {sql}"


def test_ctes_and_nested_subqueries_resolve_to_real_tables() -> None:
    _check([
        ("postgres",
         "WITH a AS (SELECT id, amt FROM st.pay), b AS (SELECT id, sum(amt) AS total FROM a GROUP BY id) "
         "SELECT b.id, b.total * 2 AS dbl FROM b",
         lin("select", None, ["st.pay"], [("id", ["st.pay.id"]), ("dbl", ["st.pay.amt"])])),
        # a CTE named like a real table hides it; the CTE's body reads the real one
        ("postgres", "WITH orders AS (SELECT id, amt FROM raw.orders) SELECT id FROM orders",
         lin("select", None, ["raw.orders"], [("id", ["raw.orders.id"])])),
        ("snowflake", "SELECT x.k FROM (SELECT y.k FROM (SELECT id AS k FROM st.s) y) x",
         lin("select", None, ["st.s"], [("k", ["st.s.id"])])),
        ("bigquery", "SELECT q.id FROM (WITH c AS (SELECT id FROM d.s) SELECT id FROM c) AS q",
         lin("select", None, ["d.s"], [("id", ["d.s.id"])])),
        ("postgres", "WITH c (x, y) AS (SELECT a, b FROM st.s) SELECT y, x FROM c",
         lin("select", None, ["st.s"], [("y", ["st.s.b"]), ("x", ["st.s.a"])])),
        ("postgres", "SELECT q.x FROM (SELECT a, b FROM st.s) AS q (x, y)",
         lin("select", None, ["st.s"], [("x", ["st.s.a"])])),
    ])


def test_recursive_cte() -> None:
    _check([
        ("postgres",
         "WITH RECURSIVE tree AS (SELECT id, parent_id, name FROM org.units WHERE parent_id IS NULL "
         "UNION ALL SELECT u.id, u.parent_id, t.name || '/' || u.name FROM org.units u JOIN tree t ON u.parent_id = t.id) "
         "SELECT id, name AS path FROM tree",
         lin("select", None, ["org.units"], [("id", ["org.units.id"]), ("path", ["org.units.name"])])),
    ])


def test_scalar_subqueries_flow_but_filter_subqueries_do_not() -> None:
    _check([
        ("postgres",
         "SELECT t.id, (SELECT max(r.rate) FROM ref.rates r WHERE r.cur = t.cur) AS rate FROM st.t t "
         "WHERE t.id IN (SELECT id FROM st.ok) AND EXISTS (SELECT 1 FROM st.flags f WHERE f.id = t.id)",
         lin("select", None, ["ref.rates", "st.flags", "st.ok", "st.t"],
             [("id", ["st.t.id"]), ("rate", ["ref.rates.rate"])])),
        # join and filter columns are not lineage
        ("redshift", "SELECT a.v FROM st.a a JOIN st.b b ON a.k = b.k WHERE b.flag GROUP BY a.v HAVING count(b.x) > 1",
         lin("select", None, ["st.a", "st.b"], [("v", ["st.a.v"])])),
        ("postgres", "SELECT CASE WHEN t.k IN (SELECT k FROM st.vip) THEN 'vip' ELSE t.tier END AS tier FROM st.t t",
         lin("select", None, ["st.t", "st.vip"], [("tier", ["st.t.k", "st.t.tier"])])),
    ])


def test_set_operations_union_every_branch_by_position() -> None:
    _check([
        ("postgres", "SELECT id, a AS v FROM st.x UNION SELECT id, b FROM st.y",
         lin("select", None, ["st.x", "st.y"], [("id", ["st.x.id", "st.y.id"]), ("v", ["st.x.a", "st.y.b"])])),
        ("snowflake", "SELECT id FROM st.x INTERSECT SELECT k FROM st.y EXCEPT SELECT z FROM st.w",
         lin("select", None, ["st.w", "st.x", "st.y"], [("id", ["st.w.z", "st.x.id", "st.y.k"])])),
        ("bigquery", "SELECT u.v FROM (SELECT a AS v FROM d.x UNION ALL SELECT b FROM d.y) AS u",
         lin("select", None, ["d.x", "d.y"], [("v", ["d.x.a", "d.y.b"])])),
        ("postgres", "WITH u AS (SELECT a FROM st.x UNION ALL SELECT b FROM st.y) SELECT a FROM u",
         lin("select", None, ["st.x", "st.y"], [("a", ["st.x.a", "st.y.b"])])),
        ("postgres", "INSERT INTO dw.t (k) SELECT a FROM st.x UNION ALL SELECT b FROM st.y",
         lin("insert", "dw.t", ["st.x", "st.y"], [("k", ["st.x.a", "st.y.b"])])),
    ])


def test_windows_aggregates_case_and_functions() -> None:
    _check([
        ("postgres",
         "SELECT ROW_NUMBER() OVER (PARTITION BY t.k ORDER BY t.ts) AS rn, SUM(t.v) OVER w AS run, "
         "COUNT(*) AS n, COALESCE(t.a, t.b, 0) AS ab, CASE WHEN t.c > 0 THEN t.d ELSE t.e END AS de, "
         "CAST(t.f AS int) AS f, t.g::text AS g FROM st.t t WINDOW w AS (ORDER BY t.ts)",
         lin("select", None, ["st.t"], [
             ("rn", ["st.t.k", "st.t.ts"]), ("run", ["st.t.v"]), ("n", []), ("ab", ["st.t.a", "st.t.b"]),
             ("de", ["st.t.c", "st.t.d", "st.t.e"]), ("f", ["st.t.f"]), ("g", ["st.t.g"])])),
        ("spark", "SELECT transform(t.arr, x -> x * t.k) AS scaled FROM db.t t",
         lin("select", None, ["db.t"], [("scaled", ["db.t.arr", "db.t.k"])])),
        ("postgres", "SELECT 1 AS one, 'x' AS s, CURRENT_DATE AS d FROM st.t",
         lin("select", None, ["st.t"], [("one", []), ("s", []), ("d", [])])),
    ])


def test_unnest_lateral_view_flatten_and_lateral_subqueries() -> None:
    _check([
        ("spark", "SELECT s.id, item FROM db.s s LATERAL VIEW explode(s.items) e AS item",
         lin("select", None, ["db.s"], [("id", ["db.s.id"]), ("item", ["db.s.items"])])),
        ("spark", "SELECT id, pos, item FROM db.s LATERAL VIEW OUTER posexplode(items) e AS pos, item",
         lin("select", None, ["db.s"], [("id", ["db.s.id"]), ("pos", ["db.s.items"]), ("item", ["db.s.items"])])),
        ("bigquery", "SELECT o.id, i.sku FROM d.orders o, UNNEST(o.items) AS i",
         lin("select", None, ["d.orders"], [("id", ["d.orders.id"]), ("sku", ["d.orders.items"])])),
        ("bigquery", "SELECT id, tag FROM d.posts CROSS JOIN UNNEST(tags) AS tag",
         lin("select", None, ["d.posts"], [("id", ["d.posts.id"]), ("tag", ["d.posts.tags"])])),
        ("postgres", "SELECT p.id, u.tag FROM st.posts p, unnest(p.tags) AS u(tag)",
         lin("select", None, ["st.posts"], [("id", ["st.posts.id"]), ("tag", ["st.posts.tags"])])),
        ("snowflake", "SELECT t.id, f.value:sku::string AS sku FROM st.t t, LATERAL FLATTEN(input => t.items) f",
         lin("select", None, ["st.t"], [("id", ["st.t.id"]), ("sku", ["st.t.items"])])),
        ("postgres",
         "SELECT c.id, l.last FROM st.c c CROSS JOIN LATERAL (SELECT max(o.ts) AS last FROM st.o o WHERE o.cid = c.id) l",
         lin("select", None, ["st.c", "st.o"], [("id", ["st.c.id"]), ("last", ["st.o.ts"])])),
        ("tsql", "SELECT c.id, l.last FROM dbo.c c CROSS APPLY (SELECT max(o.ts) AS last FROM dbo.o o WHERE o.cid = c.id) l",
         lin("select", None, ["dbo.c", "dbo.o"], [("id", ["dbo.c.id"]), ("last", ["dbo.o.ts"])])),
        ("postgres", "SELECT v.a FROM (VALUES (1, 2)) AS v (a, b)", lin("select", None, [], [("a", [])])),
    ])


def test_struct_fields_trace_to_the_struct_column() -> None:
    _check([
        ("bigquery", "SELECT t.payload.user.id AS uid FROM d.events AS t",
         lin("select", None, ["d.events"], [("uid", ["d.events.payload"])])),
        ("bigquery", "SELECT payload.user AS u FROM d.events",
         lin("select", None, ["d.events"], [("u", ["d.events.payload"])])),
    ])


def test_stars_expand_when_columns_are_known() -> None:
    schema = {
        "st.a": {"id": "int", "x": "int", "y": "int"},
        "st.b": {"id": "int", "z": "int"},
    }
    _check([
        ("postgres", "SELECT * FROM st.a",
         lin("select", None, ["st.a"], [("id", ["st.a.id"]), ("x", ["st.a.x"]), ("y", ["st.a.y"])])),
        ("postgres", "SELECT b.*, a.x FROM st.a a JOIN st.b b ON a.id = b.id",
         lin("select", None, ["st.a", "st.b"], [("id", ["st.b.id"]), ("z", ["st.b.z"]), ("x", ["st.a.x"])])),
        ("postgres", "SELECT * FROM st.a JOIN st.b USING (id)",
         lin("select", None, ["st.a", "st.b"], [("id", ["st.a.id", "st.b.id"]), ("x", ["st.a.x"]),
                                                ("y", ["st.a.y"]), ("z", ["st.b.z"])])),
        ("bigquery", "SELECT * EXCEPT (y) REPLACE (x + 1 AS x) FROM st.a",
         lin("select", None, ["st.a"], [("id", ["st.a.id"]), ("x", ["st.a.x"])])),
        ("snowflake", "SELECT * EXCLUDE (id) FROM st.a",
         lin("select", None, ["st.a"], [("x", ["st.a.x"]), ("y", ["st.a.y"])])),
        # through a subquery, a CTE and a UNION
        ("postgres", "WITH c AS (SELECT * FROM st.b) SELECT q.* FROM (SELECT * FROM c) q",
         lin("select", None, ["st.b"], [("id", ["st.b.id"]), ("z", ["st.b.z"])])),
        ("postgres", "SELECT * FROM (SELECT * FROM st.b UNION ALL SELECT id, x FROM st.a) u",
         lin("select", None, ["st.a", "st.b"], [("id", ["st.a.id", "st.b.id"]), ("z", ["st.a.x", "st.b.z"])])),
        # unqualified columns go to the table that has them
        ("postgres", "SELECT x, z FROM st.a JOIN st.b ON st.a.id = st.b.id",
         lin("select", None, ["st.a", "st.b"], [("x", ["st.a.x"]), ("z", ["st.b.z"])])),
    ], schema)


def test_stars_without_schema_stay_table_stars() -> None:
    _check([
        ("postgres", "SELECT * FROM st.a",
         lin("select", None, ["st.a"], [("*", ["st.a.*"])], reason="star without schema: st.a.*")),
        ("postgres", "SELECT a.*, b.z FROM st.a a JOIN st.b b ON a.id = b.id",
         lin("select", None, ["st.a", "st.b"], [("*", ["st.a.*"]), ("z", ["st.b.z"])],
             reason="star without schema: st.a.*")),
        # known subquery outputs still expand; the unknown part stays a star
        ("postgres", "SELECT * FROM (SELECT id, v FROM st.a) x JOIN st.b ON x.id = st.b.id",
         lin("select", None, ["st.a", "st.b"], [("id", ["st.a.id"]), ("v", ["st.a.v"]), ("*", ["st.b.*"])],
             reason="star without schema: st.b.*")),
        # a named column read through a star subquery traces to the one table behind it
        ("postgres", "SELECT q.name FROM (SELECT * FROM st.a) q",
         lin("select", None, ["st.a"], [("name", ["st.a.name"])])),
        ("postgres", "WITH t2 AS (SELECT * FROM st.t1), t3 AS (SELECT f1, * FROM t2) SELECT * FROM t3",
         lin("select", None, ["st.t1"], [("f1", ["st.t1.f1"]), ("*", ["st.t1.*"])],
             reason="star without schema: st.t1.*")),
    ])


def test_unqualified_columns_without_schema() -> None:
    _check([
        ("postgres", "SELECT a, b FROM st.x", lin("select", None, ["st.x"], [("a", ["st.x.a"]), ("b", ["st.x.b"])])),
        # two tables and no schema: nobody can tell
        ("postgres", "SELECT a, x.b FROM st.x x JOIN st.y y ON x.id = y.id",
         lin("select", None, ["st.x", "st.y"], [("a", []), ("b", ["st.x.b"])], reason="unresolved columns: a")),
        # a subquery whose outputs are known settles it
        ("postgres", "SELECT v, w FROM (SELECT 1 AS v) q JOIN st.y ON true",
         lin("select", None, ["st.y"], [("v", []), ("w", ["st.y.w"])])),
        # correlated subquery: the inner table first, then the outer one
        ("postgres", "SELECT (SELECT max(v) FROM st.u WHERE st.u.k = t.k) AS m FROM st.t t",
         lin("select", None, ["st.t", "st.u"], [("m", ["st.u.v"])])),
    ])


def test_lateral_column_aliases_follow_the_dialect() -> None:
    _check([
        ("snowflake", "SELECT a + 1 AS b, b * 2 AS c FROM st.t",
         lin("select", None, ["st.t"], [("b", ["st.t.a"]), ("c", ["st.t.a"])])),
        ("redshift", "SELECT name AS user_name, user_name || email AS id FROM st.t",
         lin("select", None, ["st.t"], [("user_name", ["st.t.name"]), ("id", ["st.t.email", "st.t.name"])])),
        # Postgres has no lateral aliases: b is the table's column
        ("postgres", "SELECT a + 1 AS b, b * 2 AS c FROM st.t",
         lin("select", None, ["st.t"], [("b", ["st.t.a"]), ("c", ["st.t.b"])])),
    ])
    # a known source column wins over an alias
    _check([("snowflake", "SELECT a + 1 AS b, b * 2 AS c FROM st.t",
             lin("select", None, ["st.t"], [("b", ["st.t.a"]), ("c", ["st.t.b"])]))],
           {"st.t": {"a": "int", "b": "int"}})


def test_names_are_lower_case_unless_quoted() -> None:
    _check([
        ("postgres", 'SELECT "CamelCol", Plain FROM Sales."Orders"',
         lin("select", None, ["sales.Orders"], [("CamelCol", ["sales.Orders.CamelCol"]),
                                                ("plain", ["sales.Orders.plain"])])),
        # Snowflake folds unquoted names to upper case, so "ORDERS" is the same table as orders
        ("snowflake", 'SELECT "ID", "MixedCase" FROM "SALES"."ORDERS"',
         lin("select", None, ["sales.orders"], [("id", ["sales.orders.id"]),
                                                ("MixedCase", ["sales.orders.MixedCase"])])),
        # case-insensitive dialects ignore quotes
        ("bigquery", "SELECT `Id` FROM `Proj.DS.Tbl`", lin("select", None, ["proj.ds.tbl"], [("id", ["proj.ds.tbl.id"])])),
        ("tsql", "SELECT [Id] FROM [DBO].[Tbl]", lin("select", None, ["dbo.tbl"], [("id", ["dbo.tbl.id"])])),
    ])


def test_defaults_qualify_names_as_far_as_they_reach() -> None:
    sql = "INSERT INTO t SELECT a FROM s.src JOIN other ON true"
    got = parse_statement(sql, dialect="postgres", default_db="shop", default_schema="public").to_dict()
    assert got["target"] == "shop.public.t"
    assert got["sources"] == ["shop.public.other", "shop.s.src"]
    got = parse_statement(sql, dialect="postgres", default_db="shop").to_dict()
    assert got["target"] == "t"
    assert got["sources"] == ["other", "shop.s.src"]
    # a CTE is never qualified, nor reported
    got = parse_statement("WITH c AS (SELECT a FROM s) SELECT a FROM c", dialect="postgres",
                          default_schema="public").to_dict()
    assert got["sources"] == ["public.s"]
    assert got["columns"] == [{"column": "a", "sources": ["public.s.a"]}]


def test_schema_keys_match_however_the_sql_qualifies_tables() -> None:
    schema = {"SHOP.Sales.Orders": {"ID": "int", "Amount": "decimal"}}
    for sql in ("SELECT * FROM orders", "SELECT * FROM sales.orders", "SELECT * FROM shop.sales.orders"):
        got = parse_statement(sql, dialect="postgres", schema=schema).to_dict()
        assert [c["column"] for c in got["columns"]] == ["id", "amount"], sql
    # an ambiguous short name is not guessed
    two = {"a.orders": {"x": "int"}, "b.orders": {"y": "int"}}
    got = parse_statement("SELECT * FROM orders", dialect="postgres", schema=two).to_dict()
    assert got["columns"] == [{"column": "*", "sources": ["orders.*"]}]
    # a prebuilt index gives the same answer
    index = SchemaIndex.from_mapping(schema)
    assert parse_statement("SELECT * FROM orders", schema=index) == parse_statement("SELECT * FROM orders",
                                                                                     schema=schema)


@pytest.mark.parametrize("dialect", ["postgres", "redshift", "snowflake", "bigquery", "spark", "tsql"])
def test_same_lineage_in_every_dialect(dialect: str) -> None:
    sql = ("WITH recent AS (SELECT o.id, o.cid, o.total FROM shop.orders o WHERE o.total > 0) "
           "INSERT INTO shop.summary (cid, spend, n) "
           "SELECT c.id, SUM(r.total), COUNT(r.id) FROM recent r JOIN shop.customers c ON c.id = r.cid GROUP BY c.id")
    got = parse_statement(sql, dialect=dialect).to_dict()
    assert got == lin("insert", "shop.summary", ["shop.customers", "shop.orders"],
                      [("cid", ["shop.customers.id"]), ("spend", ["shop.orders.total"]), ("n", ["shop.orders.id"])])
