"""The extract and update stages: templates (``.pot``) from the pages, then each
locale's catalogues (``.po``) merged with them. Every file is written whole or
not at all, and one that already holds the same entries is left as it is."""
from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.plurals import get_plural

from . import catalog
from .catalog import Store, existing_catalogues
from .config import babel_locale
from .errors import CatalogError
from .extract import SITE_CATALOG, page_messages, site_messages
from .fsio import site_lock, write_atomic
from .merge import MergeReport, TranslationMemory, merge
from .model import Message
from .progress import Progress
from .site import Site, catalog_path, read_or_empty, template_path
from .templates import template_strings


def catalogue_messages(site: Site) -> dict[str, tuple[str, list[Message]]]:
    """Every catalogue's messages by slug, with the file they come from."""
    result = {page.slug: (page.source_path, page_messages(page, site.config.translatable_fields)) for page in site.pages}
    result[SITE_CATALOG] = ("site.yaml", site_messages(site.config, template_strings(site.root)))
    return result


@dataclass(slots=True)
class ExtractResult:
    catalogues: int = 0
    messages: int = 0
    written: list[str] = field(default_factory=list)
    creation_dates: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def creation_date() -> str:
    """Now, or ``SOURCE_DATE_EPOCH`` for reproducible builds, in gettext's format."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def extract(site: Site, progress: Progress | None = None) -> ExtractResult:
    """Write one ``.pot`` per page plus ``site.pot``; a template whose messages
    did not change is left as it is, ``POT-Creation-Date`` included."""
    return _write_templates(site, _read_messages(site, progress), progress)


def _read_messages(site: Site, progress: Progress | None) -> dict[str, tuple[str, list[Message]]]:
    if progress:  # the pages are parsed all at once: this stage only starts and ends
        progress("reading pages", 0, len(site.page_paths))
    wanted = catalogue_messages(site)
    if progress:
        progress("reading pages", len(site.page_paths), len(site.page_paths))
    return wanted


def _write_templates(site: Site, wanted: dict[str, tuple[str, list[Message]]], progress: Progress | None) -> ExtractResult:
    started = time.perf_counter()
    result = ExtractResult()
    changed: dict[str, bytes] = {}
    for done, (slug, (source, messages)) in enumerate(wanted.items(), 1):
        old_date, current = _old_template(site.root / template_path(slug))
        unchanged = catalog.template_bytes(site.config.name, source, messages, old_date or "")
        if old_date is None or not _same_entries(current, unchanged, template_path(slug)):
            old_date = creation_date()
            changed[template_path(slug)] = catalog.template_bytes(site.config.name, source, messages, old_date)
        result.creation_dates[slug] = old_date
        result.catalogues += 1
        result.messages += len(messages)
        if progress:
            progress("templates", done, len(wanted))
    _write_laid_out(site.root, changed, progress)
    result.written = list(changed)
    result.seconds = time.perf_counter() - started
    return result


def _old_template(path: Path) -> tuple[str | None, bytes]:
    """The existing template's POT-Creation-Date and bytes (None, b"" if unreadable)."""
    try:
        current = path.read_bytes()
        return catalog.header_fields(catalog.read_catalog(current, str(path))).get("POT-Creation-Date"), current
    except (FileNotFoundError, CatalogError):
        return None, b""


def _same_entries(current: bytes, data: bytes, relative: str) -> bool:
    """``current`` (a file's bytes) holds exactly ``data``'s entries, whatever its line layout."""
    try:
        return current == data or catalog.relayout(current, relative) == data
    except CatalogError:
        return False


def write_catalogs(root: Path, outputs: dict[str, bytes], progress: Progress | None = None, stage: str = "") -> list[str]:
    """Write catalogues in GNU gettext's layout, except files that already hold
    the same entries (a file a gettext tool rewrote stays byte-identical); GNU
    msgcat lays out the changed ones, several at a time."""
    changed = {}
    for done, (relative, data) in enumerate(outputs.items(), 1):
        if not _same_entries(read_or_empty(root / relative), data, relative):
            changed[relative] = data
        if progress:
            progress(f"{stage}comparing", done, len(outputs))
    _write_laid_out(root, changed, progress, stage)
    return list(changed)


