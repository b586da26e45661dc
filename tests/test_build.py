"""``build``: the pages of every locale, their disclaimer, languages and links."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from locpipe import pipeline
from locpipe.render.translate import Translations, page_segments, render_body
from sites import SITE_YAML, make_site, page
from test_update import translate

TWITCHING = page(
    "Twitching",
    "See [the magnesium article](articles/magnesium.md#dose) and [the source](https://example.org/x.md).",
    "- Stress\n- Caffeine",
    "Untranslated **paragraph**.",
)
MAGNESIUM = page("Magnesium", "Back to [twitching](../twitching.md).")


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "s", {"twitching.md": TWITCHING, "articles/magnesium.md": MAGNESIUM})
    pipeline.update(pipeline.load_site(root))
    translate(
        root,
        {
            "Twitching": "Muskelzucken",
            "See [the magnesium article](articles/magnesium.md#dose) and [the source](https://example.org/x.md).": "Siehe [den Magnesium-Artikel](articles/magnesium.md#dose) und [die Quelle](https://example.org/x.md).",
            "Stress": "Stress",
        },
        "locales/de/LC_MESSAGES/twitching.po",
    )
    translate(
        root,
        {"**Not medical advice.** Ask a doctor.": "**Keine medizinische Beratung.** Frag eine Ärztin oder einen Arzt."},
        "locales/de/LC_MESSAGES/site.po",
    )
    pipeline.build(pipeline.load_site(root))
    return root


def html(root: Path, relative: str):
    return lxml.html.fromstring((root / "build" / relative).read_bytes())


def test_every_page_and_locale_is_written(built: Path) -> None:
    for relative in (
        "en/twitching.html",
        "de/twitching.html",
        "en/articles/magnesium.html",
        "de/articles/magnesium.html",
        "en/index.html",
        "de/index.html",
        "index.html",
        "sitemap.xml",
        "style.css",
    ):
        assert (built / "build" / relative).is_file(), relative


def test_page_has_lang_title_description_alternates_and_one_disclaimer(built: Path) -> None:
    doc = html(built, "de/twitching.html")
    assert doc.get("lang") == "de"
    assert doc.findtext(".//title").startswith("Muskelzucken")
    asides = doc.xpath('//aside[@class="disclaimer"]')
    assert len(asides) == 1
    assert asides[0].text_content().strip() == "Keine medizinische Beratung. Frag eine Ärztin oder einen Arzt."
    hreflangs = {link.get("hreflang"): link.get("href") for link in doc.xpath('//link[@rel="alternate"]')}
    assert hreflangs == {
        "en": "https://example.org/en/twitching.html",
        "de": "https://example.org/de/twitching.html",
        "x-default": "https://example.org/en/twitching.html",
    }


def test_english_page_carries_the_english_disclaimer(built: Path) -> None:
    aside = html(built, "en/twitching.html").xpath('//aside[@class="disclaimer"]')[0]
    assert aside.text_content().strip() == "Not medical advice. Ask a doctor."
    assert aside.get("lang") is None


def test_links_between_pages_stay_in_the_locale(built: Path) -> None:
    hrefs = html(built, "de/twitching.html").xpath('//div[@class="page-body"]//a/@href')
    assert hrefs == ["articles/magnesium.html#dose", "https://example.org/x.md"]
    assert html(built, "de/articles/magnesium.html").xpath('//div[@class="page-body"]//a/@href') == [
        "../twitching.html"
    ]


def test_untranslated_text_falls_back_to_english_marked_with_lang(built: Path) -> None:
    body = html(built, "de/twitching.html").xpath('//div[@class="page-body"]')[0]
    fallback = body.xpath('.//p[@lang="en"]')
    assert [p.text_content() for p in fallback] == ["Untranslated paragraph."]
    items = body.xpath(".//li")
    assert [(li.text_content(), li.get("lang")) for li in items] == [("Stress", None), ("Caffeine", "en")]
    assert html(built, "de/articles/magnesium.html").xpath("//h1")[0].get("lang") == "en"


def test_language_switcher_links_to_the_same_page(built: Path) -> None:
    switcher = html(built, "de/articles/magnesium.html").xpath('//nav[@class="language-switcher"]//a')
    assert [(a.get("hreflang"), a.get("href")) for a in switcher] == [("en", "../../en/articles/magnesium.html")]


def test_page_body_holds_only_the_markdown_body(built: Path) -> None:
    body = html(built, "en/twitching.html").xpath('//div[@class="page-body"]')[0]
    assert not body.xpath(".//h1") and not body.xpath(".//aside")
    assert body.xpath("./*")[0].tag == "p"


def test_building_twice_gives_identical_bytes_and_rewrites_nothing(built: Path) -> None:
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (built / "build").rglob("*") if p.is_file()}
    result = pipeline.build(pipeline.load_site(built))
    assert result.written == []
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (built / "build").rglob("*") if p.is_file()}
    assert after == before


def test_sitemap_lists_every_page_with_hreflang_alternates(built: Path) -> None:
    sitemap = (built / "build/sitemap.xml").read_text()
    assert sitemap.count("<url>") == 6  # (2 pages + index) × 2 locales
    assert (
        '<xhtml:link rel="alternate" hreflang="de" href="https://example.org/de/articles/magnesium.html"/>' in sitemap
    )


def test_source_locale_through_identity_catalogue_equals_direct_render(built: Path) -> None:
    site = pipeline.load_site(built)
    for item in site.pages:
        segments = page_segments(item)
        identity = Translations({(None, s.msgid): s.msgid for s in segments})
        assert render_body(item, segments, identity, "en") == render_body(item, segments, Translations.identity(), "en")


def test_a_paragraph_shared_by_pages_renders_the_same_on_each(tmp_path: Path) -> None:
    """Identical texts share parsed tokens: escapes and entities, which
    markdown-it joins into the text after parsing, must not pile up page by page."""
    shared = "Salt &amp; pepper, \\*not\\* emphasis &copy; 2026."
    root = make_site(tmp_path / "s", {f"p{n}.md": page(f"Page {n}", shared) for n in range(3)})
    pipeline.build(pipeline.load_site(root))
    for n in range(3):
        for locale in ("en", "de"):
            body = html(root, f"{locale}/p{n}.html").xpath('//*[@class="page-body"]')[0]
            assert body.text_content().strip() == "Salt & pepper, *not* emphasis © 2026.", (locale, n)


def disclaimer_of(root: Path, relative: str):
    return html(root, relative).xpath('//aside[@class="disclaimer"]')[0]


def test_pages_show_the_approved_disclaimer_even_when_site_po_softens_it(built: Path) -> None:
    translate(
        built,
        {
            "**Not medical advice.** Ask a doctor.": "**Meist keine medizinische Beratung.** Frag eine Ärztin oder einen Arzt."
        },
        "locales/de/LC_MESSAGES/site.po",
    )
    result = pipeline.build(pipeline.load_site(built))
    assert (
        disclaimer_of(built, "de/twitching.html").text_content().strip()
        == "Keine medizinische Beratung. Frag eine Ärztin oder einen Arzt."
    )
    assert result.disclaimer_differs == ["locales/de/LC_MESSAGES/site.po"]


def test_a_reviewed_change_to_the_approved_wording_reaches_every_page(built: Path) -> None:
    site_yaml = built / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace("Frag eine Ärztin", "Frag bitte eine Ärztin"), encoding="utf-8"
    )
    result = pipeline.build(pipeline.load_site(built))
    for relative in ("de/twitching.html", "de/articles/magnesium.html", "de/index.html"):
        assert "Frag bitte eine Ärztin" in disclaimer_of(built, relative).text_content(), relative
    assert result.disclaimer_differs == ["locales/de/LC_MESSAGES/site.po"]  # until site.po is brought in line


def test_a_locale_without_approved_wording_shows_the_source_disclaimer_marked_english(built: Path) -> None:
    site_yaml = built / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    site_yaml.write_text(text[: text.index("  approved:")], encoding="utf-8")
    pipeline.build(pipeline.load_site(built))
    aside = disclaimer_of(built, "de/twitching.html")
    assert aside.text_content().strip() == "Not medical advice. Ask a doctor."
    assert aside.get("lang") == "en"


def test_interface_strings_without_translation_are_marked_english(tmp_path: Path) -> None:
    text = "---\ntitle: Salts\ndate: 2026-03-01\ningredients: [Magnesium]\n---\n\nBody.\n"
    root = make_site(
        tmp_path / "s", {"salts.md": text}, SITE_YAML + "front_matter:\n  translatable: [title, ingredients]\n"
    )
    pipeline.update(pipeline.load_site(root))
    translate(root, {"Ingredients": "Inhaltsstoffe"}, "locales/de/LC_MESSAGES/site.po")
    pipeline.build(pipeline.load_site(root))
    doc = html(root, "de/salts.html")
    assert [(h2.text_content(), h2.get("lang")) for h2 in doc.xpath("//section[@class='ingredients']/h2")] == [
        ("Inhaltsstoffe", None)
    ]
    date = doc.xpath("//p[@class='page-date']")[0]
    assert (date.text_content(), date.get("lang")) == ("Published on 1. März 2026", "en")
    assert html(root, "de/index.html").xpath("//h1")[0].get("lang") == "en"


def test_a_page_without_description_gets_one_from_its_first_paragraph(built: Path) -> None:
    def meta(relative: str) -> str:
        return html(built, relative).xpath('//meta[@name="description"]/@content')[0]

    assert meta("en/articles/magnesium.html") == "Back to twitching."
    assert meta("de/twitching.html") == "Siehe den Magnesium-Artikel und die Quelle."
