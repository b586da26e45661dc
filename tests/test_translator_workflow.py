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

from conftest import REPO, copy_site, msgfmt_check, tree_bytes
from locpipe import catalog, pipeline
from locpipe.fsio import site_lock
from sites import make_site, page
from test_update import translate, units

DE = "locales/de/LC_MESSAGES"


def locpipe(root: Path, *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "locpipe", "--root", str(root), *args], capture_output=True, text=True, **options)


def translations(root: Path, locale: str = "de") -> dict[str, str]:
    """Every translated msgid → msgstr of a locale, active or obsolete."""
    found = {}
    for path in (root / "locales" / locale).rglob("*.po"):
        for unit in catalog.read_catalog(path.read_bytes(), str(path)).units:
            if not unit.isheader() and unit.target:
                found[unit.source] = unit.target
    return found


# --- new locale ------------------------------------------------------------------------------


def test_init_adds_the_locale_keeping_site_yaml_and_creates_catalogues(site: Path) -> None:
    before = (site / "site.yaml").read_text(encoding="utf-8")
    done = locpipe(site, "init", "fr")
    assert done.returncode == 0, done.stderr
    after = (site / "site.yaml").read_text(encoding="utf-8")
    assert after == before.replace("locales: [en, de]            #", "locales: [en, de, fr]        #")
    created = sorted(p.relative_to(site / "locales/fr/LC_MESSAGES").as_posix() for p in (site / "locales/fr").rglob("*.po"))
    assert created == sorted(p.relative_to(site / DE).as_posix() for p in (site / DE).rglob("*.po"))
    fields = catalog.header_fields(catalog.read_catalog((site / "locales/fr/LC_MESSAGES/site.po").read_bytes(), "site.po"))
    assert fields["Language"] == "fr" and fields["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    for path in (site / "locales/fr").rglob("*.po"):
        assert msgfmt_check(path).returncode == 0
    assert "an approved disclaimer: add disclaimer.approved.fr to site.yaml" in done.stdout
    assert "translations: 203 of 203 messages" in done.stdout


def test_init_gives_polish_its_three_plural_forms(site: Path) -> None:
    assert locpipe(site, "init", "pl").returncode == 0
    fields = catalog.header_fields(catalog.read_catalog((site / "locales/pl/LC_MESSAGES/site.po").read_bytes(), "site.po"))
    assert fields["Plural-Forms"].startswith("nplurals=3;")


def test_init_refuses_an_unknown_code_with_a_suggestion_and_leaves_site_yaml(site: Path) -> None:
    before = (site / "site.yaml").read_bytes()
    done = locpipe(site, "init", "ger")
    assert done.returncode == 1
    assert done.stderr.strip() == "LOCALE: error: unknown locale 'ger': Babel has no data for it (did you mean 'de'?)"
    assert (site / "site.yaml").read_bytes() == before
    assert not (site / "locales/ger").exists()


# --- pseudo-locale ---------------------------------------------------------------------------------


def test_pseudo_locale_wraps_every_visible_string_and_is_never_published(site: Path) -> None:
    assert locpipe(site, "build", "--pseudo").returncode == 0
    pages = sorted((site / "build/en-XA").rglob("*.html"))
    assert len(pages) == 5
    for path in pages:
        document = lxml.html.fromstring(path.read_text(encoding="utf-8"))
        assert document.get("lang") == "en-XA"
        for proper in document.xpath('//nav[@class="language-switcher"] | //a[@class="site-name"]'):
            proper.drop_tree()  # language names and the site's name are proper nouns
        text = re.sub(r"⟦.*?⟧", "", document.find("body").text_content(), flags=re.S)
        assert not re.search(r"[^\W\d_]", text), f"{path}: text outside the catalogues: {text.split()!r}"
        title = document.findtext(".//title")
        assert title.startswith("⟦") and title.endswith("– VMC") if path.name != "index.html" else title == "VMC"
    article = (site / "build/en-XA/articles/why-does-my-muscle-twitch.html").read_text(encoding="utf-8")
    assert "300–400 mg" in article and 'href="https://www.mayoclinic.org"' in article  # doses and links kept
    for published in ("build/sitemap.xml", "build/index.html", "build/de/conditions/twitching.html"):
        assert "en-XA" not in (site / published).read_text(encoding="utf-8")


# --- nothing is ever lost ------------------------------------------------------------------------


def big_site(root: Path, pages: int = 100) -> Path:
    """A site large enough for an update to take a while, every page translated."""
    blocks = [f"Paragraph {i} about magnesium and the nerves, with {i * 10} mg." for i in range(30)]
    make_site(root, {f"p{n:03}.md": page(f"Page {n}", *[f"{b} (page {n})" for b in blocks]) for n in range(pages)})
    assert locpipe(root, "update").returncode == 0
    for path in (root / DE).glob("*.po"):
        store = catalog.read_catalog(path.read_bytes(), str(path))
        for unit in catalog.message_units(store):
            unit.target = "DE " + unit.source
        path.write_bytes(catalog.serialize(store))
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
        process = subprocess.Popen([sys.executable, "-m", "locpipe", "--root", str(root), "update"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        killed += process.wait() == -signal.SIGKILL
        for path in (root / "locales").rglob("*.po*"):
            catalog.read_catalog(path.read_bytes(), str(path))  # parses: old and whole, or new and whole
        assert set(translations(root).values()) >= expected
    assert killed >= 2, "the runs finished before they were killed: the site is too small"
    assert locpipe(root, "update").returncode == 0, "the next run finishes the work"
    assert set(translations(root).values()) >= expected


STALE = [f"{DE}/conditions/.twitching.po.k2j4h5g6.tmp", "locales/templates/.site.pot.0a_1b2c3.tmp",
         "build/de/conditions/.twitching.html.x9y8z7w6.tmp"]
NOT_OURS = [f"{DE}/.notes.tmp", f"{DE}/.twitching.po.ABCDEFGH.tmp", "build/de/draft.abcd1234.tmp",
            "content/.twitching.md.abcd1234.tmp"]


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
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom pathlib import Path\nfrom locpipe.fsio import site_lock\n"
        f"with site_lock(Path({str(root)!r})):\n    print('locked', flush=True)\n    time.sleep(30)\n")],
        stdout=subprocess.PIPE, text=True)
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


