"""One type vocabulary for every source.

Parquet, Glue, Hive DDL and databases all spell types differently (``int64``, ``long``,
``INT8``, ``bigint``). The catalog compares types across sources (``lakemap diff``) and
renders them side by side, so every scanner maps its spelling onto the names here.

Nested types are written Hive-style without spaces (``array<struct<id:string,qty:int>>``);
:func:`parse_type` turns such a string into a type plus the child columns the model keeps.

Example:
    >>> normalize_primitive("INT8"), normalize_primitive("numeric(10, 2)")
    ('bigint', 'decimal(10,2)')
    >>> t, kids = parse_type("array<struct<product_id:string,price:decimal(10,2)>>")
    >>> t, [(k.name, k.type) for k in kids]
    ('array<struct<product_id:string,price:decimal(10,2)>>', [('product_id', 'string'), ('price', 'decimal(10,2)')])
"""

from __future__ import annotations

import re

from catalog.model import Column

_ALIASES: dict[str, str] = {
    "string": "string", "text": "string", "varchar": "string", "character varying": "string",
    "nvarchar": "string", "char": "char", "character": "char", "nchar": "char", "bpchar": "char",
    "utf8": "string", "large_utf8": "string", "large_string": "string", "uuid": "uuid",
    "int": "int", "integer": "int", "int4": "int", "int32": "int", "mediumint": "int", "uint16": "int",
    "bigint": "bigint", "int8": "bigint", "int64": "bigint", "long": "bigint", "uint32": "bigint",
    "uint64": "bigint", "bigserial": "bigint", "serial": "int", "serial4": "int", "serial8": "bigint",
    "smallint": "smallint", "int2": "smallint", "int16": "smallint", "short": "smallint", "uint8": "smallint",
    "smallserial": "smallint",
    "tinyint": "tinyint", "byte": "tinyint",
    "float": "float", "real": "float", "float4": "float", "float32": "float", "halffloat": "float",
    "float16": "float",
    "double": "double", "double precision": "double", "float8": "double", "float64": "double",
    "decimal": "decimal", "numeric": "decimal", "number": "decimal", "dec": "decimal",
    "boolean": "boolean", "bool": "boolean",
    "date": "date", "date32": "date", "date64": "date",
    "timestamp": "timestamp", "datetime": "timestamp", "timestamp without time zone": "timestamp",
    "timestamp_ntz": "timestamp", "datetime2": "timestamp", "smalldatetime": "timestamp",
    "timestamptz": "timestamptz", "timestamp with time zone": "timestamptz", "timestamp_tz": "timestamptz",
    "timestamp_ltz": "timestamptz", "datetimeoffset": "timestamptz",
    "time": "time", "time without time zone": "time", "timetz": "time", "time with time zone": "time",
    "interval": "interval",
    "binary": "binary", "varbinary": "binary", "bytea": "binary", "blob": "binary", "bytes": "binary",
    "large_binary": "binary", "fixed_size_binary": "binary", "image": "binary",
    "json": "json", "jsonb": "json", "variant": "variant", "object": "struct", "super": "json",
    "null": "void", "void": "void",
}

_PARAM_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*\(\s*([^()]*)\)\s*$")


def normalize_primitive(spelling: str) -> str:
    """Map a non-nested type spelling onto the catalog vocabulary.

    Lengths are kept where they carry meaning (``varchar(20)``, ``char(2)``,
    ``decimal(10,2)``); an unknown spelling is lower-cased and kept, never guessed.
    """
    text = " ".join(spelling.strip().lower().split())
    match = _PARAM_RE.match(text)
    if match:
        base, params = match.group(1).strip(), [p.strip() for p in match.group(2).split(",") if p.strip()]
        canonical = _ALIASES.get(base, base)
        if canonical == "decimal":
            return f"decimal({','.join(params)})" if params else "decimal"
        if canonical == "string" and base in ("varchar", "character varying", "nvarchar") and params:
            return "string" if params[0].lower() == "max" else f"varchar({params[0]})"
        if canonical == "char":
            return f"char({params[0]})" if params else "char"
        if canonical in ("timestamp", "timestamptz", "time", "string", "binary", "float", "double"):
            return canonical  # precision of time types / float(24) carries no catalog meaning
        return f"{canonical}({','.join(params)})"
    return _ALIASES.get(text, text)


