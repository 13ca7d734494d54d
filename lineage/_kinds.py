"""Statement kinds: what a parsed statement writes, and which query produces the written columns.

Every statement shape is reduced to a :class:`Plan`: its kind, its target, one query to
scope and trace, and how that query's outputs map onto the target's columns. DML that is
not a query is rewritten into one, so that one tracer handles everything:

* ``UPDATE t SET a = e1, b = e2 FROM s WHERE w`` becomes
  ``SELECT e1 AS _lm_0, e2 AS _lm_1 FROM t, s WHERE w``, and ``_lm_0`` maps to ``a``;
* ``MERGE INTO t USING s ON c WHEN ... UPDATE SET a = e1 ... INSERT (a, b) VALUES (e3, e4)``
  becomes ``SELECT e1 AS _lm_0, e3 AS _lm_1, e4 AS _lm_2 FROM t, s WHERE c``, and the
  target column ``a`` is the union of ``_lm_0`` and ``_lm_1``;
* ``DELETE FROM t USING s WHERE w`` becomes ``SELECT 1 FROM t, s WHERE w`` (table level only).

The rewritten query references the target table like any other table, so ``SET x = x + 1``
traces to ``t.x``; the target's own occurrence is excluded from the table-level sources
(it is written, not read), which is what other lineage tools report too.

Kinds (the vocabulary of ``StatementLineage.kind``): ``select``, ``insert``,
``insert_overwrite``, ``create_table_as`` (also ``SELECT ... INTO`` and ``CACHE TABLE ... AS``),
``create_view``, ``create_materialized_view``, ``create_table`` (DDL without a query: its
columns with no sources; ``CLONE`` and ``LIKE`` read their source table), ``merge``,
``update``, ``delete``, ``copy`` (a load into a table), ``unload`` (a table or query written
to a location), ``drop``, ``rename`` (``ALTER TABLE ... RENAME TO``) and ``other``
(everything that moves no data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError

from lineage._names import normalize_tree

__all__ = ["Plan", "UnsupportedStatement", "plan_statement", "ASSIGN_PREFIX"]

#: Alias prefix of the projections a DML rewrite creates.
ASSIGN_PREFIX = "_lm_"

# Command keywords that would move data if sqlglot understood them: failing loudly beats a
# silent "other" that drops lineage.
_DATA_COMMANDS = frozenset({
    "INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "CREATE", "SELECT", "WITH", "REPLACE", "UPSERT",
})
_UNLOAD = re.compile(
    r"""^\s*\(\s*(?:'(?P<query>(?:[^'\\]|\\.|'')*)'|\$\$(?P<dollar>.*?)\$\$)\s*\)"""
    r"""\s*TO\s+'(?P<location>(?:[^'\\]|\\.|'')*)'""",
    re.IGNORECASE | re.DOTALL,
)


class UnsupportedStatement(Exception):
    """A statement shape lineage cannot analyse; the message becomes the ``failed`` reason."""


@dataclass(slots=True)
class Plan:
    """What one statement writes and how to get its column lineage.

    ``mapping`` says how the traced query's outputs become target columns:
    ``outputs`` (their own names, or ``names`` positionally when given), ``insert``
    (positionally onto ``names`` or the target's known columns; by name with ``by_name``),
    ``assign`` (``_lm_N`` aliases listed in ``assign``; other names map to themselves)
    or ``none``.
    """

    kind: str
    target: exp.Table | None = None
    location: str | None = None
    query: exp.Expr | None = None
    mapping: str = "none"
    names: list[str] | None = None
    static: list[str] = field(default_factory=list)
    assign: dict[str, str] = field(default_factory=dict)
    by_name: bool = False
    extra_sources: list[str] = field(default_factory=list)
    extra_tables: list[exp.Table] = field(default_factory=list)
    excluded: set[int] = field(default_factory=set)
    temporary: bool = False
    also: list[exp.Table] = field(default_factory=list)
    positional: dict[str, tuple[int, str]] = field(default_factory=dict)
    width: int = 0


def plan_statement(stmt: exp.Expr, dialect: Dialect) -> Plan:
    """Reduce one parsed (and name-normalised) statement to a :class:`Plan`.

    Raises :class:`UnsupportedStatement` for shapes that move data but cannot be analysed.
    """
    for cte in stmt.find_all(exp.CTE):
        if isinstance(cte.this, (exp.Insert, exp.Update, exp.Delete, exp.Merge)):
            raise UnsupportedStatement("data-modifying CTE (WITH ... AS (INSERT/UPDATE/DELETE ...))")
    if isinstance(stmt, exp.Query):
        return _plan_query(stmt)
    handler = _HANDLERS.get(type(stmt))
    if handler is not None:
        return handler(stmt, dialect)
    if isinstance(stmt, exp.Command):
        return _plan_command(stmt, dialect)
    return Plan("other")


