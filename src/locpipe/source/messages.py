"""From pages and templates to the messages of their catalogue templates."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..config import SiteConfig
from ..model import Message, Page
from .segments import segments

SITE_CATALOG = "site"  # locales/templates/site.pot: the templates' strings and the disclaimer
DISCLAIMER_CONTEXT = "disclaimer"
DISCLAIMER_NOTE = (
    "The medical disclaimer. Its translation must equal, word for word, the approved "
    "wording for this locale in site.yaml (disclaimer.approved); CI refuses any other. "
    "To change it, the medical reviewer changes site.yaml in a reviewed change."
)
NUMBERS_NOTE = "Keep every number, dose and unit exactly (write them in your locale's notation)."
LINKS_NOTE = "Keep the link targets (the parts in parentheses) unchanged."
_HAS_NUMBER = re.compile(r"(?<!\w)\d")  # 300, 2.5, 70% — not the 6 of "B6"
_HAS_LINK = re.compile(r"\]\(|<https?://|!\[")


def hints(msgid: str) -> list[str]:
    """Notes a translator needs without asking: numbers and links must stay."""
    notes = []
    if _HAS_NUMBER.search(_strip_link_targets(msgid)):
        notes.append(NUMBERS_NOTE)
    if _HAS_LINK.search(msgid):
        notes.append(LINKS_NOTE)
    return notes


def _strip_link_targets(text: str) -> str:
    return re.sub(r"\]\([^)]*\)|<https?://[^>]*>", "]", text)


def page_messages(page: Page, translatable_fields: Iterable[str]) -> list[Message]:
    """The page's messages in reading order: front matter first, then the body;
    identical texts share one message with all their references."""
    collected: dict[str, Message] = {}

    def add(msgid: str, line: int, comment: str | None = None) -> None:
        message = collected.get(msgid)
        if message is None:
            message = collected[msgid] = Message(msgid=msgid)
        message.locations.append((page.source_path, line))
        if comment and comment not in message.comments:
            message.comments.append(comment)

    for name in translatable_fields:
        value = page.fields.get(name)
        if isinstance(value, str) and value.strip():
            add(value, page.field_lines.get(name, 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if item.strip():
                    add(item, page.field_lines.get(f"{name}.{index}", 1))
    for segment in segments(page.tokens):
        add(segment.msgid, segment.line, segment.comment)
    for message in collected.values():
        message.comments.extend(hints(message.msgid))
    return list(collected.values())


def site_messages(config: SiteConfig, template_strings: list[tuple[str, int, str]]) -> list[Message]:
    """The disclaimer and the strings the HTML templates add (navigation, labels)."""
    messages = [
        Message(
            msgid=config.disclaimer_source,
            context=DISCLAIMER_CONTEXT,
            locations=[("site.yaml", config.line_of("disclaimer.source") or 1)],
            comments=[DISCLAIMER_NOTE],
        )
    ]
    by_id: dict[str, Message] = {}
    for path, line, msgid in template_strings:
        message = by_id.get(msgid)
        if message is None:
            flags = ["python-format"] if re.search(r"%\(\w+\)s", msgid) else []
            message = by_id[msgid] = Message(msgid=msgid, flags=flags)
            messages.append(message)
        message.locations.append((path, line))
    return messages
