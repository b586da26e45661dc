"""The pseudo-locale ``en-XA``: every message accented, about 35 % longer and
wrapped in ⟦ ⟧, so a page shows at a glance which text bypasses the catalogues
and where longer translations will break the layout. Never published."""

from __future__ import annotations

import re

PSEUDO_LOCALE = "en-XA"
OPEN, CLOSE = "⟦", "⟧"
EXPANSION = 0.35
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķłɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶŁṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
# What must reach the page unchanged: code spans, link targets, reference
# labels (of ``[text][label]``, and the whole of ``[label][]`` and ``[label]``,
# whose text is the label), autolinks and raw tags, character references,
# placeholders, and doses with their units.
_PROTECTED = re.compile(
    r"`[^`]*`|\]\([^)]*\)|\]\[[^\[\]]*\]|\[[^\[\]]*\](?:\[\])?(?![(\[])"
    r"|<[^>\s]*>|&#?\w+;|%\(\w+\)[sd]|%[sd%]"
    r"|(?<!\w)\d[\d.,–-]*\s?(?:mg|µg|mcg|ml|IU|g)(?!\w)"
)
_PADDING = "·"


def pseudo_translate(text: str) -> str:
    """Accent the letters outside protected spans, pad, and wrap in ⟦ ⟧."""
    parts, last = [], 0
    for match in _PROTECTED.finditer(text):
        parts.append(text[last : match.start()].translate(_ACCENTED))
        parts.append(match.group(0))
        last = match.end()
    parts.append(text[last:].translate(_ACCENTED))
    visible = len(_PROTECTED.sub("", text))
    padding = _PADDING * max(1, round(visible * EXPANSION)) if visible else ""
    return f"{OPEN}{''.join(parts)}{padding}{CLOSE}"
