"""Trace every output column of a scoped query to the table columns it reads, in one pass.

sqlglot's ``lineage()`` re-qualifies the whole statement for every column it is asked
about; on a 200-column INSERT that is 200 passes. Here the statement is scoped once
(:func:`sqlglot.optimizer.scope.traverse_scope`) and :class:`Tracer` walks each output
column down through CTEs, derived tables, set operations and UDTFs, memoising the answer
per ``(scope, column)``: a CTE column read by forty outer columns is traced once.

The tracer resolves names itself instead of running sqlglot's ``qualify_columns``, which
raises on many ordinary statements when no schema is known (correlated subqueries,
``LATERAL VIEW``, alias references) and can take longer than the parse itself.
Resolution follows SQL's rules with a few stated guesses:

* a qualified ``t.c`` goes to the source named ``t`` in the nearest enclosing scope;
  ``t.s.x`` where ``t`` is a source is the struct column ``s`` of ``t``;
* an unqualified ``c`` goes to the one source known (schema, CTE, subquery) to have
  ``c``; failing that, in dialects with lateral column aliases, to an earlier projection
  named ``c``; failing that, to the single source whose columns are unknown; failing that,
  to the enclosing scope (correlation). Anything else is *unresolved* and makes the
  statement ``partial``;
* ``*`` and ``t.*`` expand when the columns are known (schema, CTE or subquery outputs,
  honouring ``EXCEPT``/``EXCLUDE``, ``REPLACE``, ``RENAME`` and ``USING`` joins) and
  otherwise stay one output named ``*`` whose source is ``t.*``.

Only the expression that produces a column is lineage: columns read by WHERE, JOIN ON,
GROUP BY, HAVING, QUALIFY, ORDER BY or by ``IN``/``EXISTS`` subqueries are filters. They
never appear in column lineage; the tables they read are still table-level sources.
Window ``PARTITION BY``/``ORDER BY`` columns and ``CASE`` conditions are part of the
projection's expression and so are lineage.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, ScopeType

from lineage._names import Defaults, SchemaIndex, display, table_parts

__all__ = ["STAR", "OverBudget", "Tracer", "Output"]

#: Name of the output that stands for an unexpanded star.
STAR = "*"

#: Dialects where a projection may refer to an alias defined earlier in the same SELECT list
#: (sqlglot class names, lower case; ``dialect`` is sqlglot's generic dialect, where other
#: lineage tools allow it too).
LATERAL_ALIAS_DIALECTS = frozenset({
    "snowflake", "redshift", "databricks", "spark", "duckdb", "clickhouse", "teradata", "dialect",
})

_EMPTY: frozenset[str] = frozenset()
_NO_PARENT_LOOKUP = (ScopeType.CTE, ScopeType.ROOT)


class OverBudget(Exception):
    """Raised inside the tracer when the statement's work budget is spent."""


@dataclass(frozen=True, slots=True)
class Output:
    """One output column of the traced query: its name and ``table.column`` sources."""

    name: str
    sources: frozenset[str]


@dataclass(slots=True)
class _Out:
    """One projection of a scope, after star expansion.

    ``expr`` produces the value; ``star`` instead names the source key of an unexpanded
    star; ``position`` is the SELECT-list index, which limits lateral alias references.
    """

    name: str
    expr: exp.Expr | None
    star: str | None
    position: int


