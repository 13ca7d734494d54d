"""The evaluator's skeleton: execution context, steps, traversals and ``by()`` modulators.

A compiled traversal is a list of :class:`Step` objects; running it chains Python generators,
so evaluation is lazy and pull-driven like TinkerPop's (``limit(1)`` stops the work
upstream). Steps keep their state (dedup sets, range counters) on the instance, exactly as
Java steps do, which is what makes a ``dedup()`` inside ``repeat()`` global across loops;
*local* children (``map(...)``, ``by(...)``, ``where(...)``) are reset before each use.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any

from gremlin_python.process.traversal import Column, Order, T

from graph.engine.compare import GremlinTypeError, MapEntry
from graph.engine.store import Edge, Element, Graph, Property, Vertex, VertexProperty
from graph.engine.traverser import Traverser
from graph.errors import GremlinError, UnsupportedStepError

__all__ = [
    "NOTHING",
    "UNPRODUCTIVE",
    "By",
    "Context",
    "FilterStep",
    "FlatMapStep",
    "MapStep",
    "Step",
    "Traversal",
    "element_value",
    "token_value",
    "type_label",
]


class _Sentinel:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


NOTHING = _Sentinel("NOTHING")
"""A child traversal produced no result."""
UNPRODUCTIVE = _Sentinel("UNPRODUCTIVE")
"""A ``by()`` modulator produced no value (Gremlin filters such traversers)."""


class Context:
    """Per-submission state shared by every step of one traversal run."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.side_effects: dict[str, Any] = {}
        self.reducers: dict[str, Any] = {}
        self.sack_initial: Any = None
        self.has_sack = False
        self.sack_merge: Any = None
        self.productive_by = False
        self.bulk = True
        self.random = random.Random()
        self.read_only = False
        self.strategies: dict[str, dict[str, Any]] = {}
        self.partition: Any = None
        self.subgraph: Any = None
        self.options: dict[str, Any] = {}
        self.with_path = "full"
        self.seed: int | None = None
        self.removed_strategies: set[str] = set()

    def rng(self) -> Any:
        """A random source for one step: Java's generator when SeedStrategy gave a seed."""
        if self.seed is not None:
            from graph.engine.jrandom import JavaRandom

            return JavaRandom(self.seed)
        return _PyRandom(self.random)

    def new_sack(self) -> Any:
        """A fresh sack value for a new traverser (copied so mutable sacks are not shared)."""
        if not self.has_sack:
            return None
        value = self.sack_initial
        if isinstance(value, Traversal):
            result = value.first(self, Traverser.start(None))
            return None if result is NOTHING else result
        if isinstance(value, list):
            return list(value)
        if isinstance(value, dict):
            return dict(value)
        if isinstance(value, set):
            return set(value)
        return value


class _PyRandom:
    """Python's generator behind the JavaRandom interface (unseeded traversals)."""

    def __init__(self, rnd: random.Random) -> None:
        self._rnd = rnd

    def random(self) -> float:
        return self._rnd.random()

    def next_int(self, bound: int) -> int:
        return self._rnd.randrange(bound)

    def shuffle(self, items: list[Any]) -> None:
        self._rnd.shuffle(items)


class Step:
    """A Gremlin step. Subclasses override :meth:`run` (or a narrower hook)."""

    name = "step"

    def __init__(self) -> None:
        self.labels: frozenset[str] = frozenset()
        self.owner: Traversal | None = None

    # ------------------------------------------------------------------ running
    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        raise NotImplementedError

    def reset(self) -> None:
        for child in self.children():
            child.reset()

    def children(self) -> list[Traversal]:
        return []

    def is_barrier(self) -> bool:
        """Whether Gremlin treats this step as a Barrier (it needs all its input first)."""
        return False

    def step_rng(self, ctx: Context) -> Any:
        """This step's own random source (kept across resets, like a Java step's Random)."""
        rng = getattr(self, "_rng", None)
        if rng is None:
            rng = ctx.rng()
            self._rng = rng
        return rng

    # ------------------------------------------------------------------ modulators
    def modulate_by(self, *args: Any) -> None:
        raise GremlinError(f"{self.name}() does not accept by() modulation")

    def modulate_with(self, key: Any, value: Any = True) -> None:
        raise GremlinError(f"{self.name}() does not accept with() modulation")

    def modulate_option(self, *args: Any) -> None:
        raise GremlinError(f"{self.name}() does not accept option()")

    def modulate_from(self, arg: Any) -> None:
        raise GremlinError(f"{self.name}() does not accept from()")

    def modulate_to(self, arg: Any) -> None:
        raise GremlinError(f"{self.name}() does not accept to()")

    def finish(self) -> None:
        """Called once compilation of the enclosing traversal is complete."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class FilterStep(Step):
    """Keeps traversers for which :meth:`test` holds, with Gremlin's ERROR reduction."""

    def test(self, ctx: Context, t: Traverser) -> bool:
        raise NotImplementedError

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        test = self.test
        for t in it:
            try:
                if test(ctx, t):
                    yield t
            except GremlinTypeError:
                # Gremlin's ternary ERROR reduces to false at the filter (TinkerPop 3.8 semantics)
                continue


