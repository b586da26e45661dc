"""Gettext catalogues: the only module that knows the PO format.

Reading and writing go through translate-toolkit's PO store (the one Weblate
uses), whose writer wraps and escapes exactly as GNU gettext does, so ``msgcat``
leaves every file we write byte-identical. On top of the parser, this module
refuses what gettext refuses and the parser lets through (duplicate messages,
non-UTF-8 charsets, a missing header), always naming the file and line.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from functools import lru_cache

from translate.storage import pypo
from translate.storage.poparser import PoParseError

from .errors import CatalogError
from .model import Message

Store = pypo.pofile
Unit = pypo.pounit

# Header fields in the order GNU gettext writes them.
HEADER_ORDER = (
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
)
_LINE_IN_ERROR = re.compile(r" on line (\d+)")
_DECLARED_CHARSET = re.compile(rb'^(?:msgstr )?"Content-Type:[^"]*charset=\s*([^\s;"\\]+)', re.I | re.M)


def read_catalog(data: bytes, path: str) -> Store:
    """Parse a ``.po``/``.pot`` file, refusing anything gettext would not accept."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # Windows line ends: gettext reads them, but translate-toolkit would keep the
    # CR in comments, and the next write would mix line ends.
    data = data.replace(b"\r\n", b"\n")
    declared = _DECLARED_CHARSET.search(data)
    if declared and declared.group(1).upper() not in (b"UTF-8", b"UTF8", b"CHARSET"):
        raise CatalogError(
            f"declares charset {declared.group(1).decode('ascii', 'replace')}: locpipe reads UTF-8 only; "
            "convert with 'msgconv --to-code=UTF-8'",
            path,
            data.count(b"\n", 0, declared.start()) + 1,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError("not UTF-8 text: save the catalogue as UTF-8", path, line) from None
    _refuse_bad_escapes(text, path)
    try:
        store = pypo.pofile(data)
    except PoParseError as exc:
        match = _LINE_IN_ERROR.search(str(exc))
        line = int(match.group(1)) if match else exc.parse_state.lineno
        reason = str(exc).split(" on line ")[0]
        raise CatalogError(f"cannot parse the catalogue: {reason.lower()}", path, line) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError("not UTF-8 text: save the catalogue as UTF-8", path, line) from None
    if store.header() is None:
        first = store.units[0].line_number if store.units else 1
        raise CatalogError('no header entry (msgid ""): restore it or run make update', path, first)
    _refuse_duplicates(store, path)
    return store


_STRING_LINE = re.compile(r'^(?:#~\|?\s*|#\|\s*)?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)?\s*"')
_ESCAPE = re.compile(r'\\(?:[ntbrfva\\"]|[0-7]|x[0-9A-Fa-f])')
# Any backslash not starting a valid escape; most catalogues have none, and
# then no line needs to be looked at.
_SUSPECT_ESCAPE = re.compile(r'\\(?![ntbrfva\\"0-7]|x[0-9A-Fa-f])')


def _refuse_bad_escapes(text: str, path: str) -> None:
    """GNU gettext refuses a backslash before any other character ("invalid
    control sequence"); translate-toolkit would silently drop it."""
    for number, line in enumerate(text.split("\n"), 1):
        start = _STRING_LINE.match(line)
        if start is None or "\\" not in line:
            continue
        index = start.end()
        while index < len(line) and line[index] != '"':
            if line[index] == "\\":
                if not _ESCAPE.match(line, index):
                    shown = line[index : index + 2]
                    raise CatalogError(
                        f"invalid escape sequence '{shown}' in a string: write '\\\\' for a backslash", path, number
                    )
                index += 1
            index += 1


def _refuse_duplicates(store: Store, path: str) -> None:
    first_seen: dict[tuple[str, str], int] = {}
    for unit in store.units:
        if unit.isheader() or unit.isobsolete():
            continue
        key = (unit.getcontext(), unit.source)
        if key in first_seen:
            raise CatalogError(
                f"duplicate message (first defined at line {first_seen[key]}): merge the two entries",
                path,
                unit.line_number,
            )
        first_seen[key] = unit.line_number


def serialize(store: Store) -> bytes:
    """The catalogue in translate-toolkit's layout: used to compare contents."""
    return bytes(store)


def relayout(data: bytes, path: str) -> bytes:
    """An existing file in translate-toolkit's layout, to compare with ``serialize``."""
    store = read_catalog(data, path)
    for unit in store.units:
        rewrap(unit)
    return serialize(store)


@lru_cache(maxsize=1)
def _msgcat() -> str | None:
    found = shutil.which("msgcat")
    if found is None:
        print(
            "locpipe: warning: GNU gettext's msgcat is not installed; catalogues are written in "
            "translate-toolkit's layout, which wraps some long lines differently (install 'gettext')",
            file=sys.stderr,
        )
    return found


def gnu_layout(data: bytes, path: str) -> bytes:
    """The bytes GNU gettext itself writes for this catalogue.

    translate-toolkit's wrapper follows gettext 0.23; older gettext releases (0.21
    in Debian 12) break long lines elsewhere around dots and brackets, so the
    reference implementation on the machine has the last word on the layout."""
    msgcat = _msgcat()
    if msgcat is None:
        return data
    done = subprocess.run([msgcat, "-"], input=data, capture_output=True)
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CatalogError(f"GNU msgcat refused the catalogue: {reason[-1] if reason else 'no reason given'}", path)
    return done.stdout


def header_fields(store: Store) -> dict[str, str]:
    return dict(store.parseheader())


def set_header(store: Store, fields: dict[str, str], comment: str | None = None, fuzzy: bool = False) -> None:
    """Write the header entry: known fields in gettext's order, others after them."""
    known = [key for key in HEADER_ORDER if key in fields]
    extra = [key for key in fields if key not in HEADER_ORDER]
    text = "".join(f"{key}: {fields[key]}\n" for key in known + extra)
    header = store.header()
    if header is None:
        header = store.UnitClass("")
        header._store = store
        store.units.insert(0, header)
    header.target = text
    if comment is not None:
        header.removenotes("translator")
        header.addnote(comment, "translator")
    header.markfuzzy(fuzzy)


def new_store() -> Store:
    store = pypo.pofile()
    store.units = []
    return store


def message_units(store: Store) -> Iterator[Unit]:
    """Active (not obsolete) message entries, header excluded."""
    for unit in store.units:
        if not unit.isheader() and not unit.isobsolete():
            yield unit


def unit_key(unit: Unit) -> tuple[str | None, str]:
    return (unit.getcontext() or None, unit.source)


def is_translated(unit: Unit) -> bool:
    """Has a msgstr and is not fuzzy: what the build publishes."""
    return bool(unit.target) and not unit.isfuzzy()


def msgstr_line(unit: Unit) -> int | None:
    """The line of the ``msgstr`` keyword: the one translators have to edit."""
    if unit.line_number is None:
        return None
    before = (
        unit.othercomments + unit.automaticcomments + unit.sourcecomments + unit.typecomments
        + unit.prev_msgctxt + unit.prev_msgid + unit.prev_msgid_plural + unit.msgctxt
        + unit.msgid + unit.msgidcomments + unit.msgid_plural
    )
    return unit.line_number + len(before)


def rewrap(unit: Unit) -> None:
    """Requote every string with the store's wrapper: a file saved by a tool that
    wraps differently comes back in gettext's layout, as ``msgcat`` would write it."""
    context, previous = unit.getcontext(), unit.prev_source
    unit.source, unit.target = unit.source, unit.target
    if context:
        unit.setcontext(context)
    if previous:
        unit.prev_source = previous


def reference_lines(references: list[str], width: int = 79) -> list[str]:
    """``#:`` comment lines filled up to ``width`` the way GNU gettext fills them
    (pypo would write one reference per line, which ``msgcat`` then joins)."""
    lines: list[str] = []
    current = "#:"
    for reference in references:
        if current != "#:" and len(current) + 1 + len(reference) > width:
            lines.append(current + "\n")
            current = "#:"
        current += " " + reference
    if current != "#:":
        lines.append(current + "\n")
    return lines


def make_unit(store: Store, message: Message, msgstr: str = "") -> Unit:
    unit = store.UnitClass(message.msgid)
    unit._store = store
    if message.context:
        unit.setcontext(message.context)
    unit.target = msgstr
    describe(unit, message)
    return unit


def describe(unit: Unit, message: Message, extra_comments: Iterable[str] = ()) -> None:
    """Set what extraction owns: extracted comments, references and format flags."""
    unit.automaticcomments = []  # (pypo's removenotes() would drop translator comments)
    for comment in [*message.comments, *extra_comments]:
        unit.addnote(comment, "developer")
    unit.sourcecomments = reference_lines([f"{path}:{line}" for path, line in message.locations])
    for flag in ("python-format", "no-python-format"):
        unit.settypecomment(flag, flag in message.flags)


def template_bytes(project: str, source: str, messages: list[Message], creation_date: str) -> bytes:
    """A ``.pot`` file as xgettext would write it for ``source``."""
    store = new_store()
    set_header(
        store,
        {
            "Project-Id-Version": project,
            "Report-Msgid-Bugs-To": "",
            "POT-Creation-Date": creation_date,
            "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
            "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
            "Language-Team": "LANGUAGE <LL@li.org>",
            "Language": "",
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
        },
        comment=f"Translation template for {source} ({project}).\n"
        "Written by 'locpipe extract' from the English source: do not edit.",
        fuzzy=True,
    )
    for message in messages:
        store.units.append(make_unit(store, message))
    return serialize(store)
