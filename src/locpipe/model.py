"""The data locpipe works on: pages, messages and findings. No I/O here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Page:
    """One English Markdown page, parsed once and reused for every locale."""

    path: str  # relative to content/, posix: "conditions/twitching.md"
    fields: dict[str, Any]  # front matter
    field_lines: dict[str, int]  # front-matter key (or "key.index") -> 1-based line
    tokens: list  # markdown-it-py block tokens of the body, lines relative to the file
    env: dict  # markdown-it-py environment (link reference definitions)

    @property
    def source_path(self) -> str:
        return f"content/{self.path}"

    @property
    def slug(self) -> str:
        """The page's path without ``.md``: names its catalogue and its output."""
        return self.path[: -len(".md")]


@dataclass(slots=True)
class Message:
    """One translatable string as it goes into a template (``.pot``)."""

    msgid: str
    context: str | None = None
    locations: list[tuple[str, int]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)


@dataclass(slots=True, frozen=True)
class Problem:
    """What a check found, before ``check`` names the file and locale it is in."""

    check: str
    severity: str  # "error" or "warning"
    message: str
    line: int | None = None


@dataclass(slots=True, frozen=True)
class Finding:
    """Something ``check`` reports, printed the way compilers print diagnostics."""

    file: str
    line: int | None
    locale: str | None
    check: str
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        """One line, even for a message quoting a text with line breaks (shown
        as ``\\n``, the way the catalogue writes them)."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity} [{self.check}]: {self.message}".replace("\n", "\\n")


@dataclass(slots=True, frozen=True)
class Segment:
    """One translatable block of a page: its inline Markdown and where it sits.

    ``token_index`` is the inline token holding the text; ``carrier_index`` the
    visible element that gets ``lang`` when the text falls back to the source.
    """

    token_index: int
    carrier_index: int
    msgid: str
    line: int
    comment: str | None = None


class Tally:
    """A dataclass of counters that sum slot by slot (a site's from its pages')."""

    __slots__ = ()

    def add(self, other: Tally) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class Counts(Tally):
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    words_left: int = 0

    @property
    def percent(self) -> float:
        """Translated and not fuzzy, as a percentage; an empty catalogue is complete."""
        return round(100.0 * self.translated / self.total, 1) if self.total else 100.0

    def as_dict(self) -> dict:
        return {**asdict(self), "percent": self.percent}
