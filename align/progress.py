"""Progress on stderr for long work: shown on a terminal, silent in pipes or with --quiet."""

from __future__ import annotations

import contextlib
import sys
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

ProgressCallback = Callable[[int, int], None]


@contextlib.contextmanager
def progress_bar(label: str, enabled: bool) -> Iterator[ProgressCallback]:
    """Yield a ``(done, total)`` callback drawing one bar labelled ``label``."""
    if not enabled:
        yield lambda done, total: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def interactive(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()
