"""DATA_CATALOG.md rendering: the golden file, determinism, and structure checked with a
real CommonMark+tables parser (markdown-it-py, installed with rich)."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import replace
from urllib.parse import unquote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from catalog.model import (
    Catalog,
    Column,
    ColumnStats,
    Dataset,
    DatasetStats,
    LineageHop,
    Partitioning,
    PartitionKey,
)
from catalog.render.markdown import MERMAID_MAX_EDGES, human_bytes, mermaid_id, render_catalog

_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")
_ALLOWED_TAGS = {"br", "code", "table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "p", "ul", "li",
                 "a", "strong", "em", "blockquote", "pre", "hr"}

NASTY_TITLE = "Weird | `Name` <script>alert(1)</script> & *stars* _under_ [link](http://x) #"


def sample_catalog() -> Catalog:
    """A hand-built catalog touching every section and field of the format."""
    events = Dataset(
        id="parquet:lake/bronze/customer_events/",
        name="customer_events",
        source="customer_events",
        title="Customer Events",
        kind="file set",
        section="incoming",
        layer="bronze",
        location="lake/bronze/customer_events/",
        format="parquet",
        columns=(
            Column("event_id", "string", nullable=False, description="Unique event identifier",
                   constraints=("primary key",), example="evt_abc123"),
            Column("customer_email", "string", description="Who did it",
                   stats=ColumnStats(null_count=0, min="alice@example.com", max="zoe@example.com")),
            Column("event_type", "string", description="page_view, add_to_cart or purchase",
                   example="page_view"),
            Column("properties", "struct<page:string,referrer:string>", description="Event payload",
                   children=(Column("page", "string", description="Page path", example="/products/42"),
                             Column("referrer", "string"))),
            Column("event_ts", "timestamp", nullable=False, stats=ColumnStats(min="2024-01-15T10:30:00Z")),
            Column("ip_address", "string", example="192.168.10.24"),
        ),
        partitioning=Partitioning(
            keys=(PartitionKey("year", "int"), PartitionKey("month", "int"), PartitionKey("day", "int")),
            style="year=YYYY/month=MM/day=DD", count=365, latest="year=2024/month=12/day=31"),
        stats=DatasetStats(files=120, rows=50_000, bytes=3_355_443, last_modified="2024-12-31T23:59:59Z"),
        properties={"compression": "snappy", "_scan_cache_key": "abc", "created_by": "parquet-cpp-arrow 15"},
        description="Raw clickstream events from the web shop.\n\nOne row per event; late events arrive "
                    "up to 3 days after the fact.",
        owners=("Analytics team", "Marketing"),
        update_frequency="Real-time (every 5 minutes)",
        retention="2 years in S3, 90 days in Redshift hot storage",
        quality_checks=("No null event_id", "event_ts within the partition's day"),
        tags=("clickstream", "pii"),
    )
    orders = Dataset(
        id="glue:orders_db.orders",
        name="orders_db.orders",
        title="Orders",
        kind="external table",
        section="internal",
        layer="silver",
        location="s3://shop-lake/silver/orders/",
        format="parquet",
        columns=(
            Column("order_id", "string", nullable=False, constraints=("primary key", "unique"),
                   example="ORD-2024-000123"),
            Column("customer_phone", "string", pii=True, example="+1 555 123 4567"),
            Column("card_number", "string", example="4111 1111 1111 1111"),
            Column("amount", "decimal(10,2)", stats=ColumnStats(min="12.50", max="9999.99")),
            Column("items", "array<struct<product_id:string,price:decimal(10,2)>>",
                   children=(Column("product_id", "string", nullable=False, example="P-1001"),
                             Column("price", "decimal(10,2)", example="19.99"))),
            Column("shipping_address", "string", pii=False, example="1 Main St, Springfield"),
        ),
        partitioning=Partitioning(keys=(PartitionKey("order_date", "date"),), count=1),
        stats=DatasetStats(rows=1_234_567),
        properties={"classification": "parquet", "EXTERNAL": "TRUE"},
        description="Orders after deduplication.",
        owners=("Orders team",),
        update_frequency="Hourly",
        sla="Available by 06:00 UTC",
    )
    summary = Dataset(
        id="sql:analytics.customer_summary",
        name="analytics.customer_summary",
        title="Customer Summary",
        kind="view",
        section="exported",
        layer="gold",
        location="redshift://analytics/customer_summary",
        columns=(Column("customer_id", "string", nullable=False),
                 Column("lifetime_value", "decimal(12,2)", description="Sum of order amounts")),
        consumers=("Finance dashboard", "CRM export"),
        properties={"DISTKEY": "customer_id", "SORTKEY": "customer_id"},
    )
    nasty = Dataset(
        id="sql:public.weird",
        name="public.weird",
        title=NASTY_TITLE,
        kind="table",
        section="internal",
        location="db/`weird` | <table>",
        description="First line | with pipe\r\nSecond <b>bold</b> & `tick`\rThird\x07 with a bell\n"
                    "# not a heading",
        columns=(Column("a|b", "map<string,array<int>>",
                        description="line1\nline2 | <img src=x onerror=alert(1)>",
                        constraints=("CHECK (x > 0)", "a|b"), example="`tick` | pipe <i>"),),
        properties={"note": "<img src=x onerror=alert(1)>", "multi": "one\ntwo"},
        owners=("Eve <eve@example.com>",),
        quality_checks=("- looks like a list", "*emph* and [link](x)"),
    )
    graph_ds = Dataset(
        id="graph:customer_graph",
        name="customer_graph",
        title="Customer Graph",
        kind="graph",
        section="graph",
        location="embedded:.lakemap/graph.json",
        description="Customers, products and brands for recommendations.",
    )
    return Catalog(
        title="Shop Data Catalog",
        datasets=(summary, nasty, graph_ds, orders, events),
        lineage=(
            LineageHop("dynamodb:orders", "parquet:lake/bronze/orders", "DynamoDB Stream -> Lambda"),
            LineageHop("customer_events", "orders_db.orders"),
            LineageHop("ORDERS_DB.ORDERS", "analytics.customer_summary", "transformations/summary.sql"),
            LineageHop("customer_events", "orders_db.orders"),
            LineageHop('api "v2" <svc>', "public.weird", "nightly | batch"),
        ),
        layers={"bronze": "Raw data as ingested, never edited.", "silver": "Cleaned and deduplicated.",
                "gold": "Business-level aggregates."},
        graph={
            "backend": "ws://admin:s3cret@localhost:8182/gremlin",
            "vertices": {
                "Customer": {"dataset": "customers", "id": "customer_id",
                             "properties": ["segment", "signup_date"]},
                "Product": {"dataset": "orders_db.orders", "id": "product_id",
                            "properties": ["category", "price"]},
            },
            "edges": {
                "PURCHASED": {"dataset": "orders_db.orders", "from": "customer_id", "to": "product_id",
                              "properties": ["order_date", "amount"], "multi": True},
                "VIEWED": {"dataset": "customer_events", "from": "customer_id", "to": "product_id",
                           "properties": ["view_timestamp"]},
            },
        },
    )


def _check_structure(markdown: str) -> None:
    """Parse like GitHub would and check what must hold for any catalog."""
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")
    assert "\r" not in markdown
    assert not re.search(r"[ \t]+$", markdown, re.MULTILINE)
    tokens = _MD.parse(markdown)
    headings: list[str] = []
    header_cells = 0
    row_cells = 0
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append(tokens[i + 1].content)
        if token.type == "tr_open":
            row_cells = 0
        if token.type in ("th_open", "td_open"):
            row_cells += 1
        if token.type == "tr_close":
            if tokens[i - 1].type == "th_close":
                header_cells = row_cells
            assert row_cells == header_cells
        if token.type in ("html_block",):
            raise AssertionError(f"raw HTML block: {token.content!r}")
        for child in token.children or []:
            if child.type == "html_inline":
                assert child.content == "<br>", child.content
    html = _MD.render(markdown)
    for tag in re.findall(r"</?([a-zA-Z0-9]+)", html):
        assert tag.lower() in _ALLOWED_TAGS, tag
    seen: dict[str, int] = {}
    slugs: set[str] = set()
    for heading in headings:
        slug = base = _github_slug(heading)
        while slug in seen:
            seen[base] += 1
            slug = f"{base}-{seen[base]}"
        seen[slug] = 0
        slugs.add(slug)
    for anchor in re.findall(r'href="#([^"]*)"', html):
        assert unquote(anchor) in slugs, anchor


def _github_slug(rendered_heading: str) -> str:
    """GitHub's anchor rule, written independently of the renderer's (no de-duplication)."""
    text = _MD.renderInline(rendered_heading)
    text = re.sub(r"<[^>]+>", "", text).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = text.replace("&quot;", '"')
    kept = "".join(c for c in text.lower() if c in " -_" or unicodedata.category(c)[0] in "LMN")
    return kept.replace(" ", "-")


def test_golden(golden) -> None:
    text = render_catalog(sample_catalog(), last_updated="2026-11-22")
    golden("data_catalog.md", text)
    _check_structure(text)


def test_render_twice_is_byte_equal_and_input_order_does_not_matter() -> None:
    catalog = sample_catalog()
    first = render_catalog(catalog, last_updated="2026-11-22")
    assert render_catalog(catalog, last_updated="2026-11-22") == first
    rng = random.Random(7)
    for _ in range(5):
        datasets = list(catalog.datasets)
        hops = list(catalog.lineage)
        rng.shuffle(datasets)
        rng.shuffle(hops)
        shuffled = replace(catalog, datasets=tuple(datasets), lineage=tuple(hops))
        assert render_catalog(shuffled, last_updated="2026-11-22") == first


def test_nasty_text_cannot_inject() -> None:
    text = render_catalog(sample_catalog(), last_updated="2026-11-22")
    html = _MD.render(text)
    for tag in ("<script", "<img", "<b>", "<i>", "<table>\n<thead>\n<tr>\n<th>Weird"):
        assert tag not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "s3cret" not in text and "admin:" not in text
    assert "\x07" not in text
    assert "<h1>not a heading" not in html and "# not a heading" in html


def test_sections_appear_only_when_needed() -> None:
    only = Dataset(id="sql:a.b", name="a.b", columns=(Column("x", "int"),))
    text = render_catalog(Catalog(datasets=(only,)), last_updated="2026-01-01")
    assert "## Internal Data" in text
    for absent in ("## Incoming Data", "## Exported Data", "## Graph Database", "## Data Lake Architecture",
                   "## Data Lineage", "mermaid", "**Properties**", "**Data Quality Checks**"):
        assert absent not in text
    _check_structure(text)


def test_empty_catalog() -> None:
    text = render_catalog(Catalog(), last_updated="2026-01-01")
    assert text.startswith("# Data Catalog\n\nLast Updated: 2026-01-01\n")
    assert "No datasets yet" in text and "## Contents" not in text
    _check_structure(text)


def test_unknown_section_and_layer_get_their_own_headings() -> None:
    datasets = (Dataset(id="x", name="x", section="archive", layer="platinum"),
                Dataset(id="y", name="y", section="incoming", layer="bronze"))
    text = render_catalog(Catalog(datasets=datasets), last_updated="2026-01-01")
    assert text.index("## Incoming Data") < text.index("## Archive Data")
    assert text.index("### Bronze") < text.index("### Platinum")
    _check_structure(text)


def test_upstream_and_downstream_match_names_and_ids_ignoring_case() -> None:
    a = Dataset(id="parquet:lake/raw/a", name="raw_a", title="Raw A")
    b = Dataset(id="sql:s.b", name="s.b")
    hops = (LineageHop("PARQUET:LAKE/RAW/A", "S.B", "job.sql"), LineageHop("s.b", "export:bucket/b"))
    text = render_catalog(Catalog(datasets=(a, b), lineage=hops), last_updated="2026-01-01")
    block_b = text[text.index("### s.b (Table)"):]
    assert "- **Upstream**: [Raw A (Table)](#raw-a-table) (via job.sql)" in block_b
    assert "- **Downstream**: `export:bucket/b`" in block_b
    block_a = text[text.index("### Raw A (Table)"):text.index("### s.b (Table)")]
    assert "- **Downstream**: [s.b (Table)](#sb-table) (via job.sql)" in block_a
    _check_structure(text)


def test_duplicate_titles_get_numbered_anchors() -> None:
    datasets = (Dataset(id="a", name="orders"), Dataset(id="b", name="orders"),
                Dataset(id="c", name="Orders"))
    text = render_catalog(Catalog(datasets=datasets), last_updated="2026-01-01")
    assert "(#orders-table)" in text and "(#orders-table-1)" in text and "(#orders-table-2)" in text
    _check_structure(text)


def test_mermaid_ids_are_stable_and_labels_escaped() -> None:
    hops = (LineageHop('a "q" <b>', "end"),)
    text = render_catalog(Catalog(lineage=hops), last_updated="2026-01-01")
    assert '["a #34;q#34; #60;b#62;"]' in text
    more = render_catalog(Catalog(lineage=hops + (LineageHop("zzz", "end"),)), last_updated="2026-01-01")
    assert mermaid_id("end") in text and mermaid_id("end") in more
    assert re.fullmatch(r"n_[a-z0-9_]+", mermaid_id('a "q" <b>'))
    assert mermaid_id("end") != "end" and mermaid_id("a.b") != mermaid_id("a_b")


def test_too_many_hops_leave_the_diagram_out() -> None:
    hops = tuple(LineageHop(f"t{i}", f"t{i + 1}") for i in range(MERMAID_MAX_EDGES + 1))
    text = render_catalog(Catalog(lineage=hops), last_updated="2026-01-01")
    assert "```mermaid" not in text and "The diagram is left out" in text
    assert text.count(" → ") == MERMAID_MAX_EDGES + 1


def test_example_prefers_curated_value_then_stats_min_and_truncates() -> None:
    cols = (Column("a", "string", example="curated", stats=ColumnStats(min="from stats")),
            Column("b", "string", stats=ColumnStats(min="from stats")),
            Column("c", "string", example="x" * 100),
            Column("email", "string", example="not an address"))
    catalog = Catalog(datasets=(Dataset(id="d", name="d", columns=cols),))
    text = render_catalog(catalog, last_updated="2026-01-01")
    assert "| `a` | `string` | | Yes | | `curated` |" in text
    assert "| `b` | `string` | | Yes | | `from stats` |" in text
    assert "`" + "x" * 59 + "…`" in text
    assert "not an address" not in text


def test_size_and_partitioning_show_only_known_parts() -> None:
    assert human_bytes(512) == "512 B"
    assert human_bytes(3_355_443) == "3.2 MiB"
    assert human_bytes(1024 ** 4 * 5) == "5.0 TiB"
    ds = Dataset(id="d", name="d", stats=DatasetStats(files=1, bytes=2048),
                 partitioning=Partitioning(keys=(PartitionKey("dt", "date"),)))
    text = render_catalog(Catalog(datasets=(ds,)), last_updated="2026-01-01")
    assert "- **Size**: 1 file, 2.0 KiB\n" in text
    assert "- **Partitioning**: `dt` (dt: date)\n" in text


def test_graph_section_from_config_only() -> None:
    graph = {"vertices": {"Brand": {"dataset": "brands", "id": "brand_id"}}, "edges": "not a mapping"}
    text = render_catalog(Catalog(graph=graph), last_updated="2026-01-01")
    assert "## Graph Database" in text and "### Vertices" in text and "### Edges" not in text
    assert "| `Brand` | `brands` | `brand_id` | |" in text
    _check_structure(text)


_names = st.text(min_size=1, max_size=30)
_columns = st.builds(
    Column, name=_names,
    type=st.sampled_from(["string", "bigint", "map<string,int>", "array<struct<a:int>>"]),
    nullable=st.booleans(), description=st.text(max_size=40), example=st.none() | st.text(max_size=40),
    constraints=st.lists(st.text(max_size=10), max_size=2).map(tuple),
    pii=st.sampled_from([None, True, False]),
)
_datasets = st.builds(
    Dataset, id=st.uuids().map(str), name=_names, title=st.text(max_size=30), kind=st.sampled_from(
        ["table", "view", "file set", "external table", "graph"]),
    section=st.sampled_from(["incoming", "exported", "internal", "graph"]) | st.text(max_size=8),
    layer=st.sampled_from([None, "bronze", "silver", "gold"]) | st.text(max_size=8),
    location=st.text(max_size=30),
    description=st.text(max_size=60), columns=st.lists(_columns, max_size=3).map(tuple),
    owners=st.lists(st.text(max_size=10), max_size=2).map(tuple),
    quality_checks=st.lists(st.text(max_size=20), max_size=2).map(tuple),
    properties=st.dictionaries(st.text(max_size=8), st.text(max_size=20), max_size=2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_datasets, max_size=4), st.lists(st.builds(LineageHop, _names, _names, st.text(max_size=10)),
                                                  max_size=3))
def test_any_catalog_renders_well_formed(datasets: list[Dataset], hops: list[LineageHop]) -> None:
    catalog = Catalog(title="T", datasets=tuple(datasets), lineage=tuple(hops))
    text = render_catalog(catalog, last_updated="2026-01-01")
    _check_structure(text)
    reversed_catalog = replace(catalog, datasets=tuple(reversed(datasets)), lineage=tuple(reversed(hops)))
    assert render_catalog(reversed_catalog, last_updated="2026-01-01") == text
