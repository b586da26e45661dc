"""Finding the closest earlier string, for fuzzy merging and translation memory.

Comparing every new string with every old one (as Babel's ``Catalog.update``
does with difflib) is quadratic; here an inverted index of word trigrams picks a
few candidates, and only those are scored, with rapidfuzz's normalized indel
similarity: the measure of GNU gettext's ``fstrcmp``, which msgmerge's fuzzy
matching uses (characters kept, over the two lengths).
"""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz.distance import Indel

T = TypeVar("T")
_WORD = re.compile(r"\w+")
CANDIDATES = 8
_NONE = object()  # no usable item


def _grams(text: str) -> set[str]:
    """Character trigrams of the lower-cased words: robust to small edits."""
    words = " ".join(_WORD.findall(text.lower()))
    return {words[i : i + 3] for i in range(max(1, len(words) - 2))}


@dataclass(slots=True, frozen=True)
class Match(Generic[T]):
    text: str
    item: T
    score: float


class FuzzyIndex(Generic[T]):
    """Strings with attached items; ``best`` returns the most similar above a threshold."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._items: list[list[T]] = []  # a text added again keeps every item: one may be skipped
        self._exact: dict[str, int] = {}
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._indexed = 0  # texts are indexed on the first fuzzy lookup, not when added

    def add(self, text: str, item: T) -> None:
        position = self._exact.get(text)
        if position is not None:
            self._items[position].append(item)
            return
        self._exact[text] = len(self._texts)
        self._texts.append(text)
        self._items.append([item])

    def best(self, text: str, threshold: float, skip: Callable[[T], bool] | None = None) -> Match[T] | None:
        """The closest text, with its first item that ``skip`` does not rule out.
        Texts with no such item are dropped before candidates are ranked, so
        they never crowd out the best usable match."""

        def first(position: int):
            return next((item for item in self._items[position] if skip is None or not skip(item)), _NONE)

        exact = first(self._exact[text]) if text in self._exact else _NONE
        if exact is not _NONE:
            return Match(text, exact, 1.0)
        for position in range(self._indexed, len(self._texts)):
            for gram in _grams(self._texts[position]):
                self._postings[gram].append(position)
        self._indexed = len(self._texts)
        grams = _grams(text)
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(self._postings.get(gram, ()))
        eligible = [pair for pair in shared.items() if first(pair[0]) is not _NONE] if skip else shared.items()
        best: Match[T] | None = None
        # Ties broken by position, never by set order: the same input gives the same match.
        ranked = heapq.nsmallest(CANDIDATES, eligible, key=lambda pair: (-pair[1], pair[0]))
        for position, _ in ranked:
            candidate = self._texts[position]
            score = Indel.normalized_similarity(text, candidate, score_cutoff=threshold)
            if score >= threshold and (best is None or score > best.score):
                best = Match(candidate, first(position), score)
        return best
