"""Quantities in a message (numbers, ranges and their dose units), read with each
locale's own conventions through Babel: en 2,000 = de 2.000, en 2.5 = de 2,5."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel.numbers import NumberFormatError, parse_decimal

# Dose units, longest first; each maps to a canonical name so that µg = mcg.
DOSE_UNITS = {"mg": "mg", "µg": "µg", "μg": "µg", "mcg": "µg", "ml": "ml", "mL": "ml", "IU": "IU", "g": "g", "%": "%"}
_SPACE = "[ \u00a0\u202f]?"
_NUMBER = r"(?<![\w.,])\d+(?:[.,\u00a0\u202f']\d+)*"
_RANGE = rf"(?P<first>{_NUMBER})(?:{_SPACE}[–—-]{_SPACE}(?P<second>{_NUMBER}))?"
# Link targets, autolinks and code spans hold no quantities of the text.
_NOT_TEXT = re.compile(r"\]\([^)]*\)|<[a-z][a-z0-9+.-]*:[^>]*>|`[^`]*`", re.I)


@dataclass(frozen=True, slots=True)
class Quantity:
    text: str  # as written, for messages
    values: tuple[Decimal, ...]
    unit: str | None

    @property
    def key(self) -> tuple:
        return (self.values, self.unit)


@lru_cache(maxsize=None)
def _quantity_pattern(aliases: frozenset[str]) -> re.Pattern:
    """A number or range and its unit, the locale's unit aliases included: made
    once per set of aliases, not once per message."""
    names = set(DOSE_UNITS) | aliases
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(_RANGE + rf"(?:{_SPACE}(?P<unit>{alternatives})(?![\w]))?")


def parse_number(token: str, locale: str) -> tuple[Decimal, ...]:
    """One number as the locale writes it; a run Babel cannot read as one number
    (``1,2,3``) is read digit group by digit group, so nothing goes unchecked."""
    cleaned = token.replace("'", "")
    try:
        return (parse_decimal(cleaned, locale=locale.replace("-", "_"), strict=True),)
    except NumberFormatError:
        return tuple(Decimal(part) for part in re.split(r"[.,\u00a0\u202f]", cleaned) if part)


def quantities(text: str, locale: str, unit_aliases: dict[str, list[str]] | None = None) -> list[Quantity]:
    """Every quantity of ``text``; ``unit_aliases`` maps a unit to how the locale
    may write it (de: IU → I.E.)."""
    aliases = unit_aliases or {}
    reverse = {alias: unit for unit, names in aliases.items() for alias in names}
    found = []
    for match in _quantity_pattern(frozenset(reverse)).finditer(_NOT_TEXT.sub(" ", text)):
        values = parse_number(match.group("first"), locale)
        if match.group("second"):
            values += parse_number(match.group("second"), locale)
        unit = match.group("unit")
        unit = DOSE_UNITS.get(reverse.get(unit, unit), reverse.get(unit, unit)) if unit else None
        found.append(Quantity(match.group(0).strip(), values, unit))
    return found


def compare(source: str, translation: str, source_locale: str, target_locale: str,
            unit_aliases: dict[str, list[str]] | None = None) -> list[str]:
    """What differs, worded for the translator; empty when every quantity is kept."""
    expected = quantities(source, source_locale)
    actual = quantities(translation, target_locale, unit_aliases)
    if [q.key for q in expected] == [q.key for q in actual]:
        return []
    missing = list((Counter(q.key for q in expected) - Counter(q.key for q in actual)).elements())
    added = list((Counter(q.key for q in actual) - Counter(q.key for q in expected)).elements())
    lost = [_first(expected, key) for key in missing]
    new = [_first(actual, key) for key in added]
    problems = [f'"{old.text}" became "{changed.text}"' for old, changed in zip(lost, new)]
    problems += [f'"{old.text}" is missing from the translation' for old in lost[len(new):]]
    problems += [f'the translation adds "{extra.text}", which the source does not have' for extra in new[len(lost):]]
    return problems


def _first(items: list[Quantity], key: tuple) -> Quantity:
    return next(item for item in items if item.key == key)
