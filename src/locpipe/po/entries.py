"""Entries from messages: what extraction owns of an entry (its extracted
comments, references and format flags), and the templates (``.pot``) made of them."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from ..model import Catalogue, Entry, Message

FORMAT_FLAGS = ("python-format", "no-python-format")
# polib and other tools re-wrap "#." comments longer than this (with "#. "):
# written at this width, a tool's save changes nothing.
COMMENT_WIDTH = 78


def comment_lines(comments: Iterable[str]) -> list[str]:
    """Each comment as "#." lines within ``COMMENT_WIDTH`` columns."""
    lines = []
    for comment in comments:
        lines += textwrap.wrap(comment, COMMENT_WIDTH - 3, break_long_words=False, break_on_hyphens=False) or [""]
    return lines


def describe(entry: Entry, message: Message, extra_comments: Iterable[str] = ()) -> None:
    """Set what extraction owns; the translators' comments and flags stay."""
    entry.extracted_comments = comment_lines([*message.comments, *extra_comments])
    entry.locations = list(message.locations)
    entry.flags = [flag for flag in entry.flags if flag not in FORMAT_FLAGS] + [
        flag for flag in FORMAT_FLAGS if flag in message.flags
    ]


def entry_for(message: Message, msgstr: str = "") -> Entry:
    entry = Entry(msgid=message.msgid, msgstr=msgstr, msgctxt=message.context)
    describe(entry, message)
    return entry


def template(project: str, source: str, messages: list[Message], creation_date: str) -> Catalogue:
    """A ``.pot`` as xgettext would write it for ``source``."""
    return Catalogue(
        header={
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
        header_comment=f"Translation template for {source} ({project}).\n"
        "Written by 'locpipe extract' from the English source: do not edit.",
        header_fuzzy=True,
        entries=[entry_for(message) for message in messages],
    )
