"""Hostile input through the real command line.

Every bad input must end in one line on stderr, ``path:line: error: message``
naming the file (relative to the site root) and its line where there is one, a
non-zero exit, no traceback, and no catalogue or page written or changed.
XSS payloads in catalogues, pages and site.yaml never become live markup.
"""

from __future__ import annotations

import html
import json
import pickle
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from conftest import msgfmt_check
from locpipe.errors import CatalogError, ConfigError, ContentError, LocpipeError, RenderError
from locpipe.po.store import read_catalogue
from sites import SITE_YAML, make_site, page

PAGES = {
    "a.md": page("A", "Hello **world**.", "- Stress\n- Caffeine"),
    "guide/b.md": page("B", "See [the first page](../a.md)."),
}
TWITCHING_PO = "locales/de/LC_MESSAGES/conditions/twitching.po"
WHY_PO = "locales/de/LC_MESSAGES/articles/why-does-my-muscle-twitch.po"
TWITCHING_MD = "content/conditions/twitching.md"


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "locpipe", "--root", str(root), *args], capture_output=True, text=True)


def snapshot(root: Path) -> dict[str, bytes]:
    """The bytes of everything locpipe writes: catalogues, templates and pages."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("locales", "build")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    }


def assert_refused(done: subprocess.CompletedProcess, where: str, message: str, code: int = 1) -> None:
    """One line ``where: error: …message…``, exit ``code``, no traceback."""
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"{where}: error: "), lines[0]
    assert message in lines[0], lines[0]
    assert done.returncode == code, (done.returncode, done.stderr)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """The 1-based line where ``text`` starts in ``path``."""
    data = path.read_text(encoding="utf-8")
    assert text in data, f"{text!r} is not in {path}"
    return data[: data.index(text)].count("\n") + 1


def po_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


@pytest.fixture(scope="module")
def small_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-page site with its catalogues and its build, made once."""
    root = make_site(tmp_path_factory.mktemp("small") / "site", PAGES)
    assert run(root, "update").returncode == 0
    assert run(root, "build").returncode == 0
    return root


@pytest.fixture
def small(small_built: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(small_built, tmp_path / "site"))


WRITERS = (("update", 1), ("build", 1))
EVERY_COMMAND = (*WRITERS, ("check", 2))  # check: 2 means it could not run at all


def refused(root: Path, where: str, message: str, commands: tuple = WRITERS) -> None:
    """Each command refuses with one line; no catalogue or page is touched."""
    before = snapshot(root)
    for command, code in commands:
        assert_refused(run(root, command), where, message, code)
        assert snapshot(root) == before, f"{command} changed files"


# Cases also run through ``check`` (every case runs ``update`` and ``build``).
CHECKED = {
    "front matter not YAML",
    "not UTF-8",
    "front matter never closed",
    "same output a.md and A.md",
    "link leaves content/",
    "missing content/",
    "missing",
    "publish.min_translated a string",
    "unknown locale ger",
    "syntax error in base.html",
}


# --- pages -------------------------------------------------------------------------------------
def write_page(text: str | bytes, name: str = "a.md") -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))

    return change


