"""Curated metadata onto scanned datasets: curated text wins, scanned facts win, typos warn."""

from __future__ import annotations

from catalog.config import parse_config
from catalog.merge import merge_curations
from catalog.model import Column, Dataset
from catalog.report import ScanReport

ORDERS = Dataset(
    id="parquet:lake/silver/orders",
    name="orders",
    description="scanned description",
    columns=(
        Column("order_id", "string", nullable=False, description="from DDL"),
        Column("items", "array<struct<product_id:string,price:decimal(10,2)>>",
               children=(Column("product_id", "string"), Column("price", "decimal(10,2)"))),
    ),
)
LTV = Dataset(id="sql:analytics.customer_ltv", name="analytics.customer_ltv",
              columns=(Column("customer_id", "varchar(64)", nullable=False),))


def _curations(text: str):
    return parse_config(text, path="catalog.yaml", env={}).datasets


def test_curated_text_wins_and_scanned_facts_stay() -> None:
    report = ScanReport()
    (merged, ltv) = merge_curations([ORDERS, LTV], _curations(
        "datasets:\n"
        "  orders:\n"
        "    title: Orders\n"
        "    description: One row per order.\n"
        "    owners: [Sales]\n"
        "    layer: silver\n"
        "    columns:\n"
        "      ORDER_ID: {description: Order key, example: ord_1}\n"
        "      items.price: {description: Unit price, pii: false}\n"
        "  customer_ltv:\n"
        "    description: Lifetime value\n"
    ), report)
    assert report.problems == []
    assert (merged.title, merged.description, merged.owners, merged.layer) == (
        "Orders", "One row per order.", ("Sales",), "silver")
    order_id = merged.column("order_id")
    assert order_id is not None
    assert (order_id.type, order_id.nullable, order_id.description, order_id.example) == (
        "string", False, "Order key", "ord_1")
    price = merged.column("items.price")
    assert price is not None and (price.description, price.pii, price.type) == ("Unit price", False, "decimal(10,2)")
    assert ltv.description == "Lifetime value"  # matched by unambiguous last name part


def test_empty_curation_keeps_scanned_text() -> None:
    (merged,) = merge_curations([ORDERS], _curations("datasets:\n  orders: {owners: [a]}\n"), ScanReport())
    assert merged.description == "scanned description"
    assert merged.column("order_id").description == "from DDL"  # type: ignore[union-attr]


def test_unknown_names_warn_with_closest_match_and_position() -> None:
    report = ScanReport()
    merge_curations([ORDERS, LTV], _curations(
        "datasets:\n"
        "  ordrs: {description: x}\n"
        "  orders:\n"
        "    columns:\n"
        "      item.price: {description: y}\n"
        "  zzz: {}\n"
    ), report)
    assert [str(p) for p in report.problems] == [
        "catalog.yaml:2:3: warning: datasets.ordrs matches no scanned dataset (did you mean 'orders'?)",
        "catalog.yaml:5:7: warning: datasets.orders.columns.item.price: no such column in orders "
        "(did you mean 'items.price'?)",
        "catalog.yaml:6:3: warning: datasets.zzz matches no scanned dataset",
    ]