class Tracer:
    """Column tracer over one statement's scopes; see the module docstring for the rules."""

    def __init__(
        self,
        scopes: list[Scope],
        *,
        schema: SchemaIndex,
        defaults: Defaults,
        lateral_aliases: bool,
        budget: int,
        excluded: frozenset[int] = frozenset(),
    ) -> None:
        self.scopes = scopes
        self.root = scopes[-1]
        self._schema = schema
        self._defaults = defaults
        self._lateral_aliases = lateral_aliases
        self._budget = budget
        self._excluded = excluded
        self.steps = len(scopes)
        self.unresolved: set[str] = set()
        self.stars: set[str] = set()
        self._memo: dict[tuple[int, object], frozenset[str]] = {}
        self._active: set[tuple[int, object]] = set()
        self._outs: dict[int, list[_Out] | None] = {}
        self._items: dict[int, list[tuple[str, exp.Table | Scope, bool]]] = {}
        self._subq: dict[int, dict[int, Scope]] = {}
        self._names: dict[int, str | None] = {}
        self._using_cache: dict[int, set[str]] = {}
        self._known: dict[int, tuple[tuple[str, ...] | None, bool]] = {}
        self._known_sets: dict[int, frozenset[str] | None] = {}
        self._out_index: dict[int, dict[str, int]] = {}
        self._computing: set[int] = set()
        # A recursive CTE's self-reference is a fresh, untraversed scope over the base case;
        # map it to the traversed scope of the same expression.
        self._by_expr: dict[int, Scope] = {}
        for scope in scopes:
            self._by_expr.setdefault(id(scope.expression), scope)

    def _canon(self, source: exp.Table | Scope) -> exp.Table | Scope:
        if isinstance(source, Scope):
            return self._by_expr.get(id(source.expression), source)
        return source

    # ----------------------------------------------------------------- public
    def table_sources(self) -> set[str]:
        """Every real table any scope reads (CTE references and excluded DML targets left out)."""
        found: set[str] = set()
        for scope in self.scopes:
            for source in scope.sources.values():
                if isinstance(source, exp.Table) and id(source) not in self._excluded:
                    name = self.table_name(source)
                    if name:
                        found.add(name)
        return found

    def outputs(self) -> list[Output]:
        """The root query's output columns in order; unexpanded stars are merged into one ``*``."""
        outs = self._outputs(self.root)
        if outs is None:
            return []
        result: list[Output] = []
        star_index: int | None = None
        star_sources: set[str] = set()
        for index, out in enumerate(outs):
            sources = self.trace(self.root, index)
            if out.star is not None:
                if star_index is None:
                    star_index = len(result)
                    result.append(Output(STAR, _EMPTY))
                star_sources |= sources
                continue
            result.append(Output(out.name, sources))
        if star_index is not None:
            result[star_index] = Output(STAR, frozenset(star_sources))
        return result

    def table_name(self, table: exp.Table) -> str | None:
        """Display name of a real table reference, defaults applied; ``None`` for table functions."""
        key = id(table)
        if key not in self._names:
            if isinstance(table.this, (exp.Identifier, exp.Dot)):
                parts = table_parts(table)
                self._names[key] = display(self._defaults.qualify(parts)) if parts else None
            else:
                self._names[key] = None
        return self._names[key]

    def table_columns(self, table: exp.Table) -> tuple[str, ...] | None:
        """Known columns of a real table, from the schema."""
        if not isinstance(table.this, (exp.Identifier, exp.Dot)):
            return None
        return self._schema.columns(self._defaults.qualify(table_parts(table)))

    # ---------------------------------------------------------------- tracing
    def _tick(self, amount: int = 1) -> None:
        self.steps += amount
        if self.steps > self._budget:
            raise OverBudget()

    def trace(self, scope: Scope, key: int | str) -> frozenset[str]:
        """Sources of output ``key`` (index or name; ``STAR`` for the unexpanded stars) of ``scope``."""
        self._tick()
        memo_key = (id(scope), key)
        cached = self._memo.get(memo_key)
        if cached is not None:
            return cached
        if memo_key in self._active:  # a recursive CTE reading itself adds nothing new
            return _EMPTY
        self._active.add(memo_key)
        try:
            result = self._trace(scope, key)
        finally:
            self._active.discard(memo_key)
        self._memo[memo_key] = result
        return result

    def _trace(self, scope: Scope, key: int | str) -> frozenset[str]:
        node = scope.expression
        if isinstance(node, exp.Select):
            return self._trace_select(scope, key)
        if isinstance(node, exp.SetOperation):
            return self._trace_set_operation(scope, key)
        if isinstance(node, exp.Subquery):
            inner = _inner_scope(scope)
            return self.trace(inner, key) if inner is not None else _EMPTY
        if isinstance(node, exp.Lateral) and isinstance(node.this, exp.Subquery):
            inner = _inner_scope(scope)
            if inner is None:
                return _EMPTY
            return self.trace(inner, _positional(scope, key))
        if isinstance(node, exp.Values):
            return self._trace_values(scope, key)
        if isinstance(node, exp.UDTF):
            # every column of UNNEST/EXPLODE/FLATTEN/... is made from the function's arguments
            args = node.expressions if isinstance(node, exp.Unnest) else [node.this]
            found: set[str] = set()
            for arg in args:
                if isinstance(arg, exp.Expr):
                    found |= self._expr_sources(scope, arg, None)
            return frozenset(found)
        if key != STAR:
            self.unresolved.add(str(key))  # a scope shape this tracer does not know
        return _EMPTY

    def _trace_select(self, scope: Scope, key: int | str) -> frozenset[str]:
        outs = self._outputs(scope) or []
        if key == STAR:
            found: set[str] = set()
            for out in outs:
                if out.star is not None:
                    found |= self._star_sources(scope, out.star)
            return frozenset(found)
        if isinstance(key, int):
            if key >= len(outs):
                return _EMPTY
            out = outs[key]
            if out.star is not None:
                return self._star_sources(scope, out.star)
            return self._expr_sources(scope, out.expr, out.position) if out.expr is not None else _EMPTY
        index = self._out_index.get(id(scope))
        if index is None:
            index = {}
            for i, out in enumerate(outs):
                if out.star is None:
                    index.setdefault(out.name, i)
            if id(scope) not in self._computing:
                self._out_index[id(scope)] = index
        found = index.get(key)
        if found is not None:
            out = outs[found]
            return self._expr_sources(scope, out.expr, out.position) if out.expr is not None else _EMPTY
        stars = [o.star for o in outs if o.star is not None]
        if len(stars) == 1:
            return self._through(scope, stars[0], scope.sources.get(stars[0]), key)
        self.unresolved.add(key)
        return _EMPTY

    def _trace_set_operation(self, scope: Scope, key: int | str) -> frozenset[str]:
        branches = scope.set_operation_scopes
        node = scope.expression
        if isinstance(key, str) and key != STAR and not node.args.get("by_name"):
            # by name: the position of that name in the first branch, unless a star hides it
            outs = self._outputs(scope) or []
            index = next((i for i, o in enumerate(outs) if o.star is None and o.name == key), None)
            if index is not None:
                key = index
            elif outs and not any(o.star is not None for o in outs):
                self.unresolved.add(key)
                return _EMPTY
        found: set[str] = set()
        for branch in branches:
            if isinstance(key, int) and _star_before(self._outputs(branch), key):
                # a position at or after an unexpanded star is unknowable: report the stars
                found |= self.trace(branch, STAR)
                outs = self._outputs(branch) or []
                if key < len(outs) and outs[key].star is None:
                    found |= self.trace(branch, key)
                continue
            found |= self.trace(branch, key)
        return frozenset(found)

    def _trace_values(self, scope: Scope, key: int | str) -> frozenset[str]:
        index = _positional(scope, key)
        if not isinstance(index, int):
            return _EMPTY
        found: set[str] = set()
        for row in scope.expression.expressions:
            values = row.expressions if isinstance(row, exp.Tuple) else [row]
            if index < len(values):
                found |= self._expr_sources(scope, values[index], None)
        return frozenset(found)

    def _star_sources(self, scope: Scope, key: str) -> frozenset[str]:
        source = scope.sources.get(key)
        if isinstance(source, exp.Table):
            name = self.table_name(source)
            if name is None:
                return _EMPTY
            ref = f"{name}.{STAR}"
            self.stars.add(ref)
            return frozenset((ref,))
        if isinstance(source, Scope):
            return self.trace(self._canon(source), STAR)  # type: ignore[arg-type]
        return _EMPTY

    # ------------------------------------------------------------ expressions
    def _expr_sources(self, scope: Scope, expr: exp.Expr, position: int | None) -> frozenset[str]:
        """Columns read by ``expr`` (evaluated in ``scope``), through scalar subqueries, minus lambda vars."""
        found: set[str] = set()
        stack: list[tuple[exp.Expr, frozenset[str]]] = [(expr, _EMPTY)]
        while stack:
            node, lambda_vars = stack.pop()
            self._tick()
            if isinstance(node, exp.Column):
                if not isinstance(node.this, exp.Identifier):
                    continue  # t.* inside a function (COUNT(t.*)) or a positional $1
                if not node.table and node.name in lambda_vars:
                    continue
                found |= self._resolve(scope, node, position)
                continue
            if isinstance(node, exp.Query) and node is not expr:
                inner = node.unnest() if isinstance(node, exp.Subquery) else node
                child = self._subquery_scope(scope, inner)
                if child is not None and _is_scalar(inner):
                    found |= self.trace(child, 0)
                continue
            if isinstance(node, exp.Lambda):
                names = frozenset(e.name for e in node.expressions)
                stack.append((node.this, lambda_vars | names))
                continue
            for child_node in node.iter_expressions():
                stack.append((child_node, lambda_vars))
        return frozenset(found)

    def _subquery_scope(self, scope: Scope, node: exp.Expr) -> Scope | None:
        table = self._subq.get(id(scope))
        if table is None:
            table = {}
            for child in scope.subquery_scopes:
                table[id(child.expression)] = child
            self._subq[id(scope)] = table
        return table.get(id(node))

    def _resolve(self, scope: Scope, column: exp.Column, position: int | None) -> frozenset[str]:
        parts = [p.name for p in column.parts]
        name = parts[-1]
        if len(parts) == 1:
            return self._resolve_unqualified(scope, name, position)
        owner, source = self._lookup(scope, parts[-2])
        if owner is not None:
            return self._through(owner, parts[-2], source, name)
        for i, part in enumerate(parts[:-2]):
            owner, source = self._lookup(scope, part)
            if owner is not None:  # t.struct_col.field
                return self._through(owner, part, source, parts[i + 1])
        # struct_col.field with the table left implicit
        found = self._resolve_unqualified(scope, parts[0], position, quiet=True)
        if found is None:
            self.unresolved.add(".".join(parts))
            return _EMPTY
        return found

    def _lookup(self, scope: Scope, key: str) -> tuple[Scope | None, exp.Table | Scope | None]:
        current: Scope | None = scope
        while current is not None:
            source = current.sources.get(key)
            if source is not None:
                return current, source
            current = current.parent if current.scope_type not in _NO_PARENT_LOOKUP else None
        return None, None

    def _through(self, owner: Scope, key: str, source: exp.Table | Scope | None, name: str) -> frozenset[str]:
        """Sources of column ``name`` read from ``source`` (known in ``owner`` as ``key``)."""
        if source is not None:
            source = self._canon(source)
        if isinstance(source, Scope):
            return self.trace(source, name)
        if not isinstance(source, exp.Table):
            self.unresolved.add(f"{key}.{name}")
            return _EMPTY
        table_name = self.table_name(source)
        if table_name is None:  # table function: its columns come from its arguments
            return self._expr_sources(owner, source.this, None)
        alias_columns = source.alias_column_names
        if alias_columns:
            if name not in alias_columns:
                self.unresolved.add(f"{key}.{name}")
                return _EMPTY
            real = self.table_columns(source)
            index = alias_columns.index(name)
            if real is None or index >= len(real):
                self.unresolved.add(f"{key}.{name}")
                return _EMPTY
            name = real[index]
        return frozenset((f"{table_name}.{name}",))

    def _resolve_unqualified(
        self, scope: Scope, name: str, position: int | None, *, quiet: bool = False
    ) -> frozenset[str] | None:
        current: Scope | None = scope
        while current is not None:
            definite: list[tuple[str, exp.Table | Scope]] = []
            unknown: list[tuple[str, exp.Table | Scope]] = []
            for key, source in self._candidates(current):
                has = self._has_column(source, name)
                if has:
                    definite.append((key, source))
                elif has is None:
                    unknown.append((key, source))
            if len(definite) == 1:
                key, source = definite[0]
                return self._through(current, key, source, name)
            if len(definite) > 1:
                if name in self._using(current):
                    found: set[str] = set()
                    for key, source in definite:
                        found |= self._through(current, key, source, name)
                    return frozenset(found)
                break
            if current is scope and position is not None and self._lateral_aliases:
                alias = self._earlier_alias(current, name, position)
                if alias is not None:
                    return self._expr_sources(current, alias.expr, alias.position)  # type: ignore[arg-type]
            if len(unknown) == 1:
                key, source = unknown[0]
                return self._through(current, key, source, name)
            if unknown:
                break
            current = current.parent if current.scope_type not in _NO_PARENT_LOOKUP else None
        if quiet:
            return None
        self.unresolved.add(name)
        return _EMPTY

    def _earlier_alias(self, scope: Scope, name: str, position: int) -> _Out | None:
        for out in self._outputs(scope) or []:
            if out.position >= position:
                break
            if out.star is None and out.name == name and out.expr is not None:
                return out
        return None

    # ---------------------------------------------------------------- sources
    def _candidates(self, scope: Scope) -> list[tuple[str, exp.Table | Scope]]:
        """Sources an unqualified column of ``scope`` may come from."""
        if isinstance(scope.expression, exp.Select):
            return [(k, s) for k, s, visible in self._from_items(scope) if visible]
        if scope.scope_type == ScopeType.UDTF:
            return [(k, s) for k, s in scope.lateral_sources.items() if k]
        return []

    def _from_items(self, scope: Scope) -> list[tuple[str, exp.Table | Scope, bool]]:
        """FROM, JOIN and LATERAL items of a SELECT in order: (key, source, visible in the select list)."""
        cached = self._items.get(id(scope))
        if cached is not None:
            return cached
        select = scope.expression
        by_node: dict[int, str] = {}
        for key, source in scope.sources.items():
            node = source if isinstance(source, exp.Table) else source.expression
            by_node.setdefault(id(node), key)
            if isinstance(source, Scope) and isinstance(node.parent, exp.Subquery):
                by_node.setdefault(id(node.parent), key)
        nodes: list[tuple[exp.Expr, bool]] = []
        from_ = select.args.get("from_")
        if from_ is not None:
            nodes.append((from_.this, True))
        for join in select.args.get("joins") or []:
            nodes.append((join.this, not join.is_semi_or_anti_join))
        for lateral in select.args.get("laterals") or []:
            nodes.append((lateral, True))
        items: list[tuple[str, exp.Table | Scope, bool]] = []
        seen: set[str] = set()
        index = 0
        while index < len(nodes):
            node, visible = nodes[index]
            index += 1
            if isinstance(node, exp.Final):
                node = node.this
            while _is_join_group(node):
                # parentheses that only group joins: (a JOIN b)
                for join in node.args.get("joins") or []:
                    nodes.append((join.this, not join.is_semi_or_anti_join))
                node = node.this
            if isinstance(node, exp.Table):
                for join in node.args.get("joins") or []:
                    nodes.append((join.this, not join.is_semi_or_anti_join))
            key = by_node.get(id(node))
            if key is None:
                key = node.alias_or_name if isinstance(node, exp.Table) else node.alias
            source = scope.sources.get(key)
            if source is None or key in seen:
                continue
            seen.add(key)
            items.append((key, source, visible))
        self._items[id(scope)] = items
        return items

    def _using(self, scope: Scope) -> set[str]:
        """Column names joined with ``USING (...)`` in this scope's FROM clause."""
        cached = self._using_cache.get(id(scope))
        if cached is not None:
            return cached
        names: set[str] = set()
        select = scope.expression
        if isinstance(select, exp.Select):
            stack: list[exp.Expr] = [j for j in select.args.get("joins") or []]
            from_ = select.args.get("from_")
            if from_ is not None:
                stack.append(from_.this)
            while stack:
                node = stack.pop()
                if isinstance(node, exp.Join):
                    names.update(ident.name for ident in node.args.get("using") or [])
                    stack.append(node.this)
                elif isinstance(node, (exp.Table, exp.Subquery)) and not isinstance(node.this, exp.Query):
                    stack.extend(node.args.get("joins") or [])
                    if isinstance(node, exp.Subquery):
                        stack.append(node.this)
        self._using_cache[id(scope)] = names
        return names

    def _known_columns(self, source: exp.Table | Scope) -> tuple[tuple[str, ...] | None, bool]:
        """(column names or ``None`` when unknown, whether an unexpanded star may add more)."""
        source = self._canon(source)
        cached = self._known.get(id(source))
        if cached is not None:
            return cached
        result: tuple[tuple[str, ...] | None, bool]
        if isinstance(source, exp.Table):
            alias_columns = source.alias_column_names
            if alias_columns:
                result = tuple(alias_columns), False
            else:
                result = self.table_columns(source), False
        else:
            outs = self._outputs(source)
            if outs is None:
                result = None, False
            else:
                result = tuple(o.name for o in outs if o.star is None), any(o.star is not None for o in outs)
        if id(source) not in self._computing:  # never cache a half-expanded recursive CTE
            self._known[id(source)] = result
        self._known_sets[id(source)] = frozenset(result[0]) if result[0] is not None else None
        return result

    def _has_column(self, source: exp.Table | Scope, name: str) -> bool | None:
        """Whether ``source`` has column ``name``: True, False, or None (unknown)."""
        names, has_star = self._known_columns(source)
        if names is None:
            return None
        if name in self._known_sets[id(self._canon(source))]:  # type: ignore[operator]
            return True
        return None if has_star else False

    def _outputs(self, scope: Scope) -> list[_Out] | None:
        """Projections of ``scope`` after star expansion and alias-list renames; ``None`` if unknown."""
        key = id(scope)
        if key in self._outs:
            return self._outs[key]
        self._outs[key] = None  # guards recursive CTEs while they are being expanded
        self._computing.add(key)
        try:
            outs = self._compute_outputs(scope)
        finally:
            self._computing.discard(key)
        if outs is not None and scope.outer_columns:
            renamed: list[_Out] = []
            for index, out in enumerate(outs):
                if out.star is not None or index >= len(scope.outer_columns):
                    renamed.extend(outs[index:])
                    break
                renamed.append(_Out(scope.outer_columns[index], out.expr, None, out.position))
            outs = renamed
        self._outs[key] = outs
        return outs

    def _compute_outputs(self, scope: Scope) -> list[_Out] | None:
        node = scope.expression
        if isinstance(node, exp.Select):
            return self._select_outputs(scope, node)
        if isinstance(node, exp.SetOperation):
            branches = scope.set_operation_scopes
            if not branches:
                return None
            left = self._outputs(branches[0])
            if left is None:
                return None
            return [_Out(o.name, None, o.star, i) for i, o in enumerate(left)]
        wraps_query = isinstance(node, exp.Lateral) and isinstance(node.this, exp.Subquery)
        if isinstance(node, exp.Subquery) or wraps_query:
            inner = _inner_scope(scope)
            if inner is None:
                return None
            inner_outs = self._outputs(inner)
            if inner_outs is None:
                return None
            return [_Out(o.name, None, o.star, i) for i, o in enumerate(inner_outs)]
        if isinstance(node, exp.UDTF) and scope.outer_columns:
            return [_Out(name, None, None, i) for i, name in enumerate(scope.outer_columns)]
        return None

    def _select_outputs(self, scope: Scope, select: exp.Select) -> list[_Out]:
        outs: list[_Out] = []
        for position, projection in enumerate(select.expressions):
            self._tick()
            if isinstance(projection, exp.Star):
                outs.extend(self._expand_star(scope, None, projection, position))
            elif isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star):
                outs.extend(self._expand_star(scope, projection.table, projection.this, position))
            else:
                expr = projection.this if isinstance(projection, exp.Alias) else projection
                name = projection.output_name or f"_col_{position}"
                outs.append(_Out(name, expr, None, position))
        return outs

    def _expand_star(self, scope: Scope, table_key: str | None, star: exp.Star, position: int) -> list[_Out]:
        excluded = {c.name for c in star.args.get("except_") or []}
        replaced = {a.alias: a.this for a in star.args.get("replace") or [] if isinstance(a, exp.Alias)}
        renamed = {a.this.name: a.alias for a in star.args.get("rename") or [] if isinstance(a, exp.Alias)}
        items = [(k, s) for k, s, visible in self._from_items(scope) if visible]
        if table_key:
            items = [(k, s) for k, s in items if k == table_key] or (
                [(table_key, scope.sources[table_key])] if table_key in scope.sources else []
            )
            using: list[str] = []
        else:
            using = sorted(self._using(scope)) if len(items) > 1 else []
        outs: list[_Out] = []
        known_by_key = {k: self._known_columns(s) for k, s in items}
        for name in using:
            if name in excluded:
                continue
            holders = [k for k, (names, star_) in known_by_key.items()
                       if names is None or star_ or name in names]
            expr = exp.Tuple(expressions=[exp.column(name, table=k) for k in holders])
            outs.append(_Out(renamed.get(name, name), replaced.get(name, expr), None, position))
        for key, _source in items:
            names, has_star = known_by_key[key]
            for name in names or []:
                if name in excluded or name in using:
                    continue
                expr = replaced.get(name)
                if expr is None:
                    expr = exp.column(name, table=key)
                outs.append(_Out(renamed.get(name, name), expr, None, position))
            if names is None or has_star:
                outs.append(_Out(STAR, None, key, position))
        if not items and not table_key:
            outs.append(_Out(STAR, None, "", position))
        return outs


