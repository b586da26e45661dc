"""The checks of a whole catalogue: in sync with the content, complete enough
to publish, and carrying the approved disclaimer.

Pure functions over parsed data; ``stages.check`` reads the files and turns
what these return into findings with file and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

import lxml.html

from ..model import Catalogue, Message, Problem
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


def sync(messages: list[Message], catalogue: Catalogue) -> Iterator[Problem]:
    """The catalogue holds exactly the messages the content has now."""
    active = catalogue.by_key()
    wanted = {message.key for message in messages}
    missing = [m for m in messages if m.key not in active]
    stale = [entry for key, entry in active.items() if key not in wanted]
    if missing:
        yield Problem(
            "sync",
            "error",
            f'{len(missing)} message(s) of the content are missing (first: "{_short(missing[0].msgid)}"): run make update',
        )
    for entry in stale:
        yield Problem(
            "sync",
            "error",
            f'"{_short(entry.msgid)}" is no longer in the content but still active: run make update',
            entry.msgid_line,
        )


def _short(text: str, limit: int = 60) -> str:
    """The first words of a message, for a finding to name it by."""
    text = normalize(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"


# --- completeness ---------------------------------------------------------------


def unfinished(messages: list[Message], catalogue: Catalogue) -> list[Problem]:
    """Each message not published in this locale (untranslated, fuzzy, or not in
    the catalogue), at the msgstr line a translator edits."""
    active = catalogue.by_key()
    problems = []
    for message in messages:
        entry = active.get(message.key)
        if entry is None:
            problems.append(
                Problem(
                    "completeness",
                    "error",
                    f'"{_short(message.msgid)}" is not in the catalogue: run make update, then translate it',
                )
            )
        elif not entry.msgstr:
            problems.append(
                Problem(
                    "completeness",
                    "error",
                    f'"{_short(message.msgid)}" is untranslated: translate it',
                    entry.msgstr_line,
                )
            )
        elif entry.fuzzy:
            problems.append(
                Problem(
                    "completeness",
                    "error",
                    f'"{_short(message.msgid)}" is fuzzy: check the translation and remove the fuzzy flag',
                    entry.msgstr_line,
                )
            )
    return problems


# --- disclaimer -------------------------------------------------------------------


def disclaimer_entry(catalogue: Catalogue, approved: str) -> Iterator[Problem]:
    """site.po's disclaimer is translated, not fuzzy, and the approved wording."""
    entry = next((e for e in catalogue.messages() if e.msgctxt == DISCLAIMER_CONTEXT), None)
    if entry is None:
        yield Problem("disclaimer", "error", 'no disclaimer entry (msgctxt "disclaimer"): run make update')
        return
    line = entry.msgstr_line
    if not entry.msgstr:
        yield Problem(
            "disclaimer", "error", "the disclaimer is not translated: use the approved wording from site.yaml", line
        )
    elif entry.fuzzy:
        yield Problem(
            "disclaimer",
            "error",
            "the disclaimer is marked fuzzy: confirm the approved wording from site.yaml and remove the fuzzy flag",
            line,
        )
    if entry.msgstr and normalize(entry.msgstr) != normalize(approved):
        yield Problem(
            "disclaimer",
            "error",
            f"the disclaimer differs from the approved wording in site.yaml: {wording_difference(approved, entry.msgstr)}",
            line,
        )


def approved_text(wording: str) -> str:
    """What a reader sees of the approved Markdown wording."""
    return normalize(lxml.html.fromstring(f"<p>{render_inline(wording)}</p>").text_content())
