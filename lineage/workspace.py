"""A workspace's lineage: catalog.yaml and the scanned datasets in, records, a graph and catalog hops out.

This is the edge of the lineage package: it finds and reads the files ``lineage.paths``
names (SQL scripts, dbt models, Glue job scripts), adds the views the DDL scanner found and
the edges catalog.yaml declares, and hands everything else to pure code.

Lineage must hang off the datasets the scanners found, so every name SQL uses is matched
to a catalog dataset (:class:`DatasetMatcher`), in this order:

1. the dataset's name or id, ignoring case (the exact spelling wins when two differ only
   by case), with ``default_db``/``default_schema`` applied to both sides (for datasets
   without a layer);
2. a curated alias (``datasets.<name>.aliases`` in catalog.yaml);
3. ``<layer>.<name>`` for a dataset with a layer: ``silver.orders`` is the Parquet
   dataset ``orders`` of layer silver (Spectrum and Athena name lake layers so);
4. a unique match on the last name part, when the dataset's own qualifiers agree with the
   SQL's (``exports.customer_segments`` finds ``customer_segments``; ``gold.orders`` never
   finds ``analytics.orders``, nor a dataset of another layer);
5. for URLs (``s3://bucket/prefix``), the dataset whose location is that URL.

Names that match nothing stay as they are: external tables still show in the graph and
in DATA_CATALOG.md, just without a link.
"""

from __future__ import annotations

import glob
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog.config import Config
from catalog.model import Dataset, LineageHop
from catalog.report import ScanReport
from lineage import SchemaIndex
from lineage._names import Defaults
from lineage.sources import LineageRecord, ParseOptions, declared_records, sql_files_records, view_record

if TYPE_CHECKING:  # the graph module loads networkx: only commands that query lineage pay for it
    from lineage.graph import LineageGraph

__all__ = [
    "DatasetMatcher", "SourceFile", "build_graph", "catalog_hops", "catalog_schema", "classify",
    "lineage_hops", "parse_options", "read_files", "records_from_files", "workspace_files",
    "workspace_records",
]

#: Statement kinds that move data into their target (others only read, or only destroy).
_FLOW_KINDS = frozenset({
    "insert", "insert_overwrite", "create_table_as", "create_view", "create_materialized_view", "merge",
    "update", "copy", "unload", "rename", "declared",
})
_LINEAGE_SUFFIXES = (".sql", ".py")
_DBT_CALL = re.compile(r"\{\{-?\s*(ref|source|config)\s*\(|\{%-?\s*if\s+is_incremental\s*\(")


# ------------------------------------------------------------------------ matching
class DatasetMatcher:
    """Maps the names SQL, dbt and Glue use onto catalog datasets (rules in the module docstring)."""

    def __init__(self, datasets: Sequence[Dataset], *, default_db: str | None = None,
                 default_schema: str | None = None) -> None:
        self.datasets = tuple(datasets)
        self._defaults = Defaults.of(default_db, default_schema)
        self._exact: dict[str, list[Dataset]] = {}
        self._alias: dict[str, list[Dataset]] = {}
        self._layer: dict[str, list[Dataset]] = {}
        self._last: dict[str, list[Dataset]] = {}
        self._location: dict[str, list[Dataset]] = {}
        self._cache: dict[str, Dataset | None] = {}
        for ds in self.datasets:
            for key in {ds.name, ds.id, *(() if ds.layer else (self._qualified(ds.name),))}:
                self._exact.setdefault(key.lower(), []).append(ds)
            for alias in ds.aliases:
                for key in {alias, self._qualified(alias)}:
                    self._alias.setdefault(key.lower(), []).append(ds)
            if ds.layer:
                for key in {f"{ds.layer}.{ds.name}", self._qualified(f"{ds.layer}.{ds.name}")}:
                    self._layer.setdefault(key.lower(), []).append(ds)
            self._last.setdefault(ds.name.rsplit(".", 1)[-1].lower(), []).append(ds)
            if "://" in ds.location:
                self._location.setdefault(ds.location.rstrip("/").lower(), []).append(ds)

    def _qualified(self, name: str) -> str:
        return ".".join(self._defaults.qualify(tuple(name.split("."))))

    def _forms(self, name: str) -> list[str]:
        """``name`` as written, qualified by the defaults, and without the default database."""
        forms = [name, self._qualified(name)]
        parts = name.split(".")
        if self._defaults.db and len(parts) >= 3 and parts[0].lower() == self._defaults.db.lower():
            forms.append(".".join(parts[1:]))
        return list(dict.fromkeys(forms))

    def match(self, name: str) -> Dataset | None:
        """The dataset ``name`` stands for, or ``None`` for an external table."""
        if name not in self._cache:
            self._cache[name] = self._match(name)
        return self._cache[name]

    def node_name(self, name: str) -> str:
        """The graph node for ``name``: the matched dataset's name, else ``name`` itself."""
        found = self.match(name)
        return found.name if found is not None else name

    def _match(self, name: str) -> Dataset | None:
        forms = self._forms(name)
        for index in (self._exact, self._alias, self._layer):
            for form in forms:
                found = _pick(index.get(form.lower(), ()), form)
                if found is not None:
                    return found
        if "://" in name:
            return _pick(self._location.get(name.rstrip("/").lower(), ()), name)
        parts = [p.lower() for p in name.split(".")]
        candidates = [ds for ds in self._last.get(parts[-1], ()) if _agrees(ds, parts)]
        unique = {ds.id: ds for ds in candidates}
        return next(iter(unique.values())) if len(unique) == 1 else None


