"""The ``lakemap demo`` workspace: a small, realistic e-commerce lake to try lakemap on.

``generate(target)`` writes Parquet files for bronze/silver/gold layers and an export,
Redshift DDL, SQL transformations whose lineage connects them, and a curated
``catalog.yaml``. Output is byte-for-byte the same for the same seed, scale and pyarrow
version, so the demo can back golden tests and screenshots.

Example:
    >>> from pathlib import Path
    >>> summary = generate(Path("shop"))                     # doctest: +SKIP
    >>> [d.name for d in summary.datasets][:2]               # doctest: +SKIP
    ['customer_events', 'orders']
"""

from catalog.demo.workspace import DemoDataset, DemoError, DemoSummary, generate

__all__ = ["generate", "DemoSummary", "DemoDataset", "DemoError"]
