"""dbt models: Jinja rendered away in a sandbox, refs and sources resolved, lineage per model."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.report import ScanReport
from lineage import SchemaIndex
from lineage.dbt import DbtFile, dbt_records, project_model_paths, render_models, source_relations
from lineage.sources import ParseOptions
from lineage.workspace import read_files, records_from_files

STG_ORDERS = """{{ config(materialized='view', schema='staging') }}

-- one row per order, renamed
select
    id as order_id,
    customer_id,
    amount_cents / 100.0 as amount,
    updated_at
from {{ source('shop', 'orders') }}
"""

FCT_ORDERS = """{{
    config(
        materialized='incremental',
        unique_key='order_id'
    )
}}

with orders as (
    select * from {{ ref('stg_orders') }}
    {% if is_incremental() %}
    where updated_at > (select max(updated_at) from {{ this }})
    {% endif %}
)
select
    o.order_id,
    {{ dbt_utils.generate_surrogate_key(['o.order_id', 'c.customer_id']) }} as order_key,
    c.segment,
    o.amount * {{ var('fx_rate', 1) }} as amount_eur,
    '{{ env_var("DBT_USER", "ci") }}' as loaded_by
from orders o
join {{ ref('dim_customers') }} as c on c.customer_id = o.customer_id
"""

DIM_CUSTOMERS = """{{ config(materialized='table', alias='customers') }}
select {{ dbt_utils.star(from=ref('stg_customers')) }} from {{ ref('stg_customers') }}
{{ some_package.audit_columns() }}
"""

STG_CUSTOMERS = "select id as customer_id, segment from {{ source('crm', 'contacts') }}\n"

SOURCES_YML = """version: 2
sources:
  - name: shop
    schema: raw_shop
    tables:
      - name: orders
        identifier: orders_v2
  - name: crm
    database: lake
    tables:
      - name: contacts
