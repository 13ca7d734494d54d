"""The expression language of ``math()``: parsed by hand, evaluated without ``eval``.

It mirrors the exp4j grammar Gremlin uses: numbers, variables (``_`` and labels), ``+ - * /
% ^``, unary signs, parentheses and the usual functions (``sin``, ``sqrt``, ``abs``...).
Results are always doubles, as in Gremlin.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from graph.errors import GremlinError

__all__ = ["MathExpression"]

_FUNCS: dict[str, Callable[[float], float]] = {
    "abs": abs,
    "acos": math.acos,
    "asin": math.asin,
    "atan": math.atan,
    "cbrt": lambda x: math.copysign(abs(x) ** (1 / 3), x),
    "ceil": math.ceil,
    "cos": math.cos,
    "cosh": math.cosh,
    "exp": math.exp,
    "floor": math.floor,
    "log": math.log,
    "log10": math.log10,
    "log2": math.log2,
    "sin": math.sin,
    "sinh": math.sinh,
    "sqrt": math.sqrt,
    "tan": math.tan,
    "tanh": math.tanh,
    "signum": lambda x: float((x > 0) - (x < 0)),
    "expm1": math.expm1,
    "log1p": math.log1p,
}
_CONSTS = {"pi": math.pi, "e": math.e, "π": math.pi, "φ": (1 + 5**0.5) / 2}
_TOKEN = re.compile(
    r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_πφ][A-Za-z0-9_]*)|(.))"
)


class MathExpression:
    """A parsed expression: ``variables`` in order of first use, ``evaluate(bindings)``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._tokens = self._tokenize(text)
        self._pos = 0
        self.variables: list[str] = []
        self._tree = self._expr()
        if self._pos != len(self._tokens):
            raise GremlinError(f"math(): unexpected '{self._tokens[self._pos][1]}' in {text!r}")

    # ------------------------------------------------------------------ parsing
    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                break
            pos = m.end()
            if m.group(1):
                tokens.append(("num", m.group(1)))
            elif m.group(2):
                tokens.append(("name", m.group(2).strip()))
            elif m.group(3) and not m.group(3).isspace():
                tokens.append(("op", m.group(3)))
        return tokens

    def _peek(self) -> tuple[str, str] | None:
        return self._tokens[self._pos] if self._pos < len(self._tokens) else None

    def _take(self) -> tuple[str, str]:
        tok = self._peek()
        if tok is None:
            raise GremlinError(f"math(): unexpected end of expression {self.text!r}")
        self._pos += 1
        return tok

    def _expr(self) -> Any:
        node = self._term()
        while (tok := self._peek()) is not None and tok[0] == "op" and tok[1] in "+-":
            self._pos += 1
            node = (tok[1], node, self._term())
        return node

    def _term(self) -> Any:
        node = self._unary()
        while (tok := self._peek()) is not None and tok[0] == "op" and tok[1] in "*/%":
            self._pos += 1
            node = (tok[1], node, self._unary())
        return node

    def _unary(self) -> Any:
        tok = self._peek()
        if tok is not None and tok[0] == "op" and tok[1] in "+-":
            self._pos += 1
            operand = self._unary()
            return ("neg", operand) if tok[1] == "-" else operand
        return self._power()

    def _power(self) -> Any:
        base = self._atom()
        tok = self._peek()
        if tok is not None and tok == ("op", "^"):
            self._pos += 1
            return ("^", base, self._unary())
        return base

    def _atom(self) -> Any:
        kind, text = self._take()
        if kind == "num":
            return ("const", float(text))
        if kind == "name":
            nxt = self._peek()
            if text in _FUNCS and nxt == ("op", "("):
                self._pos += 1
                arg = self._expr()
                if self._take() != ("op", ")"):
                    raise GremlinError(f"math(): expected ')' in {self.text!r}")
                return ("call", text, arg)
            if text in _FUNCS and nxt is not None and nxt[0] in ("name", "num"):
                return ("call", text, self._power())
            if text in _CONSTS and text not in self.variables:
                return ("const", _CONSTS[text])
            if text not in self.variables:
                self.variables.append(text)
            return ("var", text)
        if text == "(":
            node = self._expr()
            if self._take() != ("op", ")"):
                raise GremlinError(f"math(): expected ')' in {self.text!r}")
            return node
        raise GremlinError(f"math(): unexpected '{text}' in {self.text!r}")

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, bindings: dict[str, float]) -> float:
        return float(self._eval(self._tree, bindings))

    def _eval(self, node: Any, env: dict[str, float]) -> float:
        kind = node[0]
        if kind == "const":
            return node[1]
        if kind == "var":
            return env[node[1]]
        if kind == "neg":
            return -self._eval(node[1], env)
        if kind == "call":
            x = self._eval(node[2], env)
            try:
                return float(_FUNCS[node[1]](x))
            except (ValueError, OverflowError):
                return math.nan
        a = self._eval(node[1], env)
        b = self._eval(node[2], env)
        if kind == "+":
            return a + b
        if kind == "-":
            return a - b
        if kind == "*":
            return a * b
        if kind == "/":
            if b == 0:
                if a == 0 or a != a:
                    return math.nan
                return math.copysign(math.inf, a) * math.copysign(1.0, b)
            return a / b
        if kind == "%":
            if b == 0:
                return math.nan
            return math.fmod(a, b)
        try:
            return math.pow(a, b)
        except (OverflowError, ValueError):
            return math.inf if a > 0 else math.nan
