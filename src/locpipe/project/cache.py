"""What the build and check caches key on: digests of files' contents, each
file read again only when it may have changed."""

from __future__ import annotations

import hashlib
import os
import time
from importlib.metadata import version
from pathlib import Path

from .paths import read_or_empty


def fingerprint(*parts: bytes | str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


# A file's recorded digest is trusted while its size and modification time stay
# the same, if it was last modified this long before it was read: a later write
# within the file system's timestamp resolution could otherwise go unseen.
SETTLED_NS = 2_000_000_000


class FileDigests:
    """Content digests of a site's files, read again only when their size or
    modification time changed since the run that recorded them (as git's
    index does), so a run with nothing changed reads almost nothing."""

    def __init__(self, root: Path, recorded: dict[str, list]):
        self._root, self._recorded = str(root), recorded
        self._now = time.time_ns()
        self.settled: dict[str, list] = {}

    def __call__(self, relative: str) -> str:
        try:
            stat = os.stat(os.path.join(self._root, relative))
        except FileNotFoundError:
            return ""
        except OSError:
            return "unreadable"  # never equal to a recorded digest: its reader reports why
        stamp = [stat.st_mtime_ns, stat.st_size]
        recorded = self._recorded.get(relative)
        if isinstance(recorded, list) and len(recorded) == 3 and recorded[:2] == stamp:
            digest = recorded[2]
        else:
            digest = fingerprint(read_or_empty(Path(self._root, relative)))
        if stat.st_mtime_ns < self._now - SETTLED_NS:
            self.settled[relative] = [*stamp, digest]
        return digest


# The libraries a built page, or a finding, depends on: after an upgrade the
# caches are not trusted, and everything is built and checked again.
RENDERING_LIBRARIES = (
    "markdown-it-py",
    "mdit-py-plugins",
    "Jinja2",
    "MarkupSafe",
    "Babel",
    "polib",
    "PyYAML",
)
CHECKING_LIBRARIES = (*RENDERING_LIBRARIES, "lxml", "tinycss2", "cssselect")


def code_and_libraries(libraries: tuple[str, ...]) -> str:
    """A digest of locpipe's own modules and of the versions of ``libraries``."""
    modules = sorted(Path(__file__).parent.parent.rglob("*.py"))
    return fingerprint(
        *(read_or_empty(module) for module in modules), *(f"{name}=={version(name)}" for name in libraries)
    )