# ------------------------------------------------------------------ queries
def _plan_query(query: exp.Query) -> Plan:
    into = query.args.get("into") if isinstance(query, exp.Select) else None
    if isinstance(into, exp.Into) and isinstance(into.this, exp.Table):
        target = into.this
        query.set("into", None)
        temporary = bool(into.args.get("temporary")) or _is_hash_temp(target)
        return Plan("create_table_as", target=target, query=query, mapping="outputs", temporary=temporary)
    return Plan("select", query=query, mapping="outputs")


def _unwrap(query: exp.Expr | None) -> exp.Expr | None:
    while isinstance(query, exp.Subquery) and not query.alias and not _has_modifiers(query):
        query = query.this
    return query


def _has_modifiers(node: exp.Expr) -> bool:
    return any(node.args.get(k) for k in ("order", "limit", "offset", "joins", "pivots"))


def _with_ctes(query: exp.Expr | None, with_: exp.Expr | None) -> exp.Expr | None:
    """Attach a statement-level WITH to the query it belongs to (``WITH c AS (...) INSERT ...``)."""
    if query is None or not isinstance(with_, exp.With) or not with_.expressions:
        return query
    if not isinstance(query, exp.Query):
        return query
    inner = query.args.get("with_")
    if isinstance(inner, exp.With) and inner.expressions:
        merged = exp.With(
            expressions=[*with_.expressions, *inner.expressions],
            recursive=bool(with_.args.get("recursive") or inner.args.get("recursive")),
        )
        query.set("with_", merged)
    else:
        query.set("with_", with_)
    return query


def _split_schema(node: exp.Expr | None) -> tuple[exp.Expr | None, list[str] | None]:
    """``t (a, b)`` -> (table, ["a", "b"]); a bare table -> (table, None)."""
    if isinstance(node, exp.Schema):
        names: list[str] = []
        for item in node.expressions:
            if isinstance(item, (exp.Identifier, exp.Column, exp.ColumnDef)):
                names.append(item.name)
        return node.this, (names or None)
    return node, None


def _is_hash_temp(table: exp.Table) -> bool:
    ident = table.this
    if not isinstance(ident, exp.Identifier):
        return False
    return bool(ident.args.get("temporary") or ident.args.get("global_"))


def _has_property(node: exp.Expr, *kinds: type[exp.Expr]) -> bool:
    props = node.args.get("properties")
    return isinstance(props, exp.Properties) and any(isinstance(p, kinds) for p in props.expressions)


# ----------------------------------------------------------------- INSERT
def _plan_insert(stmt: exp.Insert, dialect: Dialect) -> Plan:
    target_node, names = _split_schema(stmt.this)
    overwrite = bool(stmt.args.get("overwrite"))
    kind = "insert_overwrite" if overwrite else "insert"
    query = _with_ctes(_unwrap(stmt.expression), stmt.args.get("with_"))
    if isinstance(target_node, exp.Directory):
        plan = Plan("unload", location=_location_text(target_node.this), mapping="outputs")
        plan.query = query if isinstance(query, exp.Query) else None
        return plan
    if not isinstance(target_node, exp.Table):
        raise UnsupportedStatement(f"INSERT into {type(target_node).__name__}")
    plan = Plan(kind, target=target_node, mapping="insert", names=names,
                by_name=bool(stmt.args.get("by_name")))
    partition = target_node.args.get("partition")
    if isinstance(partition, exp.Partition):
        for item in partition.expressions:
            if isinstance(item, exp.EQ) and isinstance(item.this, exp.Column):
                plan.static.append(item.this.name)
    if isinstance(query, exp.Values):
        plan.query = _values_query(query)
        if plan.query is None:
            plan.mapping = "constants"
            rows = [r for r in query.expressions if isinstance(r, exp.Tuple)]
            plan.width = max((len(r.expressions) for r in rows), default=0)
        return plan
    if query is None:
        plan.mapping = "constants"
        return plan
    if not isinstance(query, exp.Query):
        raise UnsupportedStatement(f"INSERT from {type(query).__name__}")
    plan.query = query
    return plan


