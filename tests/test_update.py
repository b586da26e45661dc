"""``update``: merging templates into catalogues keeps every translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import msgcat_output, msgfmt_check, tree_bytes
from locpipe import pipeline
from locpipe.po import store as catalog
from locpipe.po.gnu import gnu_layout
from sites import make_site, page

PO = "locales/de/LC_MESSAGES/a.po"


def units(root: Path, relative: str = PO) -> dict[str, catalog.Unit]:
    store = catalog.read_catalog((root / relative).read_bytes(), relative)
    return {u.source: u for u in store.units if not u.isheader()}


def translate(root: Path, translations: dict[str, str], relative: str = PO) -> None:
    store = catalog.read_catalog((root / relative).read_bytes(), relative)
    for unit in catalog.message_units(store):
        if unit.source in translations:
            unit.target = translations[unit.source]
    (root / relative).write_bytes(gnu_layout(catalog.serialize(store), relative))


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
    assert units(translated)["Take 300 mg daily."].target == "Nimm täglich 300 mg."


def test_changed_string_becomes_fuzzy_with_previous_msgid(translated: Path) -> None:
    edit(translated, "a.md", page("Title", "Magnesium calms the irritated nerves.", "Take 300 mg daily."))
    update(translated)
    unit = units(translated)["Magnesium calms the irritated nerves."]
    assert unit.isfuzzy()
    assert unit.target == "Magnesium beruhigt die Nerven."
    assert unit.prev_source == "Magnesium calms the nerves."
    assert '#| msgid "Magnesium calms the nerves."' in (translated / PO).read_text()


def test_removed_string_is_kept_as_obsolete(translated: Path) -> None:
    edit(translated, "a.md", page("Title", "Take 300 mg daily."))
    update(translated)
    text = (translated / PO).read_text()
    assert '#~ msgid "Magnesium calms the nerves."' in text
    assert '#~ msgstr "Magnesium beruhigt die Nerven."' in text


def test_string_coming_back_revives_its_obsolete_translation(translated: Path) -> None:
    edit(translated, "a.md", page("Title", "Take 300 mg daily."))
    update(translated)
    edit(translated, "a.md", page("Title", "Magnesium calms the nerves.", "Take 300 mg daily."))
    update(translated)
    unit = units(translated)["Magnesium calms the nerves."]
    assert not unit.isobsolete() and not unit.isfuzzy()
    assert unit.target == "Magnesium beruhigt die Nerven."


def test_update_is_idempotent_after_a_change(translated: Path) -> None:
    edit(translated, "a.md", page("Title", "Magnesium calms the irritated nerves.", "New paragraph."))
    update(translated)
    first = tree_bytes(translated / "locales")
    update(translated)
    assert tree_bytes(translated / "locales") == first


def test_translator_comments_and_header_fields_survive(translated: Path) -> None:
    store = catalog.read_catalog((translated / PO).read_bytes(), PO)
    fields = catalog.header_fields(store)
    fields.update(
        {
            "Last-Translator": "Anna <anna@example.org>",
            "Language-Team": "German <de@example.org>",
            "PO-Revision-Date": "2026-05-01 10:00+0200",
            "X-Generator": "Poedit 3.4",
        }
    )
    catalog.set_header(store, fields)
    for unit in catalog.message_units(store):
        if unit.source == "Take 300 mg daily.":
            unit.addnote("checked with the pharmacist", "translator")
    (translated / PO).write_bytes(gnu_layout(catalog.serialize(store), PO))
    edit(translated, "a.md", page("Title", "Magnesium calms the irritated nerves.", "Take 300 mg daily."))
    update(translated)
    store = catalog.read_catalog((translated / PO).read_bytes(), PO)
    fields = catalog.header_fields(store)
    assert fields["Last-Translator"] == "Anna <anna@example.org>"
    assert fields["X-Generator"] == "Poedit 3.4"
    assert fields["PO-Revision-Date"] == "2026-05-01 10:00+0200"
    assert units(translated)["Take 300 mg daily."].getnotes("translator") == "checked with the pharmacist"


def test_file_rewritten_by_a_gettext_tool_stays_byte_identical(translated: Path) -> None:
    (translated / PO).write_bytes(msgcat_output(translated / PO))
    before = (translated / PO).read_bytes()
    update(translated)
    assert (translated / PO).read_bytes() == before


def test_headers_fit_the_locale_and_msgfmt_accepts_every_file(translated: Path) -> None:
    fields = catalog.header_fields(catalog.read_catalog((translated / PO).read_bytes(), PO))
    assert fields["Language"] == "de"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "charset=UTF-8" in fields["Content-Type"]
    for path in (translated / "locales").rglob("*.po"):
        result = msgfmt_check(path)
        assert result.returncode == 0, result.stderr
    for path in (translated / "locales").rglob("*.po*"):
        assert msgcat_output(path) == path.read_bytes(), path


def set_plural_forms(root: Path, value: str) -> None:
    store = catalog.read_catalog((root / PO).read_bytes(), PO)
    catalog.set_header(store, {**catalog.header_fields(store), "Plural-Forms": value})
    (root / PO).write_bytes(gnu_layout(catalog.serialize(store), PO))


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
    assert catalog.header_fields(catalog.read_catalog((translated / PO).read_bytes(), PO))["Plural-Forms"] == value


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
    assert (
        catalog.header_fields(catalog.read_catalog((translated / PO).read_bytes(), PO))["Plural-Forms"]
        == "nplurals=2; plural=(n != 1);"
    )


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
    assert unit.isfuzzy() and unit.target == "Magnesium beruhigt die Nerven."
    assert "translation memory from content/a.md" in unit.getnotes("developer")


def test_no_memory_leaves_new_messages_empty(translated: Path) -> None:
    edit(translated, "b.md", page("Other", "Magnesium calms the nerves."))
    update(translated, use_memory=False)
    assert units(translated, "locales/de/LC_MESSAGES/b.po")["Magnesium calms the nerves."].target == ""


def test_renamed_page_carries_its_translations(translated: Path) -> None:
    (translated / "content/a.md").rename(translated / "content/renamed.md")
    result = update(translated)
    moved = units(translated, "locales/de/LC_MESSAGES/renamed.po")
    assert moved["Take 300 mg daily."].target == "Nimm täglich 300 mg." and not moved["Take 300 mg daily."].isfuzzy()
    assert not (translated / PO).exists()
    assert result.renamed == [(PO, "locales/de/LC_MESSAGES/renamed.po")]
