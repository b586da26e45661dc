"""Extraction: each Markdown fixture beside the catalogue template it must give."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXED_DATE, FIXTURES, msgcat_output
from locpipe.po.entries import template
from locpipe.po.gnu import gnu_layout, holds
from locpipe.po.store import catalogue_text
from locpipe.source.messages import page_messages
from locpipe.source.pages import parse_page

CASES = sorted((FIXTURES / "extract").glob("*.md"))
FIELDS = ("title", "description", "ingredients_intro", "ingredients")


def extracted(path: Path) -> bytes:
    """The template of the page as polib writes it (GNU msgcat then lays it out,
    in the layout of the gettext release on the machine)."""
    page = parse_page(path.name, path.read_bytes(), FIELDS)
    return catalogue_text(template("VMC", page.source_path, page_messages(page, FIELDS), FIXED_DATE))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_markdown_gives_expected_template(case: Path) -> None:
    expected = case.with_suffix(".pot").read_text(encoding="utf-8")
    assert extracted(case).decode("utf-8") == expected


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_template_is_written_as_gnu_gettext_writes_it(case: Path, tmp_path: Path) -> None:
    written = tmp_path / "out.pot"
    written.write_bytes(gnu_layout(extracted(case), "out.pot"))
    assert msgcat_output(written) == written.read_bytes()
    page = parse_page(case.name, case.read_bytes(), FIELDS)
    wanted = template("VMC", page.source_path, page_messages(page, FIELDS), FIXED_DATE)
    assert holds(written.read_bytes(), wanted, "out.pot"), "the written file reads back as the same entries"
