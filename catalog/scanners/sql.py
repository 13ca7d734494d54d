"""The ``sql`` scanner: tables and views described by DDL files, in any sqlglot dialect.

Many warehouses keep their schema as ``.sql`` files in the repository (Redshift DDL,
Hive/Athena external tables, pg_dump output, Snowflake and BigQuery scripts). This
scanner reads them without connecting to anything:

1. expand ``paths``/``path`` (files, folders, globs; relative to catalog.yaml);
2. split every file with :func:`catalog.sqltext.split_statements` and parse statement by
   statement with sqlglot, so a bad statement costs one error, not the file;
3. build tables from every ``CREATE TABLE``/``VIEW`` of every file (a table defined
   twice: warning, the later definition wins);
4. apply every ``ALTER TABLE`` in file order, then derive the columns of views and
   ``CREATE TABLE ... AS SELECT`` (types from the tables read, where derivable), then
   apply every ``COMMENT ON`` in file order. Doing each kind in its own pass lets a
   file comment on or alter a table another file defines, whatever order files sort in.

Decisions a user may notice:

* ``CREATE TEMPORARY``/``TEMP``/``VOLATILE`` tables and views are skipped, silently: they
  vanish with the session that made them and are no part of a catalog. ALTERs and
  comments on them are ignored too.
* ``DROP``, ``RENAME TABLE``, ``CREATE INDEX``/``FUNCTION``/``PROCEDURE``..., and all
  DML (INSERT, SELECT, GRANT, SET...) are ignored without being parsed. DROP is ignored
  because DDL files drop a table only to create it again (``DROP TABLE IF EXISTS x;
  CREATE TABLE x ...``).
* A statement sqlglot cannot parse is an error at the exact file, line and column, if it
  is one the scanner would use (CREATE TABLE/VIEW, ALTER TABLE, COMMENT) or one it does
  not recognise at all (a typo such as ``CRATE TABLE``). A CREATE TABLE/VIEW that sqlglot
  only keeps as an opaque command is a warning: "not understood, skipped".
* Redshift column-level ``DISTKEY``/``SORTKEY``, ``INTERLEAVED SORTKEY`` and
  ``SORTKEY AUTO``/``ENCODE AUTO``, which sqlglot rejects, are lifted out before parsing.
"""

from __future__ import annotations

import glob
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect, Dialects
from sqlglot.errors import ParseError, TokenError

from catalog.model import Dataset
from catalog.report import ScanReport
from catalog.scanners import _ddl
from catalog.scanners.base import ScanContext, SourceSpec
from catalog.sqltext import SqlStatement, leading_keywords, split_statements

__all__ = ["scan", "valid_dialects"]

