"""Looking up labelled values the way ``select``/``where``/``dedup(labels)`` do.

Gremlin resolves a key against the current object when it is a map holding that key, then
against side-effects, then against the traverser's path (with a ``Pop`` choosing first, last,
all or mixed when a label occurs more than once).
"""

from __future__ import annotations

from typing import Any

from graph.engine.core import NOTHING, Context
from graph.engine.traverser import Traverser

__all__ = ["path_value", "pop_name", "scope_value"]


def pop_name(pop: Any) -> str:
    if pop is None:
        return "last"
    return str(getattr(pop, "name", pop)).rstrip("_")


def path_value(t: Traverser, key: str, pop: str) -> Any:
    found = t.labeled(key)
    if not found:
        return NOTHING
    if pop == "last":
        return found[-1]
    if pop == "first":
        return found[0]
    if pop == "all":
        return list(found)
    return found[0] if len(found) == 1 else list(found)  # mixed


def scope_value(ctx: Context, t: Traverser, key: Any, pop: str = "last", use_map: bool = True) -> Any:
    """The value for ``key`` in scope of ``t``, or NOTHING."""
    obj = t.obj
    if use_map and isinstance(obj, dict):
        try:
            if key in obj:
                return obj[key]
        except TypeError:
            pass
    if isinstance(key, str):
        if key in ctx.side_effects:
            value = ctx.side_effects[key]
            result = getattr(value, "result", None)
            return result() if callable(result) and not isinstance(value, dict) else value
        return path_value(t, key, pop)
    return NOTHING