def remove(relative: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        target = root / relative
        shutil.rmtree(target) if target.is_dir() else target.unlink()

    return change


def _empty_content(root: Path) -> None:
    shutil.rmtree(root / "content")
    (root / "content").mkdir()
    (root / "content/notes.txt").write_text("not a page\n")


def _nfd_twin(root: Path) -> None:
    write_page(page("Café"), unicodedata.normalize("NFC", "café.md"))(root)
    write_page(page("Café"), unicodedata.normalize("NFD", "café.md"))(root)


def _link_to_outside(root: Path) -> None:
    outside = root.parent / f"{root.name}-outside"
    outside.mkdir()
    (outside / "secret.md").write_text(page("Secret", "Outside text."), encoding="utf-8")
    (root / "content/leak.md").symlink_to(outside / "secret.md")


PAGE_CASES = {
    "front matter not YAML": (write_page("---\ntitle: [unclosed\n---\nText\n"), "content/a.md:2", "invalid YAML"),
    "front matter a list": (
        write_page("---\n- a list\n---\nText\n"),
        "content/a.md:2",
        "front matter must be a mapping",
    ),
    "front matter a string": (
        write_page("---\njust words\n---\nText\n"),
        "content/a.md:2",
        "front matter must be a mapping",
    ),
    "front matter empty": (write_page("---\n---\nText\n"), "content/a.md:2", "front matter must be a mapping"),
    "no title": (write_page("---\ndescription: x\n---\nText\n"), "content/a.md:2", "needs a 'title:' with text"),
    "empty title": (
        write_page('---\ndescription: x\ntitle: "  "\n---\nText\n'),
        "content/a.md:3",
        "needs a 'title:' with text",
    ),
    "title a list": (write_page("---\ntitle: [a, b]\n---\nText\n"), "content/a.md:2", "needs a 'title:' with text"),
    "description a mapping": (
        write_page("---\ntitle: A\ndescription: {a: 1}\n---\n"),
        "content/a.md:3",
        "front matter 'description' must be text or a list of texts",
    ),
    "not UTF-8": (write_page(b"---\ntitle: A\n---\n\nFine.\n\nBad \xff byte.\n"), "content/a.md:7", "not UTF-8 text"),
    "Latin-1 title": (write_page("---\ntitle: Ärger\n---\n".encode("latin-1")), "content/a.md:2", "not UTF-8 text"),
    "front matter never closed": (write_page("---\ntitle: A\n\nText\n"), "content/a.md:1", "never closed"),
    "no front matter": (write_page("# A\n\nText\n"), "content/a.md:1", "no front matter"),
    "impossible date": (
        write_page("---\ntitle: A\ndate: 2026-13-45\n---\n"),
        "content/a.md:3",
        "cannot read '2026-13-45' as a date",
    ),
    "date not a date": (
        write_page("---\ntitle: A\ndate: next week\n---\n"),
        "content/a.md:3",
        "'date' must be a date written YYYY-MM-DD",
    ),
    "duplicate key": (
        write_page("---\ntitle: A\ntitle: B\n---\n"),
        "content/a.md:3",
        "duplicate key 'title' (first given at line 2)",
    ),
    "recursive alias": (
        write_page("---\ntitle: A\nloop: &x [*x]\n---\n"),
        "content/a.md:3",
        "alias refers to its own anchor",
    ),
    "python tag": (
        write_page("---\ntitle: !!python/object/apply:os.system [ls]\n---\n"),
        "content/a.md:2",
        "could not determine a constructor",
    ),
    "nested too deeply": (
        write_page("---\ntitle: A\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n"),
        "content/a.md:3",
        "nested too deeply",
    ),
    "same output a.md and A.md": (
        write_page(page("Other A"), "A.md"),
        "content/a.md",
        "writes the same output as content/A.md",
    ),
    "same output NFC and NFD names": (
        _nfd_twin,
        f"content/{unicodedata.normalize('NFC', 'café.md')}",
        "writes the same output as",
    ),
    "reserved index.md": (write_page(page("Home"), "index.md"), "content/index.md", "this name is reserved"),
    "reserved site.md": (write_page(page("Site"), "site.md"), "content/site.md", "this name is reserved"),
    "link leaves content/": (
        write_page(page("A", "Read [x](../../etc/passwd.md).")),
        "content/a.md:5",
        "link '../../etc/passwd.md' leads outside content/",
    ),
    "image leaves content/": (
        write_page(page("A", "Text.", "![x](../../../etc/shadow.png)")),
        "content/a.md:7",
        "leads outside content/",
    ),
    "reference link leaves content/": (
        write_page(page("A", "See [x][r].", "[r]: ../../etc/passwd.md")),
        "content/a.md:5",
        "leads outside content/",
    ),
    "link leaves content/ from a folder": (
        write_page(page("B", "[x](../../b.md)"), "guide/b.md"),
        "content/guide/b.md:5",
        "leads outside content/",
    ),
    "page is a link to a file outside content/": (
        _link_to_outside,
        "content/leak.md",
        "a link to a file outside content/",
    ),
    "empty content/": (_empty_content, "content", "no pages"),
    "missing content/": (remove("content"), "content", "no content/ folder"),
}


@pytest.mark.parametrize("case", PAGE_CASES, ids=list(PAGE_CASES))
def test_bad_page(small: Path, case: str) -> None:
    change, where, message = PAGE_CASES[case]
    change(small)
    refused(small, where, message, EVERY_COMMAND if case in CHECKED else WRITERS)


@pytest.mark.parametrize("broken", ["page", "catalogue"])
def test_a_bad_page_among_changed_pages_writes_no_page(shipped: Path, broken: str) -> None:
    for path in sorted((shipped / "content").rglob("*.md")):  # every page changed: every page is rebuilt
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    if broken == "page":
        (shipped / TWITCHING_MD).write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
        where = f"{TWITCHING_MD}:2"
    else:
        where = f"{TWITCHING_PO}:{_unterminated(shipped / TWITCHING_PO)}"
    before = snapshot(shipped)
    done = run(shipped, "build")
    after = snapshot(shipped)
    assert [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)] == []
    assert_refused(done, where, "")


