"""The Jinja2 templates: shipped in the package, overridable by a site's own
``templates/`` folder, and the source of the UI strings in ``site.pot``."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.ext import extract_from_ast

from ..errors import RenderError
from ..project.paths import PACKAGE_TEMPLATES, template_dirs

TEMPLATE_NAMES = ("page.html", "locale_index.html", "language_picker.html", "base.html")


class _Loader(jinja2.FileSystemLoader):
    """Jinja2's file loader, with a template that is not UTF-8 reported as a
    template error at the line of its first bad byte (not a ``UnicodeDecodeError``)."""

    def get_source(self, environment: jinja2.Environment, template: str):
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            for folder in self.searchpath:
                path = Path(folder) / template
                if path.is_file():
                    line = path.read_bytes().count(b"\n", 0, exc.start) + 1
                    raise jinja2.TemplateSyntaxError(
                        "not UTF-8 text: save the template as UTF-8", line, template, str(path)
                    ) from None
            raise


@lru_cache(maxsize=8)
def environment(root: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=_Loader([str(d) for d in template_dirs(root)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def load(root: Path, name: str) -> jinja2.Template:
    env = environment(root)
    try:
        _compile_site_templates(root, env)
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"template error: {exc.message}", _shown(root, exc.filename), exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template not found: {exc.name}", "templates") from None


def render(root: Path, name: str, context: dict) -> str:
    """Render a template; any failure inside it (a site's template is input) is an
    error at the template's file and line, not a traceback."""
    template = load(root, name)
    try:
        return template.render(context)
    except RenderError:
        raise
    except RecursionError:
        raise RenderError(
            "template error: templates include or extend each other without end",
            *_template_frame(root, sys.exc_info()[2]),
        ) from None
    except Exception as exc:
        raise RenderError(f"template error: {exc}", *_template_frame(root, exc.__traceback__)) from None


def _template_frame(root: Path, traceback) -> tuple[str, int | None]:
    """The innermost template line of a traceback (Jinja2 rewrites its frames to
    point into the template files)."""
    folders = {str(folder.resolve()) for folder in template_dirs(root)}
    found: tuple[str, int | None] = ("templates", None)
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if str(Path(filename).resolve().parent) in folders:
            found = (_shown(root, filename), traceback.tb_lineno)
        traceback = traceback.tb_next
    return found


def _compile_site_templates(root: Path, env: jinja2.Environment) -> None:
    """Compile every template of the site's own folder (Jinja2 caches them), so a
    broken ``base.html`` or included part is reported here, by file and line,
    rather than halfway through rendering the pages that extend it."""
    site = root / "templates"
    if not site.is_dir():
        return
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".xml") and path.is_file():
            env.get_template(path.relative_to(site).as_posix())


def _shown(root: Path, filename: str | None) -> str:
    """Where a template lives, for messages: site-relative or in the package."""
    if not filename:
        return "templates"
    path = Path(filename)
    if path.parent == PACKAGE_TEMPLATES:
        return f"locpipe/render/templates/{path.name}"
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
