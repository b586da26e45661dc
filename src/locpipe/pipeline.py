"""The stages over a whole site: the only module that walks folders and writes.

config → content → extract (``.pot``) → update (``.po``) → build (HTML) → check.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.plurals import get_plural

from . import catalog
from .build import render_site
from .catalog import Store
from .config import SiteConfig, babel_locale, load_config
from .content import load_pages
from .errors import CatalogError
from .extract import SITE_CATALOG, page_messages, site_messages
from .fsio import site_lock, write_atomic, write_if_changed
from .merge import MergeReport, TranslationMemory, merge
from .model import Message, Page
from .stats import locale_stats
from .templates import template_strings

TEMPLATES_DIR = "locales/templates"


@dataclass(slots=True)
class Site:
    config: SiteConfig
    pages: list[Page]

    @property
    def root(self) -> Path:
        return self.config.root


def load_site(root: Path) -> Site:
    config = load_config(root)
    return Site(config, load_pages(config))


def template_path(slug: str) -> str:
    return f"{TEMPLATES_DIR}/{slug}.pot"


def catalog_path(locale: str, slug: str) -> str:
    return f"locales/{locale}/LC_MESSAGES/{slug}.po"


def catalogue_messages(site: Site) -> dict[str, tuple[str, list[Message]]]:
    """Every catalogue's messages by slug, with the file they come from."""
    result = {page.slug: (page.source_path, page_messages(page, site.config.translatable_fields)) for page in site.pages}
    result[SITE_CATALOG] = ("site.yaml", site_messages(site.config, template_strings(site.root)))
    return result


# --- extract -------------------------------------------------------------


@dataclass(slots=True)
class ExtractResult:
    catalogues: int = 0
    messages: int = 0
    written: list[str] = field(default_factory=list)
    creation_dates: dict[str, str] = field(default_factory=dict)


def creation_date() -> str:
    """Now, or ``SOURCE_DATE_EPOCH`` for reproducible builds, in gettext's format."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def extract(site: Site) -> ExtractResult:
    """Write one ``.pot`` per page plus ``site.pot``; a template whose messages
    did not change is left as it is, ``POT-Creation-Date`` included."""
    result = ExtractResult()
    for slug, (source, messages) in catalogue_messages(site).items():
        path = site.root / template_path(slug)
        old_date = _old_creation_date(path)
        unchanged = catalog.template_bytes(site.config.name, source, messages, old_date or "")
        if old_date is None or not _same_catalog(path, unchanged):
            old_date = creation_date()
            data = catalog.template_bytes(site.config.name, source, messages, old_date)
            write_atomic(path, catalog.gnu_layout(data, template_path(slug)))
            result.written.append(template_path(slug))
        result.creation_dates[slug] = old_date
        result.catalogues += 1
        result.messages += len(messages)
    return result


def _old_creation_date(path: Path) -> str | None:
    try:
        store = catalog.read_catalog(path.read_bytes(), str(path))
    except (FileNotFoundError, CatalogError):
        return None
    return catalog.header_fields(store).get("POT-Creation-Date")


def _same_catalog(path: Path, data: bytes) -> bool:
    """The file on disk holds exactly ``data``'s entries, whatever its line layout."""
    try:
        return catalog.relayout(path.read_bytes(), str(path)) == data
    except (FileNotFoundError, CatalogError):
        return False


def write_catalog(root: Path, relative: str, data: bytes) -> bool:
    """Write a catalogue in GNU gettext's layout unless the file already holds the
    same entries: a file a gettext tool rewrote stays byte-identical."""
    path = root / relative
    if _same_catalog(path, data):
        return False
    write_atomic(path, catalog.gnu_layout(data, relative))
    return True


# --- update --------------------------------------------------------------


@dataclass(slots=True)
class UpdateResult:
    extracted: ExtractResult
    report: MergeReport = field(default_factory=MergeReport)
    written: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    seconds: float = 0.0


def read_catalog_file(root: Path, relative: str) -> Store | None:
    try:
        data = (root / relative).read_bytes()
    except FileNotFoundError:
        return None
    return catalog.read_catalog(data, relative)


def existing_catalogues(root: Path, locale: str) -> dict[str, Store]:
    """Every ``.po`` of a locale by slug, read strictly (a broken one stops the run
    before anything is written)."""
    base = root / "locales" / locale / "LC_MESSAGES"
    found = {}
    for path in sorted(base.rglob("*.po")) if base.is_dir() else []:
        slug = path.relative_to(base).as_posix()[: -len(".po")]
        found[slug] = catalog.read_catalog(path.read_bytes(), path.relative_to(root).as_posix())
    return found