def test_a_first_build_that_fails_leaves_no_build_folder(tmp_path: Path) -> None:
    """Pages rendered before the bad one are staged in folders the build made:
    none may be left for ``check`` to find."""
    root = make_site(
        tmp_path / "s", {**PAGES, "guide/deep/c.md": page("C", "Fine."), "guide/z.md": "---\ntitle: [unclosed\n---\n"}
    )
    assert_refused(run(root, "build"), "content/guide/z.md:2", "invalid YAML")
    assert not (root / "build").exists()


# --- site.yaml ---------------------------------------------------------------------------------
def site_yaml(text: str | bytes | None) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        if text is None:
            (root / "site.yaml").unlink()
        else:
            (root / "site.yaml").write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))

    return change


SITE_CASES = {
    "missing": (site_yaml(None), "site.yaml", "no site.yaml here"),
    "not YAML": (
        site_yaml(SITE_YAML.replace("name: Test", "name: a: b")),
        "site.yaml:2",
        "invalid YAML: mapping values are not allowed",
    ),
    "not a mapping": (site_yaml("- en\n- de\n"), "site.yaml:1", "must be a mapping of settings"),
    "empty": (site_yaml(""), "site.yaml:1", "must be a mapping of settings"),
    "not UTF-8": (site_yaml(SITE_YAML.encode("latin-1")), "site.yaml:11", "not UTF-8 text"),
    "publish.min_translated a string": (
        site_yaml(SITE_YAML.replace("min_translated: 100", "min_translated: lots")),
        "site.yaml:7",
        "publish.min_translated: must be int or float, not str 'lots'",
    ),
    "publish.min_translated out of range": (
        site_yaml(SITE_YAML.replace("min_translated: 100", "min_translated: 101")),
        "site.yaml:7",
        "publish.min_translated: must be a percentage",
    ),
    "publish not a mapping": (
        site_yaml(SITE_YAML.replace("publish:\n  min_translated: 100", "publish: 100")),
        "site.yaml:6",
        "publish: must be a mapping",
    ),
    "locales not a list": (
        site_yaml(SITE_YAML.replace("[en, de]", "en de")),
        "site.yaml:4",
        "locales: must be list, not str",
    ),
    "locales item not a code": (
        site_yaml(SITE_YAML.replace("[en, de]", "[en, [de]]")),
        "site.yaml:4",
        "locales.1: must be a locale code",
    ),
    "source locale not first": (
        site_yaml(SITE_YAML.replace("[en, de]", "[de, en]")),
        "site.yaml:4",
        "must list the source locale 'en' first",
    ),
    "source_locale missing": (
        site_yaml(SITE_YAML.replace("source_locale: en\n", "")),
        "site.yaml",
        "source_locale: is required",
    ),
    "disclaimer.approved.de not a string": (
        site_yaml(SITE_YAML.replace('de: "**Keine', 'de: ["**Keine').replace('Arzt."', 'Arzt."]')),
        "site.yaml:11",
        "disclaimer.approved.de: must be the approved wording as text",
    ),
    "disclaimer not a mapping": (
        site_yaml(SITE_YAML.split("disclaimer:")[0] + "disclaimer: Ask a doctor.\n"),
        "site.yaml:8",
        "disclaimer: must be a mapping",
    ),
    "name not a string": (
        site_yaml(SITE_YAML.replace("name: Test", "name: [Test]")),
        "site.yaml:2",
        "name: must be str",
    ),
    "base_url javascript:": (
        site_yaml(SITE_YAML.replace("https://example.org", "javascript:alert(1)")),
        "site.yaml:5",
        "base_url: must be the site's address",
    ),
    "base_url without host": (
        site_yaml(SITE_YAML.replace("https://example.org", "example.org")),
        "site.yaml:5",
        "base_url: must be the site's address",
    ),
    "unknown locale ger": (
        site_yaml(SITE_YAML.replace("[en, de]", "[en, ger]")),
        "site.yaml:4",
        "unknown locale 'ger': Babel has no data for it (did you mean 'de'?)",
    ),
    "unknown locale deu": (
        site_yaml(SITE_YAML.replace("[en, de]", "[en, deu]")),
        "site.yaml:4",
        "(did you mean 'de'?)",
    ),
    "locale with underscore": (site_yaml(SITE_YAML.replace("[en, de]", "[en, pt_BR]")), "site.yaml:4", "'pt-BR'"),
    "locale a path": (
        site_yaml(SITE_YAML.replace("[en, de]", "[en, ../../x]")),
        "site.yaml:4",
        "unknown locale '../../x'",
    ),
    "duplicate key": (
        site_yaml(SITE_YAML + "name: Other\n"),
        "site.yaml:12",
        "duplicate key 'name' (first given at line 2)",
    ),
    "impossible date": (site_yaml(SITE_YAML + "released: 2026-02-30\n"), "site.yaml:12", "as a date"),
}


