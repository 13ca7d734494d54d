"""Follow temporary tables through a file, so the lineage graph shows where data really goes.

ETL scripts stage data: ``CREATE TABLE staging.delta AS SELECT ... FROM silver.orders``,
``MERGE INTO analytics.orders USING staging.delta ...``, ``DROP TABLE staging.delta``. The
staging table is an implementation detail; what the catalog should show is
``silver.orders -> analytics.orders``, column by column.

The rule (file level, statements in file order):

* A table is *temporary* from the statement that creates it (``CREATE TABLE [AS]``,
  ``CREATE VIEW``, ``SELECT ... INTO``) up to and including the statement that ends it
  (``DROP``, or ``ALTER TABLE ... RENAME`` away from the name), when both are in the file.
  A table the SQL itself declares temporary (``CREATE TEMP TABLE``, ``#t``, ``CREATE
  TEMPORARY VIEW``) is temporary from its creation to its drop or the end of the file.
  A ``DROP TABLE IF EXISTS t`` *before* ``CREATE TABLE t`` ends nothing: ``t`` then lives on
  and is a real target (but that DROP's own target is cleared when the name is
  temporary later in the file: dropping it writes nothing).
* While a temporary table is alive, every statement that writes it (create, insert, merge,
  update) adds to what it holds: its table sources and, per column, its column sources,
  both already resolved through earlier temporaries.
* A statement that reads a temporary table gets, in its place, the table's own sources;
  a column source ``tmp.c`` becomes the sources of ``tmp``'s column ``c`` (or ``src.c``
  for each ``src.*`` when ``tmp`` was filled by an unexpanded star); a ``*`` column that
  read only ``tmp.*`` becomes ``tmp``'s columns.
* Statements that write, create or drop a temporary table keep their kind and sources
  but get ``target=None``: the temporary table never appears as a final target. A rename
  of a temporary table to a real one writes the real one with the temporary's lineage.

The result has exactly one lineage per input statement, in order, so callers can keep
pairing lineages with their ``file:line``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from lineage.parse import ColumnLineage, StatementLineage

__all__ = ["resolve_temporaries", "temporary_tables"]

_CREATES = frozenset({"create_table", "create_table_as", "create_view", "create_materialized_view"})
_WRITES = frozenset({"insert", "insert_overwrite", "merge", "update", "copy"})
_STAR_PREFIX = "star without schema: "


@dataclass(slots=True)
class _Held:
    """What a live temporary table holds so far."""

    sources: set[str] = field(default_factory=set)
    columns: dict[str, set[str]] = field(default_factory=dict)
    partial: bool = False


def temporary_tables(statements: Sequence[StatementLineage]) -> dict[str, list[tuple[int, int]]]:
    """Temporary table names and their live intervals ``(first, last)`` as statement indexes."""
    lives: dict[str, list[tuple[int, int]]] = {}
    open_at: dict[str, tuple[int, bool]] = {}
    for index, st in enumerate(statements):
        if st.kind in _CREATES and st.target:
            if st.target not in open_at:
                open_at[st.target] = (index, st.temporary)
            elif st.temporary:
                open_at[st.target] = (open_at[st.target][0], True)
        ended = _ended_name(st)
        if ended and ended in open_at:
            start, _temp = open_at.pop(ended)
            lives.setdefault(ended, []).append((start, index))
    last = len(statements) - 1
    for name, (start, temporary) in open_at.items():
        if temporary:
            lives.setdefault(name, []).append((start, last))
    return lives


def _ended_name(st: StatementLineage) -> str | None:
    if st.kind == "drop":
        return st.target
    if st.kind == "rename" and len(st.sources) == 1:
        return st.sources[0]
    return None


def resolve_temporaries(statements: Sequence[StatementLineage]) -> list[StatementLineage]:
    """Rewrite a file's lineages so temporary tables are followed through (see the module docstring)."""
    lives = temporary_tables(statements)
    if not lives:
        return list(statements)
    alive_at: list[set[str]] = [set() for _ in statements]
    for name, spans in lives.items():
        for start, end in spans:
            for index in range(start, end + 1):
                alive_at[index].add(name)
    held: dict[str, _Held] = {}
    result: list[StatementLineage] = []
    for index, st in enumerate(statements):
        alive = alive_at[index]
        resolved = _substitute(st, held) if held else st
        target = st.target
        if target in alive:
            if st.kind in _CREATES:
                held[target] = _Held()
            state = held.setdefault(target, _Held())  # type: ignore[arg-type]
            if st.kind in _CREATES or st.kind in _WRITES:
                _absorb(state, resolved)
            if st.kind == "drop":
                held.pop(target, None)  # type: ignore[arg-type]
            resolved = replace(resolved, target=None)
        elif st.kind == "drop" and target in lives:
            resolved = replace(resolved, target=None)  # e.g. DROP TABLE IF EXISTS before the CREATE
        elif st.kind == "rename" and len(st.sources) == 1 and st.sources[0] in held:
            state = held.pop(st.sources[0])
            resolved = replace(
                st,
                sources=tuple(sorted(state.sources)),
                columns=tuple(ColumnLineage(c, tuple(sorted(s))) for c, s in state.columns.items()),
                confidence="partial" if state.partial or st.confidence == "partial" else st.confidence,
                reason=st.reason or (f"through temporary {st.sources[0]}" if state.partial else ""),
            )
        result.append(resolved)
    return result


