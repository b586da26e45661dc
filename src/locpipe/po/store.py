"""Gettext catalogues: the only module that knows the PO format.

Reading and writing go through translate-toolkit's PO store (the one Weblate
uses), whose writer wraps and escapes exactly as GNU gettext does, so ``msgcat``
leaves every file we write byte-identical. On top of the parser, this module
refuses what gettext refuses and the parser lets through (text after a closing
quote, an entry missing its msgstr, duplicate messages, non-UTF-8 charsets, a
missing header), always naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from translate.storage import pypo
from translate.storage.poparser import PoParseError

from ..errors import CatalogError
from ..model import Message
from ..project.progress import Progress

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
        text, undecodable = data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", "replace")
        line = data.count(b"\n", 0, exc.start) + 1
        undecodable = CatalogError("not UTF-8 text: save the catalogue as UTF-8", path, line)
    try:
        if not _WELL_FORMED.fullmatch(text):  # nearly every file is: no line needs a look
            _refuse_bad_lines(text.split("\n"), path)
    except CatalogError as problem:
        if undecodable is None or problem.line < undecodable.line:  # the first problem in the file
            raise
    if undecodable is not None:
        raise undecodable
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


# GNU gettext's white space between tokens (a lone CR included).
_BLANK = " \t\r\f\v"
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)(?![\w\[])")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_ESCAPE = re.compile(r'\\(?:[ntbrfva\\"0-7]|x[0-9A-Fa-f])')
_ANY_ESCAPE = re.compile(r"\\.")
_GOOD_STRING = re.compile(r'"(?:[^"\\\x00\x04]|\\[ntbrfva\\"0-7]|\\x[0-9A-Fa-f])*"[ \t\r\f\v]*\Z')
_WORD = re.compile(f'[^{_BLANK}"]+')
# gettext ends a string at a NUL and separates msgctxt from msgid with an EOT:
# translate-toolkit would read a different text than gettext.
_CONTROL = re.compile("[\x00\x04]")
_CONTROL_NAMES = {"\x00": "NUL (U+0000)", "\x04": "EOT (U+0004)"}
# The parts of an entry and what may follow each: "#|msgid" is the previous
# msgid that msgmerge keeps above a fuzzy entry, "msgstr[]" any msgstr[N], "#" a
# comment (which ends an entry's strings), None the start of the file, "" its end.
_FINISHED = {None, "#", "msgstr", "msgstr[]"}
_AFTER_AN_ENTRY = {"#|msgctxt", "#|msgid", "msgctxt", "msgid", "#", ""}
_MAY_FOLLOW = {
    **dict.fromkeys(_FINISHED, _AFTER_AN_ENTRY),
    "#|msgctxt": {"#|msgid"},
    "#|msgid": {"#|msgid_plural", "msgctxt", "msgid"},
    "#|msgid_plural": {"msgctxt", "msgid"},
    "msgctxt": {"msgid"},
    "msgid": {"msgid_plural", "msgstr"},
    "msgid_plural": {"msgstr[]"},
    "msgstr[]": _AFTER_AN_ENTRY | {"msgstr[]"},
}


def _entry_pattern(prefix: str, previous: str) -> str:
    """An entry laid out as GNU gettext writes it, each line starting with
    ``prefix`` ("#~ " for an obsolete one), its previous msgid as ``previous`` lines."""
    plain = r'[^"\\\n\x00\x04]*'  # runs of plain characters between escapes: one tight loop each
    string = rf'"{plain}(?:\\(?:[ntbrfva\\"0-7]|x[0-9A-Fa-f]){plain})*"\n'
    more, more_previous = f"(?:{prefix}{string})*", f"(?:{previous}{string})*"
    before = (
        f"(?:{previous}msgctxt {string}{more_previous})?{previous}msgid {string}{more_previous}"
        f"(?:{previous}msgid_plural {string}{more_previous})?"
    )
    return (
        f"(?:{before})?(?:{prefix}msgctxt {string}{more})?{prefix}msgid {string}{more}"
        rf"(?:{prefix}msgstr {string}{more}|{prefix}msgid_plural {string}{more}(?:{prefix}msgstr\[\d+\] {string}{more})+)"
    )


# A whole catalogue in gettext's own layout, matched in one pass: what msgcat
# writes, and what _refuse_bad_lines would accept line by line, only faster.
_WELL_FORMED = re.compile(
    rf"(?:\n|#(?![~|])[^\n]*\n|{_entry_pattern('', re.escape('#| '))}|{_entry_pattern(re.escape('#~ '), re.escape('#~| '))})*"
)


def _refuse_bad_lines(lines: list[str], path: str) -> None:
    """Refuse, line by line, what GNU gettext cannot read and translate-toolkit
    would read anyway, dropping or misreading text: something after a string's
    closing quote, a quote escaped at the end of a line, an invalid escape, an
    unknown keyword, an entry missing a part, an obsolete entry with a line not
    marked ``#~``; each at the line where gettext reports it. Checks only:
    translate-toolkit reads the contents. Stricter than gettext where
    translate-toolkit would misread what gettext reads: one string per line and
    on its keyword's line, no backslash joining lines, no NUL."""
    previous: str | None = None  # the last part of the entry being read
    context = msgid = 0  # the lines of its (previous) msgctxt and of its msgid
    obsolete = False  # whether that entry is obsolete (#~)
    carried = ""  # "#|" after a comment on a #| line: gettext reads the next line as a #| line too

    def may_follow(found: str, shown: str, number: int) -> None:
        if found in _MAY_FOLLOW[previous]:
            return
        if previous == "msgctxt":
            raise CatalogError(f"msgctxt at line {context} without a msgid after it", path, number)
        if previous == "msgid":
            problem = "with msgstr[0] but without msgid_plural" if found == "msgstr[]" else "without msgstr"
            raise CatalogError(f"msgid {problem}", path, msgid)
        if previous == "msgid_plural" and found in _AFTER_AN_ENTRY:
            raise CatalogError("msgid_plural without msgstr[0]", path, msgid)
        if previous == "msgid_plural":
            raise CatalogError(f"{shown} after msgid_plural: write msgstr[0], msgstr[1] and so on", path, number)
        if previous == "#|msgctxt":
            raise CatalogError(f"#| msgctxt at line {context} without a #| msgid after it", path, number)
        if previous in ("#|msgid", "#|msgid_plural"):
            raise CatalogError(
                "#| lines (the previous source text) without an entry after them: they go right above "
                "its msgctxt or msgid",
                path,
                number,
            )
        needed = "#| msgid" if found.startswith("#|") else "msgid"
        raise CatalogError(f"{shown} without a {needed} before it", path, number)

    for number, line in enumerate(lines, 1):
        line = line.lstrip(_BLANK)
        is_obsolete = line.startswith("#~")
        if is_obsolete:
            line = line[2:]
        prefix = "#|" if line.startswith("#|") or (is_obsolete and line.startswith("|")) else ""
        line = line[line.index("|") + 1 if prefix else 0 :].lstrip(_BLANK)
        prefix, carried = prefix or carried, ""
        if not line:
            continue
        if line.startswith("#"):
            may_follow("#", "a comment", number)
            previous, carried = "#", prefix
            continue
        keyword = _KEYWORD.match(line)
        if keyword is not None:
            shown = f"{prefix} {keyword.group(1)}" if prefix else keyword.group(1)
            name = prefix + ("msgstr[]" if keyword.group(1).startswith("msgstr[") else keyword.group(1))
            if name not in _MAY_FOLLOW:
                raise CatalogError(
                    f"{shown}: a #| line holds the previous msgctxt, msgid or msgid_plural only", path, number
                )
            may_follow(name, shown, number)
            if previous in _FINISHED:
                obsolete = is_obsolete  # an entry starts
            if name.endswith("msgctxt"):
                context = number
            elif name == "msgid":
                msgid = number
            previous = name
            line = line[keyword.end() :].lstrip(_BLANK)
            if not line:  # gettext would take the string from the next line, translate-toolkit cannot
                raise CatalogError(
                    f'{shown} without a string on its line: write {shown} "" and continue on the next lines',
                    path,
                    number,
                )
        elif not line.startswith('"'):
            raise CatalogError(
                f"unknown keyword {_WORD.match(line).group()!r}: an entry is made of msgctxt, msgid, "
                "msgid_plural and msgstr lines",
                path,
                number,
            )
        elif previous == "#":
            raise CatalogError(
                "string after a comment: comments go above an entry, not between its strings", path, number
            )
        elif previous is None:
            raise CatalogError("string before the first msgid", path, number)
        elif previous.startswith("#|") != bool(prefix):
            raise CatalogError(
                "string continuing the line above: start both with #| (the previous source text) or neither",
                path,
                number,
            )
        if is_obsolete != obsolete:
            raise CatalogError(
                'obsolete entry with a line not marked obsolete: start each of its lines with "#~"', path, number
            )
        _refuse_bad_string(line, path, number)
    may_follow("", "the end of the file", len(lines))


