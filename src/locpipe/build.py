"""The static site of every locale, as bytes by output path. No file I/O here:
``pipeline`` reads the catalogues and writes what this returns."""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from .catalog import Store
from .config import SiteConfig, babel_locale
from .errors import RenderError
from .extract import SITE_CATALOG
from .model import Page
from .progress import Progress
from .pseudo import PSEUDO_LOCALE
from .render import Translations, disclaimer, format_page_date, page_segments, render_body, render_inline
from .templates import PACKAGE_TEMPLATES, load, template_dirs

@dataclass(slots=True)
class SiteOutput:
    files: dict[str, bytes] = field(default_factory=dict)


def output_path(locale: str, slug: str) -> str:
    return f"build/{locale}/{slug}.html"


def language_name(locale: str) -> str:
    """The language's own name (CLDR), as readers look for it in a switcher."""
    name = babel_locale(locale).get_display_name(babel_locale(locale))
    return name[:1].upper() + name[1:]


def _relative(from_output: str, to_output: str) -> str:
    return posixpath.relpath(to_output, posixpath.dirname(from_output))


def render_site(
    config: SiteConfig,
    pages: list[Page],
    catalogues: dict[str, dict[str, Store]],
    locales: list[str],
    pseudo: bool = False,
    progress: Progress | None = None,
) -> SiteOutput:
    """Every page of every locale in ``locales`` (and of the pseudo-locale), their
    indexes, the language picker, the sitemap and the stylesheet."""
    out = SiteOutput()
    segments_by_page = {page.slug: page_segments(page) for page in pages}
    every_locale = locales + ([PSEUDO_LOCALE] if pseudo else [])
    for done, locale in enumerate(every_locale, 1):
        stores = catalogues.get(locale, {})
        ui = _translations(config, locale, stores.get(SITE_CATALOG))
        index = f"build/{locale}/index.html"
        entries = []
        for page in pages:
            translations = _translations(config, locale, stores.get(page.slug))
            path = output_path(locale, page.slug)
            body = render_body(page, segments_by_page[page.slug], translations, config.source_locale)
            fields = _fields(config, page, translations)
            context = _common(config, locale, path, ui, lambda other: output_path(other, page.slug))
            context.update(fields)
            context.update(
                body=Markup(body),
                date=format_page_date(page.fields.get("date"), _formatting_locale(config, locale)),
                canonical=f"{config.base_url}/{locale}/{page.slug}.html",
            )
            out.files[path] = _render(config.root, "page.html", context)
            entries.append({"href": _relative(index, path), "title": fields["title"], "description": fields["description"]})
        context = _common(config, locale, index, ui, lambda other: f"build/{other}/index.html")
        context["entries"] = sorted(entries, key=lambda entry: entry["title"].casefold())
        out.files[index] = _render(config.root, "locale_index.html", context)
        if progress:
            progress(done, len(every_locale))
    out.files["build/index.html"] = _render(
        config.root,
        "language_picker.html",
        {
            "site_name": config.name,
            "source_locale": config.source_locale,
            "languages": [{"locale": code, "name": language_name(code), "href": f"{code}/index.html"} for code in config.locales],
            "alternates": _alternates(config, lambda code: f"build/{code}/index.html"),
        },
    )
    out.files["build/sitemap.xml"] = _render(config.root, "sitemap.xml", {"urls": _sitemap(config, pages)})
    out.files["build/style.css"] = _stylesheet(config.root)
    return out


def _translations(config: SiteConfig, locale: str, store: Store | None) -> Translations:
    if locale == config.source_locale:
        return Translations.identity()
    if locale == PSEUDO_LOCALE:
        return Translations.pseudo()
    return Translations.from_store(store)


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
    notice = disclaimer(config, ui)
    return {
        "_": ui.gettext(),
        "site_name": config.name,
        "locale": locale,
        "source_locale": config.source_locale,
        "text_direction": babel_locale(_formatting_locale(config, locale)).text_direction,
        "to_root": to_root,
        "home_href": _relative(path, f"build/{locale}/index.html"),
        "disclaimer": notice,
        "disclaimer_html": render_inline(notice),
        "alternates": _alternates(config, same_page_in),
        "switcher": [
            {"locale": code, "name": language_name(code), "href": _relative(path, same_page_in(code)), "current": code == locale}
            for code in config.locales
        ],
    }


def _alternates(config: SiteConfig, same_page_in) -> list[dict]:
    def url(code: str) -> str:
        return f"{config.base_url}/{same_page_in(code)[len('build/'):]}"

    alternates = [{"hreflang": code, "href": url(code)} for code in config.locales]
    alternates.append({"hreflang": "x-default", "href": url(config.source_locale)})
    return alternates


def _sitemap(config: SiteConfig, pages: list[Page]) -> list[dict]:
    urls = []
    for same_page_in in [lambda code: f"build/{code}/index.html"] + [
        (lambda slug: lambda code: output_path(code, slug))(page.slug) for page in pages
    ]:
        alternates = _alternates(config, same_page_in)
        for alternate in alternates[:-1]:
            urls.append({"loc": alternate["href"], "alternates": alternates})
    return urls


def _render(root: Path, name: str, context: dict) -> bytes:
    try:
        return load(root, name).render(context).encode("utf-8")
    except jinja2.TemplateError as exc:
        raise RenderError(f"template error: {exc}", f"templates/{name}") from None


def _stylesheet(root: Path) -> bytes:
    for folder in template_dirs(root):
        if (folder / "style.css").is_file():
            return (folder / "style.css").read_bytes()
    return (PACKAGE_TEMPLATES / "style.css").read_bytes()
