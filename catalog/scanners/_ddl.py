"""Pure helpers of the SQL DDL scanner: sqlglot trees in, catalog drafts and datasets out.

Nothing here touches the disk or the report; :mod:`catalog.scanners.sql` reads files,
splits and parses statements and reports problems, then hands parsed trees to these
functions. Keeping this layer pure lets the tests build trees from SQL strings and check
every DDL feature without files, and keeps the scanner module short.

A table is first a mutable :class:`TableDraft` because DDL builds it up over several
statements (``CREATE``, then ``ALTER TABLE ... ADD COLUMN``, then ``COMMENT ON``), and
only at the end becomes a frozen :class:`~catalog.model.Dataset`.

Naming rule (shared with the lineage package's contract): unquoted identifiers are
lower-cased, quoted identifiers keep their case, and an unqualified table name gets the
source's ``default_schema``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema
from sqlglot.tokens import Token, TokenType

from catalog.model import LAYERS, Column, Dataset, Partitioning, PartitionKey
from catalog.types import parse_type

UNKNOWN = "unknown"

# Order in which constraint strings are listed on a column (the brief's order).
_CONSTRAINT_ORDER = (
    "PRIMARY KEY",
    "UNIQUE",
    "FOREIGN KEY",
    "CHECK",
    "DEFAULT",
    "GENERATED",
    "DISTKEY",
    "SORTKEY",
    "IDENTITY",
    "AUTO_INCREMENT",
)


@dataclass(frozen=True, slots=True)
class Settings:
    """What every helper needs to know about the source: dialect and default schema."""

    dialect: str | None = None
    default_schema: str | None = None


@dataclass(slots=True)
class ColumnDraft:
    """A column while DDL statements still change it; ``sqltype`` feeds view type derivation."""

    name: str
    type: str = UNKNOWN
    children: tuple[Column, ...] = ()
    sqltype: exp.DataType | None = None
    nullable: bool = True
    description: str = ""
    constraints: list[str] = field(default_factory=list)

    def add_constraint(self, text: str) -> None:
        if text not in self.constraints:
            self.constraints.append(text)

    def finish(self) -> Column:
        rank = {prefix: i for i, prefix in enumerate(_CONSTRAINT_ORDER)}

        def key(text: str) -> int:
            for prefix, position in rank.items():
                if text.startswith(prefix):
                    return position
            return len(rank)

        return Column(
            name=self.name,
            type=self.type,
            nullable=self.nullable,
            description=self.description,
            constraints=tuple(sorted(self.constraints, key=key)),
            children=self.children,
        )


@dataclass(slots=True)
class TableDraft:
    """A table or view as the DDL describes it so far."""

    name: str
    kind: str = "table"
    columns: list[ColumnDraft] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    description: str = ""
    location: str = ""
    format: str = ""
    partition_keys: list[str] = field(default_factory=list)
    temporary: bool = False
    query: exp.Query | None = None  # the SELECT of a view or CTAS, columns derived later
    explicit_names: list[ColumnDraft] | None = None  # a view's own column list
    like: str | None = None  # CREATE TABLE t LIKE s: columns copied later
    derived: bool = False
    origin: str = ""  # "file.sql:line" of the CREATE, for properties["defined_in"]

    def column(self, name: str) -> ColumnDraft | None:
        """Exact match first, then a unique case-insensitive one (``"Id"`` vs ``id``)."""
        for col in self.columns:
            if col.name == name:
                return col
        matches = [c for c in self.columns if c.name.lower() == name.lower()]
        return matches[0] if len(matches) == 1 else None


@dataclass(slots=True)
class RedshiftHints:
    """Redshift syntax sqlglot does not parse, lifted out of the text before parsing."""

    distkey_columns: list[str] = field(default_factory=list)
    sortkey_columns: list[str] = field(default_factory=list)
    interleaved: bool = False
    sortkey_auto: bool = False
    encode_auto: bool = False


# ---------------------------------------------------------------- names


def ident(node: exp.Expr | str | None) -> str:
    """An identifier's name: lower-cased unless it was quoted."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node.lower()
    if isinstance(node, exp.Identifier):
        return node.this if node.quoted else node.this.lower()
    if isinstance(node, (exp.Column, exp.Ordered, exp.Alias)) and node.this is not None:
        return (
            ident(node.this) if isinstance(node, (exp.Column, exp.Ordered)) else ident(node.args.get("alias"))
        )
    if isinstance(node, exp.Literal):
        return str(node.this)
    return node.name.lower() if node.name else node.sql().lower()


def _qualified(parts: list[str], settings: Settings) -> str:
    parts = [p for p in parts if p]
    if len(parts) == 1 and settings.default_schema:
        parts.insert(0, settings.default_schema.lower())
    return ".".join(parts)


def table_name(table: exp.Expr, settings: Settings) -> str:
    """The qualified catalog name of a table reference (``schema.table``)."""
    if isinstance(table, exp.Schema):
        table = table.this
    if isinstance(table, exp.Table):
        parts = [ident(table.args.get("catalog")), ident(table.args.get("db")), ident(table.this)]
        return _qualified(parts, settings)
    return _qualified([ident(table)], settings)


def _column_ref(column: exp.Expr, settings: Settings) -> tuple[str, str]:
    """``(table name, column name)`` of ``schema.table.column`` in COMMENT ON COLUMN."""
    if isinstance(column, exp.Column):
        parts = [
            ident(column.args.get("catalog")),
            ident(column.args.get("db")),
            ident(column.args.get("table")),
        ]
        return _qualified(parts, settings), ident(column.this)
    if isinstance(column, exp.Dot):
        names = [ident(p) for p in column.flatten()]
        return _qualified(names[:-1], settings), names[-1]
    return "", ident(column)


