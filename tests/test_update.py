"""``update``: merging templates into catalogues keeps every translation."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from conftest import msgcat_output, msgfmt_check, tree_bytes
from locpipe import pipeline
from locpipe.model import Entry
from locpipe.po.gnu import gnu_layout
from locpipe.po.store import catalogue_text, read_catalogue
from sites import make_site, page

PO = "locales/de/LC_MESSAGES/a.po"


def units(root: Path, relative: str = PO) -> dict[str, Entry]:
    store = read_catalogue((root / relative).read_bytes(), relative)
    return {u.msgid: u for u in store.entries}


def translate(root: Path, translations: dict[str, str], relative: str = PO) -> None:
    store = read_catalogue((root / relative).read_bytes(), relative)
    for unit in store.messages():
        if unit.msgid in translations:
            unit.msgstr = translations[unit.msgid]
    (root / relative).write_bytes(gnu_layout(catalogue_text(store), relative))


def update(root: Path, **options) -> pipeline.UpdateResult:
    return pipeline.update(pipeline.load_site(root), **options)


def edit(root: Path, path: str, text: str) -> None:
    (root / "content" / path).write_text(text, encoding="utf-8")


@pytest.fixture
def translated(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "s", {"a.md": page("Title", "Magnesium calms the nerves.", "Take 300 mg daily.")})
    update(root)
    translate(
        root,
        {
            "Title": "Titel",
            "Magnesium calms the nerves.": "Magnesium beruhigt die Nerven.",
            "Take 300 mg daily.": "Nimm täglich 300 mg.",
        },
    )
    return root


def test_unchanged_content_keeps_translations_and_changes_no_byte(translated: Path) -> None:
    before = tree_bytes(translated / "locales")
    result = update(translated)
    assert tree_bytes(translated / "locales") == before
    assert result.written == [] and result.extracted.written == []
    assert units(translated)["Take 300 mg daily."].msgstr == "Nimm täglich 300 mg."


def test_changed_string_becomes_fuzzy_with_previous_msgid(translated: Path) -> None:
    edit(translated, "a.md", page("Title", "Magnesium calms the irritated nerves.", "Take 300 mg daily."))
    update(translated)
    unit = units(translated)["Magnesium calms the irritated nerves."]
    assert unit.fuzzy
    assert unit.msgstr == "Magnesium beruhigt die Nerven."
    assert unit.previous_msgid == "Magnesium calms the nerves."
    assert '#| msgid "Magnesium calms the nerves."' in (translated / PO).read_text()


def test_removed_string_is_kept_as_obsolete(translated: Path) -> None:
    edit(translated, "a.md", page("Title", "Take 300 mg daily."))
    update(translated)
    text = (translated / PO).read_text()
    assert '#~ msgid "Magnesium calms the nerves."' in text
    assert '#~ msgstr "Magnesium beruhigt die Nerven."' in text


def test_a_changed_string_leaves_only_its_fuzzy_entry_in_the_diff(translated: Path) -> None:
    """As ``msgmerge --previous``: the old translation lives on in the fuzzy
    entry, with no obsolete ``#~`` copy of it at the end of the file."""
    before = (translated / PO).read_text().splitlines()
    edit(translated, "a.md", page("Title", "Magnesium calms the irritated nerves.", "Take 300 mg daily."))
    result = update(translated)
    after = (translated / PO).read_text().splitlines()
    assert "#~" not in "\n".join(after)
    assert (result.report.kept, result.report.fuzzy, result.report.obsoleted) == (2, 1, 0)
    changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0) if line[:1] in "+-"][2:]
    assert changed == [
        '-msgid "Magnesium calms the nerves."',
        "+#, fuzzy",
        '+#| msgid "Magnesium calms the nerves."',
        '+msgid "Magnesium calms the irritated nerves."',
    ]


