"""A two-level, versioned JSON cache that lets a scanner skip work it has done before.

Level one, the *summary*, holds a scanner's finished result for a whole source together
with the fingerprint of what it was built from (for files: every path, size and mtime).
An unchanged source is answered from this small file alone, so a re-scan of a large lake
costs little more than listing it. Level two, the *entries*, holds one record per input
(per file), so after a change only the changed and new inputs are read again.

Both levels are plain JSON in ``<cache_dir>/<namespace>/<key>.{summary,entries}.json``,
written atomically. The cache is an optimisation only: a missing file is a miss, a file
from another format version is a silent miss, and an unreadable or malformed file is a
warning (so a user learns why a scan was slow) and is rebuilt. It never raises.

JSON rather than pickle: a cache file found on disk must never be able to run code.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable

from catalog.fsutil import atomic_write_text

#: Identifies our files; anything else in the folder is not touched.
CACHE_FORMAT = "lakemap-scan-cache"


class CacheCorrupt(Exception):
    """Raised by payload decoders to have a cache file treated as corrupt."""


class ScanCache:
    """The cache of one source of one scanner.

    ``key_material`` identifies the source (kind, path as written, resolved location);
    it is hashed into the file name, so no path appears in the cache folder's listing.
    ``version`` is the scanner's payload format: bump it when the payload changes.
    ``warn`` receives user-facing messages about unreadable or unwritable cache files.
    """

    def __init__(self, cache_dir: Path, namespace: str, key_material: str, *, version: int,
                 warn: Callable[[str], None]) -> None:
        self.key = hashlib.blake2b(key_material.encode("utf-8"), digest_size=16).hexdigest()
        self.folder = Path(cache_dir) / namespace
        self.namespace = namespace
        self.version = version
        self._warn = warn

    @property
    def summary_path(self) -> Path:
        return self.folder / f"{self.key}.summary.json"

    @property
    def entries_path(self) -> Path:
        return self.folder / f"{self.key}.entries.json"

    def _shown(self, path: Path) -> str:
        """Cache files are named relative to the cache folder in messages (no absolute paths)."""
        return f"{self.namespace}/{path.name}"

    def corrupt(self, path: Path, reason: str) -> None:
        """Report an unusable cache file; the caller then rebuilds it."""
        self._warn(f"scan cache {self._shown(path)} is unreadable ({reason}); rebuilding it")

    def _read(self, path: Path, level: str) -> dict[str, Any] | None:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:
            self.corrupt(path, "not UTF-8 text")
            return None
        except OSError as exc:
            self.corrupt(path, exc.strerror or "read error")
            return None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.corrupt(path, f"invalid JSON: {detail}")
            return None
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or data.get("level") != level:
            self.corrupt(path, "not a lakemap scan cache file")
            return None
        if data.get("version") != self.version:
            return None  # written by another lakemap version: rebuild quietly
        if "payload" not in data:
            self.corrupt(path, "no payload")
            return None
        return data

    def load_summary(self) -> tuple[str, Any] | None:
        """``(fingerprint, payload)`` of the stored result, or ``None``. The caller compares
        the fingerprint with the source's current one (the payload may help compute it)."""
        data = self._read(self.summary_path, "summary")
        if data is None:
            return None
        fingerprint = data.get("fingerprint")
        if not isinstance(fingerprint, str):
            self.corrupt(self.summary_path, "no fingerprint")
            return None
        return fingerprint, data["payload"]

    def load_entries(self) -> Any | None:
        """The stored per-input entries (the caller checks each one is still current)."""
        data = self._read(self.entries_path, "entries")
        return None if data is None else data["payload"]

    def store(self, fingerprint: str, summary: Any, entries: Any) -> None:
        """Write both levels; entries first, so a crash in between leaves a summary that
        simply misses (its fingerprint no longer matches) rather than one without entries."""
        try:
            self._write(self.entries_path, "entries", {"payload": entries})
            self._write(self.summary_path, "summary", {"fingerprint": fingerprint, "payload": summary})
        except (OSError, ValueError, TypeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            self._warn(f"cannot write scan cache {self.namespace}/{self.key} ({reason}); "
                       "continuing without it")

    def _write(self, path: Path, level: str, body: dict[str, Any]) -> None:
        document = {"format": CACHE_FORMAT, "version": self.version, "level": level, **body}
        atomic_write_text(path, json.dumps(document, separators=(",", ":")))
