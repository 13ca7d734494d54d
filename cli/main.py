"""The ``lakemap`` command line: one small function per command over catalog/lineage/graph.

Exit codes everywhere: 0 ok, 1 findings (stale docs, schema drift, coverage below the bar,
scan errors under ``--strict``), 2 usage or configuration error, 3 an internal error (a
bug: the message says how to get the traceback). Textual is imported only by ``browse``;
the CI path (scan, docs, diff, coverage) never loads it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from catalog.config import DEFAULT_CONFIG, Config
from catalog.report import ScanReport
from cli import console as out
from cli.common import (
    ConfigOption,
    FormatOption,
    OutputFormat,
    StrictOption,
    exit_with,
    finish_report,
    load_config_or_exit,
    print_json,
    shown,
    state,
    today,
)

app = typer.Typer(
    name="lakemap",
    help="Data catalog, lineage and graph exploration for data lakes.\n\n"
         "Scans Parquet lakes, SQL DDL and more into one catalog, and keeps DATA_CATALOG.md honest in CI.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    config: Annotated[Path, typer.Option("--config", "-c", help="catalog.yaml to use.", envvar="LAKEMAP_CONFIG")]
    = Path(DEFAULT_CONFIG),
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", is_eager=True)] = False,
) -> None:
    """Data catalog, lineage and graph exploration for data lakes."""
    if version:
        from importlib.metadata import version as dist_version

        out.stdout.print(f"lakemap {dist_version('lakemap')}")
        raise typer.Exit(0)
    state.config_path = config


def _load(config: Config, *, use_cache: bool = True, workers: int | None = None, lineage: bool = True):
    """Scan and merge with a progress bar; returns ``(Catalog, ScanReport)``."""
    from catalog.workspace import load_catalog

    report = ScanReport()
    with out.DelayedProgress() as progress:
        catalog = load_catalog(config, report, progress=progress, use_cache=use_cache, workers=workers,
                               lineage=lineage)
    return catalog, report


# -- commands ----------------------------------------------------------------------------

@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter config.")] = Path(DEFAULT_CONFIG),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter catalog.yaml."""
    from catalog.fsutil import atomic_write_text
    from cli.starter import STARTER_CONFIG

    if path.exists() and not force:
        out.fail(f"{path} already exists; use --force to overwrite it")
        exit_with(2)
    atomic_write_text(path, STARTER_CONFIG)
    out.stderr.print(f"wrote {path}; edit its sources, then run `lakemap docs`", markup=False)


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder to create the demo workspace in.")],
    scale: Annotated[int, typer.Option("--scale", min=1, help="Multiply the demo's row counts.")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (the same seed gives the same files).")] = 42,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that is not empty.")] = False,
) -> None:
    """Create a realistic e-commerce demo workspace (Parquet lake, Redshift DDL, SQL, catalog.yaml)."""
    from catalog.demo import DemoError, generate

    try:
        summary = generate(directory, scale=scale, seed=seed, force=force)
    except DemoError as exc:
        out.fail(str(exc))
        exit_with(2)
    out.stderr.print(
        f"wrote demo workspace {directory} ({len(summary.files)} files, {summary.total_bytes / 1e6:.1f} MB, "
        f"{len(summary.datasets)} datasets)\nnext: lakemap --config {directory / 'catalog.yaml'} docs",
        markup=False, highlight=False,
    )


