"""``lakemap lineage parse|show|impact``: the lineage commands, thin shells over :mod:`lineage`.

Importing this module costs only Typer: sqlglot, networkx and Jinja are imported inside the
commands, so ``lakemap docs`` and ``--help`` stay fast. Results go to stdout (``--format
json`` prints nothing else there); problems go to stderr as ``file:line: error: message``.
Exit codes: 0 ok, 1 errors under ``--strict``, 2 usage or config errors, including a name
that matches no table or column (the message suggests close names).
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from cli import console as out
from cli.common import (
    ConfigOption,
    config_named_explicitly,
    config_path,
    exit_with,
    finish_report,
    load_config_or_exit,
    print_json,
)

if TYPE_CHECKING:
    from catalog.config import Config
    from catalog.model import Dataset
    from catalog.report import ScanReport
    from lineage.export import TreeNode
    from lineage.graph import Hop, LineageGraph, NodeRef
    from lineage.workspace import DatasetMatcher

lineage_app = typer.Typer(
    help="Table and column lineage from SQL files, dbt models and Glue job scripts.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ParseFormat(str, Enum):
    text = "text"
    json = "json"
    openlineage = "openlineage"


class ShowFormat(str, Enum):
    tree = "tree"
    json = "json"
    mermaid = "mermaid"
    dot = "dot"


class ImpactFormat(str, Enum):
    text = "text"
    json = "json"


StrictOption = Annotated[bool, typer.Option("--strict", help="Exit 1 when any statement could not be parsed "
                                                             "or any source reported an error.")]
DepthOption = Annotated[Optional[int], typer.Option("--depth", "-d", min=0, help="Follow at most N hops "
                                                    "(default: all).", show_default=False)]


# ---------------------------------------------------------------------------- plumbing
def _config(override: Path | None, *, required: bool) -> Config | None:
    """The workspace config; ``None`` when it is optional, not named explicitly and absent."""
    if not required and not config_named_explicitly(override) and not config_path(override).exists():
        return None
    return load_config_or_exit(override)


def _datasets(config: Config, report: ScanReport) -> tuple[Dataset, ...]:
    """Scanned and curated datasets (what lineage names are matched to), without building docs."""
    from catalog.merge import merge_curations
    from catalog.workspace import scan_sources

    with out.DelayedProgress() as progress:
        scanned = scan_sources(config, report, progress=progress)
    return merge_curations(scanned, config.datasets, report)


def _plain(text: str) -> None:
    out.stdout.print(text, markup=False, highlight=False, emoji=False)


def _load_schema(path: Path) -> dict[str, dict[str, Any]]:
    """``--schema schema.json``: ``{"table": {"column": "type"}}`` (sqlglot's nested ``{"db": {"schema":
    {"table": ...}}}`` works too); anything that is not a mapping of mappings is a usage error."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        out.fail(f"{path}: no such schema file")
        exit_with(2)
    except (OSError, UnicodeDecodeError) as exc:
        out.fail(f"{path}: cannot read ({exc})")
        exit_with(2)
    except json.JSONDecodeError as exc:
        out.fail(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}")
        exit_with(2)
    if not isinstance(document, dict) or not all(
            isinstance(k, str) and isinstance(v, dict) for k, v in document.items()):
        out.fail(f'{path}: expected {{"table": {{"column": "type"}}}}')
        exit_with(2)
    return document


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _event_time() -> str:
    """OpenLineage ``eventTime``: ``SOURCE_DATE_EPOCH`` when set, else the Unix epoch (output never moves)."""
    import datetime as dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else 0
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------- parse
@lineage_app.command()
def parse(
    files: Annotated[Optional[list[str]], typer.Argument(
        help="SQL files, dbt models or Glue job scripts (folders and globs too); - reads SQL from stdin. "
             "Default: catalog.yaml's lineage.paths.", show_default=False)] = None,
    dialect: Annotated[Optional[str], typer.Option(
        "--dialect", help="SQL dialect (redshift, postgres, snowflake, bigquery, spark...); default: "
                          "catalog.yaml's lineage.dialect.", show_default=False)] = None,
    default_db: Annotated[Optional[str], typer.Option(
        "--default-db", help="Database for names qualified only by schema.", show_default=False)] = None,
    default_schema: Annotated[Optional[str], typer.Option(
        "--default-schema", help="Schema for unqualified names.", show_default=False)] = None,
    schema: Annotated[Optional[Path], typer.Option(
        "--schema", help='JSON file {"table": {"column": "type"}} used to expand SELECT *, on top of the '
                         "catalog's own tables.", show_default=False)] = None,
    format: Annotated[ParseFormat, typer.Option(
        "--format", "-f", help="text, json (the lineage contract) or openlineage (one RunEvent per line).")]
    = ParseFormat.text,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, help="Parse in N processes (0: one per CPU).")] = 1,
    keep_temporaries: Annotated[bool, typer.Option(
        "--keep-temporaries", help="Report tables created and dropped in the same file as targets instead of "
                                   "following them through.")] = False,
    no_catalog: Annotated[bool, typer.Option(
        "--no-catalog", help="Do not scan catalog.yaml's sources for table columns (faster; SELECT * over "
                             "them stays unexpanded).")] = False,
    namespace: Annotated[Optional[str], typer.Option(
        "--namespace", help="OpenLineage dataset namespace (default: the dialect).",
        show_default=False)] = None,
    config: ConfigOption = None,
    strict: StrictOption = False,
) -> None:
    """Print the table and column lineage of every statement of every file."""
    from catalog.report import ScanReport
    from lineage.sources import LineageRecord
    from lineage.workspace import parse_options, read_files, records_from_files, workspace_files

    report = ScanReport()
    cfg = _config(config, required=not files)
    if cfg is not None and not files and not cfg.lineage.paths:
        out.fail(f"{cfg.path}: lineage.paths is empty; name files to parse or add lineage.paths")
        exit_with(2)
    extra = _load_schema(schema) if schema is not None else None
    datasets = _datasets(cfg, report) if cfg is not None and not no_catalog else ()
    options = parse_options(cfg, datasets, dialect=dialect, default_db=default_db,
                            default_schema=default_schema, extra_schema=extra)
    if files:
        sources, dbt_sources = _named_files(files, report)
    else:
        assert cfg is not None
        paths = workspace_files(cfg, report)
        sources, dbt_sources = read_files(paths, base_dir=cfg.base_dir, report=report)
    records: list[LineageRecord] = records_from_files(sources, options=options, report=report, jobs=jobs,
                                                      resolve=not keep_temporaries, dbt_sources=dbt_sources)
    if format is ParseFormat.json:
        print_json({"statements": [r.to_dict() for r in records]})
    elif format is ParseFormat.openlineage:
        from lineage.export import openlineage_events

        for event in openlineage_events(records, namespace=namespace or options.dialect or "lakemap",
                                        event_time=_event_time()):
            sys.stdout.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
    else:
        for record in records:
            for line in _statement_lines(record):
                _plain(line)
    failed = sum(1 for r in records if r.lineage.confidence == "failed")
    out.stderr.print(f"{_plural(len(records), 'statement')} in {_plural(len(sources), 'file')}; "
                     f"{failed} could not be analysed", markup=False, highlight=False)
    exit_with(finish_report(report, strict=strict))


