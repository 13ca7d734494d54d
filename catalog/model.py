"""The catalog's plain-data model: what every scanner produces and every renderer reads.

Everything here is a frozen dataclass with no I/O, so a test can build a catalog by
hand and a renderer can be checked without touching a disk, a database or AWS.
Values that vary by source (Redshift sort keys, Glue parameters, compression) live in
``properties`` as plain strings; typed fields are reserved for what every source shares.

Example:
    >>> col = Column(name="order_id", type="string", nullable=False)
    >>> ds = Dataset(id="sql:silver.orders", name="silver.orders", columns=(col,))
    >>> ds.column("ORDER_ID").name
    'order_id'
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterator

#: Sections of DATA_CATALOG.md, in the order they are rendered.
SECTIONS: tuple[str, ...] = ("incoming", "exported", "internal", "graph")

#: Data lake layers, in the order the architecture section lists them.
LAYERS: tuple[str, ...] = ("bronze", "silver", "gold")

#: Kinds of dataset a scanner can report.
KINDS: tuple[str, ...] = ("table", "external table", "view", "materialized view", "file set", "graph")


@dataclass(frozen=True, slots=True)
class ColumnStats:
    """Facts about a column's values that a scanner got for free (footers, pg_stats).

    ``min``/``max`` are rendered strings so snapshots and Markdown never depend on how a
    driver represents a Decimal or a timestamp.
    """

    null_count: int | None = None
    min: str | None = None
    max: str | None = None


@dataclass(frozen=True, slots=True)
class Column:
    """One column; nested types keep their fields in ``children``.

    ``type`` is the normalised type string (``string``, ``bigint``, ``decimal(10,2)``,
    ``timestamp``, ``array<struct<a:int>>``...). A child of an ``array<struct<...>>``
    column is named by its field name only; renderers join the path (``items.price``).
    ``pii`` is ``None`` when nobody said: renderers then guess from the value's shape.
    """

    name: str
    type: str
    nullable: bool = True
    description: str = ""
    constraints: tuple[str, ...] = ()
    example: str | None = None
    pii: bool | None = None
    children: tuple[Column, ...] = ()
    stats: ColumnStats | None = None

    def walk(self, prefix: str = "") -> Iterator[tuple[str, Column]]:
        """Yield ``(dotted_path, column)`` for this column and every nested child."""
        path = f"{prefix}.{self.name}" if prefix else self.name
        yield path, self
        for child in self.children:
            yield from child.walk(path)


@dataclass(frozen=True, slots=True)
class PartitionKey:
    """A partition column: its name and inferred or declared type."""

    name: str
    type: str


@dataclass(frozen=True, slots=True)
class Partitioning:
    """How a dataset is split on storage, e.g. keys year/month/day in style ``year=YYYY/month=MM/day=DD``."""

    keys: tuple[PartitionKey, ...] = ()
    style: str = ""
    count: int | None = None
    latest: str | None = None


@dataclass(frozen=True, slots=True)
class DatasetStats:
    """Size facts. ``last_modified`` is ISO-8601 and deliberately not rendered in Markdown
    (mtimes change on checkout; the catalog must not)."""

    files: int | None = None
    rows: int | None = None
    bytes: int | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Dataset:
    """A table, view, file set or graph, as scanned and then curated.

    ``id`` is stable across runs and unique in a catalog (``parquet:lake/silver/orders``,
    ``sql:analytics.orders``, ``glue:orders_db.orders``). ``name`` is what people and
    catalog.yaml call it. Curated fields stay empty until :mod:`catalog.merge` fills them.
    """

    id: str
    name: str
    source: str = ""
    title: str = ""
    kind: str = "table"
    section: str = "internal"
    layer: str | None = None
    location: str = ""
    format: str = ""
    columns: tuple[Column, ...] = ()
    partitioning: Partitioning | None = None
    stats: DatasetStats = field(default_factory=DatasetStats)
    properties: dict[str, str] = field(default_factory=dict)
    # curated
    description: str = ""
    owners: tuple[str, ...] = ()
    update_frequency: str = ""
    retention: str = ""
    sla: str = ""
    consumers: tuple[str, ...] = ()
    quality_checks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other names SQL uses for this dataset (e.g. silver.orders)

    def column(self, name: str) -> Column | None:
        """Find a column by name or dotted path, ignoring case; ``None`` if absent."""
        wanted = name.lower()
        for top in self.columns:
            for path, col in top.walk():
                if path.lower() == wanted:
                    return col
        return None

    def all_columns(self) -> Iterator[tuple[str, Column]]:
        """Every column and nested child as ``(dotted_path, column)``, in schema order."""
        for top in self.columns:
            yield from top.walk()

    def display_title(self) -> str:
        """The curated title, else the name."""
        return self.title or self.name

    def with_changes(self, **changes: Any) -> Dataset:
        """A copy with some fields replaced (the model is frozen)."""
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class LineageHop:
    """A table-level edge for rendering: ``source`` feeds ``target``, ``via`` says how."""

    source: str
    target: str
    via: str = ""


@dataclass(frozen=True, slots=True)
class Catalog:
    """All datasets of a workspace plus what the renderers need beside them."""

    title: str = "Data Catalog"
    datasets: tuple[Dataset, ...] = ()
    lineage: tuple[LineageHop, ...] = ()
    layers: dict[str, str] = field(default_factory=dict)
    graph: dict[str, Any] = field(default_factory=dict)

    def by_name(self) -> dict[str, Dataset]:
        """Datasets keyed by lower-cased name."""
        return {d.name.lower(): d for d in self.datasets}