class MapStep(Step):
    """One value out per traverser in; :meth:`map` may return NOTHING to drop it."""

    def map(self, ctx: Context, t: Traverser) -> Any:
        raise NotImplementedError

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        fn = self.map
        for t in it:
            value = fn(ctx, t)
            if value is not NOTHING:
                yield t.split(value)


class FlatMapStep(Step):
    """Any number of values out per traverser in."""

    def flat(self, ctx: Context, t: Traverser) -> Iterable[Any]:
        raise NotImplementedError

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        fn = self.flat
        for t in it:
            for value in fn(ctx, t):
                yield t.split(value)


def _labeled(it: Iterator[Traverser], labels: frozenset[str]) -> Iterator[Traverser]:
    for t in it:
        t.add_labels(labels)
        yield t


class Traversal:
    """A compiled (possibly anonymous) traversal: an ordered list of steps."""

    def __init__(self, steps: list[Step] | None = None) -> None:
        self.steps: list[Step] = steps or []
        self.parent: Step | None = None
        self._has_barrier: bool | None = None

    def add(self, step: Step) -> None:
        step.owner = self
        self.steps.append(step)

    def run(self, ctx: Context, it: Iterator[Traverser]) -> Iterator[Traverser]:
        for step in self.steps:
            it = step.run(ctx, it)
            if step.labels:
                it = _labeled(it, step.labels)
        return it

    def reset(self) -> None:
        for step in self.steps:
            step.reset()

    # ------------------------------------------------------------------ local use
    def local(self, ctx: Context, t: Traverser, keep_bulk: bool = False) -> Iterator[Traverser]:
        """Run on one traverser as a fresh child traversal (state reset first)."""
        self.reset()
        return self.run(ctx, iter((t.clone(None if keep_bulk else 1),)))

    def first(self, ctx: Context, t: Traverser) -> Any:
        """The first result object for ``t``, or NOTHING."""
        for r in self.local(ctx, t):
            return r.obj
        return NOTHING

    def test(self, ctx: Context, t: Traverser) -> bool:
        for _ in self.local(ctx, t):
            return True
        return False

    def all_values(self, ctx: Context, t: Traverser) -> list[Any]:
        out: list[Any] = []
        for r in self.local(ctx, t):
            out.extend([r.obj] * r.bulk)
        return out

    def walk(self) -> Iterator[Step]:
        """Every step here and in nested child traversals."""
        for step in self.steps:
            yield step
            for child in step.children():
                yield from child.walk()

    def has_barrier(self) -> bool:
        """Whether any step here or in nested child traversals is a barrier (computed once)."""
        if self._has_barrier is None:
            self._has_barrier = any(step.is_barrier() for step in self.walk())
        return self._has_barrier

    def is_identity(self) -> bool:
        return all(type(s).__name__ == "IdentityStep" for s in self.steps)

    def __repr__(self) -> str:
        return "[" + ", ".join(repr(s) for s in self.steps) + "]"


# ---------------------------------------------------------------------- element helpers
def type_label(value: Any) -> str:
    """A Java-like simple class name for error messages."""
    from graph.engine.numbers import number_rank, type_name

    if value is None:
        return "null"
    if number_rank(value) is not None:
        return type_name(value)
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, str):
        return "String"
    if isinstance(value, Vertex):
        return "Vertex"
    if isinstance(value, Edge):
        return "Edge"
    if isinstance(value, VertexProperty):
        return "VertexProperty"
    if isinstance(value, Property):
        return "Property"
    if isinstance(value, (list, tuple)):
        return "ArrayList"
    if isinstance(value, (set, frozenset)):
        return "LinkedHashSet"
    if isinstance(value, dict):
        return "LinkedHashMap"
    return type(value).__name__


def element_value(obj: Any, key: str) -> Any:
    """``by('key')`` / ``values('key')`` on one object: UNPRODUCTIVE when absent."""
    if isinstance(obj, Vertex):
        vps = obj.props.get(key)
        if not vps:
            return UNPRODUCTIVE
        if len(vps) > 1:
            raise GremlinError(
                f"Multiple properties exist for the provided key, use Vertex.properties({key})"
            )
        return vps[0].value
    if isinstance(obj, (Edge, VertexProperty)):
        p = obj.props.get(key)
        return UNPRODUCTIVE if p is None else p.value
    if isinstance(obj, dict):
        if key in obj:
            return obj[key]
        return UNPRODUCTIVE
    if isinstance(obj, MapEntry):
        return obj.value if obj.key == key else UNPRODUCTIVE
    raise GremlinError(
        f'The by("{key}") modulator can only be applied to a traverser that is an Element or a Map - '
        f"it is being applied to [{obj!r}] a {type_label(obj)} class instead"
    )


