"""AWS Glue (PySpark) job scripts as table-level lineage, by reading the Python AST (never importing it).

A Glue job reads Data Catalog tables and S3 paths into DynamicFrames or DataFrames, turns
them into others and writes some out. Running the script is out of the question (it needs
a Glue cluster, and it is somebody else's code), so the script is parsed with :mod:`ast`
and followed statement by statement:

* **reads**: ``create_dynamic_frame.from_catalog(database=, table_name=)`` (and
  ``create_data_frame``, ``..._from_catalog`` spellings) give ``database.table``;
  ``from_options(connection_options={"paths": [...]})`` gives the paths (``"dbtable"`` for
  JDBC); ``spark.read.parquet/csv/json/orc/text/load/table(...)`` and ``spark.table(...)``
  give their paths or tables; ``spark.sql("...")`` is parsed by the SQL lineage parser;
* **writes**: ``write_dynamic_frame.from_options(connection_options={"path": ...})``,
  ``write_dynamic_frame.from_catalog(database=, table_name=)``, ``from_jdbc_conf``,
  ``getSink(path=...)`` with ``setCatalogInfo(...)`` then ``writeFrame(frame)``, and
  ``df.write....parquet/csv/json/orc/text/save(path)``, ``saveAsTable``/``insertInto(name)``;
* **flow**: each assignment gives its variables the tables its value depends on (a read in
  the value, or a variable assigned earlier), so a write is fed by the tables its frame was
  built from. When nothing can be traced (a frame built in a helper function), the write is
  fed by every table the script reads, and the record says so.

Names are resolved from string constants, module-level constant variables, ``+`` and
f-strings; parts that depend on job arguments stay visible as ``{args['x']}``. A read or
write whose name is entirely unknown is a warning at its line. Paths lose their trailing
``/`` so ``s3://b/p/`` and ``s3://b/p`` are one dataset; catalog names are lower-cased, as
Glue stores them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from catalog.report import ScanReport
from lineage import StatementLineage, parse_statement
from lineage.sources import LineageRecord

__all__ = ["glue_script_records"]

_READ_FORMATS = frozenset({"parquet", "csv", "json", "orc", "text", "load", "table", "avro", "jdbc"})
_WRITE_FORMATS = frozenset({"parquet", "csv", "json", "orc", "text", "save", "saveAsTable", "insertInto",
                            "avro", "jdbc"})
_CATALOG_READS = frozenset({"create_dynamic_frame_from_catalog", "create_data_frame_from_catalog"})
_OPTION_READS = frozenset({"create_dynamic_frame_from_options", "create_data_frame_from_options"})
_CATALOG_WRITES = frozenset({"write_dynamic_frame_from_catalog", "write_data_frame_from_catalog"})
_OPTION_WRITES = frozenset({"write_dynamic_frame_from_options", "write_data_frame_from_options",
                            "write_dynamic_frame_from_jdbc_conf", "write_from_options"})
_TABLE_LEVEL = "table-level lineage from a Glue job script"
_UNTRACED = "the written frame could not be traced; every table the script reads is listed"


@dataclass(slots=True)
class _Sink:
    """A ``glueContext.getSink(...)`` object: where ``writeFrame`` will write."""

    path: str | None = None
    table: str | None = None


@dataclass(slots=True)
class _Write:
    line: int
    target: str
    sources: frozenset[str]
    mode: str = "insert"


@dataclass(slots=True)
class _Analysis:
    """State of one pass over a script, in statement order."""

    file: str
    dialect: str
    report: ScanReport
    constants: dict[str, str] = field(default_factory=dict)
    deps: dict[str, frozenset[str]] = field(default_factory=dict)
    sinks: dict[str, _Sink] = field(default_factory=dict)
    reads: set[str] = field(default_factory=set)
    writes: list[_Write] = field(default_factory=list)
    sql: list[LineageRecord] = field(default_factory=list)
    calls: dict[int, frozenset[str]] = field(default_factory=dict)  # id(ast.Call) -> its tables, handled once


def glue_script_records(text: str, *, file: str, report: ScanReport,
                        dialect: str = "spark") -> list[LineageRecord]:
    """Table-level lineage of one Glue job script: one record per write, plus ``spark.sql`` statements.

    A script that is not valid Python is one error at the line Python gives. Records are
    in source order.
    """
    try:
        tree = ast.parse(text, filename=file)
    except SyntaxError as exc:
        report.error(f"not valid Python: {exc.msg}", path=file, line=exc.lineno, column=exc.offset)
        return []
    except (ValueError, RecursionError, MemoryError) as exc:
        report.error(f"cannot read this Python script: {type(exc).__name__}", path=file)
        return []
    state = _Analysis(file, dialect, report)
    try:
        _walk_body(tree.body, state)
    except RecursionError:
        report.error("script nests too deeply to analyse", path=file)
        return []
    records = list(state.sql)
    for write in state.writes:
        sources = write.sources
        reason = _TABLE_LEVEL
        if not sources:
            sources = frozenset(state.reads)
            reason = f"{_TABLE_LEVEL}; {_UNTRACED}"
        read = tuple(sorted(sources - {write.target}))
        lineage = StatementLineage(write.mode, write.target, read, (), "partial", reason)
        records.append(LineageRecord(file, write.line, lineage, "glue"))
    records.sort(key=lambda r: r.line)
    return records


# ----------------------------------------------------------------------- statements
def _walk_body(body: Sequence[ast.stmt], state: _Analysis) -> None:
    for node in body:
        _statement(node, state)


def _statement(node: ast.stmt, state: _Analysis) -> None:
    if isinstance(node, ast.Assign):
        _assign(node.targets, node.value, state)
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        _assign([node.target], node.value, state)
    elif isinstance(node, ast.AugAssign):
        deps = _value_deps(node.value, state, node.lineno)
        if isinstance(node.target, ast.Name):
            state.deps[node.target.id] = state.deps.get(node.target.id, frozenset()) | deps
    elif isinstance(node, ast.Expr):
        _value_deps(node.value, state, node.lineno)
    elif isinstance(node, (ast.Return,)) and node.value is not None:
        _value_deps(node.value, state, node.lineno)
    else:
        for child in _child_bodies(node):
            _walk_body(child, state)


def _child_bodies(node: ast.stmt) -> Iterator[Sequence[ast.stmt]]:
    """Nested statement lists, in source order (both branches of an ``if`` are followed)."""
    if isinstance(node, (ast.If, ast.While)):
        yield node.body
        yield node.orelse
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        yield node.body
        yield node.orelse
    elif isinstance(node, (ast.With, ast.AsyncWith, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.body
    elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
        yield node.body  # type: ignore[attr-defined]
        for handler in node.handlers:  # type: ignore[attr-defined]
            yield handler.body
        yield node.orelse  # type: ignore[attr-defined]
        yield node.finalbody  # type: ignore[attr-defined]
    elif isinstance(node, ast.Match):
        for case in node.cases:
            yield case.body


def _assign(targets: Sequence[ast.expr], value: ast.expr, state: _Analysis) -> None:
    constant = _string(value, state)
    deps = _value_deps(value, state, value.lineno)
    sink = _sink_of(value, state)
    for target in targets:
        for name in _target_names(target):
            state.deps[name] = deps
            if constant is not None and isinstance(target, ast.Name):
                state.constants[name] = constant
            else:
                state.constants.pop(name, None)
            if sink is not None:
                state.sinks[name] = sink
            else:
                state.sinks.pop(name, None)


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


# ----------------------------------------------------------------------- expressions
def _value_deps(expr: ast.expr, state: _Analysis, line: int) -> frozenset[str]:
    """Tables ``expr`` depends on; records the reads and writes it performs on the way."""
    deps: set[str] = set()
    for node in _walk_outer_first(expr):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            deps |= state.deps.get(node.id, frozenset())
        elif isinstance(node, ast.Call):
            key = id(node)
            if key not in state.calls:
                state.calls[key] = frozenset()  # re-entry through the call's own arguments finds it handled
                state.calls[key] = _call(node, state)
            deps |= state.calls[key]
    return frozenset(deps)


def _walk_outer_first(expr: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``expr``, inner calls before the calls that use them (evaluation order)."""
    for child in ast.iter_child_nodes(expr):
        yield from _walk_outer_first(child)
    yield expr


