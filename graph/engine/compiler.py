"""Bytecode -> compiled :class:`~graph.engine.core.Traversal`.

The compiler normalises arguments once (Bindings to values, nested Bytecode to child
traversals, gremlinpython elements to graph elements, ``P`` to compiled predicates, Java
number types), builds one step object per instruction and hands modulators (``as``, ``by``,
``with``, ``option``, ``from``/``to``, ``times``/``until``/``emit``) to the step they
modulate, as Gremlin's traversal builder does. Unknown steps raise
:class:`~graph.errors.UnsupportedStepError` naming the step, never a guess.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from typing import Any

from gremlin_python.process.traversal import Binding, Bytecode, P, TraversalStrategy
from gremlin_python.process.traversal import Traversal as GTraversal
from gremlin_python.statics import BigDecimal, long
from gremlin_python.structure import graph as gs

from graph.engine.core import Context, Step, Traversal
from graph.engine.numbers import from_input_decimal, normalize_int
from graph.engine.predicates import compile_p
from graph.engine.store import Edge, Vertex, VertexProperty
from graph.engine.values import hashable
from graph.errors import GremlinError, UnsupportedStepError

__all__ = ["STEPS", "CardValue", "Compiler", "register"]

StepFactory = Callable[["Compiler", list[Any], bool], Step]
STEPS: dict[str, StepFactory] = {}


def register(*names: str) -> Callable[[StepFactory], StepFactory]:
    """Register a factory ``(compiler, args, is_start) -> Step`` under Gremlin step names."""

    def deco(fn: StepFactory) -> StepFactory:
        for name in names:
            STEPS[name] = fn
        return fn

    return deco


class CardValue:
    """``Cardinality.list_('x')`` style argument of mergeV/property maps."""

    __slots__ = ("cardinality", "value")

    def __init__(self, cardinality: str, value: Any) -> None:
        self.cardinality = cardinality
        self.value = value

    def __repr__(self) -> str:
        return f"{self.cardinality}({self.value!r})"


class LambdaArg:
    """A lambda found in the bytecode: rejected when a step tries to use it."""


def _is_lambda(value: Any) -> bool:
    return (
        callable(value)
        and not isinstance(value, (type, TraversalStrategy))
        and type(value).__name__
        in (
            "function",
            "builtin_function_or_method",
            "method",
            "Lambda",
        )
    )


class Compiler:
    """Compiles one submitted Bytecode against one graph and execution context."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.graph = ctx.graph

    # ------------------------------------------------------------------ arguments
    def normalize(self, arg: Any) -> Any:
        t = type(arg)
        if t is str or arg is None or t is bool or t is float:
            return arg
        if t is int or t is long:
            return normalize_int(arg)
        if isinstance(arg, Binding):
            return self.normalize(arg.value)
        if isinstance(arg, Bytecode):
            if arg.source_instructions and arg.source_instructions[0][0] == "CardinalityValueTraversal":
                card, value = arg.source_instructions[0][1], arg.source_instructions[0][2]
                return CardValue(_card_name(card), self.normalize(value))
            return self.compile_anonymous(arg)
        if isinstance(arg, GTraversal):  # e.g. strategy configurations keep the traversal itself
            return self.compile_anonymous(arg.bytecode)
        if isinstance(arg, P):
            p = P.__new__(type(arg))
            p.operator = arg.operator
            p.value = self.normalize(arg.value)
            p.other = self.normalize(arg.other)
            return compile_p(p)
        if isinstance(arg, BigDecimal):
            return from_input_decimal(arg)
        if isinstance(arg, gs.Vertex):
            v = self.graph.vertex(arg.id)
            return v if v is not None else Vertex(self.normalize(arg.id), arg.label)
        if isinstance(arg, gs.Edge):
            e = self.graph.edge(arg.id)
            if e is not None:
                return e
            out_v = self.normalize(arg.outV) if isinstance(arg.outV, gs.Vertex) else Vertex(None, "vertex")
            in_v = self.normalize(arg.inV) if isinstance(arg.inV, gs.Vertex) else Vertex(None, "vertex")
            return Edge(self.normalize(arg.id), arg.label, out_v, in_v)
        if isinstance(arg, gs.VertexProperty):
            v = self.graph.vertex(arg.vertex.id) if isinstance(arg.vertex, gs.Vertex) else None
            if v is not None:
                for vp in v.props.get(arg.label, ()):
                    if vp.id == arg.id:
                        return vp
            return VertexProperty(arg.id, arg.label, self.normalize(arg.value), v or Vertex(None, "vertex"))
        if isinstance(arg, list):
            return [self.normalize(x) for x in arg]
        if isinstance(arg, tuple):
            return [self.normalize(x) for x in arg]
        if isinstance(arg, dict):
            return {hashable(self.normalize(k)): self.normalize(v) for k, v in arg.items()}
        if isinstance(arg, (set, frozenset)):
            return {hashable(self.normalize(x)) for x in arg}
        if isinstance(arg, decimal.Decimal):
            return arg
        if _is_lambda(arg):
            return LambdaArg()
        return arg

    # ------------------------------------------------------------------ traversals
    def compile_anonymous(self, bytecode: Bytecode) -> Traversal:
        traversal = Traversal()
        self._compile_steps(bytecode.step_instructions, traversal, root=False)
        return traversal

    def compile_root(self, bytecode: Bytecode) -> Traversal:
        from graph.engine.source import apply_source_instructions

        apply_source_instructions(self, bytecode.source_instructions)
        traversal = Traversal()
        self._compile_steps(bytecode.step_instructions, traversal, root=True)
        link(traversal, None)
        return traversal

    def _compile_steps(self, instructions: list[list[Any]], traversal: Traversal, root: bool) -> None:
        from graph.engine import modulators

        for instruction in instructions:
            if not instruction:
                continue
            name = instruction[0]
            raw_args = instruction[1:]
            args = [self.normalize(a) for a in raw_args]
            for a in args:
                if isinstance(a, LambdaArg):
                    raise GremlinError(
                        f"lambdas are not supported by the embedded Gremlin engine (in {name}())"
                    )
            if name in modulators.MODULATORS:
                modulators.MODULATORS[name](self, traversal, args)
                continue
            factory = STEPS.get(name)
            if factory is None:
                raise UnsupportedStepError(name)
            is_start = root and not traversal.steps
            step = factory(self, args, is_start)
            traversal.add(step)
        from graph.engine.connective import apply_connectives

        if "ConnectiveStrategy" not in self.ctx.removed_strategies:
            apply_connectives(traversal)
        for step in list(traversal.steps):
            step.finish()


def link(traversal: Traversal, parent: Step | None) -> None:
    """Set ``parent``/``owner`` pointers through the whole compiled tree."""
    traversal.parent = parent
    for step in traversal.steps:
        step.owner = traversal
        for child in step.children():
            link(child, step)


def _card_name(card: Any) -> str:
    name = getattr(card, "name", str(card))
    return name.rstrip("_")
