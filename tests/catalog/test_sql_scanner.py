"""The sql scanner: DDL files in many dialects -> datasets, problems -> the report."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from catalog.model import Dataset, Partitioning, PartitionKey
from catalog.report import ScanReport
from catalog.scanners import get_scanner
from catalog.scanners.base import ScanContext, SourceSpec
from catalog.scanners.sql import scan, valid_dialects

ColumnSpec = tuple[str, str, bool, str, tuple[str, ...]]


def _scan(
    tmp_path: Path,
    files: dict[str, str | bytes],
    *,
    kind: str = "sql",
    section: str | None = None,
    layer: str | None = None,
    **options: object,
) -> tuple[dict[str, Dataset], ScanReport]:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    options.setdefault("paths", ["ddl/*.sql"])
    report = ScanReport()
    source = SourceSpec(
        kind=kind, options=dict(options), section=section, layer=layer, origin="catalog.yaml:4:5"
    )
    datasets = list(scan(source, report=report, context=ScanContext(base_dir=tmp_path)))
    return {d.name: d for d in datasets}, report


def _columns(dataset: Dataset) -> list[ColumnSpec]:
    return [(c.name, c.type, c.nullable, c.description, c.constraints) for c in dataset.columns]


def _problems(report: ScanReport) -> list[str]:
    return [str(p) for p in report.problems]


# ---------------------------------------------------------------- dialect table

CASES: list[dict[str, object]] = [
    {
        "id": "postgres",
        "dialect": "postgres",
        "sql": """
-- orders, as pg_dump would not write them
CREATE TABLE IF NOT EXISTS sales.orders (
    id bigint PRIMARY KEY,
    amount numeric(10, 2) NOT NULL CHECK (amount > 0),
    customer_id int REFERENCES sales.customers (id),
    status varchar(20) DEFAULT 'new',
    tags text[],
    created_at timestamptz NOT NULL,
    code char(3) NULL,
    UNIQUE (status),
    CONSTRAINT orders_code_ck CHECK (code <> 'xxx')
);
""",
        "name": "sales.orders",
        "kind": "table",
        "columns": [
            ("id", "bigint", False, "", ("PRIMARY KEY",)),
            ("amount", "decimal(10,2)", False, "", ("CHECK (amount > 0)",)),
            ("customer_id", "int", True, "", ("FOREIGN KEY -> sales.customers(id)",)),
            ("status", "varchar(20)", True, "", ("UNIQUE", "DEFAULT 'new'")),
            ("tags", "array<string>", True, "", ()),
            ("created_at", "timestamptz", False, "", ()),
            ("code", "char(3)", True, "", ("CHECK (code <> 'xxx')",)),
        ],
        "properties": {"defined_in": "ddl/x.sql:3"},
    },
    {
        "id": "redshift",
        "dialect": "redshift",
        "sql": """
CREATE TABLE analytics.events (
    event_id BIGINT IDENTITY(1, 1) ENCODE az64 DISTKEY,
    event_ts TIMESTAMP NOT NULL SORTKEY,
    payload SUPER,
    name VARCHAR(MAX) ENCODE zstd
) DISTSTYLE KEY;
""",
        "name": "analytics.events",
        "kind": "table",
        "columns": [
            ("event_id", "bigint", True, "", ("DISTKEY", "IDENTITY")),
            ("event_ts", "timestamp", False, "", ("SORTKEY",)),
            ("payload", "json", True, "", ()),
            ("name", "string", True, "", ()),
        ],
        "properties": {
            "defined_in": "ddl/x.sql:2",
            "diststyle": "KEY",
            "distkey": "event_id",
            "sortkey": "event_ts",
            "encode.event_id": "az64",
            "encode.name": "zstd",
        },
    },
    {
        "id": "redshift-table-keys",
        "dialect": "redshift",
        "sql": """CREATE TABLE gold.sales (sale_id INT NOT NULL, sold_on DATE, region CHAR(2))
DISTKEY (sale_id) INTERLEAVED SORTKEY (sold_on, region) ENCODE AUTO;""",
        "name": "gold.sales",
        "kind": "table",
        "layer": "gold",
        "columns": [
            ("sale_id", "int", False, "", ("DISTKEY",)),
            ("sold_on", "date", True, "", ("SORTKEY",)),
            ("region", "char(2)", True, "", ("SORTKEY",)),
        ],
        "properties": {
            "defined_in": "ddl/x.sql:1",
            "distkey": "sale_id",
            "sortkey": "sold_on, region",
            "sortkey_style": "INTERLEAVED",
            "encode": "AUTO",
        },
    },
    {
        "id": "redshift-compound",
        "dialect": "redshift",
        "sql": "CREATE TABLE t (a INT, b INT) DISTSTYLE ALL COMPOUND SORTKEY (a, b);",
        "name": "t",
        "kind": "table",
        "columns": [("a", "int", True, "", ("SORTKEY",)), ("b", "int", True, "", ("SORTKEY",))],
        "properties": {
            "defined_in": "ddl/x.sql:1",
            "diststyle": "ALL",
            "sortkey": "a, b",
            "sortkey_style": "COMPOUND",
        },
    },
    {
        "id": "redshift-spectrum",
        "dialect": "redshift",
        "sql": """CREATE EXTERNAL TABLE spectrum.clicks (url VARCHAR(2048), ms INT)