def _named_files(names: list[str], report: ScanReport) -> tuple[list[Any], dict[tuple[str, str], str]]:
    """Files named on the command line, in that order: ``-`` is stdin, folders and globs expand.

    A name that is none of these is a usage error (exit 2).
    """
    import glob

    from lineage.workspace import SourceFile, classify, read_files

    order: list[Path | SourceFile] = []
    for name in names:
        if name == "-":
            text = sys.stdin.read()
            order.append(SourceFile("<stdin>", text, classify("<stdin>", text)))
            continue
        path = Path(name)
        if path.is_dir():
            order += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".sql", ".py"))
        elif path.is_file():
            order.append(path)
        elif glob.has_magic(name) and glob.glob(name, recursive=True):
            order += [Path(p) for p in sorted(glob.glob(name, recursive=True)) if Path(p).is_file()]
        else:
            out.fail(f"{name}: no such file")
            exit_with(2)
    paths = list(dict.fromkeys(p for p in order if isinstance(p, Path)))
    read, dbt_sources = read_files(paths, base_dir=Path.cwd(), report=report, shown=str)
    by_name = {f.shown: f for f in read}
    files: list[SourceFile] = []
    for item in order:
        found = item if isinstance(item, SourceFile) else by_name.pop(str(item), None)
        if found is not None:
            files.append(found)
    return files, dbt_sources


