"""The translator's workflow: nothing lost, one run at a time, new locales,
the pseudo-locale and the live preview."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import lxml.html
import pytest

from conftest import copy_site, msgfmt_check, tree_bytes
from locpipe import pipeline
from locpipe.po.store import catalogue_text, read_catalogue
from locpipe.project.files import site_lock
from locpipe.render import batch as rendering
from locpipe.render.pseudo import pseudo_translate
from sites import SITE_YAML, make_site, page
from test_update import translate, units

DE = "locales/de/LC_MESSAGES"


def locpipe(root: Path, *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "locpipe", "--root", str(root), *args], capture_output=True, text=True, **options
    )


def translations(root: Path, locale: str = "de") -> dict[str, str]:
    """Every translated msgid → msgstr of a locale, active or obsolete."""
    found = {}
    for path in (root / "locales" / locale).rglob("*.po"):
        for unit in read_catalogue(path.read_bytes(), str(path)).entries:
            if unit.msgstr:
                found[unit.msgid] = unit.msgstr
    return found


# --- translation memory ---------------------------------------------------------------------


@pytest.fixture
def two_pages(tmp_path: Path) -> Path:
    """a.md and b.md, every message translated."""
    root = make_site(
        tmp_path / "s",
        {
            "a.md": page("A", "Take 300 mg of magnesium daily.", "Magnesium calms the nerves."),
            "b.md": page("B", "Take 300 mg of magnesium daily, with food."),
        },
    )
    assert locpipe(root, "update").returncode == 0
    translate(
        root,
        {
            "A": "A",
            "Take 300 mg of magnesium daily.": "Nimm täglich 300 mg Magnesium.",
            "Magnesium calms the nerves.": "Magnesium beruhigt die Nerven.",
        },
        f"{DE}/a.po",
    )
    translate(
        root,
        {"B": "B", "Take 300 mg of magnesium daily, with food.": "Nimm täglich 300 mg Magnesium zum Essen."},
        f"{DE}/b.po",
    )
    return root


def test_memory_suggests_from_another_page_when_the_closest_string_is_on_this_page(two_pages: Path) -> None:
    # a.md's own "…daily." is the closest (0.97) but cannot be suggested; b.md's (0.82) must be.
    (two_pages / "content/a.md").write_text(
        page("A", "Take 300 mg of magnesium daily.", "Magnesium calms the nerves.", "Take 300 mg of magnesium daily!"),
        encoding="utf-8",
    )
    assert locpipe(two_pages, "update").returncode == 0
    unit = units(two_pages, f"{DE}/a.po")["Take 300 mg of magnesium daily!"]
    assert unit.fuzzy and unit.msgstr == "Nimm täglich 300 mg Magnesium zum Essen."
    assert unit.previous_msgid == "Take 300 mg of magnesium daily, with food."
    assert "Suggested by translation memory from content/b.md" in " ".join(unit.extracted_comments)
    text = (two_pages / f"{DE}/a.po").read_text(encoding="utf-8")
    assert '#| msgid "Take 300 mg of magnesium daily, with food."\nmsgid "Take 300 mg of magnesium daily!"' in text


def test_memory_finds_a_string_that_this_page_and_another_share(tmp_path: Path) -> None:
    root = make_site(
        tmp_path / "s",
        {"a.md": page("A", "Magnesium calms the nerves."), "b.md": page("B", "Magnesium calms the nerves.")},
    )
    assert locpipe(root, "update").returncode == 0
    translate(root, {"Magnesium calms the nerves.": "Magnesium beruhigt die Nerven (a)."}, f"{DE}/a.po")
    translate(root, {"Magnesium calms the nerves.": "Magnesium beruhigt die Nerven (b)."}, f"{DE}/b.po")
    (root / "content/a.md").write_text(
        page("A", "Magnesium calms the nerves.", "Magnesium calms the nerves at night."), encoding="utf-8"
    )
    assert locpipe(root, "update").returncode == 0
    assert (
        units(root, f"{DE}/a.po")["Magnesium calms the nerves at night."].msgstr == "Magnesium beruhigt die Nerven (b)."
    )


def test_memory_prefills_a_close_variant_from_another_page_fuzzy_with_previous_msgid(two_pages: Path) -> None:
    (two_pages / "content/b.md").write_text(
        page("B", "Take 300 mg of magnesium daily, with food.", "Magnesium calms the nerves at night."),
        encoding="utf-8",
    )
    assert locpipe(two_pages, "update").returncode == 0
    unit = units(two_pages, f"{DE}/b.po")["Magnesium calms the nerves at night."]
    assert unit.fuzzy and unit.msgstr == "Magnesium beruhigt die Nerven."
    assert unit.previous_msgid == "Magnesium calms the nerves."
    assert unit.extracted_comments[-1] == "Suggested by translation memory from content/a.md"


def test_memory_ignores_a_match_under_0_8_and_is_off_with_no_memory(two_pages: Path) -> None:
    (two_pages / "content/b.md").write_text(
        page(
            "B",
            "Take 300 mg of magnesium daily, with food.",
            "Magnesium often calms the irritated nerves.",  # 0.77
            "Magnesium calms the nerves at night.",
        ),
        encoding="utf-8",
    )  # 0.86
    done = locpipe(two_pages, "update", "--no-memory")
    assert done.returncode == 0 and "0 from memory" in done.stdout
    found = units(two_pages, f"{DE}/b.po")
    assert found["Magnesium calms the nerves at night."].msgstr == ""
    assert "translation memory" not in " ".join(found["Magnesium calms the nerves at night."].extracted_comments)
    (two_pages / f"{DE}/b.po").unlink()  # the run above made these entries; without it memory applies
    assert locpipe(two_pages, "update").returncode == 0
    found = units(two_pages, f"{DE}/b.po")
    assert found["Magnesium often calms the irritated nerves."].msgstr == ""
    assert not found["Magnesium often calms the irritated nerves."].fuzzy
    assert found["Magnesium calms the nerves at night."].msgstr == "Magnesium beruhigt die Nerven."


# --- new locale ------------------------------------------------------------------------------


def test_init_adds_the_locale_keeping_site_yaml_and_creates_catalogues(site: Path) -> None:
    before = (site / "site.yaml").read_text(encoding="utf-8")
    done = locpipe(site, "init", "fr")
    assert done.returncode == 0, done.stderr
    after = (site / "site.yaml").read_text(encoding="utf-8")
    assert after == before.replace("locales: [en, de]            #", "locales: [en, de, fr]        #")
    created = sorted(
        p.relative_to(site / "locales/fr/LC_MESSAGES").as_posix() for p in (site / "locales/fr").rglob("*.po")
    )
    assert created == sorted(p.relative_to(site / DE).as_posix() for p in (site / DE).rglob("*.po"))
    fields = read_catalogue((site / "locales/fr/LC_MESSAGES/site.po").read_bytes(), "site.po").header
    assert fields["Language"] == "fr" and fields["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    for path in (site / "locales/fr").rglob("*.po"):
        assert msgfmt_check(path).returncode == 0
    assert "an approved disclaimer: add disclaimer.approved.fr to site.yaml" in done.stdout
    assert "translations: 203 of 203 messages" in done.stdout


def test_init_gives_polish_its_three_plural_forms(site: Path) -> None:
    assert locpipe(site, "init", "pl").returncode == 0
    fields = read_catalogue((site / "locales/pl/LC_MESSAGES/site.po").read_bytes(), "site.po").header
    assert fields["Plural-Forms"].startswith("nplurals=3;")


def test_init_refuses_an_unknown_code_with_a_suggestion_and_leaves_site_yaml(site: Path) -> None:
    before = (site / "site.yaml").read_bytes()
    done = locpipe(site, "init", "ger")
    assert done.returncode == 1
    assert done.stderr.strip() == "LOCALE: error: unknown locale 'ger': Babel has no data for it (did you mean 'de'?)"
    assert (site / "site.yaml").read_bytes() == before
    assert not (site / "locales/ger").exists()


def test_init_that_fails_leaves_site_yaml_and_creates_no_catalogue(site: Path) -> None:
    (site / "templates").mkdir()
    (site / "templates/page.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{% if title %}\n{% endblock %}\n', encoding="utf-8"
    )
    before = (site / "site.yaml").read_bytes()
    done = locpipe(site, "init", "fr")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith(
        "templates/page.html:4: error: template error"
    )
    assert (site / "site.yaml").read_bytes() == before
    assert not (site / "locales/fr").exists()


def test_init_keeps_the_indentation_of_a_block_style_locales_list(tmp_path: Path) -> None:
    site_yaml = SITE_YAML.replace("locales: [en, de]\n", "locales:\n  - en    # source\n  - de\n\n")
    root = make_site(tmp_path / "s", {"a.md": page("A", "Text")}, site_yaml)
    done = locpipe(root, "init", "fr")
    assert done.returncode == 0, done.stderr
    assert (root / "site.yaml").read_text(encoding="utf-8") == site_yaml.replace("  - de\n", "  - de\n  - fr\n")
    assert (root / "locales/fr/LC_MESSAGES/a.po").is_file()


def test_stages_run_inside_a_held_site_lock(tmp_path: Path) -> None:
    """One operation (init: update, then site.yaml) holds the lock throughout;
    the stages it runs take the same lock again without waiting on themselves."""
    root = make_site(tmp_path / "s", {"a.md": page("A", "Text")})
    started = time.monotonic()
    with site_lock(root):
        pipeline.update(pipeline.load_site(root))
    assert time.monotonic() - started < 4 and (root / f"{DE}/a.po").is_file()


# --- pseudo-locale ---------------------------------------------------------------------------------


def test_pseudo_locale_wraps_every_visible_string_and_is_never_published(site: Path) -> None:
    assert locpipe(site, "build", "--pseudo").returncode == 0
    pages = sorted((site / "build/en-XA").rglob("*.html"))
    assert len(pages) == 5
    for path in pages:
        document = lxml.html.fromstring(path.read_text(encoding="utf-8"))
        assert document.get("lang") == "en-XA"
        for proper in document.xpath('//nav[@class="language-switcher"]//a[@hreflang] | //a[@class="site-name"]'):
            proper.drop_tree()  # language names and the site's name are proper nouns
        text = re.sub(r"⟦.*?⟧", "", document.find("body").text_content(), flags=re.S)
        assert not re.search(r"[^\W\d_]", text), f"{path}: text outside the catalogues: {text.split()!r}"
        title = document.findtext(".//title")
        assert title.startswith("⟦") and title.endswith("– VMC") if path.name != "index.html" else title == "VMC"
    article = (site / "build/en-XA/articles/why-does-my-muscle-twitch.html").read_text(encoding="utf-8")
    assert "300–400 mg" in article and 'href="https://www.mayoclinic.org"' in article  # doses and links kept
    for published in ("build/sitemap.xml", "build/index.html", "build/de/conditions/twitching.html"):
        assert "en-XA" not in (site / published).read_text(encoding="utf-8")


REFERENCES = """See [the study][bmj], [Mayo][], [NHS] and ![a chart][Chart] or [a page](https://example.org/a).

[bmj]: https://www.bmj.com/study
[mayo]: https://www.mayoclinic.org
[NHS]: https://www.nhs.uk
[chart]: https://example.org/chart.png"""


def test_pseudo_locale_keeps_reference_links_working(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", {"a.md": page("A", REFERENCES)})
    assert locpipe(root, "build", "--pseudo").returncode == 0
    document = lxml.html.fromstring((root / "build/en-XA/a.html").read_bytes())
    paragraph = document.xpath("//main//p[contains(., 'ţĥé')]")[0]
    links = {a.get("href"): a.text_content() for a in paragraph.iter("a")}
    assert links == {
        "https://www.bmj.com/study": "ţĥé šţûđý",
        "https://www.mayoclinic.org": "Mayo",
        "https://www.nhs.uk": "NHS",
        "https://example.org/a": "à þàĝé",
    }
    assert paragraph.find(".//img").get("src") == "https://example.org/chart.png"
    assert "[" not in paragraph.text_content()


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("[x][]", "[x][]"),  # collapsed: the text is the label
        ("[x]", "[x]"),  # shortcut
        ("[Text][Label]", "][Label]"),  # full: the text is translated, the label kept
        ("![alt][img]", "][img]"),
        ("[a [b] c][ref]", "][ref]"),
        ("[t](https://example.org/x)", "](https://example.org/x)"),
    ],
)
def test_pseudo_translation_keeps_link_labels_and_targets(text: str, kept: str) -> None:
    assert kept in pseudo_translate(text)