PARTITIONED BY (dt DATE) STORED AS PARQUET LOCATION 's3://lake/clicks/';""",
        "name": "spectrum.clicks",
        "kind": "external table",
        "location": "s3://lake/clicks/",
        "format": "parquet",
        "partitioning": Partitioning(keys=(PartitionKey("dt", "date"),)),
        "columns": [
            ("url", "varchar(2048)", True, "", ()),
            ("ms", "int", True, "", ()),
            ("dt", "date", True, "", ("partition key",)),
        ],
        "properties": {
            "defined_in": "ddl/x.sql:1",
            "location": "s3://lake/clicks/",
            "partition_by": "dt",
            "stored_as": "PARQUET",
        },
    },
    {
        "id": "snowflake",
        "dialect": "snowflake",
        "sql": """CREATE OR REPLACE TRANSIENT TABLE raw.crm.contacts (
    id NUMBER(38, 0) NOT NULL AUTOINCREMENT COMMENT 'surrogate key',
    email VARCHAR(320) UNIQUE,
    attrs VARIANT,
    created TIMESTAMP_NTZ DEFAULT CURRENT_TIMESTAMP()
) CLUSTER BY (created) COMMENT = 'CRM contacts';""",
        "name": "raw.crm.contacts",
        "kind": "table",
        "description": "CRM contacts",
        "columns": [
            ("id", "decimal(38,0)", False, "surrogate key", ("AUTO_INCREMENT",)),
            ("email", "varchar(320)", True, "", ("UNIQUE",)),
            ("attrs", "variant", True, "", ()),
            ("created", "timestamp", True, "", ("DEFAULT CURRENT_TIMESTAMP()",)),
        ],
        "properties": {"defined_in": "ddl/x.sql:1", "cluster_by": "created", "transient": "true"},
    },
    {
        "id": "bigquery",
        "dialect": "bigquery",
        "sql": """CREATE TABLE `shop-prod.silver.orders` (
  order_id STRING NOT NULL OPTIONS(description='Order key'),
  items ARRAY<STRUCT<sku STRING, qty INT64, price NUMERIC(10, 2)>>,
  ordered_at TIMESTAMP
)
PARTITION BY DATE(ordered_at)
CLUSTER BY order_id
OPTIONS(description='Orders', partition_expiration_days=30);""",
        "name": "shop-prod.silver.orders",
        "kind": "table",
        "layer": "silver",
        "description": "Orders",
        "partitioning": Partitioning(keys=(PartitionKey("ordered_at", "timestamptz"),)),
        "columns": [
            ("order_id", "string", False, "Order key", ()),
            ("items", "array<struct<sku:string,qty:bigint,price:decimal(10,2)>>", True, "", ()),
            ("ordered_at", "timestamptz", True, "", ("partition key",)),
        ],
        "children": {"items": [("sku", "string"), ("qty", "bigint"), ("price", "decimal(10,2)")]},
        "properties": {
            "defined_in": "ddl/x.sql:1",
            "partition_by": "DATE(ordered_at)",
            "cluster_by": "order_id",
            "partition_expiration_days": "30",
        },
    },
    {
        "id": "hive",
        "dialect": "hive",
        "sql": """CREATE EXTERNAL TABLE IF NOT EXISTS bronze.customer_events (
  event_id STRING COMMENT 'Unique event identifier',
  items ARRAY<STRUCT<product_id:STRING, price:DECIMAL(10,2)>>,
  attrs MAP<STRING, STRING>
)
COMMENT 'Raw events'
PARTITIONED BY (year INT, month STRING)
CLUSTERED BY (event_id) INTO 8 BUCKETS
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
STORED AS PARQUET
LOCATION 's3://lake/bronze/customer_events/'
TBLPROPERTIES ('parquet.compression'='SNAPPY', 'classification'='parquet');""",
        "name": "bronze.customer_events",
        "kind": "external table",
        "layer": "bronze",
        "description": "Raw events",
        "location": "s3://lake/bronze/customer_events/",
        "format": "parquet",
        "partitioning": Partitioning(keys=(PartitionKey("year", "int"), PartitionKey("month", "string"))),
        "columns": [
            ("event_id", "string", True, "Unique event identifier", ()),
            ("items", "array<struct<product_id:string,price:decimal(10,2)>>", True, "", ()),
            ("attrs", "map<string,string>", True, "", ()),
            ("year", "int", True, "", ("partition key",)),
            ("month", "string", True, "", ("partition key",)),
        ],
        "children": {"items": [("product_id", "string"), ("price", "decimal(10,2)")]},
        "properties": {
            "defined_in": "ddl/x.sql:1",
            "partition_by": "year, month",
            "clustered_by": "event_id",
            "buckets": "8",
            "row_format": "SERDE",
            "serde": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
            "stored_as": "PARQUET",
            "location": "s3://lake/bronze/customer_events/",
            "tblproperties.parquet.compression": "SNAPPY",
            "tblproperties.classification": "parquet",
        },
    },
    {
        "id": "athena-csv",
        "dialect": "athena",
        "sql": """CREATE EXTERNAL TABLE exports.daily (
  day DATE, total DOUBLE
) PARTITIONED BY (dt STRING)
ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
STORED AS TEXTFILE
LOCATION 's3://exports/daily/';""",
        "name": "exports.daily",
        "kind": "external table",
        "location": "s3://exports/daily/",
        "format": "csv",
        "partitioning": Partitioning(keys=(PartitionKey("dt", "string"),)),
        "columns": [
            ("day", "date", True, "", ()),
            ("total", "double", True, "", ()),
            ("dt", "string", True, "", ("partition key",)),
        ],
        "properties": {
            "defined_in": "ddl/x.sql:1",
            "partition_by": "dt",
            "row_format": "DELIMITED",
            "fields_terminated_by": ",",
            "stored_as": "TEXTFILE",
            "location": "s3://exports/daily/",
        },
    },
    {
        "id": "spark-delta",
        "dialect": "databricks",
        "sql": """CREATE TABLE silver.sessions (
  session_id STRING NOT NULL COMMENT 'id',
  started_at TIMESTAMP,
  country STRING
) USING DELTA PARTITIONED BY (country) LOCATION 's3://lake/silver/sessions'
COMMENT 'Web sessions' TBLPROPERTIES ('delta.appendOnly' = 'true');""",
        "name": "silver.sessions",
        "kind": "table",
        "layer": "silver",
        "description": "Web sessions",
        "location": "s3://lake/silver/sessions",
        "format": "delta",
        "partitioning": Partitioning(keys=(PartitionKey("country", "string"),)),
        # Spark 3 / Databricks TIMESTAMP is an instant (TIMESTAMP_LTZ), so it maps to timestamptz.
        "columns": [
            ("session_id", "string", False, "id", ()),
            ("started_at", "timestamptz", True, "", ()),
            ("country", "string", True, "", ("partition key",)),
        ],
        "properties": {
            "defined_in": "ddl/x.sql:1",
            "using": "delta",
            "partition_by": "country",
            "location": "s3://lake/silver/sessions",
            "tblproperties.delta.appendOnly": "true",
        },
    },
    {
        "id": "trino",
        "dialect": "trino",
        "sql": """CREATE TABLE hive.web.hits (url varchar, hits bigint, ds varchar)
