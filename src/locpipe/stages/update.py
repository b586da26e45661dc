"""The update stage: each locale's catalogues (``.po``) merged with fresh
templates, keeping every translation; a catalogue that already holds the same
entries is left as it is."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from babel.messages.plurals import get_plural

from ..config import babel_locale
from ..model import Catalogue
from ..po.gnu import write_catalogues
from ..po.merge import MergeReport, TranslationMemory, merge
from ..po.store import existing_catalogues
from ..project.files import site_lock
from ..project.paths import Site, po_path, source_path
from ..project.progress import Progress
from ..source.messages import SITE_CATALOG
from .extract import ExtractResult, _read_messages, _write_templates


@dataclass(slots=True)
class UpdateResult:
    extracted: ExtractResult
    report: MergeReport = field(default_factory=MergeReport)
    written: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    seconds: float = 0.0


def locale_header(
    site: Site, locale: str, old: Catalogue | None, source: str, pot_date: str
) -> tuple[dict, str | None]:
    """Keep what translators' tools set (Last-Translator, Language-Team,
    PO-Revision-Date, X-Generator, …); set what the site decides."""
    fields = (
        dict(old.header)
        if old is not None
        else {
            "Project-Id-Version": site.config.name,
            "Report-Msgid-Bugs-To": "",
            "PO-Revision-Date": pot_date,
            "Last-Translator": "Automatically generated",
            "Language-Team": "none",
        }
    )
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


def update(
    site: Site, locales: list[str] | None = None, use_memory: bool = True, progress: Progress | None = None
) -> UpdateResult:
    started = time.perf_counter()
    chosen = locales or site.config.target_locales
    with site_lock(site.root):
        wanted = _read_messages(site, progress)
        result = UpdateResult(extracted=_write_templates(site, wanted, progress))
        for locale in chosen:
            _update_locale(site, locale, wanted, result, use_memory, progress)
    result.seconds = time.perf_counter() - started
    return result


def _update_locale(
    site: Site, locale: str, wanted: dict, result: UpdateResult, use_memory: bool, progress: Progress | None
) -> None:
    old = existing_catalogues(site.root, locale, progress)
    memory = TranslationMemory() if use_memory else None
    if memory is not None:
        for slug, catalogue in old.items():
            memory.add_catalogue(catalogue, source_path(slug) if slug != SITE_CATALOG else "site.yaml")
    successors = _renamed_pages(old, wanted)
    outputs: dict[str, Catalogue] = {}
    previous_files: dict[str, Catalogue | None] = {}
    for done, (slug, (source, messages)) in enumerate(wanted.items(), 1):
        previous = old.get(slug)
        if previous is None and slug in successors:
            previous = old[successors[slug]]
            result.renamed.append((po_path(locale, successors[slug]), po_path(locale, slug)))
        fields, comment = locale_header(site, locale, previous, source, result.extracted.creation_dates[slug])
        merged, report = merge(messages, previous, source, memory)
        merged.header, merged.header_fuzzy = fields, False
        if comment is not None:
            merged.header_comment = comment
        result.report.add(report)
        outputs[po_path(locale, slug)] = merged
        previous_files[po_path(locale, slug)] = old.get(slug)
        if progress:
            progress(f"{locale}: merging", done, len(wanted))
    for slug, catalogue in old.items():
        if slug in wanted or slug in successors.values():
            continue
        # a page left: keep its translations as obsolete
        outputs[po_path(locale, slug)], _report = merge([], catalogue, po_path(locale, slug))
        previous_files[po_path(locale, slug)] = catalogue
        result.orphaned.append(po_path(locale, slug))
    result.written += write_catalogues(site.root, outputs, previous_files, progress, f"{locale}: ")
    for old_path, _new_path in result.renamed:
        if old_path.startswith(f"locales/{locale}/"):
            (site.root / old_path).unlink(missing_ok=True)


def _renamed_pages(old: dict[str, Catalogue], wanted: dict) -> dict[str, str]:
    """New slug -> old slug, for a page whose catalogue is gone but whose
    messages mostly live in a catalogue whose page is gone: a renamed page."""
    orphans = {
        slug: {entry.msgid for entry in catalogue.messages()} for slug, catalogue in old.items() if slug not in wanted
    }
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
