"""Each check with catalogues or pages that fail it and ones that pass it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_site, msgfmt_check
from locpipe import catalog, pipeline
from locpipe.checks import LocaleRules, check_message
from locpipe.errors import CatalogError
from locpipe.model import Message
from locpipe.site_checks import approved_text, built_page, disclaimer_entry, sync, unfinished

DE = LocaleRules("en", "de", {"IU": ["I.E."]})
CHECKS = FIXTURES / "check"


# --- message checks: (check, msgid, msgstr, expected problems of that check) ---------------
MESSAGE_CASES = [
    ("markup", "See [the guide](../a.md) and **this**.", "Siehe [den Leitfaden](../a.md) und **dies**.", []),
    ("markup", "See [the guide](../a.md).", "Siehe [den Leitfaden](../b.md).",
     ["link target '../a.md' is missing from the translation; keep it exactly",
      "the translation adds link target '../b.md', which the source does not have"]),
    ("markup", "Use `mg` here.", "Nutze `Milligramm` hier.",
     ["code span 'mg' is missing from the translation; keep it exactly",
      "the translation adds code span 'Milligramm', which the source does not have"]),
    ("markup", "A **bold** claim.", "Eine **fette Aussage.", ["the source has 1 strong (**…**) span(s), the translation 0: check the markers are balanced",
                                                             "'**' without its partner in the translation: close the span or remove the marker"]),
    ("markup", "An *emphasis*.", "Eine Betonung.", ["the source has 1 emphasis (*…*) span(s), the translation 0: check the markers are balanced"]),
    ("markup", "Stress or anxiety", "**Stress oder Angst", ["'**' without its partner in the translation: close the span or remove the marker"]),
    ("markup", "5 * 3 doses", "5 * 3 Dosen", []),
    ("markup", "![A diagram](a.png)", "![Ein Diagramm](b.png)",
     ["image 'a.png' is missing from the translation; keep it exactly", "the translation adds image 'b.png', which the source does not have"]),
    ("markup", "Hello.", "Hallo <script>alert(1)</script>.",
     ["raw HTML '<script>' in the translation: translations must not carry markup",
      "raw HTML '</script>' in the translation: translations must not carry markup"]),
    ("markup", "Hello.", "Hallo &lt;script&gt;.",
     ["character reference '&lt;' in the translation: write the character itself",
      "character reference '&gt;' in the translation: write the character itself"]),
    ("markup", "Hello.", 'Hallo <img src=x onerror="alert(1)">.',
     ["raw HTML '<img src=x onerror=\"alert(1)\">' in the translation: translations must not carry markup"]),
    ("numbers", "Magnesium citrate (e.g. 300–400 mg daily)", "Magnesiumcitrat (z. B. 300–400 mg täglich)", []),
    ("numbers", "Magnesium citrate (e.g. 300–400 mg daily)", "Magnesiumcitrat (z. B. 30–400 mg täglich)", ['"300–400 mg" became "30–400 mg"']),
    ("numbers", "Magnesium citrate (e.g. 300–400 mg daily)", "Magnesiumcitrat (z. B. 300–400 g täglich)", ['"300–400 mg" became "300–400 g"']),
    ("numbers", "Potassium: 2,000–3,000 mg/day", "Kalium: 2.000–3.000 mg/Tag", []),
    ("numbers", "Potassium: 2,000–3,000 mg/day", "Kalium: 2,000–3,000 mg/Tag", ['"2,000–3,000 mg" became "2,000–3,000 mg"']),
    ("numbers", "Vitamin D: 800–2,000 IU/day", "Vitamin D: 800–2.000 I.E./Tag", []),
    ("numbers", "70% of patients", "70 % der Patienten", []),
    ("numbers", "a dose of 2.5 mg", "eine Dosis von 2,5 mg", []),
    ("numbers", "within 14 days", "innerhalb von Tagen", ['"14" is missing from the translation']),
    ("numbers", "Vitamins B1, B6 and B12", "Vitamine B1, B6 und B12", []),
    ("placeholders", "Published on %(date)s", "Veröffentlicht am %(date)s", []),
    ("placeholders", "Published on %(date)s", "Veröffentlicht am %(datum)s",
     ["placeholders differ: the source has ['date'], keep them exactly (e.g. %(date)s)"]),
    ("identical", "Magnesium is one of the most effective natural solutions.", "Magnesium ist eine der wirksamsten natürlichen Lösungen.", []),
    ("identical", "Magnesium is one of the most effective natural solutions.", "Magnesium is one of the most effective natural solutions.",
     ["the translation is identical to the source; translate it (or confirm it needs none)"]),
    ("identical", "Link: <https://www.bmj.com/content/364/bmj.l1234>", "Link: <https://www.bmj.com/content/364/bmj.l1234>", []),
    ("whitespace", "Stress", " Stress", ["leading white space differs from the source"]),
    ("whitespace", "Stress", "Stress", []),
    ("doubled-word", "It limits drinks that excite.", "Es begrenzt Getränke, die die Erregung steigern.", []),
    ("doubled-word", "It calms the nerves.", "Es beruhigt beruhigt die Nerven.", ["doubled word 'beruhigt beruhigt'"]),
]


@pytest.mark.parametrize(("check", "msgid", "msgstr", "expected"), MESSAGE_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(MESSAGE_CASES)])
def test_message_check(check: str, msgid: str, msgstr: str, expected: list[str]) -> None:
    rules = DE if check != "placeholders" else LocaleRules("en", "de", python_format=True)
    found = [message for name, _severity, message in check_message(msgid, msgstr, rules) if name == check]
    assert found == expected


def test_every_registered_message_check_has_a_failing_and_a_passing_case() -> None:
    from locpipe.checks import MESSAGE_CHECKS

    for name in MESSAGE_CHECKS:
        outcomes = {bool(case[3]) for case in MESSAGE_CASES if case[0] == name}
        assert outcomes == {True, False}, name


# --- syntax: catalogues beside the error they must give --------------------------------------
def _expected(name: str) -> list[tuple[str, str]]:
    rows = (CHECKS / name).read_text(encoding="utf-8").splitlines()
    return [(row.split(":")[0], row) for row in rows]


@pytest.mark.parametrize(("fixture", "expected"), _expected("expected-syntax.txt"))
def test_syntax(fixture: str, expected: str) -> None:
    data = (CHECKS / fixture).read_bytes()
    try:
        catalog.read_catalog(data, fixture)
        outcome = fixture
    except CatalogError as exc:
        outcome = str(exc)
    assert outcome == expected


# What locpipe refuses and GNU gettext reads: a charset other than UTF-8, and a
# keyword whose string starts on the next line (translate-toolkit cannot read it).
LOCPIPE_ONLY = {"syntax-fail-latin1.po", "syntax-fail-keyword-alone.po"}


@pytest.mark.parametrize("fixture", sorted(path.name for path in CHECKS.glob("syntax-*.po")))
def test_syntax_fixtures_are_what_msgfmt_accepts_and_refuses(fixture: str) -> None:
    done = msgfmt_check(CHECKS / fixture)
    assert (done.returncode == 0) == (fixture == "syntax-pass.po" or fixture in LOCPIPE_ONLY), done.stderr


# --- sync, completeness and the disclaimer entry ----------------------------------------------
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def store(entries: str) -> catalog.Store:
    return catalog.read_catalog((HEADER + entries).encode(), "test.po")


MESSAGES = [Message("Stress"), Message("Caffeine")]


def test_sync_passes_when_the_catalogue_holds_exactly_the_content() -> None:
    assert list(sync(MESSAGES, store('msgid "Stress"\nmsgstr ""\n\nmsgid "Caffeine"\nmsgstr ""\n\n#~ msgid "Old"\n#~ msgstr "Alt"\n'))) == []


def test_sync_fails_on_missing_and_stale_messages() -> None:
    problems = list(sync(MESSAGES, store('msgid "Stress"\nmsgstr ""\n\nmsgid "Alcohol"\nmsgstr "Alkohol"\n')))
    assert [(p.message, p.line) for p in problems] == [
        ('1 message(s) of the content are missing (first: "Caffeine"): run make update', None),
        ('"Alcohol" is no longer in the content but still active: run make update', 8),
    ]


def test_completeness_counts_untranslated_and_fuzzy_as_unfinished() -> None:
    catalogue = store('msgid "Stress"\nmsgstr "Stress"\n\n#, fuzzy\nmsgid "Caffeine"\nmsgstr "Koffein"\n')
    assert [m.msgid for m, _unit in unfinished(MESSAGES, catalogue)] == ["Caffeine"]
    catalogue = store('msgid "Stress"\nmsgstr "Stress"\n\nmsgid "Caffeine"\nmsgstr "Koffein"\n')
    assert unfinished(MESSAGES, catalogue) == []


APPROVED = "**Keine Beratung.** Frag eine Ärztin."
DISCLAIMER_ENTRY = 'msgctxt "disclaimer"\nmsgid "**No advice.** Ask a doctor."\nmsgstr "{}"\n'


@pytest.mark.parametrize(("entry", "expected"), [
    (DISCLAIMER_ENTRY.format(APPROVED), []),
    (DISCLAIMER_ENTRY.format("**Keine  Beratung.**\\n Frag eine Ärztin."), []),  # white space is normalized
    (DISCLAIMER_ENTRY.format("**Keine Beratung.** Frag eventuell eine Ärztin."),
     ['the disclaimer differs from the approved wording in site.yaml: "eventuell" was added']),
    ("#, fuzzy\n" + DISCLAIMER_ENTRY.format(APPROVED),
     ["the disclaimer is marked fuzzy: confirm the approved wording from site.yaml and remove the fuzzy flag"]),
    (DISCLAIMER_ENTRY.format(""), ["the disclaimer is not translated: use the approved wording from site.yaml"]),
    ('msgid "Other"\nmsgstr "Andere"\n', ['no disclaimer entry (msgctxt "disclaimer"): run make update']),
], ids=["approved", "whitespace", "softened", "fuzzy", "empty", "absent"])
def test_disclaimer_entry(entry: str, expected: list[str]) -> None:
    assert [p.message for p in disclaimer_entry(store(entry), APPROVED)] == expected


# --- built pages ---------------------------------------------------------------------------------
SHIPPED_STYLESHEET = (Path(pipeline.__file__).parent / "templates" / "style.css").read_text(encoding="utf-8")


def fixture_build(path: str) -> str | None:
    """build/ as a fixture page sees it: the shipped stylesheet, and the fixtures as build/de/."""
    if path == "build/style.css":
        return SHIPPED_STYLESHEET
    fixture = CHECKS / path.removeprefix("build/de/")
    return fixture.read_text(encoding="utf-8") if path.startswith("build/de/") and fixture.is_file() else None


def _expected_built() -> dict[str, list[str]]:
    """Each fixture's findings, one a line (``fixture:line: severity: message``)."""
    rows: dict[str, list[str]] = {}
    for row in (CHECKS / "expected-built.txt").read_text(encoding="utf-8").splitlines():
        fixture = row.split(":")[0]
        rows.setdefault(fixture, []).extend([row] if row != fixture else [])
    return rows


