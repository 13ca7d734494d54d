"""dbt models as lineage: render the Jinja away (never running project code), then parse the SELECT.

A dbt model is a SELECT wrapped in Jinja: ``{{ ref('x') }}`` and ``{{ source('s', 't') }}``
name the tables it reads, ``{{ config(...) }}`` says how it is materialised, and
``{% if is_incremental() %}`` blocks add filters for incremental runs. Lineage needs the
SELECT, not a dbt installation, so the template is rendered by Jinja's *sandboxed*
environment with a small stand-in for dbt's context:

* ``ref`` resolves to the model's relation (its ``alias``/``schema``/``database`` config, else
  the bare model name, which the SQL defaults then qualify like any other name);
* ``source`` resolves through the ``sources:`` of the project's YAML files when given, else
  to ``source_name.table_name`` (dbt's default: the source name is the schema);
* ``config`` records its arguments and renders nothing; ``is_incremental()`` is false and
  ``execute`` is false, as on a full refresh at parse time, so ``run_query`` blocks vanish;
* ``var``/``env_var`` render their default, else ``NULL`` (the environment is never read,
  so output does not depend on the machine); ``this`` is the model's own relation;
* ``dbt_utils.star`` renders ``*`` and ``dbt_utils.generate_surrogate_key`` an ``MD5`` over
  its columns, so their lineage survives; any other macro or name renders as nothing.

The sandbox refuses access to Python internals, there is no loader (``include``/``import``
of files fail), and every failure is reported with the model's file and line, never raised.
Models are parsed in dependency order so ``select * from {{ ref('stg') }}`` expands to
``stg``'s columns.

Example:
    >>> from catalog.report import ScanReport
    >>> from lineage.sources import ParseOptions
    >>> report = ScanReport()
    >>> models = render_models([DbtFile("models/orders.sql",
    ...     "{{ config(materialized='table') }}\\nselect id, amount from {{ source('shop', 'orders') }}")],
    ...     report=report)
    >>> record = dbt_records(models, options=ParseOptions(), report=report)[0]
    >>> record.line, record.lineage.kind, record.lineage.target, record.lineage.sources
    (2, 'create_table_as', 'orders', ('shop.orders',))
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from jinja2 import ChainableUndefined
from jinja2.exceptions import TemplateError, TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from catalog.report import ScanReport
from lineage import StatementLineage, parse_statement
from lineage._names import Defaults, split_dotted
from lineage.sources import LineageRecord, ParseOptions

__all__ = [
    "DbtFile", "DbtModel", "dbt_records", "is_dbt_template", "project_model_paths", "render_models",
    "source_relations",
]

#: How each materialisation writes its relation, as a statement kind of :mod:`lineage.parse`.
MATERIALIZED_KINDS: dict[str, str] = {
    "view": "create_view",
    "table": "create_table_as",
    "incremental": "insert",
    "ephemeral": "create_view",
    "materialized_view": "create_materialized_view",
    "dynamic_table": "create_materialized_view",
    "snapshot": "create_table_as",
}

_REF_RE = re.compile(r"__lakemap_ref_(\d+)__")
_THIS = "__lakemap_this__"
_JINJA_RE = re.compile(r"\{\{|\{%")


@dataclass(frozen=True, slots=True)
class DbtFile:
    """One model file: the path shown to people and its text."""

    file: str
    text: str


@dataclass(frozen=True, slots=True)
class DbtModel:
    """A rendered model. ``relation`` is how SQL names it (``[db.][schema.]alias``)."""

    file: str
    name: str
    relation: str
    materialized: str
    sql: str
    line: int
    refs: tuple[str, ...] = ()


def is_dbt_template(text: str) -> bool:
    """Whether SQL text holds Jinja (``{{`` or ``{%``), so it must be rendered before parsing."""
    return _JINJA_RE.search(text) is not None


class _Lenient(ChainableUndefined):
    """Names dbt would know and we do not: attributes, items and calls all render as nothing."""

    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> _Lenient:
        return self


class _Unset(_Lenient):
    """A ``var``/``env_var`` without a default: ``NULL`` in SQL, false in ``{% if %}``."""

    __slots__ = ()

    def __str__(self) -> str:
        return "NULL"


@dataclass(slots=True)
class _ModelContext:
    """What one model's rendering records: its config and the models it refers to."""

    sources: Mapping[tuple[str, str], str]
    config: dict[str, Any] = field(default_factory=dict)
    refs: list[str] = field(default_factory=list)

    def ref(self, *args: Any, **kwargs: Any) -> str:
        names = [a for a in args if isinstance(a, str)]
        name = kwargs.get("name") if isinstance(kwargs.get("name"), str) else (names[-1] if names else "")
        if not name:
            return ""
        self.refs.append(name)
        return f"__lakemap_ref_{len(self.refs) - 1}__"

    def source(self, source_name: Any = "", table_name: Any = "", **_kwargs: Any) -> str:
        key = (str(source_name), str(table_name))
        return self.sources.get(key) or f"{key[0]}.{key[1]}"

    def set_config(self, *args: Any, **kwargs: Any) -> str:
        for arg in args:
            if isinstance(arg, Mapping):
                self.config.update(arg)
        self.config.update(kwargs)
        return ""


class _ConfigProxy:
    """``config`` in a template: callable, with ``get``/``require`` as dbt offers them."""

    def __init__(self, context: _ModelContext) -> None:
        self._context = context

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        return self._context.set_config(*args, **kwargs)

    def get(self, key: str, default: Any = None) -> Any:
        return self._context.config.get(key, default)

    def require(self, key: str) -> Any:
        return self._context.config.get(key, _Lenient())


def _var(_name: Any = None, default: Any = None) -> Any:
    return _Unset() if default is None else default


def _star(*_args: Any, **_kwargs: Any) -> str:
    return "*"


def _surrogate_key(fields: Any = None, *more: Any) -> str:
    items = list(fields) if isinstance(fields, (list, tuple)) else [fields, *more]
    columns = [str(item) for item in items if isinstance(item, str) and item]
    if not columns:
        return "NULL"
    return "MD5(" + " || '-' || ".join(f"COALESCE(CAST({c} AS VARCHAR), '')" for c in columns) + ")"


_DBT_UTILS = {"star": _star, "generate_surrogate_key": _surrogate_key, "surrogate_key": _surrogate_key}


def _environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        undefined=_Lenient, autoescape=False, keep_trailing_newline=True,
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
    )


def _first_sql_line(env: ImmutableSandboxedEnvironment, text: str) -> int:
    """Line of the first SQL token outside Jinja tags and SQL comments (1 when there is none)."""
    try:
        for lineno, token_type, value in env.lex(text):
            if token_type != "data":
                continue
            offset = _first_significant(value)
            if offset is not None:
                return lineno + value.count("\n", 0, offset)
    except TemplateSyntaxError:
        return 1
    return 1


def _first_significant(text: str) -> int | None:
    pos, size = 0, len(text)
    while pos < size:
        ch = text[pos]
        if ch.isspace():
            pos += 1
        elif text.startswith("--", pos):
            end = text.find("\n", pos)
            pos = size if end == -1 else end + 1
        elif text.startswith("/*", pos):
            end = text.find("*/", pos + 2)
            pos = size if end == -1 else end + 2
        else:
            return pos
    return None


def _model_name(file: str) -> str:
    base = file.replace("\\", "/").rsplit("/", 1)[-1]
    return base[:-4] if base.lower().endswith(".sql") else base


def render_models(files: Sequence[DbtFile], *, sources: Mapping[tuple[str, str], str] | None = None,
                  report: ScanReport) -> list[DbtModel]:
    """Render every model; a model that cannot be rendered is reported at its ``file:line`` and skipped.

    Two models with the same name (dbt refuses that too) keep the first; the second is a warning.
    """
    env = _environment()
    rendered: list[tuple[DbtFile, str, _ModelContext, str, int]] = []
    seen: dict[str, str] = {}
    for item in files:
        name = _model_name(item.file)
        if name in seen:
            report.warning(f"dbt model {name!r} is also defined in {seen[name]}; keeping that one",
                           path=item.file)
            continue
        context = _ModelContext(sources or {})
        try:
            text = env.from_string(item.text).render(_globals(context))
        except TemplateSyntaxError as exc:
            report.error(f"cannot render dbt model: {exc.message}", path=item.file, line=exc.lineno)
            continue
        except (TemplateError, RecursionError, ArithmeticError, TypeError, ValueError, LookupError,
                AttributeError) as exc:
            report.error(f"cannot render dbt model: {type(exc).__name__}: {exc}", path=item.file,
                         line=_first_sql_line(env, item.text))
            continue
        seen[name] = item.file
        rendered.append((item, name, context, text, _first_sql_line(env, item.text)))
    relations = {name: _relation(name, context.config) for _item, name, context, _text, _line in rendered}
    models: list[DbtModel] = []
    for item, name, context, text, line in rendered:
        refs = tuple(context.refs)

        def resolve(match: re.Match[str], refs: tuple[str, ...] = refs) -> str:
            ref = refs[int(match.group(1))]
            return relations.get(ref, ref)

        sql = _REF_RE.sub(resolve, text).replace(_THIS, relations[name]).strip()
        materialized = str(context.config.get("materialized") or "view").lower()
        models.append(DbtModel(item.file, name, relations[name], materialized, sql, line, refs))
    return models


def _globals(context: _ModelContext) -> dict[str, Any]:
    return {
        "ref": context.ref,
        "source": context.source,
        "config": _ConfigProxy(context),
        "is_incremental": lambda: False,
        "should_full_refresh": lambda: True,
        "execute": False,
        "var": _var,
        "env_var": _var,
        "this": _THIS,
        "target": {"name": "lakemap", "schema": "", "database": "", "type": ""},
        "dbt_utils": _DBT_UTILS,
    }


def _relation(name: str, config: Mapping[str, Any]) -> str:
    """``[database.][schema.]alias`` from a model's config (dbt's custom schema taken as written)."""
    parts = [str(config[key]) for key in ("database", "schema")
             if isinstance(config.get(key), str) and config[key]]
    alias = config.get("alias")
    parts.append(str(alias) if isinstance(alias, str) and alias else name)
    if len(parts) == 2 and isinstance(config.get("database"), str) and not config.get("schema"):
        parts = parts[-1:]  # a database without a schema cannot be written as db.name
    return ".".join(parts)


def dbt_records(models: Sequence[DbtModel], *, options: ParseOptions,
                report: ScanReport) -> list[LineageRecord]:
    """One record per model: its SELECT's lineage, written to its relation.

    Models are parsed so that a model comes after the models it refers to, and each model's
    columns are taught to the later ones (a cycle, which dbt forbids, falls back to file order).
    Records come back in the order of ``models``.
    """
    by_name = {m.name: m for m in models}
    order = _dependency_order(models)
    index = options.schema
    defaults = Defaults.of(options.default_db, options.default_schema)
    results: dict[str, LineageRecord] = {}
    for name in order:
        model = by_name[name]
        lineage = parse_statement(model.sql, **options.parser_kwargs(index))
        if lineage.confidence == "failed":
            message = (lineage.error or "cannot parse").replace("(line", "(rendered model line", 1)
            report.error(message, path=model.file, line=model.line)
        target = ".".join(defaults.qualify(split_dotted(model.relation)))
        if lineage.kind == "select":
            kind = MATERIALIZED_KINDS.get(model.materialized, "create_table_as")
            lineage = replace(lineage, kind=kind, target=target)
        elif lineage.confidence == "failed":
            lineage = StatementLineage(MATERIALIZED_KINDS.get(model.materialized, "create_table_as"), target,
                                       lineage.sources, (), "failed", lineage.reason, lineage.error)
        if lineage.target and lineage.columns and all(c.column != "*" for c in lineage.columns):
            index = index.extended({tuple(lineage.target.split(".")): [c.column for c in lineage.columns]})
        results[name] = LineageRecord(model.file, model.line, lineage, "dbt", text=model.sql)
    return [results[m.name] for m in models]


def _dependency_order(models: Sequence[DbtModel]) -> list[str]:
    """Model names, each after the models it refers to; file order among equals and on cycles."""
    by_name = {m.name: m for m in models}
    position = {name: i for i, name in enumerate(by_name)}
    memo: dict[str, int] = {}

    def depth(name: str, stack: frozenset[str]) -> int:
        if name not in memo:
            refs = [r for r in by_name[name].refs if r in by_name and r not in stack and r != name]
            memo[name] = 1 + max((depth(r, stack | {name}) for r in refs), default=-1)
        return memo[name]

    try:
        return sorted(by_name, key=lambda n: (depth(n, frozenset()), position[n]))
    except RecursionError:  # a chain of refs thousands of models deep
        return list(by_name)


def source_relations(text: str, *, file: str, report: ScanReport) -> dict[tuple[str, str], str]:
    """``{(source, table): "[db.]schema.identifier"}`` from a dbt YAML file's ``sources:``.

    Files without sources (or that are not YAML mappings) give nothing; YAML errors are
    warnings (dbt itself would stop, but lineage can still use the default naming).
    """
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        report.warning(f"cannot read dbt sources: {getattr(exc, 'problem', None) or exc}", path=file,
                       line=mark.line + 1 if mark is not None else None)
        return {}
    found: dict[tuple[str, str], str] = {}
    entries = document.get("sources") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        return found
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            continue
        source = entry["name"]
        schema = entry.get("schema") if isinstance(entry.get("schema"), str) else source
        database = entry.get("database") if isinstance(entry.get("database"), str) else None
        for table in entry.get("tables") or []:
            if not isinstance(table, Mapping) or not isinstance(table.get("name"), str):
                continue
            identifier = table.get("identifier")
            identifier = identifier if isinstance(identifier, str) else table["name"]
            found[(source, table["name"])] = ".".join(p for p in (database, schema, identifier) if p)
    return found


def project_model_paths(text: str) -> list[str]:
    """The model folders a ``dbt_project.yml`` declares (``model-paths``, formerly ``source-paths``)."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return ["models"]
    if not isinstance(document, Mapping):
        return ["models"]
    for key in ("model-paths", "source-paths"):
        value = document.get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value) and value:
            return list(value)
    return ["models"]