def _names(nodes: list[exp.Expr] | None) -> list[str]:
    """Column names of a key list: identifiers, columns, ordered columns."""
    out = []
    for node in nodes or []:
        if isinstance(node, exp.Ordered):
            node = node.this
        if isinstance(node, (exp.Identifier, exp.Column, exp.Literal, exp.Var)):
            out.append(ident(node))
    return out


def _text(node: exp.Expr | None, settings: Settings) -> str:
    """The plain value of a literal or keyword, else its SQL."""
    if node is None:
        return ""
    if isinstance(node, exp.Literal):
        return str(node.this)
    if isinstance(node, (exp.Var, exp.Identifier)):
        return str(node.this)
    if isinstance(node, exp.Array) and all(isinstance(e, exp.Literal) for e in node.expressions):
        return ", ".join(str(e.this) for e in node.expressions)
    return _sql(node, settings)


def _sql(node: exp.Expr, settings: Settings) -> str:
    try:
        return node.sql(dialect=settings.dialect or None)
    except Exception:  # generation can fail on odd trees; the default dialect rarely does
        try:
            return node.sql()
        except Exception:
            return str(node.this) if node.this is not None else ""


# ---------------------------------------------------------------- types

_UNSIGNED = {
    "UTINYINT": "smallint",
    "USMALLINT": "int",
    "UMEDIUMINT": "int",
    "UINT": "bigint",
    "UBIGINT": "bigint",
    "UDECIMAL": "decimal",
    "UDOUBLE": "double",
    "UFLOAT": "float",
}
_PLAIN = {
    "TINYTEXT": "string",
    "MEDIUMTEXT": "string",
    "LONGTEXT": "string",
    "TINYBLOB": "binary",
    "MEDIUMBLOB": "binary",
    "LONGBLOB": "binary",
    "TIMESTAMPLTZ": "timestamptz",
    "TIMESTAMPNTZ": "timestamp",
    "TIMESTAMP_S": "timestamp",
    "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_NS": "timestamp",
    "BIGDECIMAL": "decimal",
    "DATETIME64": "timestamp",
    "INTERVAL": "interval",
    "SUPER": "json",
    "NAME": "string",
    "BPCHAR": "char",
}


def render_type(dtype: exp.DataType, settings: Settings) -> str:
    """A sqlglot DataType in the Hive-like spelling :func:`catalog.types.parse_type` reads."""
    kind = dtype.this
    name = kind.value if isinstance(kind, exp.DataType.Type) else str(kind)
    args = dtype.expressions
    if kind == exp.DataType.Type.ARRAY:
        inner = args[0] if args else None
        return f"array<{render_type(inner, settings)}>" if isinstance(inner, exp.DataType) else "array"
    if kind == exp.DataType.Type.MAP:
        if len(args) == 2 and all(isinstance(a, exp.DataType) for a in args):
            return f"map<{render_type(args[0], settings)},{render_type(args[1], settings)}>"
        return "map"
    if kind in (exp.DataType.Type.STRUCT, exp.DataType.Type.OBJECT):
        fields = []
        for i, arg in enumerate(args):
            if isinstance(arg, exp.ColumnDef):
                sub = arg.args.get("kind")
                sub_type = render_type(sub, settings) if isinstance(sub, exp.DataType) else UNKNOWN
                fields.append(f"{ident(arg.this)}:{sub_type}")
            elif isinstance(arg, exp.DataType):
                fields.append(f"_field{i}:{render_type(arg, settings)}")
        return f"struct<{','.join(fields)}>" if fields else "struct"
    if kind == exp.DataType.Type.USERDEFINED:
        return ident(dtype.args.get("kind")) or UNKNOWN
    if name in _PLAIN:
        return _PLAIN[name]
    base = _UNSIGNED.get(name, name.lower())
    params = [_param(a, settings) for a in args if not isinstance(a, exp.DataType)]
    if base == "decimal" and params == []:
        return "decimal"
    return f"{base}({','.join(params)})" if params else base


def _param(node: exp.Expr, settings: Settings) -> str:
    """A type parameter (``10``, ``MAX``) without running the SQL generator for plain literals."""
    inner = node.this if isinstance(node, exp.DataTypeParam) else node
    if isinstance(inner, exp.Literal) and not inner.is_string:
        return str(inner.this)
    if isinstance(inner, exp.Var):
        return str(inner.this)
    return _sql(node, settings).replace(" ", "")


def _column_type(dtype: exp.Expr | None, settings: Settings) -> tuple[str, tuple[Column, ...]]:
    if not isinstance(dtype, exp.DataType):
        return UNKNOWN, ()
    if dtype.this == exp.DataType.Type.UNKNOWN:
        return UNKNOWN, ()
    return parse_type(render_type(dtype, settings))


def _set_type(col: ColumnDraft, dtype: exp.Expr | None, settings: Settings) -> None:
    col.type, col.children = _column_type(dtype, settings)
    col.sqltype = dtype if isinstance(dtype, exp.DataType) else None


# ---------------------------------------------------------------- columns and constraints


def _reference(ref: exp.Expr | None, settings: Settings) -> tuple[str, list[str]]:
    """``(table, columns)`` a REFERENCES clause points at."""
    if not isinstance(ref, exp.Reference):
        return "", []
    target = ref.this
    if isinstance(target, exp.Schema):
        return table_name(target.this, settings), _names(target.expressions)
    return table_name(target, settings), []


def _fk_text(table: str, column: str | None) -> str:
    return f"FOREIGN KEY -> {table}({column})" if column else f"FOREIGN KEY -> {table}"


def _properties_description(props: exp.Expr) -> str | None:
    for prop in props.expressions if isinstance(props, exp.Properties) else []:
        if isinstance(prop, exp.Property) and ident(prop.this) == "description":
            return _text(prop.args.get("value"), Settings())
    return None