"""


def _render(
    files: dict[str, str],
    *,
    sources: dict[tuple[str, str], str] | None = None,
    options: ParseOptions,
    report: ScanReport | None = None,
) -> dict[str, dict]:
    report = report if report is not None else ScanReport()
    models = render_models(
        [DbtFile(name, text) for name, text in files.items()], sources=sources, report=report
    )
    return {r.file: r.to_dict() for r in dbt_records(models, options=options, report=report)}


def test_models_resolve_refs_sources_and_materialisations() -> None:
    sources = source_relations(SOURCES_YML, file="models/sources.yml", report=ScanReport())
    assert sources == {("shop", "orders"): "raw_shop.orders_v2", ("crm", "contacts"): "lake.crm.contacts"}
    report = ScanReport()
    got = _render(
        {
            "models/marts/fct_orders.sql": FCT_ORDERS,
            "models/staging/stg_orders.sql": STG_ORDERS,
            "models/dim_customers.sql": DIM_CUSTOMERS,
            "models/staging/stg_customers.sql": STG_CUSTOMERS,
        },
        sources=sources,
        options=ParseOptions(dialect="postgres", default_schema="analytics"),
        report=report,
    )
    assert report.problems == []
    stg = got["models/staging/stg_orders.sql"]
    assert (stg["line"], stg["kind"], stg["target"], stg["sources"]) == (
        4,
        "create_view",
        "staging.stg_orders",
        ["raw_shop.orders_v2"],
    )
    assert stg["columns"][2] == {"column": "amount", "sources": ["raw_shop.orders_v2.amount_cents"]}
    fct = got["models/marts/fct_orders.sql"]
    # is_incremental() is false: the {{ this }} self-read is rendered away, as on a full refresh
    assert (fct["line"], fct["kind"], fct["target"]) == (8, "insert", "analytics.fct_orders")
    assert fct["sources"] == ["analytics.customers", "staging.stg_orders"]
    assert fct["columns"] == [
        {"column": "order_id", "sources": ["staging.stg_orders.order_id"]},
        {
            "column": "order_key",
            "sources": ["analytics.customers.customer_id", "staging.stg_orders.order_id"],
        },
        {"column": "segment", "sources": ["analytics.customers.segment"]},
        {"column": "amount_eur", "sources": ["staging.stg_orders.amount"]},
        {"column": "loaded_by", "sources": []},
    ]
    dim = got["models/dim_customers.sql"]
    # alias renames the relation; stg_customers is parsed first, so the star expands
    assert (dim["kind"], dim["target"]) == ("create_table_as", "analytics.customers")
    assert dim["columns"] == [
        {"column": "customer_id", "sources": ["analytics.stg_customers.customer_id"]},
        {"column": "segment", "sources": ["analytics.stg_customers.segment"]},
    ]


def test_jinja_control_flow_runs_but_nothing_escapes_the_sandbox(monkeypatch) -> None:
    monkeypatch.setenv("SECRET_TOKEN", "hunter2")
    text = (
        "{% set cols = ['a', 'b'] %}\n"
        "select {% for c in cols %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %},\n"
        "  '{{ ''.__class__.__mro__ }}' as leak1,\n"
        "  '{{ env_var('SECRET_TOKEN') }}' as leak2,\n"
        "  '{{ cycler.__init__.__globals__ }}' as leak3\n"
        "from {{ source('s', 't') }}"
    )
    report = ScanReport()
    models = render_models([DbtFile("models/m.sql", text)], report=report)
    assert report.problems == []
    sql = models[0].sql
    assert sql.startswith("select a, b,")
    assert "hunter2" not in sql and "class" not in sql.lower() and "globals" not in sql
    assert "'NULL' as leak2" in sql


def test_render_errors_are_reported_with_file_and_line() -> None:
    report = ScanReport()
    models = render_models(
        [
            DbtFile("models/bad.sql", "select 1\n{% if %}\nx"),
            DbtFile("models/inc.sql", "select 1 as x\n{% include 'other.sql' %}"),
            DbtFile("models/ok.sql", "select 1 as x"),
        ],
        report=report,
    )
    assert [m.name for m in models] == ["ok"]
    assert [(p.severity, p.path, p.line) for p in report.problems] == [
        ("error", "models/bad.sql", 2),
        ("error", "models/inc.sql", 1),
    ]
    assert "cannot render dbt model" in report.problems[0].message


def test_unparseable_rendered_sql_is_an_error_at_the_model() -> None:
    report = ScanReport()
    got = _render(
        {"models/m.sql": "{{ config(materialized='table') }}\nselect from where"},
        options=ParseOptions(dialect="postgres"),
        report=report,
    )
    record = got["models/m.sql"]
    assert (record["confidence"], record["kind"], record["target"]) == ("failed", "create_table_as", "m")
    (problem,) = report.problems
    assert (problem.path, problem.line) == ("models/m.sql", 2)
    assert "rendered model line" in problem.message


def test_duplicate_model_names_keep_the_first() -> None:
    report = ScanReport()
    models = render_models(
        [DbtFile("a/x.sql", "select 1 as a"), DbtFile("b/x.sql", "select 2 as b")], report=report
    )
    assert [m.file for m in models] == ["a/x.sql"]
    assert report.warnings[0].path == "b/x.sql"


def test_project_model_paths() -> None:
    assert project_model_paths("name: shop\nmodel-paths: [transform]\n") == ["transform"]
    assert project_model_paths("name: shop\n") == ["models"]
    assert project_model_paths(": : bad yaml") == ["models"]


def test_dbt_project_files_are_found_and_sources_read(tmp_path: Path) -> None:
    project = tmp_path / "dbt"
    (project / "models" / "staging").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: shop\nversion: '1'\n", encoding="utf-8")
    (project / "models" / "sources.yml").write_text(SOURCES_YML, encoding="utf-8")
    (project / "models" / "staging" / "stg_orders.sql").write_text(STG_ORDERS, encoding="utf-8")
    # a dbt model without any Jinja is still a model: it is in the project's model folder
    (project / "models" / "plain.sql").write_text(
        "select order_id from staging.stg_orders\n", encoding="utf-8"
    )
    (tmp_path / "adhoc.sql").write_text("insert into x select a from y;\nselect 1;\n", encoding="utf-8")
    report = ScanReport()
    paths = sorted(project.rglob("*.sql")) + [tmp_path / "adhoc.sql"]
    files, sources = read_files(paths, base_dir=tmp_path, report=report)
    assert [(f.shown, f.kind) for f in files] == [
        ("dbt/models/plain.sql", "dbt"),
        ("dbt/models/staging/stg_orders.sql", "dbt"),
        ("adhoc.sql", "sql"),
    ]
    records = records_from_files(
        files, options=ParseOptions(dialect="postgres"), report=report, dbt_sources=sources
    )
    assert [(r.file, r.origin, r.lineage.target, r.lineage.sources) for r in records] == [
        ("dbt/models/plain.sql", "dbt", "plain", ("staging.stg_orders",)),
        ("dbt/models/staging/stg_orders.sql", "dbt", "staging.stg_orders", ("raw_shop.orders_v2",)),
        ("adhoc.sql", "sql", "x", ("y",)),
        ("adhoc.sql", "sql", None, ()),
    ]
    assert report.problems == []


def test_known_schema_expands_stars_in_models() -> None:
    schema = SchemaIndex.from_mapping({"raw.events": {"id": "int", "kind": "text"}})
    got = _render(
        {"models/e.sql": "select * from {{ source('raw', 'events') }}"},
        options=ParseOptions(dialect="postgres", schema=schema),
    )
    assert [c["column"] for c in got["models/e.sql"]["columns"]] == ["id", "kind"]


_JINJA = [
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "ref('a')",
    "source('s','t')",
    "config(materialized='table')",
    "if",
    "endif",
    "for x in y",
    "endfor",
    "select",
    "from",
    "x",
    "(",
    ")",
    "'",
    "\n",
    "is_incremental()",
    "set a = 1",
    "macro m()",
    "endmacro",
    "var('v')",
    "this",
    ".",
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_JINJA), max_size=30).map(" ".join))
def test_any_template_renders_or_reports(text: str) -> None:
    report = ScanReport()
    models = render_models([DbtFile("models/h.sql", text)], report=report)
    assert len(models) + len(report.errors) == 1
    dbt_records(models, options=ParseOptions(dialect="postgres"), report=report)
