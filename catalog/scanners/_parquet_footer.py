"""Read Parquet footers into compact plain data: the per-file work of the Parquet scanner.

This module runs inside worker processes, so it is built for throughput:

* It reads the footer itself with one ranged read from the end of the file (one GET on an
  object store later) and parses those bytes directly, skipping ``pq.ParquetFile``'s
  set-up. Measured on small 24-leaf files: ``pq.read_metadata`` 144 us/file; here the
  read 10 us, pyarrow's bare Thrift parser 56 us (its raising reader: 80 us), schema
  lookup 4 us, statistics 44 us. The bare parser terminates the process on malformed
  Thrift, so it only runs in worker processes; the scanner re-reads a chunk whose worker
  died with the raising reader (``safe=True``).
* A schema is converted once per distinct schema per process, not once per file: files
  of one dataset nearly always share it. The result carries a digest of the schema and
  ships the schema itself only once per chunk.
* Statistics are read raw (``min_raw``) and turned into JSON-safe values that order the
  same way as the logical values (decimals as unscaled ints, timestamps as nanoseconds,
  strings decoded). Logical conversion through pyarrow scalars costs twice as much and
  fails outright on nanosecond timestamps; the parent renders only the final min/max.

Nothing here touches the catalog model: results are tuples, strings and ints that pickle
and serialise to JSON cheaply (the scan cache stores them as they are).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import stat as _stat
import struct
from typing import Any, Callable, NamedTuple

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from catalog.scanners._parquet_schema import column_from_field, leaf_targets

try:  # the reader behind pq.ParquetFile, without its Python set-up (40 us of 140 per small file)
    from pyarrow._parquet import ParquetReader as _ParquetReader
except ImportError:  # pragma: no cover - depends on the pyarrow build
    _ParquetReader = None
try:  # pyarrow's bare footer parser (FileMetaData unpickling): fastest, but aborts on bad Thrift
    from pyarrow._parquet import _reconstruct_filemetadata as _parse_thrift
except ImportError:  # pragma: no cover - depends on the pyarrow build
    _parse_thrift = None

#: How much of a file's end to read in the first request: the whole footer of nearly every
#: file, so one read suffices (parquet-cpp uses the same default).
_TAIL_READ = 64 * 1024
_MAGIC = b"PAR1"

#: Workers run with automatic garbage collection off (it costs a third of the work), but a
#: FileMetaData and its ParquetSchema reference each other, so each footer leaves a cycle:
#: collecting the young generation now and then frees them for a few microseconds.
_COLLECT_EVERY = 32
_ENCRYPTED_MAGIC = b"PARE"

#: ``FileFacts`` fields, in order: schema digest, rows, sorted codecs joined by ",", then per
#: parquet leaf column: null counts (``None`` = unknown), minimums, maximums (``None`` = no
#: non-null value), and a bit mask of leaves whose min/max is unknown.
FileFacts = tuple[str, int, str, tuple[Any, ...], tuple[Any, ...], tuple[Any, ...], int]

#: ``LeafSpec``: ``[render, arg]`` for one leaf, e.g. ``["decimal", 2]``, ``["timestamp", 0]``;
#: ``["none", 0]`` when min/max are not kept. JSON-safe because the cache stores it.
LeafSpec = list[Any]


class SchemaRecord(NamedTuple):
    """A distinct file schema: the Arrow schema (IPC bytes) and how to render each leaf's stats."""

    arrow: bytes
    leaves: list[LeafSpec]


class _KnownSchema(NamedTuple):
    parquet_schema: Any
    digest: str
    record: SchemaRecord
    converters: tuple[Callable[[Any], Any] | None, ...]
    keep_minmax: tuple[bool, ...]
    converted: tuple[int, ...]  # leaves with a converter and kept min/max
    dropped: tuple[int, ...]  # leaves whose min/max are not kept
    kept: tuple[int, ...]  # leaves whose min/max are kept


class FooterError(Exception):
    """A file that is not a readable Parquet file; the message is shown to the user."""


# --- raw statistic converters: physical value -> JSON-safe value with the logical order ----

def _utf8(value: bytes) -> str:
    return value.decode("utf-8", "replace")


def _signed_bytes(value: bytes) -> int:
    return int.from_bytes(value, "big", signed=True)


def _unsigned(bits: int) -> Callable[[int], int]:
    mask = (1 << bits) - 1
    return lambda value: value & mask