def column_from_def(
    coldef: exp.Expr, settings: Settings, extras: dict[str, str] | None = None
) -> ColumnDraft:
    """A column from a column definition (or a bare name, as in a view's column list).

    ``extras`` collects table properties that Redshift writes on columns (``ENCODE``).
    """
    if not isinstance(coldef, exp.ColumnDef):
        return ColumnDraft(name=ident(coldef))
    col = ColumnDraft(name=ident(coldef.this))
    _set_type(col, coldef.args.get("kind"), settings)
    for constraint in coldef.args.get("constraints") or []:
        kind = constraint.args.get("kind") if isinstance(constraint, exp.ColumnConstraint) else constraint
        _apply_column_constraint(col, kind, settings, extras)
    return col


def _apply_column_constraint(
    col: ColumnDraft, kind: exp.Expr | None, settings: Settings, extras: dict[str, str] | None
) -> None:
    if isinstance(kind, exp.NotNullColumnConstraint):
        col.nullable = bool(kind.args.get("allow_null"))
    elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
        col.nullable = False
        col.add_constraint("PRIMARY KEY")
    elif isinstance(kind, exp.UniqueColumnConstraint):
        col.add_constraint("UNIQUE")
    elif isinstance(kind, exp.Reference):
        table, cols = _reference(kind, settings)
        col.add_constraint(_fk_text(table, cols[0] if cols else None))
    elif isinstance(kind, exp.CheckColumnConstraint):
        col.add_constraint(f"CHECK ({_sql(kind.this, settings)})")
    elif isinstance(kind, exp.DefaultColumnConstraint):
        col.constraints = [c for c in col.constraints if not c.startswith("DEFAULT ")]
        col.add_constraint(f"DEFAULT {_sql(kind.this, settings)}")
    elif isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
        expression = kind.args.get("expression")
        col.add_constraint(
            f"GENERATED AS ({_sql(expression, settings)})" if expression is not None else "IDENTITY"
        )
    elif isinstance(kind, exp.ComputedColumnConstraint):
        inner = kind.this.this if isinstance(kind.this, exp.Paren) else kind.this
        col.add_constraint(f"GENERATED AS ({_sql(inner, settings)})")
    elif isinstance(kind, exp.AutoIncrementColumnConstraint):
        col.add_constraint("AUTO_INCREMENT")
    elif isinstance(kind, exp.CommentColumnConstraint):
        col.description = _text(kind.this, settings)
    elif isinstance(kind, exp.Properties):
        description = _properties_description(kind)
        if description is not None:
            col.description = description
    elif isinstance(kind, exp.EncodeColumnConstraint) and extras is not None:
        extras[f"encode.{col.name}"] = _text(kind.this, settings).lower()


def _key_constraint(draft: TableDraft, kind: str, names: list[str]) -> None:
    """PRIMARY KEY / UNIQUE over ``names``: a composite key names its columns on each one."""
    text = kind if len(names) == 1 else f"{kind} ({', '.join(names)})"
    for name in names:
        col = draft.column(name)
        if col is not None:
            if kind == "PRIMARY KEY":
                col.nullable = False
            col.add_constraint(text)


def _clustered_names(node: exp.Expr) -> list[str]:
    """Columns of T-SQL ``[NON]CLUSTERED ([a] ASC, ...)``."""
    return _names(node.this if isinstance(node.this, list) else [node.this])


def _table_constraint(draft: TableDraft, node: exp.Expr, settings: Settings) -> None:
    """Land a table-level constraint (``PRIMARY KEY (a, b)``, ``FOREIGN KEY``...) on its columns."""
    if isinstance(node, exp.Constraint):
        pending = ""  # T-SQL: PRIMARY KEY CLUSTERED (a) arrives as two parts
        for inner in node.expressions:
            if isinstance(inner, exp.PrimaryKeyColumnConstraint):
                pending = "PRIMARY KEY"
            elif isinstance(inner, exp.UniqueColumnConstraint) and inner.this is None:
                pending = "UNIQUE"
            elif (
                isinstance(inner, (exp.ClusteredColumnConstraint, exp.NonClusteredColumnConstraint))
                and pending
            ):
                _key_constraint(draft, pending, _clustered_names(inner))
            else:
                _table_constraint(draft, inner, settings)
        return
    if isinstance(node, exp.PrimaryKey):
        _key_constraint(draft, "PRIMARY KEY", _names(node.expressions))
    elif isinstance(node, exp.UniqueColumnConstraint):
        inner = node.this
        if isinstance(inner, exp.Schema):
            names = _names(inner.expressions)
        elif isinstance(inner, (exp.ClusteredColumnConstraint, exp.NonClusteredColumnConstraint)):
            names = _clustered_names(inner)
        else:
            names = []
        _key_constraint(draft, "UNIQUE", names)
    elif isinstance(node, exp.ForeignKey):
        table, targets = _reference(node.args.get("reference"), settings)
        for i, name in enumerate(_names(node.expressions)):
            col = draft.column(name)
            if col is not None:
                col.add_constraint(_fk_text(table, targets[i] if i < len(targets) else None))
    elif isinstance(node, exp.CheckColumnConstraint):
        text = f"CHECK ({_sql(node.this, settings)})"
        seen = []
        for ref in node.find_all(exp.Column):
            name = ident(ref.this)
            if name not in seen:
                seen.append(name)
                col = draft.column(name)
                if col is not None:
                    col.add_constraint(text)


# ---------------------------------------------------------------- table properties

