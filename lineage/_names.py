"""Names: how identifiers become the dotted, lower-case names lineage reports.

Lineage from many files and dialects ends up in one graph, so ``Orders``, ``orders`` and
``"ORDERS"`` (Snowflake) must meet as one node. The rule is the contract's: unquoted
names are lower case; quoted names keep their case, except where the dialect itself
ignores case (Spark, BigQuery, Redshift...) or where the quoted spelling is the one an
unquoted name folds to (``"ORDERS"`` in Snowflake and Oracle).

Everything here is pure. :class:`SchemaIndex` is the one piece with a cost worth keeping:
it normalises the user's ``{"table": {"column": "type"}}`` once, so a batch of statements
can share it.

Example:
    >>> idx = SchemaIndex.from_mapping({"Sales.Orders": {"ID": "int", "Amount": "decimal"}})
    >>> idx.columns(("sales", "orders"))
    ('id', 'amount')
    >>> idx.columns(("db", "sales", "orders")), idx.columns(("orders",))
    (('id', 'amount'), ('id', 'amount'))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect, NormalizationStrategy

__all__ = [
    "Defaults", "SchemaIndex", "display", "normalize_name", "normalize_tree", "split_dotted", "table_display",
    "table_parts",
]

_FOLDING = {
    NormalizationStrategy.CASE_INSENSITIVE,
    NormalizationStrategy.CASE_INSENSITIVE_UPPERCASE,
}


def normalize_name(name: str, quoted: bool, strategy: NormalizationStrategy) -> str:
    """The reported spelling of one identifier under a dialect's case rules."""
    if not quoted or strategy in _FOLDING:
        return name.lower()
    if strategy is NormalizationStrategy.UPPERCASE and name == name.upper():
        # "ORDERS" is what unquoted orders folds to in Snowflake/Oracle: the same object.
        return name.lower()
    return name


def normalize_tree(tree: exp.Expr, dialect: Dialect) -> None:
    """Rewrite every identifier in ``tree`` in place to its reported spelling.

    Done once, before scoping, so that every later comparison (aliases, CTE names,
    schema lookups) is a plain string comparison.
    """
    strategy = dialect.normalization_strategy
    for ident in tree.find_all(exp.Identifier):
        name = ident.this
        if not isinstance(name, str):
            continue
        new = normalize_name(name, bool(ident.quoted), strategy)
        if new != name:
            ident.set("this", new)


def split_dotted(name: str) -> tuple[str, ...]:
    """Split ``db."My Schema".t`` into normalised parts (quotes keep case, dots inside quotes stay)."""
    parts: list[str] = []
    buf: list[str] = []
    quoted = False
    in_quotes = False

    def flush() -> None:
        text = "".join(buf)
        parts.append(text if quoted else text.strip().lower())

    for ch in name.strip():
        if ch == '"':
            in_quotes = not in_quotes
            quoted = True
            continue
        if ch == "." and not in_quotes:
            flush()
            buf, quoted = [], False
            continue
        buf.append(ch)
    flush()
    return tuple(parts)


def _ident_text(ident: exp.Expr) -> str:
    """Text of one name part; T-SQL temp tables keep their ``#``/``##`` prefix."""
    if isinstance(ident, exp.Identifier):
        name = ident.this if isinstance(ident.this, str) else ident.name
        if ident.args.get("global_"):
            return "##" + name
        if ident.args.get("temporary"):
            return "#" + name
        return name
    return ident.name


def table_parts(table: exp.Table) -> tuple[str, ...]:
    """The name parts a table reference spells out, outermost first (``("db", "s", "t")``)."""
    return tuple(_ident_text(p) for p in table.parts if _ident_text(p))


@dataclass(frozen=True, slots=True)
class Defaults:
    """Default database and schema for names the SQL leaves unqualified."""

    db: str | None = None
    schema: str | None = None

    def qualify(self, parts: tuple[str, ...]) -> tuple[str, ...]:
        """``t`` -> ``schema.t`` -> ``db.schema.t`` as far as the defaults reach (never for ``#temp``)."""
        if not parts or parts[-1].startswith("#"):
            return parts
        if len(parts) == 1 and self.schema:
            parts = (self.schema, *parts)
        if len(parts) == 2 and self.db:
            parts = (self.db, *parts)
        return parts

    @staticmethod
    def of(db: str | None, schema: str | None) -> Defaults:
        """Defaults from user text: lower case unless wrapped in double quotes."""
        return Defaults(_user_part(db), _user_part(schema))


