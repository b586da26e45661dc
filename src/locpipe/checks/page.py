"""The check of a built page: it carries exactly one disclaimer, and what a
reader sees of it is the approved text."""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html

from ..model import Problem
from . import visibility
from .catalogue import wording_difference


def built_page(
    html: bytes, expected_text: str, source_text: str, page: str, read: visibility.ReadFile
) -> Iterator[Problem]:
    """A built page shows exactly one disclaimer, and what a reader sees of it is
    the approved text. ``page`` is the page's path from the site root, ``read``
    gives the text of a file under build/ (the stylesheets the page uses)."""
    document = lxml.html.fromstring(html.decode("utf-8", errors="replace"))  # pages are written as UTF-8
    asides = document.xpath('//aside[contains(concat(" ", normalize-space(@class), " "), " disclaimer ")]')
    if not asides:
        yield Problem("disclaimer", "error", 'the page has no <aside class="disclaimer">: rebuild with make build')
        return
    if len(asides) > 1:
        yield Problem(
            "disclaimer",
            "error",
            f'the page has {len(asides)} <aside class="disclaimer">, it must have exactly one',
            asides[1].sourceline,
        )
    aside = asides[0]
    sources, unread = visibility.page_stylesheets(document, page, read)
    for message, line in unread:
        yield Problem("disclaimer", "warning", message, line)
    for view, unknown in visibility.views(aside, sources):
        for selector, why in unknown:
            yield Problem(
                "disclaimer",
                "warning",
                f"cannot tell whether the CSS rule '{selector}' hides the disclaimer "
                f"(cssselect: {why[:1].lower()}{why[1:]}): check it by hand",
                aside.sourceline,
            )
        problem = _seen_problem(view, aside, expected_text, source_text)
        if problem is not None:
            yield problem
            return


def _seen_problem(view: visibility.View, aside, expected_text: str, source_text: str) -> Problem | None:
    """What is wrong with the disclaimer as seen, naming what hides or adds words."""
    text, hidden = view.text, view.hidden
    if text == expected_text:
        return None
    difference = wording_difference(expected_text, text)
    if hidden is not None and not text:
        return Problem(
            "disclaimer",
            "error",
            f"the disclaimer is hidden ({hidden.why}): it must be visible on every page",
            hidden.line,
        )
    if hidden is not None:
        return Problem(
            "disclaimer", "error", f"the disclaimer is partly hidden ({hidden.why}): {difference}", hidden.line
        )
    if view.added is not None:
        return Problem(
            "disclaimer", "error", f"CSS adds to the disclaimer ({view.added.why}): {difference}", view.added.line
        )
    if text == source_text and source_text != expected_text:
        return Problem(
            "disclaimer",
            "error",
            "the page shows the source-language disclaimer: translate the disclaimer in site.po with the approved wording",
            aside.sourceline,
        )
    return Problem(
        "disclaimer",
        "error",
        f"the page's disclaimer differs from the approved wording: {difference}",
        aside.sourceline,
    )
