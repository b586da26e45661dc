"""The exceptions locpipe raises for bad input.

Each carries the file (relative to the site root) and the 1-based line, so the
command line can print one compiler-style line and no traceback.
"""

from __future__ import annotations


class LocpipeError(Exception):
    """Bad input or an unrunnable command, reported as ``path:line: message``."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __reduce__(self):
        # Exceptions pickle as ``cls(*args)``: keep the file and line when an
        # error comes back from a worker process.
        return (self.__class__, (self.message, self.path, self.line))

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}" if where else self.message


class ConfigError(LocpipeError):
    """``site.yaml`` is missing, malformed or names something unknown."""


class ContentError(LocpipeError):
    """A page under ``content/`` cannot be read or would be published wrongly."""


class CatalogError(LocpipeError):
    """A ``.po`` or ``.pot`` file cannot be read safely."""


class RenderError(LocpipeError):
    """A template or a translated message cannot be rendered."""


class LockError(LocpipeError):
    """Another locpipe run holds the site's lock."""