def built_problems(html: bytes, page: str = "build/de/page.html", read=fixture_build) -> list[str]:
    name = page.rsplit("/", 1)[-1]
    return [f"{name}{f':{p.line}' if p.line else ''}: {p.severity}: {p.message}"
            for p in built_page(html, approved_text(APPROVED), approved_text("**No advice.** Ask a doctor."), page, read)]


@pytest.mark.parametrize(("fixture", "expected"), sorted(_expected_built().items()))
def test_built_page(fixture: str, expected: list[str]) -> None:
    assert built_problems((CHECKS / fixture).read_bytes(), f"build/de/{fixture}") == expected


def test_every_built_page_fixture_has_its_expected_findings() -> None:
    assert sorted(path.name for path in CHECKS.glob("built-*.html")) == sorted(_expected_built())


def test_built_page_hidden_by_the_site_stylesheet() -> None:
    hiding = {"build/style.css": "aside.disclaimer{visibility: hidden}"}.get
    assert built_problems((CHECKS / "built-pass.html").read_bytes(), "build/de/built-pass.html", hiding) == [
        "built-pass.html:4: error: the disclaimer is hidden (visibility: hidden on <aside>, from the CSS rule 'aside.disclaimer' "
        "at build/style.css:1): it must be visible on every page"]


