"""The demo workspace: files, exact Parquet schemas, determinism, coherence of the data, templates."""

from __future__ import annotations

import glob
import ipaddress
import shutil
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from catalog.demo import DemoError, DemoSummary, generate
from catalog.demo import data as demo_data


# The schemas are spelled out here on purpose, not imported: the test pins the contract
# that catalog.yaml, the SQL and the graph mapping rely on.
def _req(name: str, t: pa.DataType) -> pa.Field:
    return pa.field(name, t, nullable=False)


def _opt(name: str, t: pa.DataType) -> pa.Field:
    return pa.field(name, t, nullable=True)


_MONEY = pa.decimal128(10, 2)
_TS = pa.timestamp("us", tz="UTC")
EXPECTED_SCHEMAS: dict[str, pa.Schema] = {
    "lake/bronze/customer_events": pa.schema([
        _req("event_id", pa.string()), _opt("customer_id", pa.string()), _req("session_id", pa.string()),
        _req("event_type", pa.string()), _opt("product_id", pa.string()), _req("event_timestamp", _TS),
        _opt("properties", pa.struct([_opt("page", pa.string()), _opt("referrer", pa.string()),
                                      _opt("device", pa.string()), _opt("user_agent", pa.string())])),
        _opt("ip_address", pa.string()),
    ]),
    "lake/silver/orders": pa.schema([
        _req("order_id", pa.string()), _req("customer_id", pa.string()), _req("order_date", pa.date32()),
        _req("status", pa.string()),
        _req("items", pa.list_(_req("element", pa.struct([
            _req("product_id", pa.string()), _req("quantity", pa.int32()), _req("price", _MONEY)])))),
        _req("total_amount", _MONEY), _req("currency", pa.string()),
        _opt("shipping_address", pa.struct([_opt("street", pa.string()), _opt("city", pa.string()),
                                            _opt("postal_code", pa.string()), _opt("country", pa.string())])),
    ]),
    "lake/silver/customers": pa.schema([
        _req("customer_id", pa.string()), _req("email", pa.string()), _opt("phone", pa.string()),
        _req("first_name", pa.string()), _req("last_name", pa.string()), _req("segment", pa.string()),
        _req("signup_date", pa.date32()), _req("country", pa.string()),
    ]),
    "lake/silver/products": pa.schema([
        _req("product_id", pa.string()), _req("name", pa.string()), _req("category", pa.string()),
        _req("brand_id", pa.string()), _req("price", _MONEY), _req("created_at", _TS),
    ]),
    "lake/silver/brands": pa.schema([
        _req("brand_id", pa.string()), _req("name", pa.string()), _req("country", pa.string()),
    ]),
    "lake/gold/customer_analytics": pa.schema([
        _req("customer_id", pa.string()), _req("ltv", pa.decimal128(12, 2)), _req("order_count", pa.int32()),
        _req("segment", pa.string()), _req("churn_score", pa.float64()), _opt("last_order_date", pa.date32()),
    ]),
    "lake/gold/product_similarity": pa.schema([
        _req("product_id", pa.string()), _req("similar_product_id", pa.string()),
        _req("similarity_score", pa.float64()),
    ]),
    "exports/customer_segments": pa.schema([
        _req("customer_id", pa.string()), _req("segment", pa.string()), _req("churn_score", pa.float64()),
    ]),
}
# RFC 5737 and RFC 3849: the demo must never contain a routable, possibly real, address.
_DOCUMENTATION_NETS = [ipaddress.ip_network(n) for n in
                       ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]
