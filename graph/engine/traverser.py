"""Traversers: a value plus what Gremlin carries along with it (bulk, path, loops, sack).

Paths are persistent linked lists so a split traverser shares its history with its parent
instead of copying it: extending a path is one small object, which keeps path tracking
cheap enough to leave on for every traversal.
"""

from __future__ import annotations

from typing import Any

from graph.engine.compare import PathValue

__all__ = ["PathNode", "Traverser", "path_objects"]

_NO_LABELS: frozenset[str] = frozenset()


class PathNode:
    """One step of a path: the object, its labels, and the node before it."""

    __slots__ = ("labels", "obj", "prev")

    def __init__(self, obj: Any, labels: frozenset[str], prev: PathNode | None) -> None:
        self.obj = obj
        self.labels = labels
        self.prev = prev


def path_objects(node: PathNode | None) -> tuple[list[Any], list[frozenset[str]]]:
    objects: list[Any] = []
    labels: list[frozenset[str]] = []
    while node is not None:
        objects.append(node.obj)
        labels.append(node.labels)
        node = node.prev
    objects.reverse()
    labels.reverse()
    return objects, labels


class Traverser:
    """A traverser. ``loops`` is a stack of ``(loop key, name, count)``, innermost last."""

    __slots__ = ("bulk", "loops", "obj", "path", "sack")

    def __init__(
        self,
        obj: Any,
        bulk: int = 1,
        path: PathNode | None = None,
        loops: tuple[tuple[Any, str | None, int], ...] = (),
        sack: Any = None,
    ) -> None:
        self.obj = obj
        self.bulk = bulk
        self.path = path
        self.loops = loops
        self.sack = sack

    @classmethod
    def start(cls, obj: Any, sack: Any = None, bulk: int = 1) -> Traverser:
        return cls(obj, bulk, PathNode(obj, _NO_LABELS, None), (), sack)

    def split(self, obj: Any) -> Traverser:
        """A child traverser holding ``obj``, its path extended by one step."""
        return Traverser(obj, self.bulk, PathNode(obj, _NO_LABELS, self.path), self.loops, self.sack)

    def replace(self, obj: Any) -> Traverser:
        """Same history, new object, path not extended (for steps Gremlin does not record)."""
        return Traverser(obj, self.bulk, self.path, self.loops, self.sack)

    def clone(self, bulk: int | None = None) -> Traverser:
        return Traverser(self.obj, self.bulk if bulk is None else bulk, self.path, self.loops, self.sack)

    def fresh(self, obj: Any, bulk: int = 1) -> Traverser:
        """A traverser that starts a new history (what reducing barriers emit)."""
        return Traverser(obj, bulk, PathNode(obj, _NO_LABELS, None), (), self.sack)

    def add_labels(self, labels: frozenset[str]) -> None:
        node = self.path
        if node is None:
            self.path = PathNode(self.obj, labels, None)
        elif not labels <= node.labels:
            self.path = PathNode(node.obj, node.labels | labels, node.prev)

    def path_value(self) -> PathValue:
        objects, labels = path_objects(self.path)
        return PathValue(objects, labels)

    def labeled(self, label: str) -> list[Any]:
        """Objects in the path carrying ``label``, oldest first."""
        found: list[Any] = []
        node = self.path
        while node is not None:
            if label in node.labels:
                found.append(node.obj)
            node = node.prev
        found.reverse()
        return found

    def has_label(self, label: str) -> bool:
        node = self.path
        while node is not None:
            if label in node.labels:
                return True
            node = node.prev
        return False

    # ----------------------------------------------------------------- loops
    def loop_count(self, name: str | None = None) -> int:
        if not self.loops:
            return 0
        if name is None:
            return self.loops[-1][2]
        for _, loop_name, count in reversed(self.loops):
            if loop_name == name:
                return count
        return 0

    def __repr__(self) -> str:
        return f"Traverser({self.obj!r}, bulk={self.bulk})"
