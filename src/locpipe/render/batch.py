"""The build's rendering side: pages parsed and rendered in every locale (in
worker processes for many pages), and the indexes, picker and sitemap.
``building`` imports it only when something is to be rendered: it loads the
Markdown, PO and template libraries, which a no-op build never needs."""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

from ..config import load_config
from ..errors import LocpipeError
from ..po.counts import catalogue_counts
from ..po.store import read_catalogue_file
from ..project.files import stage_if_changed, write_if_changed
from ..project.paths import Site, po_path
from ..project.progress import INTERVAL, Progress
from ..source.messages import SITE_CATALOG, site_messages
from ..source.pages import read_page
from .jinja import template_strings
from .output import (
    PageEntry,
    output_path,
    render_language_picker,
    render_locale_index,
    render_page,
    render_sitemap,
    stylesheet,
    translations_for,
)
from .pseudo import PSEUDO_LOCALE
from .translate import catalogue_disclaimer_differs, page_segments

PARALLEL_FROM = 40  # pages; fewer render faster in one process than a pool starts


def render_pages(
    root: Path, slugs: list[str], locales: list[str], progress: Progress | None
) -> list[tuple[str, dict, str | None, str]]:
    """(``locale/slug``, index entry, staged file or None, output path) for every
    page and locale, rendered by every core when there are many pages. Nothing
    is in place until every page has rendered: a bad page or catalogue leaves
    build/ as it was."""
    workers = min(os.cpu_count() or 1, max(1, len(slugs) // PARALLEL_FROM))
    chunks = [slugs[i :: workers * 4] for i in range(workers * 4)] if workers > 1 else [slugs]
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
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_share_page_count, initargs=(count,)
        ) as pool:
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


def render_chunk(
    root: str, slugs: list[str], locales: list[str], on_page: Callable[[], None] | None = None
) -> tuple[list, tuple | None]:
    """Worker: parse and render some pages in every locale, each into a staged
    temporary file, calling ``on_page`` after each page. Errors come back as data
    (message, path, line), with what was staged so far, so the caller can clean up."""
    site_root = Path(root)
    rendered: list = []
    try:
        config = load_config(site_root)
        ui = {
            locale: translations_for(config, locale, read_catalogue_file(site_root, po_path(locale, SITE_CATALOG)))
            for locale in locales
        }
        for slug in slugs:
            page = read_page(site_root, f"{slug}.md", config.translatable_fields)
            segments = page_segments(page)
            for locale in locales:
                catalogue = (
                    None
                    if locale in (config.source_locale, PSEUDO_LOCALE)
                    else read_catalogue_file(site_root, po_path(locale, slug))
                )
                translations = translations_for(config, locale, catalogue)
                data, entry = render_page(config, page, segments, locale, translations, ui[locale])
                staged = stage_if_changed(site_root / output_path(locale, slug), data)
                rendered.append(
                    (f"{locale}/{slug}", entry.as_dict(), str(staged) if staged else None, output_path(locale, slug))
                )
            if on_page:
                on_page()
        return rendered, None
    except LocpipeError as exc:
        return rendered, (exc.message, exc.path, exc.line)


def write_site_files(site: Site, paths: list[str], slugs: list[str], pages: dict) -> list[str]:
    """Those of the locale indexes, the language picker, the sitemap and the
    stylesheet named in ``paths``, from the manifest's entries: no page is
    parsed for them. Returns the ones whose bytes changed."""
    config, root = site.config, site.root
    files = {}
    for relative in paths:
        if relative == "build/index.html":
            files[relative] = render_language_picker(config)
        elif relative == "build/sitemap.xml":
            files[relative] = render_sitemap(config, slugs)
        elif relative == "build/style.css":
            files[relative] = stylesheet(root)
        else:  # build/<locale>/index.html
            locale = relative.split("/")[1]
            catalogue = (
                read_catalogue_file(root, po_path(locale, SITE_CATALOG)) if locale in config.target_locales else None
            )
            entries = {slug: PageEntry(**pages[f"{locale}/{slug}"]["entry"]) for slug in slugs}
            files[relative] = render_locale_index(config, locale, translations_for(config, locale, catalogue), entries)
    return [relative for relative, data in files.items() if write_if_changed(root / relative, data, durable=False)]


def site_catalogue_summary(site: Site, locale: str) -> dict:
    """What ``build`` reports of a locale's site.po: its messages, translated and
    in all (for the locale's percentage), and whether it holds another
    disclaimer than the approved one."""
    catalogue = read_catalogue_file(site.root, po_path(locale, SITE_CATALOG))
    counts = catalogue_counts(site_messages(site.config, template_strings(site.root)), catalogue)
    return {
        "total": counts.total,
        "translated": counts.translated,
        "disclaimer_differs": catalogue_disclaimer_differs(
            site.config, locale, translations_for(site.config, locale, catalogue)
        ),
    }
