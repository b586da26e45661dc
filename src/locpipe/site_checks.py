"""The checks over whole catalogues and built pages: in sync with the content,
complete enough to publish, and carrying the approved disclaimer.

Pure functions over parsed data; ``checking.check`` reads the files and turns
what these return into findings with file and line.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html

from . import visibility
from .catalog import Store, message_units, msgstr_line, unit_key
from .extract import DISCLAIMER_CONTEXT
from .model import Message
from .render import render_inline


@dataclass(slots=True, frozen=True)
class Problem:
    check: str
    severity: str
    message: str
    line: int | None = None


def normalize(text: str) -> str:
    return " ".join(text.split())


def wording_difference(expected: str, actual: str) -> str:
    """The words that differ, e.g. ``"keine" became "nicht immer eine"``."""
    want, got = expected.split(), actual.split()
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, want, got, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        old, new = " ".join(want[a1:a2]), " ".join(got[b1:b2])
        parts.append(f'"{old}" became "{new}"' if old and new else f'"{old}" is missing' if old else f'"{new}" was added')
    return "; ".join(parts[:4]) + (" …" if len(parts) > 4 else "")


# --- sync ---------------------------------------------------------------------


def sync(messages: list[Message], store: Store) -> Iterator[Problem]:
    """The catalogue holds exactly the messages the content has now."""
    active = {unit_key(unit): unit for unit in message_units(store)}
    wanted = {message.key for message in messages}
    missing = [m for m in messages if m.key not in active]
    stale = [unit for key, unit in active.items() if key not in wanted]
    if missing:
        yield Problem("sync", "error", f"{len(missing)} message(s) of the content are missing (first: \"{_short(missing[0].msgid)}\"): run make update")
    for unit in stale:
        yield Problem("sync", "error", f"\"{_short(unit.source)}\" is no longer in the content but still active: run make update", unit.line_number)


def _short(text: str, limit: int = 60) -> str:
    """The first words of a message, for a finding to name it by."""
    text = normalize(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"


# --- completeness ---------------------------------------------------------------


def unfinished(messages: list[Message], store: Store) -> list[Problem]:
    """Each message not published in this locale (untranslated, fuzzy, or not in
    the catalogue), at the msgstr line a translator edits."""
    active = {unit_key(unit): unit for unit in message_units(store)}
    problems = []
    for message in messages:
        unit = active.get(message.key)
        if unit is None:
            problems.append(Problem("completeness", "error", f'"{_short(message.msgid)}" is not in the catalogue: run make update, then translate it'))
        elif not unit.target:
            problems.append(Problem("completeness", "error", f'"{_short(message.msgid)}" is untranslated: translate it', msgstr_line(unit)))
        elif unit.isfuzzy():
            problems.append(Problem("completeness", "error", f'"{_short(message.msgid)}" is fuzzy: check the translation and remove the fuzzy flag',
                                    msgstr_line(unit)))
    return problems


# --- disclaimer -------------------------------------------------------------------


def disclaimer_entry(store: Store, approved: str) -> Iterator[Problem]:
    """site.po's disclaimer is translated, not fuzzy, and the approved wording."""
    entry = next((u for u in message_units(store) if u.getcontext() == DISCLAIMER_CONTEXT), None)
    if entry is None:
        yield Problem("disclaimer", "error", 'no disclaimer entry (msgctxt "disclaimer"): run make update')
        return
    line = msgstr_line(entry)
    if not entry.target:
        yield Problem("disclaimer", "error", "the disclaimer is not translated: use the approved wording from site.yaml", line)
    elif entry.isfuzzy():
        yield Problem("disclaimer", "error", "the disclaimer is marked fuzzy: confirm the approved wording from site.yaml and remove the fuzzy flag", line)
    if entry.target and normalize(entry.target) != normalize(approved):
        yield Problem("disclaimer", "error", f"the disclaimer differs from the approved wording in site.yaml: {wording_difference(approved, entry.target)}", line)


def approved_text(wording: str) -> str:
    """What a reader sees of the approved Markdown wording."""
    return normalize(lxml.html.fromstring(f"<p>{render_inline(wording)}</p>").text_content())


def built_page(html: bytes, expected_text: str, source_text: str, page: str, read: visibility.ReadFile) -> Iterator[Problem]:
    """A built page shows exactly one disclaimer, and what a reader sees of it is
    the approved text. ``page`` is the page's path from the site root, ``read``
    gives the text of a file under build/ (the stylesheets the page uses)."""
    document = lxml.html.fromstring(html.decode("utf-8", errors="replace"))  # pages are written as UTF-8
    asides = document.xpath('//aside[contains(concat(" ", normalize-space(@class), " "), " disclaimer ")]')
    if not asides:
        yield Problem("disclaimer", "error", 'the page has no <aside class="disclaimer">: rebuild with make build')
        return
    if len(asides) > 1:
        yield Problem("disclaimer", "error", f'the page has {len(asides)} <aside class="disclaimer">, it must have exactly one', asides[1].sourceline)
    aside = asides[0]
    sources, unread = visibility.page_stylesheets(document, page, read)
    for message, line in unread:
        yield Problem("disclaimer", "warning", message, line)
    for view, unknown in visibility.views(aside, sources):
        for selector, why in unknown:
            yield Problem("disclaimer", "warning", f"cannot tell whether the CSS rule '{selector}' hides the disclaimer "
                          f"(cssselect: {why[:1].lower()}{why[1:]}): check it by hand", aside.sourceline)
        problem = _seen_problem(view, aside, expected_text, source_text)
        if problem is not None:
            yield problem
            return


def _seen_problem(view: visibility.View, aside, expected_text: str, source_text: str) -> Problem | None:
    """What is wrong with the disclaimer as seen, naming what hides or adds words."""
    text, hidden = view.text, view.hidden
    if text == expected_text:
        return None
    difference = wording_difference(expected_text, text)
    if hidden is not None and not text:
        return Problem("disclaimer", "error", f"the disclaimer is hidden ({hidden.why}): it must be visible on every page", hidden.line)
    if hidden is not None:
        return Problem("disclaimer", "error", f"the disclaimer is partly hidden ({hidden.why}): {difference}", hidden.line)
    if view.added is not None:
        return Problem("disclaimer", "error", f"CSS adds to the disclaimer ({view.added.why}): {difference}", view.added.line)
    if text == source_text and source_text != expected_text:
        return Problem("disclaimer", "error",
                       "the page shows the source-language disclaimer: translate the disclaimer in site.po with the approved wording", aside.sourceline)
    return Problem("disclaimer", "error", f"the page's disclaimer differs from the approved wording: {difference}", aside.sourceline)
