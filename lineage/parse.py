"""One SQL statement in, table- and column-level lineage out. Pure: no I/O, never raises.

:func:`parse_statement` parses with sqlglot, normalises every name once
(:mod:`lineage._names`), reduces the statement to one query plus a target
(:mod:`lineage._kinds`), scopes that query once and traces every output column through the
scopes with per-scope memoisation (:mod:`lineage._scope`), then maps the outputs onto the
written columns (:mod:`lineage._mapping`). The result is a frozen :class:`StatementLineage`
whose :meth:`~StatementLineage.to_dict` is the ``lakemap lineage parse`` JSON contract.
Projections without a name are called ``_col_N`` (N is their position), as sqlglot does.

For a file: expand procedure bodies with :func:`parse_statements` (or
:func:`lineage.procedures.procedure_statements` to keep their line numbers), parse the
file's statements in order with :func:`parse_script`, then follow temporary tables with
:func:`lineage.temporaries.resolve_temporaries`.

Confidence is ``complete`` when every column was traced, ``partial`` with a ``reason``
when something could not be (an ambiguous unqualified column with no schema to decide, a
star over a table whose columns are unknown, the work budget spent), and ``failed`` with
``error`` when the statement does not parse or has a shape lineage cannot analyse (table
sources are still reported when they can be found).

Filter columns (WHERE, JOIN ON, GROUP BY, HAVING, ``IN``/``EXISTS`` subqueries) are not
column lineage; the tables they read are table-level sources.

Example:
    >>> lin = parse_statement("INSERT INTO dw.t (id, total) SELECT o.id, SUM(o.amt) FROM raw.o o GROUP BY 1")
    >>> lin.kind, lin.target, lin.sources, lin.confidence
    ('insert', 'dw.t', ('raw.o',), 'complete')
    >>> [(c.column, c.sources) for c in lin.columns]
    [('id', ('raw.o.id',)), ('total', ('raw.o.amt',))]
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, SqlglotError, TokenError
from sqlglot.optimizer.scope import traverse_scope

from lineage._kinds import Plan, UnsupportedStatement, plan_statement
from lineage._mapping import map_columns
from lineage._names import Defaults, SchemaIndex, normalize_name, split_dotted, table_display
from lineage._result import KINDS, ColumnLineage, StatementLineage
from lineage._scope import LATERAL_ALIAS_DIALECTS, STAR, OverBudget, Output, Tracer
from lineage.procedures import procedure_statements

__all__ = [
    "DEFAULT_BUDGET",
    "ColumnLineage",
    "StatementLineage",
    "SchemaIndex",
    "parse_statement",
    "parse_statements",
    "parse_script",
    "KINDS",
]

#: Work units one statement may spend: syntax-tree nodes, scopes and tracing steps together.
#: Deterministic (no clock). A 200-column INSERT through four CTEs spends about 8,000 and a
#: 1,000-column one through five CTEs about 51,000 (0.2 s), so only generated monsters hit it.
DEFAULT_BUDGET = 250_000

_EMPTY: frozenset[str] = frozenset()


# -------------------------------------------------------------- logging
_quiet_lock = threading.Lock()
_quiet_depth = 0


class _DropAll(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


_DROP_ALL = _DropAll()


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """Keep sqlglot's warnings ("falling back to parsing as a Command"...) off stderr while we work.

    What they say is reported through ``reason``/``error`` instead. The filter is attached
    only for the duration of the call so other users of sqlglot keep their logging.
    """
    global _quiet_depth
    logger = logging.getLogger("sqlglot")
    with _quiet_lock:
        if _quiet_depth == 0:
            logger.addFilter(_DROP_ALL)
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0:
                logger.removeFilter(_DROP_ALL)


# ---------------------------------------------------------------- public
def parse_statement(
    sql: str,
    *,
    dialect: str | None = None,
    default_db: str | None = None,
    default_schema: str | None = None,
    schema: Mapping[str, Mapping[str, str]] | SchemaIndex | None = None,
    budget: int = DEFAULT_BUDGET,
) -> StatementLineage:
    """Table- and column-level lineage of one SQL statement; never raises.

    Args:
        sql: One statement (a trailing ``;`` is fine). Text holding several statements
            is analysed up to the first one and marked ``partial``.
        dialect: sqlglot dialect name (``postgres``, ``redshift``, ``snowflake``, ``bigquery``,
            ``spark``, ``tsql``...); ``None`` is sqlglot's generic SQL.
        default_db: database for names qualified only by schema (``s.t`` -> ``db.s.t``).
        default_schema: schema for bare names (``t`` -> ``schema.t``).
        schema: ``{"table": {"column": "type"}}`` with tables qualified as the SQL (or
            defaults) qualify them, or a prebuilt :class:`SchemaIndex` to share across calls.
            Used to expand stars, resolve unqualified columns and map ``INSERT`` without a
            column list.
        budget: deterministic work limit (see :data:`DEFAULT_BUDGET`); past it the result is
            ``partial`` with reason ``over budget`` and table-level sources only.
    """
    with _quiet_sqlglot():
        try:
            return _parse(sql, dialect, default_db, default_schema, schema, budget)
        except RecursionError:
            return _failed("statement nests too deeply to analyse")
        except Exception as exc:  # noqa: BLE001 - the contract is "never raises"; say what happened
            return _failed(f"internal error: {type(exc).__name__}: {exc}")


def parse_statements(
    sql: str,
    *,
    dialect: str | None = None,
    default_db: str | None = None,
    default_schema: str | None = None,
    schema: Mapping[str, Mapping[str, str]] | SchemaIndex | None = None,
    budget: int = DEFAULT_BUDGET,
) -> list[StatementLineage]:
    """Like :func:`parse_statement` for one statement that may stand for several.

    A procedure, function, ``DO`` or scripting block becomes the lineages of the statements
    inside it (see :func:`lineage.procedures.procedure_statements`, which also gives their
    line offsets); a multi-table INSERT (``INSERT ALL INTO a ... INTO b``, Hive's
    ``FROM s INSERT INTO a ... INSERT INTO b``) becomes one lineage per target; ``DROP TABLE
    a, b`` one per table. Anything else is ``[parse_statement(sql)]``.
    """
    options = dict(dialect=dialect, default_db=default_db, default_schema=default_schema,
                   schema=_index(schema), budget=budget)
    inner = procedure_statements(sql, dialect)
    if inner:
        return [parse_statement(text, **options) for _offset, text in inner]  # type: ignore[arg-type]
    with _quiet_sqlglot():
        try:
            split = _split_multi(sql, dialect)
        except Exception:  # noqa: BLE001 - fall back to the single-statement answer
            split = None
    if split:
        return [parse_statement(text, **options) for text in split]  # type: ignore[arg-type]
    return [parse_statement(sql, **options)]  # type: ignore[arg-type]


_LEARNS = frozenset({"create_table_as", "create_view", "create_materialized_view", "create_table", "rename"})


def parse_script(
    statements: Sequence[str],
    *,
    dialect: str | None = None,
    default_db: str | None = None,
    default_schema: str | None = None,
    schema: Mapping[str, Mapping[str, str]] | SchemaIndex | None = None,
    budget: int = DEFAULT_BUDGET,
) -> list[StatementLineage]:
    """The statements of one file, in order, one lineage each.

    Unlike independent :func:`parse_statement` calls, a table created earlier in the script
    (``CREATE TABLE (...)``, ``CREATE TABLE ... AS``, ``CREATE VIEW``, ``SELECT ... INTO``,
    ``CREATE TABLE ... CLONE``, a rename) lends its columns to later statements, so
    ``SELECT * FROM staging`` expands and ``INSERT INTO staging SELECT ...`` maps by
    position, exactly as when the schema had listed it. Columns learned from a statement
    with an unexpanded ``*`` are not used.
    """
    index = _index(schema)
    results: list[StatementLineage] = []
    for sql in statements:
        result = parse_statement(sql, dialect=dialect, default_db=default_db, default_schema=default_schema,
                                 schema=index, budget=budget)
        results.append(result)
        if result.kind in _LEARNS and result.target and result.columns \
                and all(c.column != STAR for c in result.columns):
            parts = split_dotted(_quote_parts(result.target))
            index = index.extended({parts: [c.column for c in result.columns]})
    return results


def _quote_parts(name: str) -> str:
    """A reported dotted name in the quoted form :func:`split_dotted` reads back unchanged."""
    return ".".join('"' + part + '"' for part in name.split("."))


# --------------------------------------------------------------- internals
def _index(schema: Mapping[str, Mapping[str, str]] | SchemaIndex | None) -> SchemaIndex:
    if isinstance(schema, SchemaIndex):
        return schema
    return SchemaIndex.from_mapping(schema)


def _failed(error: str, *, kind: str = "other", target: str | None = None,
            sources: Sequence[str] = (), reason: str = "") -> StatementLineage:
    return StatementLineage(kind, target, tuple(sorted(set(sources))), (), "failed", reason or error, error)


def _first_error(exc: SqlglotError) -> str:
    errors = getattr(exc, "errors", None) or []
    if errors and isinstance(errors[0], dict):
        first = errors[0]
        description = str(first.get("description") or "parse error")
        return f"{description} (line {first.get('line')}, col {first.get('col')})"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _normalize(tree: exp.Expr, dialect: Dialect) -> int:
    """Normalise identifiers in place (see :mod:`lineage._names`) and count the tree's nodes."""
    strategy = dialect.normalization_strategy
    count = 0
    for node in tree.walk():
        count += 1
        if isinstance(node, exp.Identifier):
            name = node.this
            if isinstance(name, str):
                new = normalize_name(name, bool(node.quoted), strategy)
                if new != name:
                    node.set("this", new)
    return count


