"""Parse many statements, optionally in a process pool.

Parsing is CPU-bound Python, so threads do not help; processes do (two cores roughly
double throughput, see ``bench/lineage.py``). Work is sent in chunks so that pickling and
scheduling stay small next to parsing, and results come back in input order, so the
output is the same for any ``jobs``.

Workers come from a ``forkserver`` where the platform has one: forking the caller itself
copies its whole heap, and once that heap is large (a CLI that has already built a graph)
the children's garbage collector touches every inherited page and halves throughput.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from lineage._names import SchemaIndex
from lineage.parse import DEFAULT_BUDGET, StatementLineage, parse_statement

__all__ = ["parse_many"]

_worker_options: dict[str, Any] = {}


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["lineage.parse"])
        return context
    return multiprocessing.get_context()


def _init_worker(options: dict[str, Any]) -> None:
    _worker_options.clear()
    _worker_options.update(options)


def _parse_chunk(chunk: list[str]) -> list[StatementLineage]:
    return [parse_statement(sql, **_worker_options) for sql in chunk]


def parse_many(
    statements: Sequence[str],
    *,
    jobs: int | None = 1,
    dialect: str | None = None,
    default_db: str | None = None,
    default_schema: str | None = None,
    schema: Mapping[str, Mapping[str, str]] | SchemaIndex | None = None,
    budget: int = DEFAULT_BUDGET,
    chunk_size: int | None = None,
) -> list[StatementLineage]:
    """:func:`lineage.parse.parse_statement` over ``statements``, in order.

    ``jobs`` is the number of worker processes (``None`` or ``0``: one per CPU; ``1``: in
    this process, no pool). The schema is normalised once and shipped to each worker once.
    """
    index = schema if isinstance(schema, SchemaIndex) else SchemaIndex.from_mapping(schema)
    options: dict[str, Any] = dict(dialect=dialect, default_db=default_db, default_schema=default_schema,
                                   schema=index, budget=budget)
    items = list(statements)
    workers = jobs if jobs else (os.cpu_count() or 1)
    workers = max(1, min(workers, len(items) or 1))
    if workers == 1 or len(items) < 2:
        return [parse_statement(sql, **options) for sql in items]
    size = chunk_size or max(1, min(200, len(items) // (workers * 4) or 1))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    results: list[StatementLineage] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_init_worker,
                             initargs=(options,)) as pool:
        for part in pool.map(_parse_chunk, chunks):
            results.extend(part)
    return results