_SERDE_FORMATS = (
    ("parquet", "parquet"),
    ("orc", "orc"),
    ("avro", "avro"),
    ("opencsv", "csv"),
    ("json", "json"),
    ("regex", "regex"),
    ("lazysimple", "textfile"),
    ("grok", "grok"),
    ("cloudtrail", "json"),
    ("ion", "ion"),
)
_INPUT_FORMATS = (
    ("parquet", "parquet"),
    ("orc", "orc"),
    ("avro", "avro"),
    ("sequencefile", "sequencefile"),
    ("text", "textfile"),
    ("json", "json"),
)


def _format_from_class(name: str, table: tuple[tuple[str, str], ...]) -> str:
    lowered = name.lower()
    for needle, fmt in table:
        if needle in lowered:
            return fmt
    return ""


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_DELIMITED_KEYS = {
    "fields": "fields_terminated_by",
    "escaped": "escaped_by",
    "collection_items": "collection_items_terminated_by",
    "map_keys": "map_keys_terminated_by",
    "lines": "lines_terminated_by",
    "null": "null_defined_as",
}


def _apply_properties(
    draft: TableDraft, props: exp.Expr | None, settings: Settings, hints: RedshiftHints | None = None
) -> None:
    """Fold CREATE/ALTER ... SET properties into the draft (kind, location, format, properties)."""
    if not isinstance(props, exp.Properties):
        return
    serde_format = ""
    delimited_format = ""
    for prop in props.expressions:
        p = draft.properties
        if isinstance(prop, exp.ExternalProperty):
            draft.kind = "external table"
        elif isinstance(prop, (exp.TemporaryProperty, exp.VolatileProperty)):
            draft.temporary = True
        elif isinstance(prop, exp.MaterializedProperty):
            draft.kind = "materialized view"
        elif isinstance(prop, exp.SchemaCommentProperty):
            draft.description = _text(prop.this, settings)
        elif isinstance(prop, exp.LocationProperty):
            draft.location = _text(prop.this, settings)
            p["location"] = draft.location
        elif isinstance(prop, exp.FileFormatProperty):
            _file_format(draft, prop, settings)
        elif isinstance(prop, exp.RowFormatSerdeProperty):
            serde = _text(prop.this, settings)
            p["row_format"] = "SERDE"
            p["serde"] = serde
            serde_format = _format_from_class(serde, _SERDE_FORMATS)
            serde_props = prop.args.get("serde_properties")
            for sp in serde_props.expressions if serde_props is not None else []:
                if isinstance(sp, exp.Property):
                    p[f"serde_properties.{_text(sp.this, settings)}"] = _text(sp.args.get("value"), settings)
        elif isinstance(prop, exp.RowFormatDelimitedProperty):
            p["row_format"] = "DELIMITED"
            for arg, key in _DELIMITED_KEYS.items():
                value = prop.args.get(arg)
                if value is not None:
                    p[key] = _text(value, settings)
            fields = _text(prop.args.get("fields"), settings)
            delimited_format = {",": "csv", "\\t": "tsv", "\t": "tsv"}.get(fields, "textfile")
        elif isinstance(prop, exp.PartitionedByProperty):
            _partitioned_by(draft, prop.this, settings)
        elif isinstance(prop, exp.ClusterProperty):
            p["cluster_by"] = ", ".join(_sql(e, settings) for e in prop.expressions)
        elif isinstance(prop, exp.ClusteredByProperty):
            p["clustered_by"] = ", ".join(_sql(e, settings) for e in prop.expressions)
            if prop.args.get("sorted_by"):
                p["sorted_by"] = ", ".join(_sql(e, settings) for e in prop.args["sorted_by"])
            if prop.args.get("buckets") is not None:
                p["buckets"] = _text(prop.args["buckets"], settings)
        elif isinstance(prop, exp.DistStyleProperty):
            p["diststyle"] = _text(prop.this, settings).upper()
        elif isinstance(prop, exp.DistKeyProperty):
            name = ident(prop.this)
            p["distkey"] = name
            _mark(draft, [name], "DISTKEY")
        elif isinstance(prop, exp.SortKeyProperty):
            keys = _names(prop.this if isinstance(prop.this, list) else [prop.this])
            p["sortkey"] = ", ".join(keys)
            if hints is not None and hints.interleaved:
                p["sortkey_style"] = "INTERLEAVED"
            elif prop.args.get("compound"):
                p["sortkey_style"] = "COMPOUND"
            _mark(draft, keys, "SORTKEY")
        elif isinstance(prop, exp.LikeProperty):
            draft.like = table_name(prop.this, settings)
        elif type(prop) is exp.Property:
            _generic_property(draft, prop, settings)
        elif isinstance(prop, (exp.SetProperty, exp.OnProperty)):
            continue
        else:
            value = prop.args.get("this")
            key = _snake(type(prop).__name__.removesuffix("Property"))
            p[key] = _text(value, settings) if isinstance(value, exp.Expr) else "true"
    if serde_format:
        draft.format = serde_format
    elif delimited_format and draft.format in ("", "textfile"):
        draft.format = delimited_format


def _file_format(draft: TableDraft, prop: exp.FileFormatProperty, settings: Settings) -> None:
    value = prop.this
    if isinstance(value, exp.InputOutputFormat):
        input_format = _text(value.args.get("input_format"), settings)
        output_format = _text(value.args.get("output_format"), settings)
        if input_format:
            draft.properties["input_format"] = input_format
        if output_format:
            draft.properties["output_format"] = output_format
        draft.format = draft.format or _format_from_class(input_format, _INPUT_FORMATS)
        return
    if value is None:  # Snowflake FILE_FORMAT = (TYPE = PARQUET ...)
        for sub in prop.expressions:
            if isinstance(sub, exp.Property) and ident(sub.this) == "type":
                draft.format = _text(sub.args.get("value"), settings).lower()
        return
    fmt = _text(value, settings)
    if prop.args.get("hive_format"):
        draft.properties["stored_as"] = fmt.upper()
    elif isinstance(value, exp.Var):
        draft.properties["using"] = fmt.lower()
    draft.format = fmt.lower()