def _parse(
    sql: str,
    dialect: str | None,
    default_db: str | None,
    default_schema: str | None,
    schema: Mapping[str, Mapping[str, str]] | SchemaIndex | None,
    budget: int,
) -> StatementLineage:
    if not isinstance(sql, str):
        return _failed(f"expected SQL text, got {type(sql).__name__}")
    try:
        dialect_obj = Dialect.get_or_raise(dialect)
    except (ValueError, SqlglotError) as exc:
        detail = _first_error(exc) if isinstance(exc, SqlglotError) else str(exc)
        return _failed(f"unknown dialect: {dialect!r} ({detail})")
    try:
        trees = [t for t in sqlglot.parse(sql, dialect=dialect_obj) if t is not None]
    except (ParseError, TokenError) as exc:
        return _failed(_first_error(exc))
    except Exception as exc:  # noqa: BLE001 - sqlglot's parser itself trips on some garbage (TypeError...)
        return _failed(f"could not parse: {type(exc).__name__}: {exc}")
    if not trees:
        return StatementLineage("other", None, (), (), "complete")
    reasons: list[str] = []
    if len(trees) > 1:
        reasons.append(f"{len(trees)} statements in one text; only the first was analysed")
    stmt = trees[0]
    if isinstance(stmt, exp.MultitableInserts):
        parts = _multi_parts(stmt, dialect_obj)
        if len(parts) == 1:  # Hive's FROM s INSERT INTO t SELECT ...
            stmt = parts[0]
    defaults = Defaults.of(default_db, default_schema)
    index = _index(schema)
    spent = _normalize(stmt, dialect_obj)
    try:
        plan = plan_statement(stmt, dialect_obj)
    except UnsupportedStatement as exc:
        return _failed(str(exc), kind=_guess_kind(stmt), sources=_walk_tables(stmt, defaults, set()))
    return _analyse(plan, stmt, dialect_obj, defaults, index, budget, spent, reasons)


