"""Gremlin text (as users write it, Groovy style) -> gremlinpython ``Bytecode``, without ``eval``.

Why a parser: ``lakemap graph query 'g.V().has("name","marko").out()'`` and the TinkerPop feature suite hand
us Gremlin as text, and the only safe way to run text is to understand it. A hand-written tokenizer and
recursive-descent parser turn it into exactly the ``Bytecode`` that gremlinpython's own Python API would build
for the same traversal, so the embedded engine, a Gremlin Server and Neptune all receive the same thing.
Nothing is ever evaluated as code: lambdas/closures, assignments, several statements and method calls on plain
values are rejected with a :class:`~graph.errors.GremlinSyntaxError` that carries the 1-based line and column.

The grammar follows TinkerPop's ``Gremlin.g4`` in spirit but is generic over step names: any known Gremlin
step takes any arguments (the engine decides what it supports), so new steps need one word added to
``GREMLIN_STEPS``.

Literal mapping (decisions a reviewer should know):

* integers: no suffix -> ``int``; ``i`` -> ``int``; ``l``/``L`` -> ``statics.long``; ``s`` ->
  ``statics.short``; ``b`` -> ``statics.SingleByte``; ``n`` -> ``statics.bigint`` (each range-checked like
  Java);
* floating point: no suffix and ``d`` -> ``float`` (a Double, as gremlinpython sends ``float``); ``f`` ->
  ``graph.engine.numbers.Float32`` (a ``float`` subclass, so it still travels as a number, that tells the
  engine it is a Java float); ``m`` -> gremlinpython's ``statics.BigDecimal`` (exact; the wire type for
  BigDecimal); ``NaN``/``Infinity`` -> ``float``;
* ``datetime("...")``/``DateTime("...")`` -> timezone-aware ``datetime.datetime`` (UTC unless an offset is
  given); ``UUID("...")`` -> ``uuid.UUID``; ``[a:1]`` -> ``dict`` (bare-word keys are strings,
  ``id``/``label`` mean ``T``); ``[1,2]`` -> ``list``; ``{1,2}`` -> ``set``; ``Cardinality.set(x)`` ->
  ``CardinalityValue``;
* predicates ``P.gt(1)``/``gt(1)``/``TextP.containing("a")`` -> ``P``/``TextP``; ``.and()``/``.or()`` compose,
  ``.negate()`` rewrites to the opposite predicate (De Morgan for ``and``/``or``/ranges);
* strategies ``new SubgraphStrategy(vertices: __.has("a"))`` -> gremlinpython's strategy object with the
  Gremlin (camelCase) configuration keys; ``withoutStrategies(X)`` passes the strategy class, as
  ``without_strategies`` does;
* terminal ``.toList()`` is accepted and ignored, ``.iterate()`` appends ``discard`` (as gremlinpython 3.8
  does); other terminals (``next()``, ``hasNext()``...) are rejected because a Bytecode cannot carry them.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import functools
import inspect
import math
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gremlin_python import statics
from gremlin_python.process import strategies as _strategies
from gremlin_python.process.traversal import (
    DT,
    IO,
    Barrier,
    Bytecode,
    Cardinality,
    CardinalityValue,
    Column,
    ConnectedComponent,
    Direction,
    GType,
    Merge,
    Operator,
    Order,
    P,
    PageRank,
    PeerPressure,
    Pick,
    Pop,
    Scope,
    ShortestPath,
    T,
    TextP,
    Traversal,
    TraversalStrategy,
    WithOptions,
)
from gremlin_python.structure.graph import Vertex

from graph.engine.numbers import Float32
from graph.errors import GremlinSyntaxError

__all__ = ["GREMLIN_STEPS", "SOURCE_STEPS", "parse_traversal", "to_big_decimal"]

# ------------------------------------------------------------------------------------------------------------
# Vocabulary
# ------------------------------------------------------------------------------------------------------------

#: Steps a traversal may chain (Gremlin's own spelling). Union of Gremlin.g4's traversalMethod list and the
#: steps the 3.8 feature suite uses; unknown names are syntax errors so typos are caught with a position.
GREMLIN_STEPS: frozenset[str] = frozenset(
    """
    V E addE addV aggregate all and any as asBool asDate asNumber asString barrier both bothE bothV branch by
    call cap choose coalesce coin combine concat conjoin connectedComponent constant count cyclicPath dateAdd
    dateDiff dedup difference discard disjunct drop element elementMap emit fail filter flatMap fold format
    from group groupCount has hasId hasKey hasLabel hasNot hasValue id identity in inE inV index inject
    intersect is key label length limit local loops lTrim map match math max mean merge mergeE mergeV min none
    not option optional or order otherV out outE outV pageRank path peerPressure product profile project
    properties property propertyMap range read repeat replace reverse rTrim sack sample select shortestPath
    sideEffect simplePath skip split store subgraph substring sum tail timeLimit times to toE toLower toUpper
    toV tree trim unfold union until value valueMap values where with write
    """.split()  # noqa: SIM905 - a word list reads best as words
)

#: Steps that may start a traversal from ``g``.
SOURCE_STEPS: frozenset[str] = frozenset(
    ["V", "E", "addE", "addV", "mergeE", "mergeV", "inject", "io", "call", "union"]
)

_SOURCE_CONFIG = frozenset(
    [
        "withBulk",
        "withPath",
        "withSack",
        "withSideEffect",
        "withStrategies",
        "withoutStrategies",
        "with",
        "withComputer",
    ]
)
_TERMINALS = frozenset(["toList", "toSet", "toBulkSet", "next", "tryNext", "hasNext", "iterate", "explain"])


def _members(enum: Any, words: str, **aliases: str) -> dict[str, Any]:
    """Gremlin's spelling -> gremlinpython's member, which may carry a trailing ``_`` (``Pop.all_``) or be
    snake_case (``Merge.on_create``); ``aliases`` name the member where the plain rules pick the wrong one."""
    out: dict[str, Any] = {}
    for word in words.split():
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in word)
        for attr in (aliases.get(word), word, word + "_", snake):
            if attr and hasattr(enum, attr):
                out[word] = getattr(enum, attr)
                break
        else:  # pragma: no cover - guards the tables below against a gremlinpython rename
            raise AttributeError(f"{enum!r} has no member for {word!r}")
    return out


# Qualified enum-like names: ``Class.member`` (Gremlin spelling) -> value. Order.incr/decr were removed from
# gremlinpython; they are accepted as the asc/desc they became.
_ENUM_CLASSES: dict[str, dict[str, Any]] = {
    "T": _members(T, "id label key value"),
    "Order": _members(Order, "asc desc shuffle incr decr", incr="asc", decr="desc"),
    "Column": _members(Column, "keys values"),
    "Scope": _members(Scope, "local global"),
    "Pop": _members(Pop, "first last all mixed"),
    "Cardinality": _members(Cardinality, "single set list"),
    "Merge": _members(Merge, "onCreate onMatch outV inV"),
    "Direction": _members(Direction, "OUT IN BOTH from to", **{"from": "OUT", "to": "IN"}),
    "Operator": _members(
        Operator, "sum minus mult div min max assign and or addAll sumLong", min="min_", max="max_"
    ),
    "Pick": _members(Pick, "any none unproductive"),
    "Barrier": _members(Barrier, "normSack"),
    "DT": _members(DT, "second minute hour day"),
    "GType": dict(GType.__members__),
    "WithOptions": _members(WithOptions, "tokens none ids labels keys values all indexer list map"),
    "IO": _members(IO, "graphml graphson gryo reader writer"),
    "ConnectedComponent": _members(ConnectedComponent, "component edges propertyName"),
    "PageRank": _members(PageRank, "edges times propertyName"),
    "PeerPressure": _members(PeerPressure, "edges times propertyName"),
    "ShortestPath": _members(ShortestPath, "target edges distance maxDistance includeEdges"),
}

# Bare words that mean an enum value when not followed by "(" (Gremlin.g4's traversalToken, traversalOrder,
# ...).
_BARE_TOKENS: dict[str, Any] = {
    word: member
    for cls in (
        "T",
        "Order",
        "Column",
        "Scope",
        "Pop",
        "Cardinality",
        "Merge",
        "Direction",
        "Operator",
        "Pick",
        "Barrier",
        "DT",
    )
    for word, member in _ENUM_CLASSES[cls].items()
    if (cls, word) != ("Pick", "unproductive")
}

_P_ONE = frozenset(["eq", "neq", "lt", "lte", "gt", "gte", "typeOf"])
_P_TWO = frozenset(["inside", "outside", "between"])
_P_LIST = frozenset(["within", "without"])
_TEXT_P = frozenset(
    [
        "containing",
        "notContaining",
        "startingWith",
        "notStartingWith",
        "endingWith",
        "notEndingWith",
        "regex",
        "notRegex",
    ]
)
_PREDICATES = _P_ONE | _P_TWO | _P_LIST | _TEXT_P | {"not"}

# Map keys written as bare words follow Gremlin.g4's mapEntry: T tokens and directions are enums, the rest
# strings.
_MAP_KEY_TOKENS: dict[str, Any] = {**_ENUM_CLASSES["T"], **_ENUM_CLASSES["Direction"]}

_INT_RANGES = {
    "b": (-(2**7), 2**7 - 1, "byte"),
    "s": (-(2**15), 2**15 - 1, "short"),
    "i": (-(2**31), 2**31 - 1, "int"),
    "l": (-(2**63), 2**63 - 1, "long"),
}
_MAX_DEPTH = 120  # nesting of lists/maps/traversals; deeper input is refused instead of overflowing the stack
_LAMBDA_HINT = "lambdas and closures are not supported (never evaluated); use Gremlin steps instead"
_SCRIPT_HINT = "Gremlin scripts are not supported: give one traversal that starts with g"

# ------------------------------------------------------------------------------------------------------------
# Tokens
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # ident | string | number | punct | arrow | op | eof
    text: str
    value: Any
    line: int
    column: int


def _describe(tok: _Token) -> str:
    if tok.kind == "eof":
        return "end of input"
    if tok.kind == "string":
        shown = tok.value if len(tok.value) <= 30 else tok.value[:27] + "..."
        return f"string {shown!r}"
    if tok.kind == "number":
        return f"number {tok.text}"
    return repr(tok.text)


class _Lexer:
    """Turns text into tokens, tracking 1-based line/column; unknown characters become ``op`` tokens."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.col = 1

    def _fail(self, message: str, line: int, col: int) -> GremlinSyntaxError:
        return GremlinSyntaxError(message, line, col)

    def _advance(self, n: int) -> None:
        for ch in self.text[self.pos : self.pos + n]:
            if ch == "\n":
                self.line += 1
                self.col = 1
            else:
                self.col += 1
        self.pos += n

    def tokens(self) -> list[_Token]:
        out: list[_Token] = []
        text = self.text
        while True:
            self._skip_space_and_comments()
            if self.pos >= len(text):
                out.append(_Token("eof", "", None, self.line, self.col))
                return out
            ch = text[self.pos]
            line, col = self.line, self.col
            if ch in "\"'":
                out.append(self._string(ch))
            elif (
                _is_digit(ch) or (ch in "+-" and self._sign_starts_number()) or self._leading_dot_number(out)
            ):
                out.append(self._number())
            elif ch.isalpha() or ch in "_$":
                end = self.pos + 1
                while end < len(text) and (text[end].isalnum() or text[end] in "_$"):
                    end += 1
                word = text[self.pos : end]
                self._advance(end - self.pos)
                out.append(_Token("ident", word, word, line, col))
            elif text.startswith("->", self.pos):
                self._advance(2)
                out.append(_Token("arrow", "->", None, line, col))
            elif ch in "()[]{},.:;":
                self._advance(1)
                out.append(_Token("punct", ch, ch, line, col))
            else:
                self._advance(1)
                out.append(_Token("op", ch, ch, line, col))

    def _skip_space_and_comments(self) -> None:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch.isspace():
                self._advance(1)
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self._advance((len(text) if end < 0 else end) - self.pos)
            elif text.startswith("/*", self.pos):
                line, col = self.line, self.col
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self._fail("unterminated /* comment", line, col)
                self._advance(end + 2 - self.pos)
            else:
                return

    def _sign_starts_number(self) -> bool:
        rest = self.text[self.pos + 1 : self.pos + 9]
        return bool(rest) and (
            _is_digit(rest[0]) or rest.startswith("Infinity") or (rest[0] == "." and _is_digit(rest[1:2]))
        )

    def _leading_dot_number(self, out: list[_Token]) -> bool:
        """``.5d`` is a number where a value may start (after ``(``, ``,``, ``[``, ``:``, ``{``); elsewhere
        ``.`` chains."""
        text, pos = self.text, self.pos
        if text[pos] != "." or not _is_digit(text[pos + 1 : pos + 2]):
            return False
        return bool(out) and out[-1].kind == "punct" and out[-1].text in "(,[:{"

    def _string(self, quote: str) -> _Token:
        text = self.text
        line, col = self.line, self.col
        i = self.pos + 1
        chars: list[str] = []
        while True:
            if i >= len(text):
                raise self._fail(f"unterminated string: expected closing {quote}", line, col)
            ch = text[i]
            if ch == quote:
                i += 1
                break
            if ch != "\\":
                chars.append(ch)
                i += 1
                continue
            i, decoded = self._escape(i, line, col)
            chars.append(decoded)
        raw = text[self.pos : i]
        self._advance(i - self.pos)
        return _Token("string", raw, "".join(chars), line, col)

    def _escape(self, i: int, line: int, col: int) -> tuple[int, str]:
        """Decode the escape at ``text[i] == '\\'``; return the index after it and the character(s)."""
        text = self.text
        if i + 1 >= len(text):
            raise self._fail("unterminated string: a backslash ends the input", line, col)
        nxt = text[i + 1]
        simple = {
            "b": "\b",
            "t": "\t",
            "n": "\n",
            "f": "\f",
            "r": "\r",
            '"': '"',
            "'": "'",
            "\\": "\\",
            "$": "$",
        }
        if nxt in simple:
            return i + 2, simple[nxt]
        if nxt == "\n":  # line continuation
            return i + 2, ""
        if nxt == "\r" and text.startswith("\n", i + 2):
            return i + 3, ""
        if nxt == "u":
            j = i + 1
            while j < len(text) and text[j] == "u":
                j += 1
            digits = text[j : j + 4]
            if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
                raise self._fail("bad \\u escape in string: expected four hex digits", *self._pos_of(i))
            return j + 4, chr(int(digits, 16))
        if nxt in "01234567":
            j = i + 1
            limit = 3 if nxt in "0123" else 2
            while j < len(text) and j - (i + 1) < limit and text[j] in "01234567":
                j += 1
            return j, chr(int(text[i + 1 : j], 8))
        raise self._fail(f"unknown escape \\{nxt} in string", *self._pos_of(i))

    def _pos_of(self, index: int) -> tuple[int, int]:
        before = self.text[:index]
        line = before.count("\n") + 1
        return line, index - (before.rfind("\n") + 1) + 1

    def _number(self) -> _Token:
        text = self.text
        line, col = self.line, self.col
        i = self.pos
        sign = ""
        if text[i] in "+-":
            sign = text[i]
            i += 1
        if text.startswith("Infinity", i):
            end = i + len("Infinity")
            self._advance(end - self.pos)
            value = -math.inf if sign == "-" else math.inf
            return _Token("number", sign + "Infinity", value, line, col)
        start = i
        if text.startswith(("0x", "0X"), i):
            i += 2
            while i < len(text) and (text[i] in "0123456789abcdefABCDEF_"):
                i += 1
            digits = text[start + 2 : i].replace("_", "")
            suffix = ""
            if i < len(text) and text[i] in "sSnNiIlL":
                suffix = text[i].lower()
                i += 1
            self._check_number_end(i, line, col)
            if not digits:
                raise self._fail("malformed hex number: expected hex digits after 0x", line, col)
            value = int(sign + digits, 16)
            raw = text[self.pos : i]
            self._advance(i - self.pos)
            return _Token("number", raw, self._integer(value, suffix, raw, line, col), line, col)
        while i < len(text) and (_is_digit(text[i]) or text[i] == "_"):
            i += 1
        is_float = False
        if i + 1 < len(text) and text[i] == "." and _is_digit(text[i + 1]):
            is_float = True
            i += 1
            while i < len(text) and (_is_digit(text[i]) or text[i] == "_"):
                i += 1
        if i < len(text) and text[i] in "eE":
            j = i + 1
            if j < len(text) and text[j] in "+-":
                j += 1
            if j < len(text) and _is_digit(text[j]):
                is_float = True
                i = j
                while i < len(text) and _is_digit(text[i]):
                    i += 1
        suffix = ""
        if i < len(text) and text[i] in "bBsSnNiIlLfFdDmM":
            suffix = text[i].lower()
            i += 1
        self._check_number_end(i, line, col)
        body = text[start : i - len(suffix)]
        raw = text[self.pos : i]
        if body.endswith("_") or "_." in body or "._" in body:
            raise self._fail(f"malformed number {raw}", line, col)
        digits = body.replace("_", "")
        self._advance(i - self.pos)
        if is_float or suffix in ("f", "d", "m"):
            if is_float and suffix in ("b", "s", "n", "i", "l"):
                raise self._fail(f"malformed number {raw}: an integer suffix on a decimal number", line, col)
            if suffix == "m":
                return _Token("number", raw, to_big_decimal(decimal.Decimal(sign + digits)), line, col)
            if suffix == "f":
                return _Token("number", raw, Float32(sign + digits), line, col)
            return _Token("number", raw, float(sign + digits), line, col)
        if len(digits) > 1 and digits.startswith("0"):  # Java/Groovy octal
            if any(c not in "01234567" for c in digits):
                raise self._fail(f"malformed octal number {raw}", line, col)
            value = int(sign + digits, 8)
        else:
            value = _big_int(sign + digits)
        return _Token("number", raw, self._integer(value, suffix, raw, line, col), line, col)

    def _check_number_end(self, i: int, line: int, col: int) -> None:
        text = self.text
        if i < len(text) and (text[i].isalnum() or text[i] in "_$"):
            end = i
            while end < len(text) and (text[end].isalnum() or text[end] in "_$."):
                end += 1
            raise self._fail(f"malformed number {text[self.pos : end]!r}", line, col)

    def _integer(self, value: int, suffix: str, raw: str, line: int, col: int) -> Any:
        if suffix in _INT_RANGES:
            low, high, name = _INT_RANGES[suffix]
            if not low <= value <= high:
                raise self._fail(f"number {raw} is out of range for {name}", line, col)
            if suffix == "b":
                return statics.SingleByte(value)
            if suffix == "s":
                return statics.short(value)
            if suffix == "l":
                return statics.long(value)
            return int(value)
        if suffix == "n":
            return statics.bigint(value)
        if not -(2**63) <= value <= 2**63 - 1:
            return statics.bigint(value)
        return value