@pytest.mark.parametrize("case", SITE_CASES, ids=list(SITE_CASES))
def test_bad_site_yaml(small: Path, case: str) -> None:
    change, where, message = SITE_CASES[case]
    change(small)
    refused(small, where, message, EVERY_COMMAND if case in CHECKED else WRITERS)


# --- templates ---------------------------------------------------------------------------------
def template(name: str, text: str | bytes) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / "templates").mkdir(exist_ok=True)
        (root / "templates" / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))

    return change


TEMPLATE_CASES = {
    "syntax error in page.html": (
        template("page.html", '{% extends "base.html" %}\n{% block main %}\n{% if title %}\n{% endblock %}\n'),
        "templates/page.html:4",
        "template error: Encountered unknown tag 'endblock'",
    ),
    "syntax error in base.html": (
        template("base.html", "<html>\n{% block main %}{% endblock %}\n{{ }}\n"),
        "templates/base.html:3",
        "template error",
    ),
    "syntax error in an included part": (
        lambda root: (
            template(
                "page.html", '{% extends "base.html" %}\n{% block main %}{% include "part.html" %}{% endblock %}\n'
            )(root),
            template("part.html", "<p>\n\n{% for %}\n")(root),
        ),
        "templates/part.html:3",
        "template error",
    ),
    "page.html not UTF-8": (
        template("page.html", b'{% extends "base.html" %}\n\n<p>\xe4</p>\n'),
        "templates/page.html:3",
        "not UTF-8 text",
    ),
    "base.html not UTF-8": (template("base.html", b"<html>\n\xff\n"), "templates/base.html:2", "not UTF-8 text"),
}


@pytest.mark.parametrize("case", TEMPLATE_CASES, ids=list(TEMPLATE_CASES))
def test_bad_template(small: Path, case: str) -> None:
    change, where, message = TEMPLATE_CASES[case]
    change(small)
    refused(small, where, message, EVERY_COMMAND if case in CHECKED else WRITERS)


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ('{% include "page.html" %}\n', 1),
        ('{% extends "base.html" %}\n{% block main %}\n{{ 1 // 0 }}\n{% endblock %}\n', 3),
        ('{% extends "base.html" %}\n{% block main %}\n{{ no_such_value.x }}\n{% endblock %}\n', 3),
    ],
    ids=["includes itself", "division by zero", "undefined value"],
)
def test_template_runtime_error_names_the_template_and_line(small: Path, body: str, line: int) -> None:
    template("page.html", body)(small)
    before = snapshot(small)
    done = run(small, "build")
    assert snapshot(small) == before
    assert_refused(done, f"templates/page.html:{line}", "template error")


# --- catalogues --------------------------------------------------------------------------------
def _unterminated(po: Path) -> int:
    edit(po, 'msgstr "Häufige Ursachen"', 'msgstr "Häufige Ursachen')
    return line_of(po, 'msgstr "Häufige Ursachen')


