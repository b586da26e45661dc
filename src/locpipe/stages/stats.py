"""The stats stage: translation progress per locale and catalogue, as a table,
JSON, or ``build/status.html`` for a coordinator."""

from __future__ import annotations

from ..model import Counts
from ..po.counts import locale_stats
from ..po.store import existing_catalogues
from ..project.files import write_if_changed
from ..project.paths import Site, po_path
from ..render.jinja import render
from ..render.output import language_name
from .extract import catalogue_messages


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
            {
                "path": po_path(locale, slug),
                "counts": c,
                "translated_width": 100 * c.translated / c.total if c.total else 100,
                "fuzzy_width": 100 * c.fuzzy / c.total if c.total else 0,
            }
            for slug, c in per.items()
        ]
        locales.append({"code": locale, "name": language_name(locale), "total": totals[locale], "rows": rows})
    data = render(site.root, "status.html", {"site_name": site.config.name, "locales": locales}).encode("utf-8")
    write_if_changed(site.root / "build/status.html", data)
    return "build/status.html"
