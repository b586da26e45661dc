"""Refusing what GNU gettext cannot read, or would read differently than polib.

polib is lenient: it drops text after a closing quote, reads a file that
declares another charset as UTF-8, and so on. These checks run on the text
before polib parses it, and name the file and the line where ``msgfmt`` would
report the problem. They only check: polib reads the contents.
"""

from __future__ import annotations

import re

from ..errors import CatalogError

_DECLARED_CHARSET = re.compile(rb'^(?:msgstr )?"Content-Type:[^"]*charset=\s*([^\s;"\\]+)', re.I | re.M)
_CR_INSIDE_A_LINE = re.compile(rb"\r[ \t\f\v\r]*[^\s]")
_HEADER_CHARSET = re.compile(r"charset=\s*([^\s;]*)", re.I)
_UTF8_NAMES = ("UTF-8", "UTF8", "CHARSET")  # "CHARSET": the placeholder of a fresh template


def decoded(data: bytes, path: str) -> str:
    """The file as text, refusing a declared charset other than UTF-8 and bytes
    that are not UTF-8 (a BOM is dropped, CRLF line ends are read as LF); then
    every line gettext or polib would misread, the first problem in the file first."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    data = data.replace(b"\r\n", b"\n")
    inside = _CR_INSIDE_A_LINE.search(data)
    if inside:  # gettext reads a lone CR as white space, most editors and polib as a line end
        raise CatalogError(
            "carriage return (CR) inside a line, as old Mac files end lines: save the catalogue with LF line ends",
            path,
            data.count(b"\n", 0, inside.start()) + 1,
        )
    declared = _DECLARED_CHARSET.search(data)
    if declared and declared.group(1).upper() not in (name.encode() for name in _UTF8_NAMES):
        raise _charset_error(
            declared.group(1).decode("ascii", "replace"), path, data.count(b"\n", 0, declared.start()) + 1
        )
    try:
        text, undecodable = data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", "replace")
        line = data.count(b"\n", 0, exc.start) + 1
        undecodable = CatalogError("not UTF-8 text: save the catalogue as UTF-8", path, line)
    try:
        if not WELL_FORMED.fullmatch(text):  # nearly every file is: no line needs a look
            refuse_bad_lines(text.split("\n"), path)
    except CatalogError as problem:
        if undecodable is None or problem.line < undecodable.line:  # the first problem in the file
            raise
    if undecodable is not None:
        raise undecodable
    return text


def refuse_other_charsets(header: str, path: str, line: int | None) -> None:
    """GNU gettext takes the charset from the first "charset=" in the header's
    text, its strings joined: a declaration split across two strings is one."""
    for declared in _HEADER_CHARSET.finditer(header):
        if declared.group(1).upper() not in _UTF8_NAMES:
            raise _charset_error(declared.group(1), path, line)


def _charset_error(charset: str, path: str, line: int | None) -> CatalogError:
    return CatalogError(
        f"declares charset {charset}: locpipe reads UTF-8 only; convert with 'msgconv --to-code=UTF-8'", path, line
    )


def refuse_duplicates(keys: list[tuple[tuple[str | None, str], int | None]], path: str) -> None:
    """Obsolete entries and the header count too, as in gettext: a second
    ``msgid ""`` or an obsolete twin of an active entry is a duplicate."""
    first_seen: dict[tuple[str | None, str], int | None] = {}
    for key, line in keys:
        if key in first_seen:
            raise CatalogError(
                f"duplicate message (first defined at line {first_seen[key]}): merge the two entries", path, line
            )
        first_seen[key] = line


# GNU gettext's white space between tokens (a lone CR included).
_BLANK = " \t\r\f\v"
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)(?![\w\[])")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
# The escapes polib reads; gettext also reads \\a, octal and \\x escapes, which polib
# would keep as a backslash and letters: refused.
_ESCAPE = re.compile(r'\\[ntbrfv\\"]')
_GNU_ONLY_ESCAPE = re.compile(r"\\(?:a|[0-7]{1,3}|x[0-9A-Fa-f]+)")
_ANY_ESCAPE = re.compile(r"\\.")
_GOOD_STRING = re.compile(r'"(?:[^"\\\x00\x04]|\\[ntbrfv\\"])*"[ \t\r\f\v]*\Z')
_WORD = re.compile(f'[^{_BLANK}"]+')
# gettext ends a string at a NUL and separates msgctxt from msgid with an EOT:
# polib would read a different text than gettext.
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
    string = rf'"{plain}(?:\\[ntbrfv\\"]{plain})*"\n'
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
WELL_FORMED = re.compile(
    rf"(?:\n|#(?![~|])[^\n]*\n|{_entry_pattern('', re.escape('#| '))}|{_entry_pattern(re.escape('#~ '), re.escape('#~| '))})*"
)


def refuse_bad_lines(lines: list[str], path: str) -> None:
    """Refuse, line by line, what GNU gettext cannot read and polib
    would read anyway, dropping or misreading text: something after a string's
    closing quote, a quote escaped at the end of a line, an invalid escape, an
    unknown keyword, an entry missing a part, an obsolete entry with a line not
    marked ``#~``; each at the line where gettext reports it. Checks only:
    polib reads the contents. Stricter than gettext where
    polib would misread what gettext reads: one string per line and
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
            if not line:  # gettext would take the string from the next line, polib cannot
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
        if (len(end) - len(end.rstrip("\\"))) % 2:  # gettext would join the next line, polib cannot
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
        gnu_only = _GNU_ONLY_ESCAPE.match(string.group(), escape.start())
        if gnu_only:
            raise CatalogError(
                f"escape sequence '{gnu_only.group()}' in a string: locpipe's PO reader (polib) would read it as "
                "text, not as the character gettext reads; write the character itself",
                path,
                number,
            )
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