def _call(node: ast.Call, state: _Analysis) -> frozenset[str]:
    """Handle one call: a read gives its tables; a write is recorded; ``spark.sql`` is parsed."""
    chain = _attribute_chain(node.func)
    method = chain[-1] if chain else ""
    flat = "_".join(chain[-2:]) if len(chain) >= 2 else method
    line = node.lineno
    if flat in _CATALOG_READS or method in _CATALOG_READS:
        return _named(_catalog_name(node, state, line, "read"), state)
    if flat in _OPTION_READS or method in _OPTION_READS:
        return _named_many(_option_paths(node, state, line, "read"), state)
    if flat in _CATALOG_WRITES or method in _CATALOG_WRITES:
        name = _catalog_name(node, state, line, "write")
        if name:
            _record_write(name, _frame_deps(node, state, line), line, state)
        return frozenset()
    if flat in _OPTION_WRITES or method in _OPTION_WRITES:
        for path in _option_paths(node, state, line, "write"):
            _record_write(path, _frame_deps(node, state, line), line, state)
        return frozenset()
    if method == "writeFrame" and len(chain) >= 2 and chain[-2] in state.sinks:
        sink = state.sinks[chain[-2]]
        target = sink.table or sink.path
        if target:
            _record_write(target, _frame_deps(node, state, line), line, state)
        return frozenset()
    if method == "setCatalogInfo" and len(chain) >= 2 and chain[-2] in state.sinks:
        database = _keyword_string(node, "catalogDatabase", 0, state)
        table = _keyword_string(node, "catalogTableName", 1, state)
        if database and table:
            state.sinks[chain[-2]].table = f"{database}.{table}".lower()
        return frozenset()
    if method == "sql" and _is_spark(chain[:-1]):
        return _spark_sql(node, state, line)
    if method in _WRITE_FORMATS and "write" in chain[:-1] or method in _WRITE_FORMATS and "writeTo" in chain:
        return _dataframe_write(node, chain, method, state, line)
    if method in _READ_FORMATS and ("read" in chain[:-1] or "readStream" in chain[:-1]):
        return _dataframe_read(node, method, state, line)
    if method == "table" and _is_spark(chain[:-1]):
        return _dataframe_read(node, method, state, line)
    return frozenset()