def locale_header(site: Site, locale: str, old: Store | None, source: str, pot_date: str) -> tuple[dict, str | None]:
    """Keep what translators' tools set (Last-Translator, Language-Team,
    PO-Revision-Date, X-Generator, …); set what the site decides."""
    fields = catalog.header_fields(old) if old is not None else {
        "Project-Id-Version": site.config.name,
        "Report-Msgid-Bugs-To": "",
        "PO-Revision-Date": pot_date,
        "Last-Translator": "Automatically generated",
        "Language-Team": "none",
    }
    name = babel_locale(locale).get_display_name("en")
    fields.update(
        {
            "POT-Creation-Date": pot_date,
            "Language": locale,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": get_plural(locale.replace("-", "_")).plural_forms,
        }
    )
    comment = None if old is not None else f"{name} translation of {source} ({site.config.name})."
    return fields, comment


def update(site: Site, locales: list[str] | None = None, use_memory: bool = True) -> UpdateResult:
    started = time.perf_counter()
    with site_lock(site.root):
        result = UpdateResult(extracted=extract(site))
        wanted = catalogue_messages(site)
        for locale in locales or site.config.target_locales:
            _update_locale(site, locale, wanted, result, use_memory)
    result.seconds = time.perf_counter() - started
    return result


def _update_locale(site: Site, locale: str, wanted: dict, result: UpdateResult, use_memory: bool) -> None:
    old = existing_catalogues(site.root, locale)
    memory = TranslationMemory() if use_memory else None
    if memory is not None:
        for slug, store in old.items():
            memory.add_catalog(store, f"content/{slug}.md" if slug != SITE_CATALOG else "site.yaml")
    successors = _renamed_pages(old, wanted)
    outputs: dict[str, bytes] = {}
    for slug, (source, messages) in wanted.items():
        previous = old.get(slug)
        if previous is None and slug in successors:
            previous = old[successors[slug]]
            result.renamed.append((catalog_path(locale, successors[slug]), catalog_path(locale, slug)))
        fields, comment = locale_header(site, locale, previous, source, result.extracted.creation_dates[slug])
        store, report = merge(messages, previous, source, memory)
        catalog.set_header(store, fields, comment)
        result.report.add(report)
        outputs[catalog_path(locale, slug)] = catalog.serialize(store)
    for slug, store in old.items():
        if slug in wanted or slug in successors.values():
            continue
        for unit in catalog.message_units(store):  # a page left: keep its translations as obsolete
            unit.makeobsolete()
        outputs[catalog_path(locale, slug)] = catalog.serialize(store)
        result.orphaned.append(catalog_path(locale, slug))
    for relative, data in outputs.items():
        if write_catalog(site.root, relative, data):
            result.written.append(relative)
    for old_path, _new_path in result.renamed:
        if old_path.startswith(f"locales/{locale}/"):
            (site.root / old_path).unlink(missing_ok=True)


def _renamed_pages(old: dict[str, Store], wanted: dict) -> dict[str, str]:
    """New slug -> old slug, for a page whose catalogue is gone but whose
    messages mostly live in a catalogue whose page is gone: a renamed page."""
    orphans = {slug: {catalog.unit_key(u)[1] for u in catalog.message_units(store)} for slug, store in old.items() if slug not in wanted}
    successors: dict[str, str] = {}
    for slug, (_source, messages) in wanted.items():
        if slug in old or not orphans or not messages:
            continue
        ids = {m.msgid for m in messages}
        best = max(sorted(orphans), key=lambda orphan: len(ids & orphans[orphan]))
        if len(ids & orphans[best]) * 2 >= len(ids):
            successors[slug] = best
            del orphans[best]
    return successors


# --- build ---------------------------------------------------------------


@dataclass(slots=True)
class BuildResult:
    pages: int = 0
    locales: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    percent: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


def build(site: Site, locales: list[str] | None = None) -> BuildResult:
    """Render every locale into ``build/``; a file whose bytes did not change is
    not rewritten."""
    started = time.perf_counter()
    chosen = locales or site.config.locales
    catalogues = {locale: existing_catalogues(site.root, locale) for locale in chosen if locale != site.config.source_locale}
    wanted = catalogue_messages(site)
    result = BuildResult(pages=len(site.pages), locales=list(chosen))
    for locale, stores in catalogues.items():
        result.percent[locale] = locale_stats(wanted, stores)[0].percent
    output = render_site(site.config, site.pages, catalogues, chosen)
    with site_lock(site.root):
        for relative, data in output.files.items():
            if write_if_changed(site.root / relative, data):
                result.written.append(relative)
    result.seconds = time.perf_counter() - started
    return result
