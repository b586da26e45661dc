"""A synthetic site of N pages made from the shipped content, with complete
German catalogues: about half of each page's blocks are shared with other
pages (as on real sites), the rest are made unique with a page marker."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from locpipe import pipeline
from locpipe.po.gnu import gnu_layout
from locpipe.po.store import catalogue_text, read_catalogue

REPO = Path(__file__).resolve().parent.parent


def shipped_translations() -> dict[str, str]:
    found = {}
    for path in (REPO / "locales/de/LC_MESSAGES").rglob("*.po"):
        for unit in read_catalogue(path.read_bytes(), str(path)).messages():
            if unit.translated:
                found[unit.msgid] = unit.msgstr
    return found


def _mark(block: str, n: int) -> str:
    """Make a block unique to page ``n`` without touching its Markdown structure."""
    lines = block.split("\n")
    return "\n".join(
        line + f" [p{n}]" if line.strip() and not line.lstrip().startswith(("|", "---", ":")) else line
        for line in lines
    )


def generate(root: Path, pages: int) -> Path:
    """Write site.yaml, content/ and complete German catalogues under ``root``."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copy2(REPO / "site.yaml", root / "site.yaml")
    sources = sorted((REPO / "content").rglob("*.md"))
    for n in range(pages):
        text = sources[n % len(sources)].read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        blocks = body.strip("\n").split("\n\n")
        blocks = [block if i % 2 == 0 else _mark(block, n) for i, block in enumerate(blocks)]
        front = re.sub(
            r"^title: (.*)$", lambda m, n=n: f'title: "{m.group(1).strip(chr(34))} [p{n}]"', front, count=1, flags=re.M
        )
        target = root / "content" / f"section{n % 20:02}" / f"page{n:05}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front}---\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")
    pipeline.update(pipeline.load_site(root), use_memory=False)
    fill_german(root, shipped_translations())
    return root


def translate(msgid: str, known: dict[str, str]) -> str:
    if msgid in known:
        return known[msgid]
    marker = re.search(r" \[p\d+\]$", msgid)
    base = msgid.replace(marker.group(0), "").replace(marker.group(0) + "\n", "\n") if marker else msgid
    base_lines = re.sub(r" \[p\d+\](?=\n|$)", "", msgid)
    german = known.get(base_lines) or known.get(base)
    if german is None:
        return msgid
    return german + marker.group(0) if marker else german


def fill_german(root: Path, known: dict[str, str]) -> None:
    for path in (root / "locales/de/LC_MESSAGES").rglob("*.po"):
        store = read_catalogue(path.read_bytes(), str(path))
        for unit in store.messages():
            unit.msgstr = translate(unit.msgid, known)
        path.write_bytes(gnu_layout(catalogue_text(store), str(path)))