def _partitioned_by(draft: TableDraft, spec: exp.Expr | None, settings: Settings) -> None:
    """PARTITIONED BY: new columns (Hive), names (Spark), ARRAY['c'] (Trino), expressions (BigQuery)."""
    if spec is None:
        return
    if isinstance(spec, exp.Schema):
        names = []
        for item in spec.expressions:
            if isinstance(item, exp.ColumnDef) and item.args.get("kind") is not None:
                col = column_from_def(item, settings, draft.properties)
                if draft.column(col.name) is None:
                    draft.columns.append(col)
                names.append(col.name)
            else:
                names.append(ident(item.this if isinstance(item, exp.ColumnDef) else item))
        draft.partition_keys = names
        draft.properties["partition_by"] = ", ".join(names)
        return
    if isinstance(spec, exp.Array):
        names = [_text(e, settings).lower() for e in spec.expressions]  # Trino names columns in strings
        draft.partition_keys = names
        draft.properties["partition_by"] = ", ".join(names)
        return
    draft.properties["partition_by"] = _sql(spec, settings)
    seen: list[str] = []
    for ref in [spec] if isinstance(spec, exp.Column) else list(spec.find_all(exp.Column)):
        name = ident(ref.this)
        if name not in seen:
            seen.append(name)
    draft.partition_keys = seen


def _generic_property(draft: TableDraft, prop: exp.Property, settings: Settings) -> None:
    """``key = value`` properties: Hive TBLPROPERTIES, BigQuery OPTIONS, Trino/Postgres WITH."""
    key_node = prop.this
    value_node = prop.args.get("value")
    value = _text(value_node, settings)
    if isinstance(key_node, exp.Literal) and key_node.is_string:
        draft.properties[f"tblproperties.{key_node.this}"] = value
        return
    key = _text(key_node, settings).lower() if isinstance(key_node, exp.Expr) else str(key_node).lower()
    if key == "description":
        draft.description = value
    elif key in ("external_location", "location"):
        draft.location = value
        draft.properties["location"] = value
        if key == "external_location":
            draft.kind = "external table"
    elif key == "uris":
        draft.location = value
        draft.properties["uris"] = value
    elif key in ("format", "file_format"):
        draft.format = value.lower()
    elif key == "partitioned_by":
        _partitioned_by(draft, value_node, settings)
    else:
        draft.properties[key] = value


def _mark(draft: TableDraft, names: list[str], constraint: str) -> None:
    for name in names:
        col = draft.column(name)
        if col is not None:
            col.add_constraint(constraint)


# ---------------------------------------------------------------- CREATE


def create_kind(create: exp.Create) -> str | None:
    """``table`` or ``view`` for the CREATEs the catalog keeps, else ``None``."""
    kind = str(create.args.get("kind") or "").upper()
    return {"TABLE": "table", "VIEW": "view"}.get(kind)


def draft_from_create(
    create: exp.Create, settings: Settings, hints: RedshiftHints | None = None
) -> TableDraft:
    """A draft from ``CREATE TABLE``/``VIEW``; callers check :func:`create_kind` first."""
    target = create.this
    draft = TableDraft(name=table_name(target, settings), kind=create_kind(create) or "table")
    extras: dict[str, str] = {}
    if isinstance(target, exp.Schema):
        items = target.expressions
        if draft.kind == "view" or create.expression is not None:
            draft.explicit_names = [
                column_from_def(item, settings, extras)
                for item in items
                if isinstance(item, (exp.ColumnDef, exp.Identifier))
            ]
        else:
            for item in items:
                if isinstance(item, (exp.ColumnDef, exp.Identifier)):
                    draft.columns.append(column_from_def(item, settings, extras))
                elif isinstance(item, exp.LikeProperty):
                    draft.like = table_name(item.this, settings)
            for item in items:
                if not isinstance(item, (exp.ColumnDef, exp.Identifier, exp.LikeProperty)):
                    _table_constraint(draft, item, settings)
    _apply_properties(draft, create.args.get("properties"), settings, hints)
    if hints is not None:
        _apply_hints(draft, hints)
    draft.properties.update(extras)
    query = create.expression
    if isinstance(query, exp.Query):
        draft.query = query
    if draft.kind == "view":
        draft.properties.pop("location", None)
    return draft


def _apply_hints(draft: TableDraft, hints: RedshiftHints) -> None:
    if hints.distkey_columns:
        draft.properties["distkey"] = ", ".join(hints.distkey_columns)
        _mark(draft, hints.distkey_columns, "DISTKEY")
    if hints.sortkey_columns:
        draft.properties["sortkey"] = ", ".join(hints.sortkey_columns)
        _mark(draft, hints.sortkey_columns, "SORTKEY")
    if hints.sortkey_auto:
        draft.properties["sortkey"] = "AUTO"
    if hints.encode_auto:
        draft.properties["encode"] = "AUTO"


_REDSHIFT_WORDS = re.compile(r"\b(?:distkey|sortkey|interleaved|encode)\b", re.IGNORECASE)