def _statement_lines(record: Any) -> list[str]:
    lineage = record.lineage
    if lineage.kind == "other" and not (lineage.sources or lineage.target or lineage.error):
        return []
    head = f"{record.where}  {lineage.kind}"
    if lineage.target:
        head += f"  {lineage.target}"
    if lineage.sources:
        head += f"  <-  {', '.join(lineage.sources)}"
    if lineage.confidence == "failed":
        head += f"  [failed: {lineage.error or lineage.reason}]"
    elif lineage.confidence == "partial":
        head += f"  [partial: {lineage.reason}]"
    lines = [head]
    for column in lineage.columns:
        lines.append(f"    {column.column}  <-  {', '.join(column.sources) or '(no column)'}")
    return lines


# ---------------------------------------------------------------------------- show / impact
def _workspace_graph(config: Config, report: ScanReport) -> tuple[LineageGraph, DatasetMatcher]:
    from lineage.workspace import DatasetMatcher, build_graph, workspace_records

    datasets = _datasets(config, report)
    records = workspace_records(config, datasets, report)
    matcher = DatasetMatcher(datasets, default_db=config.lineage.default_db,
                             default_schema=config.lineage.default_schema)
    return build_graph(records, matcher), matcher


def _resolve(graph: LineageGraph, matcher: DatasetMatcher, name: str, report: ScanReport) -> NodeRef:
    """A table or column by any name SQL or the catalog uses; exit 2 with suggestions otherwise."""
    found = graph.find(name) or graph.find(matcher.node_name(name))
    if found is None and "." in name:
        table, _, column = name.rpartition(".")
        found = graph.find(f"{matcher.node_name(table)}.{column}")
    if found is not None:
        return found
    out.print_problems(report.problems)
    hints = graph.suggestions(name) or graph.suggestions(matcher.node_name(name))
    hint = f"; did you mean {' or '.join(repr(h) for h in hints)}?" if hints else ""
    out.fail(f"no table or column named {name!r} in the lineage{hint}")
    exit_with(2)


@lineage_app.command()
def show(
    name: Annotated[Optional[str], typer.Argument(
        help="Table or column (table.column) to start from; any name SQL or the catalog uses. Default: the "
             "whole graph.", show_default=False)] = None,
    upstream: Annotated[bool, typer.Option("--upstream", help="Only what it is made from.")] = False,
    downstream: Annotated[bool, typer.Option("--downstream", help="Only what is made from it.")] = False,
    depth: DepthOption = None,
    columns: Annotated[bool, typer.Option(
        "--columns", help="Column-level lineage instead of tables.")] = False,
    format: Annotated[ShowFormat, typer.Option(
        "--format", "-f", help="tree (for the terminal), json, mermaid or dot.")] = ShowFormat.tree,
    config: ConfigOption = None,
    strict: StrictOption = False,
) -> None:
    """Show the lineage of a table or column (or of everything) as a tree, JSON, Mermaid or DOT."""
    from catalog.report import ScanReport

    report = ScanReport()
    cfg = _config(config, required=True)
    assert cfg is not None
    graph, matcher = _workspace_graph(cfg, report)
    direction = "both" if upstream == downstream else ("upstream" if upstream else "downstream")
    level = "column" if columns else "table"
    ref = _resolve(graph, matcher, name, report) if name is not None else None
    if format is ShowFormat.tree:
        from rich.tree import Tree

        tree = _show_tree(graph, ref, direction=direction, depth=depth, level=level)
        if isinstance(tree, Tree):
            out.stdout.print(tree, soft_wrap=False)  # long labels wrap under their branch, never cut
        else:
            out.stderr.print(tree, markup=False, highlight=False)
    else:
        from lineage.export import view_to_dict, view_to_dot, view_to_mermaid

        if ref is None:
            view = graph.whole(level=level)
        else:
            query = {"both": graph.neighbourhood, "upstream": graph.upstream, "downstream": graph.downstream}
            view = query[direction](ref.key, depth=depth, level=level)
        if format is ShowFormat.json:
            print_json(view_to_dict(view))
        else:
            sys.stdout.write(view_to_mermaid(view) if format is ShowFormat.mermaid else view_to_dot(view))
    exit_with(finish_report(report, strict=strict))