def test_an_obsolete_entry_keeps_its_previous_msgid(translated: Path) -> None:
    """polib drops the "#~|" lines msgmerge writes above an obsolete fuzzy
    entry; locpipe reads them, and writes them back."""
    edit(translated, "a.md", page("Title", "Magnesium calms the irritated nerves.", "Take 300 mg daily."))
    update(translated)
    edit(translated, "a.md", page("Title", "Take 300 mg daily."))
    update(translated)
    text = (translated / PO).read_text()
    assert '#~| msgid "Magnesium calms the nerves."\n#~ msgid "Magnesium calms the irritated nerves."' in text
    gone = units(translated)["Magnesium calms the irritated nerves."]
    assert gone.obsolete and gone.fuzzy and gone.previous_msgid == "Magnesium calms the nerves."
    before = tree_bytes(translated / "locales")
    update(translated)
    assert tree_bytes(translated / "locales") == before


def test_comments_rewrapped_by_a_translators_tool_change_nothing(translated: Path) -> None:
    """polib (and tools built on it) re-wrap "#." comments at 78 columns; the
    hints locpipe writes already fit, and a comment rewrapped another way is the
    same comment: update leaves the file as the tool saved it."""
    edit(
        translated,
        "a.md",
        "---\ntitle: Title\n---\n\n<!-- i18n: " + "A long note for translators " * 6 + "-->\nTake 300 mg daily.\n",
    )
    update(translated)
    text = (translated / PO).read_text()
    assert all(len(line) <= 78 for line in text.splitlines() if line.startswith("#."))
    rewrapped = text.replace(
        "#. Keep every number, dose and unit exactly", "#. Keep every number,\n#. dose and unit exactly"
    )
    assert rewrapped != text
    (translated / PO).write_text(rewrapped)
    result = update(translated)
    assert result.written == [] and (translated / PO).read_text() == rewrapped


def test_string_coming_back_revives_its_obsolete_translation(translated: Path) -> None:
    edit(translated, "a.md", page("Title", "Take 300 mg daily."))
    update(translated)
    edit(translated, "a.md", page("Title", "Magnesium calms the nerves.", "Take 300 mg daily."))
    update(translated)
    unit = units(translated)["Magnesium calms the nerves."]
    assert not unit.obsolete and not unit.fuzzy
    assert unit.msgstr == "Magnesium beruhigt die Nerven."


def test_update_is_idempotent_after_a_change(translated: Path) -> None:
    edit(translated, "a.md", page("Title", "Magnesium calms the irritated nerves.", "New paragraph."))
    update(translated)
    first = tree_bytes(translated / "locales")
    update(translated)
    assert tree_bytes(translated / "locales") == first


def test_translator_comments_and_header_fields_survive(translated: Path) -> None:
    store = read_catalogue((translated / PO).read_bytes(), PO)
    fields = store.header
    fields.update(
        {
            "Last-Translator": "Anna <anna@example.org>",
            "Language-Team": "German <de@example.org>",
            "PO-Revision-Date": "2026-05-01 10:00+0200",
            "X-Generator": "Poedit 3.4",
        }
    )
    store.header = fields
    for unit in store.messages():
        if unit.msgid == "Take 300 mg daily.":
            unit.translator_comments.append("checked with the pharmacist")
    (translated / PO).write_bytes(gnu_layout(catalogue_text(store), PO))
    edit(translated, "a.md", page("Title", "Magnesium calms the irritated nerves.", "Take 300 mg daily."))
    update(translated)
    store = read_catalogue((translated / PO).read_bytes(), PO)
    fields = store.header
    assert fields["Last-Translator"] == "Anna <anna@example.org>"
    assert fields["X-Generator"] == "Poedit 3.4"
    assert fields["PO-Revision-Date"] == "2026-05-01 10:00+0200"
    assert units(translated)["Take 300 mg daily."].translator_comments == ["checked with the pharmacist"]


def test_file_rewritten_by_a_gettext_tool_stays_byte_identical(translated: Path) -> None:
    (translated / PO).write_bytes(msgcat_output(translated / PO))
    before = (translated / PO).read_bytes()
    update(translated)
    assert (translated / PO).read_bytes() == before


