"""A progress bar on a terminal; nothing in a log (the summary line says it all)."""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[int, int], None]
WIDTH = 30


def terminal_progress(label: str, stream: TextIO = sys.stderr) -> Progress | None:
    """``progress(done, total)`` drawing ``label [#####     ] 12/40``, or None off a TTY."""
    if not stream.isatty():
        return None

    def draw(done: int, total: int) -> None:
        filled = WIDTH * done // total if total else WIDTH
        end = "\n" if done >= total else ""
        stream.write(f"\r{label} [{'#' * filled}{' ' * (WIDTH - filled)}] {done}/{total}{end}")
        stream.flush()

    return draw