def _values_query(values: exp.Values) -> exp.Expr | None:
    """VALUES rows as a UNION ALL of SELECTs, only when a row holds a subquery (else nothing flows)."""
    if not any(values.find_all(exp.Query)):
        return None
    selects: list[exp.Expr] = []
    for row in values.expressions:
        items = row.expressions if isinstance(row, exp.Tuple) else [row]
        selects.append(exp.Select(expressions=[exp.alias_(v, f"_col_{i}") for i, v in enumerate(items)]))
    query = selects[0]
    for other in selects[1:]:
        query = exp.Union(this=query, expression=other, distinct=False)
    return query


# ----------------------------------------------------------------- CREATE
def _plan_create(stmt: exp.Create, dialect: Dialect) -> Plan:
    kind = str(stmt.args.get("kind") or "").upper()
    target_node, names = _split_schema(stmt.this)
    if not isinstance(target_node, exp.Table):
        return Plan("other")
    temporary = _has_property(stmt, exp.TemporaryProperty, exp.VolatileProperty) or _is_hash_temp(target_node)
    query = _with_ctes(_unwrap(stmt.expression), stmt.args.get("with_"))
    if kind == "VIEW":
        materialized = _has_property(stmt, exp.MaterializedProperty)
        view_kind = "create_materialized_view" if materialized else "create_view"
        if not isinstance(query, exp.Query):
            raise UnsupportedStatement("CREATE VIEW without a query")
        return Plan(view_kind, target=target_node, query=query, mapping="outputs", names=names,
                    temporary=temporary)
    if kind not in ("TABLE", "TEMPORARY TABLE"):
        return Plan("other")
    if isinstance(query, exp.Query):
        return Plan("create_table_as", target=target_node, query=query, mapping="outputs", names=names,
                    temporary=temporary)
    clone = stmt.args.get("clone")
    if isinstance(clone, exp.Clone) and isinstance(clone.this, exp.Table):
        plan = Plan("create_table", target=target_node, temporary=temporary, mapping="clone")
        plan.extra_tables.append(clone.this)
        return plan
    like = _like_source(stmt)
    if like is not None:  # CREATE TABLE t LIKE s / (LIKE s): the structure comes from s
        plan = Plan("create_table", target=target_node, temporary=temporary)
        plan.extra_tables.append(like)
        return plan
    if names:  # DDL: the columns exist, nothing flows into them
        return Plan("create_table", target=target_node, temporary=temporary, mapping="constants", names=names)
    return Plan("create_table", target=target_node, temporary=temporary)


def _like_source(stmt: exp.Create) -> exp.Table | None:
    for prop in stmt.find_all(exp.LikeProperty):
        if _is_real_table(prop.this):
            return prop.this  # type: ignore[return-value]
    return None


def _plan_cache(stmt: exp.Cache, dialect: Dialect) -> Plan:
    query = _unwrap(stmt.expression)
    if isinstance(stmt.this, exp.Table) and isinstance(query, exp.Query):
        return Plan("create_table_as", target=stmt.this, query=query, mapping="outputs", temporary=True)
    return Plan("other")


# --------------------------------------------------------------- UPDATE
def _from_items(from_: exp.Expr | None) -> list[exp.Expr]:
    if isinstance(from_, exp.From):
        return [from_.this]
    return []


def _aliased_target(target: exp.Table, items: list[exp.Expr]) -> exp.Table | None:
    """T-SQL's ``UPDATE x ... FROM t AS x``: the written table is the FROM item aliased ``x``."""
    if target.args.get("db") or target.alias:
        return None
    wanted = target.name
    stack = list(items)
    while stack:
        node = stack.pop()
        if isinstance(node, exp.Table):
            if node.alias == wanted and isinstance(node.this, exp.Identifier):
                return node
            stack.extend(j.this for j in node.args.get("joins") or [])
    return None


def _relation_select(target: exp.Table, items: list[exp.Expr], projections: list[exp.Expr],
                     conditions: list[exp.Expr], with_: exp.Expr | None,
                     *, resolve_alias: bool = True) -> tuple[exp.Select, exp.Table]:
    """``SELECT projections FROM target, items... WHERE conditions``, and the written table node."""
    real = _aliased_target(target, items) if resolve_alias else None
    joins: list[exp.Expr] = []
    own_joins = target.args.get("joins") or []
    if own_joins:
        target.set("joins", None)
    if real is not None:
        first, rest = items[0], items[1:]
        written = real
    else:
        first, rest = target, items
        written = target
    joins.extend(own_joins)
    joins.extend(exp.Join(this=item) for item in rest)
    where = None
    conds = [c for c in conditions if isinstance(c, exp.Expr)]
    if conds:
        where = exp.Where(this=exp.and_(*conds) if len(conds) > 1 else conds[0])
    select = exp.Select(
        expressions=projections or [exp.Literal.number(1)],
        from_=exp.From(this=first),
        joins=joins or None,
        where=where,
    )
    _with_ctes(select, with_)
    return select, written


