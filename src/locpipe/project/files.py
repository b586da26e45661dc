"""Writing files so that nothing is ever half-written, and one run at a time."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import LockError

LOCK_PATH = ".cache/locpipe.lock"
# The names of _temporary_beside's files (mkstemp adds eight random characters).
_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
_SWEPT_FOLDERS = ("locales", "build")


def _temporary_beside(path: Path) -> tuple[int, str]:
    """A new hidden file in ``path``'s folder, to be renamed over ``path``."""
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write through a temporary file in the same folder and an atomic rename: a run
    killed at any moment leaves the file either old and whole or new and whole.
    ``durable`` also survives a power cut (fsync): for translators' work, not for
    pages that a build can write again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def stage_if_changed(path: Path, data: bytes) -> Path | None:
    """``data`` in a temporary file beside ``path`` (to be renamed over it by
    ``os.replace`` once every file of a run is ready), or None when ``path``
    already holds exactly ``data``."""
    try:
        if path.read_bytes() == data:
            return None
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = _temporary_beside(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, 0o644)
    return Path(temporary)


def write_if_changed(path: Path, data: bytes, durable: bool = True) -> bool:
    """Quiet output: an unchanged file is not rewritten (its mtime stays)."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    write_atomic(path, data, durable)
    return True


_held: set[tuple[str, int]] = set()  # (lock file, thread) pairs holding the lock


@contextlib.contextmanager
def site_lock(root: Path, wait_seconds: float = 5.0) -> Iterator[None]:
    """An OS-level lock (released when its process dies, so a killed run never
    blocks the next); a second run waits briefly, then stops with a message.
    Re-entrant in one thread, so an operation (``init``) can hold it across
    the stages it runs, which take it too."""
    path = root / LOCK_PATH
    held = (os.path.realpath(path), threading.get_ident())
    if held in _held:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise LockError(
                        f"another locpipe run ({holder}) is writing this site's files; try again when it has finished",
                        LOCK_PATH,
                    ) from None
                time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        _held.add(held)
        try:
            _remove_stale_temporaries(root)
            yield
        finally:
            _held.discard(held)
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale_temporaries(root: Path) -> None:
    """Temporary files that a run killed before its rename left beside their
    targets: only the holder of the lock writes them, so under the lock any
    found is stale."""
    for folder in _SWEPT_FOLDERS:
        for path in (root / folder).rglob(".*.tmp"):
            if _TEMPORARY.fullmatch(path.name) and path.is_file():
                path.unlink(missing_ok=True)