def _attribute_chain(func: ast.expr) -> list[str]:
    """``glueContext.create_dynamic_frame.from_catalog`` -> its names; calls in between are skipped.

    ``spark.read.format("x").load`` gives ``["spark", "read", "format", "load"]``.
    """
    names: list[str] = []
    node: ast.expr | None = func
    while node is not None:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            names.append(node.id)
            node = None
        else:
            node = None
    return names[::-1]


def _is_spark(chain: Sequence[str]) -> bool:
    return bool(chain) and ("spark" in chain[-1].lower() or chain[-1] in ("sqlContext", "sql_context"))


def _named(name: str | None, state: _Analysis) -> frozenset[str]:
    if not name:
        return frozenset()
    state.reads.add(name)
    return frozenset({name})


def _named_many(names: Sequence[str], state: _Analysis) -> frozenset[str]:
    state.reads.update(names)
    return frozenset(names)


def _record_write(target: str, deps: frozenset[str], line: int, state: _Analysis,
                  mode: str = "insert") -> None:
    state.writes.append(_Write(line, target, deps, mode))


def _frame_deps(node: ast.Call, state: _Analysis, line: int) -> frozenset[str]:
    """Tables the written frame (``frame=`` or the first positional argument) depends on."""
    frame = _argument(node, "frame", 0) or _argument(node, "df", 0)
    if frame is None:
        return frozenset()
    return _value_deps(frame, state, line)


def _catalog_name(node: ast.Call, state: _Analysis, line: int, what: str) -> str | None:
    database = _keyword_string(node, "database", 0, state)
    table = _keyword_string(node, "table_name", 1, state)
    if database and table:
        return f"{database}.{table}".lower()
    state.report.warning(f"Glue {what}: cannot tell the catalog table statically (database and table_name "
                         f"must be strings or constants)", path=state.file, line=line)
    return None


def _option_paths(node: ast.Call, state: _Analysis, line: int, what: str) -> list[str]:
    options = _argument(node, "connection_options", 1 if what == "read" else 2)
    if isinstance(options, ast.Dict):
        found: list[str] = []
        for key, value in zip(options.keys, options.values, strict=True):
            key_text = _string(key, state) if key is not None else None
            if key_text in ("paths", "path"):
                items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
                found.extend(p for p in (_string(item, state) for item in items) if p)
            elif key_text == "dbtable":
                table = _string(value, state)
                if table:
                    found.append(table.lower())
        if found:
            return [_clean_path(p) for p in found]
    state.report.warning(f"Glue {what}: cannot tell the path statically (connection_options must be a "
                         f"literal dict with 'paths', 'path' or 'dbtable')", path=state.file, line=line)
    return []


def _dataframe_read(node: ast.Call, method: str, state: _Analysis, line: int) -> frozenset[str]:
    args = list(node.args) or [kw.value for kw in node.keywords if kw.arg in ("path", "paths", "tableName")]
    if method == "jdbc":
        table = _argument(node, "table", 1)
        args = [table] if table is not None else []
    names = [n for n in (_string(arg, state) for arg in args) if n]
    if not names:
        if method != "load":  # load() without a path takes it from .option("path", ...): not followed
            state.report.warning(f"Spark read: cannot tell the {'table' if method == 'table' else 'path'} "
                                 f"statically", path=state.file, line=line)
        return frozenset()
    cleaned = [n.lower() if method == "table" else _clean_path(n) for n in names]
    return _named_many(cleaned, state)


