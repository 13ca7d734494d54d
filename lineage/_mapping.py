"""How a traced query's outputs become the written table's columns.

Pure functions from a :class:`~lineage._kinds.Plan` and the tracer's outputs to
:class:`~lineage._result.ColumnLineage` rows: by name (SELECT, CTAS, views, with an
optional column list), by position onto an INSERT's column list or the target's known
columns (static partition columns get no sources), by ``SET``/``VALUES`` assignment for
UPDATE and MERGE (several clauses writing one column are unioned), or copied one to one
(CLONE, RENAME).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from lineage._kinds import Plan
from lineage._names import Defaults, SchemaIndex, table_display, table_parts
from lineage._result import ColumnLineage
from lineage._scope import STAR, Output

__all__ = ["map_columns"]


def _sorted(sources: frozenset[str] | set[str]) -> tuple[str, ...]:
    return tuple(sorted(sources))


def _target_columns(plan: Plan, index: SchemaIndex, defaults: Defaults) -> tuple[str, ...] | None:
    if plan.target is None or not isinstance(plan.target.this, (exp.Identifier, exp.Dot)):
        return None
    return index.columns(defaults.qualify(table_parts(plan.target)))


def map_columns(plan: Plan, outputs: list[Output] | None, index: SchemaIndex,
             defaults: Defaults) -> tuple[list[ColumnLineage], list[str]]:
    mapping = plan.mapping
    if mapping == "none":
        return [], []
    if mapping == "clone":
        source = plan.extra_tables[0] if plan.extra_tables else None
        name = table_display(source, defaults) if source is not None else None
        known = index.columns(defaults.qualify(table_parts(source))) if source is not None and name else None
        if not known:
            return [], []
        return [ColumnLineage(c, (f"{name}.{c}",)) for c in known], []
    if mapping == "constants":
        names = plan.names or list(_target_columns(plan, index, defaults) or ()) or [
            f"_col_{i}" for i in range(plan.width)
        ]
        return [ColumnLineage(n, ()) for n in names], []
    if outputs is None:
        return [], []
    if mapping == "outputs":
        if plan.names:
            return _positional(plan.names, outputs)
        return [ColumnLineage(o.name, _sorted(o.sources)) for o in outputs], []
    if mapping == "insert":
        return _insert_columns(plan, outputs, _target_columns(plan, index, defaults))
    if mapping == "assign":
        return _assign_columns(plan, outputs, _target_columns(plan, index, defaults)), []
    return [], []


def _positional(names: Sequence[str], outputs: list[Output]) -> tuple[list[ColumnLineage], list[str]]:
    """Map target names onto outputs by position; from an unexpanded star on, every remaining
    name gets everything the star and the outputs after it read."""
    star_at = next((i for i, o in enumerate(outputs) if o.name == STAR), None)
    result: list[ColumnLineage] = []
    reasons: list[str] = []
    tail: set[str] = set()
    if star_at is not None:
        for out in outputs[star_at:]:
            tail |= out.sources
    for i, name in enumerate(names):
        if star_at is not None and i >= star_at:
            result.append(ColumnLineage(name, _sorted(tail)))
        elif i < len(outputs):
            result.append(ColumnLineage(name, _sorted(outputs[i].sources)))
        else:
            result.append(ColumnLineage(name, ()))
    if star_at is None and len(outputs) != len(names):
        reasons.append(f"column count mismatch: {len(names)} target columns, {len(outputs)} values")
    return result, reasons


def _insert_columns(plan: Plan, outputs: list[Output],
                    known: tuple[str, ...] | None) -> tuple[list[ColumnLineage], list[str]]:
    static = [s for s in plan.static]
    if plan.by_name:
        cols = [ColumnLineage(o.name, _sorted(o.sources)) for o in outputs]
        return _with_static(cols, static, known), []
    names = list(plan.names) if plan.names else None
    if names is None and known:
        names = [c for c in known if c not in static]
    if names is None:
        cols = [ColumnLineage(o.name, _sorted(o.sources)) for o in outputs]
        return _with_static(cols, static, known), []
    cols, reasons = _positional(names, outputs)
    return _with_static(cols, static, known), reasons


def _with_static(cols: list[ColumnLineage], static: list[str],
                 known: tuple[str, ...] | None) -> list[ColumnLineage]:
    """Add static partition columns (``PARTITION (dt='x')``: no sources), in schema order when known."""
    present = {c.column for c in cols}
    extra = [ColumnLineage(s, ()) for s in static if s not in present]
    if not extra:
        return cols
    merged = cols + extra
    if known:
        order = {name: i for i, name in enumerate(known)}
        merged.sort(key=lambda c: order.get(c.column, len(order)))
    return merged


def _assign_columns(plan: Plan, outputs: list[Output], known: tuple[str, ...] | None) -> list[ColumnLineage]:
    acc: dict[str, set[str]] = {}
    for out in outputs:
        if out.name in plan.assign:
            column = plan.assign[out.name]
        elif out.name in plan.positional:
            position, fallback = plan.positional[out.name]
            column = known[position] if known and position < len(known) else fallback
        else:
            column = out.name  # SET * / INSERT * expanded by name, or the unexpanded "*"
        acc.setdefault(column, set()).update(out.sources)
    names = list(acc)
    if known:
        order = {name: i for i, name in enumerate(known)}
        seen = {name: i for i, name in enumerate(names)}
        names.sort(key=lambda n: (order.get(n, len(order)), seen[n]))
    return [ColumnLineage(n, _sorted(acc[n])) for n in names]
