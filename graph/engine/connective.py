"""Infix ``and()``/``or()``: ``a.and().b.or().c`` means ``or(and(a, b), c)``.

Gremlin lets ``and()``/``or()`` with no arguments sit between steps; TinkerPop's
ConnectiveStrategy turns the steps on either side into the connective's children, with
``and`` binding tighter than ``or``. We do the same rewrite right after compilation.
"""

from __future__ import annotations

from graph.engine.core import Step, Traversal

__all__ = ["apply_connectives"]


def _is_marker(step: Step, cls: type) -> bool:
    return type(step) is cls and not step.children()


def _legal(step: Step) -> bool:
    from graph.engine.steps_graph import GraphStep
    from graph.engine.steps_map import IdentityStep

    if isinstance(step, GraphStep):
        return False
    if isinstance(step, IdentityStep) and step.start and not step.labels:
        return False
    return True


def _labelled_start(marker: Step) -> list[Step]:
    """``and().as('x')`` labels the marker; the label starts the next operand (``as('x')...``)."""
    from graph.engine.steps_map import IdentityStep

    if not marker.labels:
        return []
    start = IdentityStep(start=True)
    start.labels = marker.labels
    return [start]


def _new_traversal(steps: list[Step]) -> Traversal:
    t = Traversal()
    for s in steps:
        t.add(s)
    return t


def _process(cls: type, traversal: Traversal) -> None:
    from graph.engine.steps_where import AndStep

    steps = traversal.steps
    i = 0
    while i < len(steps):
        step = steps[i]
        if not _is_marker(step, cls):
            i += 1
            continue
        start = i
        while start > 0 and _legal(steps[start - 1]) and not _is_marker(steps[start - 1], cls):
            start -= 1
        children = [_new_traversal(steps[start:i])]
        current: list[Step] = _labelled_start(step)
        end = i + 1
        while end < len(steps) and _legal(steps[end]):
            nxt = steps[end]
            if _is_marker(nxt, cls):
                children.append(_new_traversal(current))
                current = _labelled_start(nxt)
            else:
                current.append(nxt)
            end += 1
        children.append(_new_traversal(current))
        step.traversals = children  # type: ignore[attr-defined]
        step.labels = frozenset()
        del steps[i + 1 : end]
        del steps[start:i]
        i = start + 1
        if cls is not AndStep:
            for child in children:
                _process(AndStep, child)


def apply_connectives(traversal: Traversal) -> None:
    from graph.engine.steps_where import AndStep, OrStep

    if any(_is_marker(s, OrStep) or _is_marker(s, AndStep) for s in traversal.steps):
        _process(OrStep, traversal)
        _process(AndStep, traversal)
