"""A progress bar on a terminal; nothing in a log (the summary line says it all)."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

Progress = Callable[[str, int, int], None]  # (stage, done, total): pages done in a stage
WIDTH = 30
INTERVAL = 0.1  # seconds between redraws: thousands of pages cost a few hundred writes


class TerminalBar:
    """One line on stderr, redrawn in place: ``update de: merging [####      ] 812/2001``.
    A stage's first and last counts are always drawn, others at most every INTERVAL."""

    def __init__(self, command: str, stream: TextIO):
        self._command, self._stream = command, stream
        self._stage: str | None = None
        self._drawn_at = 0.0
        self._width = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self._stage and done < total and now - self._drawn_at < INTERVAL:
            return
        self._stage, self._drawn_at = stage, now
        filled = WIDTH * done // total if total else WIDTH
        line = f"{self._command} {stage} [{'#' * filled}{' ' * (WIDTH - filled)}] {done}/{total}"
        self._stream.write(f"\r{line:<{self._width}}")
        self._stream.flush()
        self._width = len(line)

    def clear(self) -> None:
        """Leave the line empty for the summary (or an error) that follows."""
        if self._width:
            self._stream.write(f"\r{'':<{self._width}}\r")
            self._stream.flush()


@contextlib.contextmanager
def terminal_progress(command: str, stream: TextIO | None = None) -> Iterator[Progress | None]:
    """A bar for ``command`` while the block runs, or None off a terminal (a CI log)."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield None
        return
    bar = TerminalBar(command, stream)
    try:
        yield bar
    finally:
        bar.clear()
