"""The shipped site end to end: it updates to itself, builds, and passes check;
each way of tampering with it makes check fail and name the file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_site, msgcat_output, msgfmt_check, tree_bytes
from locpipe import pipeline, report
from locpipe.model import Finding

DE = "locales/de/LC_MESSAGES"


def run_check(root: Path, *options: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "locpipe", "--root", str(root), "check", *options], capture_output=True, text=True
    )
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout


def test_shipped_catalogues_are_up_to_date_and_as_gettext_writes_them(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "s")
    before = tree_bytes(root / "locales")
    pipeline.update(pipeline.load_site(root))
    assert tree_bytes(root / "locales") == before, "run 'make update' and commit the result"
    for path in (root / "locales").rglob("*.po*"):
        assert msgcat_output(path) == path.read_bytes(), path
        if path.suffix == ".po":
            result = msgfmt_check(path)
            assert result.returncode == 0 and result.stderr == "", result.stderr


def test_shipped_site_passes_check_with_no_finding(shipped_built: Path) -> None:
    code, out = run_check(shipped_built, "--built", "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert report["findings"] == []
    assert report["stats"]["de"] == {
        "total": 203,
        "translated": 203,
        "fuzzy": 0,
        "untranslated": 0,
        "words_left": 0,
        "percent": 100.0,
    }


def test_german_pages_are_german_with_the_approved_disclaimer(shipped_built: Path) -> None:
    html = (shipped_built / "build/de/conditions/twitching.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in html
    assert "<h1>Muskelzucken</h1>" in html
    assert html.count('<aside class="disclaimer"') == 1
    assert "<strong>Hinweis: Kein medizinischer Rat</strong> Unsere Blogbeiträge dienen ausschließlich" in html
    assert 'lang="en"' not in html.split("<body>")[1].replace('hreflang="en" lang="en"', "")


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


TAMPERING = {
    "disclaimer word changed": (f"{DE}/site.po", "ersetzen keine", "ersetzen nicht immer eine", "disclaimer"),
    "disclaimer fuzzy": (f"{DE}/site.po", 'msgctxt "disclaimer"', '#, fuzzy\nmsgctxt "disclaimer"', "disclaimer"),
    "dose changed": (
        f"{DE}/articles/why-does-my-muscle-twitch.po",
        'msgstr "**Magnesiumcitrat:** 300–400',
        'msgstr "**Magnesiumcitrat:** 30–400',
        "numbers",
    ),
    "unit changed": (f"{DE}/articles/why-does-my-muscle-twitch.po", "300–400 mg/Tag", "300–400 g/Tag", "numbers"),
    "link target changed": (
        f"{DE}/articles/why-does-my-muscle-twitch.po",
        'msgstr "Link: <https://www.mayoclinic.org>"',
        'msgstr "Link: <https://www.example.com>"',
        "markup",
    ),
    "script added": (
        f"{DE}/conditions/twitching.po",
        'msgstr "Stress oder Angst"',
        'msgstr "Stress oder Angst<script>alert(1)</script>"',
        "markup",
    ),
    "message emptied": (f"{DE}/conditions/twitching.po", 'msgstr "Stress oder Angst"', 'msgstr ""', "completeness"),
    "disclaimer removed from a built page": (
        "build/de/conditions/twitching.html",
        '<aside class="disclaimer"',
        '<aside class="note"',
        "disclaimer",
    ),
    "disclaimer hidden on a built page": (
        "build/de/conditions/twitching.html",
        '<aside class="disclaimer"',
        '<aside style="display:none" class="disclaimer"',
        "disclaimer",
    ),
}


@pytest.mark.parametrize("case", TAMPERING, ids=list(TAMPERING))
def test_tampering_is_caught_and_names_the_file(shipped: Path, case: str) -> None:
    relative, old, new, check_id = TAMPERING[case]
    replace_in(shipped / relative, old, new)
    code, out = run_check(shipped)
    assert code == 1
    assert re.search(rf"^{re.escape(relative)}(:\d+)?: error \[{check_id}\]", out, re.M), out


def test_github_format_prints_only_workflow_commands(shipped: Path) -> None:
    replace_in(shipped / f"{DE}/site.po", "ersetzen keine", "ersetzen nicht immer eine")
    code, out = run_check(shipped, "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ")) for line in lines)
    assert f"::error file={DE}/site.po,line=" in out


def test_check_cannot_run_without_site_yaml(tmp_path: Path) -> None:
    code, _out = run_check(tmp_path)
    assert code == 2


def test_github_commands_escape_what_would_end_them() -> None:
    finding = Finding("locales/de/a,b:c.po", 7, "de", "markup", "error", "raw HTML '<b\nclass=x>'; 61.1% done\r")
    assert report.github_report([finding]) == (
        "::error file=locales/de/a%2Cb%3Ac.po,line=7,title=[markup]::raw HTML '<b%0Aclass=x>'; 61.1%25 done%0D"
    )


def test_a_finding_is_one_line_of_text_even_when_it_quotes_a_line_break() -> None:
    finding = Finding("locales/de/a.po", 7, "de", "markup", "error", "raw HTML '<b\nclass=x>'")
    assert str(finding) == "locales/de/a.po:7: error [markup]: raw HTML '<b\\nclass=x>'"


def test_json_findings_carry_every_field(shipped: Path) -> None:
    replace_in(shipped / f"{DE}/articles/why-does-my-muscle-twitch.po", "300–400 mg/Tag", "300–400 g/Tag")
    replace_in(shipped / f"{DE}/site.po", "ersetzen keine", "ersetzen nicht immer eine")
    code, out = run_check(shipped, "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == 1 and findings
    for finding in findings:
        assert set(finding) == {"file", "line", "locale", "check", "severity", "message"}
        assert isinstance(finding["line"], int) and finding["locale"] == "de"
    assert {(f["file"], f["check"], f["severity"]) for f in findings} == {
        (f"{DE}/site.po", "disclaimer", "error"),
        (f"{DE}/articles/why-does-my-muscle-twitch.po", "numbers", "error"),
    }


@pytest.mark.parametrize("output", ["json", "github"])
def test_a_check_that_cannot_run_says_why_in_the_machine_format_too(shipped: Path, output: str) -> None:
    replace_in(shipped / "site.yaml", "min_translated: 100", "min_translated: lots")
    code, out = run_check(shipped, "--format", output)
    assert code == 2
    if output == "json":
        [finding] = json.loads(out)["findings"]
        assert finding["file"] == "site.yaml" and finding["line"] and "publish.min_translated" in finding["message"]
    else:
        assert out.startswith("::error file=site.yaml,line=") and "publish.min_translated" in out
