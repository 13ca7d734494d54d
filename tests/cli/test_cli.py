"""End-to-end CLI behaviour on the demo workspace: the README's command, CI gates, errors."""

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




def _lakemap(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed console script exactly as a user would."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", **(env or {})}  # 2026-01-01
    script = Path(sys.executable).with_name("lakemap")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cli.main"]
    return subprocess.run([*command, *args], cwd=cwd, env=full_env, text=True, capture_output=True, timeout=120)


def _invoke(*args: str):
    return runner.invoke(app, list(args), env={"SOURCE_DATE_EPOCH": "1767225600"})


@pytest.mark.slow
def test_readme_first_command_end_to_end(tmp_path: Path) -> None:
    """`lakemap demo shop && lakemap --config shop/catalog.yaml docs`, then --check before and after a change."""
    made = _lakemap("demo", "shop", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    docs = _lakemap("--config", "shop/catalog.yaml", "docs", cwd=tmp_path)
    assert docs.returncode == 0, docs.stderr
    assert "Traceback" not in docs.stderr
    text = (tmp_path / "shop" / "DATA_CATALOG.md").read_text(encoding="utf-8")
    assert text.startswith("<!-- lakemap:begin -->\n# Shop Data Catalog\n\nLast Updated: 2026-01-01\n")
    for heading in ("## Incoming Data", "## Exported Data", "## Internal Data", "## Graph Database",
                    "## Data Lake Architecture", "## Data Lineage", "### Customer Events (File Set)",
                    "`items.price`", "`year=YYYY/month=MM/day=DD`", "```mermaid"):
        assert heading in text
    assert "emma.schmidt84@example.com" not in text and "198.51.100.23" not in text  # PII examples masked
    assert "| `***` |" in text

    check = _lakemap("--config", "shop/catalog.yaml", "docs", "--check", cwd=tmp_path)
    assert (check.returncode, check.stdout) == (0, "")

    ddl = tmp_path / "shop" / "warehouse" / "ddl" / "01_dimensions.sql"
    ddl.write_text(ddl.read_text(encoding="utf-8") + "\nALTER TABLE analytics.customers ADD COLUMN "
                   "loyalty_tier VARCHAR(16);\n", encoding="utf-8")
    stale = _lakemap("--config", "shop/catalog.yaml", "docs", "--check", cwd=tmp_path)
    assert stale.returncode == 1
    assert stale.stdout.startswith("--- a/shop/DATA_CATALOG.md\n+++ b/shop/DATA_CATALOG.md\n")
    assert "+| `loyalty_tier` | `varchar(16)` |" in stale.stdout
    assert "is stale" in stale.stderr


@pytest.mark.slow
def test_ci_path_never_imports_textual(shop: Path) -> None:
    code = (
        "import sys\n"
        "from cli.main import app\n"
        "for args in (['docs', '--stdout'], ['scan', '--format', 'json'], ['coverage'], ['--help']):\n"
        "    try:\n"
        "        app(['--config', 'catalog.yaml', *args])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('textual' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=shop, text=True, capture_output=True, timeout=120)
    assert result.stderr.strip().splitlines()[-1] == "False", result.stderr


def test_scan_json_is_pure_json_and_snapshot_round_trips(shop: Path) -> None:
    result = _invoke("--config", str(shop / "catalog.yaml"), "scan", "--format", "json",
                     "--output", str(shop / "snap.json"))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    names = {d["name"] for d in document["datasets"]}
    assert {"customer_events", "orders", "customers", "customer_segments", "analytics.customers"} <= names
    snapshot = json.loads((shop / "snap.json").read_text(encoding="utf-8"))
    assert snapshot["datasets"] == document["datasets"]

    unchanged = _invoke("--config", str(shop / "catalog.yaml"), "diff", "--against", str(shop / "snap.json"))
    assert unchanged.exit_code == 0 and unchanged.stdout == ""


def test_diff_reports_schema_drift(shop: Path) -> None:
    assert _invoke("--config", str(shop / "catalog.yaml"), "scan", "--output", str(shop / "snap.json")).exit_code == 0
    ddl = shop / "warehouse" / "ddl" / "01_dimensions.sql"
    ddl.write_text(ddl.read_text(encoding="utf-8") + "\nALTER TABLE analytics.customers ADD COLUMN "
                   "loyalty_tier VARCHAR(16);\n", encoding="utf-8")
    result = _invoke("--config", str(shop / "catalog.yaml"), "diff", "--against", str(shop / "snap.json"))
    assert result.exit_code == 1
    assert "+ analytics.customers.loyalty_tier varchar(16)" in result.stdout.splitlines()
    as_json = _invoke("--config", str(shop / "catalog.yaml"), "diff", "--against", str(shop / "snap.json"),
                      "--format", "json")
    assert json.loads(as_json.stdout)["columns"] == [{"dataset": "analytics.customers", "column": "loyalty_tier",
                                                      "change": "added", "old": "", "new": "varchar(16)"}]


def test_diff_against_bad_snapshot_is_a_usage_error(shop: Path) -> None:
    (shop / "bad.json").write_text("{not json", encoding="utf-8")
    result = _invoke("--config", str(shop / "catalog.yaml"), "diff", "--against", str(shop / "bad.json"))
    assert result.exit_code == 2
    assert "not valid JSON" in result.stderr


def test_coverage_lists_missing_and_gates(shop: Path) -> None:
    result = _invoke("--config", str(shop / "catalog.yaml"), "coverage", "--format", "json", "--fail-under", "100")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert 0 < document["percent"] < 100
    events = next(m for m in document["missing"] if m["dataset"] == "customer_events")
    assert "properties.user_agent" in events["columns"]
    assert _invoke("--config", str(shop / "catalog.yaml"), "coverage", "--fail-under", "1").exit_code == 0


def test_docs_keeps_hand_written_text_and_refuses_unmarked_files(shop: Path) -> None:
    target = shop / "DATA_CATALOG.md"
    target.write_text("# My notes\n\nHand-written.\n", encoding="utf-8")
    refused = _invoke("--config", str(shop / "catalog.yaml"), "docs")
    assert refused.exit_code == 2
    assert "no lakemap markers" in refused.stderr
    assert target.read_text(encoding="utf-8") == "# My notes\n\nHand-written.\n"

    target.write_text("Intro by hand.\n\n<!-- lakemap:begin -->\nold\n<!-- lakemap:end -->\n\nOutro.\n",
                      encoding="utf-8")
    assert _invoke("--config", str(shop / "catalog.yaml"), "docs").exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("Intro by hand.\n\n<!-- lakemap:begin -->\n# Shop Data Catalog\n")
    assert text.endswith("<!-- lakemap:end -->\n\nOutro.\n")
    again = _invoke("--config", str(shop / "catalog.yaml"), "docs", "--check")
    assert again.exit_code == 0


def test_docs_check_on_missing_file_fails(shop: Path) -> None:
    result = _invoke("--config", str(shop / "catalog.yaml"), "docs", "--check")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_config_error_exit_2_with_position_and_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text("title: x\nsources:\n  - {kind: parquet, pth: lake}\n", encoding="utf-8")
    result = _lakemap("docs", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith("catalog.yaml:3:21: unknown key 'pth' in the parquet source "
                                                    "(did you mean 'path'?)")
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_corrupt_parquet_is_reported_and_strict_fails(shop: Path) -> None:
    bad = next((shop / "lake" / "silver" / "customers").rglob("*.parquet"))
    bad.write_bytes(b"PAR1 this is not parquet")
    relaxed = _invoke("--config", str(shop / "catalog.yaml"), "scan", "--format", "json")
    assert relaxed.exit_code == 0
    errors = [p for p in json.loads(relaxed.stdout)["problems"] if p["severity"] == "error"]
    assert len(errors) == 1 and errors[0]["path"].endswith(bad.name)
    assert "error" in relaxed.stderr
    strict = _invoke("--config", str(shop / "catalog.yaml"), "scan", "--strict")
    assert strict.exit_code == 1


def test_init_writes_a_valid_starter_and_never_clobbers(tmp_path: Path) -> None:
    target = tmp_path / "catalog.yaml"
    assert _invoke("init", str(target)).exit_code == 0
    from catalog.config import load_config

    assert load_config(target, env={}).datasets[0].key == "customer_events"
    target.write_text("mine\n", encoding="utf-8")
    again = _invoke("init", str(target))
    assert again.exit_code == 2 and target.read_text(encoding="utf-8") == "mine\n"


def test_demo_refuses_non_empty_folder(shop: Path) -> None:
    result = _invoke("demo", str(shop))
    assert result.exit_code == 2
    assert "not empty" in result.stderr