def _times(factor: int) -> Callable[[int], int] | None:
    return None if factor == 1 else (lambda value: value * factor)


_UNIT_TO_NS = {"milliseconds": 1_000_000, "microseconds": 1_000, "nanoseconds": 1}


def _leaf_plan(descr: Any) -> tuple[Callable[[Any], Any] | None, bool, LeafSpec]:
    """How to read one leaf's min/max: (converter, keep min/max?, render spec).

    Decided from the Parquet physical and logical type (the stored bytes' meaning), not the
    Arrow type, because that is what ``min_raw`` holds.
    """
    physical = descr.physical_type
    logical = json.loads(descr.logical_type.to_json())
    kind = logical.get("Type", "None")
    if physical == "BOOLEAN":
        return None, True, ["bool", 0]
    if physical in ("INT32", "INT64"):
        bits = 32 if physical == "INT32" else 64
        if kind == "Int":
            if not logical.get("isSigned", True):
                return _unsigned(bits), True, ["int", 0]
            return None, True, ["int", 0]
        if kind == "Decimal":
            return None, True, ["decimal", int(logical.get("scale", 0))]
        if kind == "Date":
            return None, True, ["date", 0]
        if kind in ("Timestamp", "Time"):
            factor = _UNIT_TO_NS.get(logical.get("timeUnit", ""), 0)
            if not factor:
                return None, False, ["none", 0]
            render = "timestamp" if kind == "Timestamp" else "time"
            return _times(factor), True, [render, 1 if logical.get("isAdjustedToUTC") else 0]
        if kind == "None":
            return None, True, ["int", 0]
        return None, False, ["none", 0]
    if physical in ("FLOAT", "DOUBLE"):
        return None, True, ["float", 0]
    if physical in ("BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"):
        if kind in ("String", "Enum", "JSON"):
            return _utf8, True, ["str", 0]
        if kind == "Decimal":
            return _signed_bytes, True, ["decimal", int(logical.get("scale", 0))]
    return None, False, ["none", 0]  # INT96, binary, UUID, Float16...: order is not meaningful


# --- per-process schema memo ------------------------------------------------------------

_MEMO: dict[bytes | None, list[_KnownSchema]] = {}
_MEMO_LIMIT = 256


def _known_schema(metadata: Any) -> _KnownSchema:
    """The memoised facts for this file's schema, converting it only when first seen."""
    kv = metadata.metadata
    arrow_key = kv.get(b"ARROW:schema") if kv else None
    parquet_schema = metadata.schema
    candidates = _MEMO.get(arrow_key)
    if candidates:
        for known in candidates:
            if known.parquet_schema.equals(parquet_schema):
                return known
    if sum(len(v) for v in _MEMO.values()) >= _MEMO_LIMIT:
        _MEMO.clear()
    try:
        arrow_schema = parquet_schema.to_arrow_schema()
        # the parent turns the schema into catalog columns: fail here, per file, if it cannot
        if len(leaf_targets(arrow_schema)) != len(parquet_schema):
            raise ValueError("Arrow and Parquet schemas disagree")
        for fld in arrow_schema:
            column_from_field(fld)
    except (pa.ArrowException, ValueError, TypeError, UnicodeDecodeError, RecursionError) as exc:
        raise FooterError(f"unsupported Parquet schema: {_first_line(exc)}") from None
    plans = [_leaf_plan(parquet_schema.column(j)) for j in range(len(parquet_schema))]
    arrow_bytes = arrow_schema.remove_metadata().serialize().to_pybytes()
    leaves = [plan[2] for plan in plans]
    digest = hashlib.blake2b(arrow_bytes + json.dumps(leaves).encode(), digest_size=12).hexdigest()
    known = _KnownSchema(
        parquet_schema=parquet_schema,
        digest=digest,
        record=SchemaRecord(arrow=arrow_bytes, leaves=leaves),
        converters=tuple(plan[0] for plan in plans),
        keep_minmax=tuple(plan[1] for plan in plans),
        converted=tuple(j for j, plan in enumerate(plans) if plan[0] is not None and plan[1]),
        dropped=tuple(j for j, plan in enumerate(plans) if not plan[1]),
        kept=tuple(j for j, plan in enumerate(plans) if plan[1]),
    )
    _MEMO.setdefault(arrow_key, []).append(known)
    return known


