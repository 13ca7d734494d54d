"""The Parquet scanner: one dataset per source from file footers alone.

``scan`` lists the source's files (a file, a folder searched recursively, or a glob),
reads every footer (never a data page), and merges schemas, Hive partitions, row counts
and column statistics into one :class:`~catalog.model.Dataset`.

Where the time goes, and what is done about it:

* Footers are parsed in worker processes, as many as there are files to pay for them:
  the work is CPU-bound on local disks, so threads do not help, while two processes
  nearly double throughput. Workers return compact tuples, pre-aggregated per chunk (see
  :mod:`._parquet_footer`). Even one file is read in a child process, because pyarrow
  terminates the process on some malformed footers; such files are isolated and reported.
* With ``context.cache_dir`` set, a re-scan stats the files it listed last time (folders
  whose mtime did not move cannot have gained or lost files, so they are not read
  again) and compares a fingerprint of every (path, size, mtime) with the one stored next
  to the finished result: an unchanged source costs those stat calls plus one JSON read.
  Otherwise per-file entries are reused for unchanged files and only changed or new
  files are read.
* A file or folder modified within the filesystem's timestamp granularity of the listing
  could keep its mtime; like git's "racily clean" index entries, such recent entries are
  never trusted from the cache.

Problems never raise: a corrupt file is an error in the report and the rest is scanned.
"""

from __future__ import annotations

import base64
import faulthandler
import gc
import hashlib
import multiprocessing
import os
import posixpath
import sys
import time
from array import array
from dataclasses import dataclass, field
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import PurePosixPath
from typing import Any, Callable, Iterator

import pyarrow as pa
import pyarrow.fs as pafs

from catalog.model import LAYERS, Column, ColumnStats, Dataset, DatasetStats, PartitionKey, Partitioning
from catalog.report import ScanReport
from catalog.scan_cache import CacheCorrupt, ScanCache
from catalog.scanners._parquet_files import (
    Listing, ListingError, has_glob, iter_source, list_source, local_path, revalidate, split_glob,
)
from catalog.scanners._parquet_footer import ChunkResult, FileFacts, SchemaRecord, aggregate, read_chunk
from catalog.scanners._parquet_merge import FileResult, MergedParts, ProblemTuple, merge
from catalog.scanners.base import ScanContext, SourceSpec

__all__ = ["scan", "plan_workers", "CACHE_VERSION"]

#: Format version of this scanner's cache payloads; bump when they change.
CACHE_VERSION = 1

#: Files each worker must get before another worker pays for its start-up (fork: ~3 ms a
#: worker; spawn: ~80 ms, each worker importing pyarrow). A second worker saves about
#: 55 us per file (half of ~110 us), see bench/scan_parquet.py.
_MIN_FILES_PER_WORKER = {"fork": 128, "forkserver": 640, "spawn": 640}

_NS = 1_000_000_000
#: A file whose mtime is this close to the listing may have changed without its mtime
#: moving (coarse kernel clocks tick every few ms); 2 s for whole-second filesystems.
_RACY_NS_FINE = 100_000_000
_RACY_NS_COARSE = 2 * _NS


def scan(source: SourceSpec, *, report: ScanReport, context: ScanContext) -> list[Dataset]:
    """Scan one ``kind: parquet`` source into at most one dataset (none if nothing is readable)."""
    label = source.label()
    user_path = source.options.get("path")
    if not isinstance(user_path, str) or not user_path.strip():
        report.error("option 'path' must be a non-empty string", source=label, path=source.origin)
        return []
    if "://" in user_path:
        report.error(f"remote paths are not supported yet: {user_path}", source=label, path=user_path)
        return []
    fs = pafs.LocalFileSystem()
    literal = (split_glob(user_path)[0] or ".") if has_glob(user_path) else user_path
    root = local_path(context.resolve(literal))
    cache = None
    if context.cache_dir is not None:
        cache = ScanCache(context.cache_dir, "parquet", f"parquet\0{user_path}\0{root}",
                          version=CACHE_VERSION, warn=lambda message: report.warning(message, source=label))
    if cache is None:
        return _scan_uncached(fs, source, label, user_path, root, report, context)
    summary = cache.load_summary()
    listed_at = time.time_ns()
    listing = _list(fs, user_path, root, cache, summary, report, label)
    if listing is None:
        return []

    total = len(listing.rels)
    description = f"Parquet footers: {label}"
    context.progress(description, 0, total)
    fingerprint = _fingerprint(listing, user_path)
    if summary is not None and summary[0] == fingerprint:
        cached = _cached_summary(cache, summary[1], listing)
        if cached is not None:  # unchanged source: the stored result, no footer read
            report.files_cached += total
            context.progress(description, total, total)
            return _finish(source, label, user_path, listing, *cached, report, root)

    reused, schemas = _cached_entries(cache, listing)
    todo = [rel for rel in listing.rels if rel not in reused]
    report.files_cached += len(reused)
    report.files_scanned += len(todo)
    batch = _read_footers(fs, listing, todo, context.workers,
                          lambda done: context.progress(description, len(reused) + done, total), keep_files=True)
    results = batch.results(listing, reused)
    parts, problems = _merge(batch, schemas, results, listing)
    used = sorted({r.digest for r in results if r.digest is not None})
    cache.store(fingerprint, _encode_summary(listed_at, listing, parts, problems),
                _encode_entries(listed_at, results, batch.facts, {d: schemas[d] for d in used}))
    return _finish(source, label, user_path, listing, parts, problems, report, root)


