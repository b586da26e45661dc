"""The build stage: every page in every locale into ``build/``, rendering again
only what changed since the last build (``.cache/build-manifest.json``)."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Counts
from ..project.cache import RENDERING_LIBRARIES, FileDigests, code_and_libraries, fingerprint
from ..project.files import site_lock, write_if_changed
from ..project.paths import Site, index_path, po_path, read_or_empty, slug_of, source_path, template_dirs
from ..project.progress import Progress
from ..render.pseudo import PSEUDO_LOCALE
from ..source.messages import SITE_CATALOG

BUILD_MANIFEST = ".cache/build-manifest.json"


@dataclass(slots=True)
class BuildResult:
    pages: int = 0
    locales: list[str] = field(default_factory=list)
    rendered: int = 0  # pages rendered (the others were unchanged)
    messages: int = 0  # of the pages, in each locale
    written: list[str] = field(default_factory=list)
    percent: dict[str, float] = field(default_factory=dict)
    disclaimer_differs: list[str] = field(
        default_factory=list
    )  # site.po files whose disclaimer is not the approved one
    seconds: float = 0.0


def _shared_inputs(root: Path) -> str:
    """Everything every page depends on: site.yaml, the templates and stylesheet,
    locpipe's own code and the libraries it renders with."""
    parts: list[bytes | str] = [read_or_empty(root / "site.yaml")]
    for folder in template_dirs(root):
        for path in sorted(folder.glob("*")):
            parts += [path.name, read_or_empty(path)]
    parts.append(code_and_libraries(RENDERING_LIBRARIES))
    return fingerprint(*parts)


def build(
    site: Site, locales: list[str] | None = None, pseudo: bool = False, progress: Progress | None = None
) -> BuildResult:
    """Render every locale into ``build/`` (with ``pseudo``, also ``build/en-XA/``).

    Only pages whose inputs changed (the page, its catalogue, the locale's
    ``site.po``, ``site.yaml``, the templates) are rendered again, in worker
    processes when there are many; an unchanged file is never rewritten.
    """
    started = time.perf_counter()
    config, root = site.config, site.root
    chosen = list(locales or config.locales)
    every = chosen + ([PSEUDO_LOCALE] if pseudo else [])
    slugs = [slug_of(path) for path in site.page_paths]
    result = BuildResult(pages=len(slugs), locales=chosen)
    with site_lock(root), rare_collections():
        shared = _shared_inputs(root)
        manifest = _load_manifest(root)
        pages = manifest["pages"]
        digest = FileDigests(root, manifest["files"])
        site_po = {locale: digest(po_path(locale, SITE_CATALOG)) for locale in every}
        keys: dict[str, str] = {}
        for slug in slugs:
            page = digest(source_path(slug))
            for locale in every:
                keys[f"{locale}/{slug}"] = fingerprint(
                    shared, locale, page, digest(po_path(locale, slug)), site_po[locale]
                )
        dirty = sorted(
            {
                name.split("/", 1)[1]
                for name, key in keys.items()
                if pages.get(name, {}).get("key") != key or not os.path.isfile(f"{root}/build/{name}.html")
            }
        )
        rendered = _rendering().render_pages(root, dirty, every, progress) if dirty else []
        for name, entry, staged, output in rendered:
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
        site_files = _site_file_keys(shared, every, slugs, site_po, pages)
        recorded = manifest.get("site_files") if isinstance(manifest.get("site_files"), dict) else {}
        stale = [path for path, key in site_files.items() if recorded.get(path) != key or not (root / path).is_file()]
        if stale:
            result.written += _rendering().write_site_files(site, stale, slugs, pages)
        manifest["site_files"] = site_files
        summary = manifest.setdefault("summary", {})
        for locale in [locale for locale in chosen if locale in config.target_locales]:
            key = fingerprint(shared, site_po[locale])
            if not isinstance(summary.get(locale), dict) or summary[locale].get("key") != key:
                summary[locale] = {"key": key, **_rendering().site_catalogue_summary(site, locale)}
            entries = [pages[f"{locale}/{slug}"]["entry"] for slug in slugs]
            result.percent[locale] = Counts(
                total=summary[locale]["total"] + sum(entry["total"] for entry in entries),
                translated=summary[locale]["translated"] + sum(entry["translated"] for entry in entries),
            ).percent
            if summary[locale]["disclaimer_differs"]:
                result.disclaimer_differs.append(po_path(locale, SITE_CATALOG))
        manifest["files"] = digest.settled
        write_if_changed(
            root / BUILD_MANIFEST,
            json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode("utf-8"),
            durable=False,
        )
    result.seconds = time.perf_counter() - started
    return result


def _rendering():
    """The rendering side, loaded only when something is to be rendered."""
    from ..render import batch

    return batch


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


# What a locale's index shows of each page, and what the manifest keeps of it.
INDEXED = ("title", "title_fallback", "description", "description_fallback")
ENTRY_FIELDS = {*INDEXED, "total", "translated"}
SUMMARY_FIELDS = {"key", "total", "translated", "disclaimer_differs"}


def _site_file_keys(
    shared: str, locales: list[str], slugs: list[str], site_po: dict[str, str], pages: dict
) -> dict[str, str]:
    """Each file besides the pages, by the inputs it follows from: the picker,
    sitemap and stylesheet from site.yaml, the templates and the list of pages;
    a locale's index also from its site.po and its pages' titles and
    descriptions. Editing a page's text rewrites none of them."""
    listing = fingerprint(shared, *locales, *slugs)
    keys = {path: listing for path in ("build/index.html", "build/sitemap.xml", "build/style.css")}
    for locale in locales:
        shown = [[pages[f"{locale}/{slug}"]["entry"][name] for name in INDEXED] for slug in slugs]
        keys[index_path(locale)] = fingerprint(listing, locale, site_po[locale], json.dumps(shown, ensure_ascii=False))
    return keys


def _load_manifest(root: Path) -> dict:
    """``{"pages": {"<locale>/<slug>": {"key", "entry"}}, "files": {path: [mtime,
    size, digest]}, "site_files": {path: key}, "summary": {locale: {"key", "total", "translated",
    "disclaimer_differs"}}}`` (the summary of each locale's site.po);
    an unreadable manifest is an empty one (everything is rendered again)."""
    try:
        manifest = json.loads((root / BUILD_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    if not _readable(manifest):
        return {"pages": {}, "files": {}, "site_files": {}, "summary": {}}
    return manifest


def _readable(manifest: object) -> bool:
    """Whether ``manifest`` has the shape ``build`` writes (one from another
    version, or edited by hand, may not)."""
    return (
        isinstance(manifest, dict)
        and all(isinstance(manifest.get(part), dict) for part in ("pages", "files", "site_files", "summary"))
        and all(
            isinstance(page, dict)
            and isinstance(page.get("key"), str)
            and isinstance(page.get("entry"), dict)
            and page["entry"].keys() == ENTRY_FIELDS
            for page in manifest["pages"].values()
        )
        and all(isinstance(locale, dict) and locale.keys() == SUMMARY_FIELDS for locale in manifest["summary"].values())
    )