# --- footer bytes -----------------------------------------------------------------------

def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _os_reason(exc: OSError) -> str:
    """A reason without the absolute path pyarrow and the OS put into their messages."""
    if isinstance(exc, FileNotFoundError):
        return "file disappeared while scanning"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a file"
    return f"cannot read file ({exc.strerror or type(exc).__name__})"


def _check_tail(tail: bytes, size: int) -> int:
    """Validate the Parquet framing at the end of a file; returns the footer length.
    Raises :class:`FooterError`."""
    magic = tail[-4:]
    if magic != _MAGIC:
        if magic == _ENCRYPTED_MAGIC:
            raise FooterError("encrypted Parquet footer (not supported)")
        if size <= _TAIL_READ and tail[:4] == _MAGIC:
            raise FooterError("truncated Parquet file (footer missing: no PAR1 at the end)")
        raise FooterError("not a Parquet file (no PAR1 magic at the end)")
    footer_len = struct.unpack("<I", tail[-8:-4])[0]
    if footer_len + 12 > size:
        raise FooterError(f"corrupt Parquet file (footer length {footer_len} exceeds file size {size})")
    return footer_len


def _read_local(path: str) -> tuple[bytes, int, int]:
    """Local files: one open, one fstat (size and mtime for free), one or two preads."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if _stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(path)
        size = st.st_size
        if size < 12:
            raise FooterError(f"not a Parquet file (only {size} bytes)")
        first = min(size, _TAIL_READ)
        tail = _pread(fd, first, size - first)
        footer_len = _check_tail(tail, size)
        if footer_len + 8 > first:
            tail = _pread(fd, footer_len + 8 - first, size - 8 - footer_len) + tail
        return tail[len(tail) - 8 - footer_len:], size, st.st_mtime_ns
    finally:
        os.close(fd)


def _pread(fd: int, length: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        data = os.pread(fd, length, offset)
    else:  # pragma: no cover - Windows
        os.lseek(fd, offset, os.SEEK_SET)
        data = os.read(fd, length)
    if len(data) != length:
        raise FooterError("file shrank while scanning")
    return data


def _read_remote(fs: pafs.FileSystem, path: str) -> tuple[bytes, int, int]:
    """Any pyarrow FileSystem (object stores): ranged reads; the listing knows the mtime."""
    with fs.open_input_file(path) as handle:
        size = handle.size()
        if size < 12:
            raise FooterError(f"not a Parquet file (only {size} bytes)")
        first = min(size, _TAIL_READ)
        tail = handle.read_at(first, size - first)
        if len(tail) != first:
            raise FooterError("file shrank while scanning")
        footer_len = _check_tail(tail, size)
        if footer_len + 8 > first:
            rest = handle.read_at(footer_len + 8 - first, size - 8 - footer_len)
            if len(rest) != footer_len + 8 - first:
                raise FooterError("file shrank while scanning")
            tail = rest + tail
        return tail[len(tail) - 8 - footer_len:], size, -1


def read_tail(fs: pafs.FileSystem, path: str) -> tuple[bytes, int, int]:
    """The end of ``path`` from the Thrift footer on (footer, length, magic), the file size
    and its mtime in ns (-1 where the filesystem does not say).

    One read of the last 64 KiB covers the footer of nearly every file. Raises
    :class:`FooterError` with a user-facing reason for anything that is not a complete
    Parquet file (too short, wrong magic, encrypted, truncated).
    """
    try:
        if isinstance(fs, pafs.LocalFileSystem):
            return _read_local(path)
        return _read_remote(fs, path)
    except FooterError:
        raise
    except OSError as exc:
        raise FooterError(_os_reason(exc)) from None
    except pa.ArrowException as exc:
        raise FooterError(f"cannot read file ({_first_line(exc)})") from None


def _parse_footer(tail: bytes, safe: bool) -> Any:
    """The file's ``FileMetaData`` (footer only; data pages are never read).

    ``safe=False`` parses the Thrift bytes with pyarrow's bare parser (55 us on a small
    file), which terminates the process on malformed Thrift: callers use it only in a
    worker process whose death they handle. ``safe=True`` goes through pyarrow's reader
    (80 us), which raises instead; the footer reaches it as an in-memory buffer, so no
    second read happens and no path appears in its messages.
    """
    try:
        if not safe and _parse_thrift is not None:
            return _parse_thrift(pa.py_buffer(tail[:-8]))
        if _ParquetReader is not None:
            reader = _ParquetReader()
            reader.open(pa.BufferReader(tail))
            return reader.metadata
        return pq.ParquetFile(pa.BufferReader(tail)).metadata  # pragma: no cover - fallback
    except (OSError, pa.ArrowException, ValueError, TypeError) as exc:
        raise FooterError(f"corrupt Parquet footer ({_first_line(exc)})") from None


# --- facts --------------------------------------------------------------------------------

def _group_facts(group: Any, known: _KnownSchema,
                 codecs: list[str]) -> tuple[list[Any], list[Any], list[Any], int]:
    """Null counts, minimums, maximums and the unknown-range mask of one row group.

    One tight pass collects raw values (each pyarrow accessor costs 0.1-0.5 us and there
    are six per leaf); conversions and exceptions are then applied to the few leaves
    that need them.
    """
    nulls: list[Any] = []
    mins: list[Any] = []
    maxs: list[Any] = []
    column = group.column
    add_codec = codecs.append
    for j in range(len(known.converters)):
        chunk = column(j)
        add_codec(chunk.compression)
        stats = chunk.statistics
        if stats is None:
            nulls.append(-1)  # resolved below
            mins.append(None)
            maxs.append(None)
            continue
        nulls.append(stats.null_count)
        mins.append(stats.min_raw)  # None when not written
        maxs.append(stats.max_raw)
    converters = known.converters
    for j in known.converted:
        low = mins[j]
        if low is not None:
            convert = converters[j]
            mins[j] = convert(low)
            maxs[j] = convert(maxs[j])
    for j in known.dropped:
        mins[j] = maxs[j] = None
    unknown = 0
    if -1 in nulls:  # no statistics at all: fine only for an empty chunk
        for j, count in enumerate(nulls):
            if count == -1:
                empty = column(j).num_values == 0
                nulls[j] = 0 if empty else None
                if not empty:
                    unknown |= 1 << j
    for j in known.kept:
        if mins[j] is None and nulls[j] != column(j).num_values:
            unknown |= 1 << j  # values exist but their range was not written
    return nulls, mins, maxs, unknown


_CODECS: dict[frozenset[str], str] = {}


def _codec_text(codecs: list[str]) -> str:
    """``"gzip,snappy"`` for the codec names of a file's column chunks (memoised)."""
    key = frozenset(codecs)
    text = _CODECS.get(key)
    if text is None:
        text = _CODECS[key] = ",".join(sorted(name.lower() for name in key))
    return text


