"""The data locpipe works on: pages, messages, catalogue entries and findings.
No I/O here: ``po`` reads and writes catalogues into these types."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Self


@dataclass(slots=True)
class Page:
    """One English Markdown page, parsed once and reused for every locale."""

    path: str  # relative to content/, posix: "conditions/twitching.md"
    slug: str  # the path without ".md": names its catalogues and its outputs
    source_path: str  # from the site root: "content/conditions/twitching.md"
    fields: dict[str, Any]  # front matter
    field_lines: dict[str, int]  # front-matter key (or "key.index") -> 1-based line
    tokens: list  # markdown-it-py block tokens of the body, lines relative to the file
    env: dict  # markdown-it-py environment (link reference definitions)


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


@dataclass(slots=True)
class Entry:
    """One entry of a catalogue, as a translator's tool shows it."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    translator_comments: list[str] = field(default_factory=list)  # "# " lines: the translators' own
    extracted_comments: list[str] = field(default_factory=list)  # "#." lines: written by extract
    locations: list[tuple[str, int | None]] = field(default_factory=list)  # "#:" references
    previous_msgctxt: str | None = None  # "#|": the source text a fuzzy translation was made for
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False  # "#~": kept for when the text comes back
    msgid_line: int | None = None  # where the file holds it (None for an entry not read from a file)
    msgstr_line: int | None = None

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @fuzzy.setter
    def fuzzy(self, value: bool) -> None:
        if value and not self.fuzzy:
            self.flags.insert(0, "fuzzy")  # gettext writes it first
        elif not value:
            self.flags = [flag for flag in self.flags if flag != "fuzzy"]

    @property
    def translated(self) -> bool:
        """Has a msgstr and is not fuzzy: what the build publishes."""
        return bool(self.msgstr) and not self.fuzzy

    def content(self) -> tuple:
        """What the entry says, whatever its layout: extracted comments by their
        words (a tool that re-wraps them at 79 columns changes nothing), flags
        in any order, line numbers not at all."""
        return (
            self.msgctxt,
            self.msgid,
            self.msgid_plural,
            self.msgstr,
            sorted(self.msgstr_plural.items()),
            sorted(self.flags),
            self.translator_comments,
            " ".join(self.extracted_comments).split(),
            self.locations,
            self.previous_msgctxt,
            self.previous_msgid,
            self.previous_msgid_plural,
            self.obsolete,
        )


@dataclass(slots=True)
class Catalogue:
    """A ``.po`` or ``.pot`` file's header and entries, active and obsolete, in file order."""

    header: dict[str, str] = field(default_factory=dict)  # "Language": "de", in the file's order
    header_comment: str = ""  # the translator comment above the header
    header_fuzzy: bool = False
    entries: list[Entry] = field(default_factory=list)

    def messages(self) -> list[Entry]:
        """The active entries: the ones a page can show."""
        return [entry for entry in self.entries if not entry.obsolete]

    def by_key(self) -> dict[tuple[str | None, str], Entry]:
        return {entry.key: entry for entry in self.entries if not entry.obsolete}

    def content(self) -> tuple:
        """What the file says, whatever its layout (see ``Entry.content``)."""
        return (self.header, self.header_comment, self.header_fuzzy, [entry.content() for entry in self.entries])


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

    @classmethod
    def sum(cls, parts: Iterable[Tally]) -> Self:
        total = cls()
        for part in parts:
            total.add(part)
        return total


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
