"""Translation progress, counted against the messages the content has now."""

from __future__ import annotations

from ..model import Catalogue, Counts, Message


def catalogue_counts(messages: list[Message], catalogue: Catalogue | None) -> Counts:
    entries = catalogue.by_key() if catalogue is not None else {}
    counts = Counts(total=len(messages))
    for message in messages:
        entry = entries.get(message.key)
        if entry is not None and entry.translated:
            counts.translated += 1
            continue
        if entry is not None and entry.fuzzy and entry.msgstr:
            counts.fuzzy += 1
        else:
            counts.untranslated += 1
        counts.words_left += len(message.msgid.split())
    return counts


def locale_stats(
    wanted: dict[str, tuple[str, list[Message]]], catalogues: dict[str, Catalogue]
) -> tuple[Counts, dict[str, Counts]]:
    """The locale's total and its counts per catalogue slug."""
    per_catalogue = {
        slug: catalogue_counts(messages, catalogues.get(slug)) for slug, (_source, messages) in wanted.items()
    }
    return Counts.sum(per_catalogue.values()), per_catalogue
