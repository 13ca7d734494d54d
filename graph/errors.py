"""Errors raised by lakemap's Gremlin pieces (embedded engine, text parser, server).

One small hierarchy so callers can catch :class:`GremlinError` for "the traversal could
not run" while tests and the conformance runner can tell apart the two cases that need
different handling: a step the engine does not implement (:class:`UnsupportedStepError`,
never silently a wrong result) and Gremlin text that does not parse
(:class:`GremlinSyntaxError`, with the position the user needs to fix it).
"""

from __future__ import annotations


class GremlinError(Exception):
    """A traversal could not be parsed or evaluated; the message names the step/problem."""


class UnsupportedStepError(GremlinError):
    """The engine does not implement ``step`` (or this argument form of it).

    Raised instead of guessing, so an unsupported traversal never returns a wrong answer.
    """

    def __init__(self, step: str, message: str | None = None) -> None:
        self.step = step
        super().__init__(message or f"step '{step}' is not supported by the embedded Gremlin engine")


class GremlinSyntaxError(GremlinError):
    """Gremlin text did not parse; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        self.line = line
        self.column = column
        super().__init__(f"{message} (line {line}, column {column})")
