"""A site on disk: its configuration, its pages, and where every file lives
(pages, catalogue templates, catalogues, HTML templates, built pages): the one
place that knows the layout. Shared by every stage; nothing here writes."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..config import SiteConfig, load_config
from ..errors import ContentError
from ..model import Page

CONTENT_DIR = "content"
# Names at the top of content/ that would collide with what locpipe writes itself:
# build/<locale>/index.html and locales/templates/site.pot.
RESERVED_PAGES = {"index.md": "build/<locale>/index.html", "site.md": "locales/templates/site.pot"}
POT_DIR = "locales/templates"
BUILD_DIR = "build"
PACKAGE_TEMPLATES = Path(__file__).parent.parent / "render" / "templates"


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
            from ..source.pages import load_pages  # the Markdown parser: only for commands that read pages

            self._pages = load_pages(self.config)
        return self._pages


def load_site(root: Path) -> Site:
    config = load_config(root)
    return Site(config, checked_page_paths(root))


def page_paths(root: Path) -> list[str]:
    """Every ``.md`` file below ``content/``, relative and sorted."""
    base = root / CONTENT_DIR
    if not base.is_dir():
        raise ContentError("no content/ folder: a site needs site.yaml, content/ and locales/", CONTENT_DIR)
    inside = base.resolve()
    paths = []
    for path in sorted(base.rglob("*.md")):
        if not path.is_file():
            continue
        relative = path.relative_to(base).as_posix()
        if path.is_symlink() and inside not in path.resolve().parents:  # rglob does not enter linked folders
            raise ContentError(
                "this page is a link to a file outside content/: copy the file in instead", f"{CONTENT_DIR}/{relative}"
            )
        paths.append(relative)
    if not paths:
        raise ContentError("no pages: content/ holds no .md file", CONTENT_DIR)
    return paths


def _refuse_collisions(paths: list[str]) -> None:
    seen: dict[str, str] = {}
    for path in paths:
        if path in RESERVED_PAGES:
            raise ContentError(
                f"this name is reserved: it would overwrite {RESERVED_PAGES[path]}", f"{CONTENT_DIR}/{path}"
            )
        folded = unicodedata.normalize("NFC", path).casefold()  # macOS stores names decomposed (NFD)
        if folded in seen:
            raise ContentError(
                f"writes the same output as {CONTENT_DIR}/{seen[folded]} on a case-insensitive file system",
                f"{CONTENT_DIR}/{path}",
            )
        seen[folded] = path


def checked_page_paths(root: Path) -> list[str]:
    """The pages' paths, refusing ones that would write the same output, without
    parsing them (a build parses only the pages that changed)."""
    paths = page_paths(root)
    _refuse_collisions(paths)
    return paths


def template_dirs(root: Path) -> list[Path]:
    site = root / "templates"
    return [site, PACKAGE_TEMPLATES] if site.is_dir() else [PACKAGE_TEMPLATES]


def slug_of(page_path: str) -> str:
    """A page's path below content/ without ``.md``: names its catalogues and outputs."""
    return page_path[: -len(".md")]


def source_path(slug: str) -> str:
    return f"{CONTENT_DIR}/{slug}.md"


def pot_path(slug: str) -> str:
    """The catalogue template (``.pot``) of a page, or of ``site``."""
    return f"{POT_DIR}/{slug}.pot"


def catalogue_folder(locale: str) -> str:
    return f"locales/{locale}/LC_MESSAGES"


def po_path(locale: str, slug: str) -> str:
    return f"{catalogue_folder(locale)}/{slug}.po"


def output_path(locale: str, slug: str) -> str:
    return f"{BUILD_DIR}/{locale}/{slug}.html"


def index_path(locale: str) -> str:
    """The locale's home page."""
    return output_path(locale, "index")


def read_or_empty(path: Path) -> bytes:
    """An absent or unreadable file reads as empty: whoever needs it reports why."""
    try:
        return path.read_bytes()
    except OSError:
        return b""


def catalogue_files(root: Path, locale: str) -> dict[str, str]:
    """Every ``.po`` of a locale on disk: slug -> path from the site root, sorted."""
    folder = catalogue_folder(locale)
    base = root / folder
    if not base.is_dir():
        return {}
    slugs = sorted(path.relative_to(base).as_posix()[: -len(".po")] for path in base.rglob("*.po"))
    return {slug: f"{folder}/{slug}.po" for slug in slugs}
