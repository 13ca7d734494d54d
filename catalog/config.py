"""Load and validate catalog.yaml, pointing at the exact line and column of every mistake.

Validation walks PyYAML's node tree (``yaml.compose``) rather than the plain objects
``safe_load`` returns, because only nodes remember where they came from. Each problem
becomes one ``file:line:column: message`` line; all problems are reported together so a
user fixes their file in one go. ``${VAR}`` and ``${VAR:-default}`` are expanded from the
environment in string values only (keys and structure never come from the environment).

Example:
    >>> cfg = parse_config("title: Shop\\nsources: []\\n", path="catalog.yaml", env={})
    >>> cfg.title, cfg.sources
    ('Shop', ())
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from catalog.model import SECTIONS
from catalog.scanners import COMMON_KEYS, REGISTRY, SourceSpec

__all__ = [
    "Config", "ConfigError", "ColumnCuration", "DatasetCuration", "DeclaredEdge", "LineageConfig",
    "load_config", "parse_config", "DEFAULT_CONFIG",
]

DEFAULT_CONFIG = "catalog.yaml"

_TOP_KEYS = ("title", "output", "cache", "layers", "sources", "lineage", "graph", "datasets")
_LINEAGE_KEYS = ("paths", "dialect", "default_db", "default_schema", "edges")
_EDGE_KEYS = ("from", "to", "via")
_GRAPH_KEYS = ("backend", "vertices", "edges")
_GRAPH_VERTEX_KEYS = ("dataset", "id", "properties", "where")
_GRAPH_EDGE_KEYS = ("dataset", "from", "to", "from_label", "to_label", "properties", "where")
_DATASET_KEYS = ("title", "description", "owners", "update_frequency", "retention", "sla", "consumers",
                 "quality_checks", "tags", "section", "layer", "columns", "aliases")
_COLUMN_KEYS = ("description", "example", "pii")

_ENV_RE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{([^}]*)\}?")


class ConfigError(Exception):
    """One or more problems in a catalog.yaml, each already formatted as ``file:line:col: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ColumnCuration:
    """Hand-written facts about one column (``path`` may be dotted: ``items.price``)."""

    path: str
    description: str = ""
    example: str | None = None
    pii: bool | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class DatasetCuration:
    """Hand-written metadata for one dataset; ``None``/empty means "not curated"."""

    key: str
    title: str = ""
    description: str = ""
    owners: tuple[str, ...] = ()
    update_frequency: str = ""
    retention: str = ""
    sla: str = ""
    consumers: tuple[str, ...] = ()
    quality_checks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    section: str | None = None
    layer: str | None = None
    columns: tuple[ColumnCuration, ...] = ()
    origin: str = ""


@dataclass(frozen=True, slots=True)
class DeclaredEdge:
    """A lineage hop SQL cannot show (a stream, a Lambda, an export), declared in catalog.yaml."""

    source: str
    target: str
    via: str = ""
    origin: str = ""


