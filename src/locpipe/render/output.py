"""Rendering the site: pure functions from parsed pages and translations to the
bytes of each output file. ``building`` reads the inputs, runs these (in worker
processes for many pages) and writes what they return."""

from __future__ import annotations

import posixpath
from dataclasses import asdict, dataclass
from functools import cache, lru_cache
from pathlib import Path

from markupsafe import Markup

from ..config import SiteConfig, babel_locale
from ..model import Catalogue, Page, Segment
from ..project.paths import PACKAGE_TEMPLATES, index_path, output_path, template_dirs
from .jinja import render
from .pseudo import PSEUDO_LOCALE
from .translate import Text, Translations, disclaimer, format_page_date, render_body, render_inline, summary


@dataclass(slots=True)
class PageEntry:
    """What the locale's index and the progress count need of one rendered page."""

    title: str
    title_fallback: bool
    description: str | None
    description_fallback: bool
    total: int
    translated: int

    def as_dict(self) -> dict:
        return asdict(self)


@cache
def language_name(locale: str) -> str:
    """The language's own name (CLDR), as readers look for it in a switcher."""
    name = babel_locale(locale).get_display_name(babel_locale(locale))
    return name[:1].upper() + name[1:]


def translations_for(config: SiteConfig, locale: str, catalogue: Catalogue | None) -> Translations:
    if locale == config.source_locale:
        return Translations.identity()
    if locale == PSEUDO_LOCALE:
        return Translations.pseudo()
    return Translations.from_catalogue(catalogue)


def render_page(
    config: SiteConfig, page: Page, segments: list[Segment], locale: str, translations: Translations, ui: Translations
) -> tuple[bytes, PageEntry]:
    """One page in one locale; ``segments`` (the page's messages) are found once
    for every locale."""
    path = output_path(locale, page.slug)
    fields = _fields(config, page, translations)
    context = _common(config, locale, path, ui, lambda other: output_path(other, page.slug))
    context.update(fields)
    context.update(
        body=Markup(render_body(page, segments, translations, config.source_locale)),
        date=format_page_date(page.fields.get("date"), _formatting_locale(config, locale)),
        canonical=f"{config.base_url}/{locale}/{page.slug}.html",
        meta_description=fields["description"] or summary(page, segments, translations),
    )
    messages = {segment.msgid for segment in segments} | {
        value for name in config.translatable_fields for value in _values(page.fields.get(name))
    }
    title, description = fields["title"], fields["description"]
    entry = PageEntry(
        title=str(title),
        title_fallback=title.fallback,
        description=None if description is None else str(description),
        description_fallback=bool(description is not None and description.fallback),
        total=len(messages),
        translated=sum(1 for msgid in messages if translations.get(msgid) is not None),
    )
    return _render(config.root, "page.html", context), entry


def render_locale_index(config: SiteConfig, locale: str, ui: Translations, entries: dict[str, PageEntry]) -> bytes:
    index = index_path(locale)
    context = _common(config, locale, index, ui, index_path)
    listed = [
        {
            "href": _relative(index, output_path(locale, slug)),
            "title": Text.of(entry.title, entry.title_fallback),
            "description": None
            if entry.description is None
            else Text.of(entry.description, entry.description_fallback),
        }
        for slug, entry in entries.items()
    ]
    context["entries"] = sorted(listed, key=lambda item: (item["title"].casefold(), item["href"]))
    return _render(config.root, "locale_index.html", context)


def render_language_picker(config: SiteConfig) -> bytes:
    return _render(
        config.root,
        "language_picker.html",
        {
            "site_name": config.name,
            "source_locale": config.source_locale,
            "languages": [
                {"locale": code, "name": language_name(code), "href": f"{code}/index.html"} for code in config.locales
            ],
            "alternates": _alternates(config, index_path),
        },
    )


def render_sitemap(config: SiteConfig, slugs: list[str]) -> bytes:
    urls = []
    targets = [index_path] + [lambda code, slug=slug: output_path(code, slug) for slug in slugs]
    for same_page_in in targets:
        alternates = _alternates(config, same_page_in)
        urls.extend({"loc": alternate["href"], "alternates": alternates} for alternate in alternates[:-1])
    return _render(config.root, "sitemap.xml", {"urls": urls})


def stylesheet(root: Path) -> bytes:
    for folder in template_dirs(root):
        if (folder / "style.css").is_file():
            return (folder / "style.css").read_bytes()
    return (PACKAGE_TEMPLATES / "style.css").read_bytes()


def _relative(from_output: str, to_output: str) -> str:
    folder, name = posixpath.split(to_output)
    up_or_down = _relative_folder(posixpath.dirname(from_output), folder)
    return name if up_or_down == "." else f"{up_or_down}/{name}"


@lru_cache(maxsize=4096)
def _relative_folder(from_folder: str, to_folder: str) -> str:
    """A site has few folders and many pages in each: relpath once per pair."""
    return posixpath.relpath(to_folder, from_folder)


def _values(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [item for item in value if item.strip()]
    return []


def _formatting_locale(config: SiteConfig, locale: str) -> str:
    """Babel has no data for the pseudo-locale: it formats like the source."""
    return config.source_locale if locale == PSEUDO_LOCALE else locale


def _fields(config: SiteConfig, page: Page, translations: Translations) -> dict:
    """Front-matter values for the template, translated where they are messages."""
    fields: dict = {"description": None, "ingredients": None, "ingredients_intro": None}
    for name in config.translatable_fields:
        value = page.fields.get(name)
        if isinstance(value, str):
            fields[name] = translations.text(value)
        elif isinstance(value, list):
            fields[name] = [translations.text(item) for item in value]
    return fields


def _common(config: SiteConfig, locale: str, path: str, ui: Translations, same_page_in) -> dict:
    to_root = _relative(path, "build/x")[:-1]
    notice = disclaimer(config, locale, ui)
    return {
        "_": ui.gettext(),
        "site_name": config.name,
        "locale": locale,
        "source_locale": config.source_locale,
        "text_direction": babel_locale(_formatting_locale(config, locale)).text_direction,
        "to_root": to_root,
        "home_href": _relative(path, index_path(locale)),
        "disclaimer": notice,
        "disclaimer_html": render_inline(notice),
        "alternates": _alternates(config, same_page_in),
        "switcher": [
            {
                "locale": code,
                "name": language_name(code),
                "href": _relative(path, same_page_in(code)),
                "current": code == locale,
            }
            for code in config.locales
        ],
    }


def _alternates(config: SiteConfig, same_page_in) -> list[dict]:
    def url(code: str) -> str:
        return f"{config.base_url}/{same_page_in(code)[len('build/') :]}"

    alternates = [{"hreflang": code, "href": url(code)} for code in config.locales]
    alternates.append({"hreflang": "x-default", "href": url(config.source_locale)})
    return alternates


def _render(root: Path, name: str, context: dict) -> bytes:
    return render(root, name, context).encode("utf-8")