# Words between CREATE and the kind of object (CREATE OR REPLACE TEMPORARY EXTERNAL TABLE).
_CREATE_MODIFIERS = frozenset(
    (
        "OR REPLACE ALTER TEMP TEMPORARY GLOBAL LOCAL VOLATILE TRANSIENT EXTERNAL MATERIALIZED SECURE "
        "RECURSIVE UNLOGGED MULTISET SET ICEBERG DYNAMIC HYBRID STREAMING LIVE FORCE NOFORCE NO UNIQUE "
        "CLUSTERED NONCLUSTERED BITMAP ALGORITHM UNDEFINED MERGE TEMPTABLE DEFINER SQL SECURITY INVOKER "
        "CURRENT_USER EDITIONABLE NONEDITIONABLE SHALLOW DEEP FOREIGN AGGREGATING DISTRIBUTED"
    ).split()
)
# Objects the catalog does not describe: such CREATEs are skipped without parsing.
_CREATE_OTHER = frozenset(
    (
        "FUNCTION PROCEDURE PROC INDEX SEQUENCE SCHEMA DATABASE TRIGGER TYPE DOMAIN EXTENSION ROLE USER "
        "GROUP POLICY RULE STAGE STREAM TASK PIPE WAREHOUSE FILE INTEGRATION SHARE TAG MACRO EVENT "
        "PACKAGE SYNONYM SERVER PUBLICATION SUBSCRIPTION AGGREGATE OPERATOR CAST COLLATION CONVERSION "
        "LANGUAGE TRANSFORM TEXT STATISTICS TABLESPACE LIBRARY MODEL CONNECTION CATALOG NAMESPACE "
        "DATASHARE SECRET NETWORK RESOURCE ALERT NOTIFICATION API APPLICATION PROJECTION LOGIN "
        "CERTIFICATE ASSEMBLY PARTITION ACCESS MASKING ROW SEARCH DICTIONARY QUOTA SETTINGS LIVE WORKLOAD "
        "STORAGE CREDENTIAL LOCATION"
    ).split()
)
# Statements that are not DDL the catalog uses: skipped without parsing.
_IGNORED_STATEMENTS = frozenset(
    (
        "SELECT INSERT UPDATE DELETE MERGE UPSERT WITH VALUES TABLE GRANT REVOKE DENY SET RESET SHOW USE "
        "BEGIN COMMIT ROLLBACK START END ABORT SAVEPOINT RELEASE DROP UNDROP TRUNCATE COPY UNLOAD VACUUM "
        "ANALYZE ANALYSE EXPLAIN CALL EXEC EXECUTE DECLARE IF WHILE FOR LOOP REPEAT DO LOCK UNLOCK "
        "REFRESH MSCK LOAD PUT GET REMOVE LIST LS RM DESCRIBE DESC PRAGMA ATTACH DETACH INSTALL PRINT "
        "RAISE RETURN OPTIMIZE CACHE UNCACHE CLUSTER REINDEX CHECKPOINT DISCARD LISTEN NOTIFY UNLISTEN "
        "PREPARE DEALLOCATE FETCH CLOSE OPEN MOVE SECURITY IMPORT EXPORT REPLACE KILL FLUSH RENAME "
        "GO WAITFOR THROW TRY CATCH BREAK CONTINUE LEAVE ITERATE ELSE ELSEIF ELSIF CASE "
        "MODIFY PURGE SYNC DELIMITER SOURCE HANDLER SIGNAL RESIGNAL OPTION REASSIGN "
        "CLONE ASSERT LET FROM UNDO RESTORE BACKUP ZORDER FSCK CONVERT "
        "PIVOT UNPIVOT SUMMARIZE USING INVALIDATE SYSTEM KEYS BULK CHECK DBCC REVERT READTEXT WRITETEXT "
        "UPDATETEXT SHUTDOWN RECONFIGURE SETUSER TRAN TRANSACTION"
    ).split()
)
_GLOB_CHARS = re.compile(r"[*?\[]")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_IS_NULL = re.compile(r"\bIS\s+NULL\s*$", re.IGNORECASE)


def valid_dialects() -> list[str]:
    """sqlglot dialect names a source may give, sorted (for messages and config checks)."""
    return sorted(d.value for d in Dialects if d.value)


@dataclass(slots=True)
class _Op:
    """A statement to apply after every CREATE has been seen: an ALTER or a COMMENT."""

    expression: exp.Expression
    path: str
    line: int


class _Quiet(logging.Filter):
    """Drops sqlglot's log records: "falling back to Command" is reported properly instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    logger = logging.getLogger("sqlglot")
    quiet = _Quiet()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def scan(source: SourceSpec, *, report: ScanReport, context: ScanContext) -> Iterable[Dataset]:
    """Datasets for every table and view the source's DDL files define; problems go to ``report``."""
    with _quiet_sqlglot():
        try:
            return _Scan(source, report, context).run()
        except Exception as error:  # a last guard: a scanner must never raise for any input
            report.error(
                f"SQL scanner failed unexpectedly: {type(error).__name__}: {error}",
                source=source.label(),
                **_origin(source),
            )
            return []


def _origin(source: SourceSpec) -> dict[str, Any]:
    """``path``/``line``/``column`` of the catalog.yaml entry, split from ``file:line:column``."""
    origin = source.origin or ""
    match = re.fullmatch(r"(.*?):(\d+)(?::(\d+))?", origin)
    if not match:
        return {"path": origin}
    return {
        "path": match.group(1),
        "line": int(match.group(2)),
        "column": int(match.group(3)) if match.group(3) else None,
    }


