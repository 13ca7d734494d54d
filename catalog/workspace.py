"""Run every configured scanner and assemble the merged :class:`~catalog.model.Catalog`.

This is the one place the CLI and the TUI get a catalog from, so ``lakemap scan``,
``lakemap docs`` and the browser always agree. A scanner that crashes (a bug, not bad
input) is caught here and reported against its source: one broken scanner must not
take the others' results with it.
"""

from __future__ import annotations

from collections.abc import Sequence

from catalog.config import Config
from catalog.merge import merge_curations
from catalog.model import Catalog, Dataset, LineageHop
from catalog.report import ScanReport
from catalog.scanners import ProgressHook, ScanContext, get_scanner
from catalog.scanners.base import no_progress


def scan_sources(config: Config, report: ScanReport, *, progress: ProgressHook = no_progress,
                 use_cache: bool = True, workers: int | None = None) -> tuple[Dataset, ...]:
    """Scan every source in ``config`` in order; problems go to ``report``."""
    context = ScanContext(
        base_dir=config.base_dir,
        cache_dir=config.cache_dir if use_cache else None,
        workers=workers,
        progress=progress,
    )
    found: list[Dataset] = []
    seen: dict[str, str] = {}
    for source in config.sources:
        scan = get_scanner(source.kind)
        try:
            datasets = list(scan(source, report=report, context=context))
        except Exception as exc:  # noqa: BLE001 - a scanner bug is reported, never a traceback
            report.error(f"the {source.kind} scanner failed: {type(exc).__name__}: {exc}",
                         source=source.label(), path=source.origin)
            continue
        for dataset in datasets:
            if dataset.id in seen:
                report.warning(f"dataset {dataset.id} is produced by two sources ({seen[dataset.id]} and "
                               f"{source.label()}); keeping the first", source=source.label())
                continue
            seen[dataset.id] = source.label()
            found.append(dataset)
    report.datasets = len(found)
    return tuple(found)


def build_catalog(config: Config, datasets: Sequence[Dataset], report: ScanReport, *,
                  lineage: bool = True) -> Catalog:
    """Merge curated metadata and declared lineage onto scanned datasets.

    ``lineage=False`` skips parsing SQL/dbt/Glue lineage: commands that only look at schemas
    (scan, diff, coverage) should not pay for it on a big workspace.
    """
    merged = merge_curations(datasets, config.datasets, report)
    declared = {LineageHop(e.source, e.target, e.via) for e in config.lineage.edges}
    if lineage and config.lineage.paths:  # SQL, dbt and Glue lineage; without paths the lineage package is never loaded
        from lineage.workspace import lineage_hops

        declared |= set(lineage_hops(config, merged, report))
    hops = tuple(sorted(declared, key=lambda h: (h.source, h.target, h.via)))
    return Catalog(title=config.title, datasets=merged, lineage=hops, layers=dict(config.layers),
                   graph=dict(config.graph))


def load_catalog(config: Config, report: ScanReport, *, progress: ProgressHook = no_progress,
                 use_cache: bool = True, workers: int | None = None, lineage: bool = True) -> Catalog:
    """Scan and merge in one call: what ``lakemap docs`` and the TUI need."""
    datasets = scan_sources(config, report, progress=progress, use_cache=use_cache, workers=workers)
    return build_catalog(config, datasets, report, lineage=lineage)
