"""Property: whatever editors do to the English pages, ``update`` never loses a
translation: each one is still active, fuzzy with its previous msgid, or obsolete."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locpipe import pipeline
from locpipe.po import store as catalog
from sites import make_site, page

WORDS = "magnesium calms irritated nerves stress sleep caffeine twitching muscle dose daily relief calcium".split()
sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=9).map(lambda w: " ".join(w).capitalize() + ".")
paragraphs = st.lists(sentence, min_size=1, max_size=8, unique=True)


@st.composite
def edits(draw, original: list[str]) -> list[str]:
    """A sequence of editors' changes: change a word, delete, add, move, split, merge."""
    blocks = list(original)
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["change", "delete", "add", "move", "split", "merge"]))
        i = draw(st.integers(0, max(0, len(blocks) - 1)))
        if kind == "change" and blocks:
            words = blocks[i].rstrip(".").split()
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(WORDS))
            blocks[i] = " ".join(words) + "."
        elif kind == "delete" and len(blocks) > 1:
            blocks.pop(i)
        elif kind == "add":
            blocks.insert(i, draw(sentence))
        elif kind == "move" and blocks:
            blocks.insert(draw(st.integers(0, len(blocks) - 1)), blocks.pop(i))
        elif kind == "split" and blocks and len(blocks[i].split()) > 3:
            words = blocks[i].rstrip(".").split()
            cut = len(words) // 2
            blocks[i : i + 1] = [" ".join(words[:cut]) + ".", " ".join(words[cut:]).capitalize() + "."]
        elif kind == "merge" and i + 1 < len(blocks):
            blocks[i : i + 2] = [blocks[i].rstrip(".") + " " + blocks[i + 1][0].lower() + blocks[i + 1][1:]]
    return list(dict.fromkeys(blocks))


def translations_kept(path: Path) -> set[tuple[str, str]]:
    """(msgid, msgstr) of every translation one catalogue keeps: active and
    obsolete entries under their msgid, fuzzy ones under their ``#|`` previous
    msgid (a translation-memory suggestion keeps nothing of this catalogue)."""
    kept = set()
    for unit in catalog.read_catalog(path.read_bytes(), str(path)).units:
        if unit.isheader() or not unit.target:
            continue
        if unit.isfuzzy() and not unit.isobsolete():
            if "translation memory" not in unit.getnotes("developer"):
                assert unit.prev_source, f"fuzzy without #| previous msgid: {unit.source!r}"
                kept.add((unit.prev_source, unit.target))
        else:
            kept.add((unit.source, unit.target))
    return kept


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), original=paragraphs, rename=st.booleans())
def test_update_never_loses_a_translation(data, original: list[str], rename: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = make_site(Path(folder), {"a.md": page("Title", *original), "b.md": page("Other", "Unrelated text.")})
        pipeline.update(pipeline.load_site(root))
        old = "locales/de/LC_MESSAGES/a.po"
        store = catalog.read_catalog((root / old).read_bytes(), "a.po")
        for unit in catalog.message_units(store):
            unit.target = f"DE[{unit.source}]"
        (root / old).write_bytes(catalog.serialize(store))
        before = translations_kept(root / old)

        edited = data.draw(edits(original))
        (root / "content/a.md").unlink()
        (root / "content" / ("renamed.md" if rename else "a.md")).write_text(page("Title", *edited), encoding="utf-8")
        result = pipeline.update(pipeline.load_site(root))

        # The page's own catalogue, or the one its translations were carried to.
        successor = dict(result.renamed).get(old, old)
        after = translations_kept(root / successor)
        assert before <= after, f"lost from {successor}: {before - after}"
        if rename:
            assert (root / "locales/de/LC_MESSAGES/renamed.po").exists()