def _msgstr_first(po: Path) -> int:
    edit(po, 'msgid "Common Causes"\nmsgstr "Häufige Ursachen"', 'msgstr "Häufige Ursachen"\nmsgid "Common Causes"')
    return line_of(po, 'msgstr "Häufige Ursachen"')


def _duplicate(po: Path) -> int:
    with po.open("a", encoding="utf-8") as handle:
        handle.write('\nmsgid "Common Causes"\nmsgstr "Ursachen"\n')
    return line_of(po, 'msgstr "Ursachen"') - 1


def _bad_escape(po: Path) -> int:
    edit(po, 'msgstr "Häufige Ursachen"', 'msgstr "Häufige\\qUrsachen"')
    return line_of(po, 'msgstr "Häufige\\qUrsachen"')


def _not_utf8(po: Path) -> int:
    line = line_of(po, 'msgstr "Häufige Ursachen"')
    po.write_bytes(po.read_bytes().replace("Häufige Ursachen".encode(), "Häufige Ursachen".encode("latin-1")))
    return line


def _no_header(po: Path) -> int:
    text = po.read_text(encoding="utf-8")
    po.write_text(text[text.index("#: content") :], encoding="utf-8")
    return 1


def _text_after_quote(po: Path) -> int:
    edit(po, 'msgstr "Stress oder Angst"', 'msgstr "Stress oder Angst"x')
    return line_of(po, 'msgstr "Stress oder Angst"x')


def _no_msgstr(po: Path) -> int:
    edit(po, 'msgid "Common Causes"\nmsgstr "Häufige Ursachen"\n', 'msgid "Common Causes"\n')
    return line_of(po, 'msgid "Common Causes"')


def _no_msgstr_at_the_end(po: Path) -> int:
    text = po.read_text(encoding="utf-8")
    po.write_text(text[: text.rindex("\nmsgstr ") + 1], encoding="utf-8")
    return text[: text.rindex("\nmsgid ")].count("\n") + 2


def _latin1_charset(po: Path) -> int:
    edit(po, "charset=UTF-8", "charset=ISO-8859-1")
    return line_of(po, '"Content-Type:')


def _charset_split_across_strings(po: Path) -> int:
    """gettext joins the strings and reads Latin-1; one string at a time, each looks harmless."""
    edit(po, '"Content-Type: text/plain; charset=UTF-8\\n"', '"Content-Type: text/plain; "\n"charset=ISO-8859-1\\n"')
    return line_of(po, 'msgid ""')


def _escape_polib_misreads(po: Path) -> int:
    """gettext reads \\x41 as "A"; polib would keep the backslash and letters."""
    edit(po, 'msgstr "Häufige Ursachen"', 'msgstr "Häufige \\x41Ursachen"')
    return line_of(po, 'msgstr "Häufige \\x41Ursachen"')


CATALOG_CASES = {
    "unterminated string": (_unterminated, "end of line within a string"),
    "msgstr before msgid": (_msgstr_first, "msgstr without a msgid before it"),
    "text after the closing quote": (_text_after_quote, "text after the closing quote: 'x'"),
    "msgid without msgstr": (_no_msgstr, "msgid without msgstr"),
    "msgid without msgstr at the end": (_no_msgstr_at_the_end, "msgid without msgstr"),
    "duplicate msgid": (_duplicate, "duplicate message (first defined at line"),
    "invalid escape": (_bad_escape, "invalid escape sequence '\\q'"),
    "not UTF-8": (_not_utf8, "not UTF-8 text"),
    "header missing": (_no_header, 'no header entry (msgid "")'),
    "charset ISO-8859-1": (_latin1_charset, "declares charset ISO-8859-1: locpipe reads UTF-8 only"),
    "charset split across strings": (_charset_split_across_strings, "declares charset ISO-8859-1: locpipe reads UTF-8"),
    "escape polib misreads": (_escape_polib_misreads, "escape sequence '\\x41' in a string: locpipe's PO reader"),
}


@pytest.mark.parametrize("case", CATALOG_CASES, ids=list(CATALOG_CASES))
def test_bad_catalogue_stops_update_and_build(shipped: Path, case: str) -> None:
    change, message = CATALOG_CASES[case]
    line = change(shipped / TWITCHING_PO)
    before = snapshot(shipped)
    for command in ("update", "build"):
        assert_refused(run(shipped, command), f"{TWITCHING_PO}:{line}", message)
        assert snapshot(shipped) == before, f"{command} changed files"


