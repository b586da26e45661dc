"""The one segmentation of a page into messages, used by ``extract`` and by
``build`` alike, so the msgids extracted are exactly the ones looked up."""

from __future__ import annotations

import re

from ..model import Segment

I18N_COMMENT = re.compile(r"\A\s*<!--\s*i18n:\s*(.*?)\s*-->\s*\Z", re.S)


def i18n_comment(token) -> str | None:
    """The translator note of an ``<!-- i18n: … -->`` block, else None."""
    if token.type != "html_block":
        return None
    match = I18N_COMMENT.match(token.content)
    return " ".join(match.group(1).split()) if match else None


def segments(tokens: list) -> list[Segment]:
    found: list[Segment] = []
    pending_comment: str | None = None
    for index, token in enumerate(tokens):
        note = i18n_comment(token)
        if note is not None:
            pending_comment = note
            continue
        if token.type != "inline" or not token.content.strip():
            continue
        found.append(
            Segment(
                token_index=index,
                carrier_index=_carrier(tokens, index),
                msgid=token.content,
                line=token.map[0] + 1,
                comment=pending_comment,
            )
        )
        pending_comment = None
    return found


def _carrier(tokens: list, inline_index: int) -> int:
    """The nearest visible opening tag: a tight list's paragraph is hidden, so
    the list item (or definition) carries the ``lang`` attribute instead."""
    index = inline_index - 1
    while index > 0 and tokens[index].hidden:
        index -= 1
    return index