def _scan_uncached(fs: pafs.FileSystem, source: SourceSpec, label: str, user_path: str, root: str,
                   report: ScanReport, context: ScanContext) -> list[Dataset]:
    """Without a cache there is nothing to compare first: footers are read while the
    folders are walked, and no file is stat'ed (workers see sizes and mtimes)."""
    description = f"Parquet footers: {label}"
    context.progress(description, 0, None)  # the total is known when the walk ends
    try:
        listing, batches = iter_source(fs, user_path, root)
        batch, found = _read_streamed(fs, listing, batches, context.workers,
                                      lambda done: context.progress(description, done, None))
    except ListingError as exc:
        report.error(str(exc), source=label, path=user_path)
        return []
    except (OSError, pa.ArrowException) as exc:
        report.error(f"cannot list {user_path} ({type(exc).__name__})", source=label, path=user_path)
        return []
    if not found:
        _no_files(listing, user_path, report, label)
        return []
    report.files_scanned += len(found)
    context.progress(description, len(found), len(found))
    if listing.mode != "file":
        listing.rels = sorted(found)
        listing.sizes = [-1] * len(found)
        listing.mtimes = [-1] * len(found)
    results = batch.results(listing, {})
    parts, problems = _merge(batch, {}, results, listing)
    return _finish(source, label, user_path, listing, parts, problems, report, root)


def _merge(batch: _Batch, schemas: dict[str, SchemaRecord], results: list[FileResult],
           listing: Listing) -> tuple[MergedParts | None, list[ProblemTuple]]:
    schemas.update(batch.schemas)
    aggregates = {digest: aggregate(partial) for digest, partial in batch.partials.items()}
    return merge(results, aggregates, schemas, partitioned=listing.mode != "file", display=listing.display)


def _no_files(listing: Listing, user_path: str, report: ScanReport, label: str) -> None:
    what = "match" if listing.mode == "glob" else "in"
    report.warning(f"no Parquet files {what} {user_path}", source=label, path=user_path)


def _list(fs: pafs.FileSystem, user_path: str, root: str, cache: ScanCache,
          summary: tuple[str, Any] | None, report: ScanReport, label: str) -> Listing | None:
    """The source's files: from the stored listing when no folder changed, else by walking.
    ``None`` (with the reason reported) when there is nothing to scan."""
    listing = _revalidated(cache, summary[1], root, user_path) if summary else None
    if listing is None:
        try:  # the cache's fingerprint needs every size and mtime before anything is read
            listing = list_source(fs, user_path, root)
        except ListingError as exc:
            report.error(str(exc), source=label, path=user_path)
            return None
        except (OSError, pa.ArrowException) as exc:
            report.error(f"cannot list {user_path} ({type(exc).__name__})", source=label, path=user_path)
            return None
    if not listing.rels:
        _no_files(listing, user_path, report, label)
        return None
    return listing


# --- building the dataset ----------------------------------------------------------------

