"""Tiny sites written by tests, for behaviour that the shipped content cannot show."""

from __future__ import annotations

from pathlib import Path

SITE_YAML = """\
# A test site
name: Test
source_locale: en
locales: [en, de]
base_url: https://example.org
publish:
  min_translated: 100
disclaimer:
  source: "**Not medical advice.** Ask a doctor."
  approved:
    de: "**Keine medizinische Beratung.** Frag eine Ärztin oder einen Arzt."
"""


def make_site(root: Path, pages: dict[str, str], site_yaml: str = SITE_YAML) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    for path, text in pages.items():
        target = root / "content" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def page(title: str, *blocks: str) -> str:
    return f"---\ntitle: {title}\n---\n\n" + "\n\n".join(blocks) + "\n"