def _pick(found: Sequence[Dataset], spelled: str) -> Dataset | None:
    """One dataset from an index bucket: the exact spelling among case variants, else the only one."""
    unique = {ds.id: ds for ds in found}
    if len(unique) <= 1:
        return next(iter(unique.values()), None)
    exact = [ds for ds in unique.values() if spelled in (ds.name, ds.id)]
    return exact[0] if len(exact) == 1 else None


def _agrees(ds: Dataset, parts: Sequence[str]) -> bool:
    """A last-part match is allowed when the dataset's qualifiers are a suffix of the SQL's,
    and, for a dataset with a layer, only for an unqualified SQL name (its qualified name is
    ``<layer>.<name>``, which rule 3 already tried)."""
    own = [p.lower() for p in ds.name.split(".")]
    if len(own) > len(parts) or parts[-len(own):] != own:
        return False
    return not ds.layer or len(parts) == 1


# ------------------------------------------------------------------------ schema and options
def catalog_schema(datasets: Iterable[Dataset]) -> dict[str, dict[str, str]]:
    """``{"table": {"column": "type"}}`` for star expansion: each dataset under every name it matches.

    A dataset is listed under its name, its aliases and ``<layer>.<name>``; only top-level
    columns (SQL reads nested fields through them).
    """
    schema: dict[str, dict[str, str]] = {}
    for ds in datasets:
        if not ds.columns:
            continue
        columns = {c.name: c.type for c in ds.columns}
        names = [ds.name, *ds.aliases] + ([f"{ds.layer}.{ds.name}"] if ds.layer else [])
        for name in names:
            schema.setdefault(name, columns)
    return schema


def parse_options(config: Config | None, datasets: Sequence[Dataset] = (), *, dialect: str | None = None,
                  default_db: str | None = None, default_schema: str | None = None,
                  extra_schema: Mapping[str, Mapping[str, Any]] | None = None) -> ParseOptions:
    """Options from catalog.yaml's ``lineage:`` with command-line values winning, and the schema
    built from the catalog's datasets with ``extra_schema`` (``--schema``) on top."""
    lineage = config.lineage if config is not None else None
    schema: dict[str, Mapping[str, Any]] = dict(catalog_schema(datasets))
    schema.update(extra_schema or {})
    return ParseOptions(
        dialect=dialect or (lineage.dialect if lineage else None),
        default_db=default_db or (lineage.default_db if lineage else None),
        default_schema=default_schema or (lineage.default_schema if lineage else None),
        schema=SchemaIndex.from_mapping(schema),
    )