def _write_laid_out(root: Path, files: dict[str, bytes], progress: Progress | None = None, stage: str = "") -> None:
    """Every file is laid out before any is written: one msgcat refuses leaves all as they were."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        laid_out = list(pool.map(catalog.gnu_layout, files.values(), files.keys()))
    for done, (relative, data) in enumerate(zip(files, laid_out), 1):
        write_atomic(root / relative, data)
        if progress:
            progress(f"{stage}writing", done, len(files))


# --- update ----------------------------------------------------------------


@dataclass(slots=True)
class UpdateResult:
    extracted: ExtractResult
    report: MergeReport = field(default_factory=MergeReport)
    written: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    seconds: float = 0.0


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
        }
    )
    plural_forms = get_plural(locale.replace("-", "_")).plural_forms
    if _plural_rule(fields.get("Plural-Forms", "")) != _plural_rule(plural_forms):
        fields["Plural-Forms"] = plural_forms
    comment = None if old is not None else f"{name} translation of {source} ({site.config.name})."
    return fields, comment


_PLURAL_FORMS = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*")


def _plural_rule(value: str) -> tuple[int, str] | None:
    """A Plural-Forms value as (nplurals, expression without whitespace or one
    outer pair of parentheses): Weblate and Lokalize write Babel's rule as
    ``plural=n != 1;``, and rewriting it would make files ping-pong between tools."""
    match = _PLURAL_FORMS.fullmatch(value)
    if match is None:
        return None
    expression = re.sub(r"\s+", "", match.group(2))
    depth = 0
    for index, char in enumerate(expression):
        depth += (char == "(") - (char == ")")
        if depth == 0:  # where the first parenthesis closes: outer only if at the very end
            if index == len(expression) - 1 and expression[0] == "(":
                expression = expression[1:-1]
            break
    return int(match.group(1)), expression


def update(site: Site, locales: list[str] | None = None, use_memory: bool = True, progress: Progress | None = None) -> UpdateResult:
    started = time.perf_counter()
    chosen = locales or site.config.target_locales
    with site_lock(site.root):
        wanted = _read_messages(site, progress)
        result = UpdateResult(extracted=_write_templates(site, wanted, progress))
        for locale in chosen:
            _update_locale(site, locale, wanted, result, use_memory, progress)
    result.seconds = time.perf_counter() - started
    return result


def _update_locale(site: Site, locale: str, wanted: dict, result: UpdateResult, use_memory: bool, progress: Progress | None) -> None:
    old = existing_catalogues(site.root, locale, progress)
    memory = TranslationMemory() if use_memory else None
    if memory is not None:
        for slug, store in old.items():
            memory.add_catalog(store, f"content/{slug}.md" if slug != SITE_CATALOG else "site.yaml")
    successors = _renamed_pages(old, wanted)
    outputs: dict[str, bytes] = {}
    for done, (slug, (source, messages)) in enumerate(wanted.items(), 1):
        previous = old.get(slug)
        if previous is None and slug in successors:
            previous = old[successors[slug]]
            result.renamed.append((catalog_path(locale, successors[slug]), catalog_path(locale, slug)))
        fields, comment = locale_header(site, locale, previous, source, result.extracted.creation_dates[slug])
        store, report = merge(messages, previous, source, memory)
        catalog.set_header(store, fields, comment)
        result.report.add(report)
        outputs[catalog_path(locale, slug)] = catalog.serialize(store)
        if progress:
            progress(f"{locale}: merging", done, len(wanted))
    for slug, store in old.items():
        if slug in wanted or slug in successors.values():
            continue
        for unit in catalog.message_units(store):  # a page left: keep its translations as obsolete
            unit.makeobsolete()
        outputs[catalog_path(locale, slug)] = catalog.serialize(store)
        result.orphaned.append(catalog_path(locale, slug))
    result.written += write_catalogs(site.root, outputs, progress, f"{locale}: ")
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