def _finish(source: SourceSpec, label: str, user_path: str, listing: Listing, parts: MergedParts | None,
            problems: list[ProblemTuple], report: ScanReport, root: str) -> list[Dataset]:
    for severity, message, path in problems:
        add = report.error if severity == "error" else report.warning
        add(message, source=label, path=path or user_path)
    if parts is None:
        return []
    return [Dataset(
        id=f"parquet:{user_path}",
        name=source.name or _default_name(listing, user_path, root),
        source="parquet",
        kind="file set",
        section=source.section or "internal",
        layer=source.layer or _infer_layer(user_path),
        location=user_path,
        format="Parquet",
        columns=parts.columns,
        partitioning=parts.partitioning,
        stats=parts.stats,
        properties=dict(parts.properties),
    )]


def _default_name(listing: Listing, user_path: str, root: str) -> str:
    """A single file's stem, else the folder's last component (of the literal part of a glob)."""
    if listing.mode == "file":
        return PurePosixPath(user_path).stem
    base = (listing.display_prefix if listing.mode == "glob" else user_path).rstrip("/")
    last = base.rsplit("/", 1)[-1]
    if last in ("", ".", "..", "~"):
        last = posixpath.basename(root.rstrip("/")) or "parquet"
    return last


def _infer_layer(user_path: str) -> str | None:
    """The last ``bronze``/``silver``/``gold`` folder in the path, if any."""
    found = [part.lower() for part in user_path.split("/") if part.lower() in LAYERS]
    return found[-1] if found else None


# --- reading footers -----------------------------------------------------------------------

