"""Terminal plumbing for the CLI: where output goes, how problems look, the progress bar.

Results go to stdout and nothing else does: problems, progress and hints go to stderr,
so ``lakemap scan --format json | jq`` always receives valid JSON.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from catalog.report import Problem

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def print_problems(problems: Iterable[Problem], console: Console = stderr) -> None:
    """One ``where: severity: message`` line per problem, like a compiler."""
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        where = f"{problem.where}: " if problem.where else ""
        console.print(f"{where}[{style}]{problem.severity}[/{style}]: {problem.message}", markup=True,
                      highlight=False, emoji=False)


def fail(message: str, console: Console = stderr) -> None:
    """Print a one-line error the way every command does."""
    console.print(f"[red]error[/red]: {_escape(message)}", markup=True, highlight=False, emoji=False)


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


class DelayedProgress:
    """A progress hook that shows a rich bar only once work has run for ``delay`` seconds.

    Short scans stay quiet; long ones get a bar on stderr. Nothing is drawn when stderr
    is not a terminal (CI logs, pipes).
    """

    def __init__(self, console: Console = stderr, *, delay: float = 1.0, enabled: bool | None = None) -> None:
        self._console = console
        self._delay = delay
        self._enabled = console.is_terminal if enabled is None else enabled
        self._started_at: float | None = None
        self._progress: Progress | None = None
        self._tasks: dict[str, int] = {}

    def __call__(self, description: str, completed: int, total: int | None) -> None:
        if not self._enabled:
            return
        now = time.monotonic()
        if self._started_at is None:
            self._started_at = now
        if self._progress is None:
            if now - self._started_at < self._delay:
                return
            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=self._console, transient=True,
            )
            self._progress.start()
        task = self._tasks.get(description)
        if task is None:
            task = self._progress.add_task(description, total=total)
            self._tasks[description] = task
        self._progress.update(task, completed=completed, total=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> DelayedProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
