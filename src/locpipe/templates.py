"""The Jinja2 templates: shipped in the package, overridable by a site's own
``templates/`` folder, and the source of the UI strings in ``site.pot``."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.ext import extract_from_ast

from .errors import RenderError

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAMES = ("page.html", "locale_index.html", "language_picker.html", "base.html")


def template_dirs(root: Path) -> list[Path]:
    site = root / "templates"
    return [site, PACKAGE_TEMPLATES] if site.is_dir() else [PACKAGE_TEMPLATES]


@lru_cache(maxsize=8)
def environment(root: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(root)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def load(root: Path, name: str) -> jinja2.Template:
    try:
        return environment(root).get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"template error: {exc.message}", _shown(root, exc.filename), exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template not found: {exc.name}", "templates") from None


def _shown(root: Path, filename: str | None) -> str:
    """Where a template lives, for messages: site-relative or in the package."""
    if not filename:
        return "templates"
    path = Path(filename)
    if path.parent == PACKAGE_TEMPLATES:
        return f"locpipe/templates/{path.name}"
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def template_strings(root: Path) -> list[tuple[str, int, str]]:
    """Every ``_("…")`` in the templates, as (path, line, msgid)."""
    found = []
    env = environment(root)
    for name in TEMPLATE_NAMES:
        template = load(root, name)
        source = Path(template.filename).read_text(encoding="utf-8")
        for line, _function, strings in extract_from_ast(env.parse(source), ("_",), babel_style=False):
            found.extend((_shown(root, template.filename), line, msgid) for msgid in strings[:1])
    return found