def _refuse_bad_string(line: str, path: str, number: int) -> None:
    """``line`` is one string: closed, with valid escapes only, and nothing after it."""
    if _GOOD_STRING.match(line):  # nearly every line: nothing to say
        return
    string = _STRING.match(line)
    if string is None:
        end = line.rstrip(_BLANK)
        if (len(end) - len(end.rstrip("\\"))) % 2:  # gettext would join the next line, translate-toolkit cannot
            raise CatalogError(
                "backslash at the end of a line: close the string with '\"' and go on in a new string on the next line",
                path,
                number,
            )
        if line.startswith('"'):
            raise CatalogError(
                "end of line within a string: close it with '\"' (a '\\\"' is a quote inside the text)", path, number
            )
        raise CatalogError(f"text before the opening quote: {_WORD.match(line).group()!r}", path, number)
    for escape in _ANY_ESCAPE.finditer(string.group()):
        if not _ESCAPE.match(string.group(), escape.start()):
            raise CatalogError(
                f"invalid escape sequence '{escape.group()}' in a string: write '\\\\' for a backslash", path, number
            )
    control = _CONTROL.search(string.group())
    if control:
        raise CatalogError(f"control character {_CONTROL_NAMES[control.group()]} in a string: remove it", path, number)
    rest = line[string.end() :].strip(_BLANK)
    if rest:
        raise CatalogError(f"text after the closing quote: {rest[:20]!r}", path, number)


