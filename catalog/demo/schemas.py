"""The Arrow schemas of the demo lake: the contract between generator, writer and docs.

Kept apart from the row generator so the shapes the curated ``catalog.yaml`` template
describes can be read in one screen. Nullability is deliberate: a column is marked
required only where the upstream system guarantees a value, so the scanner and the
``Nullable`` column of DATA_CATALOG.md have both kinds to show.

Partition keys (``year``/``month``/``day`` of the events, ``order_month`` of the
orders) live in the folder names, Hive style, and are not part of these schemas.
"""

from __future__ import annotations

import pyarrow as pa

_MONEY = pa.decimal128(10, 2)
_TS_UTC = pa.timestamp("us", tz="UTC")


def _required(name: str, type_: pa.DataType) -> pa.Field:
    return pa.field(name, type_, nullable=False)


def _optional(name: str, type_: pa.DataType) -> pa.Field:
    return pa.field(name, type_, nullable=True)


#: Clickstream fields sent by the web and app trackers; any of them may be missing.
EVENT_PROPERTIES = pa.struct([
    _optional("page", pa.string()),
    _optional("referrer", pa.string()),
    _optional("device", pa.string()),
    _optional("user_agent", pa.string()),
])

#: One purchased line; the element is named ``element`` because that is what the
#: Parquet LIST spec (and pyarrow's reader) calls it, so a round trip compares equal.
ORDER_ITEM = pa.struct([
    _required("product_id", pa.string()),
    _required("quantity", pa.int32()),
    _required("price", _MONEY),
])

SHIPPING_ADDRESS = pa.struct([
    _optional("street", pa.string()),
    _optional("city", pa.string()),
    _optional("postal_code", pa.string()),
    _optional("country", pa.string()),
])

CUSTOMER_EVENTS = pa.schema([
    _required("event_id", pa.string()),
    _optional("customer_id", pa.string()),  # null for visitors who are not signed in
    _required("session_id", pa.string()),
    _required("event_type", pa.string()),
    _optional("product_id", pa.string()),  # null for search and purchase events
    _required("event_timestamp", _TS_UTC),
    _optional("properties", EVENT_PROPERTIES),
    _optional("ip_address", pa.string()),
])

ORDERS = pa.schema([
    _required("order_id", pa.string()),
    _required("customer_id", pa.string()),
    _required("order_date", pa.date32()),
    _required("status", pa.string()),
    _required("items", pa.list_(pa.field("element", ORDER_ITEM, nullable=False))),
    _required("total_amount", _MONEY),
    _required("currency", pa.string()),
    _optional("shipping_address", SHIPPING_ADDRESS),
])

CUSTOMERS = pa.schema([
    _required("customer_id", pa.string()),
    _required("email", pa.string()),
    _optional("phone", pa.string()),
    _required("first_name", pa.string()),
    _required("last_name", pa.string()),
    _required("segment", pa.string()),
    _required("signup_date", pa.date32()),
    _required("country", pa.string()),
])

PRODUCTS = pa.schema([
    _required("product_id", pa.string()),
    _required("name", pa.string()),
    _required("category", pa.string()),
    _required("brand_id", pa.string()),
    _required("price", _MONEY),
    _required("created_at", _TS_UTC),
])

BRANDS = pa.schema([
    _required("brand_id", pa.string()),
    _required("name", pa.string()),
    _required("country", pa.string()),
])

CUSTOMER_ANALYTICS = pa.schema([
    _required("customer_id", pa.string()),
    _required("ltv", pa.decimal128(12, 2)),
    _required("order_count", pa.int32()),
    _required("segment", pa.string()),
    _required("churn_score", pa.float64()),
    _optional("last_order_date", pa.date32()),  # null for prospects who never ordered
])

PRODUCT_SIMILARITY = pa.schema([
    _required("product_id", pa.string()),
    _required("similar_product_id", pa.string()),
    _required("similarity_score", pa.float64()),
])

CUSTOMER_SEGMENTS = pa.schema([
    _required("customer_id", pa.string()),
    _required("segment", pa.string()),
    _required("churn_score", pa.float64()),
])
