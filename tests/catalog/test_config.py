"""catalog.yaml loading: env expansion, validation, and exact error messages with positions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.config import ConfigError, load_config, parse_config


def _errors(text: str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, path="catalog.yaml", env=env or {})
    return info.value.problems


def test_minimal_file_gives_defaults() -> None:
    cfg = parse_config("title: Shop\n", path="catalog.yaml", env={})
    assert cfg.title == "Shop"
    assert cfg.sources == ()
    assert cfg.output == Path("DATA_CATALOG.md")
    assert cfg.cache_dir == Path(".lakemap/cache")


def test_empty_file_is_valid() -> None:
    assert parse_config("", path="catalog.yaml", env={}).title == "Data Catalog"


def test_env_expansion_with_defaults_and_escape() -> None:
    text = (
        "title: ${TITLE}\n"
        "sources:\n"
        "  - {kind: parquet, name: ev, path: \"${LAKE:-lake}/events\", section: incoming, layer: bronze}\n"
        "lineage: {dialect: \"$${literal}\"}\n"
    )
    cfg = parse_config(text, path="catalog.yaml", env={"TITLE": "Prod"})
    assert cfg.title == "Prod"
    (source,) = cfg.sources
    assert source.options == {"path": "lake/events"}
    assert (source.name, source.section, source.layer) == ("ev", "incoming", "bronze")
    assert source.origin == "catalog.yaml:3:5"
    assert cfg.lineage.dialect == "${literal}"


def test_missing_env_var_names_position_and_fix() -> None:
    assert _errors("title: ok\noutput: ${OUT_DIR}/x.md\n") == [
        "catalog.yaml:2:9: environment variable OUT_DIR is not set (set it, or give a default with "
        "${OUT_DIR:-default})"
    ]


def test_bad_yaml_reports_line_and_column() -> None:
    assert _errors("title: x\nsources: [ {kind: sql\n") == [
        "catalog.yaml:3:1: invalid YAML: expected ',' or '}', but got '<stream end>'"
    ]


def test_tab_indentation_is_a_yaml_error_with_position() -> None:
    (problem,) = _errors("datasets:\n\torders: {}\n")
    assert problem.startswith("catalog.yaml:2:1: invalid YAML:")


def test_unknown_top_level_key_suggests_closest() -> None:
    assert _errors("title: x\nsorces: []\n") == [
        "catalog.yaml:2:1: unknown key 'sorces' in catalog.yaml (did you mean 'sources'?); allowed: title, "
        "output, cache, layers, sources, lineage, graph, datasets"
    ]


def test_source_errors_are_all_reported_together() -> None:
    problems = _errors(
        "sources:\n"
        "  - {kind: parqet, path: x}\n"
        "  - {path: x}\n"
        "  - {kind: parquet}\n"
        "  - {kind: sql, path: a.sql, dialekt: mysql}\n"
        "  - {kind: parquet, path: x, section: incomming}\n"
    )
    assert problems == [
        "catalog.yaml:2:12: unknown source kind 'parqet' (did you mean 'parquet'?); known kinds: parquet, sql",
        "catalog.yaml:3:5: source has no 'kind' (one of: parquet, sql)",
        "catalog.yaml:4:5: the parquet source needs 'path'",
        "catalog.yaml:5:30: unknown key 'dialekt' in the sql source (did you mean 'dialect'?); allowed: kind, "
        "name, section, layer, paths, path, dialect, default_schema",
        "catalog.yaml:6:39: section must be one of incoming, exported, internal, graph, got 'incomming' "
        "(did you mean 'incoming'?)",
    ]


def test_dataset_curation_types_and_shorthand() -> None:
    cfg = parse_config(
        "datasets:\n"
        "  orders:\n"
        "    owners: Sales\n"
        "    quality_checks: [a, b]\n"
        "    columns:\n"
        "      id: Primary key\n"
        "      items.price: {description: Unit price, example: 9.99, pii: false}\n",
        path="catalog.yaml", env={},
    )
    (orders,) = cfg.datasets
    assert orders.owners == ("Sales",)
    assert orders.quality_checks == ("a", "b")
    first, second = orders.columns
    assert (first.path, first.description) == ("id", "Primary key")
    assert (second.path, second.example, second.pii) == ("items.price", "9.99", False)
    assert second.origin == "catalog.yaml:7:7"


def test_dataset_errors() -> None:
    assert _errors(
        "datasets:\n"
        "  orders:\n"
        "    titel: x\n"
        "    columns:\n"
        "      x: {pii: maybe}\n"
        "  customers: [a]\n"
    ) == [
        "catalog.yaml:3:5: unknown key 'titel' in datasets.orders (did you mean 'title'?); allowed: title, "
        "description, owners, update_frequency, retention, sla, consumers, quality_checks, tags, section, "
        "layer, columns, aliases",
        "catalog.yaml:5:16: x.pii must be true or false, got 'maybe'",
        "catalog.yaml:6:14: datasets.customers must be a mapping, got a list",
    ]


def test_duplicate_keys_are_errors() -> None:
    assert _errors("title: a\ntitle: b\n") == ["catalog.yaml:2:1: duplicate key 'title' in catalog.yaml "
                                               "(first set on line 1)"]


def test_top_level_must_be_mapping() -> None:
    assert _errors("- a\n") == ["catalog.yaml:1:1: catalog.yaml must be a mapping of settings "
                                "(title, sources, ...), got a list"]


def test_lineage_and_graph_sections() -> None:
    cfg = parse_config(
        "lineage:\n"
        "  paths: transformations/*.sql\n"
        "  dialect: redshift\n"
        "  edges:\n"
        "    - {from: app.api, to: events, via: Firehose}\n"
        "graph:\n"
        "  backend: embedded:.lakemap/graph.json\n"
        "  vertices: {Customer: {dataset: customers, id: customer_id, properties: [segment]}}\n"
        "  edges: {VIEWED: {dataset: events, from: customer_id, to: product_id, where: {event_type: view}}}\n",
        path="catalog.yaml", env={},
    )
    assert cfg.lineage.paths == ("transformations/*.sql",)
    (edge,) = cfg.lineage.edges
    assert (edge.source, edge.target, edge.via) == ("app.api", "events", "Firehose")
    assert cfg.graph["vertices"]["Customer"] == {"dataset": "customers", "id": "customer_id",
                                                 "properties": ["segment"]}
    assert cfg.graph["edges"]["VIEWED"]["where"] == {"event_type": "view"}


def test_graph_and_edge_requirements() -> None:
    assert _errors(
        "lineage:\n  edges:\n    - {from: a}\n"
        "graph:\n  vertices: {Customer: {dataset: customers}}\n"
    ) == [
        "catalog.yaml:3:7: a lineage edge needs both 'from' and 'to'",
        "catalog.yaml:5:24: graph.vertices.Customer needs id",
    ]


def test_cache_can_be_disabled() -> None:
    assert parse_config("cache: false\n", path="c.yaml", env={}).cache_dir is None
    assert _errors("cache: 3\n") == ["catalog.yaml:1:8: cache must be a folder path or false, got '3'"]


def test_load_config_resolves_paths_against_its_folder(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    path = tmp_path / "ws" / "catalog.yaml"
    path.write_text("output: docs/CATALOG.md\n", encoding="utf-8")
    cfg = load_config(path, env={})
    assert cfg.base_dir == (tmp_path / "ws").resolve()
    assert cfg.output == (tmp_path / "ws").resolve() / "docs" / "CATALOG.md"
    assert cfg.cache_dir == (tmp_path / "ws").resolve() / ".lakemap" / "cache"


def test_load_config_missing_and_undecodable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.yaml", env={})
    assert "no such file (run `lakemap init`" in str(info.value)
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"title: \xff\xfe\n")
    with pytest.raises(ConfigError) as info:
        load_config(bad, env={})
    assert "not UTF-8 text" in str(info.value)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_config_or_config_error(text: str) -> None:
    try:
        parse_config(text, path="catalog.yaml", env={"A": "1"})
    except ConfigError as exc:
        assert exc.problems and all(p.startswith("catalog.yaml") for p in exc.problems)
