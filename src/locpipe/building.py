"""The build stage: every page in every locale into ``build/``, rendering again
only what changed since the last build (``.cache/build-manifest.json``)."""
from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog
from .build import PageEntry, output_path, render_language_picker, render_locale_index, render_page, render_sitemap, stylesheet, translations_for
from .config import load_config
from .content import CONTENT_DIR, parse_page
from .errors import LocpipeError
from .extract import SITE_CATALOG, site_messages
from .fsio import site_lock, stage_if_changed, write_if_changed
from .progress import INTERVAL, Progress
from .pseudo import PSEUDO_LOCALE
from .render import catalogue_disclaimer_differs, page_segments
from .catalog import read_catalog_file
from .site import Site, catalog_path, read_or_empty, template_dirs
from .stats import catalogue_counts
from .templates import template_strings


BUILD_MANIFEST = ".cache/build-manifest.json"

PARALLEL_FROM = 40  # pages; fewer render faster in one process than a pool starts


RENDERING_MODULES = ("building.py", "build.py", "content.py", "render.py", "markdown.py", "segment.py", "pseudo.py", "templates.py")


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
            digest = _fingerprint(read_or_empty(Path(self._root, relative)))
        if stat.st_mtime_ns < self._now - SETTLED_NS:
            self.settled[relative] = [*stamp, digest]
        return digest


def _shared_inputs(root: Path) -> str:
    """Everything every page depends on: site.yaml, the templates and stylesheet,
    and locpipe's own rendering code."""
    parts: list[bytes | str] = [read_or_empty(root / "site.yaml")]
    for folder in template_dirs(root):
        for path in sorted(folder.glob("*")):
            parts += [path.name, read_or_empty(path)]
    package = Path(__file__).parent
    parts += [read_or_empty(package / name) for name in RENDERING_MODULES]
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
    with site_lock(root), rare_collections():
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


def rare_collections():
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
