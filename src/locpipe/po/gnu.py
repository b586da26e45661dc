"""GNU gettext's own layout: ``msgcat`` lays out every catalogue locpipe
writes, so the files are byte-identical to what gettext tools write, and a file
that already holds the same entries, however laid out, is not rewritten."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from ..errors import CatalogError
from ..model import Catalogue
from ..project.files import write_atomic
from ..project.paths import read_or_empty
from ..project.progress import Progress
from .store import catalogue_text, read_catalogue

# "<stdin>:LINE:COLUMN: message" or "-:LINE: message", warnings aside.
_MSGCAT_ERROR = re.compile(r"^(?:<stdin>|-):(\d+):(?:\d+:)? (?!warning:)(.*)$", re.M)


@lru_cache(maxsize=1)
def _msgcat() -> str | None:
    found = shutil.which("msgcat")
    if found is None:
        print(
            "locpipe: warning: GNU gettext's msgcat is not installed; catalogues are written in "
            "polib's layout, which wraps long lines differently (install 'gettext')",
            file=sys.stderr,
        )
    return found


def gnu_layout(data: bytes, path: str) -> bytes:
    """The bytes GNU gettext itself writes for this catalogue: the reference
    implementation on the machine has the last word on the layout."""
    msgcat = _msgcat()
    if msgcat is None:
        return data
    done = subprocess.run([msgcat, "-"], input=data, capture_output=True)
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace")
        first = _MSGCAT_ERROR.search(stderr)  # (its last line only counts the errors)
        if first is not None:
            raise CatalogError(f"GNU msgcat refused the catalogue: {first.group(2)}", path, int(first.group(1)))
        lines = stderr.strip().splitlines()
        raise CatalogError(f"GNU msgcat refused the catalogue: {lines[0] if lines else 'no reason given'}", path)
    return done.stdout


def holds(current: Catalogue | bytes | None, wanted: Catalogue, relative: str) -> bool:
    """``current`` (a parsed catalogue, or a file's bytes) holds exactly
    ``wanted``'s entries, whatever its line layout."""
    if isinstance(current, bytes):
        try:
            current = read_catalogue(current, relative) if current else None
        except CatalogError:
            return False
    return current is not None and current.content() == wanted.content()


def write_catalogues(
    root: Path,
    catalogues: dict[str, Catalogue],
    previous: dict[str, Catalogue | None] | None = None,
    progress: Progress | None = None,
    stage: str = "",
) -> list[str]:
    """Write catalogues in GNU gettext's layout, except files that already hold
    the same entries (``previous``: what each file held, when the caller read
    it already); GNU msgcat lays out the changed ones, several at a time."""
    changed = {}
    for done, (relative, catalogue) in enumerate(catalogues.items(), 1):
        current = (
            previous[relative] if previous is not None and relative in previous else read_or_empty(root / relative)
        )
        if not holds(current, catalogue, relative):
            changed[relative] = catalogue_text(catalogue)
        if progress:
            progress(f"{stage}comparing", done, len(catalogues))
    write_laid_out(root, changed, progress, stage)
    return list(changed)


def write_laid_out(root: Path, files: dict[str, bytes], progress: Progress | None = None, stage: str = "") -> None:
    """Every file is laid out before any is written: one msgcat refuses leaves all as they were."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        laid_out = list(pool.map(gnu_layout, files.values(), files.keys()))
    for done, (relative, data) in enumerate(zip(files, laid_out, strict=True), 1):
        write_atomic(root / relative, data)
        if progress:
            progress(f"{stage}writing", done, len(files))