def _mp_context() -> tuple[Any, str]:
    """Start method for footer workers.

    ``fork`` is fastest (no re-import of pyarrow) and is the platform default on Linux up
    to Python 3.11. From 3.12, forking a process with threads (pyarrow starts one on
    import) warns, so ``forkserver`` with this module preloaded is used; ``spawn`` elsewhere.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.version_info < (3, 12):
        return multiprocessing.get_context("fork"), "fork"
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["catalog.scanners.parquet"])  # workers fork with pyarrow loaded
        return ctx, "forkserver"
    return multiprocessing.get_context("spawn"), "spawn"


def plan_workers(files: int, requested: int | None, *, method: str = "fork", cpus: int | None = None) -> int:
    """How many footer-reading worker processes to use (at least one, see :func:`_read_footers`).

    ``requested`` (``context.workers``) caps it, default the CPU count; small sources get
    a single worker because starting more would cost more than they save.
    """
    limit = requested if requested is not None else (cpus if cpus is not None else (os.cpu_count() or 1))
    by_size = files // _MIN_FILES_PER_WORKER.get(method, 640)
    return max(1, min(limit, by_size))


def _chunks(items: list[str], workers: int) -> list[list[str]]:
    """Guided chunking: big chunks first, shrinking towards the end, so every worker is busy
    until the last moment while pickling and scheduling stay negligible."""
    out: list[list[str]] = []
    start = 0
    while start < len(items):
        size = max(16, min(512, (len(items) - start) // (workers * 3)))
        out.append(items[start:start + size])
        start += size
    return out


@dataclass(slots=True)
class _Batch:
    """Footers read in one scan: per-file schema digest or error, per-schema partial
    aggregates (one per chunk), per-file facts when the cache wants them, and schemas."""

    digest_of: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    partials: dict[str, list[FileFacts]] = field(default_factory=dict)
    facts: dict[str, FileFacts] = field(default_factory=dict)
    schemas: dict[str, SchemaRecord] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    mtimes: dict[str, int] = field(default_factory=dict)
    want_stats: bool = False
    done: set[str] = field(default_factory=set)

    def take(self, rels: list[str], chunk: ChunkResult) -> None:
        self.done.update(rels)
        digests = chunk.digests
        for rel, outcome in zip(rels, chunk.outcomes):
            if isinstance(outcome, str):
                self.errors[rel] = outcome
            else:
                self.digest_of[rel] = digests[outcome]
        for digest, partial in zip(digests, chunk.aggregates):
            self.partials.setdefault(digest, []).append(partial)
        if chunk.files is not None:
            self.facts.update((rel, f) for rel, f in zip(rels, chunk.files) if f is not None)
        if self.want_stats:
            self.sizes.update(zip(rels, chunk.sizes))
            self.mtimes.update(zip(rels, chunk.mtimes))
        self.schemas.update(chunk.schemas)

    def results(self, listing: Listing, reused: dict[str, FileFacts | str]) -> list[FileResult]:
        """One result per listed file, in listing order, from this batch and the cache.

        Files the listing did not stat get the size and mtime the workers saw."""
        for rel, outcome in reused.items():
            if isinstance(outcome, str):
                self.errors[rel] = outcome
            else:
                self.digest_of[rel] = outcome[0]
                self.partials.setdefault(outcome[0], []).append(outcome)
                self.facts[rel] = outcome
        if self.want_stats:
            listing.sizes = [self.sizes.get(rel, size) for rel, size in zip(listing.rels, listing.sizes)]
            listing.mtimes = [self.mtimes.get(rel, mtime) for rel, mtime in zip(listing.rels, listing.mtimes)]
        errors, digest_of = self.errors, self.digest_of
        return [FileResult(rel, size, mtime, digest_of.get(rel), errors.get(rel))
                for rel, size, mtime in zip(listing.rels, listing.sizes, listing.mtimes)]

    def fail(self, rels: list[str], reason: str) -> None:
        self.done.update(rels)
        for rel in rels:
            self.errors[rel] = reason


#: Files per chunk while the walk is still going (about 30 ms of work for one worker; the
#: last chunks, cut when the walk has ended, get smaller so the workers finish together).
_STREAM_CHUNK = 256

_CRASHED = "corrupt Parquet footer (the Parquet reader crashed on it)"
_GAVE_UP = "not scanned: footer-reading processes kept crashing"

#: Fresh single-worker pools allowed while isolating files that crash the reader.
_ISOLATION_BUDGET = 64


def _init_worker() -> None:
    """Worker set-up. A crashing reader prints C++ noise: the report says it better, so
    stderr goes to /dev/null. The cyclic garbage collector is switched off: footer work
    creates many small tuples and no cycles, a worker lives for one scan, and its
    collections (which also walk every object inherited from the parent) cost time."""
    if faulthandler.is_enabled():
        faulthandler.disable()
    gc.disable()
    gc.freeze()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


class _PoolUnavailable(Exception):
    """Processes cannot be started here (no fork/semaphores, e.g. some sandboxes)."""


def _run_pool(ctx: Any, workers: int, chunks: Iterator[list[str]],
              submit_args: Callable[[list[str]], tuple[Any, ...]],
              on_done: Callable[[list[str], ChunkResult], None]) -> list[tuple[list[str], str]]:
    """Run ``chunks`` in a fresh pool; returns the chunks that did not complete, with a reason.

    ``chunks`` is consumed while earlier chunks run, so it may still be walking folders.

    A worker that dies (pyarrow aborts on some malformed footers instead of raising) breaks
    the whole pool, so every unfinished chunk comes back for isolation.
    """
    try:
        executor = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker)
    except (OSError, NotImplementedError, ImportError, ValueError) as exc:
        raise _PoolUnavailable(type(exc).__name__) from None
    failed: list[tuple[list[str], str]] = []
    try:
        pending: dict[Future[ChunkResult], list[str]] = {}
        for chunk in chunks:
            try:
                pending[executor.submit(read_chunk, *submit_args(chunk))] = chunk
            except BrokenProcessPool:
                failed.append((chunk, _CRASHED))
            except (OSError, RuntimeError) as exc:
                if not pending and not failed:
                    raise _PoolUnavailable(type(exc).__name__) from None
                failed.append((chunk, _CRASHED))
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk = pending.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    failed.append((chunk, _CRASHED))
                except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be unpickled
                    failed.append((chunk, f"cannot read Parquet footer ({type(exc).__name__})"))
                else:
                    on_done(chunk, result)
    finally:
        # all work is collected (or abandoned): let the workers exit without waiting for them
        executor.shutdown(wait=False, cancel_futures=True)
    return failed


def _read_footers(fs: pafs.FileSystem, listing: Listing, rels: list[str], requested: int | None,
                  advance: Callable[[int], None], *, keep_files: bool) -> _Batch:
    """Read the footers of the listed files ``rels`` in worker processes (see :func:`_read_chunks`)."""
    ctx, method = _mp_context()
    workers = plan_workers(len(rels), requested, method=method)
    return _read_chunks(fs, listing, iter(_chunks(rels, workers)), workers, ctx, advance,
                        keep_files=keep_files, want_stats=bool(rels) and listing.sizes[0] < 0)


def _read_streamed(fs: pafs.FileSystem, listing: Listing, batches: Iterator[list[str]], requested: int | None,
                   advance: Callable[[int], None]) -> tuple[_Batch, list[str]]:
    """Read footers while the folders are still being walked (the cache is off, so there is
    nothing to compare first): workers start on the first files instead of waiting for
    the whole listing. Returns the batch and every file found, unsorted.

    A source is walked up to the size where more than one worker pays before the pool is
    sized; a small source is then read like a listed one.
    """
    ctx, method = _mp_context()
    enough = 2 * _MIN_FILES_PER_WORKER.get(method, 640)
    found: list[str] = []
    for rels in batches:
        found.extend(rels)
        if len(found) >= enough:
            break
    else:
        found.sort()
        workers = plan_workers(len(found), requested, method=method)
        return _read_chunks(fs, listing, iter(_chunks(found, workers)), workers, ctx, advance,
                            keep_files=False, want_stats=True), found
    workers = plan_workers(sys.maxsize, requested, method=method)

    def chunks() -> Iterator[list[str]]:
        pending = list(found)
        while True:
            while len(pending) >= _STREAM_CHUNK:
                yield pending[:_STREAM_CHUNK]
                del pending[:_STREAM_CHUNK]
            more = next(batches, None)  # walks one more folder while the workers read
            if more is None:
                break
            found.extend(more)
            pending.extend(more)
        yield from _chunks(pending, workers)

    return _read_chunks(fs, listing, chunks(), workers, ctx, advance, keep_files=False, want_stats=True), found


def _read_chunks(fs: pafs.FileSystem, listing: Listing, chunks: Iterator[list[str]], workers: int, ctx: Any,
                 advance: Callable[[int], None], *, keep_files: bool, want_stats: bool) -> _Batch:
    """Read the footers of ``chunks`` of files in ``workers`` worker processes.

    Even a small source is read in a child process: pyarrow terminates the process on
    some malformed footers (C++ exceptions it does not convert; its bare Thrift parser,
    used for speed, on any Thrift error), and one bad file must not take lakemap down.
    Chunks whose worker died are read again with the safe parser; a chunk that still
    kills its worker is run alone and halved until the culprit file is found and reported.
    """
    batch = _Batch(want_stats=want_stats)
    done = 0

    def on_done(chunk: list[str], result: ChunkResult) -> None:
        nonlocal done
        batch.take(chunk, result)
        done += len(chunk)
        advance(done)

    def on_fail(chunk: list[str], reason: str) -> None:
        nonlocal done
        batch.fail(chunk, reason)
        done += len(chunk)
        advance(done)

    def fast(chunk: list[str]) -> tuple[Any, ...]:
        return fs, [listing.fs_path(rel) for rel in chunk], keep_files, False

    def safe(chunk: list[str]) -> tuple[Any, ...]:
        return fs, [listing.fs_path(rel) for rel in chunk], keep_files, True

    issued: list[list[str]] = []

    def tracked() -> Iterator[list[str]]:
        for chunk in chunks:
            issued.append(chunk)
            yield chunk

    try:
        failed = _run_pool(ctx, workers, tracked(), fast, on_done)
        if failed:  # a worker died: most likely malformed Thrift, which the safe reader reports
            failed = _run_pool(ctx, workers, iter([chunk for chunk, _ in failed]), safe, on_done)
        if failed and not _pool_works(ctx):
            raise _PoolUnavailable("workers die on start")
    except _PoolUnavailable:
        rest = [rel for chunk in issued for rel in chunk if rel not in batch.done]
        rest += [rel for chunk in chunks for rel in chunk]
        for chunk in _chunks(rest, 1):
            on_done(chunk, read_chunk(*safe(chunk)))  # no processes here: read in this one, safely
        return batch
    _isolate(failed, lambda chunk: _run_pool(ctx, 1, iter([chunk]), safe, on_done), on_fail)
    return batch


def _pool_works(ctx: Any) -> bool:
    """Whether a worker process can run a trivial task here at all."""
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_init_worker) as executor:
            return executor.submit(os.getpid).result(timeout=120) > 0
    except Exception:  # noqa: BLE001 - any failure means: no usable processes
        return False


def _isolate(failed: list[tuple[list[str], str]],
             run_alone: Callable[[list[str]], list[tuple[list[str], str]]],
             on_fail: Callable[[list[str], str], None]) -> None:
    """Re-run failed chunks each in a pool of its own, halving those that fail again until
    the files that kill a worker are found; bounded so a hostile folder cannot keep the
    scan busy forever."""
    budget = _ISOLATION_BUDGET
    stack = failed[::-1]
    while stack:
        chunk, reason = stack.pop()
        if budget <= 0:
            on_fail(chunk, _GAVE_UP)
            continue
        budget -= 1
        try:
            again = run_alone(chunk)
        except _PoolUnavailable:
            on_fail(chunk, _GAVE_UP)
            continue
        for part, why in again:  # the chunk again, if it failed on its own too
            if len(part) == 1:
                on_fail(part, why)  # this file is the culprit
            else:
                half = len(part) // 2
                stack.append((part[half:], why))
                stack.append((part[:half], why))


# --- cache ------------------------------------------------------------------------------------

def _fingerprint(listing: Listing, user_path: str) -> str:
    """Hash of everything a result depends on: format version, source and each file's
    (path, size, mtime). Built from the columnar listing without per-file objects."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{CACHE_VERSION}\0{listing.mode}\0{user_path}\0".encode("utf-8", "surrogateescape"))
    digest.update("\0".join(listing.rels).encode("utf-8", "surrogateescape"))
    digest.update(array("q", listing.sizes).tobytes())
    digest.update(array("q", listing.mtimes).tobytes())
    return digest.hexdigest()