def _own_column_refs(value: exp.Expr, column: str, target: exp.Table) -> exp.Expr:
    """``SET c = c + 1``: an unqualified ``c`` on the right is the target's own ``c``.

    Without this, ``UPDATE t SET c = c + 1 FROM s`` could not tell ``t.c`` from ``s.c``
    when no schema is known; the assigned column's own name is the one safe guess.
    """
    alias = target.alias_or_name
    if not alias:
        return value
    for col in value.walk(prune=lambda n: isinstance(n, exp.Query)):
        if isinstance(col, exp.Column) and not col.table and col.name == column \
                and isinstance(col.this, exp.Identifier):
            col.set("table", exp.to_identifier(alias))
    return value


def _plan_update(stmt: exp.Update, dialect: Dialect) -> Plan:
    target = stmt.this
    if not isinstance(target, exp.Table):
        raise UnsupportedStatement(f"UPDATE of {type(target).__name__}")
    projections: list[exp.Expr] = []
    assign: dict[str, str] = {}
    written = _aliased_target(target, _from_items(stmt.args.get("from_"))) or target
    for item in stmt.expressions:
        if isinstance(item, exp.EQ) and isinstance(item.this, exp.Column):
            alias = f"{ASSIGN_PREFIX}{len(projections)}"
            assign[alias] = item.this.name
            value = _own_column_refs(item.expression, item.this.name, written)
            projections.append(exp.alias_(value, alias))
        elif isinstance(item, exp.EQ) and isinstance(item.this, exp.Tuple):
            # SET (a, b) = (SELECT x, y ...) / (e1, e2)
            names = [c.name for c in item.this.expressions]
            values = item.expression
            if isinstance(values, exp.Tuple):
                exprs = list(values.expressions)
            else:
                exprs = [values] * len(names)
            for name, value in zip(names, exprs):
                alias = f"{ASSIGN_PREFIX}{len(projections)}"
                assign[alias] = name
                projections.append(exp.alias_(value.copy(), alias))
    where = stmt.args.get("where")
    conditions = [where.this] if isinstance(where, exp.Where) else []
    items = _from_items(stmt.args.get("from_"))
    select, written = _relation_select(target, items, projections, conditions, stmt.args.get("with_"))
    return Plan("update", target=written, query=select, mapping="assign", assign=assign,
                excluded={id(written)})


# ----------------------------------------------------------------- MERGE
def _plan_merge(stmt: exp.Merge, dialect: Dialect) -> Plan:
    target = stmt.this
    using = stmt.args.get("using")
    if not isinstance(target, exp.Table) or using is None:
        raise UnsupportedStatement("MERGE without a target table or USING source")
    projections: list[exp.Expr] = []
    assign: dict[str, str] = {}
    conditions: list[exp.Expr] = []
    if isinstance(stmt.args.get("on"), exp.Expr):
        conditions.append(stmt.args["on"])
    using_key = using.alias_or_name if isinstance(using, (exp.Table, exp.Subquery)) else ""
    whens = stmt.args.get("whens")
    positional: list[exp.Expr] = []
    for when in (whens.expressions if isinstance(whens, exp.Whens) else []):
        if isinstance(when.args.get("condition"), exp.Expr):
            conditions.append(when.args["condition"])
        then = when.args.get("then")
        if isinstance(then, exp.Update):
            for item in then.expressions:
                if isinstance(item, exp.Star):
                    projections.append(exp.Column(this=exp.Star(), table=exp.to_identifier(using_key)))
                elif isinstance(item, exp.EQ) and isinstance(item.this, exp.Column):
                    alias = f"{ASSIGN_PREFIX}{len(projections)}"
                    assign[alias] = item.this.name
                    value = _own_column_refs(item.expression, item.this.name, target)
                    projections.append(exp.alias_(value, alias))
        elif isinstance(then, exp.Insert):
            cols = then.this
            values = then.expression
            if isinstance(cols, exp.Star) or (isinstance(cols, exp.Var) and cols.name.upper() == "ROW"):
                projections.append(exp.Column(this=exp.Star(), table=exp.to_identifier(using_key)))
                continue
            value_list = list(values.expressions) if isinstance(values, exp.Tuple) else []
            if isinstance(cols, exp.Tuple):
                for col, value in zip(cols.expressions, value_list):
                    alias = f"{ASSIGN_PREFIX}{len(projections)}"
                    assign[alias] = col.name
                    projections.append(exp.alias_(value, alias))
            else:
                positional.extend(value_list)
    positional_map: dict[str, tuple[int, str]] = {}
    for index, value in enumerate(positional):
        alias = f"{ASSIGN_PREFIX}p{index}"
        fallback = value.name if isinstance(value, exp.Column) and value.name else f"_col_{index}"
        positional_map[alias] = (index, fallback)
        projections.append(exp.alias_(value, alias))
    select, written = _relation_select(target, [using], projections, conditions, stmt.args.get("with_"))
    return Plan("merge", target=written, query=select, mapping="assign", assign=assign,
                excluded={id(written)}, positional=positional_map)


