"""Merging a fresh template into a locale's catalogue, losing nothing.

Like GNU ``msgmerge --previous``: exact matches keep their translation; a
changed string gets its closest old translation, marked fuzzy with the old msgid
as ``#|``; a string that left the page stays in the file as obsolete (``#~``),
unless its translation lives on in the fuzzy entry it became (msgmerge keeps no
such copy either). Unlike Babel's ``Catalog.update``, candidates come from an
index (``similar.FuzzyIndex``), not from comparing every pair. The old
catalogue is left as it was: the caller compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..model import Catalogue, Entry, Message, Tally
from .entries import describe, entry_for
from .similar import FuzzyIndex, Match

FUZZY_THRESHOLD = 0.6  # GNU msgmerge's
MEMORY_THRESHOLD = 0.8


@dataclass(slots=True)
class MergeReport(Tally):
    kept: int = 0
    fuzzy: int = 0
    from_memory: int = 0
    untranslated: int = 0
    obsoleted: int = 0


@dataclass(slots=True, frozen=True)
class Suggestion:
    target: str
    origin: str  # the page (content/…) whose catalogue holds it


class TranslationMemory:
    """The translated strings of every catalogue of one locale."""

    def __init__(self) -> None:
        self._index: FuzzyIndex[Suggestion] = FuzzyIndex()

    def add_catalogue(self, catalogue: Catalogue, origin: str) -> None:
        for entry in catalogue.entries:
            if entry.translated and not entry.msgctxt:
                self._index.add(entry.msgid, Suggestion(entry.msgstr, origin))

    def suggest(self, msgid: str, exclude_origin: str) -> Match[Suggestion] | None:
        """The closest translation from another page: the page being updated
        already had its own chance as a fuzzy match."""
        return self._index.best(msgid, MEMORY_THRESHOLD, skip=lambda suggestion: suggestion.origin == exclude_origin)


def merge(
    messages: list[Message],
    old: Catalogue | None,
    origin: str,
    memory: TranslationMemory | None = None,
) -> tuple[Catalogue, MergeReport]:
    """A new catalogue holding ``messages`` in order, with every old translation
    carried over: active, fuzzy with ``#|``, or obsolete. Its header is the old one."""
    report = MergeReport()
    old_entries = old.entries if old is not None else []
    by_key: dict = {}
    for entry in old_entries:  # an active entry wins over an obsolete one with the same key
        if entry.key not in by_key or not entry.obsolete:
            by_key[entry.key] = entry
    exact = {id(m): by_key[m.key] for m in messages if m.key in by_key}
    used = {id(entry) for entry in exact.values()}
    candidates: dict[str | None, FuzzyIndex[Entry]] = {}
    for entry in old_entries:
        if id(entry) not in used and entry.msgstr:
            candidates.setdefault(entry.msgctxt, FuzzyIndex()).add(entry.msgid, entry)
    entries = []
    for message in messages:
        found = exact.get(id(message))
        if found is not None:
            entries.append(_keep(found, message, report))
        else:
            entries.append(_new_entry(message, candidates.get(message.context), origin, memory, report, used))
    for entry in old_entries:
        if id(entry) in used or not entry.msgstr:
            continue  # carried into a fuzzy entry, or untranslated: nothing to keep
        if not entry.obsolete:
            report.obsoleted += 1
        entries.append(replace(entry, obsolete=True, extracted_comments=[], locations=[], flags=list(entry.flags)))
    merged = Catalogue(entries=entries)
    if old is not None:
        merged.header, merged.header_comment, merged.header_fuzzy = (
            dict(old.header),
            old.header_comment,
            old.header_fuzzy,
        )
    return merged, report


def _keep(old: Entry, message: Message, report: MergeReport) -> Entry:
    entry = replace(old, obsolete=False, flags=list(old.flags), msgid_line=None, msgstr_line=None)
    if not entry.fuzzy:
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    describe(entry, message)
    if entry.translated:
        report.kept += 1
    elif entry.fuzzy:
        report.fuzzy += 1
    else:
        report.untranslated += 1
    return entry


def _new_entry(
    message: Message,
    candidates: FuzzyIndex[Entry] | None,
    origin: str,
    memory: TranslationMemory | None,
    report: MergeReport,
    used: set[int],
) -> Entry:
    match = candidates.best(message.msgid, FUZZY_THRESHOLD) if candidates is not None else None
    if match is not None:
        entry = entry_for(message, match.item.msgstr)
        entry.translator_comments = list(match.item.translator_comments)
        entry.previous_msgid = match.text
        entry.fuzzy = True
        used.add(id(match.item))  # its translation lives on here: no obsolete copy
        report.fuzzy += 1
        return entry
    suggestion = memory.suggest(message.msgid, origin) if memory is not None and not message.context else None
    if suggestion is not None:
        entry = entry_for(message, suggestion.item.target)
        describe(entry, message, [f"Suggested by translation memory from {suggestion.item.origin}"])
        if suggestion.score < 1:
            entry.previous_msgid = suggestion.text
        entry.fuzzy = True
        report.from_memory += 1
        return entry
    report.untranslated += 1
    return entry_for(message)
