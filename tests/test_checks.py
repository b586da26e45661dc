"""Each check with catalogues or pages that fail it and ones that pass it."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import FIXTURES, msgfmt_check
from locpipe import pipeline
from locpipe.checks.catalogue import approved_text, disclaimer_entry, sync, unfinished
from locpipe.checks.message import LocaleRules, check_message
from locpipe.checks.page import built_page
from locpipe.errors import CatalogError
from locpipe.model import Catalogue, Entry, Finding, Message
from locpipe.po.store import catalogue_text, read_catalogue
from locpipe.project.paths import PACKAGE_TEMPLATES
from locpipe.source.dialect import parser
from sites import SITE_YAML, make_site, page

DE = LocaleRules("en", "de", {"IU": ["I.E."]})
BRACKET = "'[' or ']' that makes no link in the translation: write a link as [text](target), or remove the bracket"
LINE_START = "a line of the translation starts with '{}', {} in Markdown, which the source does not have: it shows on the page as written; remove it"
BLANK_LINE = (
    "the translation has a blank line, which the source does not have: a message is one paragraph; join the lines"
)
CHECKS = FIXTURES / "check"


# --- message checks: (check, msgid, msgstr, expected problems of that check) ---------------
MESSAGE_CASES = [
    ("markup", "See [the guide](../a.md) and **this**.", "Siehe [den Leitfaden](../a.md) und **dies**.", []),
    (
        "markup",
        "See [the guide](../a.md).",
        "Siehe [den Leitfaden](../b.md).",
        [
            "link target '../a.md' is missing from the translation; keep it exactly",
            "the translation adds link target '../b.md', which the source does not have",
        ],
    ),
    (
        "markup",
        "Use `mg` here.",
        "Nutze `Milligramm` hier.",
        [
            "code span 'mg' is missing from the translation; keep it exactly",
            "the translation adds code span 'Milligramm', which the source does not have",
        ],
    ),
    (
        "markup",
        "A **bold** claim.",
        "Eine **fette Aussage.",
        [
            "the source has 1 strong (**…**) span(s), the translation 0: check the markers are balanced",
            "'**' without its partner in the translation: close the span or remove the marker",
        ],
    ),
    (
        "markup",
        "An *emphasis*.",
        "Eine Betonung.",
        ["the source has 1 emphasis (*…*) span(s), the translation 0: check the markers are balanced"],
    ),
    (
        "markup",
        "Stress or anxiety",
        "**Stress oder Angst",
        ["'**' without its partner in the translation: close the span or remove the marker"],
    ),
    ("markup", "5 * 3 doses", "5 * 3 Dosen", []),
    (
        "markup",
        "![A diagram](a.png)",
        "![Ein Diagramm](b.png)",
        [
            "image 'a.png' is missing from the translation; keep it exactly",
            "the translation adds image 'b.png', which the source does not have",
        ],
    ),
    (
        "markup",
        "Hello.",
        "Hallo <script>alert(1)</script>.",
        [
            "raw HTML '<script>' in the translation: translations must not carry markup",
            "raw HTML '</script>' in the translation: translations must not carry markup",
        ],
    ),
    (
        "markup",
        "Hello.",
        "Hallo &lt;script&gt;.",
        [
            "character reference '&lt;' in the translation: write the character itself",
            "character reference '&gt;' in the translation: write the character itself",
        ],
    ),
    (
        "markup",
        "Hello.",
        'Hallo <img src=x onerror="alert(1)">.',
        ["raw HTML '<img src=x onerror=\"alert(1)\">' in the translation: translations must not carry markup"],
    ),
    # Markdown left unbalanced: it reaches the page as the markers themselves
    (
        "markup",
        "Stress or anxiety",
        "`Stress oder Angst",
        ["'`' without its partner in the translation: close the span or remove the marker"],
    ),
    (
        "markup",
        "Stress or anxiety",
        "_Stress oder Angst",
        ["'_' without its partner in the translation: close the span or remove the marker"],
    ),
    ("markup", "names like snake_case", "Namen wie snake_case", []),
    ("markup", "Stress or anxiety", "[Stress oder Angst", [BRACKET]),
    ("markup", "Stress or anxiety", "[Stress](oder Angst", [BRACKET]),
    ("markup", "See reference [1].", "Siehe Quelle [1].", []),
    ("markup", "Stress or anxiety", "# Stress oder Angst", [LINE_START.format("#", "a heading")]),
    ("markup", "Stress or anxiety", "> Stress oder Angst", [LINE_START.format(">", "a quote")]),
    ("markup", "Stress or\nanxiety", "Stress oder\n- Angst", [LINE_START.format("-", "a list item")]),
    ("markup", "Stress or anxiety", "Stress\n\n- Angst", [BLANK_LINE, LINE_START.format("-", "a list item")]),
    ("markup", "Stress or\nanxiety", "Stress oder\nAngst", []),
    ("markup", "January 1 is a holiday.", "1. Januar ist ein Feiertag.", []),
    ("markup", "Over 140 mmHg is high.", "> 140 mmHg ist hoch.", []),
    ("numbers", "Magnesium citrate (e.g. 300–400 mg daily)", "Magnesiumcitrat (z. B. 300–400 mg täglich)", []),
    (
        "numbers",
        "Magnesium citrate (e.g. 300–400 mg daily)",
        "Magnesiumcitrat (z. B. 30–400 mg täglich)",
        ['"300–400 mg" became "30–400 mg"'],
    ),
    (
        "numbers",
        "Magnesium citrate (e.g. 300–400 mg daily)",
        "Magnesiumcitrat (z. B. 300–400 g täglich)",
        ['"300–400 mg" became "300–400 g"'],
    ),
    ("numbers", "Potassium: 2,000–3,000 mg/day", "Kalium: 2.000–3.000 mg/Tag", []),
    (
        "numbers",
        "Potassium: 2,000–3,000 mg/day",
        "Kalium: 2,000–3,000 mg/Tag",
        ['"2,000–3,000 mg" reads as 2–3 mg in de; write "2.000–3.000 mg"'],
    ),
    ("numbers", "up to 2,000 mg", "bis zu 2,000 mg", ['"2,000 mg" reads as 2 mg in de; write "2.000 mg"']),
    (
        "numbers",
        "a dose of 2.5 mg",
        "eine Dosis von 2.5 mg",
        ['"2.5 mg" is not a number in de notation; write "2,5 mg"'],
    ),
    # letter+digit identifiers are kept verbatim
    ("numbers", "Vitamin B6", "Vitamin B12", ['"B6" became "B12"']),
    ("numbers", "Vitamin D3 daily", "Vitamin D2 täglich", ['"D3" became "D2"']),
    ("numbers", "Coenzyme Q10 and HbA1c", "Coenzym Q10 und HbA1c", []),
    ("numbers", "omega-3 fatty acids, type 2 diabetes", "Omega-3-Fettsäuren, Typ-2-Diabetes", []),
    # compound units: the second part is one only if it is itself a unit (mg/Tag is mg per day)
    ("numbers", "5 mg/kg body weight", "5 mg/g Körpergewicht", ['"5 mg/kg" became "5 mg/g"']),
    ("numbers", "5 mg/kg body weight", "5 mg Körpergewicht", ['"5 mg/kg" became "5 mg"']),
    ("numbers", "under 20 µg/dl", "unter 20 µg/dL", []),
    ("numbers", "5.5 mmol/l", "5,5 mmol/L", []),
    ("numbers", "5 mg per kg body weight", "5 mg/kg Körpergewicht", []),
    ("numbers", "5 mg/kg", "5 mg pro kg", []),
    # a sign is kept; a hyphen in a range or a word is not a sign
    ("numbers", "Store at -5 °C.", "Bei 5 °C lagern.", ['"-5 °C" became "5 °C"']),
    ("numbers", "Store at -5 °C.", "Bei −5 °C lagern.", []),
    ("numbers", "Store at -5 °C.", "Bei –5 °C lagern.", []),
    ("numbers", "Take 5-10 mg.", "Nimm 5–10 mg.", []),
    ("numbers", "Store at 5 °C.", "Bei 5 °F lagern.", ['"5 °C" became "5 °F"']),
    # the locale's own range words, and a range's unit written once or on both ends
    ("numbers", "300–400 mg daily", "täglich 300 bis 400 mg", []),
    ("numbers", "300–400 mg daily", "täglich zwischen 300 und 400 mg", []),
    ("numbers", "between 300 and 400 mg daily", "täglich 300–400 mg", []),
    ("numbers", "300 to 400 mg daily", "täglich 300 mg bis 400 mg", []),
    ("numbers", "increase from 5 to 10 mg", "von 5 auf 10 mg steigern", []),
    ("numbers", "300–400 mg daily", "täglich 300 und 400 mg", ['"300–400 mg" became "300"']),
    ("numbers", "5–10% of adults", "5 % bis 10 % der Erwachsenen", []),
    ("numbers", "5%–10% of adults", "5–10 % der Erwachsenen", []),
    ("numbers", "5–10% of adults", "5–10 mg der Erwachsenen", ['"5–10%" became "5–10 mg"']),
    # digits grouped by a space, a no-break space or a narrow no-break space
    ("numbers", "10,000 IU", "10 000 I.E.", []),
    ("numbers", "10,000 IU", "10\u00a0000 I.E.", []),
    ("numbers", "1,000,000 cells", "1\u202f000\u202f000 Zellen", []),
    ("numbers", "10,000 IU", "10 500 I.E.", ['"10,000 IU" became "10 500 I.E."']),
    ("numbers", "Take 1 500 mg tablet.", "Nimm 1 Tablette mit 500 mg.", []),
    ("numbers", "Vitamin D: 800–2,000 IU/day", "Vitamin D: 800–2.000 I.E./Tag", []),
    ("numbers", "70% of patients", "70 % der Patienten", []),
    ("numbers", "a dose of 2.5 mg", "eine Dosis von 2,5 mg", []),
    ("numbers", "within 14 days", "innerhalb von Tagen", ['"14" is missing from the translation']),
    ("numbers", "Vitamins B1, B6 and B12", "Vitamine B1, B6 und B12", []),
    ("placeholders", "Published on %(date)s", "Veröffentlicht am %(date)s", []),
    (
        "placeholders",
        "Published on %(date)s",
        "Veröffentlicht am %(datum)s",
        ["placeholders differ: the source has ['date'], keep them exactly (e.g. %(date)s)"],
    ),
    (
        "identical",
        "Magnesium is one of the most effective natural solutions.",
        "Magnesium ist eine der wirksamsten natürlichen Lösungen.",
        [],
    ),
    (
        "identical",
        "Magnesium is one of the most effective natural solutions.",
        "Magnesium is one of the most effective natural solutions.",
        ["the translation is identical to the source; translate it (or confirm it needs none)"],
    ),
    (
        "identical",
        "Link: <https://www.bmj.com/content/364/bmj.l1234>",
        "Link: <https://www.bmj.com/content/364/bmj.l1234>",
        [],
    ),
    ("whitespace", "Stress", " Stress", ["leading white space differs from the source"]),
    ("whitespace", "Stress", "Stress", []),
    ("doubled-word", "It limits drinks that excite.", "Es begrenzt Getränke, die die Erregung steigern.", []),
    ("doubled-word", "It calms the nerves.", "Es beruhigt beruhigt die Nerven.", ["doubled word 'beruhigt beruhigt'"]),
    ("doubled-word", "Take them with water.", "Nehmen Sie sie mit Wasser.", []),
    ("doubled-word", "The one that the body needs.", "Das, das der Körper braucht: das das Gehirn schützt.", []),
    (
        "doubled-word",
        "It calms the nerves.",
        "Es beruhigt die Die Nerven.",
        [],
    ),  # "die die" is German grammar in any case
    ("doubled-word", "It calms the nerves.", "Es beruhigt Es es.", ["doubled word 'Es es'"]),
]


@pytest.mark.parametrize(
    ("check", "msgid", "msgstr", "expected"), MESSAGE_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(MESSAGE_CASES)]
)
def test_message_check(check: str, msgid: str, msgstr: str, expected: list[str]) -> None:
    rules = DE if check != "placeholders" else LocaleRules("en", "de", python_format=True)
    found = [message for name, _severity, message in check_message(msgid, msgstr, rules) if name == check]
    assert found == expected


@pytest.mark.parametrize(
    ("locale", "msgstr", "expected"),
    [
        ("en", "It had had no effect, and that that matters is clear.", []),
        ("en", "It had no no effect.", ["doubled word 'no no'"]),
        ("de", "Wenn Sie sie nehmen, helfen Sie ihr ihr Ziel zu erreichen.", []),
    ],
)
def test_doubled_words_that_the_grammar_allows(locale: str, msgstr: str, expected: list[str]) -> None:
    found = [
        message
        for name, _severity, message in check_message("It had an effect.", msgstr, LocaleRules("fr", locale))
        if name == "doubled-word"
    ]
    assert found == expected


NEWLINE_END = "the source and the translation do not both end with a line break (\\n): GNU msgfmt -c rejects the catalogue; end the translation as the source ends"
NEWLINE_START = "the source and the translation do not both begin with a line break (\\n): GNU msgfmt -c rejects the catalogue; begin the translation as the source begins"


@pytest.mark.parametrize(
    ("msgid", "msgstr", "expected"),
    [
        ("Stress", "Stress\n", [("error", NEWLINE_END)]),
        ("Stress\n", "Stress", [("error", NEWLINE_END)]),
        ("\nStress", "Stress", [("error", NEWLINE_START)]),
        ("Stress", "\nStress\n", [("error", NEWLINE_START), ("error", NEWLINE_END)]),
        ("Stress\n", "Stress \n", [("warning", "trailing white space differs from the source")]),
        ("Stress\n", "Stress\n", []),
        ("Stress", "Stress ", [("warning", "trailing white space differs from the source")]),
    ],
)
def test_a_line_break_at_one_end_only_is_an_error_as_for_msgfmt(
    msgid: str, msgstr: str, expected: list[tuple[str, str]]
) -> None:
    assert [
        (severity, message) for name, severity, message in check_message(msgid, msgstr, DE) if name == "whitespace"
    ] == expected


def _page_env(markdown: str) -> dict:
    env: dict = {}
    parser().parse(markdown, env)
    return env


REFERENCES = "[good]: https://example.org/good\n[bad]: https://example.org/bad\n"


@pytest.mark.parametrize(
    ("msgstr", "expected"),
    [
        ("Siehe [den Leitfaden][good].", []),
        ("Siehe [den Leitfaden](https://example.org/good).", []),  # the same target, written inline
        (
            "Siehe [den Leitfaden][bad].",
            [
                "link target 'https://example.org/good' is missing from the translation; keep it exactly",
                "the translation adds link target 'https://example.org/bad', which the source does not have",
            ],
        ),
        (
            "Siehe [den Leitfaden][nirgends].",
            ["link target 'https://example.org/good' is missing from the translation; keep it exactly", BRACKET],
        ),
    ],
    ids=["kept", "inline", "other-reference", "undefined-reference"],
)
def test_markup_compares_the_targets_reference_links_resolve_to(msgstr: str, expected: list[str]) -> None:
    rules = replace(DE, env=_page_env(REFERENCES))
    found = [
        message
        for name, _severity, message in check_message("See [the guide][good].", msgstr, rules)
        if name == "markup"
    ]
    assert found == expected


def test_every_registered_message_check_has_a_failing_and_a_passing_case() -> None:
    from locpipe.checks.message import MESSAGE_CHECKS

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
        read_catalogue(data, fixture)
        outcome = fixture
    except CatalogError as exc:
        outcome = str(exc)
    assert outcome == expected


# What locpipe refuses and GNU gettext reads: a charset other than UTF-8, and a
# keyword whose string starts on the next line (polib cannot read it).
LOCPIPE_ONLY = {"syntax-fail-latin1.po", "syntax-fail-keyword-alone.po"}


@pytest.mark.parametrize("fixture", sorted(path.name for path in CHECKS.glob("syntax-*.po")))
def test_syntax_fixtures_are_what_msgfmt_accepts_and_refuses(fixture: str) -> None:
    done = msgfmt_check(CHECKS / fixture)
    assert (done.returncode == 0) == (fixture == "syntax-pass.po" or fixture in LOCPIPE_ONLY), done.stderr


# --- sync, completeness and the disclaimer entry ----------------------------------------------
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def store(entries: str) -> Catalogue:
    return read_catalogue((HEADER + entries).encode(), "test.po")


MESSAGES = [Message("Stress"), Message("Caffeine")]


def test_sync_passes_when_the_catalogue_holds_exactly_the_content() -> None:
    assert (
        list(
            sync(
                MESSAGES,
                store('msgid "Stress"\nmsgstr ""\n\nmsgid "Caffeine"\nmsgstr ""\n\n#~ msgid "Old"\n#~ msgstr "Alt"\n'),
            )
        )
        == []
    )


def test_sync_fails_on_missing_and_stale_messages() -> None:
    problems = list(sync(MESSAGES, store('msgid "Stress"\nmsgstr ""\n\nmsgid "Alcohol"\nmsgstr "Alkohol"\n')))
    assert [(p.message, p.line) for p in problems] == [
        ('1 message(s) of the content are missing (first: "Caffeine"): run make update', None),
        ('"Alcohol" is no longer in the content but still active: run make update', 8),
    ]


def test_completeness_names_each_untranslated_fuzzy_or_missing_message_at_its_msgstr() -> None:
    catalogue = store('msgid "Stress"\nmsgstr ""\n\n#, fuzzy\nmsgid "Caffeine"\nmsgstr "Koffein"\n')
    assert [
        (p.line, p.message) for p in unfinished([*MESSAGES, Message("Alcohol and too little sleep")], catalogue)
    ] == [
        (6, '"Stress" is untranslated: translate it'),
        (10, '"Caffeine" is fuzzy: check the translation and remove the fuzzy flag'),
        (None, '"Alcohol and too little sleep" is not in the catalogue: run make update, then translate it'),
    ]
    catalogue = store('msgid "Stress"\nmsgstr "Stress"\n\nmsgid "Caffeine"\nmsgstr "Koffein"\n')
    assert unfinished(MESSAGES, catalogue) == []


APPROVED = "**Keine Beratung.** Frag eine Ärztin."
DISCLAIMER_ENTRY = 'msgctxt "disclaimer"\nmsgid "**No advice.** Ask a doctor."\nmsgstr "{}"\n'


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (DISCLAIMER_ENTRY.format(APPROVED), []),
        (DISCLAIMER_ENTRY.format("**Keine  Beratung.**\\n Frag eine Ärztin."), []),  # white space is normalized
        (
            DISCLAIMER_ENTRY.format("**Keine Beratung.** Frag eventuell eine Ärztin."),
            ['the disclaimer differs from the approved wording in site.yaml: "eventuell" was added'],
        ),
        (
            "#, fuzzy\n" + DISCLAIMER_ENTRY.format(APPROVED),
            ["the disclaimer is marked fuzzy: confirm the approved wording from site.yaml and remove the fuzzy flag"],
        ),
        (DISCLAIMER_ENTRY.format(""), ["the disclaimer is not translated: use the approved wording from site.yaml"]),
        ('msgid "Other"\nmsgstr "Andere"\n', ['no disclaimer entry (msgctxt "disclaimer"): run make update']),
    ],
    ids=["approved", "whitespace", "softened", "fuzzy", "empty", "absent"],
)
def test_disclaimer_entry(entry: str, expected: list[str]) -> None:
    assert [p.message for p in disclaimer_entry(store(entry), APPROVED)] == expected


# --- built pages ---------------------------------------------------------------------------------
SHIPPED_STYLESHEET = (PACKAGE_TEMPLATES / "style.css").read_text(encoding="utf-8")


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
    return [
        f"{name}{f':{p.line}' if p.line else ''}: {p.severity}: {p.message}"
        for p in built_page(html, approved_text(APPROVED), approved_text("**No advice.** Ask a doctor."), page, read)
    ]


@pytest.mark.parametrize(("fixture", "expected"), sorted(_expected_built().items()))
def test_built_page(fixture: str, expected: list[str]) -> None:
    assert built_problems((CHECKS / fixture).read_bytes(), f"build/de/{fixture}") == expected


def test_every_built_page_fixture_has_its_expected_findings() -> None:
    assert sorted(path.name for path in CHECKS.glob("built-*.html")) == sorted(_expected_built())


def test_built_page_hidden_by_the_site_stylesheet() -> None:
    hiding = {"build/style.css": "aside.disclaimer{visibility: hidden}"}.get
    assert built_problems((CHECKS / "built-pass.html").read_bytes(), "build/de/built-pass.html", hiding) == [
        "built-pass.html:4: error: the disclaimer is hidden (visibility: hidden on <aside>, from the CSS rule 'aside.disclaimer' "
        "at build/style.css:1): it must be visible on every page"
    ]


def test_built_page_reads_stylesheets_relative_to_the_page() -> None:
    html = (
        (CHECKS / "built-fail-link.html")
        .read_bytes()
        .replace(b'href="built-hide.css"', b'href="./../de/built-hide.css?v=2#top"')
    )
    assert built_problems(html) == [
        "page.html:4: error: the disclaimer is hidden (display: none on <p>, from the CSS rule 'aside.disclaimer p' "
        "at build/de/built-hide.css:2): it must be visible on every page"
    ]
    outside = html.replace(b"./../de/built-hide.css?v=2#top", b"../../site.yaml")
    assert built_problems(outside) == [
        "page.html:2: warning: the stylesheet '../../site.yaml' is not a file under build/: what it hides is not checked"
    ]


@pytest.mark.parametrize(
    "css",
    [
        ".disclaimer{display:none}",  # the whole rule set at the same specificity later
        "aside.ad{display:none} .disclaimer p { color: #1f2328 } .disclaimer { background: #fff8e1 }",
        "@media print { .site-header { display: none } }",
    ],
)
def test_built_page_does_not_cry_wolf(css: str) -> None:
    html = (
        (CHECKS / "built-pass.html")
        .read_bytes()
        .replace(b"</head>", f"<style>{css}</style><style>.disclaimer{{display:block}}</style></head>".encode())
    )
    assert built_problems(html) == []


def built_findings(root: Path, built: bool | None = True) -> list[str]:
    return [str(finding) for finding in pipeline.check(pipeline.load_site(root), built=built).findings]


def test_a_built_page_finding_has_the_line_of_the_element_that_hides(shipped: Path) -> None:
    page = shipped / "build/de/conditions/twitching.html"
    html = page.read_text(encoding="utf-8").replace("ersetzen keine", 'ersetzen <span hidden="">keine</span>')
    page.write_text(html, encoding="utf-8")
    line = next(number for number, text in enumerate(html.splitlines(), 1) if "<span hidden" in text)
    assert built_findings(shipped) == [
        f'build/de/conditions/twitching.html:{line}: error [disclaimer]: the disclaimer is partly hidden (hidden attribute on <span>): "keine" is missing'
    ]


def test_built_pages_use_the_stylesheets_they_link_and_import(shipped: Path) -> None:
    (shipped / "build/de/print.css").write_text(
        "\n@media print {\n  .disclaimer { display: none }\n}\n", encoding="utf-8"
    )
    (shipped / "build/de/extra.css").write_text('@import "print.css";\n', encoding="utf-8")  # relative to extra.css
    with (shipped / "build/style.css").open("a", encoding="utf-8") as stylesheet:
        stylesheet.write('@import "de/print.css";\n')  # after the rules: a browser ignores it, and so does check
    page = shipped / "build/de/index.html"
    page.write_text(
        page.read_text(encoding="utf-8").replace("</head>", '<link rel="stylesheet" href="extra.css">\n</head>'),
        encoding="utf-8",
    )
    assert built_findings(shipped) == [
        "build/de/index.html:26: error [disclaimer]: the disclaimer is hidden (display: none on <aside>, from the CSS rule '.disclaimer' "
        "in @media print at build/de/print.css:3): it must be visible on every page"
    ]


def test_a_page_the_site_does_not_make_is_an_error(shipped: Path) -> None:
    for stale in ("build/de/old.html", "build/de/articles/renamed.html"):
        shutil.copy(shipped / "build/de/index.html", shipped / stale)
    for other in ("build/screenshots/de.html", "build/status.html", "build/de/notes.txt"):
        (shipped / other).parent.mkdir(parents=True, exist_ok=True)
        (shipped / other).write_text("<p>not a page</p>", encoding="utf-8")
    message = "error [disclaimer]: this is not a page of the site (left by an older build, or put there by hand): rebuild from clean with make clean build"
    assert built_findings(shipped) == [f"build/de/articles/renamed.html: {message}", f"build/de/old.html: {message}"]


def test_built_pages_are_checked_by_locale_folder_unless_asked(shipped: Path) -> None:
    shutil.rmtree(shipped / "build/en")
    (shipped / "build/screenshots").mkdir()
    (shipped / "build/de/conditions/twitching.html").unlink()
    assert built_findings(shipped, None) == [
        "build/de/conditions/twitching.html: error [disclaimer]: the page was not built: run make build"
    ]
    shutil.rmtree(shipped / "build/de")
    assert built_findings(shipped, None) == []  # build/ holds only screenshots, the language picker, ...
    assert len(built_findings(shipped, True)) == 2 * len(pipeline.load_site(shipped).page_paths) + 2


# --- through pipeline.check, as `locpipe check` runs ----------------------------------------------
def translated_site(
    root: Path, pages: dict[str, str], translations: dict[str, str], site_yaml: str = SITE_YAML
) -> Path:
    """A site of ``pages``, extracted and updated, every message translated by
    ``translations`` (or marked "de: ") and the disclaimer by its approved wording."""
    make_site(root, pages, site_yaml)
    pipeline.extract(pipeline.load_site(root))
    pipeline.update(pipeline.load_site(root), use_memory=False)
    approved = pipeline.load_site(root).config.disclaimer_approved["de"]
    for path in (root / "locales/de/LC_MESSAGES").rglob("*.po"):
        store = read_catalogue(path.read_bytes(), str(path))
        for unit in store.messages():
            unit.msgstr = (
                approved if unit.msgctxt == "disclaimer" else translations.get(unit.msgid, f"de: {unit.msgid}")
            )
            unit.fuzzy = False
        path.write_bytes(catalogue_text(store))
    return root


def findings(root: Path) -> list[str]:
    return [str(finding) for finding in pipeline.check(pipeline.load_site(root), built=False).findings]


def test_each_page_resolves_a_reference_link_with_its_own_definitions(tmp_path: Path) -> None:
    """A translation shared by two pages is checked once per set of link
    references: on a.md [good] and [bad] lead to the same page, on b.md not."""
    same = "[good]: https://example.org/good\n[bad]: https://example.org/good"
    root = translated_site(
        tmp_path / "s",
        {"a.md": page("A", "See [the guide][good].", same), "b.md": page("B", "See [the guide][good].", REFERENCES)},
        {"See [the guide][good].": "Siehe [den Leitfaden][bad]."},
    )
    assert findings(root) == [
        "locales/de/LC_MESSAGES/b.po:22: error [markup]: link target 'https://example.org/good' is missing from the translation; keep it exactly",
        "locales/de/LC_MESSAGES/b.po:22: error [markup]: the translation adds link target 'https://example.org/bad', which the source does not have",
    ]


COMPLETENESS_PAGE = page(
    "A",
    "Stress or anxiety, caffeine and alcohol, and too little sleep.",
    "Magnesium calms the nerves.",
    "Drink enough water.",
)


def _half_translated(tmp_path: Path, minimum: int) -> Path:
    root = translated_site(
        tmp_path / "s",
        {"a.md": COMPLETENESS_PAGE},
        {
            "Stress or anxiety, caffeine and alcohol, and too little sleep.": "",
            "Magnesium calms the nerves.": "Magnesium beruhigt die Nerven.",
        },
        SITE_YAML.replace("min_translated: 100", f"min_translated: {minimum}"),
    )
    po = root / "locales/de/LC_MESSAGES/a.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgid "Magnesium', '#, fuzzy\nmsgid "Magnesium'), encoding="utf-8"
    )
    return root


def test_under_min_translated_each_unfinished_message_is_an_error_at_its_msgstr(tmp_path: Path) -> None:
    found = findings(_half_translated(tmp_path, 100))
    assert found[:2] == [
        'locales/de/LC_MESSAGES/a.po:22: error [completeness]: "Stress or anxiety, caffeine and alcohol, and too little …" is untranslated: translate it',
        'locales/de/LC_MESSAGES/a.po:27: error [completeness]: "Magnesium calms the nerves." is fuzzy: check the translation and remove the fuzzy flag',
    ]
    assert len(found) == 3 and re.fullmatch(
        r"site\.yaml:7: error \[completeness\]: 'de' is [\d.]+% translated, under publish\.min_translated \(100%\): "
        r"1 untranslated, 1 fuzzy",
        found[2],
    ), found


def test_over_min_translated_a_catalogue_with_unfinished_messages_is_one_warning(tmp_path: Path) -> None:
    assert findings(_half_translated(tmp_path, 50)) == [
        "locales/de/LC_MESSAGES/a.po:22: warning [completeness]: 1 untranslated and 1 fuzzy message(s) are shown in English; "
        "translate them and clear the fuzzy flags"
    ]


# --- fixture catalogues: for each check one that fails it and one that passes -----------------------
FIXTURE_CHECKS = (
    "markup",
    "numbers",
    "placeholders",
    "identical",
    "whitespace",
    "doubled-word",
    "completeness",
    "sync",
)
FIXTURE_SITE_YAML = (
    SITE_YAML
    + "front_matter:\n  translatable: [title, ingredients]\nchecks:\n  unit_equivalents:\n    de: {IU: [I.E.]}\n"
)
FIXTURE_BODIES = {"markup": REFERENCES}  # the link reference definitions of the markup fixtures' pages


def _units(name: str) -> list[Entry]:
    return list(read_catalogue((CHECKS / name).read_bytes(), name).messages())


def _fixture_page(msgids: list[str], body: str) -> str:
    """A page whose messages are ``msgids``, each a front-matter value, so that
    any text (white space at its ends included) is a message of it."""
    fields = {"title": msgids[0], "ingredients": msgids[1:]}
    return (
        "---\n"
        + "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in fields.items())
        + "---\n\n"
        + body
    )


@pytest.fixture(scope="module")
def fixture_findings(tmp_path_factory) -> dict[str, list[Finding]]:
    """Each ``<check>-pass.po`` and ``<check>-fail.po`` checked by pipeline.check,
    as ``locpipe check`` checks it: the catalogue of a page whose messages are its
    msgids (sync-fail.po's page has sync-pass.po's), in one site that
    completeness-fail.po puts under publish.min_translated. By file name."""
    pages = {}
    for check in FIXTURE_CHECKS:
        for outcome in ("pass", "fail"):
            content = f"{check}-pass.po" if check == "sync" else f"{check}-{outcome}.po"
            pages[f"{check}-{outcome}.md"] = _fixture_page(
                [unit.msgid for unit in _units(content)], FIXTURE_BODIES.get(check, "")
            )
    root = translated_site(tmp_path_factory.mktemp("fixtures") / "s", pages, {}, FIXTURE_SITE_YAML)
    for name in pages:
        shutil.copy(CHECKS / f"{name[:-3]}.po", root / "locales/de/LC_MESSAGES")
    found: dict[str, list[Finding]] = defaultdict(list)
    for finding in pipeline.check(pipeline.load_site(root), built=False).findings:
        name = finding.file.removeprefix("locales/de/LC_MESSAGES/")
        found[name].append(replace(finding, file=name))
    return found


@pytest.mark.parametrize("check", FIXTURE_CHECKS)
def test_fixture_catalogues_fail_and_pass_the_check(check: str, fixture_findings: dict[str, list[Finding]]) -> None:
    """expected-<check>.txt lists what <check>-fail.po gets, every entry of it at
    least once (between its first line and its msgstr); <check>-pass.po gets nothing."""
    assert fixture_findings[f"{check}-pass.po"] == []
    failed = [finding for finding in fixture_findings[f"{check}-fail.po"] if finding.check == check]
    assert [str(finding) for finding in failed] == (CHECKS / f"expected-{check}.txt").read_text(
        encoding="utf-8"
    ).splitlines()
    for unit in _units(f"{check}-fail.po"):
        assert any(unit.msgid_line <= (finding.line or 0) <= unit.msgstr_line for finding in failed), unit.msgid


MSGFMT_REFUSES = {"placeholders-fail.po", "whitespace-fail.po"}


@pytest.mark.parametrize("check", FIXTURE_CHECKS)
def test_what_gnu_msgfmt_refuses_of_the_fixtures_is_an_error_at_its_line(
    check: str, fixture_findings: dict[str, list[Finding]]
) -> None:
    for fixture in (f"{check}-pass.po", f"{check}-fail.po"):
        done = msgfmt_check(CHECKS / fixture)
        assert (done.returncode != 0) == (fixture in MSGFMT_REFUSES), done.stderr
        refused = {
            int(line)
            for line in re.findall(rf"^{re.escape(str(CHECKS / fixture))}:(\d+): (?!warning)", done.stderr, re.M)
        }
        assert refused <= {finding.line for finding in fixture_findings[fixture] if finding.severity == "error"}, (
            done.stderr
        )
