"""The extract stage: one template (``.pot``) per page and ``site.pot``, each
written whole or not at all, and one that already holds the same entries left
as it is."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import CatalogError
from ..model import Catalogue, Message
from ..po.entries import template
from ..po.gnu import holds, write_catalogues
from ..po.store import read_catalogue
from ..project.paths import Site, pot_path
from ..project.progress import Progress
from ..render.jinja import template_strings
from ..source.messages import SITE_CATALOG, page_messages, site_messages


def catalogue_messages(site: Site) -> dict[str, tuple[str, list[Message]]]:
    """Every catalogue's messages by slug, with the file they come from."""
    result = {
        page.slug: (page.source_path, page_messages(page, site.config.translatable_fields)) for page in site.pages
    }
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
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
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


def _write_templates(
    site: Site, wanted: dict[str, tuple[str, list[Message]]], progress: Progress | None
) -> ExtractResult:
    started = time.perf_counter()
    result = ExtractResult()
    changed: dict[str, Catalogue] = {}
    for done, (slug, (source, messages)) in enumerate(wanted.items(), 1):
        relative = pot_path(slug)
        old = _old_template(site.root / relative)
        old_date = old.header.get("POT-Creation-Date") if old is not None else None
        if old_date is None or not holds(old, template(site.config.name, source, messages, old_date), relative):
            old_date = creation_date()
            changed[relative] = template(site.config.name, source, messages, old_date)
        result.creation_dates[slug] = old_date
        result.catalogues += 1
        result.messages += len(messages)
        if progress:
            progress("templates", done, len(wanted))
    result.written = write_catalogues(site.root, changed, dict.fromkeys(changed), progress)
    result.seconds = time.perf_counter() - started
    return result


def _old_template(path: Path) -> Catalogue | None:
    """The existing template, or None if there is none or it cannot be read."""
    try:
        return read_catalogue(path.read_bytes(), str(path))
    except (OSError, CatalogError):
        return None
