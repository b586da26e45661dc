"""Translation progress, counted against the messages the content has now."""

from __future__ import annotations

from ..model import Counts, Message
from .store import Store, is_translated, message_units, unit_key


def catalogue_counts(messages: list[Message], store: Store | None) -> Counts:
    units = {unit_key(unit): unit for unit in message_units(store)} if store is not None else {}
    counts = Counts(total=len(messages))
    for message in messages:
        unit = units.get(message.key)
        if unit is not None and is_translated(unit):
            counts.translated += 1
            continue
        if unit is not None and unit.isfuzzy() and unit.target:
            counts.fuzzy += 1
        else:
            counts.untranslated += 1
        counts.words_left += len(message.msgid.split())
    return counts


def locale_stats(
    wanted: dict[str, tuple[str, list[Message]]], stores: dict[str, Store]
) -> tuple[Counts, dict[str, Counts]]:
    """The locale's total and its counts per catalogue slug."""
    per_catalogue = {slug: catalogue_counts(messages, stores.get(slug)) for slug, (_source, messages) in wanted.items()}
    total = Counts()
    for counts in per_catalogue.values():
        total.add(counts)
    return total, per_catalogue
