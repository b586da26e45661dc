"""Property tests: generated pages and mutated catalogues never crash locpipe.

Bad input may only ever end in a ``LocpipeError`` (printed as one line by the
command line); rendering the source locale through catalogues whose msgstrs
equal their msgids gives exactly the page rendered directly.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from conftest import REPO, gettext_tool
from locpipe.errors import CatalogError, LocpipeError
from locpipe.po.store import read_catalogue as read_catalog
from locpipe.po.validate import WELL_FORMED as _WELL_FORMED
from locpipe.po.validate import refuse_bad_lines as _refuse_bad_lines
from locpipe.render.translate import Translations, page_segments, render_body
from locpipe.source.messages import page_messages
from locpipe.source.pages import parse_page

FIELDS = ("title", "description", "ingredients_intro", "ingredients")
# LOCPIPE_FUZZ_EXAMPLES=5000 for a deeper run than CI's.
FUZZ = settings(
    max_examples=int(os.environ.get("LOCPIPE_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- Markdown pages ---------------------------------------------------------------------------
# Words carry the characters Markdown gives meaning to, so delimiters meet in odd places.
WORD = st.text(alphabet="abcXYZ019 .,:;!?*_`~[]()<>&#\\|-+=/'\"äß€", min_size=1, max_size=8)
PLAIN = st.text(alphabet="abcdeXYZ 0123.,-ä", min_size=1, max_size=12).filter(lambda s: s.strip())
URL = st.sampled_from(
    [
        "https://example.org/x",
        "other.md",
        "../conditions/twitching.md#dose",
        "#anchor",
        "a b.md",
        "<a b.md>",
        "img.png",
        "mailto:x@example.org",
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "/abs.md",
        'x.md "Title"',
    ]
)


def _inline(html: bool) -> st.SearchStrategy[str]:
    atoms = [
        WORD,
        PLAIN,
        PLAIN.map(lambda s: f"*{s}*"),
        PLAIN.map(lambda s: f"_{s}_"),
        PLAIN.map(lambda s: f"**{s}**"),
        PLAIN.map(lambda s: f"~~{s}~~"),
        PLAIN.map(lambda s: f"`{s}`"),
        st.tuples(PLAIN, URL).map(lambda p: f"[{p[0]}]({p[1]})"),
        st.tuples(PLAIN, URL).map(lambda p: f"![{p[0]}]({p[1]})"),
        PLAIN.map(lambda s: f"[{s}][ref]"),
        st.sampled_from(
            ["<https://example.org>", "&amp;", "&copy;", "&#35;", "\\*", "  \n", "\n", "**", "*", "~~", "[", "]("]
        ),
    ]
    if html:
        atoms.append(
            st.sampled_from(["<span>", "</span>", "<b>x</b>", "<!-- c -->", '<a href="x">', "<br/>", "<x-y z=1>"])
        )
    return st.lists(st.one_of(atoms), min_size=1, max_size=8).map(lambda parts: " ".join(parts).replace("\n ", "\n"))


def _blocks(html: bool) -> st.SearchStrategy[str]:
    inline = _inline(html).map(lambda s: s.replace("\n", " ").strip() or "x")
    paragraph = _inline(html)
    leaf = st.one_of(
        paragraph,
        st.tuples(st.integers(1, 6), inline).map(lambda p: "#" * p[0] + " " + p[1]),
        inline.map(lambda s: f"{s}\n===="),
        st.lists(inline, min_size=1, max_size=3).map(lambda items: "\n".join(f"- {i}" for i in items)),
        st.lists(inline, min_size=1, max_size=3).map(
            lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))
        ),
        st.lists(inline, min_size=1, max_size=3).map(lambda items: "\n\n".join(f"* {i}" for i in items)),  # loose
        st.tuples(
            st.lists(inline, min_size=1, max_size=3), st.integers(0, 2), st.sampled_from(["---", ":--", "--:", ":-:"])
        ).map(_table),
        st.tuples(st.sampled_from(["", "python", "md"]), st.text(alphabet="ab *<>`\n", max_size=20)).map(
            lambda p: f"```{p[0]}\n{p[1]}\n```"
        ),
        st.tuples(inline, inline).map(lambda p: f"{p[0]}\n: {p[1]}"),  # definition list
        st.just("<div>\n<p>raw *block*</p>\n</div>"),
        PLAIN.map(lambda s: f"<!-- i18n: {s} -->"),
        st.just("---"),
        st.just("[ref]: https://example.org/ref"),
        paragraph.map(lambda s: "    " + s.replace("\n", "\n    ")),  # indented code
    )

    def nest(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            children.map(lambda s: "\n".join("> " + line if line else ">" for line in s.split("\n"))),
            st.tuples(inline, children).map(
                lambda p: f"- {p[0]}\n\n" + "\n".join("  " + line if line else "" for line in p[1].split("\n"))
            ),
            st.tuples(inline, children).map(
                lambda p: f"1. {p[0]}\n" + "\n".join("   " + line if line else "" for line in p[1].split("\n"))
            ),
        )

    return st.recursive(leaf, nest, max_leaves=6)


def _table(parts: tuple[list[str], int, str]) -> str:
    cells, rows, align = parts
    cells = [c.replace("|", "\\|") for c in cells]
    lines = ["| " + " | ".join(cells) + " |", "|" + "|".join(align for _ in cells) + "|"]
    lines += ["| " + " | ".join(reversed(cells)) + " |" for _ in range(rows)]
    return "\n".join(lines)


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _front_matter() -> st.SearchStrategy[str]:
    value = _inline(True).map(_yaml_string)
    return st.tuples(value, st.none() | value, st.lists(value, max_size=3)).map(
        lambda p: (
            "---\ntitle: "
            + p[0]
            + (f"\ndescription: {p[1]}" if p[1] else "")
            + ("\ningredients:\n" + "\n".join(f"  - {v}" for v in p[2]) if p[2] else "")
            + "\n---\n"
        )
    )


def pages(html: bool = True) -> st.SearchStrategy[str]:
    return st.tuples(_front_matter(), st.lists(_blocks(html), max_size=6)).map(
        lambda p: p[0] + "\n" + "\n\n".join(p[1]) + "\n"
    )


def _parse_or_locpipe_error(data: bytes):
    try:
        page = parse_page("fuzz/page.md", data, FIELDS)
        page_messages(page, FIELDS)
        return page
    except LocpipeError as exc:
        assert exc.path == "content/fuzz/page.md" and exc.message, exc
        return None


@FUZZ
@given(pages())
def test_generated_pages_parse_and_extract(text: str) -> None:
    _parse_or_locpipe_error(text.encode("utf-8"))


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda s: s.encode("utf-8")),
        # a page cut anywhere, with stray bytes after the cut
        st.tuples(pages(), st.binary(max_size=4), st.integers(0, 10_000)).map(lambda p: p[0].encode()[: p[2]] + p[1]),
        # YAML-ish noise as front matter
        st.tuples(st.text(alphabet="-:\n \t[]{}&*!|>'\"#%@`,?ab1", max_size=120), pages()).map(
            lambda p: ("---\n" + p[0] + "\n---\n" + p[1]).encode()
        ),
    )
)
@example(b"---\ntitle: x\ndate: 2026-13-45\n---\ntext\n")
@example(b"---\ntitle: x\nloop: &a [*a]\n---\ntext\n")
@example(b"---\ntitle: x\n---\n" + b"> " * 2000 + b"x\n")
def test_any_bytes_parse_or_fail_with_a_locpipe_error(data: bytes) -> None:
    _parse_or_locpipe_error(data)


# --- the source locale through the catalogues --------------------------------------------------
class Reparsed(str):
    """A msgid copy that ``render_body`` cannot short-circuit: it is never equal
    to its source, so the text goes through ``translation_parser`` again."""

    def __ne__(self, other: object) -> bool:
        return True

    __hash__ = str.__hash__


def _has_inline_html(page) -> bool:
    return any(child.type == "html_inline" for token in page.tokens for child in token.children or ())


def _source_renders(page) -> tuple[str, str, str]:
    segments = page_segments(page)
    direct = render_body(page, segments, Translations.identity(), "en")
    through = render_body(page, segments, Translations({(None, s.msgid): s.msgid for s in segments}), "en")
    reparsed = render_body(page, segments, Translations({(None, s.msgid): Reparsed(s.msgid) for s in segments}), "en")
    return direct, through, reparsed


def test_reparsed_translations_do_go_through_the_translation_parser() -> None:
    """The check on the check: with ``Reparsed`` msgids the text is parsed again
    (raw HTML, which translations cannot carry, then shows as text)."""
    page = parse_page("a.md", b"---\ntitle: T\n---\n\nH<sub>2</sub>O\n", FIELDS)
    direct, through, reparsed = _source_renders(page)
    assert direct == through == "<p>H<sub>2</sub>O</p>\n"
    assert reparsed == "<p>H&lt;sub&gt;2&lt;/sub&gt;O</p>\n"


@FUZZ
@given(pages(html=True))
def test_identity_catalogue_renders_the_page_unchanged(text: str) -> None:
    page = _parse_or_locpipe_error(text.encode())
    assume(page is not None)
    direct, through, _ = _source_renders(page)
    assert through == direct


@FUZZ
@given(pages(html=False))
def test_reparsed_identity_translations_render_the_page_unchanged(text: str) -> None:
    page = _parse_or_locpipe_error(text.encode())
    assume(page is not None and not _has_inline_html(page))
    direct, _, reparsed = _source_renders(page)
    assert reparsed == direct


ALIGNED_TABLE = "---\ntitle: T\n---\n\n| a | b |\n|:--|--:|\n| x | y |\n"


@FUZZ
@given(pages(), st.integers(0, 2**16))
@example(ALIGNED_TABLE, 0)
def test_rendering_a_locale_leaves_the_page_as_it_was(text: str, seed: int) -> None:
    """A page is parsed once and rendered for every locale: rendering one locale,
    translated or not, must not change what the next one renders."""
    page = _parse_or_locpipe_error(text.encode())
    assume(page is not None)
    segments = page_segments(page)
    before = render_body(page, segments, Translations.identity(), "en")
    half = Translations({(None, s.msgid): s.msgid + "!" for i, s in enumerate(segments) if (seed >> (i % 16)) & 1})
    render_body(page, segments, half, "en")
    assert render_body(page, segments, Translations.identity(), "en") == before


# --- catalogues ----------------------------------------------------------------------------------
SHIPPED = sorted((REPO / "locales/de/LC_MESSAGES").rglob("*.po"))


def _mutate(data: bytes, draw) -> bytes:
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "dup", "drop", "swap", "truncate", "quote", "flip"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        line = lines[at] if lines else b""
        if kind == "delete" and line:
            i = draw(st.integers(0, len(line) - 1))
            lines[at] = line[:i] + line[i + 1 :]
        elif kind == "insert":
            i = draw(st.integers(0, len(line)))
            chunk = draw(
                st.one_of(
                    st.binary(min_size=1, max_size=3),
                    st.sampled_from(
                        [
                            b'"',
                            b"\\",
                            b"\r",
                            b"\x00",
                            b"\x04",
                            b"#",
                            b"msgid ",
                            b"msgstr ",
                            b'msgctxt "x"',
                            b"msgid_plural ",
                            b"msgstr[0] ",
                            b"#~ ",
                            b"#| ",
                            b"#, fuzzy",
                            b"\xc3",
                            b"\xff",
                        ]
                    ),
                )
            )
            lines[at] = line[:i] + chunk + line[i:]
        elif kind == "dup":
            lines.insert(at, line)
        elif kind == "drop" and lines:
            del lines[at]
        elif kind == "swap" and len(lines) > 1:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "truncate":
            data = b"\n".join(lines)
            return data[: draw(st.integers(0, len(data)))]
        elif kind == "quote" and b'"' in line:
            i = draw(st.sampled_from([n for n, c in enumerate(line) if c == ord('"')]))
            lines[at] = line[:i] + line[i + 1 :]
        elif kind == "flip" and line:
            lines[at] = (
                line.replace(b"msgid", b"msgstr", 1) if b"msgid" in line else line.replace(b"msgstr", b"msgid", 1)
            )
    return b"\n".join(lines)


@st.composite
def mutated_catalogues(draw) -> tuple[str, bytes]:
    """A shipped catalogue (its path in the site, its bytes) with a few lines changed."""
    path = draw(st.sampled_from(SHIPPED))
    return path.relative_to(REPO).as_posix(), _mutate(path.read_bytes(), draw)


@FUZZ
@given(mutated_catalogues())
def test_mutated_catalogues_raise_only_catalog_errors(catalogue: tuple[str, bytes]) -> None:
    relative, mutated = catalogue
    try:
        read_catalog(mutated, relative)
    except CatalogError as exc:
        assert exc.path == relative and exc.message
        assert "\n" not in exc.message


# msgfmt's complaints that it cannot read the file, as opposed to the checks of
# -c (format strings, header fields, a msgstr ending otherwise than its msgid)
# and its warnings: each of these is a fatal error of GNU gettext's PO reader.
MSGFMT_CANNOT_READ = re.compile(
    r"end-of-(?:line|file) within string|keyword \".*\" unknown|syntax error|missing '[\w\[\]]+' section"
    r"|invalid control sequence|multibyte sequence|duplicate message definition|inconsistent use of #~"
    r"|context separator <EOT> within string|plural form has"
)
MSGFMT_PROBLEM = re.compile(r"^<stdin>:(\d+):(?:\d+:)? (.*)$", re.M)
# Refusals where locpipe is stricter than gettext, at lines msgfmt need not name:
# a byte in a comment (which gettext never decodes), two strings on one line, a
# backslash continuing a line, a string on the line after its keyword, a NUL
# (where gettext ends the string).
LOCPIPE_STRICTER = (
    "not UTF-8",
    "declares charset",
    "text after the closing quote",
    "unknown keyword '\\\\'",
    "backslash at the end of a line",
    "without a string on its line",
    "NUL (U+0000)",
)
TWITCHING = (
    "locales/de/LC_MESSAGES/conditions/twitching.po",
    (REPO / "locales/de/LC_MESSAGES/conditions/twitching.po").read_bytes(),
)


@FUZZ
@given(mutated_catalogues())
@example((TWITCHING[0], TWITCHING[1].replace(b'msgstr "Stress oder Angst"', b'msgstr "Stress oder Angst"x')))
@example((TWITCHING[0], TWITCHING[1].replace('msgstr "Häufige Ursachen"\n'.encode(), b"")))
@example((TWITCHING[0], TWITCHING[1][: TWITCHING[1].rindex(b"\nmsgstr ") + 1]))
def test_catalogues_gettext_cannot_read_are_refused_at_its_line(catalogue: tuple[str, bytes]) -> None:
    """Differential: whatever GNU msgfmt cannot read, read_catalog refuses, at a line msgfmt names."""
    relative, mutated = catalogue
    done = subprocess.run([gettext_tool("msgfmt"), "-c", "-o", "/dev/null", "-"], input=mutated, capture_output=True)
    stderr = done.stderr.decode("utf-8", "replace")
    lines = {int(line) for line, problem in MSGFMT_PROBLEM.findall(stderr) if MSGFMT_CANNOT_READ.search(problem)}
    if not lines:
        return
    with pytest.raises(CatalogError) as refused:
        read_catalog(mutated, relative)
    line, message = refused.value.line, refused.value.message
    # msgfmt names the line after the culprit when it finds the problem there: the
    # end of an unclosed string, what follows a msgctxt without its msgid.
    stricter = any(rule in message for rule in LOCPIPE_STRICTER)
    assert line in lines or line + 1 in lines or stricter, (line, message, stderr)


@FUZZ
@given(mutated_catalogues())
def test_the_one_pass_layout_match_accepts_only_what_the_line_check_accepts(catalogue: tuple[str, bytes]) -> None:
    """read_catalog skips the line-by-line check for a file in gettext's own
    layout: that shortcut must never let through a file the check refuses."""
    relative, mutated = catalogue
    text = mutated.decode("utf-8", "replace")
    if _WELL_FORMED.fullmatch(text):
        _refuse_bad_lines(text.split("\n"), relative)


def test_shipped_catalogues_take_the_one_pass_layout_match() -> None:
    for path in SHIPPED:
        assert _WELL_FORMED.fullmatch(path.read_text(encoding="utf-8")), path