def _guess_kind(stmt: exp.Expr) -> str:
    if isinstance(stmt, (exp.Insert, exp.MultitableInserts)):
        return "insert"
    if isinstance(stmt, exp.Command) and str(stmt.this).upper() == "UNLOAD":
        return "unload"
    for node_type, kind in ((exp.Merge, "merge"), (exp.Update, "update"), (exp.Delete, "delete"),
                            (exp.Copy, "copy")):
        if isinstance(stmt, node_type):
            return kind
    return "other"


_WRITERS = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Copy, exp.Into)


def _walk_tables(tree: exp.Expr | None, defaults: Defaults, excluded: set[int]) -> list[str]:
    """Table-level fallback without scopes: every real table that is not a CTE name."""
    if tree is None:
        return []
    ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
    found: list[str] = []
    for table in tree.find_all(exp.Table):
        if id(table) in excluded:
            continue
        holder = table.parent.parent if isinstance(table.parent, exp.Schema) else table.parent
        written = table.parent if isinstance(table.parent, exp.Schema) else table
        if isinstance(holder, _WRITERS) and holder.this is written:
            continue  # written, not read
        if not table.args.get("db") and table.name in ctes:
            continue
        name = table_display(table, defaults)
        if name:
            found.append(name)
    return found


def _analyse(plan: Plan, stmt: exp.Expr, dialect: Dialect, defaults: Defaults, index: SchemaIndex,
             budget: int, spent: int, reasons: list[str]) -> StatementLineage:
    target = table_display(plan.target, defaults) if plan.target is not None else plan.location
    sources: set[str] = set(plan.extra_sources)
    for table in plan.extra_tables:
        name = table_display(table, defaults)
        if name:
            sources.add(name)
    outputs: list[Output] | None = None
    unresolved: set[str] = set()
    stars: set[str] = set()
    if spent > budget:
        reasons.append("over budget")
        sources.update(_walk_tables(plan.query, defaults, plan.excluded))
    elif plan.query is not None:
        _prepare_query(plan.query)
        try:
            scopes = traverse_scope(plan.query)
        except SqlglotError as exc:
            scopes = []
            reasons.append(f"could not scope the query: {_first_error(exc)}")
        except Exception as exc:  # noqa: BLE001 - sqlglot's scoper trips on some malformed trees
            scopes = []
            reasons.append(f"could not scope the query: {type(exc).__name__}")
        if scopes:
            tracer = Tracer(scopes, schema=index, defaults=defaults,
                            lateral_aliases=type(dialect).__name__.lower() in LATERAL_ALIAS_DIALECTS,
                            budget=max(budget - spent, 0), excluded=frozenset(plan.excluded))
            sources.update(tracer.table_sources())
            if plan.mapping != "none":
                try:
                    outputs = tracer.outputs()
                except OverBudget:
                    reasons.append("over budget")
            unresolved, stars = tracer.unresolved, tracer.stars
        else:
            sources.update(_walk_tables(plan.query, defaults, plan.excluded))
    columns, mapping_reasons = map_columns(plan, outputs, index, defaults)
    reasons.extend(mapping_reasons)
    if unresolved:
        reasons.append("unresolved columns: " + ", ".join(sorted(unresolved)))
    if stars:
        reasons.append("star without schema: " + ", ".join(sorted(stars)))
    if plan.also:
        others = [n for n in (table_display(t, defaults) for t in plan.also) if n]
        reasons.append("also drops " + ", ".join(others) + "; parse_statements reports each")
    confidence = "partial" if reasons else "complete"
    return StatementLineage(
        kind=plan.kind,
        target=target,
        sources=tuple(sorted(sources)),
        columns=tuple(columns),
        confidence=confidence,
        reason="; ".join(reasons),
        error=None,
        temporary=plan.temporary,
    )