# ---------------------------------------------------------------- DELETE
def _plan_delete(stmt: exp.Delete, dialect: Dialect) -> Plan:
    relation = stmt.this
    if not isinstance(relation, exp.Table):
        raise UnsupportedStatement(f"DELETE from {type(relation).__name__}")
    named = stmt.args.get("tables") or []
    written: exp.Table = relation
    if named and isinstance(named[0], exp.Table) and named[0].name != relation.name:
        # T-SQL/MySQL ``DELETE x FROM t AS x JOIN s``: x names a FROM item
        written = _aliased_target(named[0], [relation]) or relation
    items: list[exp.Expr] = list(stmt.args.get("using") or [])
    where = stmt.args.get("where")
    conditions = [where.this] if isinstance(where, exp.Where) else []
    select, _ = _relation_select(relation, items, [], conditions, stmt.args.get("with_"), resolve_alias=False)
    return Plan("delete", target=written, query=select, mapping="none", excluded={id(written)})


# ------------------------------------------------------------- COPY etc.
def _location_text(node: exp.Expr | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, exp.Table) and not isinstance(node.this, (exp.Identifier, exp.Dot)):
        node = node.this
    if isinstance(node, exp.Literal):
        return node.this if isinstance(node.this, str) else node.name
    if isinstance(node, exp.Var):
        return node.name
    if isinstance(node, exp.Identifier) and node.name.upper() in ("STDIN", "STDOUT", "PROGRAM"):
        return None
    return None


def _is_real_table(node: exp.Expr | None) -> bool:
    return isinstance(node, exp.Table) and isinstance(node.this, (exp.Identifier, exp.Dot))


def _stage_locations(query: exp.Expr) -> list[str]:
    found: list[str] = []
    for table in query.find_all(exp.Table):
        if not _is_real_table(table):
            text = _location_text(table)
            if text:
                found.append(text)
    return found


def _plan_copy(stmt: exp.Copy, dialect: Dialect) -> Plan:
    this, names = _split_schema(stmt.this)
    files = stmt.args.get("files") or []
    loading = bool(stmt.args.get("kind"))
    if _is_real_table(this) and loading:
        plan = Plan("copy", target=this, names=names)  # type: ignore[arg-type]
        for item in files:
            if isinstance(item, exp.Subquery):
                plan.extra_sources.extend(_stage_locations(item))
            elif _is_real_table(item):
                plan.extra_tables.append(item)  # type: ignore[arg-type]
            else:
                text = _location_text(item)
                if text:
                    plan.extra_sources.append(text)
        return plan
    # unloads: COPY t TO 'file' (Postgres), COPY INTO @stage FROM t|(query) (Snowflake)
    if loading:
        location = _location_text(this)
        read = files[0] if files else None
    else:
        location = _location_text(files[0]) if files else None
        read = this
    plan = Plan("unload", location=location)
    read = _unwrap(read)
    if _is_real_table(read):
        plan.extra_tables.append(read)  # type: ignore[arg-type]
    elif isinstance(read, exp.Query):
        plan.query = read
        plan.mapping = "outputs"
    return plan


def _plan_load(stmt: exp.Expr, dialect: Dialect) -> Plan:
    target = stmt.this
    if not _is_real_table(target):
        return Plan("other")
    plan = Plan("copy", target=target)  # type: ignore[arg-type]
    files = stmt.args.get("files")
    if isinstance(files, exp.Expr):
        for literal in files.find_all(exp.Literal):
            if literal.is_string and "://" in literal.this:
                plan.extra_sources.append(literal.this)
    return plan