@pytest.mark.parametrize("case", CATALOG_CASES, ids=list(CATALOG_CASES))
def test_bad_catalogue_is_a_check_finding_and_the_others_are_still_checked(shipped: Path, case: str) -> None:
    change, message = CATALOG_CASES[case]
    line = change(shipped / TWITCHING_PO)
    other = shipped / WHY_PO
    edit(other, 'msgstr "Einleitung"', 'msgstr "Einleitung <b>"')
    before = snapshot(shipped)
    done = run(shipped, "check")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    findings = done.stdout.splitlines()
    assert any(f.startswith(f"{TWITCHING_PO}:{line}: error [syntax]: ") and message in f for f in findings), done.stdout
    other_line = line_of(other, 'msgstr "Einleitung <b>"')
    assert (
        f"{WHY_PO}:{other_line}: error [markup]: raw HTML '<b>' in the translation: translations must not carry markup"
        in findings
    )
    assert snapshot(shipped) == before


@pytest.mark.parametrize("encoding", ["crlf", "bom", "crlf+bom"])
def test_crlf_and_bom_catalogues_are_read_and_used(shipped: Path, encoding: str) -> None:
    po = shipped / TWITCHING_PO
    data = po.read_bytes()
    if "crlf" in encoding:
        data = data.replace(b"\n", b"\r\n")
    if "bom" in encoding:
        data = b"\xef\xbb\xbf" + data
    po.write_bytes(data)
    shutil.rmtree(shipped / "build")
    done = run(shipped, "build")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    doc = lxml.html.fromstring((shipped / "build/de/conditions/twitching.html").read_bytes())
    assert doc.findtext(".//h1") == "Muskelzucken"
    assert "Häufige Ursachen" in [h.text_content() for h in doc.iter("h2")]
    assert not doc.xpath("//main//*[@lang='en']"), "a translation of the CRLF/BOM catalogue was not used"
    done = run(shipped, "check")
    assert done.returncode == 0, done.stdout
    assert run(shipped, "update").returncode == 0
    after = po.read_bytes()
    # update keeps the file as the translator's tool saved it, or rewrites it whole: never mixed line ends
    assert after == data or b"\r" not in after


def _folder(po: Path) -> None:
    po.unlink()
    po.mkdir()


def _symlink_loop(po: Path) -> None:  # unreadable even for root, who may read any file
    po.unlink()
    po.symlink_to(po.name)


UNREADABLE = {
    "a folder": (_folder, "Is a directory"),
    "a symlink loop": (_symlink_loop, "Too many levels of symbolic links"),
}


