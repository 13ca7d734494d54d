"""Tests of the lineage package; ``lin`` builds expected ``StatementLineage.to_dict()`` values."""

from __future__ import annotations

from typing import Any


def lin(
    kind: str,
    target: str | None,
    sources: list[str],
    columns: list[tuple[str, list[str]]] | None = None,
    *,
    confidence: str | None = None,
    reason: str = "",
    error: str | None = None,
    temporary: bool = False,
) -> dict[str, Any]:
    """Expected dict; confidence defaults to ``partial`` when a reason is given, else ``complete``."""
    data: dict[str, Any] = {
        "kind": kind,
        "target": target,
        "sources": sources,
        "columns": [{"column": c, "sources": s} for c, s in (columns or [])],
        "confidence": confidence or ("partial" if reason else "complete"),
        "error": error,
    }
    if reason:
        data["reason"] = reason
    if temporary:
        data["temporary"] = True
    return data
