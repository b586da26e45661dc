"""Reading the English pages under ``content/``: front matter and Markdown body."""

from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path

from ..config import SiteConfig
from ..errors import ContentError, LocpipeError
from ..model import Page
from ..project.paths import CONTENT_DIR, checked_page_paths, slug_of
from ..project.yaml_lines import load_with_lines
from .dialect import is_relative_link, parser


def decode_utf8(data: bytes, path: str) -> str:
    """UTF-8 text (a BOM is dropped), or an error at the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ContentError("not UTF-8 text: save the file as UTF-8", path, line) from None


def load_pages(config: SiteConfig) -> list[Page]:
    paths = checked_page_paths(config.root)
    return [read_page(config.root, path, config.translatable_fields) for path in paths]


def read_page(root: Path, path: str, translatable_fields: tuple[str, ...]) -> Page:
    """The page at ``content/<path>``, read and parsed."""
    return parse_page(path, (root / CONTENT_DIR / path).read_bytes(), translatable_fields)


def parse_page(path: str, data: bytes, translatable_fields: tuple[str, ...] = ("title", "description")) -> Page:
    source = f"{CONTENT_DIR}/{path}"
    text = decode_utf8(data, source).replace("\r\n", "\n")
    env: dict = {}
    tokens = parser().parse(text, env)
    if not tokens or tokens[0].type != "front_matter":
        if text.split("\n", 1)[0].rstrip() == "---":
            raise ContentError("the front matter opened here is never closed: end it with a '---' line", source, 1)
        raise ContentError("no front matter: start the page with '---', a 'title:' line and '---'", source, 1)
    front = tokens.pop(0)
    try:
        fields, lines = load_with_lines(front.content, source, first_line=2)
    except LocpipeError as exc:
        raise ContentError(exc.message, exc.path, exc.line) from None
    if not isinstance(fields, dict):
        raise ContentError("front matter must be a mapping of 'key: value' lines", source, 2)
    _check_fields(fields, lines, source, translatable_fields)
    _check_links(path, tokens, source)
    return Page(
        path=path, slug=slug_of(path), source_path=source, fields=fields, field_lines=lines, tokens=tokens, env=env
    )


def _check_fields(fields: dict, lines: dict[str, int], source: str, translatable: tuple[str, ...]) -> None:
    title = fields.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ContentError("the front matter needs a 'title:' with text", source, lines.get("title", 2))
    for name in translatable:
        value = fields.get(name)
        if value is None or isinstance(value, str):
            continue
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            continue
        raise ContentError(f"front matter '{name}' must be text or a list of texts", source, lines.get(name))
    date = fields.get("date")
    if date is not None and not isinstance(date, dt.date):
        raise ContentError(
            f"front matter 'date' must be a date written YYYY-MM-DD, not {date!r}", source, lines.get("date")
        )


def _check_links(path: str, tokens: list, source: str) -> None:
    """A relative link or image must stay inside content/."""
    folder = posixpath.dirname(path)
    for token in tokens:
        for child in token.children or ():
            href = child.meta.get("source_href") or child.attrGet("href") or child.attrGet("src")
            if child.type not in ("link_open", "image") or not isinstance(href, str) or not is_relative_link(href):
                continue
            target = posixpath.normpath(posixpath.join(folder, href.partition("#")[0]))
            if target == ".." or target.startswith("../"):
                raise ContentError(f"link '{href}' leads outside content/", source, token.map[0] + 1)