def test_built_page_reads_stylesheets_relative_to_the_page() -> None:
    html = (CHECKS / "built-fail-link.html").read_bytes().replace(b'href="built-hide.css"', b'href="./../de/built-hide.css?v=2#top"')
    assert built_problems(html) == ["page.html:4: error: the disclaimer is hidden (display: none on <p>, from the CSS rule 'aside.disclaimer p' "
                        "at build/de/built-hide.css:2): it must be visible on every page"]
    outside = html.replace(b"./../de/built-hide.css?v=2#top", b"../../site.yaml")
    assert built_problems(outside) == ["page.html:2: warning: the stylesheet '../../site.yaml' is not a file under build/: what it hides is not checked"]


@pytest.mark.parametrize("css", [
    ".disclaimer{display:none}",  # the whole rule set at the same specificity later
    "aside.ad{display:none} .disclaimer p { color: #1f2328 } .disclaimer { background: #fff8e1 }",
    "@media print { .site-header { display: none } }",
])
def test_built_page_does_not_cry_wolf(css: str) -> None:
    html = (CHECKS / "built-pass.html").read_bytes().replace(b"</head>", f"<style>{css}</style><style>.disclaimer{{display:block}}</style></head>".encode())
    assert built_problems(html) == []


@pytest.fixture(scope="module")
def built_shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_site(tmp_path_factory.mktemp("built"))
    pipeline.build(pipeline.load_site(root))
    return root