def test_headers_fit_the_locale_and_msgfmt_accepts_every_file(translated: Path) -> None:
    fields = read_catalogue((translated / PO).read_bytes(), PO).header
    assert fields["Language"] == "de"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "charset=UTF-8" in fields["Content-Type"]
    for path in (translated / "locales").rglob("*.po"):
        result = msgfmt_check(path)
        assert result.returncode == 0, result.stderr
    for path in (translated / "locales").rglob("*.po*"):
        assert msgcat_output(path) == path.read_bytes(), path


def set_plural_forms(root: Path, value: str) -> None:
    store = read_catalogue((root / PO).read_bytes(), PO)
    store.header = {**store.header, "Plural-Forms": value}
    (root / PO).write_bytes(gnu_layout(catalogue_text(store), PO))


@pytest.mark.parametrize(
    "value", ["nplurals=2; plural=n != 1;", "nplurals=2;plural=( n!=1 )", "nplurals=2; plural=(n != 1);"]
)
def test_plural_forms_stating_babels_rule_in_another_spelling_is_kept(translated: Path, value: str) -> None:
    set_plural_forms(translated, value)  # as Weblate or Lokalize write it
    before = (translated / PO).read_bytes()
    update(translated)
    assert (translated / PO).read_bytes() == before, "no content change, no rewrite"
    edit(translated, "a.md", page("Title", "Something new."))
    update(translated)
    assert read_catalogue((translated / PO).read_bytes(), PO).header["Plural-Forms"] == value


@pytest.mark.parametrize(
    "value",
    [
        "nplurals=2; plural=(n > 1);",
        "nplurals=3; plural=(n != 1);",
        "nplurals=2; plural=(n != 1) && (n != 0);",
        "nplurals=INTEGER; plural=EXPRESSION;",
    ],
)
def test_plural_forms_stating_another_rule_is_set_to_babels(translated: Path, value: str) -> None:
    set_plural_forms(translated, value)
    update(translated)
    assert read_catalogue((translated / PO).read_bytes(), PO).header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_pot_creation_date_changes_only_with_the_messages(translated: Path, monkeypatch) -> None:
    pot = translated / "locales/templates/a.pot"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2000000000")
    update(translated)
    assert "2033-05-18" not in pot.read_text()
    edit(translated, "a.md", page("Title", "Something new."))
    update(translated)
    assert "POT-Creation-Date: 2033-05-18 03:33+0000" in pot.read_text()
    assert "POT-Creation-Date: 2033-05-18 03:33+0000" in (translated / PO).read_text()


def test_translation_memory_prefills_from_another_page(translated: Path) -> None:
    edit(translated, "b.md", page("Other", "Magnesium calms the nerves."))
    update(translated)
    unit = units(translated, "locales/de/LC_MESSAGES/b.po")["Magnesium calms the nerves."]
    assert unit.fuzzy and unit.msgstr == "Magnesium beruhigt die Nerven."
    assert "translation memory from content/a.md" in " ".join(unit.extracted_comments)


def test_no_memory_leaves_new_messages_empty(translated: Path) -> None:
    edit(translated, "b.md", page("Other", "Magnesium calms the nerves."))
    update(translated, use_memory=False)
    assert units(translated, "locales/de/LC_MESSAGES/b.po")["Magnesium calms the nerves."].msgstr == ""


def test_renamed_page_carries_its_translations(translated: Path) -> None:
    (translated / "content/a.md").rename(translated / "content/renamed.md")
    result = update(translated)
    moved = units(translated, "locales/de/LC_MESSAGES/renamed.po")
    assert moved["Take 300 mg daily."].msgstr == "Nimm täglich 300 mg." and not moved["Take 300 mg daily."].fuzzy
    assert not (translated / PO).exists()
    assert result.renamed == [(PO, "locales/de/LC_MESSAGES/renamed.po")]
