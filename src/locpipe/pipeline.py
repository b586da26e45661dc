"""The stages over a whole site: the only module that walks folders and writes.

config → content → extract (``.pot``) → update (``.po``) → build (HTML) → check.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import re
import shutil
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.plurals import get_plural

from . import catalog, site_checks
from .build import (
    PageEntry,
    language_name,
    output_path,
    render_language_picker,
    render_locale_index,
    render_page,
    render_sitemap,
    stylesheet,
    translations_for,
)
from .checks import LocaleRules, check_message
from .catalog import Store
from .config import SiteConfig, babel_locale, load_config
from .content import CONTENT_DIR, checked_page_paths, load_pages, parse_page
from .errors import CatalogError, LocpipeError
from .extract import SITE_CATALOG, page_messages, site_messages
from .fsio import site_lock, stage_if_changed, write_atomic, write_if_changed
from .merge import MergeReport, TranslationMemory, merge
from .model import Finding, Message, Page
from .progress import INTERVAL, Progress
from .site_checks import approved_text, normalize, wording_difference
from .pseudo import PSEUDO_LOCALE
from .render import catalogue_disclaimer_differs, page_segments
from .stats import Counts, catalogue_counts, locale_stats
from .templates import render, template_dirs, template_strings

TEMPLATES_DIR = "locales/templates"


@dataclass
class Site:
    """A site's configuration and pages; pages are parsed when first needed."""

    config: SiteConfig
    page_paths: list[str]
    _pages: list[Page] | None = field(default=None, repr=False)

    @property
    def root(self) -> Path:
        return self.config.root

    @property
    def pages(self) -> list[Page]:
        if self._pages is None:
            self._pages = load_pages(self.config)
        return self._pages


def load_site(root: Path) -> Site:
    config = load_config(root)
    return Site(config, checked_page_paths(root))


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
        if not _same_entries(_read(root / relative), data, relative):
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
    """The catalogue at ``relative``, or None if there is none; one that cannot be
    read (a folder, no permission) is an error naming it as the site does."""
    try:
        data = (root / relative).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CatalogError(f"cannot read the catalogue: {exc.strerror or exc}", relative) from None
    return catalog.read_catalog(data, relative)


def existing_catalogues(root: Path, locale: str, progress: Progress | None = None) -> dict[str, Store]:
    """Every ``.po`` of a locale by slug, read strictly (a broken one stops the run
    before anything is written)."""
    base = root / "locales" / locale / "LC_MESSAGES"
    found = {}
    paths = sorted(base.rglob("*.po")) if base.is_dir() else []
    for done, path in enumerate(paths, 1):
        slug = path.relative_to(base).as_posix()[: -len(".po")]
        store = read_catalog_file(root, path.relative_to(root).as_posix())
        if store is not None:
            found[slug] = store
        if progress:
            progress(f"{locale}: reading", done, len(paths))
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


# --- build ---------------------------------------------------------------

BUILD_MANIFEST = ".cache/build-manifest.json"
PARALLEL_FROM = 40  # pages; fewer render faster in one process than a pool starts
RENDERING_MODULES = ("build.py", "render.py", "markdown.py", "segment.py", "pseudo.py", "templates.py")


@dataclass(slots=True)
class BuildResult:
    pages: int = 0
    locales: list[str] = field(default_factory=list)
    rendered: int = 0  # pages rendered (the others were unchanged)
    messages: int = 0  # of the pages, in each locale
    written: list[str] = field(default_factory=list)
    percent: dict[str, float] = field(default_factory=dict)
    disclaimer_differs: list[str] = field(default_factory=list)  # site.po files whose disclaimer is not the approved one
    seconds: float = 0.0