def _refuse_duplicates(store: Store, path: str) -> None:
    """Obsolete entries and the header count too, as in gettext: a second
    ``msgid ""`` or an obsolete twin of an active entry is a duplicate."""
    first_seen: dict[tuple[str, str], int] = {}
    for unit in store.units:
        if not unit.msgid:  # comments at the end of the file, after the last entry
            continue
        key, line = (unit.getcontext(), unit.source), _msgid_line(unit)
        if key in first_seen:
            raise CatalogError(
                f"duplicate message (first defined at line {first_seen[key]}): merge the two entries", path, line
            )
        first_seen[key] = line


def serialize(store: Store) -> bytes:
    """The catalogue in translate-toolkit's layout: used to compare contents."""
    return bytes(store)


def relayout(data: bytes, path: str) -> bytes:
    """An existing file in translate-toolkit's layout, to compare with ``serialize``."""
    store = read_catalog(data, path)
    for unit in store.units:
        rewrap(unit)
    return serialize(store)


def release(store: Store) -> None:
    """Free a catalogue that is no longer needed at once, by reference counting:
    pypo's units point back to their store, and leaving thousands of catalogues
    to the cycle collector cost a fifth of a build and a tenth of a check."""
    store.units = []


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


def _msgid_line(unit: Unit) -> int | None:
    """The line of the ``msgid`` keyword, where gettext reports a duplicate."""
    if unit.line_number is None:
        return None
    before = (
        unit.othercomments
        + unit.automaticcomments
        + unit.sourcecomments
        + unit.typecomments
        + unit.prev_msgctxt
        + unit.prev_msgid
        + unit.prev_msgid_plural
        + unit.msgctxt
    )
    return unit.line_number + len(before)


def msgstr_line(unit: Unit) -> int | None:
    """The line of the ``msgstr`` keyword: the one translators have to edit."""
    line = _msgid_line(unit)
    return None if line is None else line + len(unit.msgid + unit.msgidcomments + unit.msgid_plural)


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


# --- files -----------------------------------------------------------------


def read_catalog_file(root: Path, relative: str) -> Store | None:
    """The catalogue at ``relative``, or None if there is none; one that cannot be
    read (a folder, no permission) is an error naming it as the site does."""
    try:
        data = (root / relative).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CatalogError(f"cannot read the catalogue: {exc.strerror or exc}", relative) from None
    return read_catalog(data, relative)


def existing_catalogues(root: Path, locale: str, progress: Progress | None = None) -> dict[str, Store]:
    """Every ``.po`` of a locale by slug, read strictly (a broken one stops the run
    before anything is written)."""
    base = root / "locales" / locale / "LC_MESSAGES"
    found = {}
    paths = sorted(base.rglob("*.po")) if base.is_dir() else []
    for done, path in enumerate(paths, 1):
        slug = path.relative_to(base).as_posix()[: -len(".po")]
        store = read_catalog_file(root, path.relative_to(root).as_posix())
        if store is not None:
            found[slug] = store
        if progress:
            progress(f"{locale}: reading", done, len(paths))
    return found