class _Scan:
    """One scan of one source: the state shared by the passes."""

    def __init__(self, source: SourceSpec, report: ScanReport, context: ScanContext) -> None:
        self.source = source
        self.report = report
        self.context = context
        self.label = source.label()
        self.drafts: dict[str, _ddl.TableDraft] = {}
        self.temporary: set[str] = set()
        self.alters: list[_Op] = []
        self.comments: list[_Op] = []

    # ------------------------------------------------------------ options

    def _error(self, message: str, **where: Any) -> None:
        self.report.error(message, source=self.label, **where)

    def _warning(self, message: str, **where: Any) -> None:
        self.report.warning(message, source=self.label, **where)

    def _options(self) -> tuple[str | None, _ddl.Settings, list[str]] | None:
        options = self.source.options
        dialect = options.get("dialect")
        if dialect is not None:
            if not isinstance(dialect, str) or not dialect.strip():
                self._error(
                    f"dialect must be a name; valid dialects: {', '.join(valid_dialects())}",
                    **_origin(self.source),
                )
                return None
            dialect = dialect.strip().lower()
            try:
                Dialect.get_or_raise(dialect)
            except Exception:
                self._error(
                    f"unknown SQL dialect {dialect!r}; valid dialects: {', '.join(valid_dialects())}",
                    **_origin(self.source),
                )
                return None
        default_schema = options.get("default_schema")
        if default_schema is not None and not isinstance(default_schema, str):
            default_schema = str(default_schema)
        patterns: list[str] = []
        for key in ("paths", "path"):
            value = options.get(key)
            if value is None:
                continue
            values = value if isinstance(value, (list, tuple)) else [value]
            for item in values:
                if isinstance(item, (str, os.PathLike)) and str(item).strip():
                    patterns.append(str(item))
                else:
                    self._error(f"{key}: expected a file name or glob, got {item!r}", **_origin(self.source))
        if not patterns:
            self._error("no SQL files given: set 'paths' (a list) or 'path'", **_origin(self.source))
            return None
        return dialect, _ddl.Settings(dialect=dialect, default_schema=default_schema or None), patterns

    def _display(self, pattern: str, match: str) -> str:
        """How a matched file is named in messages: as the user wrote its pattern.

        A match of a relative pattern is shown relative to catalog.yaml's folder, keeping
        the pattern's own spelling (``../ddl/x.sql``); a ``~`` pattern keeps its ``~``; only
        an absolute pattern gives an absolute name.
        """
        if pattern.startswith("~"):
            home = os.path.expanduser("~").rstrip(os.sep) + os.sep
            return (
                "~/" + Path(match[len(home) :]).as_posix()
                if match.startswith(home)
                else Path(match).as_posix()
            )
        if os.path.isabs(pattern):
            return Path(match).as_posix()
        base = str(self.context.base_dir).rstrip(os.sep) + os.sep
        if match.startswith(base):
            return Path(match[len(base) :]).as_posix()
        return Path(os.path.relpath(match, self.context.base_dir)).as_posix()

    def _files(self, patterns: list[str]) -> list[tuple[str, Path]]:
        files: list[tuple[str, Path]] = []
        seen: set[str] = set()

        def add(pattern: str, match: str) -> None:
            key = os.path.normpath(os.path.abspath(match))
            if key not in seen:
                seen.add(key)
                files.append((self._display(pattern, match), Path(match)))

        for pattern in patterns:
            resolved = str(self.context.resolve(pattern))
            if _GLOB_CHARS.search(pattern):
                matches = sorted(m for m in glob.glob(resolved, recursive=True) if os.path.isfile(m))
                if not matches:
                    self._warning(f"no files match {pattern}", path=pattern)
                for match in matches:
                    add(pattern, match)
            elif os.path.isdir(resolved):
                matches = sorted(str(p) for p in Path(resolved).rglob("*.sql") if p.is_file())
                if not matches:
                    self._warning(f"no .sql files in folder {pattern}", path=pattern)
                for match in matches:
                    add(pattern, match)
            elif os.path.isfile(resolved):
                add(pattern, resolved)
            else:
                self._error(f"file not found: {pattern}", path=pattern)
        return files

    # ------------------------------------------------------------ passes

    def run(self) -> list[Dataset]:
        parsed = self._options()
        if parsed is None:
            return []
        dialect, settings, patterns = parsed
        files = self._files(patterns)
        for index, (display, path) in enumerate(files):
            self.context.progress(f"sql: {display}", index, len(files))
            text = self._read(display, path)
            if text is not None:
                self.report.files_scanned += 1
                self._scan_text(display, text, dialect, settings)
        self.context.progress("sql: done", len(files), len(files))
        self._apply_alters(settings)
        self._guard(None, lambda: _ddl.derive_columns(self.drafts, settings))
        self._apply_comments(settings)
        section = self.source.section or "internal"
        datasets = [
            _ddl.finish(draft, section=section, layer=self.source.layer) for draft in self.drafts.values()
        ]
        self.report.datasets += len(datasets)
        return datasets

    def _apply_alters(self, settings: _ddl.Settings) -> None:
        for op in self.alters:
            if not isinstance(op.expression, exp.Alter):
                continue
            name = _ddl.table_name(op.expression.this, settings)
            if name in self.temporary and name not in self.drafts:
                continue
            expression = op.expression
            for message in self._guard(op, partial(_ddl.apply_alter, self.drafts, expression, settings)):
                self._warning(message, path=op.path, line=op.line)

    def _apply_comments(self, settings: _ddl.Settings) -> None:
        for op in self.comments:
            if not isinstance(op.expression, exp.Comment):
                continue
            expression = op.expression
            for message in self._guard(op, partial(_ddl.apply_comment, self.drafts, expression, settings)):
                if not self._about_temporary(expression, settings):
                    self._warning(message, path=op.path, line=op.line)

    def _guard(self, op: _Op | None, action: Callable[[], list[str] | None]) -> list[str]:
        """Run one pure step; an unexpected failure becomes an error at the statement."""
        try:
            return list(action() or [])
        except Exception as error:
            where = {"path": op.path, "line": op.line} if op else {}
            self._error(f"could not apply statement: {type(error).__name__}: {error}", **where)
            return []

    def _about_temporary(self, comment: exp.Expression, settings: _ddl.Settings) -> bool:
        if not isinstance(comment, exp.Comment):
            return False
        target = comment.this
        if str(comment.args.get("kind") or "").upper() == "COLUMN" and isinstance(target, exp.Column):
            parts = [_ddl.ident(target.args.get(k)) for k in ("catalog", "db", "table")]
            name = ".".join(p for p in parts if p)
            name = (
                name
                if "." in name or not settings.default_schema
                else f"{settings.default_schema.lower()}.{name}"
            )
        else:
            name = _ddl.table_name(target, settings)
        return name in self.temporary and name not in self.drafts

    def _read(self, display: str, path: Path) -> str | None:
        try:
            data = path.read_bytes()
        except OSError as error:
            self._error(f"cannot read file: {error.strerror or error}", path=display)
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
            self._error(
                f"file is not UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8",
                path=display,
                line=line,
                column=column,
            )
            return None

    def _scan_text(self, display: str, text: str, dialect: str | None, settings: _ddl.Settings) -> None:
        # One newline convention, so a view's _sql is the same on a CRLF checkout; line
        # numbers do not change (the splitter and sqlglot count \r\n and \r as one break).
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        for statement in split_statements(text, dialect):
            try:
                self._statement(display, statement, dialect, settings)
            except Exception as error:  # never let one statement stop the file
                self._error(
                    f"could not process statement: {type(error).__name__}: {error}",
                    path=display,
                    line=statement.line,
                    column=statement.column,
                )

    def _statement(
        self, display: str, statement: SqlStatement, dialect: str | None, settings: _ddl.Settings
    ) -> None:
        words = leading_keywords(statement.text, 12, dialect)
        if not _worth_parsing(words):
            return
        text = statement.text
        hints = None
        if dialect == "redshift" and words[:1] == ("CREATE",):
            text, hints = _ddl.redshift_rewrite(text)
        try:
            expressions = _parse(text, dialect, words)
        except ParseError as error:
            line, column, message = _parse_error_position(error)
            self._error(
                f"cannot parse statement: {message}",
                path=display,
                line=statement.line + line - 1 if line else statement.line,
                column=(column + (statement.column - 1 if line <= 1 else 0)) if column else statement.column,
            )
            return
        except TokenError:
            self._error(
                "cannot parse statement: unterminated string, quoted name or comment",
                path=display,
                line=statement.line,
                column=statement.column,
            )
            return
        except RecursionError:
            self._error(
                "cannot parse statement: nested too deeply",
                path=display,
                line=statement.line,
                column=statement.column,
            )
            return
        for expression in expressions:
            self._expression(expression, display, statement, text, settings, hints, words)

    def _expression(
        self,
        expression: exp.Expr | None,
        display: str,
        statement: SqlStatement,
        text: str,
        settings: _ddl.Settings,
        hints: _ddl.RedshiftHints | None,
        words: tuple[str, ...],
    ) -> None:
        where = {"path": display, "line": statement.line, "column": statement.column}
        if isinstance(expression, exp.Create):
            if _ddl.create_kind(expression) is None:
                return
            draft = _ddl.draft_from_create(expression, settings, hints)
            if draft.temporary:
                self.temporary.add(draft.name)
                return
            if draft.query is not None:
                draft.properties["_sql"] = _ddl.query_sql(expression, text, settings)
            draft.origin = f"{display}:{statement.line}"
            previous = self.drafts.pop(draft.name, None)
            if previous is not None:
                self._warning(
                    f"{draft.name} is defined twice: at {previous.origin} and at {draft.origin}; "
                    "the later definition wins",
                    **where,
                )
            self.drafts[draft.name] = draft
        elif isinstance(expression, exp.Alter):
            if str(expression.args.get("kind") or "").upper() == "TABLE":
                self.alters.append(_Op(expression, display, statement.line))
        elif isinstance(expression, exp.Comment):
            self.comments.append(_Op(expression, display, statement.line))
        elif isinstance(expression, exp.Command):
            kind = str(expression.this or "").upper()
            if kind == "CREATE" and _creates_table(words):
                self._warning(
                    f"{' '.join(_object_words(words))} statement not understood by the SQL parser, skipped",
                    **where,
                )
            elif kind == "ALTER" and words[1:2] == ("TABLE",) and "ADD" in words:
                self._warning(
                    "ALTER TABLE ... ADD statement not understood by the SQL parser, skipped", **where
                )


