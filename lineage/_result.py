"""The result types of lineage parsing: plain frozen data, easy to build in a test.

:class:`StatementLineage.to_dict` is the ``lakemap lineage parse`` JSON contract (see
DESIGN.md): ``{"kind", "target", "sources", "columns": [{"column", "sources"}],
"confidence", "error"}`` plus ``reason`` when there is one and ``temporary`` when true.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["KINDS", "ColumnLineage", "StatementLineage"]

#: Every value ``StatementLineage.kind`` takes; see :mod:`lineage._kinds` for their meaning.
KINDS: tuple[str, ...] = (
    "select", "insert", "insert_overwrite", "create_table_as", "create_view", "create_materialized_view",
    "create_table", "merge", "update", "delete", "copy", "unload", "drop", "rename", "other",
)


@dataclass(frozen=True, slots=True)
class ColumnLineage:
    """One written (or selected) column and the ``db.schema.table.column`` values it is made from."""

    column: str
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.column, "sources": list(self.sources)}


@dataclass(frozen=True, slots=True)
class StatementLineage:
    """What one statement reads and writes.

    ``target`` is ``None`` for a plain SELECT (and for statements that write nothing);
    for COPY/UNLOAD it may be a location (``s3://...``, ``@stage/path``) written verbatim,
    and locations read by a COPY appear verbatim in ``sources``. ``temporary`` marks a
    target the SQL itself declares temporary (``CREATE TEMP TABLE``, ``#t``, ``SELECT
    ... INTO TEMP``); :func:`lineage.temporaries.resolve_temporaries` uses it.
    """

    kind: str
    target: str | None
    sources: tuple[str, ...]
    columns: tuple[ColumnLineage, ...]
    confidence: str
    reason: str = ""
    error: str | None = None
    temporary: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: ``reason`` only when non-empty, ``temporary`` only when true."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "target": self.target,
            "sources": list(self.sources),
            "columns": [c.to_dict() for c in self.columns],
            "confidence": self.confidence,
            "error": self.error,
        }
        if self.reason:
            data["reason"] = self.reason
        if self.temporary:
            data["temporary"] = True
        return data