def _show_tree(graph: LineageGraph, ref: NodeRef | None, *, direction: str, depth: int | None,
               level: str) -> Any:
    """A rich Tree for the terminal (or a one-line message when there is nothing to draw)."""
    from rich.text import Text
    from rich.tree import Tree

    from lineage.export import lineage_forest, lineage_tree

    if ref is None:
        layer = graph.tables if level == "table" else graph.columns
        linked = layer.subgraph([n for n in layer if layer.degree(n)])
        if not linked:
            return "no lineage found: add SQL, dbt or Glue files to lineage.paths in catalog.yaml"
        top = Tree(Text(f"lineage ({'columns' if level == 'column' else 'tables'})", style="bold"))
        for root in lineage_forest(linked, depth=depth):
            _add_branch(top, root)
        return top
    layer = graph.tables if ref.level == "table" else graph.columns
    starts = [ref.key]
    top = Tree(Text(ref.key, style="bold"))
    if level == "column" and ref.level == "table":
        layer, starts = graph.columns, graph.table_columns(ref.key)
        if not starts:
            top.add(Text("no column lineage", style="dim"))
    for start in starts:
        holder = top if start == ref.key else top.add(Text(start.rpartition(".")[2], style="bold"))
        for side in ("upstream", "downstream"):
            if direction not in (side, "both"):
                continue
            branch = lineage_tree(layer, start, upstream=side == "upstream", depth=depth)
            label = Text(f"{side} ({_count(branch)})", style="cyan")
            section = holder.add(label)
            for child in branch.children:
                _add_branch(section, child)
    return top


def _count(node: TreeNode) -> str:
    if node.note == "deeper":
        return "beyond --depth"
    total = len(node.children)
    return "nothing" if not total else f"{total} direct"


def _describe(hop: Hop) -> str:
    """``merge at etl.sql:12``, or a declared edge's own words and where it is declared."""
    return f"{hop.via} ({hop.where})" if hop.via else f"{hop.kind} at {hop.where}"


def _hop_text(hops: tuple[Hop, ...]) -> str:
    if not hops:
        return ""
    return _describe(hops[0]) + (f" +{len(hops) - 1} more" if len(hops) > 1 else "")


def _add_branch(parent: Any, node: TreeNode) -> None:
    from rich.text import Text

    label = Text(node.name)
    hops = _hop_text(node.hops)
    if hops:
        label.append(f"  {hops}", style="dim")
    if node.note:
        label.append(f"  ({node.note})", style="yellow")
    branch = parent.add(label)
    for child in node.children:
        _add_branch(branch, child)


@lineage_app.command()
def impact(
    name: Annotated[str, typer.Argument(
        help="Table or column (table.column) that changes; any name SQL or the catalog uses.")],
    depth: DepthOption = None,
    format: Annotated[ImpactFormat, typer.Option("--format", "-f", help="Output format: text or json.")]
    = ImpactFormat.text,
    config: ConfigOption = None,
    strict: StrictOption = False,
) -> None:
    """List every downstream table and column that reads NAME, with the path and file:line of each hop."""
    from catalog.report import ScanReport

    report = ScanReport()
    cfg = _config(config, required=True)
    assert cfg is not None
    graph, matcher = _workspace_graph(cfg, report)
    ref = _resolve(graph, matcher, name, report)
    entries = graph.impact(ref.key, depth=depth)
    if format is ImpactFormat.json:
        print_json({"node": ref.key, "level": ref.level, "impacted": [e.to_dict() for e in entries]})
    elif not entries:
        _plain(f"nothing downstream reads {ref.key}")
    else:
        tables = sum(1 for e in entries if e.level == "table")
        _plain(f"{ref.key} ({ref.level}): {tables} tables and {len(entries) - tables} columns downstream")
        for entry in entries:
            maybe = "" if entry.exact else ", possibly: a hop on the way has no column lineage"
            hops = "hop" if entry.depth == 1 else "hops"
            _plain(f"\n{entry.name}  ({entry.level}, {entry.depth} {hops}{maybe})")
            for step, hop in enumerate(entry.via):
                _plain(f"    {entry.path[step]} -> {entry.path[step + 1]}  {_describe(hop)}")
    exit_with(finish_report(report, strict=strict))