# ------------------------------------------------------------------------ files
@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to read lineage from: the path shown to people, its text and what kind of file it is."""

    shown: str
    text: str
    kind: str  # "sql", "dbt" or "glue"


@dataclass(slots=True)
class _DbtProjects:
    """dbt projects found above the files: their model folders and the ``sources:`` of their YAML."""

    stop: Path
    report: ScanReport
    shown: Callable[[Path], str]
    models: dict[Path, list[Path]] = field(default_factory=dict)
    sources: dict[tuple[str, str], str] = field(default_factory=dict)
    _looked: dict[Path, Path | None] = field(default_factory=dict)

    def model_file(self, path: Path) -> bool:
        project = self._project_of(path.parent)
        if project is None:
            return False
        return any(_is_within(path, folder) for folder in self.models[project])

    def _project_of(self, folder: Path) -> Path | None:
        from lineage.dbt import project_model_paths, source_relations

        chain: list[Path] = []
        current: Path | None = folder
        found: Path | None = None
        while current is not None:
            if current in self._looked:
                found = self._looked[current]
                break
            chain.append(current)
            if (current / "dbt_project.yml").is_file():
                found = current
                break
            if current == self.stop or current.parent == current:
                break
            current = current.parent
        for visited in chain:
            self._looked[visited] = found
        if found is not None and found not in self.models:
            text = _read_text(found / "dbt_project.yml", self.shown, self.report) or ""
            self.models[found] = [found / p for p in project_model_paths(text)]
            for folder_ in self.models[found]:
                for yml in sorted(folder_.rglob("*.yml")) + sorted(folder_.rglob("*.yaml")):
                    text = _read_text(yml, self.shown, self.report)
                    if text and "sources" in text:
                        self.sources.update(source_relations(text, file=self.shown(yml), report=self.report))
        return found


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _read_text(path: Path, shown: Callable[[Path], str], report: ScanReport) -> str | None:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        report.error(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=shown(path))
    except OSError as exc:
        report.error(f"cannot read ({exc.strerror or type(exc).__name__})", path=shown(path))
    return None


def classify(shown: str, text: str, *, dbt_model: bool = False) -> str:
    """``glue`` for Python, ``dbt`` for a dbt model (in a dbt project, or calling ``ref``, ``source`` or
    ``config``), else ``sql``."""
    from lineage.dbt import is_dbt_template

    if shown.lower().endswith(".py"):
        return "glue"
    if dbt_model or (is_dbt_template(text) and _DBT_CALL.search(text) is not None):
        return "dbt"
    return "sql"


def read_files(paths: Sequence[Path], *, base_dir: Path, report: ScanReport,
               shown: Callable[[Path], str] | None = None
               ) -> tuple[list[SourceFile], dict[tuple[str, str], str]]:
    """Read lineage files and tell their kinds; unreadable files are errors, the rest go on.

    Returns the files and the dbt source relations found in the YAML files of their dbt
    projects (looked for from each file's folder up to ``base_dir``).
    """
    show = shown or (lambda p: _relative(p, base_dir))
    projects = _DbtProjects(base_dir.resolve(), report, show)
    files: list[SourceFile] = []
    for path in paths:
        text = _read_text(path, show, report)
        if text is None:
            continue
        name = show(path)
        dbt_model = path.suffix.lower() == ".sql" and projects.model_file(path.resolve())
        files.append(SourceFile(name, text, classify(name, text, dbt_model=dbt_model)))
    return files, dict(projects.sources)


def _relative(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` in POSIX form when inside it, else as given (the user wrote it)."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def workspace_files(config: Config, report: ScanReport) -> list[Path]:
    """The files ``lineage.paths`` names (globs, ``**`` included; a folder means its .sql and .py files).

    Sorted and without repeats; a pattern that matches nothing is a warning.
    """
    found: dict[Path, None] = {}
    for pattern in config.lineage.paths:
        full = Path(pattern).expanduser()
        full = full if full.is_absolute() else config.base_dir / full
        matches = sorted(glob.glob(str(full), recursive=True))
        hits = 0
        for match in matches:
            path = Path(match)
            if path.is_dir():
                for inner in sorted(path.rglob("*")):
                    if inner.is_file() and inner.suffix.lower() in _LINEAGE_SUFFIXES:
                        found.setdefault(inner, None)
                        hits += 1
            elif path.is_file():
                found.setdefault(path, None)
                hits += 1
        if not hits:
            report.warning(f"lineage.paths: {pattern!r} matches no files", path=str(config.path))
    return sorted(found, key=lambda p: _relative(p, config.base_dir))


def records_from_files(files: Sequence[SourceFile], *, options: ParseOptions, report: ScanReport,
                       jobs: int = 1, resolve: bool = True,
                       dbt_sources: Mapping[tuple[str, str], str] | None = None) -> list[LineageRecord]:
    """Lineage records of every file, in file order then line order (see :mod:`lineage.sources`)."""
    sql = [(f.shown, f.text) for f in files if f.kind == "sql"]
    by_file: dict[str, list[LineageRecord]] = {}
    for record in sql_files_records(sql, options=options, report=report, jobs=jobs, resolve=resolve):
        by_file.setdefault(record.file, []).append(record)
    dbt_files = [f for f in files if f.kind == "dbt"]
    if dbt_files:
        from lineage.dbt import DbtFile, dbt_records, render_models

        models = render_models([DbtFile(f.shown, f.text) for f in dbt_files], sources=dbt_sources,
                               report=report)
        for record in dbt_records(models, options=options, report=report):
            by_file.setdefault(record.file, []).append(record)
    glue = [f for f in files if f.kind == "glue"]
    if glue:
        from lineage.glue_scripts import glue_script_records

        for item in glue:
            by_file[item.shown] = glue_script_records(item.text, file=item.shown, report=report)
    return [record for f in files for record in by_file.get(f.shown, [])]


def _view_records(config: Config, datasets: Sequence[Dataset], options: ParseOptions,
                  report: ScanReport) -> list[LineageRecord]:
    """Views the SQL DDL scanner found (``properties["_sql"]``), parsed in their source's dialect."""
    specs = {spec.label(): spec for spec in config.sources}
    records: list[LineageRecord] = []
    for ds in datasets:
        sql = ds.properties.get("_sql")
        if not sql or "view" not in ds.kind:
            continue
        spec = specs.get(ds.source)
        view_options = options
        if spec is not None and spec.kind == "sql":
            dialect = spec.options.get("dialect")
            schema = spec.options.get("default_schema")
            view_options = ParseOptions(
                dialect=dialect if isinstance(dialect, str) and dialect else options.dialect,
                default_db=options.default_db,
                default_schema=schema if isinstance(schema, str) and schema else options.default_schema,
                schema=options.schema,
            )
        file, line = _split_where(ds.properties.get("defined_in", ""))
        records.append(view_record(ds.name, sql, file=file or ds.id, line=line, options=view_options,
                                   report=report))
    return records


def _split_where(where: str) -> tuple[str, int]:
    path, _, line = where.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (where, 0)


def workspace_records(config: Config, datasets: Sequence[Dataset], report: ScanReport, *,
                      jobs: int = 1) -> list[LineageRecord]:
    """Everything the workspace says about lineage: its files, its scanned views, its declared edges."""
    records: list[LineageRecord] = []
    options = parse_options(config, datasets)
    if config.lineage.paths:
        paths = workspace_files(config, report)
        files, dbt_sources = read_files(paths, base_dir=config.base_dir, report=report)
        records += records_from_files(files, options=options, report=report, jobs=jobs,
                                      dbt_sources=dbt_sources)
        records += _view_records(config, datasets, options, report)
    records += declared_records((e.source, e.target, e.via, _config_origin(e.origin, config))
                                for e in config.lineage.edges)
    return records


def _config_origin(origin: str, config: Config) -> str:
    """A declared edge's ``file:line:col`` with the file named like the other lineage files:
    relative to catalog.yaml's folder, where catalog.yaml itself is just its name."""
    parts = origin.rsplit(":", 2)
    return ":".join([config.path.name, *parts[1:]]) if len(parts) == 3 else origin


# ------------------------------------------------------------------------ graph and hops
def _flows(record: LineageRecord) -> bool:
    lineage = record.lineage
    return bool(lineage.target) and lineage.kind in _FLOW_KINDS


def build_graph(records: Iterable[LineageRecord], matcher: DatasetMatcher) -> LineageGraph:
    """The lineage graph with names mapped onto datasets; every catalog dataset is a node."""
    from lineage.graph import Hop, LineageGraph

    graph = LineageGraph()
    for ds in matcher.datasets:
        graph.add_table(ds.name, dataset=ds.id)
    for record in records:
        if not _flows(record):
            continue
        lineage = record.lineage
        target = matcher.node_name(lineage.target or "")
        # only a complete column mapping lets impact analysis skip the columns a statement does not read
        has_star = any(c.column == "*" for c in lineage.columns)
        hop = Hop(lineage.kind, record.file, record.line, record.origin, record.via,
                  columns=bool(lineage.columns) and not has_star and lineage.confidence == "complete")
        for name in (lineage.target or "", *lineage.sources):
            found = matcher.match(name)
            graph.add_table(matcher.node_name(name), dataset=found.id if found else None, aliases=[name])
        columns: dict[str, list[tuple[str, str]]] = {}
        for column in lineage.columns:
            if column.column == "*":
                continue
            refs = columns.setdefault(column.column, [])
            for ref in column.sources:
                table, _, col = ref.rpartition(".")
                if table and col and col != "*":
                    refs.append((matcher.node_name(table), col))
        graph.add_statement([matcher.node_name(s) for s in lineage.sources], target, hop, columns)
    return graph


def catalog_hops(records: Iterable[LineageRecord], matcher: DatasetMatcher) -> tuple[LineageHop, ...]:
    """Table-level hops for DATA_CATALOG.md, named like the datasets; ``via`` is the file (or the
    declared edge's own text).

    A table that reads itself (an upsert's anti-join) is not a hop worth printing.
    """
    hops: set[LineageHop] = set()
    for record in records:
        if not _flows(record):
            continue
        target = matcher.node_name(record.lineage.target or "")
        via = record.via if record.origin == "declared" else record.file
        for source in record.lineage.sources:
            name = matcher.node_name(source)
            if name != target:
                hops.add(LineageHop(name, target, via))
    return tuple(sorted(hops, key=lambda h: (h.source, h.target, h.via)))


def lineage_hops(config: Config, datasets: Sequence[Dataset], report: ScanReport) -> tuple[LineageHop, ...]:
    """What :func:`catalog.workspace.build_catalog` adds to the Catalog: every hop of the workspace."""
    lineage = config.lineage
    records = workspace_records(config, datasets, report)
    matcher = DatasetMatcher(datasets, default_db=lineage.default_db, default_schema=lineage.default_schema)
    return catalog_hops(records, matcher)