def _is_join_group(node: exp.Expr) -> bool:
    """Unaliased parentheses around a table or join: ``(a JOIN b)``."""
    return isinstance(node, exp.Subquery) and not node.alias and isinstance(node.this, (exp.Table, exp.Subquery))


def _star_before(outs: list[_Out] | None, index: int) -> bool:
    return outs is None or any(o.star is not None for o in outs[: index + 1])


def _inner_scope(scope: Scope) -> Scope | None:
    """The single query scope wrapped by a parenthesised query or a LATERAL subquery."""
    for child in (*scope.subquery_scopes, *scope.derived_table_scopes):
        return child
    for source in scope.sources.values():
        if isinstance(source, Scope) and source.parent is scope:
            return source
    return None


def _positional(scope: Scope, key: int | str) -> int | str:
    """Map a name to its index through the scope's column alias list (``AS x(a, b)``)."""
    if isinstance(key, str) and key != STAR and key in scope.outer_columns:
        return scope.outer_columns.index(key)
    return key


def _is_scalar(query: exp.Expr) -> bool:
    """A subquery whose value flows into the expression (not ``IN (...)`` / ``EXISTS (...)``)."""
    parent = query.parent
    while isinstance(parent, exp.Subquery):
        query, parent = parent, parent.parent
    if isinstance(parent, exp.Exists):
        return False
    if isinstance(parent, exp.In) and parent.args.get("query") is query:
        return False
    return not isinstance(parent, (exp.Any, exp.All))