def _facts(metadata: Any, known: _KnownSchema) -> FileFacts:
    """Rows, codecs and per-leaf statistics of one file, merged over its row groups."""
    n_leaves = len(known.converters)
    if metadata.num_columns != n_leaves:
        raise FooterError("corrupt Parquet footer (column count does not match the schema)")
    codecs: list[str] = []
    n_groups = metadata.num_row_groups
    if n_groups == 0:
        return (known.digest, metadata.num_rows, "", (0,) * n_leaves, (None,) * n_leaves,
                (None,) * n_leaves, 0)
    nulls, mins, maxs, unknown = _group_facts(metadata.row_group(0), known, codecs)
    for i in range(1, n_groups):
        g_nulls, g_mins, g_maxs, g_unknown = _group_facts(metadata.row_group(i), known, codecs)
        unknown |= g_unknown
        for j in range(n_leaves):
            if nulls[j] is not None:
                nulls[j] = None if g_nulls[j] is None else nulls[j] + g_nulls[j]
            low, high = g_mins[j], g_maxs[j]
            if low is not None and (mins[j] is None or low < mins[j]):
                mins[j] = low
            if high is not None and (maxs[j] is None or high > maxs[j]):
                maxs[j] = high
    return (known.digest, metadata.num_rows, _codec_text(codecs), tuple(nulls), tuple(mins), tuple(maxs),
            unknown)


def read_file(fs: pafs.FileSystem, path: str,
              safe: bool = True) -> tuple[FileFacts, str, SchemaRecord, int, int]:
    """Facts of one file, its schema digest and record, size and mtime (ns, -1 if unknown).
    Raises :class:`FooterError`."""
    tail, size, mtime = read_tail(fs, path)
    metadata = _parse_footer(tail, safe)
    try:
        known = _known_schema(metadata)
        return _facts(metadata, known), known.digest, known.record, size, mtime
    except FooterError:
        raise
    except (pa.ArrowException, ValueError, TypeError, OverflowError) as exc:
        raise FooterError(f"corrupt Parquet footer ({_first_line(exc)})") from None


