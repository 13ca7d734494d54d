"""Modulator instructions: they configure the step before them instead of adding a step.

``as`` labels the previous step (or a start step at the head of an anonymous traversal);
``times``/``until``/``emit`` may come *before* ``repeat`` (do-while vs while-do), so they
create the repeat step early and ``repeat`` fills it in, which is how Gremlin's builder
treats them too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph.engine.core import Step, Traversal
from graph.errors import GremlinError, UnsupportedStepError

__all__ = ["MODULATORS"]


def _previous(traversal: Traversal, name: str) -> Step:
    if not traversal.steps:
        raise GremlinError(f"{name}() must follow a step")
    return traversal.steps[-1]


def _as(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    from graph.engine.steps_map import IdentityStep

    if not args or not all(isinstance(a, str) for a in args):
        raise GremlinError("as() needs one or more string labels")
    if not traversal.steps:
        traversal.add(IdentityStep(start=True))
    step = traversal.steps[-1]
    step.labels = step.labels | frozenset(args)


def _by(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    _previous(traversal, "by").modulate_by(*args)


def _with(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    if not args or len(args) > 2:
        raise GremlinError("with() takes a key and an optional value")
    _previous(traversal, "with").modulate_with(*args)


def _option(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    _previous(traversal, "option").modulate_option(*args)


def _from(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    if len(args) != 1:
        raise GremlinError("from() takes one argument")
    _previous(traversal, "from").modulate_from(args[0])


def _to(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    from gremlin_python.process.traversal import Direction

    if args and isinstance(args[0], Direction):
        from graph.engine.steps_graph import VertexStep

        direction = {"OUT": "out", "IN": "in", "BOTH": "both"}[args[0].name]
        labels = tuple(a for a in args[1:] if a is not None)
        traversal.add(VertexStep(direction, direction, labels, False))
        return
    if len(args) != 1:
        raise GremlinError("to() takes one argument")
    _previous(traversal, "to").modulate_to(args[0])


def _repeat_target(traversal: Traversal) -> Any:
    from graph.engine.steps_branch import RepeatStep

    last = traversal.steps[-1] if traversal.steps else None
    if isinstance(last, RepeatStep):
        return last
    step = RepeatStep()
    traversal.add(step)
    return step


def _times(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    if len(args) != 1 or not isinstance(args[0], int) or isinstance(args[0], bool):
        raise GremlinError("times() needs an integer")
    _repeat_target(traversal).set_times(int(args[0]))


def _until(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    if len(args) != 1:
        raise GremlinError("until() takes one argument")
    _repeat_target(traversal).set_until(args[0])


def _emit(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    if len(args) > 1:
        raise GremlinError("emit() takes at most one argument")
    _repeat_target(traversal).set_emit(args[0] if args else None)


def _repeat(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    from graph.engine.steps_branch import RepeatStep

    name: str | None = None
    if len(args) == 2 and isinstance(args[0], str):
        name, args = args[0], args[1:]
    if len(args) != 1 or not isinstance(args[0], Traversal):
        if args and (type(args[0]).__name__ == "LambdaArg" or callable(args[0])):
            raise GremlinError("lambdas are not supported by the embedded Gremlin engine (in repeat())")
        raise GremlinError("repeat() takes an optional loop name and a traversal")
    last = traversal.steps[-1] if traversal.steps else None
    if isinstance(last, RepeatStep) and last.body is None:
        last.set_body(args[0], name)
    else:
        step = RepeatStep()
        step.set_body(args[0], name)
        traversal.add(step)


def _property(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    from graph.engine.steps_mutate import AddElementStep, make_property_step

    last = traversal.steps[-1] if traversal.steps else None
    if isinstance(last, AddElementStep) and last.accepts_property(args):
        last.add_property(args)
        return
    traversal.add(make_property_step(args))


def _io_modulator(compiler: Any, traversal: Traversal, args: list[Any]) -> None:
    raise UnsupportedStepError("io", "io()/read()/write() are not supported by the embedded engine")


MODULATORS: dict[str, Callable[[Any, Traversal, list[Any]], None]] = {
    "as": _as,
    "repeat": _repeat,
    "property": _property,
    "by": _by,
    "with": _with,
    "option": _option,
    "from": _from,
    "to": _to,
    "times": _times,
    "until": _until,
    "emit": _emit,
    "read": _io_modulator,
    "write": _io_modulator,
}