def redshift_rewrite(text: str) -> tuple[str, RedshiftHints | None]:
    """Blank out Redshift DDL that sqlglot rejects, keeping every other character in place.

    sqlglot parses table-level ``DISTKEY(a) [COMPOUND] SORTKEY(a, b)`` but not column-level
    ``a INT DISTKEY SORTKEY``, ``INTERLEAVED SORTKEY (...)``, ``SORTKEY AUTO`` or a table's
    ``ENCODE AUTO``. Those words are replaced by spaces (so error positions still match the
    file) and returned as hints. Returns ``(text, None)`` when nothing needed changing.
    """
    if not _REDSHIFT_WORDS.search(text):
        return text, None
    try:
        tokens = sqlglot.tokenize(text, read="redshift")
    except Exception:
        return text, None
    hints = RedshiftHints()
    chars = list(text)
    changed = False

    def blank(token: Token) -> None:
        nonlocal changed
        for i in range(token.start, token.end + 1):
            if chars[i] != "\n":
                chars[i] = " "
        changed = True

    depth = 0
    seen_columns = False  # the column list has been passed: what follows is table options
    expect_name = False  # the next token names a column
    column = ""
    for i, token in enumerate(tokens):
        kind = token.token_type
        word = token.text.upper() if kind != TokenType.IDENTIFIER else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        nxt_text = nxt.text.upper() if nxt is not None else ""
        if kind == TokenType.L_PAREN:
            depth += 1
            expect_name = expect_name or (depth == 1 and not seen_columns)
        elif kind == TokenType.R_PAREN:
            depth -= 1
            seen_columns = seen_columns or depth == 0
        elif depth == 1 and not seen_columns:
            if kind == TokenType.COMMA:
                expect_name = True
            elif expect_name:
                column = token.text if kind == TokenType.IDENTIFIER else token.text.lower()
                expect_name = False
            elif word in ("DISTKEY", "SORTKEY") and nxt_text != "(":
                (hints.distkey_columns if word == "DISTKEY" else hints.sortkey_columns).append(column)
                blank(token)
        elif depth == 0 and seen_columns and nxt is not None:
            if word == "INTERLEAVED" and nxt_text == "SORTKEY":
                hints.interleaved = True
                blank(token)
            elif word in ("SORTKEY", "ENCODE") and nxt_text == "AUTO":
                if word == "SORTKEY":
                    hints.sortkey_auto = True
                else:
                    hints.encode_auto = True
                blank(token)
                blank(nxt)
    if not changed:
        return text, None
    return "".join(chars), hints


# ---------------------------------------------------------------- ALTER TABLE and COMMENT ON


def apply_alter(drafts: dict[str, TableDraft], alter: exp.Alter, settings: Settings) -> list[str]:
    """Apply ``ALTER TABLE`` actions to the draft they name; returns warnings.

    Handled: ADD COLUMN (one or many, MySQL FIRST/AFTER), ADD CONSTRAINT, DROP COLUMN,
    RENAME COLUMN, RENAME TO, ALTER COLUMN (type, NOT NULL, DEFAULT, COMMENT) and
    ``SET`` of table properties such as Snowflake's ``COMMENT``. Other actions are
    ignored: they do not change what the catalog shows.
    """
    name = table_name(alter.this, settings)
    draft = drafts.get(name)
    if draft is None:
        return [f"ALTER TABLE {name}: table is not defined in this source; skipped"]
    warnings: list[str] = []
    for action in alter.args.get("actions") or []:
        if isinstance(action, exp.ColumnDef):
            warnings += _add_column(draft, action, settings)
        elif isinstance(action, exp.Schema):
            for item in action.expressions:
                if isinstance(item, exp.ColumnDef):
                    warnings += _add_column(draft, item, settings)
        elif isinstance(action, exp.AddConstraint):
            for item in action.expressions:
                _table_constraint(draft, item, settings)
        elif isinstance(action, exp.Drop) and str(action.args.get("kind") or "").upper() == "COLUMN":
            for target in action.args.get("tables") or []:
                col = draft.column(ident(target))
                if col is None:
                    if not action.args.get("exists"):
                        warnings.append(f"ALTER TABLE {name}: no column {ident(target)} to drop")
                else:
                    draft.columns.remove(col)
        elif isinstance(action, exp.RenameColumn):
            col = draft.column(ident(action.this))
            if col is None:
                warnings.append(f"ALTER TABLE {name}: no column {ident(action.this)} to rename")
            else:
                col.name = ident(action.args.get("to"))
        elif isinstance(action, exp.AlterRename):
            warnings += _rename_table(drafts, draft, action.this, settings)
            name = draft.name
        elif isinstance(action, exp.AlterColumn):
            warnings += _alter_column(draft, action, settings)
        elif isinstance(action, exp.AlterSet):
            for props in action.expressions:
                _apply_properties(draft, props, settings)
    return warnings


def _add_column(draft: TableDraft, coldef: exp.ColumnDef, settings: Settings) -> list[str]:
    col = column_from_def(coldef, settings, draft.properties)
    if draft.column(col.name) is not None:
        if coldef.args.get("exists"):
            return []
        return [f"ALTER TABLE {draft.name}: column {col.name} already exists; kept the first definition"]
    position = coldef.args.get("position")
    index = len(draft.columns)
    if isinstance(position, exp.ColumnPosition):
        where = str(position.args.get("position") or "").upper()
        if where == "FIRST":
            index = 0
        elif where == "AFTER":
            anchor = draft.column(ident(position.this))
            if anchor is not None:
                index = draft.columns.index(anchor) + 1
    draft.columns.insert(index, col)
    return []


def _rename_table(
    drafts: dict[str, TableDraft], draft: TableDraft, target: exp.Expr, settings: Settings
) -> list[str]:
    if not isinstance(target, exp.Table):
        return []
    if target.args.get("db") is not None:
        new_name = table_name(target, settings)
    else:  # Postgres/Redshift: RENAME TO keeps the schema
        new_name = ".".join(draft.name.split(".")[:-1] + [ident(target.this)])
    if new_name in drafts and drafts[new_name] is not draft:
        return [f"ALTER TABLE {draft.name} RENAME TO {new_name}: {new_name} already exists; skipped"]
    del drafts[draft.name]
    draft.name = new_name
    drafts[new_name] = draft
    return []


