"""Catalogue files: the only module that imports polib.

A ``.po``/``.pot`` file is checked by ``validate`` (what GNU gettext would not
read, or would read differently), parsed by polib, and handed on as locpipe's
own ``Catalogue`` of ``Entry`` values, so nothing else knows the PO format.
Writing goes the other way: polib writes the text, and ``gnu`` has GNU msgcat
lay it out as gettext's own tools do.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib

from ..errors import CatalogError
from ..model import Catalogue, Entry
from ..project.paths import catalogue_files
from ..project.progress import Progress
from .validate import decoded, refuse_duplicates, refuse_other_charsets

_BLANK = " \t\r\f\v"
_POLIB_LINE = re.compile(r"\(line (\d+)\)")
# Lines polib's tokenizer reads otherwise than gettext: an obsolete entry's
# lines ("#~", "#~|", whose previous msgid polib drops) and a comment marker
# with no space after it ("#,fuzzy", "#.note", "#note").
_NEEDS_A_LOOK = re.compile(r"^[ \t\r\f\v]*#(?:~|[,.:|]?[^ \t\r\f\v\n,.:|~#])", re.M)


class _File(polib.POFile):
    """polib's file, keeping the header entry it takes out of the entries: its
    whole text (strings joined) tells the charset gettext will read."""

    header_entry: polib.POEntry | None = None

    def remove(self, entry: polib.POEntry) -> None:
        self.header_entry = entry
        super().remove(entry)


def read_catalogue(data: bytes, path: str) -> Catalogue:
    """Parse a ``.po``/``.pot`` file, refusing anything gettext would not accept."""
    lines = decoded(data, path).split("\n")
    obsolete_lines: set[int] = set()
    if _NEEDS_A_LOOK.search("\n".join(lines)):
        lines, obsolete_lines = _as_polib_reads(lines)
    # polib's own reader splits lines at U+2028 and other separators gettext
    # takes as text: it is given the file's lines as gettext splits them.
    parser = polib._POFileParser("", encoding="utf-8", klass=_File)
    parser.fhandle = lines
    try:
        parsed = parser.parse()
    except OSError as exc:
        match = _POLIB_LINE.search(str(exc))
        raise CatalogError(
            "cannot parse the catalogue: polib reads this line otherwise than gettext (write each keyword, a space, "
            "then its string)",
            path,
            int(match.group(1)) if match else None,
        ) from None
    entries = [_entry(found, lines, obsolete_lines) for found in parsed]
    header = parsed.header_entry
    if header is None:
        first = max(parsed[0].linenum, 1) if len(parsed) else 1
        raise CatalogError('no header entry (msgid ""): restore it or run make update', path, first)
    header_line = _keyword_lines(lines, header.linenum)[0]
    refuse_other_charsets(header.msgstr, path, header_line)
    keys = [((None, ""), header_line)] + [(entry.key, entry.msgid_line) for entry in entries]
    refuse_duplicates(sorted(keys, key=lambda pair: pair[1] or 0), path)  # in file order: the first one is kept
    return Catalogue(
        header=dict(parsed.metadata),
        header_comment=parsed.header,
        header_fuzzy="fuzzy" in (parsed.metadata_is_fuzzy or []),
        entries=entries,
    )


def _as_polib_reads(lines: list[str]) -> tuple[list[str], set[int]]:
    """The lines with every obsolete marker taken off (polib reads an obsolete
    entry's previous msgid only as an active entry's) and a space after each
    comment marker; and the 1-based numbers of the lines that were obsolete.
    Taking the markers off merges no entries: an obsolete twin of an active
    entry is refused as a duplicate, as gettext refuses it."""
    shown, obsolete = [], set()
    for number, line in enumerate(lines, 1):
        text = line.lstrip(_BLANK)
        if text.startswith("#~"):
            obsolete.add(number)
            text = text[2:].lstrip(_BLANK)
            text = "#| " + text[1:].lstrip(_BLANK) if text.startswith("|") else text
        if text.startswith("#") and len(text) > 1 and text[1] not in "#~":
            marker = 2 if text[1] in ",.:|" else 1
            if text[marker : marker + 1] not in ("", " ", "\t"):
                text = f"{text[:marker]} {text[marker:]}"
        shown.append(text)
    return shown, obsolete


def _keyword_lines(lines: list[str], first: int) -> tuple[int | None, int | None]:
    """The lines of an entry's ``msgid`` and (first) ``msgstr`` keywords, from
    the entry's first line (polib numbers a file's first entry 0)."""
    msgid = None
    for index in range(max(first, 1) - 1, len(lines)):
        text = lines[index].lstrip(_BLANK)
        if msgid is None and text.startswith("msgid") and not text.startswith("msgid_plural"):
            msgid = index + 1
        elif text.startswith("msgstr"):
            return msgid, index + 1
    return msgid, None


def _entry(found: polib.POEntry, lines: list[str], obsolete_lines: set[int]) -> Entry:
    msgid_line, msgstr_line = _keyword_lines(lines, found.linenum)
    return Entry(
        msgid=found.msgid,
        msgstr=found.msgstr,
        msgctxt=found.msgctxt or None,
        msgid_plural=found.msgid_plural or None,
        msgstr_plural=dict(found.msgstr_plural),
        flags=list(found.flags),
        translator_comments=found.tcomment.split("\n") if found.tcomment else [],
        extracted_comments=found.comment.split("\n") if found.comment else [],
        locations=[(path, int(line) if line else None) for path, line in found.occurrences],
        previous_msgctxt=found.previous_msgctxt,
        previous_msgid=found.previous_msgid,
        previous_msgid_plural=found.previous_msgid_plural,
        obsolete=bool(found.obsolete) or msgid_line in obsolete_lines,
        msgid_line=msgid_line,
        msgstr_line=msgstr_line,
    )


def catalogue_text(catalogue: Catalogue) -> bytes:
    """The file polib writes for ``catalogue`` (GNU msgcat lays it out after)."""
    written = polib.POFile(wrapwidth=78)
    written.header = catalogue.header_comment
    written.metadata = dict(catalogue.header)
    written.metadata_is_fuzzy = ["fuzzy"] if catalogue.header_fuzzy else []
    for entry in catalogue.entries:
        written.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=entry.msgstr,
                msgctxt=entry.msgctxt,
                msgid_plural=entry.msgid_plural or "",
                msgstr_plural=dict(entry.msgstr_plural),
                flags=list(entry.flags),
                tcomment="\n".join(entry.translator_comments),
                comment="\n".join(entry.extracted_comments),
                occurrences=[(path, "" if line is None else str(line)) for path, line in entry.locations],
                previous_msgctxt=entry.previous_msgctxt,
                previous_msgid=entry.previous_msgid,
                previous_msgid_plural=entry.previous_msgid_plural,
                obsolete=entry.obsolete,
            )
        )
    return str(written).encode("utf-8")


def read_catalogue_file(root: Path, relative: str) -> Catalogue | None:
    """The catalogue at ``relative``, or None if there is none; one that cannot be
    read (a folder, no permission) is an error naming it as the site does."""
    try:
        data = (root / relative).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CatalogError(f"cannot read the catalogue: {exc.strerror or exc}", relative) from None
    return read_catalogue(data, relative)


def existing_catalogues(root: Path, locale: str, progress: Progress | None = None) -> dict[str, Catalogue]:
    """Every ``.po`` of a locale by slug, read strictly (a broken one stops the run
    before anything is written)."""
    found = {}
    files = catalogue_files(root, locale)
    for done, (slug, relative) in enumerate(files.items(), 1):
        catalogue = read_catalogue_file(root, relative)
        if catalogue is not None:
            found[slug] = catalogue
        if progress:
            progress(f"{locale}: reading", done, len(files))
    return found
