"""Small value helpers shared by the store and the evaluator.

Gremlin values include lists and maps, which Python cannot hash; group keys, dedup sets and
the property index need a hashable twin of a value whose equality matches Gremlin's
(``1 == 1.0`` for numbers, but ``true != 1``). :func:`freeze` builds that twin.
"""

from __future__ import annotations

from typing import Any

from gremlin_python.structure.io.util import HashableDict

__all__ = [
    "BulkSet",
    "HashableDict",
    "LinkedSet",
    "freeze",
    "hashable",
    "id_variants",
    "is_collection",
    "is_list",
    "is_map",
    "is_set",
]


class LinkedSet(set):  # type: ignore[type-arg]
    """A set that iterates in insertion order (Java's LinkedHashSet).

    Gremlin sets such as ``select(keys)`` or ``dedup(local)`` keep insertion order in Java;
    a plain Python set would iterate in hash order, which varies between runs.
    """

    def __init__(self, items: Any = ()) -> None:
        super().__init__()
        self._order: list[Any] = []
        for x in items:
            self.add(x)

    def add(self, item: Any) -> None:
        if item not in self:
            super().add(item)
            self._order.append(item)

    def update(self, *iterables: Any) -> None:
        for it in iterables:
            for x in it:
                self.add(x)

    def discard(self, item: Any) -> None:
        if item in self:
            super().discard(item)
            self._order.remove(item)

    def remove(self, item: Any) -> None:
        if item not in self:
            raise KeyError(item)
        self.discard(item)

    def __iter__(self) -> Any:
        return iter(list(self._order))

    def copy(self) -> LinkedSet:
        return LinkedSet(self._order)

    def __repr__(self) -> str:
        return "{" + ", ".join(repr(x) for x in self._order) + "}"


class BulkSet(list):  # type: ignore[type-arg]
    """What ``aggregate()`` collects: a multiset that Gremlin types as a Set, sent as a list."""


class _BoolKey(tuple):
    """Keeps ``True`` apart from ``1`` in hashed collections."""

    __slots__ = ()


_TRUE = _BoolKey(("bool", True))
_FALSE = _BoolKey(("bool", False))


def freeze(value: Any) -> Any:
    """A hashable stand-in for ``value``, equal exactly when Gremlin calls the values equal."""
    t = type(value)
    if t is str or t is int or value is None:
        return value
    if t is bool:
        return _TRUE if value else _FALSE
    if t is list or t is tuple:
        return ("list", tuple(freeze(v) for v in value))
    if t is dict or t is HashableDict:
        return ("map", frozenset((freeze(k), freeze(v)) for k, v in value.items()))
    if t is set or t is frozenset:
        return ("set", frozenset(freeze(v) for v in value))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(freeze(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", frozenset(freeze(v) for v in value))
    if isinstance(value, dict):
        return ("map", frozenset((freeze(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, float) and value != value:
        return ("nan",)
    if type(value).__name__ == "Property" and hasattr(value, "element"):
        return ("property", value.key, freeze(value.value))
    return value


def id_variants(value: Any) -> list[Any]:
    """An element id as the user wrote it plus its numeric/string twin.

    TinkerGraph's id managers accept ``"1"`` for the id ``1`` (and the reverse), so id
    lookups try both spellings.
    """
    out = [value]
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            out.append(int(text))
    elif isinstance(value, int) and not isinstance(value, bool):
        out.append(str(int(value)))
    return out


def hashable(value: Any) -> Any:
    """A hashable form of ``value`` that still looks like it (tuples for lists), for dict keys/sets."""
    t = type(value)
    if t is list:
        return tuple(hashable(v) for v in value)
    if t is dict:
        return HashableDict((hashable(k), hashable(v)) for k, v in value.items())
    if t is set:
        return frozenset(hashable(v) for v in value)
    return value


def is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def is_map(value: Any) -> bool:
    return isinstance(value, dict)


def is_set(value: Any) -> bool:
    return isinstance(value, (set, frozenset))


def is_collection(value: Any) -> bool:
    return isinstance(value, (list, tuple, set, frozenset))