def parse_type(text: str) -> tuple[str, tuple[Column, ...]]:
    """Parse a Hive-style type string into ``(normalised_type, children)``.

    Children are the fields of the struct reached through any arrays or map values,
    because that is what a reader means by ``items.price``. Malformed strings are kept
    lower-cased with no children rather than raising: a catalog must not fail on an
    odd type name.
    """
    try:
        parser = _TypeParser(text)
        node = parser.parse()
        if parser.pos != len(parser.text):
            raise ValueError("trailing text")
    except ValueError:
        return " ".join(text.strip().lower().split()), ()
    return node.render(), node.children()


class _Node:
    __slots__ = ("kind", "name", "args")

    def __init__(self, kind: str, name: str = "", args: list | None = None) -> None:
        self.kind = kind  # primitive | array | map | struct
        self.name = name
        self.args = args or []  # array: [elem]; map: [key, value]; struct: [(field, node), ...]

    def render(self) -> str:
        if self.kind == "primitive":
            return self.name
        if self.kind == "array":
            return f"array<{self.args[0].render()}>"
        if self.kind == "map":
            return f"map<{self.args[0].render()},{self.args[1].render()}>"
        return "struct<" + ",".join(f"{name}:{node.render()}" for name, node in self.args) + ">"

    def children(self) -> tuple[Column, ...]:
        if self.kind == "array":
            return self.args[0].children()
        if self.kind == "map":
            return self.args[1].children()
        if self.kind == "struct":
            out = []
            for name, node in self.args:
                out.append(Column(name=name, type=node.render(), children=node.children()))
            return tuple(out)
        return ()


class _TypeParser:
    def __init__(self, text: str) -> None:
        self.text = text.strip()
        self.pos = 0

    def _skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _expect(self, char: str) -> None:
        self._skip()
        if self.pos >= len(self.text) or self.text[self.pos] != char:
            raise ValueError(f"expected {char!r} at {self.pos}")
        self.pos += 1

    def _peek(self) -> str:
        self._skip()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _word(self) -> str:
        self._skip()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in "<>(),:":
            self.pos += 1
        word = self.text[start:self.pos].strip()
        if not word:
            raise ValueError(f"expected a name at {start}")
        return word

    def parse(self) -> _Node:
        word = self._word()
        lower = word.lower()
        if lower == "array" and self._peek() == "<":
            self._expect("<")
            elem = self.parse()
            self._expect(">")
            return _Node("array", args=[elem])
        if lower == "map" and self._peek() == "<":
            self._expect("<")
            key = self.parse()
            self._expect(",")
            value = self.parse()
            self._expect(">")
            return _Node("map", args=[key, value])
        if lower == "struct" and self._peek() == "<":
            self._expect("<")
            fields: list[tuple[str, _Node]] = []
            if self._peek() != ">":
                while True:
                    name = self._word().strip("`\"")
                    self._expect(":")
                    fields.append((name, self.parse()))
                    if self._peek() == ",":
                        self._expect(",")
                        continue
                    break
            self._expect(">")
            return _Node("struct", args=fields)
        if self._peek() == "(":
            start = self.pos
            depth = 0
            while self.pos < len(self.text):
                ch = self.text[self.pos]
                self.pos += 1
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    depth -= 1
                    if depth == 0:
                        break
            if depth:
                raise ValueError("unbalanced parentheses")
            word = word + self.text[start:self.pos]
        return _Node("primitive", name=normalize_primitive(word))