def _absorb(state: _Held, st: StatementLineage) -> None:
    state.sources.update(st.sources)
    for col in st.columns:
        state.columns.setdefault(col.column, set()).update(col.sources)
    if st.confidence != "complete":
        state.partial = True


def _split_ref(ref: str) -> tuple[str, str]:
    table, _, column = ref.rpartition(".")
    return table, column


def _substitute(st: StatementLineage, held: dict[str, _Held]) -> StatementLineage:
    """Replace reads of live temporary tables by what they hold."""
    used = [s for s in st.sources if s in held]
    touched = used or any(_split_ref(ref)[0] in held for col in st.columns for ref in col.sources)
    if not touched:
        return st
    sources: set[str] = {s for s in st.sources if s not in held}
    for name in used:
        sources |= held[name].sources
    columns: list[ColumnLineage] = []
    unresolved: list[str] = []
    expanded: set[str] = set()
    for col in st.columns:
        only = {_split_ref(r)[0] for r in col.sources}
        if col.column == "*" and len(only) == 1 and next(iter(only)) in held and all(
            _split_ref(r)[1] == "*" for r in col.sources
        ):
            name = next(iter(only))
            state = held[name]
            if state.columns and "*" not in state.columns:
                expanded.add(name)
                columns.extend(ColumnLineage(c, tuple(sorted(s))) for c, s in state.columns.items())
                continue
        refs: set[str] = set()
        for ref in col.sources:
            table, column = _split_ref(ref)
            state = held.get(table)
            if state is None:
                refs.add(ref)
            elif column == "*":
                for sources_ in state.columns.values():
                    refs |= sources_
            elif column in state.columns:
                refs |= state.columns[column]
            elif "*" in state.columns:
                refs |= {_split_ref(s)[0] + "." + column for s in state.columns["*"]}
            else:
                unresolved.append(ref)
        columns.append(ColumnLineage(col.column, tuple(sorted(refs))))
    reasons = _star_reasons(st.reason, held, expanded)
    if unresolved:
        reasons.append("unresolved temporary columns: " + ", ".join(sorted(set(unresolved))))
    partial_via = sorted(n for n in used if held[n].partial)
    if partial_via:
        reasons.append("through partial temporary " + ", ".join(partial_via))
    confidence = st.confidence
    if confidence != "failed":
        confidence = "partial" if reasons else "complete"
    return replace(st, sources=tuple(sorted(sources)), columns=tuple(columns), confidence=confidence,
                   reason="; ".join(reasons) if confidence != "failed" else st.reason)


def _star_reasons(reason: str, held: dict[str, _Held], expanded: set[str]) -> list[str]:
    """Reason parts with stars over temporary tables replaced by what those stars stand for.

    A star over a temporary table whose columns are now known disappears; one over a
    temporary that was itself filled by a star becomes that star (``tmp.*`` -> ``src.*``).
    """
    parts = [p for p in reason.split("; ") if p] if reason else []
    kept: list[str] = []
    for part in parts:
        if not part.startswith(_STAR_PREFIX):
            kept.append(part)
            continue
        refs: list[str] = []
        for ref in part[len(_STAR_PREFIX):].split(", "):
            table = _split_ref(ref)[0]
            if table in expanded:
                continue
            state = held.get(table)
            if state is None:
                refs.append(ref)
            else:
                refs.extend(r for r in sorted(state.columns.get("*", ())) if _split_ref(r)[1] == "*")
        refs = sorted(set(refs))
        if refs:
            kept.append(_STAR_PREFIX + ", ".join(refs))
    return kept