@app.command()
def scan(
    config: ConfigOption = None,
    format: FormatOption = OutputFormat.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Also write a JSON snapshot "
                                                   "(for `lakemap diff --against`).")] = None,
    strict: StrictOption = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore and do not update the scan cache.")] = False,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Parallel workers "
                                                   "(default: CPU count).")] = None,
) -> None:
    """Scan every source in catalog.yaml and print what was found."""
    from catalog.fsutil import atomic_write_text
    from catalog.snapshot import catalog_to_dict
    from cli.views import scan_table

    cfg = load_config_or_exit(config)
    catalog, report = _load(cfg, use_cache=not no_cache, workers=workers, lineage=False)
    document = catalog_to_dict(catalog.datasets, problems=[p.to_dict() for p in report.problems])
    if output is not None:
        atomic_write_text(output, json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    if format is OutputFormat.json:
        print_json(document | {"report": {k: v for k, v in report.to_dict().items() if k != "problems"}})
    else:
        out.stdout.print(scan_table(catalog.datasets))
        out.stdout.print(
            f"{len(catalog.datasets)} datasets; {report.files_scanned} files read, {report.files_cached} from "
            f"cache; {len(report.errors)} errors, {len(report.warnings)} warnings", markup=False, highlight=False)
    exit_with(finish_report(report, strict=strict))


@app.command()
def docs(
    config: ConfigOption = None,
    check: Annotated[bool, typer.Option("--check", help="Do not write; exit 1 and print a diff when the file "
                                                        "is stale.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of catalog.yaml's "
                                                   "`output`.")] = None,
    stdout: Annotated[bool, typer.Option("--stdout", help="Print the document instead of writing it.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite a file that has no lakemap markers.")] = False,
    strict: StrictOption = False,
) -> None:
    """Generate DATA_CATALOG.md (or check that it is up to date)."""
    from catalog.fsutil import atomic_write_text
    from catalog.render.document import MarkerError, render_document, unified_diff

    cfg = load_config_or_exit(config)
    target = output or cfg.output
    catalog, report = _load(cfg)
    code = finish_report(report, strict=strict)
    existing = _read_existing(target)
    try:
        document = render_document(catalog, today=today(), existing=existing, force=force)
    except MarkerError as exc:
        out.fail(f"{shown(target)}: {exc}")
        exit_with(2)
    if stdout:
        sys.stdout.write(document)
        exit_with(code)
    if check:
        if existing == document:
            out.stderr.print(f"{shown(target)} is up to date", markup=False, highlight=False)
            exit_with(code)
        if existing is None:
            out.fail(f"{shown(target)} does not exist; run `lakemap docs` to create it")
        else:
            sys.stdout.write(unified_diff(existing, document, shown(target)))
            out.fail(f"{shown(target)} is stale; run `lakemap docs` to update it")
        exit_with(1)
    if existing == document:
        out.stderr.print(f"{shown(target)} unchanged ({len(catalog.datasets)} datasets)", markup=False,
                         highlight=False)
    else:
        atomic_write_text(target, document)
        out.stderr.print(f"wrote {shown(target)} ({len(catalog.datasets)} datasets)", markup=False,
                         highlight=False)
    exit_with(code)


def _read_existing(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        out.fail(f"cannot read {shown(path)}: {exc}")
        exit_with(2)


@app.command()
def diff(
    against: Annotated[Path, typer.Option("--against", help="Snapshot written by `lakemap scan --output`.")],
    config: ConfigOption = None,
    format: FormatOption = OutputFormat.text,
    strict: StrictOption = False,
) -> None:
    """Compare the current schemas with a snapshot; exit 1 when anything changed."""
    from catalog.snapshot import SnapshotError, datasets_from_dict, diff_datasets

    try:
        baseline = datasets_from_dict(json.loads(against.read_text(encoding="utf-8")))
    except FileNotFoundError:
        out.fail(f"{against}: no such snapshot; write one with `lakemap scan --output {against}`")
        exit_with(2)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        out.fail(f"{against}: not valid JSON ({exc})")
        exit_with(2)
    except SnapshotError as exc:
        out.fail(f"{against}: {exc}")
        exit_with(2)
    cfg = load_config_or_exit(config)
    catalog, report = _load(cfg, lineage=False)
    changes = diff_datasets(baseline, catalog.datasets)
    if format is OutputFormat.json:
        print_json(changes.to_dict())
    elif changes.changed:
        for line in changes.lines():
            out.stdout.print(line, markup=False, highlight=False)
    else:
        out.stderr.print(f"no schema changes against {against}", markup=False, highlight=False)
    code = finish_report(report, strict=strict)
    exit_with(1 if changes.changed else code)


@app.command()
def coverage(
    config: ConfigOption = None,
    fail_under: Annotated[Optional[float], typer.Option("--fail-under", min=0, max=100, help="Exit 1 when "
                                                        "overall coverage is below this percentage.")] = None,
    format: FormatOption = OutputFormat.text,
    strict: StrictOption = False,
) -> None:
    """Report how much of the catalog has descriptions and owners, and list what is missing."""
    from catalog.coverage import compute_coverage
    from cli.views import coverage_view

    cfg = load_config_or_exit(config)
    catalog, report = _load(cfg, lineage=False)
    result = compute_coverage(catalog.datasets)
    if format is OutputFormat.json:
        print_json(result.to_dict() | {"fail_under": fail_under})
    else:
        out.stdout.print(coverage_view(result))
    code = finish_report(report, strict=strict)
    if fail_under is not None and result.percent < fail_under:
        out.fail(f"coverage {result.percent:.1f}% is below --fail-under {fail_under:g}%")
        exit_with(1)
    exit_with(code)


from cli.lineage_cmd import lineage_app  # noqa: E402 - registered after the commands above, listed after them

app.add_typer(lineage_app, name="lineage", help="Table and column lineage from SQL, dbt and Glue jobs.")


def _guard(command: Callable[[], Any]) -> int:
    """Run the Typer app; turn any unexpected exception into one line and exit code 3."""
    try:
        command()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        out.fail("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place a bug becomes a message, not a traceback
        if os.environ.get("LAKEMAP_DEBUG"):
            raise
        out.fail(f"internal error: {type(exc).__name__}: {exc} (set LAKEMAP_DEBUG=1 to see the traceback, "
                 f"and please report it)")
        return 3
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(_guard(lambda: app(standalone_mode=True)))


if __name__ == "__main__":
    main()