def _alter_column(draft: TableDraft, action: exp.AlterColumn, settings: Settings) -> list[str]:
    col = draft.column(ident(action.this))
    if col is None:
        return [f"ALTER TABLE {draft.name}: no column {ident(action.this)} to alter"]
    if action.args.get("dtype") is not None:
        _set_type(col, action.args["dtype"], settings)
    if action.args.get("allow_null") is not None:  # SET NOT NULL, or DROP NOT NULL (drop=True)
        col.nullable = bool(action.args.get("drop"))
    elif action.args.get("drop"):  # DROP DEFAULT
        col.constraints = [c for c in col.constraints if not c.startswith("DEFAULT ")]
    if action.args.get("default") is not None:
        col.constraints = [c for c in col.constraints if not c.startswith("DEFAULT ")]
        col.add_constraint(f"DEFAULT {_sql(action.args['default'], settings)}")
    if action.args.get("comment") is not None:
        col.description = _text(action.args["comment"], settings)
    if action.args.get("rename_to") is not None:
        col.name = ident(action.args["rename_to"])
    return []


def apply_comment(drafts: dict[str, TableDraft], comment: exp.Comment, settings: Settings) -> list[str]:
    """Apply ``COMMENT ON TABLE|VIEW|MATERIALIZED VIEW|COLUMN ... IS '...'``; returns warnings."""
    kind = str(comment.args.get("kind") or "").upper()
    text = _text(comment.expression, settings) if comment.expression is not None else ""
    if isinstance(comment.expression, exp.Null):
        text = ""
    if kind == "COLUMN":
        table, column = _column_ref(comment.this, settings)
        draft = drafts.get(table)
        if draft is None:
            return [f"COMMENT ON COLUMN {table}.{column}: table is not defined in this source; skipped"]
        col = draft.column(column)
        if col is None:
            return [f"COMMENT ON COLUMN {table}.{column}: no such column; skipped"]
        col.description = text
        return []
    if kind in ("TABLE", "VIEW", "FOREIGN TABLE"):
        name = table_name(comment.this, settings)
        draft = drafts.get(name)
        if draft is None:
            return [f"COMMENT ON {kind} {name}: not defined in this source; skipped"]
        draft.description = text
    return []


# ---------------------------------------------------------------- views, CTAS and LIKE


def derive_columns(drafts: dict[str, TableDraft], settings: Settings) -> None:
    """Fill the columns of views, CTAS tables and ``LIKE`` copies from what they read.

    Names come from the SELECT list (or the view's own column list); types are derived
    with sqlglot's qualifier and type annotator against the tables this source defines,
    so ``SELECT o.id, amount * 2 AS x FROM orders o`` gets real types and ``SELECT *``
    over a known table expands. What cannot be derived is typed ``unknown``. Views that
    read other views are derived after them, whatever the file order.
    """
    visiting: set[str] = set()
    for draft in list(drafts.values()):
        _derive(draft, drafts, settings, visiting)


def _derive(draft: TableDraft, drafts: dict[str, TableDraft], settings: Settings, visiting: set[str]) -> None:
    if draft.derived or draft.name in visiting:
        return
    visiting.add(draft.name)
    try:
        if draft.like is not None:
            source = drafts.get(draft.like)
            if source is not None and source is not draft:
                _derive(source, drafts, settings, visiting)
                known = {c.name for c in draft.columns}
                copied = [
                    ColumnDraft(
                        name=c.name,
                        type=c.type,
                        children=c.children,
                        sqltype=c.sqltype,
                        nullable=c.nullable,
                        description=c.description,
                        constraints=[],
                    )
                    for c in source.columns
                    if c.name not in known
                ]
                draft.columns = copied + draft.columns
        if draft.query is not None:
            for ref in draft.query.find_all(exp.Table):
                dep = drafts.get(table_name(ref, settings))
                if dep is not None and dep is not draft:
                    _derive(dep, drafts, settings, visiting)
            _derive_query(draft, draft.query, drafts, settings)
    finally:
        visiting.discard(draft.name)
        draft.derived = True


def _derive_query(
    draft: TableDraft, query: exp.Query, drafts: dict[str, TableDraft], settings: Settings
) -> None:
    derived, complete = _query_columns(query, drafts, settings)
    explicit = draft.explicit_names
    if explicit:
        columns = []
        for i, named in enumerate(explicit):
            col = ColumnDraft(name=named.name, description=named.description)
            if named.sqltype is not None:
                _set_type(col, named.sqltype, settings)
            elif complete and i < len(derived):
                col.type, col.children, col.sqltype = derived[i].type, derived[i].children, derived[i].sqltype
            columns.append(col)
    else:
        columns = derived
        if not complete:
            draft.properties["_columns_incomplete"] = "true"
    existing = {c.name: c for c in draft.columns}
    for col in columns:  # keep anything an ALTER already said about a CTAS column
        old = existing.get(col.name)
        if old is not None:
            col.description = col.description or old.description
    names = {c.name for c in columns}
    draft.columns = columns + [c for c in draft.columns if c.name not in names]


def _is_star(select: exp.Expr) -> bool:
    return isinstance(select, exp.Star) or (
        isinstance(select, exp.Column) and isinstance(select.this, exp.Star)
    )


_UNKNOWN_TYPE = exp.DataType.build("unknown")


@lru_cache(maxsize=4096)
def _quoted(name: str, dialect: str | None) -> str:
    """A name quoted for ``dialect`` so the schema keeps its exact case."""
    return exp.to_identifier(name, quoted=True).sql(dialect=dialect)