@pytest.mark.parametrize("case", UNREADABLE)
def test_an_unreadable_catalogue_is_named_relative_to_the_site(shipped: Path, case: str) -> None:
    change, reason = UNREADABLE[case]
    change(shipped / TWITCHING_PO)
    refused(shipped, TWITCHING_PO, f"cannot read the catalogue: {reason}", (*WRITERS, ("stats", 1)))
    done = run(shipped, "check")
    assert f"{TWITCHING_PO}: error [syntax]: cannot read the catalogue: {reason}" in done.stdout.splitlines(), (
        done.stdout
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr


def test_a_folder_named_like_a_catalogue_is_named_relative_to_the_site(shipped: Path) -> None:
    (shipped / "locales/de/LC_MESSAGES/x.po").mkdir()
    refused(
        shipped,
        "locales/de/LC_MESSAGES/x.po",
        "cannot read the catalogue: Is a directory",
        (("update", 1), ("stats", 1)),
    )


def test_old_mac_line_ends_are_refused_before_anything_is_written(shipped: Path) -> None:
    """Old Mac line ends (CR only): gettext reads a lone CR as white space, polib
    and most editors as a line end, so the file is refused at its first CR. No
    catalogue is written, though every other one changes too."""
    for path in sorted((shipped / "content").rglob("*.md")):
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    po = shipped / TWITCHING_PO
    po.write_bytes(po.read_bytes().replace(b"\n", b"\r"))
    before = {name: data for name, data in snapshot(shipped).items() if "/LC_MESSAGES/" in name}
    assert_refused(run(shipped, "update"), f"{TWITCHING_PO}:1", "carriage return (CR) inside a line")
    assert {name: data for name, data in snapshot(shipped).items() if "/LC_MESSAGES/" in name} == before


# --- unbalanced Markdown in a translation --------------------------------------------------------
def test_unclosed_strong_in_a_msgstr_is_a_markup_finding_and_still_builds(shipped: Path) -> None:
    po = shipped / TWITCHING_PO
    edit(po, '"**Gutartige Faszikulationen:** Häufiges', '"**Gutartige Faszikulationen: Häufiges')
    line = line_of(po, '"**Gutartige Faszikulationen: Häufiges') - 1  # the msgstr "" line above
    done = run(shipped, "check")
    assert done.returncode == 1
    assert (
        f"{TWITCHING_PO}:{line}: error [markup]: the source has 1 strong (**…**) span(s), the translation 0: "
        "check the markers are balanced" in done.stdout.splitlines()
    )
    done = run(shipped, "build")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    raw = (shipped / "build/de/conditions/twitching.html").read_bytes()
    assert raw.count(b"<strong>") == raw.count(b"</strong>")
    doc = lxml.html.fromstring(raw)
    items = [li.text_content() for li in doc.iter("li")]
    assert any(text.startswith("**Gutartige Faszikulationen: Häufiges") for text in items), items


def test_unclosed_strong_where_the_source_has_none_is_a_markup_finding(shipped: Path) -> None:
    po = shipped / TWITCHING_PO
    edit(po, 'msgstr "Stress oder Angst"', 'msgstr "**Stress oder Angst"')
    done = run(shipped, "check")
    line = line_of(po, 'msgstr "**Stress oder Angst"')
    assert done.returncode == 1
    assert any(f.startswith(f"{TWITCHING_PO}:{line}: error [markup]: ") for f in done.stdout.splitlines()), done.stdout


# --- XSS -----------------------------------------------------------------------------------------
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<iframe src="javascript:alert(1)"></iframe>',
    '"><svg onload=alert(1)>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;",
    '<a href="jav&#x61;script:alert(1)">x</a>',
    "[x](JaVaScRiPt:alert(1))",
    "![x](javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](&#x6A;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<style>aside{display:none}</style>",
]
LIVE_TAGS = {"script", "iframe", "svg", "object", "embed", "math", "style", "base", "form"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "background", "xlink:href", "data"}
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")


def live_markup(root: Path) -> list[str]:
    """Every script-capable element, event handler or unsafe URL in the built pages."""
    found = []
    pages = sorted((root / "build").rglob("*.html"))
    assert pages
    for path in pages:
        relative = path.relative_to(root).as_posix()
        for element in lxml.html.document_fromstring(path.read_bytes()).iter():
            if not isinstance(element.tag, str):
                continue
            if element.tag.lower() in LIVE_TAGS and not (element.tag == "style" and element.getparent().tag == "head"):
                found.append(f"{relative}: <{element.tag}>")
            for name, value in element.attrib.items():
                if name.lower().startswith("on"):
                    found.append(f"{relative}: <{element.tag} {name}>")
                if name.lower() in URL_ATTRIBUTES:
                    url = _IGNORED_IN_URLS.sub("", html.unescape(value)).lower()
                    if url.startswith(UNSAFE_SCHEMES):
                        found.append(f"{relative}: <{element.tag} {name}={value!r}>")
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_in_msgstrs_is_inert_and_reported(shipped: Path, payload: str) -> None:
    po = shipped / TWITCHING_PO
    edit(po, 'msgstr "Stress oder Angst"', f'msgstr "Stress oder Angst {po_string(payload)}"')
    edit(po, 'msgstr "Muskelzucken"', f'msgstr "Muskelzucken {po_string(payload)}"')
    body_line, title_line = line_of(po, 'msgstr "Stress oder Angst '), line_of(po, 'msgstr "Muskelzucken ')
    done = run(shipped, "build")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert live_markup(shipped) == []
    page_html = (shipped / "build/de/conditions/twitching.html").read_text(encoding="utf-8")
    assert "Stress oder Angst" in page_html
    done = run(shipped, "check")
    assert done.returncode == 1
    for line in (body_line, title_line):
        assert any(f.startswith(f"{TWITCHING_PO}:{line}: error [markup]: ") for f in done.stdout.splitlines()), (
            line,
            done.stdout,
        )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_in_front_matter_is_inert(shipped: Path, payload: str) -> None:
    path = shipped / TWITCHING_MD
    value = json.dumps(payload)
    edit(path, "title: Twitching\n", f"title: {json.dumps('Twitching ' + payload)}\n")
    edit(path, "description: Twitching refers", f"description: {value}\nsummary: Twitching refers")
    edit(path, "  - zinc\n", f"  - zinc\n  - {value}\n")
    done = run(shipped, "build")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert live_markup(shipped) == []
    for locale in ("en", "de"):
        doc = lxml.html.fromstring((shipped / f"build/{locale}/conditions/twitching.html").read_bytes())
        assert doc.findtext(".//h1") == f"Twitching {payload}"  # shown as the text it is
        assert payload in [li.text_content() for li in doc.xpath('//section[@class="ingredients"]//li')]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_in_site_yaml_is_inert(shipped: Path, payload: str) -> None:
    path = shipped / "site.yaml"
    value = json.dumps(payload)
    edit(path, "name: VMC", f"name: {value}")
    edit(path, 'source: "**Note', f"source: {value[:-1]} **Note")
    edit(path, 'de: "**Hinweis', f"de: {value[:-1]} **Hinweis")
    edit(path, "base_url: https://example.org", f"base_url: {json.dumps('https://example.org/' + payload)}")
    done = run(shipped, "build")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert live_markup(shipped) == []
    doc = lxml.html.fromstring((shipped / "build/en/conditions/twitching.html").read_bytes())
    assert doc.findtext('.//a[@class="site-name"]') == payload