def _prepare_query(query: exp.Expr) -> None:
    """Give every FROM item a scope sqlglot can key by name.

    ``(a JOIN b) AS t`` becomes ``(SELECT * FROM a JOIN b) AS t`` so that ``t`` is a scope
    (unaliased, the parentheses only group joins and stay transparent); unaliased derived
    tables (``FROM (SELECT ...), (SELECT ...)``, legal in Spark and others) get distinct
    aliases, which nothing can reference, so that they do not shadow each other.
    """
    counter = 0
    for node in list(query.find_all(exp.Subquery)):
        if not isinstance(node.parent, (exp.From, exp.Join)):
            continue
        inner = node.this
        if isinstance(inner, exp.Table) and inner.args.get("joins") and node.alias:
            joins = inner.args["joins"]
            inner.set("joins", None)
            node.set("this", exp.Select(expressions=[exp.Star()], from_=exp.From(this=inner), joins=joins))
        elif not node.alias and isinstance(node.unnest(), exp.Query):
            node.set("alias", exp.TableAlias(this=exp.to_identifier(f"_lm_q{counter}")))
            counter += 1


def _multi_parts(stmt: exp.Expr, dialect: Dialect) -> list[exp.Insert]:
    """The single-target INSERTs a multi-table INSERT stands for, each with its own query."""
    source = stmt.args.get("source")
    parts: list[exp.Insert] = []
    for item in stmt.expressions:
        insert = item.this if isinstance(item, exp.ConditionalInsert) else item
        if not isinstance(insert, exp.Insert):
            continue
        insert = insert.copy()
        query = insert.expression
        if query is None and isinstance(source, exp.Query):
            insert.set("expression", source.copy())
        elif isinstance(query, exp.Select) and not query.args.get("from_") and isinstance(source, exp.Expr):
            query.set("from_", exp.From(this=source.copy()))
        parts.append(insert)
    return parts


def _split_multi(sql: str, dialect: str | None) -> list[str] | None:
    """Texts of the single-target statements a multi-target statement stands for, or ``None``."""
    try:
        dialect_obj = Dialect.get_or_raise(dialect)
        trees = [t for t in sqlglot.parse(sql, dialect=dialect_obj) if t is not None]
    except Exception:  # noqa: BLE001 - not parseable: the single-statement path reports why
        return None
    if len(trees) != 1:
        return None
    stmt = trees[0]
    if isinstance(stmt, exp.MultitableInserts):
        texts = [insert.sql(dialect=dialect_obj) for insert in _multi_parts(stmt, dialect_obj)]
        return texts if len(texts) > 1 else None
    if isinstance(stmt, exp.Drop):
        tables = stmt.args.get("tables") or []
        if len(tables) > 1:
            texts = []
            for table in tables:
                one = stmt.copy()
                one.set("tables", [table.copy()])
                texts.append(one.sql(dialect=dialect_obj))
            return texts
    return None
