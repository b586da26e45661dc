"""Quantities in a message (numbers, ranges, their dose units, and names such
as B12), read with each locale's own conventions through Babel: en 2,000 =
de 2.000, en 2.5 = de 2,5, en 300–400 mg = de 300 bis 400 mg."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

# Units as they may be written → one canonical name, so that µg = mcg and ml = mL.
DOSE_UNITS = {
    "mg": "mg",
    "µg": "µg",
    "μg": "µg",
    "mcg": "µg",
    "ng": "ng",
    "g": "g",
    "kg": "kg",
    "ml": "ml",
    "mL": "ml",
    "mmol": "mmol",
    "µmol": "µmol",
    "μmol": "µmol",
    "nmol": "nmol",
    "IU": "IU",
    "%": "%",
    "°C": "°C",
    "°F": "°F",
}
# What a dose unit may be per (mg/kg, µg/dl, mmol/l). Only a unit is: German
# "mg/Tag" is English "mg/day", a dose in mg.
PER_UNITS = {
    "kg": "kg",
    "g": "g",
    "mg": "mg",
    "l": "l",
    "L": "l",
    "dl": "dl",
    "dL": "dl",
    "ml": "ml",
    "mL": "ml",
    "m²": "m²",
}


@dataclass(frozen=True, slots=True)
class Words:
    """How a locale writes ranges and rates in words."""

    to: tuple[str, ...] = ()  # 300 to 400 mg
    between: tuple[tuple[str, str], ...] = ()  # between 300 and 400 mg
    per: tuple[str, ...] = ()  # 5 mg per kg


# Keyed by language. German "von 5 auf 10 mg" is how English "from 5 to 10 mg"
# (a range to English) is said, so it shares its unit like a range.
LOCALE_WORDS = {
    "en": Words(to=("to",), between=(("between", "and"),), per=("per",)),
    "de": Words(to=("bis",), between=(("zwischen", "und"), ("von", "auf")), per=("pro", "je")),
}

_SPACE = "[ \u00a0\u202f]?"
_JOIN = "[ \u00a0\u202f-]?"  # between a number and its unit: 500 mg, 500-mg tablet
# A minus sign: not the hyphen of a word (omega-3) or of a range (5-10).
_SIGN = r"(?:(?<![\w.,])[-−–](?=\d))?"
# Thousands grouped by a no-break or narrow no-break space, or by a plain space
# from five digits on (10 000), so that "1 500 mg tablet" stays 1 and 500 mg.
_SPACED = r"(?:\d{1,3}(?:[\u00a0\u202f]\d{3}(?!\d))+|\d{2,3}(?: \d{3}(?!\d))+|\d(?: \d{3}(?!\d)){2,})(?:[.,]\d+)?"
# The lookahead first: most positions of a text fail on it at once.
_NUMBER = rf"(?=[-−–\d]){_SIGN}(?<![\w.,])(?:{_SPACED}|\d+(?:[.,']\d+)*)"
# A letter followed by a digit starts a name (B12, D3, CoQ10, HbA1c), kept
# verbatim. Names are found by that digit, which is quick to search for.
_NAME_DIGIT = re.compile(r"\d(?<=[^\W\d_]\d)")
_NAME = re.compile(r"(?<!\w)[^\W\d_]+\d\w*")
_LETTER = re.compile(r"[^\W\d_]")
# Link targets, autolinks and code spans hold no quantities of the text.
_NOT_TEXT = re.compile(r"\]\([^)]*\)|<[a-z][a-z0-9+.-]*:[^>]*>|`[^`]*`", re.I)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Quantity:
    text: str  # as written, for messages
    items: tuple[tuple, ...]  # (value, unit) per number, a range's unit at both ends; a name is (its text, None)
    numbers: tuple[tuple[int, int], ...] = ()  # where each number is in ``text``


def _either(names) -> str:
    """An alternation, longest first so that no name is read as a prefix of another."""
    return "|".join(re.escape(name) for name in sorted(names, key=lambda name: (-len(name), name)))


@cache
def _quantity_pattern(locale: str, aliases: frozenset[str]) -> tuple[re.Pattern, tuple[re.Pattern, ...]]:
    """A number or range with its units, in the locale's words and unit aliases,
    and for each "between … and" pair what must come before a range that "and"
    joins: made once per locale, not once per message."""
    words = LOCALE_WORDS.get(re.split("[-_]", locale)[0], Words())
    units, per = _either(set(DOSE_UNITS) | aliases), _either(PER_UNITS)
    per_word = rf"/|\s+(?i:{_either(words.per)})\s+" if words.per else "/"

    def unit(n: int) -> str:
        return rf"(?P<tail{n}>(?:{_JOIN}(?P<unit{n}>{units})(?!\w)(?:(?:{per_word})(?P<per{n}>{per})(?!\w))?)?)"

    connectors = [rf"{_SPACE}[–—-]{_SPACE}"] + [rf"\s+(?i:{re.escape(word)})\s+" for word in words.to]
    connectors += [rf"(?P<close{i}>\s+(?i:{re.escape(last)})\s+)" for i, (_, last) in enumerate(words.between)]
    pattern = re.compile(rf"(?P<first>{_NUMBER}){unit(1)}(?:(?:{'|'.join(connectors)})(?P<second>{_NUMBER}){unit(2)})?")
    return pattern, tuple(re.compile(rf"(?<!\w)(?i:{re.escape(first)})\s+\Z") for first, _ in words.between)


@lru_cache(maxsize=4096)
def parse_number(token: str, locale: str) -> tuple[Decimal, ...]:
    """One number as the locale writes it; a run Babel cannot read as one number
    (``1,2,3``, or ``2.5`` in German) is read digit group by digit group, so
    nothing goes unchecked."""
    digits = re.sub("[ \u00a0\u202f']", "", token.lstrip("-−–"))
    try:
        values: tuple[Decimal, ...] = (parse_decimal(digits, locale=locale.replace("-", "_"), strict=True),)
    except NumberFormatError:
        values = tuple(Decimal(part) for part in re.split(r"[.,]", digits) if part)
    return tuple(-value for value in values) if token[0] in "-−–" else values


def quantities(text: str, locale: str, unit_aliases: dict[str, list[str]] | None = None) -> list[Quantity]:
    """Every quantity and name of ``text``, in order; ``unit_aliases`` maps a
    unit to how the locale may write it (de: IU → I.E.)."""
    if not _DIGIT.search(text):
        return []
    reverse = {alias: unit for unit, names in (unit_aliases or {}).items() for alias in names}
    pattern, openers = _quantity_pattern(locale, frozenset(reverse))
    prose = _NOT_TEXT.sub(" ", text)
    found = _names(prose)
    position = 0
    while (match := pattern.search(prose, position)) is not None:
        start = match.start()
        ranged = match.group("second") is not None and _opened(match, openers, prose)
        ends = [(1, "first"), (2, "second")] if ranged else [(1, "first")]
        units = [_unit(match, n, reverse) for n, _ in ends]
        units[0] = units[0] or units[-1]  # 5–10 %: the unit written once after a range is both ends'
        items = tuple(
            (value, unit)
            for (_, name), unit in zip(ends, units, strict=True)
            for value in parse_number(match.group(name), locale)
        )
        position = match.end() if ranged else match.end("tail1")
        spans = tuple((match.start(name) - start, match.end(name) - start) for _, name in ends)
        found.append((start, Quantity(prose[start:position].strip(), items, spans)))
    if len(found) > 1:
        found.sort(key=lambda pair: pair[0])
    return [quantity for _, quantity in found]


def _names(prose: str) -> list[tuple[int, Quantity]]:
    """The names (B12, CoQ10) of ``prose`` with where each starts."""
    found: list[tuple[int, Quantity]] = []
    end = 0
    for digit in _NAME_DIGIT.finditer(prose):
        start = digit.start()
        if start < end:  # a digit inside the last name: CYP2D6
            continue
        while start and _LETTER.match(prose, start - 1):
            start -= 1
        name = _NAME.match(prose, start)
        if name is not None:
            found.append((start, Quantity(name.group(), ((name.group(), None),))))
            end = name.end()
    return found


def _opened(match: re.Match, openers: tuple[re.Pattern, ...], prose: str) -> bool:
    """A range joined by "and" is one only after "between"."""
    for n, opener in enumerate(openers):
        if match.group(f"close{n}") is not None:
            return opener.search(prose, 0, match.start()) is not None
    return True


def _unit(match: re.Match, n: int, reverse: dict[str, str]) -> str | None:
    unit = match.group(f"unit{n}")
    if unit is None:
        return None
    unit = reverse.get(unit, unit)
    unit = DOSE_UNITS.get(unit, unit)
    per = match.group(f"per{n}")
    return f"{unit}/{PER_UNITS[per]}" if per else unit


def compare(
    source: str,
    translation: str,
    source_locale: str,
    target_locale: str,
    unit_aliases: dict[str, list[str]] | None = None,
) -> list[str]:
    """What differs, worded for the translator; empty when every quantity is
    kept, in any order and whichever way the locale writes its ranges."""
    expected = quantities(source, source_locale)
    actual = quantities(translation, target_locale, unit_aliases)
    want_items = [item for quantity in expected for item in quantity.items]
    got_items = [item for quantity in actual for item in quantity.items]
    if want_items == got_items:  # the common case, cheaper than counting
        return []
    want, got = Counter(want_items), Counter(got_items)
    if want == got:
        return []
    lost, new = _holding(expected, want - got), _holding(actual, got - want)
    problems = [
        _changed(old, changed, source_locale, target_locale, unit_aliases)
        for old, changed in zip(lost, new, strict=False)
    ]
    problems += [f'"{old.text}" is missing from the translation' for old in lost[len(new) :]]
    problems += [f'the translation adds "{extra.text}", which the source does not have' for extra in new[len(lost) :]]
    return problems


def _holding(found: list[Quantity], extra: Counter) -> list[Quantity]:
    """The quantities, in order, that hold the items of ``extra``."""
    left = Counter(extra)
    held = []
    for quantity in found:
        if any(left[item] > 0 for item in quantity.items):
            held.append(quantity)
            left.subtract(item for item in quantity.items if left[item] > 0)
    return held


def _changed(
    old: Quantity, changed: Quantity, source_locale: str, target_locale: str, unit_aliases: dict[str, list[str]] | None
) -> str:
    """A changed quantity; one written in the source's notation is said how it
    reads in the target locale, and how to write it there."""
    kept_notation = [item for q in quantities(changed.text, source_locale, unit_aliases) for item in q.items] == list(
        old.items
    )
    if not kept_notation or len(changed.numbers) != len(old.items):
        return f'"{old.text}" became "{changed.text}"'
    write = _rewritten(changed, [value for value, _unit in old.items], target_locale)
    if len(changed.items) != len(changed.numbers):
        return f'"{changed.text}" is not a number in {target_locale} notation; write "{write}"'
    reads = _rewritten(changed, [value for value, _unit in changed.items], target_locale)
    return f'"{changed.text}" reads as {reads} in {target_locale}; write "{write}"'


def _rewritten(quantity: Quantity, values: list[Decimal], locale: str) -> str:
    """``quantity`` as written, with its numbers replaced by ``values`` in the
    locale's notation."""
    text, end = "", 0
    for (start, stop), value in zip(quantity.numbers, values, strict=True):
        text += quantity.text[end:start] + format_decimal(
            value, locale=locale.replace("-", "_"), decimal_quantization=False
        )
        end = stop
    return text + quantity.text[end:]