def _fingerprint(*parts: bytes | str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _read(path: Path) -> bytes:
    """An absent or unreadable file reads as empty: whoever needs it reports why."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


# A file's recorded digest is trusted while its size and modification time stay
# the same, if it was last modified this long before it was read: a later write
# within the file system's timestamp resolution could otherwise go unseen.
SETTLED_NS = 2_000_000_000


class _FileDigests:
    """Content digests of the build's input files, read again only when their
    size or modification time changed since the build that recorded them (as
    git's index does), so a no-op build reads almost nothing."""

    def __init__(self, root: Path, recorded: dict[str, list]):
        self._root, self._recorded = str(root), recorded
        self._now = time.time_ns()
        self.settled: dict[str, list] = {}

    def __call__(self, relative: str) -> str:
        try:
            stat = os.stat(os.path.join(self._root, relative))
        except FileNotFoundError:
            return ""
        except OSError:
            return "unreadable"  # rendered again, so that its reader reports why
        stamp = [stat.st_mtime_ns, stat.st_size]
        recorded = self._recorded.get(relative)
        if recorded is not None and recorded[:2] == stamp:
            digest = recorded[2]
        else:
            digest = _fingerprint(_read(Path(self._root, relative)))
        if stat.st_mtime_ns < self._now - SETTLED_NS:
            self.settled[relative] = [*stamp, digest]
        return digest


def _shared_inputs(root: Path) -> str:
    """Everything every page depends on: site.yaml, the templates and stylesheet,
    and locpipe's own rendering code."""
    parts: list[bytes | str] = [_read(root / "site.yaml")]
    for folder in template_dirs(root):
        for path in sorted(folder.glob("*")):
            parts += [path.name, _read(path)]
    package = Path(__file__).parent
    parts += [_read(package / name) for name in RENDERING_MODULES]
    return _fingerprint(*parts)


def build(site: Site, locales: list[str] | None = None, pseudo: bool = False, progress: Progress | None = None) -> BuildResult:
    """Render every locale into ``build/`` (with ``pseudo``, also ``build/en-XA/``).

    Only pages whose inputs changed (the page, its catalogue, the locale's
    ``site.po``, ``site.yaml``, the templates) are rendered again, in worker
    processes when there are many; an unchanged file is never rewritten.
    """
    started = time.perf_counter()
    config, root = site.config, site.root
    chosen = list(locales or config.locales)
    every = chosen + ([PSEUDO_LOCALE] if pseudo else [])
    slugs = [path[: -len(".md")] for path in site.page_paths]
    result = BuildResult(pages=len(slugs), locales=chosen)
    with site_lock(root), _rare_collections():
        shared = _shared_inputs(root)
        manifest = _load_manifest(root)
        pages = manifest["pages"]
        digest = _FileDigests(root, manifest["files"])
        site_po = {locale: digest(catalog_path(locale, SITE_CATALOG)) for locale in every}
        keys: dict[str, str] = {}
        for slug in slugs:
            page = digest(f"{CONTENT_DIR}/{slug}.md")
            for locale in every:
                keys[f"{locale}/{slug}"] = _fingerprint(shared, locale, page, digest(catalog_path(locale, slug)), site_po[locale])
        dirty = sorted({
            name.split("/", 1)[1] for name, key in keys.items()
            if pages.get(name, {}).get("key") != key or not os.path.isfile(f"{root}/build/{name}.html")
        })
        for name, entry, staged, output in _render_pages(root, dirty, every, progress):
            pages[name] = {"key": keys[name], "entry": entry}
            if staged:
                os.replace(staged, root / output)
                result.written.append(output)
        result.rendered = len(dirty)
        result.messages = sum(pages[f"{every[0]}/{slug}"]["entry"]["total"] for slug in slugs)
        for name in [name for name in pages if name.split("/", 1)[0] in every and name not in keys]:
            output = root / f"build/{name}.html"  # a page that left content/
            if output.is_file():
                output.unlink()
                result.written.append(f"build/{name}.html")
            del pages[name]
        if not pseudo and (root / "build" / PSEUDO_LOCALE).is_dir():  # so that deploying build/ never publishes it
            shutil.rmtree(root / "build" / PSEUDO_LOCALE)
            result.written.append(f"build/{PSEUDO_LOCALE}/")
        # The indexes, picker and sitemap follow from the pages' keys (which hold
        # site.yaml, the templates and each locale's site.po): a no-op build skips them.
        site_files_key = _fingerprint(shared, *every, *(keys[name] for name in sorted(keys)))
        if manifest.get("site_files") != site_files_key or not all((root / path).is_file() for path in _site_file_paths(every)):
            result.written += _write_site_files(site, every, slugs, pages)
            manifest["summary"] = {}
        manifest["site_files"] = site_files_key
        # What the command reports of each locale follows from the same inputs: kept with them.
        summary = manifest.setdefault("summary", {})
        for locale in chosen:
            if locale in config.target_locales and locale not in summary:
                ui = translations_for(config, locale, read_catalog_file(root, catalog_path(locale, SITE_CATALOG)))
                summary[locale] = {"percent": _percent(site, locale, [PageEntry(**pages[f"{locale}/{slug}"]["entry"]) for slug in slugs]),
                                   "disclaimer_differs": catalogue_disclaimer_differs(config, locale, ui)}
        result.percent = {locale: summary[locale]["percent"] for locale in chosen if locale in summary}
        result.disclaimer_differs = [catalog_path(locale, SITE_CATALOG) for locale in chosen
                                     if locale in summary and summary[locale]["disclaimer_differs"]]
        manifest["files"] = digest.settled
        write_if_changed(root / BUILD_MANIFEST, json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode("utf-8"), durable=False)
    result.seconds = time.perf_counter() - started
    return result


@contextlib.contextmanager
def _rare_collections():
    """Rendering makes millions of short-lived tokens and few reference cycles:
    with Python's default (a collection every 700 new objects) the collector
    took a tenth of a build. Worker processes inherit the setting."""
    before = gc.get_threshold()
    gc.freeze()  # what is loaded before the build lives as long as the process
    gc.set_threshold(10_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _load_manifest(root: Path) -> dict:
    """``{"pages": {"<locale>/<slug>": {"key", "entry"}}, "files": {path: [mtime,
    size, digest]}, "site_files": key, "summary": {locale: {"percent", "disclaimer_differs"}}}``;
    an unreadable manifest is an empty one (everything is rendered again)."""
    try:
        manifest = json.loads((root / BUILD_MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or not all(isinstance(manifest.get(part), dict) for part in ("pages", "files")):
        return {"pages": {}, "files": {}, "site_files": None}
    return manifest


def _render_pages(root: Path, slugs: list[str], locales: list[str], progress: Progress | None) -> list[tuple[str, dict, str | None, str]]:
    """(``locale/slug``, index entry, staged file or None, output path) for every
    page and locale, rendered by every core when there are many pages. Nothing
    is in place until every page has rendered: a bad page or catalogue leaves
    build/ as it was."""
    workers = min(os.cpu_count() or 1, max(1, len(slugs) // PARALLEL_FROM))
    chunks = [slugs[i::workers * 4] for i in range(workers * 4)] if workers > 1 else [slugs]
    rendered: list = []
    errors: list[tuple] = []
    if workers == 1:
        counted = itertools.count(1)
        on_page = (lambda: progress("rendering", next(counted), len(slugs))) if progress else None
        for chunk_rendered, error in (render_chunk(str(root), chunk, locales, on_page) for chunk in chunks):
            rendered += chunk_rendered
            if error is not None:
                errors.append(error)
                break
    else:
        context = multiprocessing.get_context("fork")
        count = context.Value("i", 0)  # pages rendered by every worker, for the progress bar
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_share_page_count, initargs=(count,)) as pool:
            futures = [pool.submit(render_chunk, str(root), chunk, locales, _count_page) for chunk in chunks]
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, timeout=INTERVAL if progress else None, return_when=FIRST_COMPLETED)
                for future in [future for future in futures if future in finished and not future.cancelled()]:
                    chunk_rendered, error = future.result()
                    rendered += chunk_rendered
                    if error is not None:
                        errors.append(error)
                        for other in pending:
                            other.cancel()
                if progress:
                    progress("rendering", count.value, len(slugs))
    if errors:
        staged_files = [Path(staged) for _name, _entry, staged, _output in rendered if staged]
        for staged in staged_files:
            staged.unlink(missing_ok=True)
        _remove_empty_folders({staged.parent for staged in staged_files}, root / "build")
        raise LocpipeError(*min(errors, key=lambda error: (error[1] or "", error[2] or 0)))
    return rendered


def _remove_empty_folders(folders: set[Path], top: Path) -> None:
    """Folders a failed build made for its staged pages, up to ``top``: a first
    build that fails leaves no empty ``build/`` for ``check`` to find."""
    for folder in sorted(folders, key=lambda path: len(path.parts), reverse=True):
        while folder == top or top in folder.parents:
            try:
                folder.rmdir()
            except OSError:  # not empty, or already gone
                break
            folder = folder.parent


_page_count = None  # in a worker process: the count of rendered pages it shares with the parent


def _share_page_count(count) -> None:
    """Pool initializer: a shared count reaches workers only by inheritance."""
    global _page_count
    _page_count = count


def _count_page() -> None:
    with _page_count.get_lock():
        _page_count.value += 1


def render_chunk(root: str, slugs: list[str], locales: list[str], on_page: Callable[[], None] | None = None) -> tuple[list, tuple | None]:
    """Worker: parse and render some pages in every locale, each into a staged
    temporary file, calling ``on_page`` after each page. Errors come back as data
    (message, path, line), with what was staged so far, so the caller can clean up."""
    site_root = Path(root)
    rendered: list = []
    try:
        config = load_config(site_root)
        ui = {locale: translations_for(config, locale, read_catalog_file(site_root, catalog_path(locale, SITE_CATALOG)))
              for locale in locales}
        for slug in slugs:
            page = parse_page(f"{slug}.md", (site_root / CONTENT_DIR / f"{slug}.md").read_bytes(), config.translatable_fields)
            segments = page_segments(page)
            for locale in locales:
                store = None if locale in (config.source_locale, PSEUDO_LOCALE) else read_catalog_file(site_root, catalog_path(locale, slug))
                translations = translations_for(config, locale, store)
                if store is not None:
                    catalog.release(store)
                data, entry = render_page(config, page, segments, locale, translations, ui[locale])
                staged = stage_if_changed(site_root / output_path(locale, slug), data)
                rendered.append((f"{locale}/{slug}", entry.as_dict(), str(staged) if staged else None, output_path(locale, slug)))
            if on_page:
                on_page()
        return rendered, None
    except LocpipeError as exc:
        return rendered, (exc.message, exc.path, exc.line)


def _site_file_paths(locales: list[str]) -> list[str]:
    return [f"build/{locale}/index.html" for locale in locales] + ["build/index.html", "build/sitemap.xml", "build/style.css"]


def _write_site_files(site: Site, locales: list[str], slugs: list[str], pages: dict) -> list[str]:
    """The locale indexes, the language picker, the sitemap and the stylesheet,
    from the manifest's entries: no page is parsed for them."""
    config, root = site.config, site.root
    files = {}
    for locale in locales:
        ui = translations_for(config, locale, read_catalog_file(root, catalog_path(locale, SITE_CATALOG)) if locale in config.target_locales else None)
        entries = {slug: PageEntry(**pages[f"{locale}/{slug}"]["entry"]) for slug in slugs}
        files[f"build/{locale}/index.html"] = render_locale_index(config, locale, ui, entries)
    files["build/index.html"] = render_language_picker(config)
    files["build/sitemap.xml"] = render_sitemap(config, slugs)
    files["build/style.css"] = stylesheet(root)
    return [relative for relative, data in files.items() if write_if_changed(root / relative, data, durable=False)]


def _percent(site: Site, locale: str, entries: list[PageEntry]) -> float:
    """Published share of the locale's messages: pages plus site.po."""
    site_counts = catalogue_counts(site_messages(site.config, template_strings(site.root)),
                                   read_catalog_file(site.root, catalog_path(locale, SITE_CATALOG)))
    total = site_counts.total + sum(entry.total for entry in entries)
    translated = site_counts.translated + sum(entry.translated for entry in entries)
    return round(100.0 * translated / total, 1) if total else 100.0


# --- check ---------------------------------------------------------------


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

    def __call__(self, relative: str) -> str | None:
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
    unfinished: dict[str, tuple[str, list[site_checks.Problem]]] = field(default_factory=dict)  # file, each unfinished message
    built: dict[str, list[Finding]] = field(default_factory=dict)


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
    job = _CheckJob(config, [locale for locale in chosen if locale != config.source_locale],
                    _built_expectations(site, built_locales), _Stylesheets(site.root))
    with _rare_collections():
        found = _check_pages(job, site.page_paths)
        found[SITE_CATALOG] = _check_catalogue(job, SITE_CATALOG, site_messages(config, template_strings(site.root)), {}, {})
    result = CheckResult()
    add = result.findings.append
    for catalogue in found.values():
        result.findings += catalogue.template
    for locale in chosen:
        if locale == config.source_locale:
            expected = config.disclaimer_approved.get(locale, config.disclaimer_source)
            if normalize(expected) != normalize(config.disclaimer_source):
                add(Finding("site.yaml", config.line_of(f"disclaimer.approved.{locale}"), locale, "disclaimer", "error",
                            f"disclaimer.source differs from disclaimer.approved.{locale}: {wording_difference(expected, config.disclaimer_source)}"))
        else:
            _report_locale(site, locale, found, result)
        if locale in job.built:
            for catalogue in found.values():
                result.findings += catalogue.built.get(locale, [])
            result.findings += _check_built_page(job, f"build/{locale}/index.html", locale)
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
    pages = {output_path(locale, slug) for slug in found if slug != SITE_CATALOG} | {f"build/{locale}/index.html"}
    built = sorted(path.relative_to(root).as_posix() for path in (root / "build" / locale).rglob("*.html"))
    return [Finding(relative, None, locale, "disclaimer", "error",
                    "this is not a page of the site (left by an older build, or put there by hand): rebuild from clean with make clean build")
            for relative in built if relative not in pages]


def _check_pages(job: _CheckJob, paths: list[str]) -> dict[str, _CatalogueFindings]:
    """Every page's findings by slug, in the pages' order. As when the pages are
    parsed in one go, an unreadable page stops the check: the first one in
    order is the error raised."""
    workers = min(os.cpu_count() or 1, max(1, len(paths) // CHECK_PARALLEL_FROM))
    if workers == 1:
        outcomes = [check_chunk(job, paths)]
    else:
        chunks = [paths[i::workers * 4] for i in range(workers * 4)]
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
    return {slug: found[slug] for slug in (path[: -len(".md")] for path in paths)}


def check_chunk(job: _CheckJob, paths: list[str]) -> tuple[dict[str, _CatalogueFindings], tuple[str, Exception] | None]:
    """Worker: parse some pages and check their catalogues and built pages. A
    page that cannot be read or parsed comes back with its path and ends the
    chunk. Messages repeat across pages, and with them their translations: each
    translation is checked once."""
    found: dict[str, _CatalogueFindings] = {}
    memo: dict = {}
    for path in paths:
        try:
            page = parse_page(path, (job.config.root / CONTENT_DIR / path).read_bytes(), job.config.translatable_fields)
        except (LocpipeError, OSError) as exc:
            return found, (path, exc)
        found[page.slug] = _check_catalogue(job, page.slug, page_messages(page, job.config.translatable_fields), memo, page.env)
    return found, None


def _check_catalogue(job: _CheckJob, slug: str, messages: list[Message], memo: dict, env: dict) -> _CatalogueFindings:
    """A catalogue's template, its translations in each target locale (``env``:
    its page's link reference definitions), and its page as built in each locale."""
    root = job.config.root
    found = _CatalogueFindings()
    relative = template_path(slug)
    store = _read_for_check(root, relative, None, found.template.append)
    if store is not None:
        for problem in site_checks.sync(messages, store):
            found.template.append(Finding(relative, problem.line, None, problem.check, problem.severity, problem.message + " (or make extract)"))
        catalog.release(store)
    for locale in job.targets:
        _check_translations(job.config, locale, slug, messages, found, memo, env)
    if slug != SITE_CATALOG:
        for locale in job.built:
            found.built[locale] = _check_built_page(job, output_path(locale, slug), locale)
    return found


def _read_for_check(root: Path, relative: str, locale: str | None, add) -> Store | None:
    try:
        return read_catalog_file(root, relative) or _missing(relative, locale, add)
    except CatalogError as exc:
        add(Finding(relative, exc.line, locale, "syntax", "error", exc.message))
        return None


def _missing(relative: str, locale: str | None, add) -> None:
    add(Finding(relative, None, locale, "sync", "error", "the catalogue does not exist: run make update"))


def _check_translations(config: SiteConfig, locale: str, slug: str, messages: list[Message], found: _CatalogueFindings,
                        memo: dict, env: dict) -> None:
    """One catalogue of one locale: in sync, each translation's checks (``memo``
    holds the problems of translations already checked; a text with a bracket
    is checked again on a page whose link references differ), what is unfinished."""
    relative = catalog_path(locale, slug)
    findings = found.locales[locale] = []
    add = findings.append
    store = _read_for_check(config.root, relative, locale, add)
    counts = found.counts[locale] = catalogue_counts(messages, store)
    if store is None:
        return
    for problem in site_checks.sync(messages, store):
        add(Finding(relative, problem.line, locale, problem.check, problem.severity, problem.message))
    rules = LocaleRules(config.source_locale, locale, config.unit_equivalents.get(locale, {}), env=env)
    references = env.get("references")
    targets = tuple(sorted((label, reference["href"]) for label, reference in references.items())) if references else None
    for unit in catalog.message_units(store):
        if catalog.is_translated(unit):
            python_format = unit.hastypecomment("python-format")
            linked = targets if "[" in unit.source or "[" in unit.target else None
            key = (locale, python_format, linked, unit.source, unit.target)
            problems = memo.get(key)
            if problems is None:
                problems = memo[key] = list(check_message(unit.source, unit.target, replace(rules, python_format=python_format)))
            for name, severity, message in problems:
                add(Finding(relative, catalog.msgstr_line(unit), locale, name, severity, message))
    if counts.translated < counts.total:
        found.unfinished[locale] = (relative, site_checks.unfinished(messages, store))
    approved = config.disclaimer_approved.get(locale)
    if slug == SITE_CATALOG and approved is not None:
        for problem in site_checks.disclaimer_entry(store, approved):
            add(Finding(relative, problem.line, locale, problem.check, problem.severity, problem.message))
    catalog.release(store)


def _report_locale(site: Site, locale: str, found: dict[str, _CatalogueFindings], result: CheckResult) -> None:
    """A target locale's findings: its catalogues', orphaned catalogues, then
    its completeness against ``publish.min_translated``: under it, each
    unfinished message is an error; over it, a catalogue with any is one
    warning, so that a CI log stays readable."""
    config = site.config
    add = result.findings.append
    if config.disclaimer_approved.get(locale) is None:
        add(Finding("site.yaml", config.line_of("disclaimer.approved") or config.line_of("disclaimer"), locale, "disclaimer", "error",
                    f"no approved disclaimer wording for '{locale}': add disclaimer.approved.{locale} (a reviewed change)"))
    for catalogue in found.values():
        result.findings += catalogue.locales[locale]
    for slug in sorted(set(existing_catalogue_slugs(site.root, locale)) - set(found)):
        add(Finding(catalog_path(locale, slug), None, locale, "sync", "error",
                    "no page has this catalogue any more: run make update (it keeps the translations as obsolete)"))
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
            add(Finding(relative, next((p.line for p in problems if p.line is not None), None), locale, "completeness", "warning",
                        f"{counts.untranslated} untranslated and {counts.fuzzy} fuzzy message(s) are shown in English; translate them and clear the fuzzy flags"))
    if below:
        add(Finding("site.yaml", config.line_of("publish.min_translated"), locale, "completeness", "error",
                    f"'{locale}' is {total.percent:g}% translated, under publish.min_translated ({config.min_translated:g}%): "
                    f"{total.untranslated} untranslated, {total.fuzzy} fuzzy"))


def existing_catalogue_slugs(root: Path, locale: str) -> list[str]:
    base = root / "locales" / locale / "LC_MESSAGES"
    return [p.relative_to(base).as_posix()[: -len(".po")] for p in base.rglob("*.po")] if base.is_dir() else []


def _check_built_page(job: _CheckJob, relative: str, locale: str) -> list[Finding]:
    """One built page shows the locale's approved disclaimer, visibly."""
    path = job.config.root / relative
    if not path.is_file():
        return [Finding(relative, None, locale, "disclaimer", "error", "the page was not built: run make build")]
    expected, source = job.built[locale]
    return [Finding(relative, problem.line, locale, problem.check, problem.severity, problem.message)
            for problem in site_checks.built_page(path.read_bytes(), expected, source, relative, job.stylesheets)]


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
    data = render(site.root, "status.html", {"site_name": site.config.name, "locales": locales}).encode("utf-8")
    write_if_changed(site.root / "build/status.html", data)
    return "build/status.html"