def test_a_build_without_pseudo_removes_the_pseudo_locale(site: Path) -> None:
    assert locpipe(site, "build", "--pseudo").returncode == 0
    assert (site / "build/en-XA/index.html").is_file()
    done = locpipe(site, "build")
    assert done.returncode == 0, done.stderr
    assert not (site / "build/en-XA").exists(), "deploying build/ would publish the pseudo-locale"
    assert (site / "build/de/conditions/twitching.html").is_file()
    assert locpipe(site, "build", "--pseudo").returncode == 0
    assert (site / "build/en-XA/conditions/twitching.html").is_file(), "a later pseudo build renders it again"


# --- nothing is ever lost ------------------------------------------------------------------------


def big_site(root: Path, pages: int = 100) -> Path:
    """A site large enough for an update to take a while, every page translated."""
    blocks = [f"Paragraph {i} about magnesium and the nerves, with {i * 10} mg." for i in range(30)]
    make_site(root, {f"p{n:03}.md": page(f"Page {n}", *[f"{b} (page {n})" for b in blocks]) for n in range(pages)})
    assert locpipe(root, "update").returncode == 0
    for path in (root / DE).glob("*.po"):
        store = read_catalogue(path.read_bytes(), str(path))
        for unit in store.messages():
            unit.msgstr = "DE " + unit.msgid
        path.write_bytes(catalogue_text(store))
    for path in (root / "content").glob("*.md"):  # a change in every page: update rewrites every catalogue
        path.write_text(path.read_text().replace("the nerves", "the irritated nerves"))
    return root


