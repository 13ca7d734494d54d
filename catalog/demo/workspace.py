"""``lakemap demo DIR``: write a complete sample workspace (lake, SQL, catalog.yaml) into a folder.

This is the edge of the demo package: it checks the target, writes the Parquet files
from :mod:`catalog.demo.lake` and copies the templates shipped as package data. Every
file goes through :func:`catalog.fsutil.atomic_write_bytes`, so an interrupted run
never leaves a half-written Parquet footer for a later scan to trip over.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator

from catalog.demo import data as demo_data
from catalog.demo.lake import dataset_folders, lake_files
from catalog.fsutil import atomic_write_bytes

_TEMPLATE_SUFFIXES = (".yaml", ".sql")


class DemoError(Exception):
    """The demo cannot be written (target not empty, bad scale...); the message says why."""


@dataclass(frozen=True, slots=True)
class DemoDataset:
    """One Parquet dataset written by the demo."""

    name: str
    path: str  # folder relative to the workspace, POSIX style
    files: int
    rows: int


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What :func:`generate` wrote: relative paths (sorted), their total size, the datasets."""

    target: Path
    files: tuple[str, ...]
    total_bytes: int
    datasets: tuple[DemoDataset, ...]


def generate(target: Path, *, scale: int = 1, seed: int = 42, force: bool = False) -> DemoSummary:
    """Write the demo workspace under ``target`` and say what was written.

    Refuses a ``target`` that exists and is not empty unless ``force``: the demo must
    never mix its files into someone's project by accident. With ``force``, files of
    the demo's own Parquet datasets left from an earlier run (say, day partitions of a
    larger ``scale``) are removed so the datasets stay consistent; nothing else is.

    Raises:
        DemoError: ``target`` is a file, is not empty (without ``force``), or ``scale`` is not a positive int.
    """
    target = Path(target)
    _check_arguments(target, scale, seed, force)
    tables = demo_data.build(scale=scale, seed=seed)

    written: dict[str, int] = {}
    per_dataset: dict[str, list[int]] = {}
    for lake_file in lake_files(tables):
        atomic_write_bytes(target / lake_file.path, lake_file.data)
        written[lake_file.path] = len(lake_file.data)
        files_rows = per_dataset.setdefault(lake_file.dataset, [0, 0])
        files_rows[0] += 1
        files_rows[1] += lake_file.rows
    for rel_path, content in _templates():
        atomic_write_bytes(target / rel_path, content)
        written[rel_path] = len(content)

    folders = dataset_folders()
    if force:
        _remove_stale_parquet(target, folders.values(), set(written))

    datasets = tuple(
        DemoDataset(name=name, path=folders[name], files=counts[0], rows=counts[1])
        for name, counts in per_dataset.items()
    )
    return DemoSummary(target=target, files=tuple(sorted(written)), total_bytes=sum(written.values()),
                       datasets=datasets)


def _check_arguments(target: Path, scale: int, seed: int, force: bool) -> None:
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise DemoError(f"scale must be a whole number of at least 1, got {scale!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise DemoError(f"seed must be a whole number, got {seed!r}")
    if target.exists() and not target.is_dir():
        raise DemoError(f"{target} exists and is not a folder")
    if target.is_dir() and not force and any(target.iterdir()):
        raise DemoError(f"{target} is not empty; choose an empty or new folder, "
                        "or pass --force to write into it")


def _templates() -> Iterator[tuple[str, bytes]]:
    """``(relative path, bytes)`` of every template file, in a stable order."""
    root = resources.files("catalog.demo") / "templates"
    yield from _walk(root, PurePosixPath())


def _walk(node: Traversable, rel: PurePosixPath) -> Iterator[tuple[str, bytes]]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            if child.name != "__pycache__":
                yield from _walk(child, rel / child.name)
        elif child.name.endswith(_TEMPLATE_SUFFIXES):
            yield str(rel / child.name), child.read_bytes()


def _remove_stale_parquet(target: Path, folders: Iterable[str], keep: set[str]) -> None:
    """Delete ``*.parquet`` under the demo's dataset folders that this run did not write, then empty dirs."""
    for folder in folders:
        base = target / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.parquet")):
            if path.relative_to(target).as_posix() not in keep:
                path.unlink()
        for directory in sorted((d for d in base.rglob("*") if d.is_dir()), key=lambda d: len(d.parts),
                                reverse=True):
            if not any(directory.iterdir()):
                directory.rmdir()