def _racy_before(listed_at: int, mtimes: list[int]) -> int:
    """Files with an mtime at or after this are too recent to trust from the cache."""
    fine = any(m % _NS for m in mtimes)
    return listed_at - (_RACY_NS_FINE if fine else _RACY_NS_COARSE)


def _cached_summary(cache: ScanCache, payload: Any, listing: Listing) -> tuple[MergedParts | None,
                                                                             list[ProblemTuple]] | None:
    """The stored result, unless some file is too recent to trust its mtime."""
    try:
        listed_at = int(payload["listed_at"])
        if max(listing.mtimes) >= _racy_before(listed_at, listing.mtimes):
            return None  # some file may have changed within the clock's granularity
        return _decode_parts(payload["parts"]), _decode_problems(payload["problems"])
    except (KeyError, TypeError, ValueError, IndexError, CacheCorrupt) as exc:
        cache.corrupt(cache.summary_path, f"malformed summary: {type(exc).__name__}")
        return None


def _revalidated(cache: ScanCache, payload: Any, root: str, user_path: str) -> Listing | None:
    """The current listing rebuilt from the stored one's folders (see :func:`revalidate`),
    or ``None`` when the folders changed or nothing usable is stored."""
    try:
        snapshot = payload.get("snapshot") if isinstance(payload, dict) else None
        if not isinstance(snapshot, dict):
            return None
        mode, folders, rels = snapshot["mode"], snapshot["folders"], snapshot["files"]
        if (mode not in ("file", "folder", "glob") or not isinstance(folders, dict)
                or not isinstance(rels, list) or not all(isinstance(v, int) for v in folders.values())
                or not all(isinstance(r, str) for r in rels)):
            raise CacheCorrupt("snapshot")
        if (mode == "glob") != has_glob(user_path):
            return None
        prefix = split_glob(user_path)[0] if mode == "glob" else user_path
        racy = _racy_before(int(payload["listed_at"]), list(folders.values()))
    except (KeyError, TypeError, ValueError, CacheCorrupt) as exc:
        cache.corrupt(cache.summary_path, f"malformed summary: {type(exc).__name__}")
        return None
    return revalidate(mode, root, prefix, folders, rels, racy)