def _user_part(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value.lower()


def _flatten(schema: Mapping[str, object], prefix: str = "", depth: int = 0) -> list[tuple[str, object]]:
    """``{"t": cols}`` entries; sqlglot-style nesting (``{"db": {"s": {"t": cols}}}``) is flattened."""
    entries: list[tuple[str, object]] = []
    for key, value in schema.items():
        if not isinstance(key, str) or not key.strip():
            continue
        name = f"{prefix}.{key}" if prefix else key
        nested = isinstance(value, Mapping) and value and all(isinstance(v, Mapping) for v in value.values())
        if nested and depth < 2:
            entries.extend(_flatten(value, name, depth + 1))  # type: ignore[arg-type]
        else:
            entries.append((name, value))
    return entries


def display(parts: tuple[str, ...]) -> str:
    """Dotted display form of name parts."""
    return ".".join(parts)


def table_display(table: exp.Table, defaults: Defaults) -> str | None:
    """Reported name of a real table reference, defaults applied; ``None`` for table functions."""
    if not isinstance(table.this, (exp.Identifier, exp.Dot)):
        return None
    parts = table_parts(table)
    return display(defaults.qualify(parts)) if parts else None


@dataclass(frozen=True, slots=True)
class SchemaIndex:
    """Known table columns, keyed by normalised name parts, matched by the longest agreeing suffix.

    The SQL and the schema may qualify a table differently (``orders`` in the SQL,
    ``shop.sales.orders`` in the schema, or the reverse). A lookup first tries the exact
    parts, then a unique entry whose parts end with the SQL's parts, then a unique entry
    whose parts are a suffix of the SQL's. Ambiguity means "unknown", never a guess.
    """

    tables: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    _by_name: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    _base: SchemaIndex | None = None

    @staticmethod
    def from_mapping(schema: Mapping[str, Mapping[str, object]] | None) -> SchemaIndex:
        """Normalise ``{"db.schema.table": {"column": "type"}}``; bad entries are skipped, never raised."""
        tables: dict[tuple[str, ...], tuple[str, ...]] = {}
        if not schema:
            return SchemaIndex()
        for key, cols in _flatten(schema):
            parts = split_dotted(key)
            if not all(parts):
                continue
            names: list[str] = []
            if isinstance(cols, Mapping):
                for col in cols:
                    if isinstance(col, str) and col.strip():
                        text = col.strip()
                        names.append(split_dotted(text)[-1] if text.startswith('"') else text.lower())
            seen: set[str] = set()
            tables[parts] = tuple(n for n in names if not (n in seen or seen.add(n)))
        by_name: dict[str, list[tuple[str, ...]]] = {}
        for parts in tables:
            by_name.setdefault(parts[-1], []).append(parts)
        return SchemaIndex(tables, {k: tuple(sorted(v)) for k, v in by_name.items()})

    def __bool__(self) -> bool:
        return bool(self.tables) or bool(self._base)

    def extended(self, tables: Mapping[tuple[str, ...], Sequence[str]]) -> SchemaIndex:
        """A new index where ``tables`` (normalised parts -> columns) override this one.

        Cheap whatever this index's size: the new tables sit in a small layer over it.
        """
        own = {tuple(k): tuple(v) for k, v in tables.items()}
        by_name: dict[str, list[tuple[str, ...]]] = {}
        for parts in own:
            by_name.setdefault(parts[-1], []).append(parts)
        return SchemaIndex(own, {k: tuple(sorted(v)) for k, v in by_name.items()}, self if self else None)

    def columns(self, parts: tuple[str, ...]) -> tuple[str, ...] | None:
        """Columns of the table named by ``parts`` (already qualified by defaults), or ``None``."""
        found = self._own_columns(parts)
        if found is None and self._base is not None:
            return self._base.columns(parts)
        return found

    def _own_columns(self, parts: tuple[str, ...]) -> tuple[str, ...] | None:
        if not parts:
            return None
        exact = self.tables.get(parts)
        if exact is not None:
            return exact
        candidates = self._by_name.get(parts[-1], ())
        longer = [c for c in candidates if len(c) > len(parts) and c[-len(parts):] == parts]
        if len(longer) == 1:
            return self.tables[longer[0]]
        if longer:
            return None
        shorter = [c for c in candidates if len(c) < len(parts) and parts[-len(c):] == c]
        if len(shorter) == 1:
            return self.tables[shorter[0]]
        if shorter:
            # prefer the most qualified agreeing key: db.s.t over t when both match db.s.t
            best = max(len(c) for c in shorter)
            top = [c for c in shorter if len(c) == best]
            if len(top) == 1:
                return self.tables[top[0]]
        return None
