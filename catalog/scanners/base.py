"""The contract every scanner follows: a source spec and a context in, datasets out.

Scanners are the edge of the catalog: they touch disks, databases and AWS. Everything
they hand on is :mod:`catalog.model` data, and everything that goes wrong is appended
to the :class:`~catalog.report.ScanReport` rather than raised, so one bad file never
stops a scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

from catalog.model import Dataset
from catalog.report import ScanReport

#: ``progress(description, completed, total)``; ``total`` is ``None`` while unknown.
ProgressHook = Callable[[str, int, "int | None"], None]


def no_progress(description: str, completed: int, total: int | None) -> None:
    """Default hook: scanners always report, the CLI decides whether to show it."""


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One entry of catalog.yaml's ``sources:`` list, validated.

    ``options`` holds the kind-specific keys (``path``, ``paths``, ``dialect``, ``url``...);
    ``origin`` is ``file:line:column`` of the entry so scanners can point at it.
    """

    kind: str
    options: dict[str, Any] = field(default_factory=dict)
    name: str | None = None
    section: str | None = None
    layer: str | None = None
    origin: str = ""

    def label(self) -> str:
        """A short human name for messages: the given name, else kind and first location."""
        if self.name:
            return self.name
        for key in ("path", "paths", "url", "export", "databases", "database"):
            value = self.options.get(key)
            if value:
                shown = value[0] if isinstance(value, list) and value else value
                return f"{self.kind} {shown}"
        return self.kind


@dataclass(slots=True)
class ScanContext:
    """What a scanner needs from its surroundings, passed in so tests can set it.

    ``base_dir`` is catalog.yaml's folder: relative paths in sources resolve there.
    ``cache_dir`` is ``None`` when caching is off. ``workers`` caps parallelism
    (``None`` lets the scanner choose from the CPU count).
    """

    base_dir: Path = field(default_factory=Path.cwd)
    cache_dir: Path | None = None
    workers: int | None = None
    progress: ProgressHook = no_progress

    def resolve(self, path: str | Path) -> Path:
        """Resolve a user path against ``base_dir`` (absolute paths and ``~`` pass through)."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.base_dir / p


class Scanner(Protocol):
    """``scan(source, report=..., context=...)``: the one function each scanner module exports."""

    def __call__(self, source: SourceSpec, *, report: ScanReport, context: ScanContext) -> Iterable[Dataset]:
        ...
