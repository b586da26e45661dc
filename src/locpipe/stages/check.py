"""The check stage: every way a published page can be wrong, as findings with
file and line."""

from __future__ import annotations

import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple, dataclass, field, replace
from pathlib import Path

from ..checks import catalogue as site_checks
from ..checks.catalogue import approved_text, normalize, wording_difference
from ..checks.message import LocaleRules, check_message
from ..checks.page import built_page
from ..config import SiteConfig
from ..errors import CatalogError, LocpipeError
from ..model import Catalogue, Counts, Finding, Message, Problem
from ..po.counts import catalogue_counts
from ..po.store import read_catalogue_file
from ..project.cache import CHECKING_LIBRARIES, FileDigests, code_and_libraries, fingerprint
from ..project.files import write_if_changed
from ..project.paths import (
    Site,
    catalogue_files,
    index_path,
    output_path,
    po_path,
    pot_path,
    read_or_empty,
    slug_of,
    source_path,
)
from ..render.jinja import template_strings
from ..source.messages import SITE_CATALOG, page_messages, site_messages
from ..source.pages import read_page
from .build import rare_collections

CHECK_PARALLEL_FROM = 40  # pages; fewer are checked faster in one process than a pool starts


@dataclass(slots=True)
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, Counts] = field(default_factory=dict)
    pages: dict[str, dict[str, Counts]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


@dataclass(slots=True)
class _Stylesheets:
    """The files under build/ that built pages use as stylesheets, each read
    once by each process (every page links the same style.css)."""

    root: Path
    texts: dict[str, str | None] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # by the page being checked: its findings depend on them

    def __call__(self, relative: str) -> str | None:
        self.used.add(relative)
        if relative not in self.texts:
            try:
                self.texts[relative] = (self.root / relative).read_text(encoding="utf-8", errors="replace")
            except OSError:  # missing, a folder, unreadable
                self.texts[relative] = None
        return self.texts[relative]


@dataclass(slots=True, frozen=True)
class _CheckJob:
    """What checking any one catalogue needs: the site, the target locales to
    check, per locale whose built pages are checked the disclaimer text
    approved for it and the source's, and the stylesheets the pages use."""

    config: SiteConfig
    targets: list[str]
    built: dict[str, tuple[str, str]]
    stylesheets: _Stylesheets


@dataclass(slots=True)
class _CatalogueFindings:
    """One catalogue's findings (its template, each locale's catalogue and built
    page) and counts, kept apart so that ``check`` reports every catalogue's in
    the same order whichever process checked it."""

    template: list[Finding] = field(default_factory=list)
    locales: dict[str, list[Finding]] = field(default_factory=dict)
    counts: dict[str, Counts] = field(default_factory=dict)
    unfinished: dict[str, tuple[str, list[Problem]]] = field(default_factory=dict)  # file, each unfinished message
    built: dict[str, list[Finding]] = field(default_factory=dict)
    stylesheets: list[str] = field(default_factory=list)  # that its built pages use

    def as_json(self) -> dict:
        def rows(findings: list) -> list[list]:
            return [list(astuple(finding)) for finding in findings]

        return {
            "template": rows(self.template),
            "locales": {locale: rows(found) for locale, found in self.locales.items()},
            "counts": {locale: list(astuple(counts)) for locale, counts in self.counts.items()},
            "unfinished": {
                locale: [relative, rows(problems)] for locale, (relative, problems) in self.unfinished.items()
            },
            "built": {locale: rows(found) for locale, found in self.built.items()},
            "stylesheets": self.stylesheets,
        }

    @classmethod
    def from_json(cls, data: dict) -> _CatalogueFindings:
        def findings(rows: list[list]) -> list[Finding]:
            return [Finding(*row) for row in rows]

        return cls(
            template=findings(data["template"]),
            locales={locale: findings(rows) for locale, rows in data["locales"].items()},
            counts={locale: Counts(*row) for locale, row in data["counts"].items()},
            unfinished={
                locale: (relative, [Problem(*row) for row in rows])
                for locale, (relative, rows) in data["unfinished"].items()
            },
            built={locale: findings(rows) for locale, rows in data["built"].items()},
            stylesheets=data["stylesheets"],
        )


CHECK_CACHE = ".cache/check-cache.json"


class _CheckCache:
    """Each page's findings from the last check, kept with the digests of every
    file they came from (the page, its template and catalogues, its built
    pages and their stylesheets) and of site.yaml, locpipe's own code and the
    libraries it checks with: a page none of them changed for is not checked
    again. Deleting ``.cache/`` (or an unreadable cache, or entry) means
    checking everything (or that page) again."""

    def __init__(self, job: _CheckJob):
        root = job.config.root
        self._path = root / CHECK_CACHE
        self._job = job
        self._key = fingerprint(
            read_or_empty(root / "site.yaml"),
            *job.targets,
            json.dumps(job.built, sort_keys=True),
            code_and_libraries(CHECKING_LIBRARIES),
        )
        try:
            recorded = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = None
        if (
            not isinstance(recorded, dict)
            or recorded.get("key") != self._key
            or not all(isinstance(recorded.get(part), dict) for part in ("pages", "files"))
        ):
            recorded = {"pages": {}, "files": {}}
        self._pages: dict[str, dict] = recorded["pages"]
        self._digest = FileDigests(root, recorded["files"])
        self._inputs: dict[str, list[str]] = {}

    def _digests_of(self, slug: str) -> list[str]:
        paths = [
            source_path(slug),
            pot_path(slug),
            *(po_path(locale, slug) for locale in self._job.targets),
            *(output_path(locale, slug) for locale in self._job.built),
        ]
        return [self._digest(path) for path in paths]

    def reuse(self, paths: list[str]) -> tuple[dict[str, _CatalogueFindings], list[str]]:
        """The findings of the pages whose files did not change, and the paths of the others."""
        reused, stale = {}, []
        for path in paths:
            slug = slug_of(path)
            digests = self._inputs[slug] = self._digests_of(slug)
            entry = self._pages.get(slug)
            try:
                if entry["inputs"] == digests and all(
                    self._digest(sheet) == digest for sheet, digest in entry["stylesheets"].items()
                ):
                    reused[slug] = _CatalogueFindings.from_json(entry["found"])
                    continue
            except (KeyError, TypeError, ValueError, AttributeError):  # no entry, or one this version cannot read
                pass
            stale.append(path)
        return reused, stale

    def save(self, found: dict[str, _CatalogueFindings]) -> None:
        pages = {
            slug: {
                "inputs": self._inputs[slug],
                "stylesheets": {sheet: self._digest(sheet) for sheet in catalogue.stylesheets},
                "found": catalogue.as_json(),
            }
            for slug, catalogue in found.items()
            if slug in self._inputs
        }
        data = {"key": self._key, "pages": pages, "files": self._digest.settled}
        write_if_changed(
            self._path, json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"), durable=False
        )


def check(site: Site, locales: list[str] | None = None, built: bool | None = None) -> CheckResult:
    """Every way a published page can be wrong, as findings with file and line.
    Built pages are checked with ``built=True`` (every chosen locale), or else
    for each chosen locale whose ``build/<locale>/`` exists: ``build/`` alone may
    hold only screenshots or the status page.

    Pages are checked one by one (their templates, catalogues and built pages),
    by every core when there are many; the findings are then reported in one
    order: templates, then each locale's catalogues, totals and built pages."""
    config = site.config
    chosen = list(locales or config.locales)
    if built is None:
        built_locales = [locale for locale in chosen if (site.root / "build" / locale).is_dir()]
    else:
        built_locales = chosen if built else []
    job = _CheckJob(
        config,
        [locale for locale in chosen if locale != config.source_locale],
        _built_expectations(site, built_locales),
        _Stylesheets(site.root),
    )
    cache = _CheckCache(job)
    with rare_collections():
        reused, stale = cache.reuse(site.page_paths)
        checked = _check_pages(job, stale)
        found = {slug: reused[slug] if slug in reused else checked[slug] for slug in map(slug_of, site.page_paths)}
        cache.save(found)
        found[SITE_CATALOG] = _check_catalogue(
            job, SITE_CATALOG, site_messages(config, template_strings(site.root)), {}, {}
        )
    result = CheckResult()
    add = result.findings.append
    for catalogue in found.values():
        result.findings += catalogue.template
    for locale in chosen:
        if locale == config.source_locale:
            expected = config.disclaimer_approved.get(locale, config.disclaimer_source)
            if normalize(expected) != normalize(config.disclaimer_source):
                add(
                    Finding(
                        "site.yaml",
                        config.line_of(f"disclaimer.approved.{locale}"),
                        locale,
                        "disclaimer",
                        "error",
                        f"disclaimer.source differs from disclaimer.approved.{locale}: {wording_difference(expected, config.disclaimer_source)}",
                    )
                )
        else:
            _report_locale(site, locale, found, result)
        if locale in job.built:
            for catalogue in found.values():
                result.findings += catalogue.built.get(locale, [])
            result.findings += _check_built_page(job, index_path(locale), locale)
            result.findings += _foreign_pages(site.root, locale, found)
    return result


def _built_expectations(site: Site, locales: list[str]) -> dict[str, tuple[str, str]]:
    """(approved disclaimer text, source disclaimer text) for each locale that
    has an approved wording to find on its built pages."""
    config = site.config
    source = approved_text(config.disclaimer_source)
    expectations = {}
    for locale in locales:
        wording = config.disclaimer_source if locale == config.source_locale else config.disclaimer_approved.get(locale)
        if wording is not None:
            expectations[locale] = (approved_text(wording), source)
    return expectations


def _foreign_pages(root: Path, locale: str, found: dict[str, _CatalogueFindings]) -> list[Finding]:
    """Pages in ``build/<locale>/`` that the site does not make (a page since
    removed or renamed, a file put there): deployed with the rest, unchecked."""
    pages = {output_path(locale, slug) for slug in found if slug != SITE_CATALOG} | {index_path(locale)}
    built = sorted(path.relative_to(root).as_posix() for path in (root / "build" / locale).rglob("*.html"))
    return [
        Finding(
            relative,
            None,
            locale,
            "disclaimer",
            "error",
            "this is not a page of the site (left by an older build, or put there by hand): rebuild from clean with make clean build",
        )
        for relative in built
        if relative not in pages
    ]


def _check_pages(job: _CheckJob, paths: list[str]) -> dict[str, _CatalogueFindings]:
    """Every page's findings by slug, in the pages' order. As when the pages are
    parsed in one go, an unreadable page stops the check: the first one in
    order is the error raised."""
    workers = min(os.cpu_count() or 1, max(1, len(paths) // CHECK_PARALLEL_FROM))
    if workers == 1:
        outcomes = [check_chunk(job, paths)]
    else:
        chunks = [paths[i :: workers * 4] for i in range(workers * 4)]
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            outcomes = list(pool.map(check_chunk, [job] * len(chunks), chunks))
    found: dict[str, _CatalogueFindings] = {}
    errors: list[tuple[str, Exception]] = []
    for chunk_found, error in outcomes:
        found.update(chunk_found)
        if error is not None:
            errors.append(error)
    if errors:
        raise min(errors, key=lambda error: error[0])[1]
    return {slug: found[slug] for slug in map(slug_of, paths)}


def check_chunk(job: _CheckJob, paths: list[str]) -> tuple[dict[str, _CatalogueFindings], tuple[str, Exception] | None]:
    """Worker: parse some pages and check their catalogues and built pages. A
    page that cannot be read or parsed comes back with its path and ends the
    chunk. Messages repeat across pages, and with them their translations: each
    translation is checked once."""
    found: dict[str, _CatalogueFindings] = {}
    memo: dict = {}
    for path in paths:
        try:
            page = read_page(job.config.root, path, job.config.translatable_fields)
        except (LocpipeError, OSError) as exc:
            return found, (path, exc)
        job.stylesheets.used.clear()
        found[page.slug] = _check_catalogue(
            job, page.slug, page_messages(page, job.config.translatable_fields), memo, page.env
        )
        found[page.slug].stylesheets = sorted(job.stylesheets.used)
    return found, None


def _check_catalogue(job: _CheckJob, slug: str, messages: list[Message], memo: dict, env: dict) -> _CatalogueFindings:
    """A catalogue's template, its translations in each target locale (``env``:
    its page's link reference definitions), and its page as built in each locale."""
    root = job.config.root
    found = _CatalogueFindings()
    relative = pot_path(slug)
    catalogue = _read_for_check(root, relative, None, found.template.append)
    if catalogue is not None:
        for problem in site_checks.sync(messages, catalogue):
            found.template.append(
                Finding(
                    relative,
                    problem.line,
                    None,
                    problem.check,
                    problem.severity,
                    problem.message + " (or make extract)",
                )
            )
    for locale in job.targets:
        _check_translations(job.config, locale, slug, messages, found, memo, env)
    if slug != SITE_CATALOG:
        for locale in job.built:
            found.built[locale] = _check_built_page(job, output_path(locale, slug), locale)
    return found


def _read_for_check(root: Path, relative: str, locale: str | None, add) -> Catalogue | None:
    try:
        return read_catalogue_file(root, relative) or _missing(relative, locale, add)
    except CatalogError as exc:
        add(Finding(relative, exc.line, locale, "syntax", "error", exc.message))
        return None


def _missing(relative: str, locale: str | None, add) -> None:
    add(Finding(relative, None, locale, "sync", "error", "the catalogue does not exist: run make update"))


def _check_translations(
    config: SiteConfig,
    locale: str,
    slug: str,
    messages: list[Message],
    found: _CatalogueFindings,
    memo: dict,
    env: dict,
) -> None:
    """One catalogue of one locale: in sync, each translation's checks (``memo``
    holds the problems of translations already checked; a text with a bracket
    is checked again on a page whose link references differ), what is unfinished."""
    relative = po_path(locale, slug)
    findings = found.locales[locale] = []
    add = findings.append
    catalogue = _read_for_check(config.root, relative, locale, add)
    counts = found.counts[locale] = catalogue_counts(messages, catalogue)
    if catalogue is None:
        return
    for problem in site_checks.sync(messages, catalogue):
        add(Finding(relative, problem.line, locale, problem.check, problem.severity, problem.message))
    rules = LocaleRules(config.source_locale, locale, config.unit_equivalents.get(locale, {}), env=env)
    references = env.get("references")
    targets = (
        tuple(sorted((label, reference["href"]) for label, reference in references.items())) if references else None
    )
    for entry in catalogue.messages():
        if entry.translated:
            python_format = "python-format" in entry.flags
            linked = targets if "[" in entry.msgid or "[" in entry.msgstr else None
            key = (locale, python_format, linked, entry.msgid, entry.msgstr)
            problems = memo.get(key)
            if problems is None:
                problems = memo[key] = list(
                    check_message(entry.msgid, entry.msgstr, replace(rules, python_format=python_format))
                )
            for name, severity, message in problems:
                add(Finding(relative, entry.msgstr_line, locale, name, severity, message))
    if counts.translated < counts.total:
        found.unfinished[locale] = (relative, site_checks.unfinished(messages, catalogue))
    approved = config.disclaimer_approved.get(locale)
    if slug == SITE_CATALOG and approved is not None:
        for problem in site_checks.disclaimer_entry(catalogue, approved):
            add(Finding(relative, problem.line, locale, problem.check, problem.severity, problem.message))


def _report_locale(site: Site, locale: str, found: dict[str, _CatalogueFindings], result: CheckResult) -> None:
    """A target locale's findings: its catalogues', orphaned catalogues, then
    its completeness against ``publish.min_translated``: under it, each
    unfinished message is an error; over it, a catalogue with any is one
    warning, so that a CI log stays readable."""
    config = site.config
    add = result.findings.append
    if config.disclaimer_approved.get(locale) is None:
        add(
            Finding(
                "site.yaml",
                config.line_of("disclaimer.approved") or config.line_of("disclaimer"),
                locale,
                "disclaimer",
                "error",
                f"no approved disclaimer wording for '{locale}': add disclaimer.approved.{locale} (a reviewed change)",
            )
        )
    for catalogue in found.values():
        result.findings += catalogue.locales[locale]
    for slug in sorted(set(catalogue_files(site.root, locale)) - set(found)):
        add(
            Finding(
                po_path(locale, slug),
                None,
                locale,
                "sync",
                "error",
                "no page has this catalogue any more: run make update (it keeps the translations as obsolete)",
            )
        )
    per_page = {slug: catalogue.counts[locale] for slug, catalogue in found.items()}
    total = Counts()
    for counts in per_page.values():
        total.add(counts)
    result.stats[locale], result.pages[locale] = total, per_page
    below = total.percent < config.min_translated
    for catalogue in found.values():
        if locale not in catalogue.unfinished:
            continue
        relative, problems = catalogue.unfinished[locale]
        if below:
            result.findings += [Finding(relative, p.line, locale, p.check, p.severity, p.message) for p in problems]
        else:
            counts = catalogue.counts[locale]
            add(
                Finding(
                    relative,
                    next((p.line for p in problems if p.line is not None), None),
                    locale,
                    "completeness",
                    "warning",
                    f"{counts.untranslated} untranslated and {counts.fuzzy} fuzzy message(s) are shown in English; translate them and clear the fuzzy flags",
                )
            )
    if below:
        add(
            Finding(
                "site.yaml",
                config.line_of("publish.min_translated"),
                locale,
                "completeness",
                "error",
                f"'{locale}' is {total.percent:g}% translated, under publish.min_translated ({config.min_translated:g}%): "
                f"{total.untranslated} untranslated, {total.fuzzy} fuzzy",
            )
        )


def _check_built_page(job: _CheckJob, relative: str, locale: str) -> list[Finding]:
    """One built page shows the locale's approved disclaimer, visibly."""
    path = job.config.root / relative
    if not path.is_file():
        return [Finding(relative, None, locale, "disclaimer", "error", "the page was not built: run make build")]
    expected, source = job.built[locale]
    return [
        Finding(relative, problem.line, locale, problem.check, problem.severity, problem.message)
        for problem in built_page(path.read_bytes(), expected, source, relative, job.stylesheets)
    ]
