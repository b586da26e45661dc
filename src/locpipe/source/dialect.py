"""The one Markdown dialect locpipe reads: CommonMark + tables + strikethrough +
definition lists, typographer and linkify off, so the source's characters reach
the page unchanged. Links to other pages (``../conditions/twitching.md``) are
rewritten to the page in the same locale (``../conditions/twitching.html``)."""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.front_matter import front_matter_plugin


def is_relative_link(href: str) -> bool:
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and not parts.path.startswith("/")


def is_page_link(href: str) -> bool:
    """A relative link to another Markdown page of the site."""
    return is_relative_link(href) and urlsplit(href).path.endswith(".md")


def page_link_to_html(href: str) -> str:
    path, hash_, fragment = href.partition("#")
    return path[: -len(".md")] + ".html" + hash_ + fragment


def _rewrite_page_links(state: StateCore) -> None:
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "link_open":
                href = child.attrGet("href")
                if isinstance(href, str) and is_page_link(href):
                    child.meta["source_href"] = href
                    child.attrSet("href", page_link_to_html(href))


# Identical blocks (a site's shared paragraphs, and every untranslated message)
# are parsed and rendered once per process; the caches are bounded.
CACHE_LIMIT = 20_000


class _BoundedCache(dict):
    def remember(self, key, value):
        if len(self) >= CACHE_LIMIT:
            self.clear()
        self[key] = value
        return value


def _memoized_inline(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, skipped for a text parsed before: it
    gets the children that text ended with (see ``_share_inline``). Pages with
    link reference definitions are parsed as they are."""
    cache: _BoundedCache = state.md.inline_cache
    references = state.env.get("references") if isinstance(state.env, dict) else None
    for token in state.tokens:
        if token.type != "inline":
            continue
        shared = None if references else cache.get(token.content)
        if shared is None:
            token.children = []
            state.md.inline.parse(token.content, state.md, state.env, token.children)
        else:
            token.children = shared


def _share_inline(state: StateCore) -> None:
    """The last core rule: remember each text's children as the rules after
    ``inline`` left them. Caching them any earlier shares tokens that
    ``text_join`` then changes in place (``&amp;`` would pile up page by page);
    finished children pass through those rules unchanged."""
    cache: _BoundedCache = state.md.inline_cache
    if isinstance(state.env, dict) and state.env.get("references"):
        return
    for token in state.tokens:
        if token.type == "inline":
            shared = cache.get(token.content)
            token.children = shared if shared is not None else cache.remember(token.content, token.children)


class _CachingRenderer(RendererHTML):
    """Renders each shared list of inline children once (they are never mutated
    after parsing, and the cache keeps them alive, so identity is a safe key)."""

    def __init__(self, parser=None):
        super().__init__(parser)
        self._inline_html = _BoundedCache()

    def renderInline(self, tokens, options, env) -> str:
        cached = self._inline_html.get(id(tokens))
        if cached is not None and cached[0] is tokens:
            return cached[1]
        html = super().renderInline(tokens, options, env)
        self._inline_html.remember(id(tokens), (tokens, html))
        return html

    def render_with_children(self, tokens, options, env, children: dict[int, list]) -> str:
        """markdown-it's ``render``, with the inline children of the tokens at
        some indexes replaced (by a translation's): the page's tokens, shared by
        every locale, are neither copied nor changed."""
        out: list[str] = []
        for i, token in enumerate(tokens):
            if token.type == "inline":
                inline = children.get(i, token.children)
                if inline:
                    out.append(self.renderInline(inline, options, env))
            elif token.type in self.rules:
                out.append(self.rules[token.type](tokens, i, options, env))
            else:
                out.append(self.renderToken(tokens, i, options, env))
        return "".join(out)


_UNSAFE_SCHEME = re.compile(r"^(?:javascript|vbscript|file|data):")


def _safe_link(url: str) -> bool:
    """markdown-it's own link rule without its exception for ``data:image/…``:
    no page, translation or disclaimer puts a data:, javascript:, vbscript: or
    file: URL into a built page (such a link stays text)."""
    return not _UNSAFE_SCHEME.match(url.strip().lower())


def _dialect() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"typographer": False, "linkify": False}, renderer_cls=_CachingRenderer)
        .enable(["table", "strikethrough"])
        .use(front_matter_plugin)
        .use(deflist_plugin)
    )
    # markdown-it's strikethrough rule asks for this option on every inline text;
    # unset, each lookup raises and catches a KeyError inside OptionsDict.get.
    md.options["strikethrough_single_tilde"] = False
    md.validateLink = _safe_link
    md.core.ruler.push("page_links", _rewrite_page_links)
    md.core.ruler.at("inline", _memoized_inline)
    md.core.ruler.push("share_inline", _share_inline)
    md.inline_cache = _BoundedCache()
    md.translation_cache = _BoundedCache()
    return md


@cache
def parser() -> MarkdownIt:
    """Parses editors' pages, raw HTML blocks included (never rendered as messages)."""
    return _dialect()


@cache
def translation_parser() -> MarkdownIt:
    """Parses translated inline text in the same dialect, but raw HTML stays text,
    so no msgstr can put markup or script into a page."""
    return _dialect().disable(["html_inline"])


def parse_translation(text: str, env: dict) -> list:
    """The inline tokens of a translated text. A text shared by many pages (or
    by every locale's fallback) is parsed once per process, unless the page
    defines link references, which can change how its text parses."""
    md = translation_parser()
    if env.get("references"):
        return md.parseInline(text, env)[0].children
    children = md.translation_cache.get(text)
    if children is None:
        children = md.translation_cache.remember(text, md.parseInline(text, env)[0].children)
    return children
