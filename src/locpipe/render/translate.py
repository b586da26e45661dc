"""Pages in a locale: the parsed English blocks with translated inline text.

Each page's block structure is parsed once (``content``); per locale only the
translated inline Markdown is parsed (``translation_parser``, raw HTML off).
A message without a translation keeps the English text, and the element that
carries it gets ``lang`` of the source locale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from babel.dates import format_date
from markupsafe import Markup

from ..config import SiteConfig, babel_locale
from ..model import Catalogue, Page, Segment
from ..source.dialect import parse_translation, parser, translation_parser
from ..source.messages import DISCLAIMER_CONTEXT
from ..source.segments import i18n_comment, segments
from .pseudo import PSEUDO_LOCALE, pseudo_translate


class Text(str):
    """A string for a template, remembering whether it fell back to the source."""

    fallback: bool = False

    @classmethod
    def of(cls, value: str, fallback: bool) -> Text:
        text = cls(value)
        text.fallback = fallback
        return text


@dataclass(slots=True)
class Translations:
    """The published strings of one catalogue: translated and not fuzzy."""

    strings: dict[tuple[str | None, str], str]
    source_locale: bool = False
    transform: Callable[[str], str] | None = None  # the pseudo-locale's

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue | None) -> Translations:
        if catalogue is None:
            return cls({})
        return cls({entry.key: entry.msgstr for entry in catalogue.messages() if entry.translated})

    @classmethod
    def identity(cls) -> Translations:
        return cls({}, source_locale=True)

    @classmethod
    def pseudo(cls) -> Translations:
        return cls({}, transform=pseudo_translate)

    def get(self, msgid: str, context: str | None = None) -> str | None:
        if self.source_locale:
            return msgid
        if self.transform is not None:
            return self.transform(msgid)
        return self.strings.get((context, msgid))

    def text(self, msgid: str, context: str | None = None) -> Text:
        found = self.get(msgid, context)
        return Text.of(msgid if found is None else found, found is None)

    def gettext(self) -> Callable[..., Text]:
        """The ``_`` of the templates: plain text, escaped by Jinja2 like any value
        (Jinja2's own i18n extension would mark translations as safe HTML)."""

        def translate(msgid: str, **variables: object) -> Text:
            text = self.text(msgid)
            if not variables:
                return text
            try:
                return Text.of(text % variables, text.fallback)
            except (KeyError, ValueError, TypeError):  # a broken placeholder: show the source
                return Text.of(msgid % variables, True)

        return translate


def render_body(page: Page, page_segments: list[Segment], translations: Translations, source_locale: str) -> str:
    """The page body's HTML in a locale."""
    tokens = page.tokens
    children: dict[int, list] = {}  # token index -> the translation's inline tokens
    carriers: dict[int, object] = {}  # token index -> a copy marked lang="<source>"
    if not translations.source_locale:
        for segment in page_segments:
            translated = translations.get(segment.msgid)
            if translated is None:
                original = tokens[segment.carrier_index]
                carrier = original.copy(attrs=dict(original.attrs))  # copy() shares attrs: never touch the page's
                carrier.attrSet("lang", source_locale)
                carriers[segment.carrier_index] = carrier
            elif translated != segment.msgid:
                children[segment.token_index] = parse_translation(translated, page.env)
    notes = {
        index for index, token in enumerate(tokens) if token.type == "html_block" and i18n_comment(token) is not None
    }
    if notes or carriers:  # the translator notes are not shown; the carriers replace their originals
        shown, shown_children = [], {}
        for index, token in enumerate(tokens):
            if index not in notes:
                if index in children:
                    shown_children[len(shown)] = children[index]
                shown.append(carriers.get(index, token))
        tokens, children = shown, shown_children
    md = parser()
    return md.renderer.render_with_children(tokens, md.options, page.env, children)


SUMMARY_LENGTH = 160  # what search engines show of a meta description


def summary(page: Page, page_segments: list[Segment], translations: Translations) -> Text:
    """A meta description for a page whose front matter has none: its first
    paragraph (in the locale where translated) as plain text, cut at a word."""
    first = next((s for s in page_segments if page.tokens[s.token_index - 1].type == "paragraph_open"), None)
    if first is None:
        return translations.text(page.fields["title"])
    found = translations.get(first.msgid)
    text = " ".join(_plain_text(parse_translation(first.msgid if found is None else found, page.env)).split())
    if len(text) > SUMMARY_LENGTH:
        text = text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return Text.of(text, found is None)


def _plain_text(children: list) -> str:
    """What a reader sees of inline tokens: their text, code and image alt text."""
    return "".join(
        child.content
        if child.type in ("text", "code_inline")
        else " "
        if child.type in ("softbreak", "hardbreak")
        else _plain_text(child.children or [])
        if child.type == "image"
        else ""
        for child in children
    )


@lru_cache(maxsize=64)
def render_inline(text: str) -> Markup:
    """Inline Markdown from a catalogue or site.yaml (the disclaimer, on every
    page), raw HTML kept as text."""
    return Markup(translation_parser().renderInline(text).strip())


def page_segments(page: Page) -> list[Segment]:
    return segments(page.tokens)


def format_page_date(value: object, locale: str) -> str | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _long_date(value, locale)
    return None


@lru_cache(maxsize=4096)
def _long_date(value: dt.date, locale: str) -> str:
    """Pages share few dates: Babel formats each once per locale."""
    return format_date(value, format="long", locale=babel_locale(locale))


def disclaimer(config: SiteConfig, locale: str, ui: Translations) -> Text:
    """The wording site.yaml approves for the locale, never a catalogue's: a
    softened translation cannot reach a page, and a reviewed change to site.yaml
    reaches every page at once. A locale without approved wording shows the
    source's, marked as such (``check`` refuses to publish it); the
    pseudo-locale transforms the source like any message."""
    if locale == PSEUDO_LOCALE:
        return ui.text(config.disclaimer_source, DISCLAIMER_CONTEXT)
    if locale == config.source_locale:
        return Text.of(config.disclaimer_source, False)
    approved = config.disclaimer_approved.get(locale)
    return Text.of(config.disclaimer_source, True) if approved is None else Text.of(approved, False)


def catalogue_disclaimer_differs(config: SiteConfig, locale: str, ui: Translations) -> bool:
    """The locale's ``site.po`` holds another wording than the approved one
    (the page shows the approved one; ``check`` reports the catalogue)."""
    approved = config.disclaimer_approved.get(locale)
    translated = ui.get(config.disclaimer_source, DISCLAIMER_CONTEXT)
    return approved is not None and (translated is None or translated.split() != approved.split())