def to_big_decimal(value: decimal.Decimal) -> statics.BigDecimal:
    """gremlinpython's wire type for Java's BigDecimal (scale + unscaled integer), from an exact Decimal."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"{value} has no BigDecimal form")  # noqa: TRY004 - NaN/Infinity: a bad value
    unscaled = int("".join(map(str, digits)) or "0")
    return statics.BigDecimal(-exponent, -unscaled if sign else unscaled)


def _is_digit(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts ``²`` and other Unicode digits ``int()`` rejects."""
    return len(text) == 1 and "0" <= text <= "9"


def _big_int(digits: str) -> int:
    """``int(digits)`` without tripping Python's 4,300-digit conversion guard (the suite has 1,000+ digit
    BigIntegers)."""
    if len(digits) < 4000:
        return int(digits)
    return int(decimal.Decimal(digits))


# ------------------------------------------------------------------------------------------------------------
# Parser
# ------------------------------------------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the token list; every method raises GremlinSyntaxError on bad input."""

    def __init__(self, tokens: list[_Token], parameters: Mapping[str, Any]) -> None:
        self.toks = tokens
        self.i = 0
        self.params = parameters
        self.depth = 0

    # -- token helpers
    # --------------------------------------------------------------------------------------------------------
    @property
    def tok(self) -> _Token:
        return self.toks[self.i]

    def peek(self, offset: int = 1) -> _Token:
        return self.toks[min(self.i + offset, len(self.toks) - 1)]

    def take(self) -> _Token:
        tok = self.toks[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def is_punct(self, ch: str, tok: _Token | None = None) -> bool:
        tok = tok or self.tok
        return tok.kind == "punct" and tok.text == ch

    def fail(self, message: str, tok: _Token | None = None) -> GremlinSyntaxError:
        tok = tok or self.tok
        return GremlinSyntaxError(message, tok.line, tok.column)

    def expected(self, what: str, tok: _Token | None = None) -> GremlinSyntaxError:
        tok = tok or self.tok
        hint = ""
        if tok.kind == "arrow" or (tok.kind == "punct" and tok.text == "{"):
            hint = f"; {_LAMBDA_HINT}"
        elif tok.kind == "op" and tok.text == "=":
            hint = f"; assignments are not supported. {_SCRIPT_HINT}"
        elif tok.kind == "punct" and tok.text == ";":
            hint = f"; several statements are not supported. {_SCRIPT_HINT}"
        return self.fail(f"expected {what}, found {_describe(tok)}{hint}", tok)

    def expect_punct(self, ch: str) -> _Token:
        if not self.is_punct(ch):
            raise self.expected(f"'{ch}'")
        return self.take()

    def expect_ident(self, what: str) -> _Token:
        if self.tok.kind != "ident":
            raise self.expected(what)
        return self.take()

    def enter(self) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self.fail(f"nesting deeper than {_MAX_DEPTH} levels is not supported")

    def leave(self) -> None:
        self.depth -= 1

    # -- query
    # --------------------------------------------------------------------------------------------------------
    def query(self) -> Bytecode:
        first = self.tok
        if first.kind == "eof":
            raise self.fail("expected a traversal starting with 'g', found end of input")
        if first.kind != "ident" or first.text != "g":
            if first.kind == "ident" and self.peek().kind == "op" and self.peek().text == "=":
                raise self.fail(f"assignments are not supported. {_SCRIPT_HINT}", self.peek())
            if first.kind == "ident" and first.text in ("def", "var", "import", "final", "new"):
                raise self.fail(f"expected 'g', found {_describe(first)}. {_SCRIPT_HINT}", first)
            if first.kind == "ident" and first.text == "__":
                raise self.fail(
                    "expected 'g', found '__': an anonymous traversal cannot run on its own", first
                )
            raise self.expected("'g' to start a traversal", first)
        self.take()
        bytecode = Bytecode()
        self.expect_punct(".")
        name_tok = self.expect_ident("a step name after 'g.'")
        while name_tok.text in _SOURCE_CONFIG:
            self.source_config(bytecode, name_tok)
            self.expect_punct(".")
            name_tok = self.expect_ident("a step name")
        if name_tok.text not in SOURCE_STEPS:
            if name_tok.text in ("tx",):
                raise self.fail("transactions (g.tx()) are not supported in Gremlin text", name_tok)
            raise self.fail(
                f"expected a start step ({', '.join(sorted(SOURCE_STEPS))}) after g, "
                f"found {_describe(name_tok)}",
                name_tok,
            )
        self.step_call(bytecode, name_tok)
        self.chain(bytecode, allow_terminal=True)
        if self.is_punct(";") and self.peek().kind == "eof":
            self.take()
        if self.tok.kind != "eof":
            raise self.expected("'.' or end of input")
        return bytecode

    def chain(self, bytecode: Bytecode, *, allow_terminal: bool) -> None:
        """Parse ``.step(args)`` repeatedly, appending to ``bytecode``."""
        while self.is_punct(".") and self.peek().kind == "ident":
            name_tok = self.peek()
            if name_tok.text in _TERMINALS:
                self.take()
                self.take()
                self.terminal(bytecode, name_tok, allow_terminal)
                return
            if name_tok.text not in GREMLIN_STEPS:
                # A P method (and/or/negate) or a script call after a value is handled by the caller's
                # context.
                raise self.fail(f"unknown step {name_tok.text!r}", name_tok)
            self.take()
            self.take()
            self.step_call(bytecode, name_tok)
        if self.is_punct(".") and self.peek().kind != "ident":
            self.take()
            raise self.expected("a step name after '.'")

    def terminal(self, bytecode: Bytecode, name_tok: _Token, allowed: bool) -> None:
        self.expect_punct("(")
        self.expect_punct(")")
        if not allowed:
            raise self.fail(f"terminal step {name_tok.text}() cannot be used inside an argument", name_tok)
        if name_tok.text == "iterate":
            bytecode.add_step("discard")
        elif name_tok.text != "toList":
            raise self.fail(
                f"terminal step {name_tok.text}() is not supported in Gremlin text; the caller iterates the "
                "traversal (use limit(1) for one result)",
                name_tok,
            )
        if self.tok.kind != "eof" and not (self.is_punct(";") and self.peek().kind == "eof"):
            raise self.expected(f"end of input after {name_tok.text}()")

    def step_call(self, bytecode: Bytecode, name_tok: _Token) -> None:
        args = self.arguments()
        bytecode.add_step(name_tok.text, *args)

    def arguments(self) -> list[Any]:
        self.expect_punct("(")
        args: list[Any] = []
        if self.is_punct(")"):
            self.take()
            return args
        self.enter()
        while True:
            args.append(self.expression())
            if self.is_punct(","):
                self.take()
                continue
            if self.is_punct(")"):
                self.take()
                self.leave()
                return args
            if self.is_punct("."):
                raise self.fail(
                    "expected ',' or ')', found '.': methods can only be called on traversals and "
                    "predicates. "
                    f"{_SCRIPT_HINT}"
                )
            raise self.expected("',' or ')'")

    # -- source configuration
    # --------------------------------------------------------------------------------------------------------
    def source_config(self, bytecode: Bytecode, name_tok: _Token) -> None:
        name = name_tok.text
        if name == "withStrategies":
            self.expect_punct("(")
            strategies_: list[Any] = []
            while not self.is_punct(")"):
                strategies_.append(self.strategy())
                if not self.is_punct(")"):
                    self.expect_punct(",")
            self.take()
            if not strategies_:
                raise self.fail("withStrategies() needs at least one strategy", name_tok)
            bytecode.add_source("withStrategies", *strategies_)
            return
        if name == "withoutStrategies":
            self.expect_punct("(")
            classes: list[Any] = []
            while not self.is_punct(")"):
                tok = self.expect_ident("a strategy class name")
                classes.append(_strategy_class(tok, self))
                if not self.is_punct(")"):
                    self.expect_punct(",")
            self.take()
            if not classes:
                raise self.fail("withoutStrategies() needs at least one strategy", name_tok)
            bytecode.add_source("withoutStrategies", *classes)
            return
        args = self.arguments()
        if name == "with":
            if not 1 <= len(args) <= 2 or not isinstance(args[0], str):
                raise self.fail("g.with() takes a string key and an optional value", name_tok)
            _add_option(bytecode, args[0], True if len(args) == 1 else args[1])
        elif name == "withComputer":
            if args:
                raise self.fail("withComputer() with arguments is not supported in Gremlin text", name_tok)
            bytecode.add_source("withStrategies", _make_strategy("VertexProgramStrategy", {}))
        else:
            bytecode.add_source(name, *args)

    def strategy(self) -> TraversalStrategy:
        if self.tok.kind == "ident" and self.tok.text == "new":
            self.take()
        tok = self.expect_ident("a traversal strategy")
        cls = _strategy_class(tok, self)
        config: dict[str, Any] = {}
        if self.is_punct("("):
            self.take()
            self.enter()
            while not self.is_punct(")"):
                key = self.expect_ident("a configuration key like name:")
                self.expect_punct(":")
                config[key.text] = self.expression()
                if not self.is_punct(")"):
                    self.expect_punct(",")
            self.take()
            self.leave()
        return _make_strategy(cls.__name__, config)

    # -- expressions
    # --------------------------------------------------------------------------------------------------------
    def expression(self) -> Any:
        tok = self.tok
        if tok.kind in ("string", "number"):
            self.take()
            return tok.value
        if tok.kind == "punct":
            if tok.text == "[":
                return self.list_or_map()
            if tok.text == "{":
                return self.set_or_lambda()
            raise self.expected("a value")
        if tok.kind == "arrow":
            raise self.fail(_LAMBDA_HINT, tok)
        if tok.kind != "ident":
            raise self.expected("a value")
        return self.identifier_expression()

    def identifier_expression(self) -> Any:
        tok = self.take()
        word = tok.text
        nxt = self.tok
        if nxt.kind == "arrow":
            raise self.fail(_LAMBDA_HINT, nxt)
        if nxt.kind == "op" and nxt.text == "=":
            raise self.fail(f"assignments are not supported. {_SCRIPT_HINT}", nxt)
        if word in ("null", "true", "false", "NaN", "Infinity") and not self.is_punct("("):
            return {"null": None, "true": True, "false": False, "NaN": math.nan, "Infinity": math.inf}[word]
        if word == "__":
            return self.anonymous_chain()
        if word == "g":
            raise self.fail("child traversals must be anonymous: write __.V() or V(), not g.V()", tok)
        if word == "new":
            cls_tok = self.expect_ident("a class name after new")
            if cls_tok.text in ("Vertex", "ReferenceVertex"):
                return self.vertex(cls_tok)
            raise self.fail(
                f"'new {cls_tok.text}' is only allowed for strategies in withStrategies()", cls_tok
            )
        if word == "Lambda" or word == "it":
            raise self.fail(_LAMBDA_HINT, tok)
        if self.is_punct(".") and word in ("P", "TextP"):
            return self.qualified_predicate(tok)
        if self.is_punct(".") and word in _ENUM_CLASSES:
            return self.qualified_enum(tok)
        if self.is_punct("("):
            return self.call(tok)
        if word in self.params:
            value = _convert_parameter(self.params[word], tok)
            if self.is_punct("."):
                raise self.fail(
                    f"method calls on parameter {word!r} are not supported. {_SCRIPT_HINT}", self.tok
                )
            return value
        if word in _BARE_TOKENS:
            return _BARE_TOKENS[word]
        if word in GREMLIN_STEPS:
            raise self.fail(f"expected '(' after step {word!r}", self.tok)
        raise self.fail(f"unknown name {word!r}: not a Gremlin token and not a bound parameter", tok)

    def call(self, tok: _Token) -> Any:
        word = tok.text
        if word in ("datetime", "DateTime"):
            return self.datetime_literal(tok)
        if word == "UUID":
            return self.uuid_literal(tok)
        if word in ("Vertex", "ReferenceVertex"):
            return self.vertex(tok)
        if word in ("single", "set", "list"):
            args = self.arguments()
            if len(args) != 1:
                raise self.fail(f"{word}() takes one value", tok)
            return _cardinality_value(word, args[0])
        if word == "not":
            return self.not_call(tok)
        if word in _PREDICATES:
            return self.predicate_tail(self.predicate(word, tok))
        if word in GREMLIN_STEPS:
            bytecode = Bytecode()
            self.step_call(bytecode, tok)
            self.enter()
            self.chain(bytecode, allow_terminal=False)
            self.leave()
            return bytecode
        if word.endswith("Strategy"):
            raise self.fail(f"strategy {word} is only allowed in withStrategies()", tok)
        raise self.fail(f"unknown step or function {word!r}", tok)

    def anonymous_chain(self) -> Bytecode:
        self.expect_punct(".")
        name_tok = self.expect_ident("a step name after '__.'")
        if name_tok.text not in GREMLIN_STEPS:
            raise self.fail(f"unknown step {name_tok.text!r}", name_tok)
        bytecode = Bytecode()
        self.step_call(bytecode, name_tok)
        self.enter()
        self.chain(bytecode, allow_terminal=False)
        self.leave()
        return bytecode

    def not_call(self, tok: _Token) -> Any:
        """``not(P)`` is a predicate, ``not(traversal)`` a filter step; the argument decides."""
        args = self.arguments()
        if len(args) == 1 and isinstance(args[0], P):
            return self.predicate_tail(P.not_(args[0]))
        if len(args) == 1 and isinstance(args[0], Bytecode) and not isinstance(args[0], CardinalityValue):
            bytecode = Bytecode()
            bytecode.add_step("not", args[0])
            self.enter()
            self.chain(bytecode, allow_terminal=False)
            self.leave()
            return bytecode
        raise self.fail("not() takes one predicate or one traversal", tok)

    def qualified_predicate(self, cls_tok: _Token) -> P:
        self.expect_punct(".")
        name_tok = self.expect_ident(f"a predicate after {cls_tok.text}.")
        name = name_tok.text
        if cls_tok.text == "TextP" and name not in _TEXT_P:
            raise self.fail(f"unknown text predicate TextP.{name}", name_tok)
        if cls_tok.text == "P" and name not in _PREDICATES - _TEXT_P:
            raise self.fail(f"unknown predicate P.{name}", name_tok)
        if name == "not":
            args = self.arguments()
            if len(args) != 1 or not isinstance(args[0], P):
                raise self.fail("P.not() takes one predicate", name_tok)
            return self.predicate_tail(P.not_(args[0]))
        return self.predicate_tail(self.predicate(name, name_tok))

    def predicate(self, name: str, tok: _Token) -> P:
        args = self.arguments()
        if name in _TEXT_P:
            if len(args) != 1:
                raise self.fail(f"{name}() takes one string", tok)
            return TextP(name, args[0])
        if name in _P_ONE:
            if len(args) != 1:
                raise self.fail(f"{name}() takes one value", tok)
            return P(name, args[0])
        if name in _P_TWO:
            if len(args) != 2:
                raise self.fail(f"{name}() takes two values", tok)
            return P(name, args[0], args[1])
        # within/without: same argument handling as gremlinpython's P.within(*args)
        if len(args) == 1 and type(args[0]) is list:
            return P(name, args[0])
        if len(args) == 1 and type(args[0]) is set:
            return P(name, list(args[0]))
        return P(name, list(args))

    def predicate_tail(self, pred: P) -> P:
        """``.and(p)``, ``.or(p)`` and ``.negate()`` after a predicate."""
        while (
            self.is_punct(".") and self.peek().kind == "ident" and self.peek().text in ("and", "or", "negate")
        ):
            self.take()
            name_tok = self.take()
            args = self.arguments()
            if name_tok.text == "negate":
                if args:
                    raise self.fail("negate() takes no arguments", name_tok)
                pred = _negate(pred)
                continue
            if len(args) != 1 or not isinstance(args[0], P):
                raise self.fail(f"{name_tok.text}() on a predicate takes one predicate", name_tok)
            pred = P(name_tok.text, pred, args[0])
        if self.is_punct(".") and self.peek().kind == "ident":
            raise self.fail(
                f"expected and(), or() or negate() after a predicate, found {_describe(self.peek())}",
                self.peek(),
            )
        return pred

    def qualified_enum(self, cls_tok: _Token) -> Any:
        self.expect_punct(".")
        name_tok = self.expect_ident(f"a member of {cls_tok.text}")
        members = _ENUM_CLASSES[cls_tok.text]
        if name_tok.text not in members:
            raise self.fail(
                f"unknown {cls_tok.text} member {name_tok.text!r}; "
                f"expected one of {', '.join(sorted(members))}",
                name_tok,
            )
        if cls_tok.text == "Cardinality" and self.is_punct("("):
            args = self.arguments()
            if len(args) != 1:
                raise self.fail(f"Cardinality.{name_tok.text}() takes one value", name_tok)
            return _cardinality_value(name_tok.text, args[0])
        if self.is_punct("."):
            raise self.fail(f"methods on {cls_tok.text}.{name_tok.text} are not supported", self.tok)
        return members[name_tok.text]

    def datetime_literal(self, tok: _Token) -> _dt.datetime:
        args = self.arguments()
        if not args:
            return _dt.datetime.now(_dt.UTC)
        if len(args) != 1 or not isinstance(args[0], str):
            raise self.fail(f"{tok.text}() takes one ISO-8601 string", tok)
        try:
            return _parse_datetime(args[0])
        except ValueError:
            raise self.fail(f"{tok.text}(): {args[0]!r} is not an ISO-8601 date-time", tok) from None

    def uuid_literal(self, tok: _Token) -> uuid.UUID:
        args = self.arguments()
        if not args:
            return uuid.uuid4()
        if len(args) != 1 or not isinstance(args[0], str):
            raise self.fail("UUID() takes one string", tok)
        try:
            return uuid.UUID(args[0])
        except ValueError:
            raise self.fail(f"UUID(): {args[0]!r} is not a UUID", tok) from None

    def vertex(self, tok: _Token) -> Vertex:
        args = self.arguments()
        if len(args) not in (1, 2) or (len(args) == 2 and not isinstance(args[1], str)):
            raise self.fail(f"{tok.text}() takes an id and a label", tok)
        return Vertex(args[0], args[1]) if len(args) == 2 else Vertex(args[0])

    # -- collections
    # --------------------------------------------------------------------------------------------------------
    def list_or_map(self) -> list[Any] | dict[Any, Any]:
        self.expect_punct("[")
        self.enter()
        try:
            if self.is_punct(":") and self.is_punct("]", self.peek()):
                self.take()
                self.take()
                return {}
            if self.is_punct("]"):
                self.take()
                return []
            first_key, is_entry = self.map_key_or_value()
            if is_entry:
                return self.map_rest(first_key)
            items = [first_key]
            while self.is_punct(","):
                self.take()
                items.append(self.expression())
            if not self.is_punct("]"):
                raise self.expected("',' or ']' in a list")
            self.take()
            return items
        finally:
            self.leave()

    def map_key_or_value(self) -> tuple[Any, bool]:
        """Parse the first element of ``[...]``; return it and whether a ``:`` follows (so it is a map
        key)."""
        tok = self.tok
        if tok.kind == "ident" and self.is_punct(":", self.peek()):
            self.take()
            return _bare_map_key(tok.text), True
        if self.is_punct("("):
            self.take()
            key = self.expression()
            self.expect_punct(")")
            if not self.is_punct(":"):
                raise self.expected("':' after a parenthesized map key")
            return key, True
        value = self.expression()
        return value, self.is_punct(":")

    def map_rest(self, first_key: Any) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        key = first_key
        while True:
            key_tok = self.tok
            self.expect_punct(":")
            result[_hashable_key(key, key_tok, self)] = self.expression()
            if self.is_punct("]"):
                self.take()
                return result
            if not self.is_punct(","):
                raise self.expected("',' or ']' in a map")
            self.take()
            key, is_entry = self.map_key_or_value()
            if not is_entry:
                raise self.expected("':' after a map key")

    def set_or_lambda(self) -> set[Any]:
        open_tok = self.take()
        # A closure `{ it -> ... }` or `{ it.get() }` starts like a set literal; find out which before
        # parsing.
        depth = 0
        j = self.i
        while j < len(self.toks):
            t = self.toks[j]
            if t.kind == "eof":
                break
            if t.kind == "arrow":
                raise self.fail(_LAMBDA_HINT, open_tok)
            if t.kind == "punct" and t.text in "([{":
                depth += 1
            elif t.kind == "punct" and t.text in ")]}":
                if depth == 0:
                    break
                depth -= 1
            j += 1
        self.enter()
        try:
            items: list[Any] = []
            if not self.is_punct("}"):
                while True:
                    items.append(self.expression())
                    if self.is_punct(","):
                        self.take()
                        continue
                    break
            if not self.is_punct("}"):
                raise self.expected("',' or '}' in a set")
            self.take()
        except GremlinSyntaxError as err:
            raise self.fail(f"not a set literal ({err}); {_LAMBDA_HINT}", open_tok) from None
        finally:
            self.leave()
        out: set[Any] = set()
        for item in items:
            out.add(_hashable_key(item, open_tok, self))
        return out


# ------------------------------------------------------------------------------------------------------------
# Helpers (pure)
# ------------------------------------------------------------------------------------------------------------


def _bare_map_key(word: str) -> Any:
    return _MAP_KEY_TOKENS.get(word, word)


def _hashable_key(key: Any, tok: _Token, parser: _Parser) -> Any:
    """Dict keys and set items must be hashable: lists become tuples and sets frozensets (as gremlinpython's
    readers do); maps cannot be keys in Python."""
    if isinstance(key, list):
        return tuple(_hashable_key(k, tok, parser) for k in key)
    if isinstance(key, set):
        return frozenset(key)
    if isinstance(key, dict):
        raise parser.fail("a map cannot be a map key or a set element here", tok)
    try:
        hash(key)
    except TypeError:
        raise parser.fail("this value cannot be a map key or a set element", tok) from None
    return key


def _cardinality_value(word: str, value: Any) -> CardinalityValue:
    return {"single": CardinalityValue.single, "set": CardinalityValue.set_, "list": CardinalityValue.list_}[
        word
    ](value)


def _parse_datetime(text: str) -> _dt.datetime:
    """ISO-8601 as Gremlin's datetime() accepts it; values without an offset are UTC (Gremlin's
    OffsetDateTime)."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    if "T" not in cleaned and " " not in cleaned and len(cleaned) == 10:
        cleaned += "T00:00:00"
    value = _dt.datetime.fromisoformat(cleaned)
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    return value


_NEGATIONS = {
    "eq": "neq",
    "neq": "eq",
    "lt": "gte",
    "gte": "lt",
    "lte": "gt",
    "gt": "lte",
    "within": "without",
    "without": "within",
    "containing": "notContaining",
    "notContaining": "containing",
    "startingWith": "notStartingWith",
    "notStartingWith": "startingWith",
    "endingWith": "notEndingWith",
    "notEndingWith": "endingWith",
    "regex": "notRegex",
    "notRegex": "regex",
}


def _negate(pred: P) -> P:
    """The predicate that is true exactly when ``pred`` is false (Java's ``P.negate()``)."""
    op = pred.operator
    if op in _NEGATIONS:
        cls = TextP if isinstance(pred, TextP) else P
        return cls(_NEGATIONS[op], pred.value, pred.other)
    if op == "and":
        return P("or", _negate(pred.value), _negate(pred.other))
    if op == "or":
        return P("and", _negate(pred.value), _negate(pred.other))
    if op == "not":
        return pred.value
    if op == "inside":  # gt(a) and lt(b)
        return P("or", P("lte", pred.value), P("gte", pred.other))
    if op == "outside":  # lt(a) or gt(b)
        return P("and", P("gte", pred.value), P("lte", pred.other))
    if op == "between":  # gte(a) and lt(b)
        return P("or", P("lt", pred.value), P("gte", pred.other))
    return P("not", pred)


_STRATEGY_CLASSES: dict[str, type[TraversalStrategy]] = {
    name: cls
    for name, cls in vars(_strategies).items()
    if inspect.isclass(cls) and issubclass(cls, TraversalStrategy) and cls is not TraversalStrategy
}


def _strategy_class(tok: _Token, parser: _Parser) -> type[TraversalStrategy]:
    cls = _STRATEGY_CLASSES.get(tok.text)
    if cls is None:
        raise parser.fail(f"unknown traversal strategy {tok.text!r}", tok)
    return cls


@functools.cache
def _fqcn(cls: type[TraversalStrategy]) -> str | None:
    """gremlinpython keeps each strategy's Java class name in its constructor; build one throwaway instance to
    read it (required constructor arguments get None; deprecation warnings of that instance are not the
    user's)."""
    params = inspect.signature(cls.__init__).parameters.values()
    required = {
        p.name: None
        for p in params
        if p.name != "self" and p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return cls(**required).fqcn


def _make_strategy(name: str, config: dict[str, Any]) -> TraversalStrategy:
    cls = _STRATEGY_CLASSES[name]
    strategy = cls.__new__(cls)
    TraversalStrategy.__init__(strategy, configuration=dict(config), fqcn=_fqcn(cls))
    return strategy


def _add_option(bytecode: Bytecode, key: str, value: Any) -> None:
    """``g.with(k, v)``: gremlinpython folds every option into one OptionsStrategy; do the same."""
    for instruction in bytecode.source_instructions:
        if instruction[0] == "withStrategies" and type(instruction[1]) is _strategies.OptionsStrategy:
            instruction[1].configuration[key] = value
            return
    bytecode.add_source("withStrategies", _make_strategy("OptionsStrategy", {key: value}))


def _convert_parameter(value: Any, tok: _Token) -> Any:
    """A bound parameter goes into the Bytecode the way gremlinpython's ``add_step`` would put it there."""
    if isinstance(value, Traversal):
        if value.graph is not None:
            raise GremlinSyntaxError(
                f"parameter {tok.text!r} is a traversal spawned from g; "
                "child traversals must be anonymous (__)",
                tok.line,
                tok.column,
            )
        return value.bytecode
    if isinstance(value, dict):
        return {_convert_parameter(k, tok): _convert_parameter(v, tok) for k, v in value.items()}
    if isinstance(value, list):
        return [_convert_parameter(v, tok) for v in value]
    if isinstance(value, set):
        return {_convert_parameter(v, tok) for v in value}
    if callable(value) and not isinstance(value, (type, TraversalStrategy)):
        raise GremlinSyntaxError(f"parameter {tok.text!r}: {_LAMBDA_HINT}", tok.line, tok.column)
    return value


# ------------------------------------------------------------------------------------------------------------
# Public API
# ------------------------------------------------------------------------------------------------------------


def parse_traversal(text: str, *, parameters: Mapping[str, Any] | None = None) -> Bytecode:
    """Parse one Gremlin traversal written as text into gremlinpython ``Bytecode``.

    ``parameters`` binds identifiers in the text (``g.V(vid1)`` with ``{"vid1": 1}``); their values are placed
    in the Bytecode as gremlinpython's API would place them. Raises :class:`~graph.errors.GremlinSyntaxError`
    (with 1-based ``line``/``column`` and an "expected X, found Y" message) for anything that is not a single
    traversal, including lambdas and scripts, which are never evaluated.

    >>> parse_traversal("g.V().has('name','marko').out('knows').values('name')").step_instructions
    [['V'], ['has', 'name', 'marko'], ['out', 'knows'], ['values', 'name']]
    """
    if not isinstance(text, str):
        raise TypeError("parse_traversal() takes the Gremlin text as a str")
    tokens = _Lexer(text).tokens()
    return _Parser(tokens, parameters if parameters is not None else {}).query()
