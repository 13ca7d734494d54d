"""Find the Parquet files of one source: a file, a folder (recursive) or a glob.

Listing goes through a :class:`pyarrow.fs.FileSystem` so an ``S3FileSystem`` can be
plugged in for ``s3://`` paths later (:func:`_walk_fs`); a local folder takes an
``os.scandir`` fast path instead of ``FileSelector``, which builds a ``FileInfo`` object
per entry (measured on 5,000 files: 16 ms against 18 ms, 5 ms without stat calls).

A cached re-scan need not walk at all: :func:`revalidate` stats the folders and files of
the previous listing (10 ms for the same lake), since a folder whose mtime did not move
has the same entries.

Results are columnar (paths, sizes, mtimes as parallel lists, sorted by path): the
re-scan fingerprint hashes them without building a tuple per file.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat as _stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyarrow.fs as pafs

#: File name endings taken as Parquet when listing folders and globs.
PARQUET_SUFFIXES: tuple[str, ...] = (".parquet", ".parq", ".pq")

_GLOB_CHARS = frozenset("*?[")


@dataclass(slots=True)
class Listing:
    """The files of one source, relative to ``root``, sorted by relative path.

    ``mode`` is ``file``, ``folder`` or ``glob``. ``display_prefix`` is what the user wrote
    up to the root, so messages show ``lake/events/year=2025/x.parquet`` and never an
    absolute path the user did not write.
    """

    mode: str
    root: str
    display_prefix: str
    rels: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    mtimes: list[int] = field(default_factory=list)
    #: mtime of every folder walked (local listings with stats), for :func:`revalidate`
    folders: dict[str, int] | None = None

    def display(self, rel: str) -> str:
        """The path of a listed file as the user would write it."""
        if self.mode == "file":
            return self.display_prefix
        return posixpath.join(self.display_prefix, rel) if self.display_prefix else rel

    def fs_path(self, rel: str) -> str:
        """The path of a listed file for the filesystem."""
        return self.root if self.mode == "file" else f"{self.root.rstrip('/')}/{rel}"


class ListingError(Exception):
    """The source path cannot be listed (missing, unreadable); the message is for the user."""


def has_glob(path: str) -> bool:
    """Whether a user path is a glob pattern."""
    return any(ch in _GLOB_CHARS for ch in path)


def split_glob(path: str) -> tuple[str, str]:
    """``("lake/events", "year=*/*.parquet")``: the literal folder before the first wildcard
    component, and the pattern relative to it."""
    parts = path.split("/")
    for index, part in enumerate(parts):
        if has_glob(part):
            return "/".join(parts[:index]), "/".join(parts[index:])
    return path, ""


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a glob for relative posix paths: ``*`` and ``?`` stay inside one folder,
    ``**`` spans any number of folders, ``[abc]``/``[!abc]`` are character classes
    (as in Python's fnmatch, ``^`` does not negate)."""
    out: list[str] = []
    parts = [p for p in pattern.split("/") if p != ""]
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:[^/]+/)*")
            continue
        out.append(_glob_part(part))
        if not last:
            out.append("/")
    return re.compile("".join(out))