def _object_words(words: tuple[str, ...]) -> list[str]:
    """``CREATE [modifiers] TABLE`` as written, for messages."""
    out = []
    for word in words:
        out.append(word)
        if word in ("TABLE", "VIEW"):
            break
    return out


def _create_object(words: tuple[str, ...]) -> str:
    for word in words[1:]:
        if word not in _CREATE_MODIFIERS:
            return word
    return ""


def _creates_table(words: tuple[str, ...]) -> bool:
    return words[:1] == ("CREATE",) and _create_object(words) in ("TABLE", "VIEW")


def _worth_parsing(words: tuple[str, ...]) -> bool:
    """Whether a statement may be DDL the catalog uses, judged from its first words."""
    if not words:
        return True  # starts with a quote or a symbol: let the parser judge
    first = words[0]
    if first == "CREATE":
        return _create_object(words) not in _CREATE_OTHER
    if first == "ALTER":
        return words[1:2] == ("TABLE",)
    if first == "COMMENT":
        return True
    return first not in _IGNORED_STATEMENTS


def _parse(text: str, dialect: str | None, words: tuple[str, ...]) -> list[exp.Expr]:
    try:
        return [e for e in sqlglot.parse(text, read=dialect or None) if e is not None]
    except ParseError:
        if words[:2] == ("COMMENT", "ON") and _IS_NULL.search(
            text
        ):  # sqlglot lacks "IS NULL" (drop the comment)
            return [
                e for e in sqlglot.parse(_IS_NULL.sub("IS ''", text), read=dialect or None) if e is not None
            ]
        raise


def _parse_error_position(error: ParseError) -> tuple[int, int, str]:
    """``(line, column, message)`` of a parse error, relative to the statement, at the token's start."""
    details = error.errors[0] if error.errors else {}
    description = _ANSI.sub("", str(details.get("description") or error)).strip().splitlines()
    message = description[0] if description else "syntax error"
    highlight = _ANSI.sub("", str(details.get("highlight") or ""))
    line = int(details.get("line") or 0)
    column = int(details.get("col") or 0)
    if highlight and "\n" not in highlight and column >= len(highlight):
        column = column - len(highlight) + 1
    if highlight.strip():
        message = f"{message} near {highlight.strip()[:40]!r}"
    return line, column, message
