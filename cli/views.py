"""Rich renderables for command results; they format plain data and never print."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from catalog.coverage import Coverage
from catalog.model import Dataset


def _count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def scan_table(datasets: Sequence[Dataset]) -> Table:
    """One row per dataset: what it is, where it lives and how big it is."""
    table = Table(title=None, show_lines=False, expand=False, box=box.SIMPLE_HEAD)
    for header, justify in (("Dataset", "left"), ("Kind", "left"), ("Section/Layer", "left"),
                            ("Columns", "right"), ("Files", "right"), ("Rows", "right"), ("Location", "left")):
        # names and locations wrap rather than being cut to "custome…": they are what people copy
        wraps = header in ("Dataset", "Location")
        table.add_column(header, justify=justify, overflow="fold" if wraps else "ellipsis",  # type: ignore[arg-type]
                         no_wrap=not wraps, ratio=1 if wraps else None)
    for d in sorted(datasets, key=lambda d: (d.section, d.name.lower())):
        where = f"{d.section}/{d.layer}" if d.layer else d.section
        table.add_row(Text(d.name), d.kind, where, str(sum(1 for _ in d.all_columns())),
                      _count(d.stats.files), _count(d.stats.rows),
                      Text(d.location or d.properties.get("defined_in", "")))
    return table


def coverage_view(result: Coverage) -> Group:
    """Summary lines plus a table of what each dataset is missing."""
    summary = Text(
        f"Coverage: {result.percent:.1f}%  "
        f"(datasets described {result.described_datasets}/{result.dataset_count}, "
        f"owned {result.owned_datasets}/{result.dataset_count}, "
        f"columns described {result.described_columns}/{result.column_count})"
    )
    table = Table(expand=False)
    table.add_column("Dataset")
    table.add_column("Coverage", justify="right")
    table.add_column("Missing")
    for row in result.datasets:
        missing = []
        if not row.described:
            missing.append("description")
        if not row.owned:
            missing.append("owners")
        if row.missing_columns:
            missing.append("columns: " + ", ".join(row.missing_columns))
        table.add_row(Text(row.name), f"{row.percent:.0f}%", Text("; ".join(missing) or "-"))
    return Group(summary, table)