def _glob_part(part: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(part):
        ch = part[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            negate = part[i + 1:i + 2] == "!"
            start = i + 2 if negate else i + 1
            end = part.find("]", start + 1)  # a "]" right after "[" or "[!" is a member
            if end == -1:
                out.append(re.escape(ch))
            else:
                out.append(_glob_class(part[start:end], negate))
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _glob_class(body: str, negate: bool) -> str:
    """A ``[...]`` class as a regex: members and ``a-z`` ranges escaped one by one (reversed
    ranges match nothing, as in fnmatch); a negated class never matches ``/``."""
    items: list[str] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            low, high = body[i], body[i + 2]
            if low <= high:
                items.append(f"{re.escape(low)}-{re.escape(high)}")
            i += 3
        else:
            items.append(re.escape(body[i]))
            i += 1
    if not items:
        return "[^/]" if negate else "(?!)"
    return f"[^/{''.join(items)}]" if negate else f"[{''.join(items)}]"


def is_hidden(name: str) -> bool:
    """Marker and hidden files (``_SUCCESS``, ``_common_metadata``, ``.x.crc``) and folders."""
    return name.startswith((".", "_"))


def is_parquet_name(name: str) -> bool:
    return name.lower().endswith(PARQUET_SUFFIXES)


def _iter_local(root: str, with_stats: bool, folders: dict[str, int]) -> Iterator[list[tuple[str, int, int]]]:
    """Recursive local listing of visible Parquet files as ``(rel, size, mtime_ns)``, one
    list per folder as it is read (so footer reading can start before the walk ends), not
    sorted. With ``with_stats``, ``folders`` receives the mtime of every folder read
    (``""`` is the root); without, nothing is stat'ed and sizes and mtimes are -1: the
    footer readers learn both from the open file, which saves a third of the listing.
    Symlinked folders are followed, a loop only once.
    """
    root_stat = os.stat(root)
    seen: set[tuple[int, int]] = {(root_stat.st_dev, root_stat.st_ino)}
    stack: list[tuple[str, str]] = [(root, "")]
    suffixes = PARQUET_SUFFIXES
    while stack:
        folder, prefix = stack.pop()
        try:
            if with_stats:  # before reading it: a later change then moves the mtime we keep
                folders[prefix[:-1]] = os.stat(folder).st_mtime_ns
            entries = os.scandir(folder)
        except OSError:
            if not prefix:
                raise
            continue  # an unreadable subfolder must not stop the scan
        files: list[tuple[str, int, int]] = []
        add = files.append
        with entries:
            for entry in entries:
                name = entry.name
                if name[:1] in "._":  # hidden and marker files and folders
                    continue
                try:
                    if entry.is_dir():
                        if entry.is_symlink():
                            st = entry.stat()
                            if (st.st_dev, st.st_ino) in seen:
                                continue
                            seen.add((st.st_dev, st.st_ino))
                        stack.append((entry.path, prefix + name + "/"))
                        continue
                    if not (name.endswith(suffixes) or name.lower().endswith(suffixes)):
                        continue
                    if with_stats:
                        st = entry.stat()
                        add((prefix + name, st.st_size, st.st_mtime_ns))
                    else:
                        add((prefix + name, -1, -1))
                except OSError:
                    continue  # vanished or dangling: nothing to scan
        if files:
            yield files


def _walk_local(root: str, with_stats: bool = True) -> tuple[list[tuple[str, int, int]], dict[str, int]]:
    """All of :func:`_iter_local` at once, plus the folder mtimes."""
    folders: dict[str, int] = {}
    files = [f for batch in _iter_local(root, with_stats, folders) for f in batch]
    return files, folders


def _walk_fs(fs: pafs.FileSystem, root: str) -> tuple[list[tuple[str, int, int]], dict[str, int]]:
    """The same listing through any pyarrow FileSystem (object stores have no folder mtimes)."""
    files: list[tuple[str, int, int]] = []
    base = root.rstrip("/") + "/"
    for info in fs.get_file_info(pafs.FileSelector(root, recursive=True)):
        if info.type != pafs.FileType.File:
            continue
        rel = info.path[len(base):] if info.path.startswith(base) else info.base_name
        if any(is_hidden(part) for part in rel.split("/")) or not is_parquet_name(rel):
            continue
        files.append((rel, info.size if info.size is not None else -1,
                      info.mtime_ns if info.mtime_ns is not None else -1))
    return files, {}


def _columns(files: list[tuple[str, int, int]]) -> tuple[list[str], list[int], list[int]]:
    files.sort()
    if not files:
        return [], [], []
    rels, sizes, mtimes = zip(*files)
    return list(rels), list(sizes), list(mtimes)


class _GlobFilter:
    """Keeps files a pattern matches, or that sit under a folder it matches; remembers
    folder verdicts, so it can filter a walk batch by batch."""

    def __init__(self, pattern: str) -> None:
        self.regex = glob_regex(pattern)
        self.folders: dict[str, bool] = {"": False}

    def _folder(self, folder: str) -> bool:
        known = self.folders.get(folder)
        if known is None:
            known = self._folder(folder.rpartition("/")[0]) or self.regex.fullmatch(folder) is not None
            self.folders[folder] = known
        return known

    def __call__(self, files: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        fullmatch = self.regex.fullmatch
        return [f for f in files if fullmatch(f[0]) is not None or self._folder(f[0].rpartition("/")[0])]


def _filter_glob(pattern: str, files: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    return _GlobFilter(pattern)(files)


def _start(fs: pafs.FileSystem, user_path: str, resolved: str) -> tuple[Listing, bool]:
    """An empty listing of the right mode for ``user_path``, and whether it is a single
    file (whose size and mtime it already holds). Raises :class:`ListingError`."""
    info = fs.get_file_info(resolved)
    if has_glob(user_path):
        prefix, pattern = split_glob(user_path)
        if info.type != pafs.FileType.Directory:
            raise ListingError(f"path not found: {prefix or '.'} (the folder before the glob {pattern})")
        return Listing("glob", resolved, prefix), False
    if info.type == pafs.FileType.NotFound:
        raise ListingError(f"path not found: {user_path}")
    if info.type == pafs.FileType.File:
        local = isinstance(fs, pafs.LocalFileSystem)
        return Listing("file", resolved, user_path, [posixpath.basename(resolved)],
                       [info.size if info.size is not None else -1],
                       [info.mtime_ns if info.mtime_ns is not None else -1],
                       folders={} if local else None), True
    if info.type != pafs.FileType.Directory:
        raise ListingError(f"not a file or folder: {user_path}")
    return Listing("folder", resolved, user_path), False


def iter_source(fs: pafs.FileSystem, user_path: str, resolved: str) -> tuple[Listing, Iterator[list[str]]]:
    """Start listing a source without stat'ing files: an empty :class:`Listing` of the
    right mode plus an iterator of relative paths, one batch per folder as it is read.

    The caller fills the listing (sorted ``rels``) once the iterator is exhausted; sizes
    and mtimes are left for the footer readers. Raises :class:`ListingError` up front;
    a folder that becomes unreadable mid-walk raises it from the iterator.
    """
    listing, single = _start(fs, user_path, resolved)
    if single:
        return listing, iter([list(listing.rels)])
    keep = _GlobFilter(split_glob(user_path)[1]) if listing.mode == "glob" else None

    def batches() -> Iterator[list[str]]:
        if isinstance(fs, pafs.LocalFileSystem):
            source = _iter_local(resolved, False, {})
        else:
            source = iter([_walk_fs(fs, resolved)[0]])
        try:
            for files in source:
                if keep is not None:
                    files = keep(files)
                if files:
                    yield [f[0] for f in files]
        except OSError as exc:
            raise ListingError(f"cannot list {user_path} ({exc.strerror or type(exc).__name__})") from None

    return listing, batches()


def list_source(fs: pafs.FileSystem, user_path: str, resolved: str, *, with_stats: bool = True) -> Listing:
    """List the source ``user_path`` (as written) whose filesystem path is ``resolved``.

    For a glob, ``resolved`` is the literal folder before the first wildcard. Raises
    :class:`ListingError` when the path does not exist or cannot be read. ``with_stats``
    false leaves local sizes and mtimes at -1 (see :func:`_iter_local`).
    """
    listing, single = _start(fs, user_path, resolved)
    if single:
        return listing
    local = isinstance(fs, pafs.LocalFileSystem)
    try:
        files, folders = _walk_local(resolved, with_stats) if local else _walk_fs(fs, resolved)
    except OSError as exc:
        raise ListingError(f"cannot list {user_path} ({exc.strerror or type(exc).__name__})") from None
    if listing.mode == "glob":
        files = _filter_glob(split_glob(user_path)[1], files)
    listing.rels, listing.sizes, listing.mtimes = _columns(files)
    listing.folders = folders if local and with_stats else None
    return listing


def revalidate(listing_mode: str, root: str, display_prefix: str, folders: dict[str, int], rels: list[str],
               racy_before: int) -> Listing | None:
    """Re-list a local source from its previous listing without reading any folder.

    Adding, removing or renaming a file changes its folder's mtime, so when no folder
    moved, the files are the same and only need a stat each (a third of a full walk's
    cost on 5,000 files). Returns ``None`` when anything differs (a folder changed,
    vanished or is too recent to trust, a file vanished): the caller then walks.
    """
    try:
        for folder, mtime in folders.items():
            st = os.stat(f"{root}/{folder}" if folder else root)
            if st.st_mtime_ns != mtime or st.st_mtime_ns >= racy_before or not _stat.S_ISDIR(st.st_mode):
                return None
        listing = Listing(listing_mode, root, display_prefix, list(rels), folders=folders)
        sizes = listing.sizes
        mtimes = listing.mtimes
        fs_path = listing.fs_path
        for rel in rels:
            st = os.stat(fs_path(rel))
            sizes.append(st.st_size)
            mtimes.append(st.st_mtime_ns)
    except OSError:
        return None
    if listing_mode == "file" and not _stat.S_ISREG(st.st_mode):
        return None
    return listing


def local_path(path: Path) -> str:
    """An absolute path as pyarrow's LocalFileSystem spells it (forward slashes)."""
    return Path(os.path.abspath(path)).as_posix()