@dataclass(frozen=True, slots=True)
class LineageConfig:
    paths: tuple[str, ...] = ()
    dialect: str | None = None
    default_db: str | None = None
    default_schema: str | None = None
    edges: tuple[DeclaredEdge, ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    """A validated catalog.yaml. Paths are resolved against ``base_dir`` (the file's folder)."""

    path: Path
    base_dir: Path
    title: str = "Data Catalog"
    output: Path = Path("DATA_CATALOG.md")
    cache_dir: Path | None = None
    layers: dict[str, str] = field(default_factory=dict)
    sources: tuple[SourceSpec, ...] = ()
    lineage: LineageConfig = field(default_factory=LineageConfig)
    graph: dict[str, Any] = field(default_factory=dict)
    datasets: tuple[DatasetCuration, ...] = ()


def load_config(path: str | Path, *, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate ``path``; every problem is raised together as one :class:`ConfigError`."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{shown}: no such file (run `lakemap init` to write a starter catalog.yaml, "
                           f"or pass --config PATH)"]) from None
    except IsADirectoryError:
        raise ConfigError([f"{shown}: is a folder, not a catalog.yaml file"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{shown}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except OSError as exc:
        raise ConfigError([f"{shown}: cannot read ({exc.strerror})"]) from None
    config = parse_config(text, path=shown, env=os.environ if env is None else env)
    base = Path(path).resolve().parent
    return _with_base(config, Path(path), base)


def parse_config(text: str, *, path: str = DEFAULT_CONFIG, env: Mapping[str, str]) -> Config:
    """Validate catalog.yaml text (pure: the environment is passed in)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError([f"{where}: invalid YAML: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path}: invalid YAML: {exc}"]) from None
    validator = _Validator(path, env)
    config = validator.top(root)
    if validator.problems:
        raise ConfigError(validator.problems)
    return config


def _with_base(config: Config, path: Path, base: Path) -> Config:
    """Resolve relative paths against catalog.yaml's folder, as DESIGN.md promises."""
    from dataclasses import replace

    output = config.output if config.output.is_absolute() else base / config.output
    cache = config.cache_dir
    if cache is not None and not cache.is_absolute():
        cache = base / cache
    return replace(config, path=path, base_dir=base, output=output, cache_dir=cache)


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


_KIND_NAMES = {yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list", yaml.ScalarNode: "a value"}


class _Validator:
    """Walks the node tree, builds the typed config, and collects problems with positions."""

    def __init__(self, path: str, env: Mapping[str, str]) -> None:
        self.path = path
        self.env = env
        self.problems: list[str] = []
        self._constructor = yaml.SafeLoader("")

    # -- helpers -------------------------------------------------------------------------
    def where(self, node: yaml.Node) -> str:
        return f"{self.path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"

    def fail(self, node: yaml.Node, message: str) -> None:
        self.problems.append(f"{self.where(node)}: {message}")

    def mapping(self, node: yaml.Node | None, what: str, allowed: tuple[str, ...] | None
                ) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """Items of a mapping node as ``(key, key_node, value_node)``; unknown/duplicate keys reported."""
        if node is None or self._is_null(node):
            return []
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping, got {self._describe(node)}")
            return []
        seen: dict[str, yaml.Node] = {}
        items = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, f"keys in {what} must be plain names")
                continue
            key = str(key_node.value)
            if key in seen:
                first = seen[key].start_mark.line + 1
                self.fail(key_node, f"duplicate key {key!r} in {what} (first set on line {first})")
                continue
            seen[key] = key_node
            if allowed is not None and key not in allowed:
                self.fail(key_node, f"unknown key {key!r} in {what}{_suggest(key, allowed)}; "
                                    f"allowed: {', '.join(allowed)}")
                continue
            items.append((key, key_node, value_node))
        return items

    def _is_null(self, node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"

    def _describe(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.ScalarNode):
            return f"{node.value!r}"
        return _KIND_NAMES.get(type(node), "something else")

    def scalar(self, node: yaml.Node) -> Any:
        """A scalar's Python value, with ``${VAR}`` expanded in strings."""
        value = self._constructor.construct_object(node, deep=True)
        if isinstance(value, str):
            return self.expand(value, node)
        return value

    def expand(self, value: str, node: yaml.Node) -> str:
        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "$$":
                return "$"
            if match.group(3) is not None or match.group(1) is None:
                self.fail(node, f"bad variable reference {match.group(0)!r}: use ${{NAME}} or ${{NAME:-default}}")
                return ""
            name, default = match.group(1), match.group(2)
            if name in self.env:
                return self.env[name]
            if default is not None:
                return default
            self.fail(node, f"environment variable {name} is not set "
                            f"(set it, or give a default with ${{{name}:-default}})")
            return ""

        if "$" not in value:
            return value
        return _ENV_RE.sub(replace, value)

    def string(self, node: yaml.Node, what: str, *, allow_numbers: bool = True) -> str | None:
        if self._is_null(node):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be text, got {self._describe(node)}")
            return None
        value = self.scalar(node)
        if isinstance(value, bool) or (not allow_numbers and not isinstance(value, str)):
            self.fail(node, f"{what} must be text, got {node.value!r}")
            return None
        return str(value)

    def boolean(self, node: yaml.Node, what: str) -> bool | None:
        if self._is_null(node):
            return None
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, bool):
            self.fail(node, f"{what} must be true or false, got {self._describe(node)}")
            return None
        return value

    def strings(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        """A list of strings; a single string is accepted as a one-item list."""
        if self._is_null(node):
            return ()
        if isinstance(node, yaml.ScalarNode):
            value = self.string(node, what)
            return (value,) if value else ()
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"{what} must be a list of text, got {self._describe(node)}")
            return ()
        out = []
        for item in node.value:
            value = self.string(item, f"each item of {what}")
            if value is not None:
                out.append(value)
        return tuple(out)

    def choice(self, node: yaml.Node, what: str, choices: tuple[str, ...]) -> str | None:
        value = self.string(node, what)
        if value is not None and value not in choices:
            self.fail(node, f"{what} must be one of {', '.join(choices)}, got {value!r}{_suggest(value, choices)}")
            return None
        return value

    def plain(self, node: yaml.Node) -> Any:
        """Any YAML value as plain Python (strings expanded), for free-form option values."""
        if isinstance(node, yaml.MappingNode):
            return {str(k.value): self.plain(v) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [self.plain(item) for item in node.value]
        return self.scalar(node)

    # -- sections ------------------------------------------------------------------------
    def top(self, root: yaml.Node | None) -> Config:
        config: dict[str, Any] = {}
        if root is None:
            return Config(path=Path(self.path), base_dir=Path("."))
        handlers: dict[str, Callable[[yaml.Node], None]] = {
            "title": lambda n: config.__setitem__("title", self.string(n, "title") or "Data Catalog"),
            "output": lambda n: self._output(n, config),
            "cache": lambda n: self._cache(n, config),
            "layers": lambda n: config.__setitem__("layers", self.layers(n)),
            "sources": lambda n: config.__setitem__("sources", self.sources(n)),
            "lineage": lambda n: config.__setitem__("lineage", self.lineage(n)),
            "graph": lambda n: config.__setitem__("graph", self.graph(n)),
            "datasets": lambda n: config.__setitem__("datasets", self.datasets(n)),
        }
        if not isinstance(root, yaml.MappingNode):
            self.fail(root, f"catalog.yaml must be a mapping of settings (title, sources, ...), "
                            f"got {self._describe(root)}")
            return Config(path=Path(self.path), base_dir=Path("."))
        for key, _key_node, value in self.mapping(root, "catalog.yaml", _TOP_KEYS):
            handlers[key](value)
        config.setdefault("cache_dir", Path(".lakemap/cache"))
        return Config(path=Path(self.path), base_dir=Path("."), **config)

    def _output(self, node: yaml.Node, config: dict[str, Any]) -> None:
        value = self.string(node, "output")
        if value:
            config["output"] = Path(value)

    def _cache(self, node: yaml.Node, config: dict[str, Any]) -> None:
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if value is False:
            config["cache_dir"] = None
        elif isinstance(value, str) and value:
            config["cache_dir"] = Path(value)
        else:
            self.fail(node, f"cache must be a folder path or false, got {self._describe(node)}")

    def layers(self, node: yaml.Node) -> dict[str, str]:
        out = {}
        for key, _kn, value in self.mapping(node, "layers", None):
            text = self.string(value, f"layers.{key}")
            out[key] = text or ""
        return out

    def sources(self, node: yaml.Node) -> tuple[SourceSpec, ...]:
        if self._is_null(node):
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"sources must be a list of sources, got {self._describe(node)}")
            return ()
        return tuple(spec for item in node.value if (spec := self.source(item)) is not None)

    def source(self, node: yaml.Node) -> SourceSpec | None:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"each source must be a mapping with a kind, got {self._describe(node)}")
            return None
        kind_node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "kind"), None)
        if kind_node is None:
            self.fail(node, f"source has no 'kind' (one of: {', '.join(sorted(REGISTRY))})")
            return None
        kind = self.string(kind_node, "kind")
        if kind not in REGISTRY:
            self.fail(kind_node, f"unknown source kind {kind!r}{_suggest(kind or '', REGISTRY)}; "
                                 f"known kinds: {', '.join(sorted(REGISTRY))}")
            return None
        info = REGISTRY[kind]
        allowed = tuple(COMMON_KEYS) + tuple(info.options)
        options: dict[str, Any] = {}
        common: dict[str, str | None] = {"name": None, "section": None, "layer": None}
        for key, _kn, value in self.mapping(node, f"the {kind} source", allowed):
            if key == "kind":
                continue
            if key == "section":
                common["section"] = self.choice(value, "section", SECTIONS)
            elif key in ("name", "layer"):
                common[key] = self.string(value, key)
            else:
                options[key] = self.plain(value)
        for group in info.required:
            if not any(key in options and options[key] not in (None, "", []) for key in group):
                self.fail(node, f"the {kind} source needs {' or '.join(repr(k) for k in group)}")
        return SourceSpec(kind=kind, options=options, origin=self.where(node), **common)

    def lineage(self, node: yaml.Node) -> LineageConfig:
        values: dict[str, Any] = {}
        for key, _kn, value in self.mapping(node, "lineage", _LINEAGE_KEYS):
            if key == "paths":
                values["paths"] = self.strings(value, "lineage.paths")
            elif key == "edges":
                values["edges"] = self.edges(value)
            else:
                values[key] = self.string(value, f"lineage.{key}")
        return LineageConfig(**values)

    def edges(self, node: yaml.Node) -> tuple[DeclaredEdge, ...]:
        if self._is_null(node):
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"lineage.edges must be a list of {{from, to, via}}, got {self._describe(node)}")
            return ()
        out = []
        for item in node.value:
            parts: dict[str, str | None] = {}
            for key, _kn, value in self.mapping(item, "a lineage edge", _EDGE_KEYS):
                parts[key] = self.string(value, key)
            if isinstance(item, yaml.MappingNode):
                if not parts.get("from") or not parts.get("to"):
                    self.fail(item, "a lineage edge needs both 'from' and 'to'")
                    continue
                out.append(DeclaredEdge(source=parts["from"] or "", target=parts["to"] or "",
                                        via=parts.get("via") or "", origin=self.where(item)))
        return tuple(out)

    def graph(self, node: yaml.Node) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, _kn, value in self.mapping(node, "graph", _GRAPH_KEYS):
            if key == "backend":
                out["backend"] = self.string(value, "graph.backend")
                continue
            keys = _GRAPH_VERTEX_KEYS if key == "vertices" else _GRAPH_EDGE_KEYS
            labels: dict[str, Any] = {}
            for label, _ln, spec in self.mapping(value, f"graph.{key}", None):
                entry: dict[str, Any] = {}
                for field_name, _fn, field_value in self.mapping(spec, f"graph.{key}.{label}", keys):
                    if field_name == "properties":
                        entry[field_name] = list(self.strings(field_value, f"graph.{key}.{label}.properties"))
                    elif field_name == "where":
                        entry[field_name] = {k: self.plain(v) for k, _k, v in
                                             self.mapping(field_value, f"graph.{key}.{label}.where", None)}
                    else:
                        entry[field_name] = self.string(field_value, f"graph.{key}.{label}.{field_name}")
                needed = ("dataset", "id") if key == "vertices" else ("dataset", "from", "to")
                missing = [k for k in needed if not entry.get(k)]
                if missing and isinstance(spec, yaml.MappingNode):
                    self.fail(spec, f"graph.{key}.{label} needs {', '.join(missing)}")
                labels[label] = entry
            out[key] = labels
        return out

    def datasets(self, node: yaml.Node) -> tuple[DatasetCuration, ...]:
        out = []
        for name, key_node, value in self.mapping(node, "datasets", None):
            fields: dict[str, Any] = {}
            for key, _kn, field_value in self.mapping(value, f"datasets.{name}", _DATASET_KEYS):
                if key in ("owners", "consumers", "quality_checks", "tags", "aliases"):
                    fields[key] = self.strings(field_value, f"datasets.{name}.{key}")
                elif key == "section":
                    fields[key] = self.choice(field_value, f"datasets.{name}.section", SECTIONS)
                elif key == "columns":
                    fields[key] = self.columns(field_value, name)
                else:
                    fields[key] = self.string(field_value, f"datasets.{name}.{key}") or (
                        None if key == "layer" else "")
            out.append(DatasetCuration(key=name, origin=self.where(key_node), **fields))
        return tuple(out)

    def columns(self, node: yaml.Node, dataset: str) -> tuple[ColumnCuration, ...]:
        out = []
        for name, key_node, value in self.mapping(node, f"datasets.{dataset}.columns", None):
            if isinstance(value, yaml.ScalarNode) and not self._is_null(value):
                # shorthand: `column: description`
                out.append(ColumnCuration(path=name, description=self.string(value, "description") or "",
                                          origin=self.where(key_node)))
                continue
            fields: dict[str, Any] = {}
            for key, _kn, field_value in self.mapping(value, f"datasets.{dataset}.columns.{name}", _COLUMN_KEYS):
                if key == "pii":
                    fields[key] = self.boolean(field_value, f"{name}.pii")
                elif key == "example":
                    fields[key] = self.string(field_value, f"{name}.example")
                else:
                    fields[key] = self.string(field_value, f"{name}.description") or ""
            out.append(ColumnCuration(path=name, origin=self.where(key_node), **fields))
        return tuple(out)