@pytest.mark.parametrize(
    "base_url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example",
        '"><svg onload=alert(1)>',
    ],
)
def test_unsafe_base_url_is_refused(small: Path, base_url: str) -> None:
    edit(small / "site.yaml", "base_url: https://example.org", f"base_url: {json.dumps(base_url)}")
    refused(small, "site.yaml:5", "base_url: must be the site's address", (("build", 1),))


# --- errors crossing a process boundary ---------------------------------------------------------
@pytest.mark.parametrize("kind", [LocpipeError, ConfigError, ContentError, CatalogError, RenderError])
def test_errors_keep_file_and_line_through_pickle(kind: type[LocpipeError]) -> None:
    """Worker processes send errors back pickled: the file and line must survive."""
    error = pickle.loads(pickle.dumps(kind("bad input", "content/a.md", 7)))
    assert type(error) is kind
    assert (error.message, error.path, error.line, str(error)) == (
        "bad input",
        "content/a.md",
        7,
        "content/a.md:7: bad input",
    )


def test_a_catalogue_msgcat_refuses_is_named_with_msgcat_s_first_line_and_reason() -> None:
    """Not its closing count of errors: the line and reason of the first one."""
    from locpipe.po.gnu import gnu_layout

    twice = b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "x"\nmsgstr "y"\n\nmsgid "x"\nmsgstr "z"\n'
    with pytest.raises(CatalogError) as refused:
        gnu_layout(twice, "locales/de/LC_MESSAGES/a.po")
    assert (refused.value.path, refused.value.line) == ("locales/de/LC_MESSAGES/a.po", 7)
    assert refused.value.message.startswith("GNU msgcat refused the catalogue: duplicate message definition")


def test_what_gettext_reads_polib_is_given_as_gettext_reads_it(shipped: Path) -> None:
    """A line separator (U+2028) inside a msgstr, which polib alone would take
    for a line end, and "#,fuzzy" written without a space: read as gettext reads them."""
    po = shipped / TWITCHING_PO
    edit(po, 'msgstr "Häufige Ursachen"', 'msgstr "Häufige\u2028Ursachen"')
    text = po.read_text(encoding="utf-8")
    head, tail = text.split('msgid "Common Causes"', 1)
    po.write_text(head + '#,fuzzy\nmsgid "Common Causes"' + tail, encoding="utf-8")
    assert msgfmt_check(po).returncode == 0
    entry = read_catalogue(po.read_bytes(), TWITCHING_PO).by_key()[(None, "Common Causes")]
    assert entry.msgstr == "Häufige\u2028Ursachen" and entry.fuzzy