def aggregate(facts: list[FileFacts]) -> FileFacts:
    """Combine facts of files sharing one schema into facts of the same shape.

    Works column-wise (``zip(*...)`` then C-level ``min``/``max``/``sum``), about 3 us per
    file, so workers can pre-aggregate each chunk and the parent only combines chunks.
    NaN never becomes a minimum or maximum, and a range that cannot be compared (a
    crafted file mixing value kinds) becomes unknown instead of raising.
    """
    if len(facts) == 1:
        return facts[0]
    first = facts[0]
    n_leaves = len(first[3])
    unknown = 0
    codecs: set[str] = set()
    for fact in facts:
        unknown |= fact[6]
        if fact[2]:
            codecs.update(fact[2].split(","))
    nulls: list[Any] = []
    mins: list[Any] = []
    maxs: list[Any] = []
    if n_leaves:
        for j, (null_col, min_col, max_col) in enumerate(zip(zip(*(f[3] for f in facts)),
                                                              zip(*(f[4] for f in facts)),
                                                              zip(*(f[5] for f in facts)))):
            nulls.append(None if None in null_col else sum(null_col))
            lows = [v for v in min_col if v is not None and v == v]  # v == v drops NaN
            highs = [v for v in max_col if v is not None and v == v]
            try:
                mins.append(min(lows) if lows else None)
                maxs.append(max(highs) if highs else None)
            except TypeError:
                mins.append(None)
                maxs.append(None)
                unknown |= 1 << j
    return (first[0], sum(f[1] for f in facts), ",".join(sorted(codecs)), tuple(nulls), tuple(mins),
            tuple(maxs), unknown)


class ChunkResult(NamedTuple):
    """What a worker sends back for a chunk of files, kept small for pickling.

    ``outcomes[i]`` is an index into ``digests`` (the schema of file ``i``) or the reason
    the file could not be read. ``aggregates[k]`` are the merged facts of the chunk's
    files with schema ``digests[k]``; ``files`` holds per-file facts only when asked
    (the scan cache stores them), ``None`` otherwise. ``sizes`` and ``mtimes`` come from
    the open file (-1 when unknown), so a listing need not stat every file.
    """

    outcomes: list[int | str]
    digests: list[str]
    aggregates: list[FileFacts]
    files: list[FileFacts | None] | None
    schemas: dict[str, SchemaRecord]
    sizes: list[int]
    mtimes: list[int]


def read_chunk(fs: pafs.FileSystem, paths: list[str], keep_files: bool = False,
               safe: bool = True) -> ChunkResult:
    """Read the footers of ``paths``: the unit of work sent to a worker process.

    ``safe=False`` is for worker processes only (see :func:`_parse_footer`).
    """
    outcomes: list[int | str] = []
    digests: dict[str, int] = {}
    by_digest: list[list[FileFacts]] = []
    files: list[FileFacts | None] = []
    schemas: dict[str, SchemaRecord] = {}
    sizes: list[int] = []
    mtimes: list[int] = []
    collect = not gc.isenabled()
    for count, path in enumerate(paths, 1):
        if collect and count % _COLLECT_EVERY == 0:
            gc.collect(0)  # see _COLLECT_EVERY
        try:
            facts, digest, record, size, mtime = read_file(fs, path, safe)
        except FooterError as exc:
            outcomes.append(str(exc))
            files.append(None)
            sizes.append(-1)
            mtimes.append(-1)
            continue
        except Exception as exc:  # noqa: BLE001 - one odd file must not end the scan of the others
            outcomes.append(f"cannot read Parquet footer ({type(exc).__name__}: {_first_line(exc)})")
            files.append(None)
            sizes.append(-1)
            mtimes.append(-1)
            continue
        index = digests.get(digest)
        if index is None:
            index = digests[digest] = len(by_digest)
            by_digest.append([])
            schemas[digest] = record
        by_digest[index].append(facts)
        outcomes.append(index)
        files.append(facts)
        sizes.append(size)
        mtimes.append(mtime)
    return ChunkResult(outcomes, list(digests), [aggregate(group) for group in by_digest],
                       files if keep_files else None, schemas, sizes, mtimes)
