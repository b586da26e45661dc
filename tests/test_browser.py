"""The shipped site in a real browser (headless Chromium, driven over the DevTools
protocol by Playwright): every English and German page loads without console
errors in its language, shows the approved disclaimer uncovered in the first
screen on a desktop and on a phone, and the language switcher leads to the same
article in the other language. Screenshots of a German page are kept for a person.

The site is built into a temporary folder and served on 127.0.0.1; a page that
asks for anything outside loopback fails its test (the request is blocked).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import REPO, copy_site
from locpipe.checks.catalogue import approved_text, normalize
from locpipe.cli import main
from locpipe.project.paths import page_paths

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip(
        "Chromium is not installed (apt-get install chromium, as .ci/run does): browser test skipped",
        allow_module_level=True,
    )
try:
    from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright
except ImportError:
    pytest.skip("Playwright is not installed (pip install -e '.[test]'): browser test skipped", allow_module_level=True)

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
STARTUP_SECONDS = 30

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}

LOCALES = ("en", "de")
SLUGS = [path.removesuffix(".md") for path in page_paths(REPO)]
# Every page of a locale carries the disclaimer; build/index.html only picks a language.
LOCALE_PAGES = [f"{locale}/{slug}.html" for locale in LOCALES for slug in [*SLUGS, "index"]]
PAGES = [*LOCALE_PAGES, "index.html"]
GERMAN_ARTICLES = [f"de/{slug}.html" for slug in SLUGS if slug.startswith("articles/")]
SCREENSHOT_PAGE = "de/conditions/twitching.html"


# Known defects, shown as strict xfails until src/ is fixed (then the XPASS fails: remove the entry).
def locale_of(path: str) -> str:
    return path.split("/")[0] if "/" in path else "en"


def disclaimer_text(locale: str) -> str:
    """The approved wording as a reader sees it, read from site.yaml itself."""
    disclaimer = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))["disclaimer"]
    return approved_text(disclaimer["source"] if locale == "en" else disclaimer["approved"][locale])


# --- the site, the server, the browser ----------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A temporary copy of the shipped site, built."""
    root = copy_site(tmp_path_factory.mktemp("browser-site"))
    assert main(["--root", str(root), "build"]) == 0
    return root


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """``site/build`` served on 127.0.0.1 on a free port, for the module."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site / "build")))
    thread = threading.Thread(target=server.serve_forever, name="browser-test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Browser]:
    """Chromium started with the flags above and a fresh profile, for the module."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    log_path = profile.parent / "chromium.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        endpoint = _devtools_endpoint(process, profile / "DevToolsActivePort", log_path)
        with sync_playwright() as playwright:
            connected = playwright.chromium.connect_over_cdp(endpoint)
            yield connected
            connected.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _devtools_endpoint(process: subprocess.Popen, port_file: Path, log_path: Path) -> str:
    """Chromium writes its DevTools port (first line) and path (second) once it listens."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"Chromium exited with {process.returncode} at start:\n{log_path.read_text(errors='replace')[-2000:]}"
            )
        lines = port_file.read_text().splitlines() if port_file.is_file() else []
        if len(lines) == 2:
            return f"http://127.0.0.1:{lines[0]}"
        time.sleep(0.05)
    pytest.fail(
        f"Chromium did not open its DevTools port in {STARTUP_SECONDS} s:\n{log_path.read_text(errors='replace')[-2000:]}"
    )


class Tab:
    """A page in its own browser context, reused from test to test, that notes what goes wrong
    while it loads: console errors, uncaught exceptions and requests that would leave loopback."""

    def __init__(self, browser: Browser, base_url: str, options: dict) -> None:
        self.base_url = base_url
        self.problems: list[str] = []
        self.context: BrowserContext = browser.new_context(**options)
        self.page: Page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"uncaught exception: {error}"))
        self.page.route(lambda url: not url.startswith(base_url), self._outside)

    def open(self, path: str) -> Page:
        self.problems.clear()
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        return self.page

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.location
            self.problems.append(f"console error: {message.text} ({where.get('url')}:{where.get('lineNumber')})")

    def _outside(self, route: Route) -> None:
        self.problems.append(f"request outside loopback, blocked: {route.request.url}")
        route.abort()


@pytest.fixture(scope="module")
def tabs(browser: Browser, base_url: str) -> Iterator[dict[str, Tab]]:
    """One tab per viewport, shared by the module's tests (a new page per test costs more than the test)."""
    opened = {name: Tab(browser, base_url, options) for name, options in VIEWPORTS.items()}
    yield opened
    for tab in opened.values():
        tab.context.close()


# What the disclaimer looks like in the page: its box, CSS visibility, its text,
# and what document.elementFromPoint hits at five points inside the part of its box on screen.
MEASURE_DISCLAIMER = """() => {
  const asides = document.querySelectorAll("aside.disclaimer");
  if (asides.length !== 1) return {count: asides.length};
  const aside = asides[0];
  const box = aside.getBoundingClientRect();
  const [left, right] = [Math.max(box.left, 0) + 3, Math.min(box.right, innerWidth) - 3];
  const [top, bottom] = [Math.max(box.top, 0) + 3, Math.min(box.bottom, innerHeight) - 3];
  const points = [[(left + right) / 2, (top + bottom) / 2], [left, top], [right, top], [left, bottom], [right, bottom]];
  const describe = (element) => element === null ? "nothing" :
    element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") + (element.className ? "." + element.className : "");
  const covered = right > left && bottom > top ? points.flatMap(([x, y]) => {
    const hit = document.elementFromPoint(x, y);
    return hit !== null && aside.contains(hit) ? [] : [`(${Math.round(x)}, ${Math.round(y)}) hits ${describe(hit)}`];
  }) : ["no part of the box is on screen"];
  return {
    count: 1, top: box.top, bottom: box.bottom, left: box.left, right: box.right, width: box.width, height: box.height,
    visible: aside.checkVisibility({opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true}),
    text: aside.innerText, covered,
  };
}"""


