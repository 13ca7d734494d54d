"""Scanner registry: one module per source kind, imported only when that kind is scanned.

The registry is static data so config validation and the README's "supported sources"
table never import boto3 or SQLAlchemy just to learn which keys a source accepts.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from catalog.scanners.base import ProgressHook, ScanContext, Scanner, SourceSpec

__all__ = ["REGISTRY", "ScannerInfo", "ScanContext", "Scanner", "SourceSpec", "ProgressHook", "get_scanner",
           "COMMON_KEYS"]

#: Keys every source accepts, whatever its kind.
COMMON_KEYS: dict[str, str] = {
    "kind": "which scanner reads this source",
    "name": "dataset name (single-dataset sources) or a label for messages",
    "section": "DATA_CATALOG.md section: incoming, exported, internal or graph",
    "layer": "data lake layer: bronze, silver or gold",
}


@dataclass(frozen=True, slots=True)
class ScannerInfo:
    """What the registry knows about a scanner without importing it."""

    kind: str
    module: str
    summary: str
    options: dict[str, str]
    required: tuple[tuple[str, ...], ...] = ()  # each tuple: at least one of these keys


REGISTRY: dict[str, ScannerInfo] = {
    "parquet": ScannerInfo(
        kind="parquet",
        module="catalog.scanners.parquet",
        summary="Parquet files, folders and globs, Hive partitions; footers only, never data pages",
        options={
            "path": "a file, a folder or a glob (relative to catalog.yaml)",
        },
        required=(("path",),),
    ),
    "sql": ScannerInfo(
        kind="sql",
        module="catalog.scanners.sql",
        summary="SQL DDL files (CREATE TABLE/VIEW, COMMENT ON, ALTER TABLE ADD COLUMN) in many dialects",
        options={
            "paths": "list of files or globs with DDL",
            "path": "one file or glob with DDL",
            "dialect": "sqlglot dialect: postgres, redshift, snowflake, bigquery, spark, hive, athena, trino, mysql...",
            "default_schema": "schema for unqualified table names",
        },
        required=(("paths", "path"),),
    ),
}


def get_scanner(kind: str) -> Scanner:
    """Import and return the ``scan`` function for ``kind`` (a KeyError names the known kinds)."""
    try:
        info = REGISTRY[kind]
    except KeyError:
        raise KeyError(f"unknown source kind {kind!r}; known kinds: {', '.join(sorted(REGISTRY))}") from None
    module = importlib.import_module(info.module)
    return module.scan  # type: ignore[no-any-return]