@pytest.fixture
def built_site(built_shipped: Path, tmp_path: Path) -> Path:
    root = copy_site(tmp_path / "site", built_shipped)
    shutil.copytree(built_shipped / "build", root / "build")
    return root


def built_findings(root: Path, built: bool | None = True) -> list[str]:
    return [str(finding) for finding in pipeline.check(pipeline.load_site(root), built=built).findings]


def test_a_built_page_finding_has_the_line_of_the_element_that_hides(built_site: Path) -> None:
    page = built_site / "build/de/conditions/twitching.html"
    html = page.read_text(encoding="utf-8").replace("ersetzen keine", 'ersetzen <span hidden="">keine</span>')
    page.write_text(html, encoding="utf-8")
    line = next(number for number, text in enumerate(html.splitlines(), 1) if "<span hidden" in text)
    assert built_findings(built_site) == [
        f'build/de/conditions/twitching.html:{line}: error [disclaimer]: the disclaimer is partly hidden (hidden attribute on <span>): "keine" is missing']


def test_built_pages_use_the_stylesheets_they_link_and_import(built_site: Path) -> None:
    (built_site / "build/de/print.css").write_text("\n@media print {\n  .disclaimer { display: none }\n}\n", encoding="utf-8")
    (built_site / "build/de/extra.css").write_text('@import "print.css";\n', encoding="utf-8")  # relative to extra.css
    with (built_site / "build/style.css").open("a", encoding="utf-8") as stylesheet:
        stylesheet.write('@import "de/print.css";\n')  # after the rules: a browser ignores it, and so does check
    page = built_site / "build/de/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", '<link rel="stylesheet" href="extra.css">\n</head>'), encoding="utf-8")
    assert built_findings(built_site) == [
        "build/de/index.html:26: error [disclaimer]: the disclaimer is hidden (display: none on <aside>, from the CSS rule '.disclaimer' "
        "in @media print at build/de/print.css:3): it must be visible on every page"]


def test_a_page_the_site_does_not_make_is_an_error(built_site: Path) -> None:
    for stale in ("build/de/old.html", "build/de/articles/renamed.html"):
        shutil.copy(built_site / "build/de/index.html", built_site / stale)
    for other in ("build/screenshots/de.html", "build/status.html", "build/de/notes.txt"):
        (built_site / other).parent.mkdir(parents=True, exist_ok=True)
        (built_site / other).write_text("<p>not a page</p>", encoding="utf-8")
    message = "error [disclaimer]: this is not a page of the site (left by an older build, or put there by hand): rebuild from clean with make clean build"
    assert built_findings(built_site) == [f"build/de/articles/renamed.html: {message}", f"build/de/old.html: {message}"]


def test_built_pages_are_checked_by_locale_folder_unless_asked(built_site: Path) -> None:
    shutil.rmtree(built_site / "build/en")
    (built_site / "build/screenshots").mkdir()
    (built_site / "build/de/conditions/twitching.html").unlink()
    assert built_findings(built_site, None) == ["build/de/conditions/twitching.html: error [disclaimer]: the page was not built: run make build"]
    shutil.rmtree(built_site / "build/de")
    assert built_findings(built_site, None) == []  # build/ holds only screenshots, the language picker, ...
    assert len(built_findings(built_site, True)) == 2 * len(pipeline.load_site(built_site).page_paths) + 2