@pytest.fixture(scope="module")
def disclaimer(tabs: dict[str, Tab]):
    """The disclaimer of a page at a viewport, measured once for the module's tests."""
    measured: dict[tuple[str, str], dict] = {}

    def measure(path: str, viewport: str = "desktop") -> dict:
        if (path, viewport) not in measured:
            measured[path, viewport] = tabs[viewport].open(path).evaluate(MEASURE_DISCLAIMER)
        found = measured[path, viewport]
        assert found["count"] == 1, f"{path}: {found['count']} aside.disclaimer, expected exactly one"
        return found

    return measure


# --- the tests ---------------------------------------------------------------------------------


def test_the_build_holds_exactly_the_pages_tested(site: Path) -> None:
    build = site / "build"
    built = {p.relative_to(build).as_posix() for locale in LOCALES for p in (build / locale).rglob("*.html")}
    assert built | {"index.html"} == set(PAGES)
    assert (build / "index.html").is_file()


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_console_errors_in_its_language(tabs: dict[str, Tab], path: str) -> None:
    page = tabs["desktop"].open(path)
    assert page.evaluate("document.documentElement.lang") == locale_of(path)
    assert page.evaluate("document.styleSheets.length") == 1, "the stylesheet did not load"
    assert not tabs["desktop"].problems, "\n".join(tabs["desktop"].problems)


@pytest.mark.parametrize("path", LOCALE_PAGES)
def test_disclaimer_shows_the_approved_wording(disclaimer, path: str) -> None:
    found = disclaimer(path)
    assert normalize(found["text"]) == disclaimer_text(locale_of(path))


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", LOCALE_PAGES)
def test_disclaimer_lies_in_the_first_screen(disclaimer, path: str, viewport: str) -> None:
    found = disclaimer(path, viewport)
    assert found["visible"], "hidden by CSS (display, visibility or opacity)"
    assert found["width"] > 0 and found["height"] > 0, found
    box = {key: round(found[key], 1) for key in ("top", "bottom", "left", "right")}
    screen = VIEWPORTS[viewport]["viewport"]
    assert found["top"] >= 0 and found["bottom"] <= screen["height"], f"not within the first screen {screen}: {box}"
    assert found["left"] >= 0 and found["right"] <= screen["width"], f"wider than the screen {screen}: {box}"


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", LOCALE_PAGES)
def test_disclaimer_is_not_covered(disclaimer, path: str, viewport: str) -> None:
    covered = disclaimer(path, viewport)["covered"]
    assert not covered, "covered at " + "; ".join(covered)


# How wide the page is laid out, and the elements reaching furthest beyond a given width.
WIDER_THAN = """(width) => {
  const right = (element) => element.getBoundingClientRect().right;
  const wide = [...document.body.querySelectorAll("*")].filter((e) => right(e) > width && ![...e.children].some((c) => right(c) > width));
  wide.sort((a, b) => right(b) - right(a));
  return {scrollWidth: document.documentElement.scrollWidth, widest: wide.slice(0, 3).map((e) =>
    `<${e.tagName.toLowerCase()}> reaching ${Math.round(right(e))} px: ${e.textContent.trim().slice(0, 70)}`)};
}"""


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_the_phone_width(tabs: dict[str, Tab], path: str) -> None:
    """A page wider than the phone runs off its screen and pans sideways under the reader's thumb."""
    width = VIEWPORTS["phone"]["viewport"]["width"]
    found = tabs["phone"].open(path).evaluate(WIDER_THAN, width)
    assert found["scrollWidth"] <= width, f"{found['scrollWidth']} CSS px wide on a {width} px phone: " + "; ".join(
        found["widest"]
    )


def follow(page: Page, hreflang: str) -> None:
    link = page.locator(f'nav.language-switcher a[hreflang="{hreflang}"]')
    assert link.count() == 1
    with page.expect_navigation(wait_until="load") as navigation:
        link.click()
    assert navigation.value is not None and navigation.value.ok


@pytest.mark.parametrize("path", GERMAN_ARTICLES)
def test_language_switcher_leads_to_the_same_article_and_back(tabs: dict[str, Tab], path: str) -> None:
    page = tabs["desktop"].open(path)
    follow(page, "en")
    assert urlsplit(page.url).path == "/en/" + path.removeprefix("de/")
    assert page.evaluate("document.documentElement.lang") == "en"
    follow(page, "de")
    assert urlsplit(page.url).path == "/" + path
    assert page.evaluate("document.documentElement.lang") == "de"
    assert not tabs["desktop"].problems, "\n".join(tabs["desktop"].problems)


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_screenshots_of_the_german_condition_page(tabs: dict[str, Tab], site: Path) -> None:
    """The first screen at each size, in <site>/build/screenshots/ and, for a person to look
    at, in the repository's build/screenshots/ (``make check`` builds the pages beside them)."""
    folder = site / "build" / "screenshots"
    folder.mkdir(exist_ok=True)
    for viewport, options in VIEWPORTS.items():
        size = options["viewport"]
        target = (
            folder / f"{SCREENSHOT_PAGE.replace('/', '-').removesuffix('.html')}-{size['width']}x{size['height']}.png"
        )
        tabs[viewport].open(SCREENSHOT_PAGE).screenshot(path=str(target))
        scale = options.get("device_scale_factor", 1)
        assert png_size(target) == (size["width"] * scale, size["height"] * scale)
    shutil.copytree(folder, REPO / "build" / "screenshots", dirs_exist_ok=True)
