"""``locpipe init LOCALE``: a new locale in one command."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

from ..config import CONFIG_NAME, babel_locale, parse_config
from ..errors import ConfigError
from ..po.counts import locale_stats
from ..po.store import existing_catalogues
from ..project.files import site_lock, write_atomic
from ..project.paths import Site, load_site
from ..project.yaml_lines import load_with_lines
from .extract import catalogue_messages
from .update import UpdateResult, update


@dataclass(slots=True)
class InitResult:
    locale: str
    update: UpdateResult
    needs: list[str] = field(default_factory=list)


def add_locale_to_config(text: str, code: str) -> str:
    """``site.yaml`` with ``code`` appended to ``locales``, keeping its comments,
    key order, quoting and values. A flow list (``[en, de]``) goes through a
    ruamel.yaml round trip; a block list gets one line of text, indented as its
    last item, since ruamel.yaml would re-indent every block list in the file."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long wordings such as the disclaimer
    data = yaml.load(text)
    locales = data["locales"]
    if not locales.fa.flow_style():
        line, column = locales.lc.item(len(locales) - 1)
        lines = text.splitlines(keepends=True)
        newline = "\r\n" if lines[line].endswith("\r\n") else "\n"
        lines[line] = lines[line].rstrip("\r\n") + newline
        lines.insert(line + 1, lines[line][:column] + code + newline)
        return "".join(lines)
    locales.append(code)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def init_locale(root: Path, code: str) -> InitResult:
    """All or nothing, under one lock: the catalogues are made for the new
    configuration first and ``site.yaml`` is written last, so a failure leaves
    it as it was and no ``locales/<code>/``."""
    with site_lock(root):
        site = load_site(root)  # a broken site.yaml or page stops here, before any write
        babel_locale(code, "LOCALE")
        if code in site.config.locales:
            raise ConfigError(f"locale '{code}' is already in locales", CONFIG_NAME, site.config.line_of("locales"))
        path = root / CONFIG_NAME
        text = add_locale_to_config(path.read_text(encoding="utf-8"), code)
        site = Site(parse_config(root, *load_with_lines(text, CONFIG_NAME)), site.page_paths)
        folder = root / "locales" / code
        fresh = not folder.exists()
        try:
            result = InitResult(code, update(site, [code]))
        except BaseException:
            if fresh:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        write_atomic(path, text.encode("utf-8"))
        result.needs = publishing_needs(site, code)
    return result


def publishing_needs(site: Site, code: str) -> list[str]:
    total, _pages = locale_stats(catalogue_messages(site), existing_catalogues(site.root, code))
    needs = []
    if total.percent < site.config.min_translated:
        needs.append(
            f"translations: {total.untranslated + total.fuzzy} of {total.total} messages ({total.words_left} words) "
            f"in locales/{code}/LC_MESSAGES/; publish.min_translated is {site.config.min_translated:g}%"
        )
    if code not in site.config.disclaimer_approved:
        needs.append(f"an approved disclaimer: add disclaimer.approved.{code} to site.yaml (a reviewed change)")
    return needs