WITH (format = 'ORC', partitioned_by = ARRAY['ds'], external_location = 's3://lake/hits/');""",
        "name": "hive.web.hits",
        "kind": "external table",
        "location": "s3://lake/hits/",
        "format": "orc",
        "partitioning": Partitioning(keys=(PartitionKey("ds", "string"),)),
        "columns": [
            ("url", "string", True, "", ()),
            ("hits", "bigint", True, "", ()),
            ("ds", "string", True, "", ("partition key",)),
        ],
        "properties": {"defined_in": "ddl/x.sql:1", "partition_by": "ds", "location": "s3://lake/hits/"},
    },
    {
        "id": "mysql",
        "dialect": "mysql",
        "sql": """CREATE TABLE `shop`.`customers` (
  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,
  `email` VARCHAR(255) NOT NULL COMMENT 'login',
  `tier` ENUM('free','pro') DEFAULT 'free',
  `referrer_id` INT UNSIGNED,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_email` (`email`),
  KEY `ix_tier` (`tier`),
  CONSTRAINT `fk_ref` FOREIGN KEY (`referrer_id`) REFERENCES `customers` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='Customers';""",
        "name": "shop.customers",
        "kind": "table",
        "description": "Customers",
        "columns": [
            ("id", "bigint", False, "", ("PRIMARY KEY", "AUTO_INCREMENT")),
            ("email", "varchar(255)", False, "login", ("UNIQUE",)),
            ("tier", "enum('free','pro')", True, "", ("DEFAULT 'free'",)),
            ("referrer_id", "bigint", True, "", ("FOREIGN KEY -> customers(id)",)),
        ],
        "properties": {"defined_in": "ddl/x.sql:1", "engine": "InnoDB", "character_set": "utf8mb4"},
    },
    {
        "id": "tsql",
        "dialect": "tsql",
        "sql": """CREATE TABLE [dbo].[Orders] (
  [OrderId] INT IDENTITY(1,1) NOT NULL,
  [Total] MONEY NULL,
  CONSTRAINT [PK_Orders] PRIMARY KEY CLUSTERED ([OrderId] ASC)
)
GO""",
        "name": "dbo.Orders",
        "kind": "table",
        "columns": [
            ("OrderId", "int", False, "", ("PRIMARY KEY", "IDENTITY")),
            ("Total", "money", True, "", ()),
        ],
        "properties": {"defined_in": "ddl/x.sql:1"},
    },
    {
        "id": "duckdb-nested",
        "dialect": "duckdb",
        "sql": "CREATE TABLE t (s STRUCT(a INT, b VARCHAR[]), m MAP(VARCHAR, DOUBLE), u UBIGINT);",
        "name": "t",
        "kind": "table",
        "columns": [
            ("s", "struct<a:int,b:array<string>>", True, "", ()),
            ("m", "map<string,double>", True, "", ()),
            ("u", "bigint", True, "", ()),
        ],
        "children": {"s": [("a", "int"), ("b", "array<string>")]},
        "properties": {"defined_in": "ddl/x.sql:1"},
    },
]


@pytest.mark.parametrize("case", CASES, ids=[str(c["id"]) for c in CASES])
def test_create_table_across_dialects(tmp_path: Path, case: dict[str, object]) -> None:
    datasets, report = _scan(tmp_path, {"ddl/x.sql": str(case["sql"])}, dialect=case["dialect"])
    assert _problems(report) == []
    assert list(datasets) == [case["name"]]
    ds = datasets[str(case["name"])]
    assert ds.id == f"sql:{case['name']}"
    assert ds.source == "sql"
    assert ds.kind == case["kind"]
    assert ds.section == "internal"
    assert ds.layer == case.get("layer")
    assert ds.description == case.get("description", "")
    assert ds.location == case.get("location", "")
    assert ds.format == case.get("format", "")
    assert ds.partitioning == case.get("partitioning")
    assert _columns(ds) == case["columns"]
    assert ds.properties == case["properties"]
    for column, children in dict(case.get("children", {})).items():  # type: ignore[arg-type]
        assert [
            (c.name, c.type) for c in ds.columns[[c.name for c in ds.columns].index(column)].children
        ] == children


# ---------------------------------------------------------------- COMMENT ON, ALTER TABLE


def test_comment_on_applies_across_files_in_any_order(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/a_comments.sql": """
COMMENT ON TABLE sales.orders IS 'One row per order';
COMMENT ON COLUMN sales.orders.id IS 'Order id';
COMMENT ON COLUMN sales.orders.note IS 'It''s free text';
COMMENT ON COLUMN sales.orders.note IS NULL;
COMMENT ON VIEW sales.big_orders IS 'Orders over 100';
COMMENT ON MATERIALIZED VIEW sales.daily IS 'Per day';
COMMENT ON COLUMN sales.big_orders.id IS 'Big order id';
COMMENT ON SCHEMA sales IS 'ignored: schemas are not datasets';
COMMENT ON TABLE sales.missing IS 'nobody';
COMMENT ON COLUMN sales.orders.missing IS 'nobody';
""",
            "ddl/b_tables.sql": """
CREATE TABLE sales.orders (id bigint, amount numeric(10,2), note text);
CREATE VIEW sales.big_orders AS SELECT id FROM sales.orders WHERE amount > 100;
CREATE MATERIALIZED VIEW sales.daily AS SELECT count(*) AS n FROM sales.orders;
""",
        },
        dialect="postgres",
    )
    orders = datasets["sales.orders"]
    assert orders.description == "One row per order"
    assert [(c.name, c.description) for c in orders.columns] == [
        ("id", "Order id"),
        ("amount", ""),
        ("note", ""),
    ]
    assert datasets["sales.big_orders"].description == "Orders over 100"
    assert datasets["sales.big_orders"].columns[0].description == "Big order id"
    assert datasets["sales.daily"].description == "Per day"
    assert _problems(report) == [
        "ddl/a_comments.sql:10: warning: COMMENT ON TABLE sales.missing: not defined in this source; skipped",
        "ddl/a_comments.sql:11: warning: COMMENT ON COLUMN sales.orders.missing: no such column; skipped",
    ]


def test_inline_comments_and_alter_column_comments(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/x.sql": """
CREATE TABLE s.t (a INT COMMENT 'first', b STRING) COMMENT = 'table';
ALTER TABLE s.t ALTER COLUMN b COMMENT 'second';
ALTER TABLE s.t SET COMMENT = 'changed';
"""
        },
        dialect="snowflake",
    )
    assert _problems(report) == []
    t = datasets["s.t"]
    assert t.description == "changed"
    assert [(c.name, c.description) for c in t.columns] == [("a", "first"), ("b", "second")]


def test_alter_table_add_columns(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/1_alter.sql": """
ALTER TABLE app.users ADD COLUMN last_login timestamp NOT NULL;
ALTER TABLE app.users ADD COLUMN a int, ADD COLUMN b text DEFAULT 'x';
ALTER TABLE app.users ADD COLUMN email text;
ALTER TABLE app.users ADD COLUMN IF NOT EXISTS email text;
ALTER TABLE app.nobody ADD COLUMN x int;
""",
            "ddl/2_create.sql": "CREATE TABLE app.users (id int PRIMARY KEY, email varchar(100));",
        },
        dialect="postgres",
    )
    assert _columns(datasets["app.users"]) == [
        ("id", "int", False, "", ("PRIMARY KEY",)),
        ("email", "varchar(100)", True, "", ()),
        ("last_login", "timestamp", False, "", ()),
        ("a", "int", True, "", ()),
        ("b", "string", True, "", ("DEFAULT 'x'",)),
    ]
    assert _problems(report) == [
        "ddl/1_alter.sql:4: warning: ALTER TABLE app.users: column email already exists; "
        "kept the first definition",
        "ddl/1_alter.sql:6: warning: ALTER TABLE app.nobody: table is not defined in this source; skipped",
    ]


@pytest.mark.parametrize(
    ("dialect", "alter", "expected"),
    [
        (
            "spark",
            "ALTER TABLE t ADD COLUMNS (c INT COMMENT 'see', d STRING)",
            [("a", "int"), ("b", "int"), ("c", "int"), ("d", "string")],
        ),
        (
            "mysql",
            "ALTER TABLE t ADD COLUMN c INT AFTER a, ADD COLUMN d INT FIRST",
            [("d", "int"), ("a", "int"), ("c", "int"), ("b", "int")],
        ),
        (
            "snowflake",
            "ALTER TABLE t ADD COLUMN c INT, d VARCHAR",
            [("a", "int"), ("b", "int"), ("c", "int"), ("d", "string")],
        ),
        (
            "bigquery",
            "ALTER TABLE t ADD COLUMN c INT64, ADD COLUMN d STRING",
            [("a", "bigint"), ("b", "bigint"), ("c", "bigint"), ("d", "string")],
        ),
    ],
)
def test_alter_table_add_several_columns_per_dialect(
    tmp_path: Path, dialect: str, alter: str, expected: list[tuple[str, str]]
) -> None:
    int_type = "INT64" if dialect == "bigquery" else "INT"
    sql = f"CREATE TABLE t (a {int_type}, b {int_type});\n{alter};"
    datasets, report = _scan(tmp_path, {"ddl/x.sql": sql}, dialect=dialect)
    assert _problems(report) == []
    assert [(c.name, c.type) for c in datasets["t"].columns] == expected


def test_pg_dump_style_alters(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/dump.sql": """
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.orders (id integer NOT NULL, customer_id integer, legacy text, amt numeric);
CREATE SEQUENCE public.orders_id_seq AS integer START WITH 1;
ALTER TABLE public.orders OWNER TO app;
ALTER TABLE ONLY public.orders ALTER COLUMN id SET DEFAULT nextval('public.orders_id_seq'::regclass);
ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_customer_fk
    FOREIGN KEY (customer_id) REFERENCES public.customers(id);
ALTER TABLE public.orders DROP COLUMN legacy;
ALTER TABLE public.orders RENAME COLUMN amt TO amount;
ALTER TABLE public.orders ALTER COLUMN amount TYPE numeric(12,2), ALTER COLUMN amount SET NOT NULL;
CREATE INDEX orders_customer_idx ON public.orders USING btree (customer_id);
GRANT SELECT ON public.orders TO reporting;
COPY public.orders (id, customer_id, amount) FROM stdin;
1\t7\t9.99
\\.
"""
        },
        dialect="postgres",
    )
    assert _problems(report) == []
    assert _columns(datasets["public.orders"]) == [
        (
            "id",
            "int",
            False,
            "",
            ("PRIMARY KEY", "DEFAULT NEXTVAL(CAST('public.orders_id_seq' AS REGCLASS))"),
        ),
        ("customer_id", "int", True, "", ("FOREIGN KEY -> public.customers(id)",)),
        ("amount", "decimal(12,2)", False, "", ()),
    ]


def test_alter_rename_table_keeps_the_schema(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/x.sql": """
CREATE TABLE s.old_name (a int);
ALTER TABLE s.old_name RENAME TO new_name;
COMMENT ON TABLE s.new_name IS 'renamed';
"""
        },
        dialect="postgres",
    )
    assert _problems(report) == []
    assert list(datasets) == ["s.new_name"]
    assert datasets["s.new_name"].id == "sql:s.new_name"
    assert datasets["s.new_name"].description == "renamed"
    assert datasets["s.new_name"].properties == {"defined_in": "ddl/x.sql:2"}


def test_table_level_constraints_land_on_their_columns(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/x.sql": """
CREATE TABLE s.lines (
  order_id int, line_no int, sku text, qty int,
  PRIMARY KEY (order_id, line_no),
  UNIQUE (sku, qty),
  FOREIGN KEY (order_id, sku) REFERENCES s.skus (o, code),
  CONSTRAINT qty_ck CHECK (qty > 0 AND qty < line_no)
);"""
        },
        dialect="postgres",
    )
    assert _problems(report) == []
    assert _columns(datasets["s.lines"]) == [
        ("order_id", "int", False, "", ("PRIMARY KEY (order_id, line_no)", "FOREIGN KEY -> s.skus(o)")),
        (
            "line_no",
            "int",
            False,
            "",
            ("PRIMARY KEY (order_id, line_no)", "CHECK (qty > 0 AND qty < line_no)"),
        ),
        ("sku", "string", True, "", ("UNIQUE (sku, qty)", "FOREIGN KEY -> s.skus(code)")),
        ("qty", "int", True, "", ("UNIQUE (sku, qty)", "CHECK (qty > 0 AND qty < line_no)")),
    ]


# ---------------------------------------------------------------- views and CTAS


def test_views_and_ctas_take_columns_from_the_projection(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/a_views.sql": """
CREATE VIEW gold.top_customers (customer, spent) AS
  -- biggest spenders
  SELECT c.name, sum(o.amount)
  FROM silver.orders o JOIN silver.customers c ON c.id = o.customer_id GROUP BY 1;
CREATE OR REPLACE VIEW gold.order_view AS
  SELECT o.*, upper(status) AS status_uc, 1 AS one, count(*) OVER () FROM silver.orders o;
CREATE VIEW gold.on_view AS SELECT one, status_uc FROM gold.order_view;
CREATE VIEW gold.opaque AS SELECT x.*, y.a FROM elsewhere.t x, elsewhere.u y;
CREATE TABLE gold.snapshot AS SELECT id, amount * 2 AS double_amount FROM silver.orders;
""",
            "ddl/b_tables.sql": """
CREATE TABLE silver.orders (id bigint NOT NULL, customer_id int, amount numeric(10,2), status varchar(10));
CREATE TABLE silver.customers (id int, name text);
""",
        },
        dialect="postgres",
    )
    assert _problems(report) == []
    top = datasets["gold.top_customers"]
    assert top.kind == "view"
    assert top.layer == "gold"
    assert [(c.name, c.type) for c in top.columns] == [("customer", "string"), ("spent", "decimal(10,2)")]
    assert top.properties["_sql"] == (
        "SELECT c.name, sum(o.amount)\n"
        "  FROM silver.orders o JOIN silver.customers c ON c.id = o.customer_id GROUP BY 1"
    )
    assert [(c.name, c.type) for c in datasets["gold.order_view"].columns] == [
        ("id", "bigint"),
        ("customer_id", "int"),
        ("amount", "decimal(10,2)"),
        ("status", "varchar(10)"),
        ("status_uc", "string"),
        ("one", "int"),
        ("_col_6", "bigint"),
    ]
    assert [(c.name, c.type) for c in datasets["gold.on_view"].columns] == [
        ("one", "int"),
        ("status_uc", "string"),
    ]
    opaque = datasets["gold.opaque"]
    assert [(c.name, c.type) for c in opaque.columns] == [("a", "unknown")]
    assert opaque.properties["_columns_incomplete"] == "true"
    snapshot = datasets["gold.snapshot"]
    assert snapshot.kind == "table"
    assert [(c.name, c.type) for c in snapshot.columns] == [
        ("id", "bigint"),
        ("double_amount", "decimal(10,2)"),
    ]
    assert snapshot.properties["_sql"] == "SELECT id, amount * 2 AS double_amount FROM silver.orders"


def test_materialized_view_and_view_column_comments(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/x.sql": """
CREATE MATERIALIZED VIEW mart.daily AS SELECT CAST(ts AS date) AS day, 'x' AS tag FROM raw.events;
CREATE VIEW mart.v (a COMMENT 'first', b) COMMENT = 'described' AS SELECT 1, 2;
"""
        },
        dialect="snowflake",
    )
    assert _problems(report) == []
    daily = datasets["mart.daily"]
    assert daily.kind == "materialized view"
    assert [(c.name, c.type) for c in daily.columns] == [("day", "date"), ("tag", "string")]
    v = datasets["mart.v"]
    assert v.description == "described"
    assert [(c.name, c.type, c.description) for c in v.columns] == [("a", "int", "first"), ("b", "int", "")]


def test_create_table_like_copies_columns(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/x.sql": """
CREATE TABLE s.copy (LIKE s.base);
CREATE TABLE s.base (id int NOT NULL, name text);
"""
        },
        dialect="postgres",
    )
    assert _problems(report) == []
    assert _columns(datasets["s.copy"]) == [("id", "int", False, "", ()), ("name", "string", True, "", ())]


# ---------------------------------------------------------------- what is skipped, silently or not


def test_non_ddl_and_other_objects_are_ignored_silently(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/x.sql": """
SET search_path = app;
BEGIN;
INSERT INTO t VALUES (1, 'a;b');
SELECT * FROM t;
UPDATE t SET a = 2;
GRANT SELECT ON t TO bob;
DROP TABLE IF EXISTS t;
CREATE TABLE t (a int);
CREATE INDEX t_a ON t (a);
CREATE UNIQUE INDEX t_b ON t (a);
CREATE SCHEMA IF NOT EXISTS app;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.a := 1; RETURN NEW; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
DO $$ BEGIN PERFORM 1; END $$;
COMMIT;
"""
        },
        dialect="postgres",
    )
    assert _problems(report) == []
    assert list(datasets) == ["t"]


def test_temporary_tables_are_skipped_with_their_alters_and_comments(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/x.sql": """
CREATE TEMPORARY TABLE scratch (a int);
CREATE TEMP VIEW tv AS SELECT 1 AS a;
ALTER TABLE scratch ADD COLUMN b int;
COMMENT ON TABLE scratch IS 'tmp';
COMMENT ON COLUMN scratch.a IS 'tmp';
CREATE TABLE kept (a int);
"""
        },
        dialect="postgres",
    )
    assert _problems(report) == []
    assert list(datasets) == ["kept"]


def test_unparseable_statement_is_an_error_at_its_file_line_and_column(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/warehouse.sql": """CREATE TABLE a (x int);

-- the next one is broken
CREATE TABLE broken (
    ok int,
    bad int int,
    also int
);
CREATE TABLE c (y int);
"""
        },
        dialect="postgres",
    )
    assert sorted(datasets) == ["a", "c"]
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert (problem.severity, problem.path, problem.line, problem.column) == (
        "error",
        "ddl/warehouse.sql",
        6,
        13,
    )
    assert problem.message == "cannot parse statement: Expecting ) near 'int'"
    assert problem.source == "sql ddl/*.sql"


def test_parse_error_on_the_first_line_of_an_indented_statement(tmp_path: Path) -> None:
    _, report = _scan(
        tmp_path, {"ddl/x.sql": "select 1;   CREATE TABLE t (a int b int);"}, dialect="postgres"
    )
    assert [(p.line, p.column) for p in report.errors] == [(1, 35)]


def test_unterminated_string_is_an_error_at_the_statement(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {"ddl/x.sql": "CREATE TABLE ok (a int);\n  CREATE TABLE t (a text DEFAULT 'oops);\n"},
        dialect="postgres",
    )
    assert list(datasets) == ["ok"]
    assert _problems(report) == [
        "ddl/x.sql:2:3: error: cannot parse statement: unterminated string, quoted name or comment"
    ]


def test_typo_in_a_keyword_is_reported(tmp_path: Path) -> None:
    _, report = _scan(tmp_path, {"ddl/x.sql": "CRATE TABLE t (a int);"}, dialect="postgres")
    assert [(p.severity, p.path, p.line) for p in report.problems] == [("error", "ddl/x.sql", 1)]


def test_create_that_sqlglot_keeps_as_a_command_is_a_warning(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    filters_before = list(logging.getLogger("sqlglot").filters)
    datasets, report = _scan(
        tmp_path,
        {"ddl/x.sql": "CREATE TABLE t (a int) FROBNICATE 7;\nCREATE TABLE u (b int);"},
        dialect="postgres",
    )
    assert list(datasets) == ["u"]
    assert _problems(report) == [
        "ddl/x.sql:1:1: warning: CREATE TABLE statement not understood by the SQL parser, skipped"
    ]
    assert [r for r in caplog.records if r.name.startswith("sqlglot")] == []
    assert capfd.readouterr().err == ""
    assert logging.getLogger("sqlglot").filters == filters_before


def test_duplicate_definition_warns_with_both_places_and_the_later_wins(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/a.sql": "\nCREATE TABLE s.t (old int);",
            "ddl/b.sql": "\n\n\nCREATE TABLE IF NOT EXISTS s.t (new int);",
        },
        dialect="postgres",
    )
    assert [c.name for c in datasets["s.t"].columns] == ["new"]
    assert datasets["s.t"].properties["defined_in"] == "ddl/b.sql:4"
    assert _problems(report) == [
        "ddl/b.sql:4:1: warning: s.t is defined twice: at ddl/a.sql:2 and at ddl/b.sql:4; "
        "the later definition wins"
    ]


def test_quoted_identifiers_keep_their_case(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/x.sql": """
CREATE TABLE "Sales"."Orders" ("OrderId" int, Amount int);
CREATE TABLE SALES.ORDERS (Id int);
COMMENT ON COLUMN "Sales"."Orders"."OrderId" IS 'quoted';
"""
        },
        dialect="postgres",
    )
    assert _problems(report) == []
    assert sorted(datasets) == ["Sales.Orders", "sales.orders"]
    assert datasets["Sales.Orders"].id == "sql:Sales.Orders"
    assert [(c.name, c.description) for c in datasets["Sales.Orders"].columns] == [
        ("OrderId", "quoted"),
        ("amount", ""),
    ]


def test_default_schema_section_and_layer(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/x.sql": """
CREATE TABLE orders (id int, customer_id int REFERENCES customers (id));
CREATE TABLE silver.items (id int);
COMMENT ON TABLE orders IS 'qualified by default';
"""
        },
        dialect="postgres",
        default_schema="Analytics",
        section="exported",
    )
    assert _problems(report) == []
    orders = datasets["analytics.orders"]
    assert (orders.id, orders.section, orders.layer, orders.description) == (
        "sql:analytics.orders",
        "exported",
        None,
        "qualified by default",
    )
    assert orders.columns[1].constraints == ("FOREIGN KEY -> analytics.customers(id)",)
    assert datasets["silver.items"].layer == "silver"
    datasets, _ = _scan(tmp_path, {}, dialect="postgres", layer="bronze")
    assert {d.layer for d in datasets.values()} == {"bronze"}


# ---------------------------------------------------------------- options and files


def test_unknown_dialect_is_one_clear_error(tmp_path: Path) -> None:
    datasets, report = _scan(tmp_path, {"ddl/x.sql": "CREATE TABLE t (a int);"}, dialect="postgress")
    assert datasets == {}
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert (problem.severity, problem.path, problem.line, problem.column) == ("error", "catalog.yaml", 4, 5)
    assert problem.message.startswith("unknown SQL dialect 'postgress'; valid dialects: athena, bigquery,")
    for name in (
        "postgres",
        "redshift",
        "snowflake",
        "spark",
        "hive",
        "databricks",
        "trino",
        "presto",
        "mysql",
        "tsql",
        "duckdb",
        "sqlite",
    ):
        assert name in valid_dialects()
        assert name in problem.message


def test_dialect_names_are_case_insensitive_and_optional(tmp_path: Path) -> None:
    datasets, report = _scan(tmp_path, {"ddl/x.sql": "CREATE TABLE t (a int);"}, dialect="Postgres")
    assert _problems(report) == [] and list(datasets) == ["t"]
    datasets, report = _scan(tmp_path, {}, dialect=None)
    assert _problems(report) == [] and list(datasets) == ["t"]


def test_missing_files_empty_globs_and_bad_encodings(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {
            "ddl/good.sql": "CREATE TABLE good (a int);",
            "ddl/latin1.sql": "CREATE TABLE bad (a int);\n-- caf\xe9\n".encode("latin-1"),
        },
        paths=["ddl/*.sql", "nothing/*.sql", "ddl/missing.sql"],
        dialect="postgres",
    )
    assert list(datasets) == ["good"]
    assert _problems(report) == [
        "nothing/*.sql: warning: no files match nothing/*.sql",
        "ddl/missing.sql: error: file not found: ddl/missing.sql",
        "ddl/latin1.sql:2:7: error: file is not UTF-8 (byte 0xe9); save it as UTF-8",
    ]
    assert report.files_scanned == 1
    assert report.datasets == 1


def test_single_path_folder_and_absolute_paths(tmp_path: Path) -> None:
    files = {
        "warehouse/a/one.sql": "CREATE TABLE one (a int);",
        "warehouse/b/two.sql": "CREATE TABLE two (a int);",
        "warehouse/notes.txt": "CREATE TABLE not_sql (a int);",
    }
    datasets, report = _scan(tmp_path, files, paths=None, path="warehouse", dialect="postgres")
    assert _problems(report) == []
    assert {n: d.properties["defined_in"] for n, d in datasets.items()} == {
        "one": "warehouse/a/one.sql:1",
        "two": "warehouse/b/two.sql:1",
    }
    absolute = str(tmp_path / "warehouse" / "a" / "one.sql")
    datasets, _ = _scan(tmp_path, {}, paths=[absolute], dialect="postgres")
    assert datasets["one"].properties["defined_in"] == f"{Path(absolute).as_posix()}:1"
    datasets, _ = _scan(tmp_path / "warehouse", {}, paths=["../warehouse/b/*.sql"], dialect="postgres")
    assert datasets["two"].properties["defined_in"] == "../warehouse/b/two.sql:1"


def test_missing_paths_option_is_an_error(tmp_path: Path) -> None:
    datasets, report = _scan(tmp_path, {}, paths=None, dialect="postgres")
    assert datasets == {}
    assert _problems(report) == [
        "catalog.yaml:4:5: error: no SQL files given: set 'paths' (a list) or 'path'"
    ]


def test_files_are_deduplicated_and_scanned_in_the_given_order(tmp_path: Path) -> None:
    datasets, report = _scan(
        tmp_path,
        {"ddl/b.sql": "CREATE TABLE b (x int);", "ddl/a.sql": "CREATE TABLE a (x int);"},
        paths=["ddl/b.sql", "ddl/*.sql"],
        dialect="postgres",
    )
    assert _problems(report) == []
    assert list(datasets) == ["b", "a"]
    assert report.files_scanned == 2


def test_registry_finds_the_scanner() -> None:
    assert get_scanner("sql") is scan


def test_output_is_deterministic(tmp_path: Path) -> None:
    files = {"ddl/x.sql": str(CASES[7]["sql"]) + "\n" + str(CASES[0]["sql"])}
    first, _ = _scan(tmp_path, files, dialect="hive")
    second, _ = _scan(tmp_path, {}, dialect="hive")
    assert first == second
    assert all(str(tmp_path) not in str(d) for d in first.values())
