"""A site on disk: its configuration, its pages and where each catalogue lives.
Shared by every stage; nothing here writes."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import SiteConfig, load_config
from .content import checked_page_paths, load_pages
from .model import Page


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


TEMPLATES_DIR = "locales/templates"
PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def template_dirs(root: Path) -> list[Path]:
    site = root / "templates"
    return [site, PACKAGE_TEMPLATES] if site.is_dir() else [PACKAGE_TEMPLATES]


def template_path(slug: str) -> str:
    return f"{TEMPLATES_DIR}/{slug}.pot"


def catalog_path(locale: str, slug: str) -> str:
    return f"locales/{locale}/LC_MESSAGES/{slug}.po"


def read_or_empty(path: Path) -> bytes:
    """An absent or unreadable file reads as empty: whoever needs it reports why."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def existing_catalogue_slugs(root: Path, locale: str) -> list[str]:
    base = root / "locales" / locale / "LC_MESSAGES"
    return [p.relative_to(base).as_posix()[: -len(".po")] for p in base.rglob("*.po")] if base.is_dir() else []