# --- living with translators' tools ----------------------------------------------------------------


def test_crlf_and_bom_catalogues_are_read_correctly(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", {"a.md": page("A", "Stress")})
    assert locpipe(root, "update").returncode == 0
    translate(root, {"Stress": "Streß"}, f"{DE}/a.po")
    path = root / f"{DE}/a.po"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert locpipe(root, "build").returncode == 0
    assert "Streß" in (root / "build/de/a.html").read_text(encoding="utf-8")
    assert units(root, f"{DE}/a.po")["Stress"].target == "Streß"


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
    server = subprocess.Popen([sys.executable, "-m", "locpipe", "--root", str(site), "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: "Muskelzucken" in fetch(f"{base}/de/conditions/twitching.html"))
        po = site / f"{DE}/conditions/twitching.po"
        text = po.read_text(encoding="utf-8")
        po.write_text(text.replace('msgstr "Stress oder Angst"', 'msgstr "Stress oder Ängste"'), encoding="utf-8")
        wait_for(lambda: "Stress oder Ängste" in fetch(f"{base}/de/conditions/twitching.html"))
        po.write_text(text.replace('msgstr "Stress oder Angst"', 'msgstr "Stress oder Angst'), encoding="utf-8")
        state = wait_for(lambda: json.loads(fetch(f"{base}/__locpipe__/state")).get("error"))
        assert state.startswith(f"{DE}/conditions/twitching.po:133:") and "end of line within a string" in state
        page_html = fetch(f"{base}/de/conditions/twitching.html")
        assert "locpipe-error" in page_html, "the page shows the error"
        po.write_text(text, encoding="utf-8")
        wait_for(lambda: json.loads(fetch(f"{base}/__locpipe__/state"))["error"] is None)
        assert "Stress oder Angst" in fetch(f"{base}/de/conditions/twitching.html")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            _out, err = server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            _out, err = server.communicate()
    assert "twitching.po:" in err and "Traceback" not in err