def test_update_killed_at_any_moment_leaves_every_catalogue_whole(tmp_path: Path) -> None:
    pristine = big_site(tmp_path / "pristine")
    expected = set(translations(pristine).values())
    timing = copy_site(tmp_path / "timing", pristine)
    started = time.monotonic()
    assert locpipe(timing, "update").returncode == 0
    duration = time.monotonic() - started
    killed = 0
    for fraction in (0.4, 0.55, 0.7):  # kill while it is writing catalogues
        root = copy_site(tmp_path / f"killed-at-{fraction}", pristine)
        process = subprocess.Popen(
            [sys.executable, "-m", "locpipe", "--root", str(root), "update"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        killed += process.wait() == -signal.SIGKILL
        for path in (root / "locales").rglob("*.po*"):
            read_catalogue(path.read_bytes(), str(path))  # parses: old and whole, or new and whole
        assert set(translations(root).values()) >= expected
    assert killed >= 2, "the runs finished before they were killed: the site is too small"
    assert locpipe(root, "update").returncode == 0, "the next run finishes the work"
    assert set(translations(root).values()) >= expected


STALE = [
    f"{DE}/conditions/.twitching.po.k2j4h5g6.tmp",
    "locales/templates/.site.pot.0a_1b2c3.tmp",
    "build/de/conditions/.twitching.html.x9y8z7w6.tmp",
]
NOT_OURS = [
    f"{DE}/.notes.tmp",
    f"{DE}/.twitching.po.ABCDEFGH.tmp",
    "build/de/draft.abcd1234.tmp",
    "content/.twitching.md.abcd1234.tmp",
]


@pytest.mark.parametrize("command", ["update", "build"])
def test_a_run_removes_the_temporary_files_a_killed_run_left(site: Path, command: str) -> None:
    """A run killed between writing a temporary file and renaming it over its
    target leaves ".<name>.<random>.tmp": the next run holding the lock removes
    those, under locales/ and build/, and nothing else."""
    assert locpipe(site, "build").returncode == 0
    for relative in STALE + NOT_OURS:
        (site / relative).write_bytes(b"half a file")
    before = {name: data for name, data in tree_bytes(site).items() if not name.startswith(".cache/")}
    assert locpipe(site, command).returncode == 0
    after = {name: data for name, data in tree_bytes(site).items() if not name.startswith(".cache/")}
    assert after == {name: data for name, data in before.items() if name not in STALE}


def test_a_second_update_waits_for_the_lock_then_stops_with_a_message(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", {"a.md": page("A", "Text")})
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time\nfrom pathlib import Path\nfrom locpipe.project.files import site_lock\n"
                f"with site_lock(Path({str(root)!r})):\n    print('locked', flush=True)\n    time.sleep(30)\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        done = locpipe(root, "update")
        waited = time.monotonic() - started
        assert done.returncode == 1
        assert "another locpipe run (pid" in done.stderr and "try again when it has finished" in done.stderr
        assert 4 <= waited < 15
        assert not (root / "locales").exists()
    finally:
        holder.kill()
        holder.wait()
    assert locpipe(root, "update").returncode == 0, "a lock left by a killed run never blocks the next one"


# --- progress ------------------------------------------------------------------------------


def on_a_terminal(root: Path, *args: str) -> tuple[int, str, str]:
    """Run locpipe with stderr on a pseudo-terminal and stdout on a pipe: (exit code, stdout, terminal)."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "locpipe", "--root", str(root), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        text=True,
    )
    os.close(slave)
    stdout = process.stdout.read()
    process.wait()
    screen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    return process.returncode, stdout, screen.decode("utf-8")


def pages(count: int) -> dict[str, str]:
    return {f"p{n:03}.md": page(f"Page {n}", f"Magnesium and the nerves, part {n}.") for n in range(count)}


@pytest.mark.parametrize("command", ["extract", "update", "build"])
def test_progress_is_one_summary_line_off_a_terminal(tmp_path: Path, command: str) -> None:
    root = make_site(tmp_path / "s", pages(3))
    if command == "build":
        assert locpipe(root, "update").returncode == 0
    done = locpipe(root, command)
    assert done.returncode == 0, done.stderr
    [summary] = done.stdout.splitlines()
    assert re.search(r"\b3 pages, \d+ messages\b", summary) and re.search(r" in \d+\.\d\d s\b", summary), summary
    if command != "extract":
        assert re.search(r"× [12] locale\(s\)", summary), summary
    assert "[" not in done.stderr, "no bar in a log"


def test_progress_bars_count_pages_on_a_terminal_and_stay_off_stdout(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", pages(3))
    assert locpipe(root, "update").returncode == 0
    (root / "content/p000.md").write_text(page("Page 0", "Changed."), encoding="utf-8")
    code, stdout, screen = on_a_terminal(root, "update")
    assert code == 0 and len(stdout.splitlines()) == 1 and "[" not in stdout
    for stage in ("templates", "de: reading", "de: merging", "de: comparing", "de: writing"):
        assert f"update {stage} [" in screen, (stage, screen)
    assert re.search(r"update de: merging \[#{7} {23}\] 1/4", screen), "one step per page (3 pages and site.po)"
    code, stdout, screen = on_a_terminal(root, "build")
    assert code == 0 and stdout.startswith("built 3 pages")
    assert re.search(r"build rendering \[#{10} {20}\] 1/3", screen), screen
    code, stdout, screen = on_a_terminal(root, "extract")
    assert code == 0 and "extract templates [" in screen and "4/4" in screen


@pytest.fixture
def many_pages(tmp_path: Path) -> Path:
    """Enough pages for the build to render in worker processes (on two cores or more)."""
    return make_site(tmp_path / "s", pages(2 * rendering.PARALLEL_FROM + 10))


def test_build_in_worker_processes_counts_pages(many_pages: Path) -> None:
    code, _stdout, screen = on_a_terminal(many_pages, "build")
    assert code == 0 and f"build rendering [{'#' * 30}] 90/90" in screen, screen


def test_a_bad_page_in_a_build_in_worker_processes_is_one_line(many_pages: Path) -> None:
    (many_pages / "content/p000.md").write_text("---\ntitle: [unclosed\n---\nText\n", encoding="utf-8")
    done = locpipe(many_pages, "build")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and lines[0].startswith("content/p000.md:2: error: invalid YAML"), (
        done.stderr
    )
    assert not list((many_pages / "build").rglob("*.html")), "nothing is in place until every page has rendered"


# --- living with translators' tools ----------------------------------------------------------------


def test_crlf_and_bom_catalogues_are_read_correctly(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", {"a.md": page("A", "Stress")})
    assert locpipe(root, "update").returncode == 0
    translate(root, {"Stress": "Streß"}, f"{DE}/a.po")
    path = root / f"{DE}/a.po"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert locpipe(root, "build").returncode == 0
    assert "Streß" in (root / "build/de/a.html").read_text(encoding="utf-8")
    assert units(root, f"{DE}/a.po")["Stress"].msgstr == "Streß"


# --- live preview --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_serve_rebuilds_when_a_po_is_saved_and_survives_a_syntax_error(site: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "locpipe", "--root", str(site), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: "Muskelzucken" in fetch(f"{base}/de/conditions/twitching.html"))
        po = site / f"{DE}/conditions/twitching.po"
        text = po.read_text(encoding="utf-8")
        po.write_text(text.replace('msgstr "Stress oder Angst"', 'msgstr "Stress oder Ängste"'), encoding="utf-8")
        wait_for(lambda: "Stress oder Ängste" in fetch(f"{base}/de/conditions/twitching.html"))
        po.write_text(text.replace('msgstr "Stress oder Angst"', 'msgstr "Stress oder Angst'), encoding="utf-8")
        line = text[: text.index('msgstr "Stress oder Angst"')].count("\n") + 1
        # What the page's overlay shows: the state it polls, naming the file and line.
        error = wait_for(lambda: json.loads(fetch(f"{base}/__locpipe__/state")).get("error"))
        assert error.startswith(f"{DE}/conditions/twitching.po:{line}: error: end of line within a string"), error
        assert "Stress oder Ängste" in fetch(f"{base}/de/conditions/twitching.html"), (
            "the last good page is still served"
        )
        po.write_text(text.replace('msgstr "Stress oder Angst"', 'msgstr "Stress oder Sorgen"'), encoding="utf-8")
        wait_for(lambda: json.loads(fetch(f"{base}/__locpipe__/state"))["error"] is None)
        wait_for(lambda: "Stress oder Sorgen" in fetch(f"{base}/de/conditions/twitching.html"))
        assert "Stress oder Ängste" not in fetch(f"{base}/de/conditions/twitching.html")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            _out, err = server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            _out, err = server.communicate()
    assert "twitching.po:" in err and "Traceback" not in err
