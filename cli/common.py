"""Options and plumbing every ``lakemap`` command shares, so sub-apps stay thin and alike.

The global ``--config`` given before a command is remembered in :data:`state`; each command
may override it with its own ``--config``. Exit codes: 0 ok, 1 findings, 2 usage or
configuration error (see :mod:`cli.main`).
"""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer

from catalog.config import DEFAULT_CONFIG, Config, ConfigError, load_config
from catalog.report import ScanReport
from cli import console as out


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


ConfigOption = Annotated[
    Optional[Path],
    typer.Option("--config", "-c", help="catalog.yaml to use (default: the one given before the command, "
                                        "else ./catalog.yaml).", show_default=False),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format: text or json.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Exit 1 when any source reported an error.")]


class _State:
    """What the root callback saw: the ``--config`` given before the command."""

    config_path: Path = Path(DEFAULT_CONFIG)


state = _State()


def exit_with(code: int) -> NoReturn:
    raise typer.Exit(code)


def config_path(override: Path | None) -> Path:
    """The catalog.yaml a command should use."""
    return override or state.config_path


def config_named_explicitly(override: Path | None) -> bool:
    """Whether the user pointed at a config (so a missing file is an error, not "no config")."""
    return override is not None or state.config_path != Path(DEFAULT_CONFIG)


def load_config_or_exit(override: Path | None) -> Config:
    """Load catalog.yaml or print its problems (``file:line:col: message``) and exit 2."""
    try:
        return load_config(config_path(override))
    except ConfigError as exc:
        for line in exc.problems:
            out.stderr.print(line, markup=False, highlight=False)
        exit_with(2)


def finish_report(report: ScanReport, *, strict: bool) -> int:
    """Print problems; the exit code they imply (1 under --strict when there are errors)."""
    out.print_problems(report.problems)
    return 1 if strict and report.errors else 0


def print_json(document: Any) -> None:
    """JSON to stdout and nothing else, so output pipes into jq."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")


def today() -> str:
    """Today's date (UTC); ``SOURCE_DATE_EPOCH`` pins it for reproducible builds."""
    import datetime as dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date().isoformat()
    return dt.datetime.now(tz=dt.timezone.utc).date().isoformat()


def shown(path: Path) -> str:
    """A path as the user would write it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
