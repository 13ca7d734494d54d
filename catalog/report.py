"""Problems found while scanning, collected instead of raised.

A scan must go on past a corrupt file or a bad statement, yet the user must learn
where and why. Scanners append :class:`Problem` records to a :class:`ScanReport`; the
CLI prints them and decides the exit code (``--strict`` turns errors into exit 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding with as much position as is known.

    ``where`` renders as ``path:line:column`` with the unknown parts left out, so the
    message reads like a compiler's and editors can jump to it.
    """

    severity: str  # "error" or "warning"
    message: str
    source: str = ""
    path: str = ""
    line: int | None = None
    column: int | None = None

    @property
    def where(self) -> str:
        parts = [self.path or self.source]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(p for p in parts if p)

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{self.severity}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "message": self.message,
            "source": self.source,
            "path": self.path,
            "line": self.line,
            "column": self.column,
        }


@dataclass(slots=True)
class ScanReport:
    """Counts and problems of one scan run; scanners only ever append to it."""

    problems: list[Problem] = field(default_factory=list)
    files_scanned: int = 0
    files_cached: int = 0
    datasets: int = 0

    def error(self, message: str, *, source: str = "", path: str = "", line: int | None = None,
              column: int | None = None) -> None:
        self.problems.append(Problem("error", message, source, path, line, column))

    def warning(self, message: str, *, source: str = "", path: str = "", line: int | None = None,
                column: int | None = None) -> None:
        self.problems.append(Problem("warning", message, source, path, line, column))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def to_dict(self) -> dict[str, object]:
        return {
            "files_scanned": self.files_scanned,
            "files_cached": self.files_cached,
            "datasets": self.datasets,
            "problems": [p.to_dict() for p in self.problems],
        }
