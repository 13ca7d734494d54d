"""``java.util.Random``, bit for bit, for ``SeedStrategy``.

With a seed, Gremlin's random steps (``coin``, ``sample``, ``order().by(shuffle)``) are
reproducible *and* portable: the same seed gives the same picks on every TinkerPop
implementation because they all draw from Java's 48-bit linear congruential generator. We
implement that generator so a seeded traversal picks what a Gremlin Server would.
"""

from __future__ import annotations

from typing import Any

__all__ = ["JavaRandom"]

_MULT = 0x5DEECE66D
_MASK = (1 << 48) - 1


class JavaRandom:
    def __init__(self, seed: int) -> None:
        self.set_seed(seed)

    def set_seed(self, seed: int) -> None:
        self._seed = (int(seed) ^ _MULT) & _MASK

    def _next(self, bits: int) -> int:
        self._seed = (self._seed * _MULT + 0xB) & _MASK
        r = self._seed >> (48 - bits)
        if r >= 1 << (bits - 1):
            r -= 1 << bits
        return r

    def random(self) -> float:
        """``nextDouble()``."""
        high = self._next(26) & ((1 << 26) - 1)
        low = self._next(27) & ((1 << 27) - 1)
        return ((high << 27) + low) * (1.0 / (1 << 53))

    def next_int(self, bound: int) -> int:
        if bound <= 0:
            raise ValueError("bound must be positive")
        r = self._next(31) & 0x7FFFFFFF
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        while True:
            r = u % bound
            if -(2**31) <= u - r + m < 2**31:
                return r
            u = self._next(31) & 0x7FFFFFFF

    def shuffle(self, items: list[Any]) -> None:
        """``Collections.shuffle(list, random)``."""
        for i in range(len(items), 1, -1):
            j = self.next_int(i)
            items[i - 1], items[j] = items[j], items[i - 1]
