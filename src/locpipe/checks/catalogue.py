"""The checks of a whole catalogue: in sync with the content, complete enough
to publish, and carrying the approved disclaimer.

Pure functions over parsed data; ``stages.check`` reads the files and turns
what these return into findings with file and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

import lxml.html

from ..model import Message, Problem
from ..po.store import Store, message_units, msgstr_line, unit_key
from ..render.translate import render_inline
from ..source.messages import DISCLAIMER_CONTEXT


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
        parts.append(
            f'"{old}" became "{new}"' if old and new else f'"{old}" is missing' if old else f'"{new}" was added'
        )
    return "; ".join(parts[:4]) + (" …" if len(parts) > 4 else "")


# --- sync ---------------------------------------------------------------------


def sync(messages: list[Message], store: Store) -> Iterator[Problem]:
    """The catalogue holds exactly the messages the content has now."""
    active = {unit_key(unit): unit for unit in message_units(store)}
    wanted = {message.key for message in messages}
    missing = [m for m in messages if m.key not in active]
    stale = [unit for key, unit in active.items() if key not in wanted]
    if missing:
        yield Problem(
            "sync",
            "error",
            f'{len(missing)} message(s) of the content are missing (first: "{_short(missing[0].msgid)}"): run make update',
        )
    for unit in stale:
        yield Problem(
            "sync",
            "error",
            f'"{_short(unit.source)}" is no longer in the content but still active: run make update',
            unit.line_number,
        )


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
            problems.append(
                Problem(
                    "completeness",
                    "error",
                    f'"{_short(message.msgid)}" is not in the catalogue: run make update, then translate it',
                )
            )
        elif not unit.target:
            problems.append(
                Problem(
                    "completeness",
                    "error",
                    f'"{_short(message.msgid)}" is untranslated: translate it',
                    msgstr_line(unit),
                )
            )
        elif unit.isfuzzy():
            problems.append(
                Problem(
                    "completeness",
                    "error",
                    f'"{_short(message.msgid)}" is fuzzy: check the translation and remove the fuzzy flag',
                    msgstr_line(unit),
                )
            )
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
        yield Problem(
            "disclaimer", "error", "the disclaimer is not translated: use the approved wording from site.yaml", line
        )
    elif entry.isfuzzy():
        yield Problem(
            "disclaimer",
            "error",
            "the disclaimer is marked fuzzy: confirm the approved wording from site.yaml and remove the fuzzy flag",
            line,
        )
    if entry.target and normalize(entry.target) != normalize(approved):
        yield Problem(
            "disclaimer",
            "error",
            f"the disclaimer differs from the approved wording in site.yaml: {wording_difference(approved, entry.target)}",
            line,
        )


def approved_text(wording: str) -> str:
    """What a reader sees of the approved Markdown wording."""
    return normalize(lxml.html.fromstring(f"<p>{render_inline(wording)}</p>").text_content())
