"""Merging a fresh template into a locale's catalogue, losing nothing.

Like GNU ``msgmerge --previous``: exact matches keep their translation; a
changed string gets its closest old translation, marked fuzzy with the old msgid
as ``#|``; a string that left the page stays in the file as obsolete (``#~``).
Unlike Babel's ``Catalog.update`` the old entry a fuzzy match came from is kept
too, and candidates come from an index (``similar.FuzzyIndex``), not from
comparing every pair.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Message, Tally
from .similar import FuzzyIndex, Match
from .store import Store, Unit, describe, is_translated, make_unit, new_store, rewrap, unit_key

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

    def add_catalog(self, store: Store, origin: str) -> None:
        for unit in store.units:
            if not unit.isheader() and is_translated(unit) and not unit.getcontext():
                self._index.add(unit.source, Suggestion(unit.target, origin))

    def suggest(self, msgid: str, exclude_origin: str) -> Match[Suggestion] | None:
        """The closest translation from another page: the page being updated
        already had its own chance as a fuzzy match."""
        return self._index.best(msgid, MEMORY_THRESHOLD, skip=lambda suggestion: suggestion.origin == exclude_origin)


def merge(
    messages: list[Message],
    old: Store | None,
    origin: str,
    memory: TranslationMemory | None = None,
) -> tuple[Store, MergeReport]:
    """A new catalogue holding ``messages`` in order, with every old translation
    carried over: active, fuzzy with ``#|``, or obsolete."""
    report = MergeReport()
    store = new_store()
    if old is not None and old.header() is not None:
        _adopt(store, old.header())
    old_units = [unit for unit in (old.units if old is not None else []) if not unit.isheader()]
    by_key: dict = {}
    for unit in old_units:  # an active entry wins over an obsolete one with the same key
        if unit_key(unit) not in by_key or not unit.isobsolete():
            by_key[unit_key(unit)] = unit
    exact = {id(m): by_key[m.key] for m in messages if m.key in by_key}
    used = {id(unit) for unit in exact.values()}
    candidates: dict[str | None, FuzzyIndex[Unit]] = {}
    for unit in old_units:
        if id(unit) not in used and unit.target:
            candidates.setdefault(unit.getcontext() or None, FuzzyIndex()).add(unit.source, unit)
    for message in messages:
        unit = exact.get(id(message))
        if unit is not None:
            _keep(unit, message, report)
        else:
            unit = _new_unit(store, message, candidates.get(message.context), origin, memory, report)
        _adopt(store, unit)
    for unit in old_units:
        if id(unit) in used or not unit.target:
            continue  # an untranslated entry leaving the page holds nothing to keep
        if not unit.isobsolete():
            unit.makeobsolete()
            report.obsoleted += 1
        _adopt(store, unit)
    return store, report


def _keep(unit: Unit, message: Message, report: MergeReport) -> None:
    if unit.isobsolete():
        unit.resurrect()
    if not unit.isfuzzy():
        unit.prev_source = None
        unit.prev_msgctxt = []
    describe(unit, message)
    if is_translated(unit):
        report.kept += 1
    elif unit.isfuzzy():
        report.fuzzy += 1
    else:
        report.untranslated += 1


def _new_unit(
    store: Store,
    message: Message,
    candidates: FuzzyIndex[Unit] | None,
    origin: str,
    memory: TranslationMemory | None,
    report: MergeReport,
) -> Unit:
    match = candidates.best(message.msgid, FUZZY_THRESHOLD) if candidates is not None else None
    if match is not None:
        unit = make_unit(store, message, match.item.target)
        unit.othercomments = list(match.item.othercomments)
        unit.prev_source = match.text
        unit.markfuzzy(True)
        report.fuzzy += 1
        return unit
    suggestion = memory.suggest(message.msgid, origin) if memory is not None and not message.context else None
    if suggestion is not None:
        unit = make_unit(store, message, suggestion.item.target)
        describe(unit, message, [f"Suggested by translation memory from {suggestion.item.origin}"])
        if suggestion.score < 1:
            unit.prev_source = suggestion.text
        unit.markfuzzy(True)
        report.from_memory += 1
        return unit
    report.untranslated += 1
    return make_unit(store, message)


def _adopt(store: Store, unit: Unit) -> None:
    """Move ``unit`` into ``store``, rewrapped as GNU gettext wraps."""
    unit._store = store
    unit.wrapper = store.wrapper
    rewrap(unit)
    store.units.append(unit)
