"""Where lineage comes from: SQL files, view definitions and declared edges, each with ``file:line``.

The parser (:mod:`lineage.parse`) sees one statement at a time and knows nothing of files.
This module is the layer above it: it cuts a file into statements (keeping where each one
starts), expands procedure bodies into the statements inside them, parses a file's
statements in order so tables created early lend their columns to later statements,
follows temporary tables through the file, and pairs every result with its position as a
:class:`LineageRecord`. dbt models and AWS Glue job scripts have their own modules
(:mod:`lineage.dbt`, :mod:`lineage.glue_scripts`) that produce the same records.

Everything here is pure: text in, records out. Problems (statements that do not parse)
are appended to a :class:`~catalog.report.ScanReport` with file, line and the parser's
message, and every other statement is still analysed.

Example:
    >>> from catalog.report import ScanReport
    >>> report = ScanReport()
    >>> records = sql_file_records("select 1;\\nINSERT INTO a SELECT x FROM b;", file="etl.sql",
    ...                            options=ParseOptions(dialect="postgres"), report=report)
    >>> [(r.line, r.lineage.kind, r.lineage.target, r.lineage.sources) for r in records]
    [(1, 'select', None, ()), (2, 'insert', 'a', ('b',))]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from catalog.report import ScanReport
from catalog.sqltext import leading_keywords, split_statements
from lineage import SchemaIndex, StatementLineage, parse_many, parse_statement, procedure_statements
from lineage.temporaries import resolve_temporaries

__all__ = [
    "ORIGINS",
    "LineageRecord",
    "ParseOptions",
    "SqlUnit",
    "declared_records",
    "report_failures",
    "sql_file_records",
    "sql_files_records",
    "sql_units",
    "view_record",
]

#: Where a record came from: a SQL script, a dbt model, a Glue job script, a view
#: definition found by the SQL DDL scanner, or an edge declared in catalog.yaml.
ORIGINS: tuple[str, ...] = ("sql", "dbt", "glue", "view", "declared")

# Statement kinds whose columns later statements of the same file may rely on; must stay the
# rule of lineage.parse.parse_script (tests/lineage/test_sources.py checks both agree).
_LEARNS = frozenset({"create_table_as", "create_view", "create_materialized_view", "create_table", "rename"})
_STAR = "*"
# First words of the statements lineage.procedures may expand (routines, DO, EXECUTE IMMEDIATE, blocks);
# checking them first spares tokenising every ordinary statement a second time.
_BLOCK_STARTS = frozenset({"CREATE", "ALTER", "DO", "EXECUTE", "EXEC", "BEGIN", "DECLARE", "IF", "WHILE",
                           "LOOP", "FOR", "REPEAT"})
_ROUTINE_WORDS = frozenset({"PROCEDURE", "PROC", "FUNCTION"})
_POSITION_RE = re.compile(r"\s*\(line (\d+), col (\d+)\)$")
_TOKEN_RE = re.compile(r"<Token token_type: [^,]*, text: (.*?), line: \d+, col: \d+, start: \d+, end: \d+, "
                       r"comments: \[.*?\]>")


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """How to read SQL: the dialect, defaults for unqualified names and known table columns."""

    dialect: str | None = None
    default_db: str | None = None
    default_schema: str | None = None
    schema: SchemaIndex = field(default_factory=SchemaIndex)

    def parser_kwargs(self, schema: SchemaIndex | None = None) -> dict[str, Any]:
        """Keyword arguments for :func:`lineage.parse_statement` and friends."""
        return {"dialect": self.dialect, "default_db": self.default_db, "default_schema": self.default_schema,
                "schema": self.schema if schema is None else schema}


@dataclass(frozen=True, slots=True)
class LineageRecord:
    """One statement's lineage and where it is written.

    ``file`` is the path as shown to people (relative to catalog.yaml's folder, or as typed
    on the command line); ``line`` is 1-based and points at the statement's first token.
    ``via`` is the free text of a declared edge; ``text`` is the statement's SQL when there
    is one (OpenLineage's ``sql`` job facet carries it).
    """

    file: str
    line: int
    lineage: StatementLineage
    origin: str = "sql"
    via: str = ""
    text: str = ""

    @property
    def where(self) -> str:
        """``file:line``, the way compilers and editors point at code."""
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_dict(self) -> dict[str, Any]:
        """The ``lakemap lineage parse`` JSON contract: ``file`` and ``line`` first, then the lineage.

        ``origin`` is added for records that are not plain SQL statements, ``via`` for declared edges.
        """
        data: dict[str, Any] = {"file": self.file, "line": self.line}
        data.update(self.lineage.to_dict())
        if self.origin != "sql":
            data["origin"] = self.origin
        if self.via:
            data["via"] = self.via
        return data


@dataclass(frozen=True, slots=True)
class SqlUnit:
    """One statement to parse, with its position in its file (procedure bodies already expanded)."""

    file: str
    line: int
    column: int | None
    text: str


def sql_units(text: str, *, file: str, dialect: str | None) -> list[SqlUnit]:
    """The statements of one SQL file, in order; a procedure becomes the statements in its body.

    Lines of statements inside a body are file lines (the body's offset added), so an error
    in the third INSERT of a procedure points at that INSERT.
    """
    units: list[SqlUnit] = []
    for statement in split_statements(text, dialect):
        block = _may_be_block(statement.text, dialect)
        inner = procedure_statements(statement.text, dialect) if block else []
        if inner:
            units.extend(SqlUnit(file, statement.line + offset, None, body) for offset, body in inner)
        else:
            units.append(SqlUnit(file, statement.line, statement.column, statement.text))
    return units


def _may_be_block(text: str, dialect: str | None) -> bool:
    """Cheap test: could ``text`` be a procedure, function or scripting block at all?"""
    words = leading_keywords(text, 8, dialect)
    if not words or words[0] not in _BLOCK_STARTS:
        return False
    return words[0] not in ("CREATE", "ALTER") or not _ROUTINE_WORDS.isdisjoint(words)


def sql_file_records(text: str, *, file: str, options: ParseOptions, report: ScanReport,
                     resolve: bool = True) -> list[LineageRecord]:
    """Lineage of every statement of one SQL file (see :func:`sql_files_records`)."""
    return sql_files_records([(file, text)], options=options, report=report, resolve=resolve)


def sql_files_records(files: Sequence[tuple[str, str]], *, options: ParseOptions, report: ScanReport,
                      jobs: int = 1, resolve: bool = True) -> list[LineageRecord]:
    """Lineage of every statement of every ``(file, text)``, in file order then statement order.

    Each file is parsed like :func:`lineage.parse_script` (tables created earlier lend their
    columns to later statements) and, unless ``resolve`` is false, temporary tables are
    followed through it (:func:`lineage.resolve_temporaries`). With ``jobs`` other than 1
    the statements are parsed by :func:`lineage.parse_many` in a process pool first and the
    few statements that read a table created earlier in their file are parsed again with
    what that file taught, so the result is the same for every ``jobs``. Statements that do
    not parse are reported to ``report`` and still get a (failed) record.
    """
    per_file = [sql_units(text, file=file, dialect=options.dialect) for file, text in files]
    if jobs == 1:
        parsed = [_parse_in_order(units, options, None) for units in per_file]
    else:
        flat = parse_many([u.text for units in per_file for u in units], jobs=jobs, **options.parser_kwargs())
        parsed, start = [], 0
        for units in per_file:
            parsed.append(_parse_in_order(units, options, flat[start:start + len(units)]))
            start += len(units)
    records: list[LineageRecord] = []
    for units, lineages in zip(per_file, parsed, strict=True):
        final = resolve_temporaries(lineages) if resolve else lineages
        for unit, lineage in zip(units, final, strict=True):
            records.append(LineageRecord(unit.file, unit.line, lineage, "sql", text=unit.text))
        report_failures(zip(units, lineages, strict=True), report)
    return records


def _parse_in_order(units: Sequence[SqlUnit], options: ParseOptions,
                    first: Sequence[StatementLineage] | None) -> list[StatementLineage]:
    """Parse one file's statements in order, teaching later statements the tables earlier ones create.

    ``first`` holds results already computed without that knowledge (from a process pool);
    only statements that mention a learned table are parsed again.
    """
    index = options.schema
    learned: set[str] = set()
    results: list[StatementLineage] = []
    for position, unit in enumerate(units):
        result = first[position] if first is not None else None
        if result is None or (learned and _mentions(result, learned)):
            result = parse_statement(unit.text, **options.parser_kwargs(index))
        results.append(result)
        if result.kind in _LEARNS and result.target and result.columns \
                and all(c.column != _STAR for c in result.columns):
            parts = tuple(result.target.split("."))
            index = index.extended({parts: [c.column for c in result.columns]})
            learned.add(parts[-1])
    return results


def _mentions(result: StatementLineage, learned: set[str]) -> bool:
    """Whether ``result`` names a table whose last name part was learned (lookups match by suffix)."""
    names = list(result.sources)
    if result.target:
        names.append(result.target)
    return any(name.rsplit(".", 1)[-1] in learned for name in names)


def report_failures(pairs: Iterable[tuple[SqlUnit, StatementLineage]], report: ScanReport) -> None:
    """Report every statement that failed, at its ``file:line``, with the parser's message.

    The parser counts lines from the statement's first line; the position it gives is
    turned into a file position so the message points at the right place in the file.
    """
    for unit, lineage in pairs:
        if lineage.confidence != "failed" or not lineage.error:
            continue
        report.error(_file_position(lineage.error, unit), path=unit.file, line=unit.line)


def _file_position(message: str, unit: SqlUnit) -> str:
    message = _TOKEN_RE.sub(lambda m: repr(m.group(1)), message)  # sqlglot prints its Token objects
    match = _POSITION_RE.search(message)
    if match is None:
        return message
    line, col = int(match.group(1)), int(match.group(2))
    file_line = unit.line + line - 1
    if line == 1 and unit.column is not None:
        col += unit.column - 1
    return f"{message[:match.start()]} (line {file_line}, col {col})"


def view_record(name: str, sql: str, *, file: str, line: int, options: ParseOptions,
                report: ScanReport) -> LineageRecord:
    """A view found by the DDL scanner (its name and its query) as a ``create_view`` record.

    The view's query is parsed as a SELECT and given the view as its target: the scanner
    already knows the name, and re-parsing the whole ``CREATE VIEW`` is not needed.
    """
    unit = SqlUnit(file, line, None, sql)
    lineage = parse_statement(sql, **options.parser_kwargs())
    if lineage.confidence != "failed":
        lineage = StatementLineage("create_view", name, lineage.sources, lineage.columns, lineage.confidence,
                                   lineage.reason, lineage.error)
    report_failures([(unit, lineage)], report)
    return LineageRecord(file, line, lineage, "view", text=sql)


def declared_records(edges: Iterable[tuple[str, str, str, str]]) -> list[LineageRecord]:
    """Declared edges ``(source, target, via, origin)`` as records; ``origin`` is ``file:line:col``.

    Names are kept as written: catalog.yaml names datasets the way people do.
    """
    records: list[LineageRecord] = []
    for source, target, via, origin in edges:
        file, line = _split_origin(origin)
        lineage = StatementLineage("declared", target, (source,), (), "complete")
        records.append(LineageRecord(file, line, lineage, "declared", via=via))
    return records


def _split_origin(origin: str) -> tuple[str, int]:
    """``catalog.yaml:12:7`` -> ``("catalog.yaml", 12)``; anything else -> ``(origin, 0)``."""
    parts = origin.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return parts[0], int(parts[1])
    return origin, 0