def _cached_entries(cache: ScanCache, listing: Listing) -> tuple[dict[str, FileFacts | str],
                                                                 dict[str, SchemaRecord]]:
    """Per-file results still valid for the current listing, and the schemas they use."""
    payload = cache.load_entries()
    if payload is None:
        return {}, {}
    try:
        racy = _racy_before(int(payload["listed_at"]), listing.mtimes)
        schemas = {str(d): _decode_schema(v) for d, v in dict(payload["schemas"]).items()}
        files = payload["files"]
        if not isinstance(files, dict):
            raise CacheCorrupt("files")
        reused: dict[str, FileFacts | str] = {}
        for rel, size, mtime in zip(listing.rels, listing.sizes, listing.mtimes):
            entry = files.get(rel)
            if entry is None or entry[0] != size or entry[1] != mtime or mtime >= racy:
                continue
            reused[rel] = _decode_outcome(entry[2], schemas)
        return reused, schemas
    except (KeyError, TypeError, ValueError, IndexError, CacheCorrupt, pa.ArrowException) as exc:
        cache.corrupt(cache.entries_path, f"malformed entries: {type(exc).__name__}")
        return {}, {}


def _encode_entries(listed_at: int, results: list[FileResult], facts: dict[str, FileFacts],
                    schemas: dict[str, SchemaRecord]) -> dict[str, Any]:
    files: dict[str, Any] = {}
    for r in results:
        outcome = facts.get(r.rel)
        if outcome is not None:
            files[r.rel] = [r.size, r.mtime_ns, list(outcome)]
        elif r.error is not None:
            files[r.rel] = [r.size, r.mtime_ns, r.error]
    return {
        "listed_at": listed_at,
        "schemas": {d: [base64.b64encode(r.arrow).decode("ascii"), r.leaves] for d, r in schemas.items()},
        "files": files,
    }


