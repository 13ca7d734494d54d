"""Lineage exports on the demo workspace: golden JSON, Mermaid, DOT and Markdown; trees; OpenLineage."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from catalog.demo import generate
from catalog.render.markdown import render_catalog
from catalog.report import ScanReport
from catalog.workspace import build_catalog
from lineage.export import (
    OPENLINEAGE_SCHEMA,
    lineage_forest,
    lineage_tree,
    openlineage_events,
    view_to_dict,
    view_to_dot,
    view_to_mermaid,
)
from lineage.graph import Hop, LineageGraph
from lineage.sources import ParseOptions, sql_file_records
from lineage.workspace import DatasetMatcher, build_graph, workspace_records
from tests.lineage.test_workspace import _datasets


@pytest.fixture(scope="module")
def demo_lineage(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("export-demo") / "shop"
    generate(root)
    config, datasets, report = _datasets(root / "catalog.yaml")
    records = workspace_records(config, datasets, report)
    matcher = DatasetMatcher(
        datasets, default_db=config.lineage.default_db, default_schema=config.lineage.default_schema
    )
    catalog = build_catalog(config, datasets, report)
    assert report.errors == []
    return records, build_graph(records, matcher), catalog, matcher


def test_golden_json_of_the_whole_demo_graph(demo_lineage, golden) -> None:
    _records, graph, _catalog, _matcher = demo_lineage
    golden("lineage_demo.json", json.dumps(view_to_dict(graph.whole()), indent=2) + "\n")


def test_golden_mermaid_of_the_demo(demo_lineage, golden) -> None:
    _records, graph, _catalog, _matcher = demo_lineage
    golden("lineage_demo.mmd", view_to_mermaid(graph.whole()))
    golden("lineage_columns.mmd", view_to_mermaid(graph.upstream("customer_segments", level="column")))


def test_golden_dot_around_one_table(demo_lineage, golden) -> None:
    _records, graph, _catalog, _matcher = demo_lineage
    text = view_to_dot(graph.neighbourhood("analytics.customer_ltv"))
    assert text.count("{") == text.count("}")
    golden("lineage_customer_ltv.dot", text)


def _lineage_parts(markdown: str) -> str:
    """Every dataset heading with its Upstream/Downstream lines, then the Data Lineage section."""
    keep: list[str] = []
    heading = ""
    for line in markdown.splitlines():
        if line.startswith("### "):
            heading = line
        elif line.startswith(("- **Upstream**", "- **Downstream**")):
            if heading:
                keep += ["", heading]
                heading = ""
            keep.append(line)
    section = markdown[markdown.index("## Data Lineage") :]
    return "\n".join(keep).lstrip("\n") + "\n\n" + section


def test_golden_markdown_upstream_downstream_and_lineage_section(demo_lineage, golden) -> None:
    _records, _graph, catalog, _matcher = demo_lineage
    markdown = render_catalog(catalog, last_updated="2026-01-01")
    part = _lineage_parts(markdown)
    assert "```mermaid\nflowchart LR\n" in part
    assert (
        "- **Upstream**: [Orders (File Set)](#orders-file-set) (via transformations/02\\_merge\\_orders.sql)"
        in part
    )
    golden("lineage_demo.md", part)


def test_mermaid_ids_match_the_data_catalog_diagram(demo_lineage) -> None:
    _records, graph, catalog, _matcher = demo_lineage
    markdown = render_catalog(catalog, last_updated="2026-01-01")
    ours = set(re.findall(r"(n_[a-z0-9_]+)\[", view_to_mermaid(graph.whole())))
    theirs = set(re.findall(r"(n_[a-z0-9_]+)\[", markdown))
    assert ours == theirs


def test_openlineage_events_carry_column_lineage(demo_lineage, golden) -> None:
    records, _graph, _catalog, _matcher = demo_lineage
    events = openlineage_events(
        [r for r in records if r.origin == "sql"], namespace="redshift", event_time="2026-01-01T00:00:00Z"
    )
    assert len({e["run"]["runId"] for e in events}) == len(events)
    for event in events:
        assert {"eventTime", "producer", "schemaURL", "eventType", "run", "job", "inputs", "outputs"} <= set(
            event
        )
        assert event["schemaURL"] == OPENLINEAGE_SCHEMA and event["eventType"] == "COMPLETE"
    merge = next(e for e in events if e["job"]["name"] == "transformations/02_merge_orders.sql:23")
    assert merge["inputs"] == [{"namespace": "redshift", "name": "silver.orders"}]
    (output,) = merge["outputs"]
    assert output["name"] == "analytics.orders"
    assert output["facets"]["columnLineage"]["fields"]["total_amount"] == {
        "inputFields": [{"namespace": "redshift", "name": "silver.orders", "field": "total_amount"}]
    }
    assert merge["job"]["facets"]["sql"]["query"].startswith("MERGE INTO analytics.orders")
    assert not any(
        e["job"]["name"].endswith(":7") and "02_merge" in e["job"]["name"] for e in events
    )  # a DROP
    golden("lineage_openlineage.json", json.dumps(events, indent=2, ensure_ascii=False) + "\n")


def test_openlineage_names_s3_datasets_by_bucket() -> None:
    records = sql_file_records(
        "UNLOAD ('select a from t') TO 's3://bucket/out/day=1/' IAM_ROLE 'r'",
        file="u.sql",
        options=ParseOptions(dialect="redshift"),
        report=ScanReport(),
    )
    (event,) = openlineage_events(records)
    assert event["outputs"][0]["namespace"] == "s3://bucket" and event["outputs"][0]["name"] == "out/day=1/"


def _render(tree) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=100, color_system=None).print(tree)
    return buffer.getvalue()


def _as_rich(node, parent=None):
    label = Text(node.name + (f" [{node.note}]" if node.note else ""))
    branch = Tree(label) if parent is None else parent.add(label)
    for child in node.children:
        _as_rich(child, branch)
    return branch


def test_trees_print_diamonds_once_and_stop_at_cycles() -> None:
    g = LineageGraph()
    hop = Hop("insert", "f.sql", 1)
    for source, target in [
        ("raw", "a"),
        ("raw", "b"),
        ("a", "mart"),
        ("b", "mart"),
        ("mart", "next"),
        ("next", "raw"),
    ]:
        g.add_statement([source], target, hop)
    tree = lineage_tree(g.tables, "raw", upstream=False)
    text = _render(_as_rich(tree))
    assert text.count("next") == 1 and "mart [shown above]" in text and "raw [cycle]" in text
    shallow = lineage_tree(g.tables, "raw", upstream=False, depth=1)
    assert [(c.name, c.note) for c in shallow.children] == [("a", "deeper"), ("b", "deeper")]
    up = lineage_tree(g.tables, "mart", upstream=True)
    assert [c.name for c in up.children] == ["a", "b"] and up.children[0].hops == (hop,)


def test_forest_covers_graphs_that_are_only_cycles() -> None:
    g = LineageGraph()
    for source, target in [("x", "y"), ("y", "x"), ("s", "t")]:
        g.add_statement([source], target, Hop("insert", "f.sql", 1))
    assert [t.name for t in lineage_forest(g.tables)] == ["s", "x"]


def test_dot_escapes_quotes_and_backslashes() -> None:
    g = LineageGraph()
    g.add_statement(['we"ird\\name'], "t", Hop("declared", "c.yaml", 1, via='say "hi"'))
    text = view_to_dot(g.whole())
    assert '"we\\"ird\\\\name" -> "t" [label="say \\"hi\\""];' in text


def test_output_does_not_depend_on_record_order(demo_lineage) -> None:
    records, graph, _catalog, matcher = demo_lineage
    shuffled = build_graph(list(reversed(records)), matcher)
    assert view_to_dict(shuffled.whole()) == view_to_dict(graph.whole())
    assert view_to_mermaid(shuffled.whole(level="column")) == view_to_mermaid(graph.whole(level="column"))
