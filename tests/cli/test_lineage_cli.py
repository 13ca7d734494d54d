"""`lakemap lineage parse|show|impact` end to end: the JSON contract, formats, errors and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()
CONTRACT_KEYS = ["file", "line", "kind", "target", "sources", "columns", "confidence", "error"]




def _invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, env={"SOURCE_DATE_EPOCH": "1767225600"})


# ---------------------------------------------------------------------------- parse
def test_parse_files_prints_the_contract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    models = tmp_path / "models"
    models.mkdir()
    (models / "a.sql").write_text(
        "-- load\nINSERT INTO dw.t (id, total)\nSELECT o.id, SUM(o.amt) FROM raw.o o "
        "GROUP BY 1;\nSELECT * FROM dw.t;\n",
        encoding="utf-8",
    )
    (models / "b.sql").write_text("CREATE VIEW v AS SELECT x FROM s;\n", encoding="utf-8")
    result = _invoke(
        "lineage",
        "parse",
        "models/a.sql",
        "models/b.sql",
        "--dialect",
        "redshift",
        "--format",
        "json",
        "--default-schema",
        "public",
    )
    assert result.exit_code == 0, result.output
    statements = json.loads(result.stdout)["statements"]
    assert [list(s)[:8] for s in statements] == [CONTRACT_KEYS] * 3
    assert statements[0] == {
        "file": "models/a.sql",
        "line": 2,
        "kind": "insert",
        "target": "dw.t",
        "sources": ["raw.o"],
        "columns": [{"column": "id", "sources": ["raw.o.id"]}, {"column": "total", "sources": ["raw.o.amt"]}],
        "confidence": "complete",
        "error": None,
    }
    assert statements[1]["target"] is None and statements[1]["kind"] == "select"
    assert statements[2]["target"] == "public.v" and statements[2]["sources"] == ["public.s"]
    assert "3 statements in 2 files" in result.stderr


def test_parse_stdin_schema_and_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "schema.json").write_text(
        json.dumps({"shop.sales.orders": {"id": "int", "amount": "decimal"}}), encoding="utf-8"
    )
    sql = "INSERT INTO sales.summary SELECT * FROM orders"
    result = _invoke(
        "lineage",
        "parse",
        "-",
        "--dialect",
        "postgres",
        "--default-db",
        "shop",
        "--default-schema",
        "sales",
        "--schema",
        "schema.json",
        "--format",
        "json",
        input=sql,
    )
    assert result.exit_code == 0, result.output
    (statement,) = json.loads(result.stdout)["statements"]
    assert statement["file"] == "<stdin>" and statement["target"] == "shop.sales.summary"
    assert statement["columns"] == [
        {"column": "id", "sources": ["shop.sales.orders.id"]},
        {"column": "amount", "sources": ["shop.sales.orders.amount"]},
    ]


def test_parse_errors_go_to_stderr_and_strict_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "etl.sql").write_text(
        "SELECT a FROM t;\n\nSELECT FROM WHERE;\nINSERT INTO x SELECT b FROM y;\n", encoding="utf-8"
    )
    relaxed = _invoke("lineage", "parse", "etl.sql", "--dialect", "postgres", "--format", "json")
    assert relaxed.exit_code == 0
    statements = json.loads(relaxed.stdout)["statements"]  # stdout stays pure JSON
    assert [s["confidence"] for s in statements] == ["complete", "failed", "complete"]
    assert statements[1]["error"] and statements[2]["target"] == "x"
    assert "etl.sql:3: error: " in relaxed.stderr
    strict = _invoke("lineage", "parse", "etl.sql", "--dialect", "postgres", "--strict")
    assert strict.exit_code == 1
    assert "etl.sql:4  insert  x  <-  y" in strict.stdout


def test_parse_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = _invoke("lineage", "parse", "nope.sql")
    assert missing.exit_code == 2 and "nope.sql: no such file" in missing.stderr
    no_config = _invoke("lineage", "parse")
    assert no_config.exit_code == 2 and "catalog.yaml: no such file" in no_config.stderr
    (tmp_path / "bad.json").write_text("[1, 2]", encoding="utf-8")
    bad_schema = _invoke("lineage", "parse", "-", "--schema", "bad.json", input="select 1")
    assert bad_schema.exit_code == 2 and "expected" in bad_schema.stderr


def test_parse_without_files_uses_lineage_paths_and_jobs_do_not_change_output(shop: Path) -> None:
    config = str(shop / "catalog.yaml")
    one = _invoke("--config", config, "lineage", "parse", "--format", "json")
    assert one.exit_code == 0, one.output
    statements = json.loads(one.stdout)["statements"]
    files = sorted({s["file"] for s in statements})
    assert files == [
        f"transformations/0{i}_{n}.sql"
        for i, n in enumerate(
            ["load_dimensions", "merge_orders", "customer_analytics", "customer_ltv", "product_similarity"], 1
        )
    ]
    merge = next(s for s in statements if s["kind"] == "merge")
    assert (merge["line"], merge["target"], merge["sources"]) == (23, "analytics.orders", ["silver.orders"])
    two = _invoke("--config", config, "lineage", "parse", "--format", "json", "--jobs", "2")
    assert two.exit_code == 0 and two.stdout == one.stdout


def test_parse_openlineage_prints_one_event_per_line(shop: Path) -> None:
    result = _invoke("--config", str(shop / "catalog.yaml"), "lineage", "parse", "--format", "openlineage")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events and all(e["eventTime"] == "2026-01-01T00:00:00Z" for e in events)
    facets = [o["facets"]["columnLineage"] for e in events for o in e["outputs"] if "facets" in o]
    assert any("total_amount" in f["fields"] for f in facets)
    assert {e["inputs"][0]["namespace"] for e in events if e["inputs"]} == {"redshift"}


# ---------------------------------------------------------------------------- show
def test_show_tree_of_a_demo_table(shop: Path) -> None:
    result = _invoke("--config", str(shop / "catalog.yaml"), "lineage", "show", "analytics.customer_ltv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "analytics.customer_ltv"
    text = result.stdout
    for expected in (
        "upstream",
        "customer_analytics",
        "transformations/04_customer_ltv.sql:9",
        "orders",
        "downstream",
        "analytics.at_risk_customers",
    ):
        assert expected in text
    down = _invoke(
        "--config", str(shop / "catalog.yaml"), "lineage", "show", "analytics.customer_ltv", "--downstream"
    )
    assert "upstream" not in down.stdout and "analytics.at_risk_customers" in down.stdout


def test_show_formats_and_sql_names(shop: Path) -> None:
    config = str(shop / "catalog.yaml")
    as_json = _invoke(
        "--config",
        config,
        "lineage",
        "show",
        "silver.orders",
        "--format",
        "json",
        "--downstream",
        "--depth",
        "1",
    )
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    assert document["root"] == "orders" and document["direction"] == "downstream"
    assert {n["name"] for n in document["nodes"]} == {"orders", "analytics.orders"}
    (edge,) = document["edges"]
    assert edge["hops"] == [
        {"kind": "merge", "file": "transformations/02_merge_orders.sql", "line": 23, "origin": "sql"}
    ]
    mermaid = _invoke(
        "--config", config, "lineage", "show", "customer_segments", "--columns", "--format", "mermaid"
    )
    assert mermaid.stdout.startswith("flowchart LR\n") and "subgraph" in mermaid.stdout
    dot = _invoke("--config", config, "lineage", "show", "--format", "dot")
    assert dot.stdout.startswith("digraph lineage {") and '"orders" -> "analytics.orders"' in dot.stdout
    columns = _invoke("--config", config, "lineage", "show", "customer_analytics.ltv", "--upstream")
    assert "analytics.orders.total_amount" in columns.stdout and "orders.total_amount" in columns.stdout


def test_show_unknown_name_exits_2_with_a_hint(shop: Path) -> None:
    result = _invoke("--config", str(shop / "catalog.yaml"), "lineage", "show", "analytics.custmer_ltv")
    assert result.exit_code == 2
    assert "no table or column named 'analytics.custmer_ltv'" in result.stderr
    assert "did you mean 'analytics.customer_ltv'" in result.stderr


# ---------------------------------------------------------------------------- impact
def test_impact_of_a_lake_column_follows_it_into_the_warehouse(shop: Path) -> None:
    result = _invoke(
        "--config", str(shop / "catalog.yaml"), "lineage", "impact", "silver.orders.total_amount"
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.splitlines()[0].startswith("orders.total_amount (column): ")
    assert "analytics.orders.total_amount  (column, 1 hop)" in text
    first_hop = "orders.total_amount -> analytics.orders.total_amount  merge at "
    assert first_hop + "transformations/02_merge_orders.sql:23" in text
    assert "customer_analytics.ltv" in text and "analytics.customer_ltv.ltv" in text
    assert "analytics.daily_revenue.revenue" in text  # through the DDL's view
    assert "customer_analytics.churn_score" not in text  # reads order_date, not total_amount
    as_json = _invoke(
        "--config",
        str(shop / "catalog.yaml"),
        "lineage",
        "impact",
        "orders.total_amount",
        "--format",
        "json",
        "--depth",
        "1",
    )
    document = json.loads(as_json.stdout)
    assert document["node"] == "orders.total_amount" and document["level"] == "column"
    assert {e["name"] for e in document["impacted"]} == {"analytics.orders", "analytics.orders.total_amount"}
    step = document["impacted"][0]["path"][1]
    assert step["file"] == "transformations/02_merge_orders.sql" and step["line"] == 23


def test_impact_of_an_unknown_column_exits_2(shop: Path) -> None:
    result = _invoke("--config", str(shop / "catalog.yaml"), "lineage", "impact", "orders.totl_amount")
    assert result.exit_code == 2 and "did you mean 'orders.total_amount'" in result.stderr


def test_strict_show_fails_on_parse_errors_in_lineage_files(shop: Path) -> None:
    (shop / "transformations" / "06_broken.sql").write_text(
        "INSERT INTO x SELECT FROM WHERE;\n", encoding="utf-8"
    )
    relaxed = _invoke("--config", str(shop / "catalog.yaml"), "lineage", "show", "orders")
    assert relaxed.exit_code == 0 and "transformations/06_broken.sql:1: error:" in relaxed.stderr
    strict = _invoke("--config", str(shop / "catalog.yaml"), "lineage", "show", "orders", "--strict")
    assert strict.exit_code == 1


@pytest.mark.slow
def test_lineage_commands_in_a_subprocess_never_import_textual(shop: Path) -> None:
    code = (
        "import sys\nfrom cli.main import main\nsys.argv = ['lakemap', '--config', sys.argv[1], 'lineage', "
        "'show', 'orders', '--format', 'json']\ntry:\n    main()\nexcept SystemExit as exc:\n"
        "    print('textual' in sys.modules, exc.code, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(shop / "catalog.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"},
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.stderr.strip().splitlines()[-1] == "False 0", result.stderr
    assert json.loads(result.stdout)["root"] == "orders"