def _query_columns(
    query: exp.Query, drafts: dict[str, TableDraft], settings: Settings
) -> tuple[list[ColumnDraft], bool]:
    """Output columns of a query and whether the list is complete (no unexpandable ``*``)."""
    dialect = settings.dialect or None
    copy = query.copy()
    ctes = {
        ident(alias.this)
        for cte in copy.find_all(exp.CTE)
        if isinstance(alias := cte.args.get("alias"), exp.TableAlias)
    }
    mapping: dict[str, object] = {}
    for i, ref in enumerate(list(copy.find_all(exp.Table))):
        if not isinstance(ref.this, exp.Identifier) or (not ref.args.get("db") and ident(ref.this) in ctes):
            continue
        dep = drafts.get(table_name(ref, settings))
        if dep is None or not dep.columns:
            continue
        # Each known table becomes a flat, quoted name, so the schema never mixes nesting depths.
        alias = ref.args.get("alias") or exp.TableAlias(this=ref.this.copy())
        flat = f"__lakemap_{i}"
        ref.replace(exp.Table(this=exp.to_identifier(flat, quoted=True), alias=alias))
        mapping[_quoted(flat, dialect)] = {
            _quoted(c.name, dialect): c.sqltype if c.sqltype is not None else _UNKNOWN_TYPE
            for c in dep.columns
        }
    try:
        schema = MappingSchema(mapping, dialect=dialect)
        qualified = qualify(
            copy, schema=schema, dialect=dialect, validate_qualify_columns=False, quote_identifiers=False
        )
        annotated = annotate_types(qualified, schema=schema, dialect=dialect)
        if not isinstance(annotated, exp.Query):
            raise TypeError("qualify returned no query")
        selects = annotated.selects
    except Exception:  # the optimizer gives up on some queries: fall back to names only
        return _names_only(query), not any(_is_star(s) for s in query.selects)
    columns: list[ColumnDraft] = []
    complete = True
    for i, select in enumerate(selects):
        if _is_star(select):
            complete = False
            continue
        col = ColumnDraft(name=_output_name(select, i))
        dtype = select.type
        if isinstance(dtype, exp.DataType) and dtype.this != exp.DataType.Type.UNKNOWN:
            _set_type(col, dtype, settings)
        columns.append(col)
    return columns, complete


def _output_name(select: exp.Expr, index: int) -> str:
    alias = select.args.get("alias") if isinstance(select, exp.Alias) else None
    if isinstance(alias, exp.Identifier):
        return ident(alias)
    if isinstance(select, exp.Column):
        return ident(select.this)
    name = select.alias_or_name
    return name.lower() if name else f"_col_{index}"


def _names_only(query: exp.Query) -> list[ColumnDraft]:
    return [ColumnDraft(name=_output_name(s, i)) for i, s in enumerate(query.selects) if not _is_star(s)]


# ---------------------------------------------------------------- the end product


def finish(draft: TableDraft, *, section: str, layer: str | None) -> Dataset:
    """The frozen dataset for a draft: properties sorted, ``defined_in`` from the draft's origin."""
    columns = tuple(c.finish() for c in draft.columns)
    partitioning = None
    if draft.partition_keys:
        # mark partition columns the way the Parquet scanner does, so both read alike in the catalog
        wanted = {k.lower() for k in draft.partition_keys}
        columns = tuple(
            replace(c, constraints=c.constraints + ("partition key",))
            if c.name.lower() in wanted and "partition key" not in c.constraints else c
            for c in columns
        )
        by_name = {c.name: c for c in columns}
        keys = tuple(
            PartitionKey(name=k, type=by_name[k].type if k in by_name else UNKNOWN)
            for k in draft.partition_keys
        )
        partitioning = Partitioning(keys=keys)
    parts = draft.name.split(".")
    if layer is None and len(parts) >= 2 and parts[-2].lower() in LAYERS:
        layer = parts[-2].lower()
    props = dict(draft.properties)
    if draft.origin:
        props["defined_in"] = draft.origin
    props = dict(sorted(props.items()))
    return Dataset(
        id=f"sql:{draft.name}",
        name=draft.name,
        source="sql",
        kind=draft.kind,
        section=section,
        layer=layer,
        location=draft.location,
        format=draft.format,
        columns=columns,
        partitioning=partitioning,
        properties=props,
        description=draft.description,
    )


_QUERY_STARTS = frozenset(
    {
        TokenType.SELECT,
        TokenType.WITH,
        TokenType.L_PAREN,
        TokenType.VALUES,
        TokenType.FROM,
        TokenType.TABLE,
    }
)
_TRAILING_BINDING = re.compile(r"\s+WITH\s+NO\s+SCHEMA\s+BINDING\s*$", re.IGNORECASE)


def query_text(statement: str, settings: Settings) -> str | None:
    """The SELECT of ``CREATE VIEW ... AS SELECT`` exactly as written (comments included).

    The view's own text is what people want to read and what lineage re-parses, so it is
    cut out of the statement rather than regenerated. ``None`` when no top-level ``AS``
    introduces a query (the caller then falls back to generated SQL).
    """
    try:
        tokens = sqlglot.tokenize(statement, read=settings.dialect or None)
    except Exception:
        return None
    depth = 0
    for i, token in enumerate(tokens[:-1]):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and token.token_type == TokenType.ALIAS and tokens[i + 1].token_type in _QUERY_STARTS:
            return _TRAILING_BINDING.sub("", statement[tokens[i + 1].start :]).strip()
    return None


def query_sql(create: exp.Create, statement: str, settings: Settings) -> str:
    """The view's SQL for ``properties["_sql"]``: original text, else sqlglot's rendering."""
    text = query_text(statement, settings)
    if text:
        return text
    return _sql(create.expression, settings) if create.expression is not None else ""