def _plan_export(stmt: exp.Expr, dialect: Dialect) -> Plan:
    location = None
    options = stmt.args.get("options")
    if isinstance(options, exp.Expr):
        for prop in options.find_all(exp.Property):
            if prop.name.lower() == "uri" and isinstance(prop.args.get("value"), exp.Literal):
                location = prop.args["value"].this
    query = _unwrap(stmt.this)
    plan = Plan("unload", location=location)
    if isinstance(query, exp.Query):
        plan.query = query
        plan.mapping = "outputs"
    return plan


def _plan_command(stmt: exp.Command, dialect: Dialect) -> Plan:
    keyword = str(stmt.this or "").upper()
    rest = stmt.expression.this if isinstance(stmt.expression, exp.Literal) else ""
    if keyword == "UNLOAD":
        match = _UNLOAD.match(rest or "")
        if not match:
            raise UnsupportedStatement("UNLOAD without a ('query') TO 'location' clause")
        dollar = match.group("dollar")
        text = dollar if dollar is not None else _unquote(match.group("query"))
        try:
            parsed = [e for e in sqlglot.parse(text, dialect=dialect) if e is not None]
        except ParseError as exc:
            raise UnsupportedStatement(f"UNLOAD query does not parse: {_first_error(exc)}") from None
        except Exception as exc:  # noqa: BLE001 - sqlglot trips on some garbage with TypeError etc.
            raise UnsupportedStatement(f"UNLOAD query does not parse: {type(exc).__name__}") from None
        if len(parsed) != 1 or not isinstance(parsed[0], exp.Query):
            raise UnsupportedStatement("UNLOAD query is not one SELECT")
        normalize_tree(parsed[0], dialect)
        return Plan("unload", location=_unquote(match.group("location")), query=parsed[0], mapping="outputs")
    if keyword in _DATA_COMMANDS:
        raise UnsupportedStatement(f"unsupported {keyword} syntax")
    return Plan("other")


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace("''", "'"))


def _first_error(exc: ParseError) -> str:
    errors = getattr(exc, "errors", None) or []
    if errors and isinstance(errors[0], dict):
        first = errors[0]
        return f"{first.get('description', 'parse error')} (line {first.get('line')}, col {first.get('col')})"
    return str(exc).splitlines()[0] if str(exc) else "parse error"


# ------------------------------------------------------------- DROP/ALTER
def _plan_drop(stmt: exp.Drop, dialect: Dialect) -> Plan:
    kind = str(stmt.args.get("kind") or "").upper()
    tables = [t for t in (stmt.args.get("tables") or [stmt.this]) if _is_real_table(t)]
    if kind not in ("TABLE", "VIEW", "MATERIALIZED VIEW") or not tables:
        return Plan("other")
    plan = Plan("drop", target=tables[0])
    plan.also = tables[1:]
    return plan


def _plan_alter(stmt: exp.Alter, dialect: Dialect) -> Plan:
    actions = stmt.args.get("actions") or []
    if (
        len(actions) == 1
        and isinstance(actions[0], exp.AlterRename)
        and _is_real_table(stmt.this)
        and _is_real_table(actions[0].this)
    ):
        old: exp.Table = stmt.this
        new: exp.Table = actions[0].this
        if not new.args.get("db") and old.args.get("db"):
            # RENAME TO keeps the schema (and database) of the renamed table
            new.set("db", old.args["db"].copy())
            if old.args.get("catalog"):
                new.set("catalog", old.args["catalog"].copy())
        plan = Plan("rename", target=new, mapping="clone")
        plan.extra_tables.append(old)
        return plan
    return Plan("other")


def _plan_multi(stmt: exp.Expr, dialect: Dialect) -> Plan:
    raise UnsupportedStatement("multi-table INSERT writes several tables; use parse_statements")


_HANDLERS = {
    exp.Insert: _plan_insert,
    exp.Create: _plan_create,
    exp.Cache: _plan_cache,
    exp.Update: _plan_update,
    exp.Merge: _plan_merge,
    exp.Delete: _plan_delete,
    exp.Copy: _plan_copy,
    exp.LoadData: _plan_load,
    exp.Export: _plan_export,
    exp.Drop: _plan_drop,
    exp.Alter: _plan_alter,
    exp.MultitableInserts: _plan_multi,
}