def token_value(obj: Any, token: Any) -> Any:
    """The value of a T token (id, label, key, value) for ``obj``."""
    name = token.name.rstrip("_")
    if name == "id":
        if isinstance(obj, Element):
            return obj.id
        if isinstance(obj, dict) and T.id in obj:
            return obj[T.id]
    elif name == "label":
        if isinstance(obj, Element):
            return obj.label
        if isinstance(obj, dict) and T.label in obj:
            return obj[T.label]
    elif name == "key":
        if isinstance(obj, (VertexProperty,)):
            return obj.label
        if isinstance(obj, Property):
            return obj.key
        if isinstance(obj, MapEntry):
            return obj.key
    elif name == "value":
        if isinstance(obj, (VertexProperty, Property)):
            return obj.value
        if isinstance(obj, MapEntry):
            return obj.value
    raise GremlinError(f"T.{name} cannot be applied to {obj!r} ({type_label(obj)})")


def column_value(obj: Any, column: Any) -> Any:
    """``select(keys|values)`` / ``by(keys|values)`` on a map, entry or path."""
    from graph.engine.compare import PathValue
    from graph.engine.values import LinkedSet

    keys = column == Column.keys
    if isinstance(obj, dict):
        return LinkedSet(obj.keys()) if keys else list(obj.values())
    if isinstance(obj, MapEntry):
        return obj.key if keys else obj.value
    if isinstance(obj, PathValue):
        return [LinkedSet(sorted(lbl)) for lbl in obj.labels] if keys else list(obj.objects)
    raise GremlinError(
        f"The provided object does not have accessible {'keys' if keys else 'values'}: {obj!r}"
    )


class By:
    """One ``by()`` modulator: turns a traverser into the value a step works with."""

    __slots__ = ("arg", "kind", "order")

    def __init__(self, *args: Any) -> None:
        self.order: Any = None
        if not args:
            self.kind, self.arg = "identity", None
            return
        first = args[0]
        if len(args) > 2:
            raise GremlinError("by() takes at most two arguments")
        if len(args) == 2:
            self.order = args[1]
        if isinstance(first, Traversal):
            self.kind, self.arg = (
                ("identity", None) if first.is_identity() and first.steps else ("traversal", first)
            )
            if not first.steps:
                self.kind = "identity"
        elif isinstance(first, str):
            self.kind, self.arg = "key", first
        elif first is not None and type(first).__name__ == "T":
            self.kind, self.arg = "token", first
        elif first is not None and type(first).__name__ == "Column":
            self.kind, self.arg = "column", first
        elif first is not None and type(first).__name__ == "Order":
            self.kind, self.arg = "identity", None
            self.order = first
        elif callable(first) or _looks_like_lambda(first):
            raise GremlinError("lambdas are not supported by the embedded Gremlin engine (in by())")
        else:
            raise UnsupportedStepError("by", f"by() with argument {first!r} is not supported")
        if self.order is not None and type(self.order).__name__ != "Order":
            if callable(self.order) or _looks_like_lambda(self.order):
                raise GremlinError("lambdas are not supported by the embedded Gremlin engine (in by())")
            raise UnsupportedStepError("by", f"by() comparator {self.order!r} is not supported")

    def children(self) -> list[Traversal]:
        return [self.arg] if self.kind == "traversal" else []

    def value(self, ctx: Context, t: Traverser) -> Any:
        """The modulated value, or UNPRODUCTIVE (null instead under ProductiveByStrategy)."""
        result = self.raw(ctx, t, t.obj)
        if result is UNPRODUCTIVE and ctx.productive_by:
            return None
        return result

    def apply_to(self, ctx: Context, t: Traverser, obj: Any) -> Any:
        """Modulate a value other than the traverser's own object (e.g. a path entry)."""
        result = self.raw(ctx, t, obj)
        if result is UNPRODUCTIVE and ctx.productive_by:
            return None
        return result

    def raw(self, ctx: Context, t: Traverser, obj: Any) -> Any:
        kind = self.kind
        if kind == "identity":
            return obj
        if kind == "key":
            return element_value(obj, self.arg)
        if kind == "traversal":
            src = t if obj is t.obj else t.replace(obj)
            r = self.arg.first(ctx, src)
            return UNPRODUCTIVE if r is NOTHING else r
        if kind == "token":
            return token_value(obj, self.arg)
        return column_value(obj, self.arg)

    def __repr__(self) -> str:
        return f"By({self.kind}, {self.arg!r}, {self.order!r})"


def int_arg(step: str, value: Any) -> int:
    """An integer step argument, or a GremlinError naming the step."""
    from graph.engine.numbers import number_rank

    rank = number_rank(value)
    if rank is None or rank > 4:
        raise GremlinError(f"{step}() needs an integer argument, got {value!r}")
    return int(value)


def number_arg(step: str, value: Any) -> float:
    """A numeric step argument as a float, or a GremlinError naming the step."""
    from graph.engine.numbers import number_rank

    if number_rank(value) is None:
        raise GremlinError(f"{step}() needs a number argument, got {value!r}")
    return float(value)


def _looks_like_lambda(value: Any) -> bool:
    return type(value).__name__ in ("Lambda", "function", "builtin_function_or_method")


def order_is_desc(order: Any) -> bool:
    return order is not None and order == Order.desc


def is_shuffle(order: Any) -> bool:
    return order is not None and order == Order.shuffle