def _dataframe_write(node: ast.Call, chain: list[str], method: str, state: _Analysis,
                     line: int) -> frozenset[str]:
    target_arg = _argument(node, "name" if method in ("saveAsTable", "insertInto") else "path", 0)
    if method == "jdbc":
        target_arg = _argument(node, "table", 1)
    target = _string(target_arg, state) if target_arg is not None else None
    if not target:
        state.report.warning("Spark write: cannot tell the target statically", path=state.file, line=line)
        return frozenset()
    target = target.lower() if method in ("saveAsTable", "insertInto", "jdbc") else _clean_path(target)
    receiver = _write_receiver(node.func)
    deps = _value_deps(receiver, state, line) if receiver is not None else frozenset()
    mode = "insert_overwrite" if _mode(node.func, state) == "overwrite" else "insert"
    _record_write(target, deps, line, state, mode)
    return frozenset()


def _write_receiver(func: ast.expr) -> ast.expr | None:
    """The DataFrame before ``.write`` in ``df.filter(...).write.mode("x").parquet(p)``."""
    node: ast.expr | None = func
    while node is not None:
        if isinstance(node, ast.Attribute):
            if node.attr in ("write", "writeTo", "writeStream"):
                return node.value
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return None
    return None


def _mode(func: ast.expr, state: _Analysis) -> str | None:
    node: ast.expr | None = func
    while node is not None:
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == "mode" and node.args:
                return _string(node.args[0], state)
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return None
    return None


def _spark_sql(node: ast.Call, state: _Analysis, line: int) -> frozenset[str]:
    query = _argument(node, "sqlQuery", 0)
    text = _string(query, state, placeholders=False) if query is not None else None
    if text is None:
        state.report.warning("spark.sql: the query is not a constant string; its lineage is unknown",
                             path=state.file, line=line)
        return frozenset()
    lineage = parse_statement(text, dialect=state.dialect)
    if lineage.confidence == "failed":
        state.report.error(f"spark.sql: {lineage.error}", path=state.file, line=line)
    state.reads.update(lineage.sources)
    if lineage.target and lineage.kind not in ("select", "drop", "delete"):
        state.sql.append(LineageRecord(state.file, line, lineage, "glue", text=text))
        return frozenset()
    return frozenset(lineage.sources)


def _sink_of(value: ast.expr, state: _Analysis) -> _Sink | None:
    if not isinstance(value, ast.Call):
        return None
    chain = _attribute_chain(value.func)
    if not chain or chain[-1] not in ("getSink", "get_sink"):
        return None
    path_arg = _argument(value, "path", -1)
    options = _argument(value, "connection_options", -1)
    path = _string(path_arg, state) if path_arg is not None else None
    if path is None and isinstance(options, ast.Dict):
        for key, item in zip(options.keys, options.values, strict=True):
            if key is not None and _string(key, state) == "path":
                path = _string(item, state)
    return _Sink(path=_clean_path(path) if path else None)


# ----------------------------------------------------------------------- constants
def _argument(node: ast.Call, keyword: str, position: int) -> ast.expr | None:
    for kw in node.keywords:
        if kw.arg == keyword:
            return kw.value
    if 0 <= position < len(node.args) and not isinstance(node.args[position], ast.Starred):
        return node.args[position]
    return None


def _keyword_string(node: ast.Call, keyword: str, position: int, state: _Analysis) -> str | None:
    value = _argument(node, keyword, position)
    return _string(value, state) if value is not None else None


def _string(node: ast.expr | None, state: _Analysis, *, placeholders: bool = True) -> str | None:
    """The text ``node`` evaluates to when that can be known without running anything.

    Constants, constant variables, ``+`` and f-strings are followed; with ``placeholders``
    an f-string part that cannot be known is kept as ``{source text}`` so the name still
    says where it comes from.
    """
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return state.constants.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _string(node.left, state, placeholders=placeholders)
        right = _string(node.right, state, placeholders=placeholders)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        parts: list[str] = []
        known = False
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
                known = known or bool(value.value)
                continue
            inner = _string(value.value, state, placeholders=placeholders) \
                if isinstance(value, ast.FormattedValue) else None
            if inner is not None:
                parts.append(inner)
                known = True
            elif placeholders and isinstance(value, ast.FormattedValue):
                parts.append("{" + ast.unparse(value.value) + "}")
            else:
                return None
        return "".join(parts) if known else None
    return None


def _clean_path(path: str) -> str:
    """``s3://b/p/`` and ``s3://b/p`` are one dataset; ``s3a://``/``s3n://`` are spellings of ``s3://``."""
    text = path.strip()
    for scheme in ("s3a://", "s3n://"):
        if text.startswith(scheme):
            text = "s3://" + text[len(scheme):]
    return text.rstrip("/") if text.rstrip("/") and not text.endswith("://") else text