def _decode_schema(value: Any) -> SchemaRecord:
    arrow_b64, leaves = value
    if not isinstance(leaves, list) or not all(isinstance(x, list) and len(x) == 2 for x in leaves):
        raise CacheCorrupt("leaves")
    arrow = base64.b64decode(arrow_b64, validate=True)
    pa.ipc.read_schema(pa.py_buffer(arrow))  # raises on garbage, before anything trusts it
    return SchemaRecord(arrow=arrow, leaves=leaves)


def _decode_outcome(value: Any, schemas: dict[str, SchemaRecord]) -> FileFacts | str:
    if isinstance(value, str):
        return value
    digest, rows, codecs, nulls, mins, maxs, unknown = value
    record = schemas[digest]
    n = len(record.leaves)
    if not (isinstance(rows, int) and isinstance(codecs, str) and isinstance(unknown, int)
            and len(nulls) == len(mins) == len(maxs) == n):
        raise CacheCorrupt("facts")
    return (digest, rows, codecs, tuple(nulls), tuple(mins), tuple(maxs), unknown)


def _encode_summary(listed_at: int, listing: Listing, parts: MergedParts | None,
                    problems: list[ProblemTuple]) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "listed_at": listed_at,
        "parts": None if parts is None else _encode_parts(parts),
        "problems": [list(p) for p in problems],
    }
    if listing.folders is not None:
        summary["snapshot"] = {"mode": listing.mode, "folders": listing.folders, "files": listing.rels}
    return summary


def _decode_problems(value: Any) -> list[ProblemTuple]:
    out = []
    for severity, message, path in value:
        if severity not in ("error", "warning") or not isinstance(message, str) or not isinstance(path, str):
            raise CacheCorrupt("problem")
        out.append((severity, message, path))
    return out


def _encode_column(col: Column) -> list[Any]:
    stats = None if col.stats is None else [col.stats.null_count, col.stats.min, col.stats.max]
    children = [_encode_column(c) for c in col.children]
    return [col.name, col.type, col.nullable, list(col.constraints), children, stats]


def _decode_column(value: Any) -> Column:
    name, type_, nullable, constraints, children, stats = value
    if not (isinstance(name, str) and isinstance(type_, str) and isinstance(nullable, bool)):
        raise CacheCorrupt("column")
    return Column(
        name=name, type=type_, nullable=nullable, constraints=tuple(str(c) for c in constraints),
        children=tuple(_decode_column(c) for c in children),
        stats=None if stats is None else ColumnStats(null_count=stats[0], min=stats[1], max=stats[2]),
    )


def _encode_parts(parts: MergedParts) -> dict[str, Any]:
    p = parts.partitioning
    s = parts.stats
    return {
        "columns": [_encode_column(c) for c in parts.columns],
        "stats": [s.files, s.rows, s.bytes, s.last_modified],
        "properties": parts.properties,
        "partitioning": None if p is None else {
            "keys": [[k.name, k.type] for k in p.keys], "style": p.style, "count": p.count,
            "latest": p.latest},
    }


def _decode_parts(value: Any) -> MergedParts | None:
    if value is None:
        return None
    files, rows, size, modified = value["stats"]
    p = value["partitioning"]
    properties = value["properties"]
    if not isinstance(properties, dict) or not all(isinstance(v, str) for v in properties.values()):
        raise CacheCorrupt("properties")
    return MergedParts(
        columns=tuple(_decode_column(c) for c in value["columns"]),
        stats=DatasetStats(files=files, rows=rows, bytes=size, last_modified=modified),
        properties=dict(properties),
        partitioning=None if p is None else Partitioning(
            keys=tuple(PartitionKey(str(n), str(t)) for n, t in p["keys"]),
            style=str(p["style"]), count=p["count"], latest=p["latest"]),
    )