TEMPLATE_FILES = [
    "catalog.yaml",
    "transformations/01_load_dimensions.sql",
    "transformations/02_merge_orders.sql",
    "transformations/03_customer_analytics.sql",
    "transformations/04_customer_ltv.sql",
    "transformations/05_product_similarity.sql",
    "warehouse/ddl/01_dimensions.sql",
    "warehouse/ddl/02_facts.sql",
    "warehouse/ddl/03_reporting_views.sql",
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    target = tmp_path_factory.mktemp("demo") / "shop"
    return target, generate(target)


@pytest.fixture(scope="module")
def workspace2(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    target = tmp_path_factory.mktemp("demo2") / "shop"
    return target, generate(target, scale=2)


def _read(root: Path, folder: str) -> pa.Table:
    files = sorted((root / folder).rglob("*.parquet"))
    return pa.concat_tables(pq.read_table(f, partitioning=None) for f in files)


def _files_on_disk(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- files and schemas -------------------------------------------------------------------------------------


def test_expected_files_exist_and_summary_matches_disk(workspace: tuple[Path, DemoSummary]) -> None:
    root, summary = workspace
    on_disk = _files_on_disk(root)
    expected = set(TEMPLATE_FILES)
    events = "lake/bronze/customer_events/year=2025/month=01"
    expected |= {f"{events}/day={d:02d}/part-00000.parquet" for d in range(1, 15)}
    expected |= {f"lake/silver/orders/order_month=2024-{m:02d}/part-00000.parquet" for m in range(1, 13)}
    expected.add("lake/silver/orders/order_month=2025-01/part-00000.parquet")
    expected |= {f"{folder}/part-00000.parquet" for folder in EXPECTED_SCHEMAS
                 if folder not in ("lake/bronze/customer_events", "lake/silver/orders")}
    assert set(on_disk) == expected
    assert summary.files == tuple(sorted(expected))
    assert summary.total_bytes == sum(len(b) for b in on_disk.values())
    assert {d.name: d.path for d in summary.datasets} == {
        "customer_events": "lake/bronze/customer_events",
        "orders": "lake/silver/orders",
        "customers": "lake/silver/customers",
        "products": "lake/silver/products",
        "brands": "lake/silver/brands",
        "customer_analytics": "lake/gold/customer_analytics",
        "product_similarity": "lake/gold/product_similarity",
        "customer_segments": "exports/customer_segments",
    }
    for ds in summary.datasets:
        assert ds.rows == _read(root, ds.path).num_rows > 0
    assert 1_000_000 < summary.total_bytes < 8_000_000  # "a few MB"


def test_every_parquet_file_has_exactly_the_specified_schema(workspace: tuple[Path, DemoSummary]) -> None:
    root, _ = workspace
    checked = 0
    for folder, expected in EXPECTED_SCHEMAS.items():
        for path in sorted((root / folder).rglob("*.parquet")):
            actual = pq.read_schema(path)
            assert actual.equals(expected), f"{path.relative_to(root)}:\n{actual}\n!=\n{expected}"
            checked += 1
    assert checked == 33


def test_schema_comparison_sees_nested_nullability() -> None:
    """Guard for the test above: a nullable flag deep in a list<struct> must make schemas differ."""
    loose = pa.schema([_req("items", pa.list_(_req("element", pa.struct([_opt("price", _MONEY)]))))])
    strict = pa.schema([_req("items", pa.list_(_req("element", pa.struct([_req("price", _MONEY)]))))])
    assert not loose.equals(strict)


def test_event_partitions_hold_only_their_day(workspace: tuple[Path, DemoSummary]) -> None:
    root, _ = workspace
    for path in sorted((root / "lake/bronze/customer_events").rglob("*.parquet")):
        parts = dict(p.split("=") for p in path.relative_to(root).parts if "=" in p)
        days = {ts.date().isoformat() for ts in pq.read_table(path)["event_timestamp"].to_pylist()}
        assert days == {f"{parts['year']}-{parts['month']}-{parts['day']}"}


def test_parquet_footers_carry_no_time_or_path(workspace: tuple[Path, DemoSummary]) -> None:
    root, _ = workspace
    for path in sorted(root.rglob("*.parquet")):
        meta = pq.read_metadata(path)
        assert set(meta.metadata) == {b"ARROW:schema"}
        assert str(root).encode() not in path.read_bytes()


# --- determinism, scale, refusal ---------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(
        workspace: tuple[Path, DemoSummary], tmp_path: Path) -> None:
    root, summary = workspace
    again = generate(tmp_path / "again")
    assert again.files == summary.files
    assert _files_on_disk(tmp_path / "again") == _files_on_disk(root)
    other = generate(tmp_path / "other", seed=7)
    first, second = _files_on_disk(root), _files_on_disk(tmp_path / "other")
    customers = "lake/silver/customers/part-00000.parquet"
    assert first[customers] != second[customers]
    assert first["catalog.yaml"] == second["catalog.yaml"]
    assert other.total_bytes > 0


def test_scale_two_has_more_rows_and_more_event_days(
        workspace: tuple[Path, DemoSummary], workspace2: tuple[Path, DemoSummary]) -> None:
    rows1 = {d.name: d.rows for d in workspace[1].datasets}
    rows2 = {d.name: d.rows for d in workspace2[1].datasets}
    assert rows1.keys() == rows2.keys()
    for name in rows1:
        assert rows2[name] > rows1[name], name
    assert rows2["customers"] == 2 * rows1["customers"]
    days = sorted((workspace2[0] / "lake/bronze/customer_events").glob("year=*/month=*/day=*"))
    assert len(days) == 28
    assert days[-1].relative_to(workspace2[0]).as_posix().endswith("year=2025/month=01/day=28")


def test_refuses_non_empty_target_without_force(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DemoError, match="not empty"):
        generate(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    generate(tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "catalog.yaml").is_file()


def test_empty_existing_folder_is_fine_and_bad_arguments_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    with pytest.raises(DemoError, match="not a folder"):
        generate(tmp_path / "a_file")
    for scale in (0, -1, 1.5, True):
        with pytest.raises(DemoError, match="scale"):
            generate(tmp_path / "empty", scale=scale)  # type: ignore[arg-type]
    assert not any((tmp_path / "empty").iterdir())


def test_force_removes_stale_partitions_of_a_larger_run(
        workspace: tuple[Path, DemoSummary], workspace2: tuple[Path, DemoSummary], tmp_path: Path) -> None:
    target = tmp_path / "shop"
    shutil.copytree(workspace2[0], target)
    (target / "lake" / "README.txt").write_text("keep me", encoding="utf-8")
    generate(target, force=True)
    files = _files_on_disk(target)
    assert files.pop("lake/README.txt") == b"keep me"
    assert files == _files_on_disk(workspace[0])
    assert not (target / "lake/bronze/customer_events/year=2025/month=01/day=15").exists()


# --- the data is coherent ----------------------------------------------------------------------------------


def _check_coherence(tables: dict[str, pa.Table]) -> None:
    """Invariants the graph, lineage and docs rely on; must hold for every seed."""
    customers = tables["customers"].to_pylist()
    customer_ids = {c["customer_id"] for c in customers}
    product_ids = set(tables["products"]["product_id"].to_pylist())
    brand_ids = set(tables["brands"]["brand_id"].to_pylist())
    assert len(customer_ids) == len(customers)
    assert len({c["email"] for c in customers}) == len(customers)
    domains = {c["email"].rsplit("@", 1)[1] for c in customers}
    assert domains <= {"example.com", "example.net", "example.org"}  # reserved: never a real mailbox
    assert set(tables["products"]["brand_id"].to_pylist()) <= brand_ids

    counted: Counter[str] = Counter()
    ltv: dict[str, Decimal] = defaultdict(Decimal)
    for order in tables["orders"].to_pylist():
        assert order["customer_id"] in customer_ids
        assert order["items"], order["order_id"]
        assert {i["product_id"] for i in order["items"]} <= product_ids
        assert order["total_amount"] == sum(i["price"] * i["quantity"] for i in order["items"])
        if order["status"] in ("shipped", "delivered"):
            counted[order["customer_id"]] += 1
            ltv[order["customer_id"]] += order["total_amount"]

    events = tables["customer_events"]
    assert len(set(events["event_id"].to_pylist())) == events.num_rows
    assert set(events["event_type"].to_pylist()) == {"view", "add_to_cart", "search", "purchase"}
    for event in events.to_pylist():
        assert event["customer_id"] is None or event["customer_id"] in customer_ids
        assert (event["product_id"] is not None) == (event["event_type"] in ("view", "add_to_cart"))
        assert event["product_id"] is None or event["product_id"] in product_ids
        if event["event_type"] == "purchase":
            assert event["customer_id"] is not None
        if event["ip_address"] is not None:
            address = ipaddress.ip_address(event["ip_address"])
            assert any(address in net for net in _DOCUMENTATION_NETS), address

    analytics = tables["customer_analytics"].to_pylist()
    assert {a["customer_id"] for a in analytics} == customer_ids
    for row in analytics:
        assert row["order_count"] == counted[row["customer_id"]]
        assert row["ltv"] == ltv[row["customer_id"]]
        assert (row["segment"] == "prospect") == (row["order_count"] == 0) == (row["last_order_date"] is None)
        assert 0.0 <= row["churn_score"] <= 1.0
    exported = [(a["customer_id"], a["segment"], a["churn_score"])
                for a in analytics if a["segment"] != "prospect"]
    assert [tuple(r.values()) for r in tables["customer_segments"].to_pylist()] == exported

    per_product: Counter[str] = Counter()
    for row in tables["product_similarity"].to_pylist():
        assert row["product_id"] != row["similar_product_id"]
        assert {row["product_id"], row["similar_product_id"]} <= product_ids
        assert 0.0 < row["similarity_score"] <= 1.0
        per_product[row["product_id"]] += 1
    assert per_product and max(per_product.values()) <= 5


def test_generated_lake_is_coherent(workspace: tuple[Path, DemoSummary]) -> None:
    root, summary = workspace
    _check_coherence({d.name: _read(root, d.path) for d in summary.datasets})


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_data_is_coherent_for_any_seed(seed: int) -> None:
    built = demo_data.build(scale=1, seed=seed)
    names = ("customers", "products", "brands", "orders", "customer_events", "customer_analytics",
             "product_similarity", "customer_segments")
    _check_coherence({name: getattr(built, name) for name in names})


# --- templates ---------------------------------------------------------------------------------------------


def _ddl_objects(root: Path) -> dict[str, set[str]]:
    """``schema.table`` -> column names, for every CREATE TABLE / CREATE VIEW in the DDL files."""
    objects: dict[str, set[str]] = {}
    for path in sorted((root / "warehouse/ddl").glob("*.sql")):
        for stmt in sqlglot.parse(path.read_text(encoding="utf-8"), read="redshift"):
            if isinstance(stmt, exp.Create) and stmt.kind in ("TABLE", "VIEW"):
                table = stmt.find(exp.Table)
                assert table is not None
                name = f"{table.db}.{table.name}".lower()
                if stmt.kind == "TABLE":
                    cols = {c.name.lower() for c in stmt.find_all(exp.ColumnDef)}
                else:
                    cols = {s.alias_or_name.lower() for s in stmt.expression.selects}
                objects[name] = cols
    return objects


def _arrow_paths(schema: pa.Schema) -> set[str]:
    """Dotted column paths the way catalog.yaml names them (``items.product_id``, ``properties.page``)."""
    out: set[str] = set()

    def walk(prefix: str, t: pa.DataType) -> None:
        while pa.types.is_list(t):
            t = t.value_type
        if pa.types.is_struct(t):
            for f in t:
                out.add(f"{prefix}.{f.name}")
                walk(f"{prefix}.{f.name}", f.type)

    for field in schema:
        out.add(field.name)
        walk(field.name, field.type)
    return out


def _parquet_columns(config: dict) -> dict[str, set[str]]:
    """Parquet source name -> its dotted column paths, from the expected schemas."""
    return {s["name"]: _arrow_paths(EXPECTED_SCHEMAS[s["path"]])
            for s in config["sources"] if s["kind"] == "parquet"}


def test_catalog_yaml_parses_and_every_path_exists(workspace: tuple[Path, DemoSummary]) -> None:
    root, _ = workspace
    config = yaml.safe_load((root / "catalog.yaml").read_text(encoding="utf-8"))
    assert set(config) <= {"title", "output", "cache", "layers", "sources", "lineage", "graph", "datasets"}
    assert set(config["layers"]) == {"bronze", "silver", "gold"}
    for source in config["sources"]:
        assert source["section"] in ("incoming", "exported", "internal", "graph")
        if source["kind"] == "parquet":
            assert source["name"]
            assert any((root / source["path"]).rglob("*.parquet")), source
        else:
            assert source["kind"] == "sql"
            assert all(glob.glob(str(root / p)) for p in source["paths"])
    assert len(glob.glob(str(root / config["lineage"]["paths"][0]))) == 5


def test_curated_datasets_and_columns_exist(workspace: tuple[Path, DemoSummary]) -> None:
    root, _ = workspace
    config = yaml.safe_load((root / "catalog.yaml").read_text(encoding="utf-8"))
    columns = _parquet_columns(config)
    columns.update(_ddl_objects(root))
    warehouse = {"analytics.customers", "analytics.orders", "analytics.customer_ltv",
                 "analytics.daily_revenue"}
    assert warehouse <= set(columns)
    dataset_keys = {"title", "description", "owners", "update_frequency", "retention", "sla", "consumers",
                    "quality_checks", "tags", "section", "layer", "columns"}
    some_column_undocumented = False
    pii_false = []
    for name, curated in config["datasets"].items():
        assert name in columns, f"curated dataset {name!r} is not in the workspace"
        assert set(curated) <= dataset_keys, name
        described: set[str] = set()
        for col, meta in (curated.get("columns") or {}).items():
            assert col in columns[name], f"{name}.{col} does not exist"
            assert set(meta) <= {"description", "example", "pii"}, (name, col)
            assert all(isinstance(v, str) for k, v in meta.items() if k != "pii"), (name, col)
            described.add(col)
            if meta.get("pii") is False:
                pii_false.append(f"{name}.{col}")
        some_column_undocumented |= bool(columns[name] - described)
    assert some_column_undocumented  # `lakemap coverage` has something to list
    assert "brands.name" in pii_false
    assert config["datasets"]["customer_events"]["columns"]["event_id"]["example"].startswith("evt_")


def test_graph_mapping_names_real_datasets_and_columns(workspace: tuple[Path, DemoSummary]) -> None:
    root, _ = workspace
    config = yaml.safe_load((root / "catalog.yaml").read_text(encoding="utf-8"))
    columns = _parquet_columns(config)
    vertices = config["graph"]["vertices"]
    for spec in vertices.values():
        assert {spec["id"], *spec.get("properties", [])} <= columns[spec["dataset"]]
    for spec in config["graph"]["edges"].values():
        used = {spec["from"], spec["to"], *spec.get("properties", []), *spec.get("where", {})}
        assert used <= columns[spec["dataset"]], spec
        assert spec["from_label"] in vertices and spec["to_label"] in vertices


def test_sql_files_parse_as_redshift_without_fallbacks(workspace: tuple[Path, DemoSummary]) -> None:
    root, _ = workspace
    sql_files = sorted(root.glob("warehouse/ddl/*.sql")) + sorted(root.glob("transformations/*.sql"))
    assert len(sql_files) == 8
    kinds: Counter[str] = Counter()
    for path in sql_files:
        statements = sqlglot.parse(path.read_text(encoding="utf-8"), read="redshift")
        assert statements, path
        for stmt in statements:
            assert stmt is not None and not isinstance(stmt, exp.Command), f"{path.name}: {stmt}"
            kinds[type(stmt).__name__] += 1
    assert {"Create", "Insert", "Merge", "Update", "Comment"} <= set(kinds)


def test_transformations_read_the_lake_and_write_gold_and_analytics(
        workspace: tuple[Path, DemoSummary]) -> None:
    root, _ = workspace
    written, read = set(), set()
    for path in sorted(root.glob("transformations/*.sql")):
        for stmt in sqlglot.parse(path.read_text(encoding="utf-8"), read="redshift"):
            if isinstance(stmt, (exp.Insert, exp.Merge, exp.Update, exp.Create)):
                target = stmt.this.find(exp.Table) if not isinstance(stmt.this, exp.Table) else stmt.this
                assert target is not None
                written.add(f"{target.db}.{target.name}")
                ctes = {c.alias for c in stmt.find_all(exp.CTE)}
                read |= {f"{t.db}.{t.name}" for t in stmt.find_all(exp.Table) if t.name not in ctes} - {
                    f"{target.db}.{target.name}"}
    assert {"gold.customer_analytics", "gold.product_similarity", "exports.customer_segments",
            "analytics.customers", "analytics.products", "analytics.orders",
            "analytics.customer_ltv"} <= written
    assert {"silver.customers", "silver.products", "silver.brands", "silver.orders",
            "bronze.customer_events", "gold.customer_analytics", "analytics.orders"} <= read
