"""Property: whatever editors do to the English pages, ``update`` never loses a
translation: each one is still active, fuzzy with its previous msgid, or obsolete."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locpipe import pipeline
from locpipe.po.store import catalogue_text, read_catalogue
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
    for unit in read_catalogue(path.read_bytes(), str(path)).entries:
        if not unit.msgstr:
            continue
        if unit.fuzzy and not unit.obsolete:
            if "translation memory" not in " ".join(unit.extracted_comments):
                assert unit.previous_msgid, f"fuzzy without #| previous msgid: {unit.msgid!r}"
                kept.add((unit.previous_msgid, unit.msgstr))
        else:
            kept.add((unit.msgid, unit.msgstr))
    return kept


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), original=paragraphs, rename=st.booleans())
def test_update_never_loses_a_translation(data, original: list[str], rename: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = make_site(Path(folder), {"a.md": page("Title", *original), "b.md": page("Other", "Unrelated text.")})
        pipeline.update(pipeline.load_site(root))
        old = "locales/de/LC_MESSAGES/a.po"
        store = read_catalogue((root / old).read_bytes(), "a.po")
        for unit in store.messages():
            unit.msgstr = f"DE[{unit.msgid}]"
        (root / old).write_bytes(catalogue_text(store))
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
