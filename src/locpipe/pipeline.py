"""The stages over a whole site: the only module that walks folders and writes.

config → content → extract (``.pot``) → update (``.po``) → build (HTML) → check.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.plurals import get_plural

from . import catalog, site_checks
from .build import language_name, output_path, render_site
from .checks import LocaleRules, check_message
from .catalog import Store
from .config import SiteConfig, babel_locale, load_config
from .content import load_pages
from .errors import CatalogError
from .extract import SITE_CATALOG, page_messages, site_messages
from .fsio import site_lock, write_atomic, write_if_changed
from .merge import MergeReport, TranslationMemory, merge
from .model import Finding, Message, Page
from .progress import Progress
from .site_checks import approved_text, normalize, wording_difference
from .stats import Counts, locale_stats
from .templates import load, template_strings

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


def update(site: Site, locales: list[str] | None = None, use_memory: bool = True, progress: Progress | None = None) -> UpdateResult:
    started = time.perf_counter()
    chosen = locales or site.config.target_locales
    with site_lock(site.root):
        result = UpdateResult(extracted=extract(site))
        wanted = catalogue_messages(site)
        for done, locale in enumerate(chosen, 1):
            _update_locale(site, locale, wanted, result, use_memory)
            if progress:
                progress(done, len(chosen))
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


def build(site: Site, locales: list[str] | None = None, pseudo: bool = False, progress: Progress | None = None) -> BuildResult:
    """Render every locale into ``build/`` (with ``pseudo``, also ``build/en-XA/``);
    a file whose bytes did not change is not rewritten."""
    started = time.perf_counter()
    chosen = locales or site.config.locales
    catalogues = {locale: existing_catalogues(site.root, locale) for locale in chosen if locale != site.config.source_locale}
    wanted = catalogue_messages(site)
    result = BuildResult(pages=len(site.pages), locales=list(chosen))
    for locale, stores in catalogues.items():
        result.percent[locale] = locale_stats(wanted, stores)[0].percent
    output = render_site(site.config, site.pages, catalogues, chosen, pseudo, progress)
    with site_lock(site.root):
        for relative, data in output.files.items():
            if write_if_changed(site.root / relative, data):
                result.written.append(relative)
    result.seconds = time.perf_counter() - started
    return result


# --- check ---------------------------------------------------------------


@dataclass(slots=True)
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, Counts] = field(default_factory=dict)
    pages: dict[str, dict[str, Counts]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def check(site: Site, locales: list[str] | None = None, built: bool | None = None) -> CheckResult:
    """Every way a published page can be wrong, as findings with file and line.
    Built pages are checked with ``built=True``, or whenever ``build/`` exists."""
    config = site.config
    wanted = catalogue_messages(site)
    result = CheckResult()
    add = result.findings.append
    for slug, (_source, messages) in wanted.items():
        relative = template_path(slug)
        store = _read_for_check(site.root, relative, None, add)
        if store is not None:
            for problem in site_checks.sync(messages, store):
                add(Finding(relative, problem.line, None, problem.check, problem.severity, problem.message + " (or make extract)"))
    check_built = built if built is not None else (site.root / "build").is_dir()
    for locale in locales or config.locales:
        if locale == config.source_locale:
            expected = config.disclaimer_approved.get(locale, config.disclaimer_source)
            if normalize(expected) != normalize(config.disclaimer_source):
                add(Finding("site.yaml", config.line_of(f"disclaimer.approved.{locale}"), locale, "disclaimer", "error",
                            f"disclaimer.source differs from disclaimer.approved.{locale}: {wording_difference(expected, config.disclaimer_source)}"))
        else:
            _check_locale(site, locale, wanted, result)
        if check_built:
            _check_built_pages(site, locale, result)
    return result


def _read_for_check(root: Path, relative: str, locale: str | None, add) -> Store | None:
    try:
        return read_catalog_file(root, relative) or _missing(relative, locale, add)
    except CatalogError as exc:
        add(Finding(relative, exc.line, locale, "syntax", "error", exc.message))
        return None


def _missing(relative: str, locale: str | None, add) -> None:
    add(Finding(relative, None, locale, "sync", "error", "the catalogue does not exist: run make update"))


def _check_locale(site: Site, locale: str, wanted: dict, result: CheckResult) -> None:
    config = site.config
    add = result.findings.append
    approved = config.disclaimer_approved.get(locale)
    if approved is None:
        add(Finding("site.yaml", config.line_of("disclaimer.approved") or config.line_of("disclaimer"), locale, "disclaimer", "error",
                    f"no approved disclaimer wording for '{locale}': add disclaimer.approved.{locale} (a reviewed change)"))
    rules = LocaleRules(config.source_locale, locale, config.unit_equivalents.get(locale, {}))
    stores: dict[str, Store] = {}
    unfinished: list[tuple[str, list]] = []
    for slug, (_source, messages) in wanted.items():
        relative = catalog_path(locale, slug)
        store = _read_for_check(site.root, relative, locale, add)
        if store is None:
            continue
        stores[slug] = store
        for problem in site_checks.sync(messages, store):
            add(Finding(relative, problem.line, locale, problem.check, problem.severity, problem.message))
        for unit in catalog.message_units(store):
            if catalog.is_translated(unit):
                unit_rules = replace(rules, python_format=unit.hastypecomment("python-format"))
                for name, severity, message in check_message(unit.source, unit.target, unit_rules):
                    add(Finding(relative, catalog.msgstr_line(unit), locale, name, severity, message))
        unfinished.append((relative, site_checks.unfinished(messages, store)))
        if slug == SITE_CATALOG and approved is not None:
            for problem in site_checks.disclaimer_entry(store, approved):
                add(Finding(relative, problem.line, locale, problem.check, problem.severity, problem.message))
    for slug in sorted(set(existing_catalogue_slugs(site.root, locale)) - set(wanted)):
        add(Finding(catalog_path(locale, slug), None, locale, "sync", "error",
                    "no page has this catalogue any more: run make update (it keeps the translations as obsolete)"))
    total, per_page = locale_stats(wanted, stores)
    result.stats[locale], result.pages[locale] = total, per_page
    below = total.percent < config.min_translated
    for relative, missing in unfinished:
        if not missing:
            continue
        fuzzy = sum(1 for _m, unit in missing if unit is not None and unit.isfuzzy() and unit.target)
        first = next((catalog.msgstr_line(unit) for _m, unit in missing if unit is not None), None)
        add(Finding(relative, first, locale, "completeness", "error" if below else "warning",
                    f"{len(missing) - fuzzy} untranslated and {fuzzy} fuzzy message(s) are shown in English; translate them and clear the fuzzy flags"))
    if below:
        add(Finding("site.yaml", config.line_of("publish.min_translated"), locale, "completeness", "error",
                    f"'{locale}' is {total.percent:g}% translated, under publish.min_translated ({config.min_translated:g}%): "
                    f"{total.untranslated} untranslated, {total.fuzzy} fuzzy"))


def existing_catalogue_slugs(root: Path, locale: str) -> list[str]:
    base = root / "locales" / locale / "LC_MESSAGES"
    return [p.relative_to(base).as_posix()[: -len(".po")] for p in base.rglob("*.po")] if base.is_dir() else []


def _check_built_pages(site: Site, locale: str, result: CheckResult) -> None:
    config = site.config
    wording = config.disclaimer_source if locale == config.source_locale else config.disclaimer_approved.get(locale)
    if wording is None:
        return
    expected, source = approved_text(wording), approved_text(config.disclaimer_source)
    stylesheet_path = site.root / "build/style.css"
    stylesheet = stylesheet_path.read_text(encoding="utf-8", errors="replace") if stylesheet_path.is_file() else ""
    for relative in [output_path(locale, page.slug) for page in site.pages] + [f"build/{locale}/index.html"]:
        path = site.root / relative
        if not path.is_file():
            result.findings.append(Finding(relative, None, locale, "disclaimer", "error", "the page was not built: run make build"))
            continue
        for problem in site_checks.built_page(path.read_bytes(), expected, source, stylesheet):
            result.findings.append(Finding(relative, problem.line, locale, problem.check, problem.severity, problem.message))


# --- stats ---------------------------------------------------------------


def stats(site: Site) -> tuple[dict[str, Counts], dict[str, dict[str, Counts]]]:
    """Progress of every target locale, in total and per catalogue."""
    wanted = catalogue_messages(site)
    totals, pages = {}, {}
    for locale in site.config.target_locales:
        totals[locale], pages[locale] = locale_stats(wanted, existing_catalogues(site.root, locale))
    return totals, pages


def write_status_page(site: Site, totals: dict[str, Counts], pages: dict[str, dict[str, Counts]]) -> str:
    """build/status.html: a bar per catalogue and locale, for a coordinator."""
    locales = []
    for locale, per in pages.items():
        rows = [
            {"path": catalog_path(locale, slug), "counts": c,
             "translated_width": 100 * c.translated / c.total if c.total else 100,
             "fuzzy_width": 100 * c.fuzzy / c.total if c.total else 0}
            for slug, c in per.items()
        ]
        locales.append({"code": locale, "name": language_name(locale), "total": totals[locale], "rows": rows})
    data = load(site.root, "status.html").render(site_name=site.config.name, locales=locales).encode("utf-8")
    write_if_changed(site.root / "build/status.html", data)
    return "build/status.html"
