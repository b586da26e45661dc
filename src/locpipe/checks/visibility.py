"""Which text of an element on a built page a reader sees.

A disclaimer with a word hidden inside it says something else than the
approved wording, so ``site_checks.built_page`` compares only the text a reader
sees. The page's stylesheets (``<style>``, ``<link rel="stylesheet">`` to a file
under build/, ``@import``, nested rules) are parsed with tinycss2, their
selectors matched with cssselect against the element, its ancestors and its
descendants, and a small cascade (``!important``, specificity, order,
inheritance, ``var()``) decides each property that can hide text. Rules inside
``@media``, ``@supports`` or ``@container`` are looked at as if their condition
held, each condition on its own beside the unconditional rules.

Hidden: the ``hidden`` attribute; inside ``<template>``, ``<noscript>``,
``<head>``, ``<script>``, ``<style>``, ``<canvas>``, ``<video>``, ``<audio>``,
``<object>``, a closed ``<details>`` (but its summary) or ``<dialog>``;
display:none; visibility:hidden|collapse; opacity or filter: opacity() under
0.1 (ancestors' multiplied); content-visibility:hidden; font-size under 4px
(``font: 0/0 a`` too); height or width under 4px with overflow hidden or clip;
clip: rect() or clip-path (inset, circle, ellipse, polygon) leaving under 4px;
transform or scale under 0.25; text-indent, left or top beyond -999px; text
whose colour has a contrast under 1.5:1 with its background (transparent text
too). Text that ``::before`` or ``::after`` adds is part of what is seen.

Not looked at: layout (an element laid over the text, z-index, negative
margins, translate), calc(), scripts, animations, ``::first-line`` and
``::first-letter``, what a background image shows, the order of cascade
layers, and selectors cssselect cannot evaluate (a warning names them).
"""

from __future__ import annotations

import base64
import math
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import tinycss2
import tinycss2.color4
from cssselect import SelectorError
from cssselect import parse as parse_selectors
from cssselect.parser import Class, CombinedSelector, Element, Hash
from lxml import etree
from lxml.cssselect import LxmlHTMLTranslator

MIN_OPACITY = 0.1
MIN_PIXELS = 4.0  # font size, box height or width, clip
MIN_SCALE = 0.25
OFFSCREEN = -999.0  # px
MIN_CONTRAST = 1.5

HIDING_ELEMENTS = {"template", "noscript", "head", "script", "style", "canvas", "video", "audio", "object"}
LONGHANDS = {"overflow": ("overflow-x", "overflow-y"), "font": ("font-size",), "background": ("background-color",)}
PROPERTIES = {
    "display",
    "visibility",
    "opacity",
    "content-visibility",
    "font-size",
    "font",
    "height",
    "max-height",
    "width",
    "max-width",
    "overflow",
    "overflow-x",
    "overflow-y",
    "clip",
    "clip-path",
    "transform",
    "scale",
    "filter",
    "color",
    "background",
    "background-color",
    "text-indent",
    "position",
    "left",
    "top",
}
FONT_KEYWORDS = {
    "xx-small": 9,
    "x-small": 10,
    "small": 13,
    "medium": 16,
    "large": 18,
    "x-large": 24,
    "xx-large": 32,
    "xxx-large": 48,
}
ABSOLUTE_UNITS = {"px": 1, "pt": 4 / 3, "pc": 16, "in": 96, "cm": 96 / 2.54, "mm": 96 / 25.4, "q": 96 / 101.6}
CONDITIONS = {"media", "supports", "container", "document", "-moz-document", "scope"}
GROUPS = CONDITIONS | {"layer"}


class _Translator(LxmlHTMLTranslator):
    """cssselect's HTML translator, also knowing the pseudo-classes of states a
    page is not in when it opens (as it knows :hover), and :defined."""

    xpath_focus_within_pseudo = xpath_focus_visible_pseudo = xpath_popover_open_pseudo = (
        LxmlHTMLTranslator.pseudo_never_matches
    )
    xpath_modal_pseudo = xpath_fullscreen_pseudo = xpath_user_invalid_pseudo = xpath_autofill_pseudo = (
        LxmlHTMLTranslator.pseudo_never_matches
    )

    def xpath_defined_pseudo(self, xpath):
        return xpath


TRANSLATOR = _Translator()
IMAGE = "image"  # a background shorthand's value when it has an image: what is behind the text is unknown
IMAGE_FUNCTIONS = {"url", "image", "image-set", "element", "cross-fade"}
TRANSPARENT = tinycss2.parse_one_component_value("transparent")

ReadFile = Callable[[str], "str | None"]


@dataclass(slots=True, frozen=True)
class Hidden:
    """Why some text is not seen: the declaration or markup, on which element."""

    why: str
    element: etree._Element

    @property
    def line(self) -> int | None:
        return self.element.sourceline


@dataclass(slots=True, frozen=True)
class View:
    """What a reader sees of an element (under one condition of the stylesheets)."""

    text: str
    hidden: Hidden | None  # why the first hidden words are hidden
    added: Hidden | None  # the first ::before or ::after content seen (its why names the rule)


# --- stylesheets -------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class _Declaration:
    name: str
    value: tuple  # tinycss2 component values, white space and comments left out
    important: bool
    text: str  # as written, for messages


@dataclass(slots=True, frozen=True)
class _Rule:
    """One selector of a style rule with the declarations that matter here."""

    selector: str
    subject: tuple[
        str | None, frozenset, frozenset
    ]  # tag, classes and ids an element needs to match: tested before XPath
    xpath: etree.XPath | None  # None: cssselect cannot evaluate it
    unknown: str
    specificity: tuple[int, int, int]
    pseudo: str | None  # "before" or "after": only its content matters
    declarations: tuple[_Declaration, ...]
    condition: frozenset
    line: int


@dataclass(slots=True, frozen=True)
class _Sheet:
    imports: tuple[tuple[str, frozenset], ...]  # url, condition
    rules: tuple[_Rule, ...]


@dataclass(slots=True, frozen=True)
class _Source:
    """A parsed stylesheet where a page uses it."""

    sheet: _Sheet
    where: str | None  # a file relative to the site root, None for the page's <style>
    first_line: int  # the page line of a <style>'s first line
    condition: frozenset


@lru_cache(maxsize=64)
def parse_sheet(css: str) -> _Sheet:
    """The rules of a stylesheet that can hide text. Pages share their
    stylesheets (and mostly their ``<style>``): each CSS text is parsed once."""
    imports, rules = [], []
    first_rule = True  # an @import after a rule is ignored
    for node in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if node.type == "at-rule" and node.lower_at_keyword in ("charset", "layer") and node.content is None:
            continue
        if node.type == "at-rule" and node.lower_at_keyword == "import":
            url, condition = _import_target(node.prelude)
            if url and first_rule:
                imports.append((url, condition))
        else:
            first_rule = False
            _collect([node], None, frozenset(), rules, node.source_line)
    return _Sheet(tuple(imports), tuple(rules))


def _collect(nodes, parent: str | None, condition: frozenset, rules: list[_Rule], line: int) -> None:
    """Style rules, nested ones (``&``) and those inside conditional groups,
    in the order a browser applies them."""
    start = len(rules)
    declarations = []
    for node in nodes:
        if node.type == "declaration":
            if parent is not None and (_wanted(node) or node.lower_name == "content"):
                declarations.append(_declaration(node))
        elif node.type == "qualified-rule":
            prelude = " ".join(tinycss2.serialize(node.prelude).split())
            selector = prelude if parent is None else _nested(prelude, parent)
            _collect(
                tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True),
                selector,
                condition,
                rules,
                node.source_line,
            )
        elif node.type == "at-rule" and node.lower_at_keyword in GROUPS and node.content is not None:
            inner = (
                condition | {f"@{node.lower_at_keyword} {' '.join(tinycss2.serialize(node.prelude).split())}"}
                if node.lower_at_keyword in CONDITIONS
                else condition
            )
            children = tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True)
            _collect(children, parent, inner, rules, node.source_line)
    if declarations:
        rules[start:start] = _rules(parent, tuple(declarations), condition, line)


def _wanted(node) -> bool:
    return node.lower_name in PROPERTIES or node.name.startswith("--")


def _declaration(node) -> _Declaration:
    text = f"{node.name}: {tinycss2.serialize(node.value).strip()}" + (" !important" if node.important else "")
    return _Declaration(
        node.name if node.name.startswith("--") else node.lower_name, _significant(node.value), node.important, text
    )


def _nested(selector: str, parent: str) -> str:
    """A nested rule's selector as a plain one: ``&`` is the parent, else the
    rule applies inside it."""
    if "&" in selector:
        return selector.replace("&", f":is({parent})")
    if selector[:1] in (">", "+", "~"):
        return f":is({parent}) {selector}"
    return f":is({parent}) :is({selector})"


def _rules(prelude: str, declarations: tuple, condition: frozenset, line: int) -> Iterator[_Rule]:
    try:
        selectors = parse_selectors(prelude)
    except SelectorError:  # a browser drops the whole rule too
        return
    for selector in selectors:
        pseudo = (
            selector.pseudo_element
            if selector.pseudo_element is None or isinstance(selector.pseudo_element, str)
            else "?"
        )
        if pseudo in ("before", "after"):
            kept = tuple(d for d in declarations if d.name in ("content", "display"))
        elif pseudo is None:
            kept = tuple(d for d in declarations if d.name != "content")
        else:
            continue  # ::marker, ::placeholder, …: no text of the page
        if not kept:
            continue
        try:
            xpath, unknown = etree.XPath(TRANSLATOR.selector_to_xpath(selector)), ""
        except SelectorError as exc:
            xpath, unknown = None, str(exc)
        yield _Rule(
            prelude,
            _subject(selector.parsed_tree),
            xpath,
            unknown,
            selector.specificity(),
            pseudo,
            kept,
            condition,
            line,
        )


def _subject(tree) -> tuple[str | None, frozenset, frozenset]:
    while isinstance(tree, CombinedSelector):
        tree = tree.subselector
    classes, ids = set(), set()
    while not isinstance(tree, Element):
        if isinstance(tree, Class):
            classes.add(tree.class_name)
        elif isinstance(tree, Hash):
            ids.add(tree.id)
        tree = tree.selector
    tag = tree.element.lower() if tree.element and tree.element != "*" else None
    return tag, frozenset(classes), frozenset(ids)


def _import_target(prelude) -> tuple[str | None, frozenset]:
    tokens = _significant(prelude)
    if not tokens:
        return None, frozenset()
    first, rest = tokens[0], tokens[1:]
    if first.type == "url" or first.type == "string":
        url = first.value
    elif first.type == "function" and first.lower_name == "url" and _significant(first.arguments):
        url = _significant(first.arguments)[0].value
    else:
        return None, frozenset()
    media = " ".join(tinycss2.serialize(rest).split())
    return url, frozenset({f"@media {media}"}) if media and media.lower() != "all" else frozenset()


@lru_cache(maxsize=256)
def _inline(style: str) -> tuple[_Declaration, ...]:
    """A style attribute's declarations (comments and all, as a browser reads them)."""
    nodes = tinycss2.parse_blocks_contents(style, skip_comments=True, skip_whitespace=True)
    return tuple(_declaration(node) for node in nodes if node.type == "declaration" and _wanted(node))


def page_stylesheets(document, page: str, read: ReadFile) -> tuple[list[_Source], list[tuple[str, int | None]]]:
    """The stylesheets a page uses, in cascade order, and a warning for each
    that cannot be read here (a remote URL, a file that is not under build/)."""
    found = _Found(read)
    for element in document.iter("style", "link"):
        if any(ancestor.tag == "template" for ancestor in element.iterancestors()):
            continue
        condition = _media(element.get("media"))
        if element.tag == "style":
            found.sheet(
                element.text or "", None, element.sourceline or 1, condition, page, element.sourceline, frozenset()
            )
        elif "stylesheet" in (element.get("rel") or "").lower().split() and element.get("href"):
            found.link(element.get("href"), page, condition, element.sourceline, frozenset())
    return found.sources, found.warnings


def _media(media: str | None) -> frozenset:
    media = " ".join((media or "").split())
    return frozenset({f"@media {media}"}) if media and media.lower() != "all" else frozenset()


@dataclass(slots=True)
class _Found:
    """The stylesheets found so far, with their @import; ``line`` is the page
    line of the element that brought each in, for warnings."""

    read: ReadFile
    sources: list[_Source] = field(default_factory=list)
    warnings: list[tuple[str, int | None]] = field(default_factory=list)

    def link(self, href: str, base: str, condition: frozenset, line: int | None, seen: frozenset) -> None:
        if href.startswith("data:"):
            self.sheet(_data_url(href), "a data: URL", 1, condition, base, line, seen)
            return
        path = resolve(href, base)
        if path in seen:  # a stylesheet that imports itself
            return
        text = None if path is None else self.read(path)
        if text is None:
            remote = urlsplit(href).scheme or urlsplit(href).netloc
            self.warnings.append(
                (
                    f"the stylesheet '{href}' {'is not on this site' if remote else 'is not a file under build/'}: "
                    "what it hides is not checked",
                    line,
                )
            )
            return
        self.sheet(text, path, 1, condition, path, line, seen | {path})

    def sheet(
        self,
        css: str,
        where: str | None,
        first_line: int,
        condition: frozenset,
        base: str,
        line: int | None,
        seen: frozenset,
    ) -> None:
        sheet = parse_sheet(css)
        for url, imported in sheet.imports:
            self.link(url, base, condition | imported, line, seen)
        self.sources.append(_Source(sheet, where, first_line, condition))


def resolve(href: str, base: str) -> str | None:
    """``href`` on the page (or stylesheet) ``base`` as a path under build/, or
    None for another site's URL or a path outside build/."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    joined = posixpath.normpath(
        "build" + path if path.startswith("/") else posixpath.join(posixpath.dirname(base), path)
    )
    return joined if joined.startswith("build/") else None


def _data_url(url: str) -> str:
    header, _, data = url[len("data:") :].partition(",")
    if header.endswith(";base64"):
        return base64.b64decode(data + "==", validate=False).decode("utf-8", errors="replace")
    return unquote(data)


# --- what is seen ------------------------------------------------------------------


@dataclass(slots=True)
class _Match:
    rank: tuple  # important, inline, specificity, order
    condition: frozenset
    declaration: _Declaration
    origin: str  # 'the CSS rule …' or 'style="…"'


@dataclass(slots=True)
class _Styles:
    """The declarations that apply to each element of interest."""

    own: dict = field(default_factory=dict)  # element → [_Match]
    generated: dict = field(default_factory=dict)  # (element, "before"|"after") → [_Match]
    conditions: set = field(default_factory=set)
    unknown: list = field(default_factory=list)  # (selector, why cssselect cannot evaluate it)


def views(element, sources: list[_Source]) -> Iterator[tuple[View, list[tuple[str, str]]]]:
    """What a reader sees of ``element``: with only the unconditional rules,
    then under each condition of a rule that applies to it. The first view
    comes with the selectors that could not be evaluated."""
    chain = [*reversed(list(element.iterancestors())), element]
    inside = [e for e in element.iterdescendants() if isinstance(e.tag, str)]
    styles = _match(chain + inside, sources, len(chain) - 1)
    yield _view(chain, styles, frozenset()), styles.unknown
    for condition in sorted(styles.conditions, key=sorted):
        yield _view(chain, styles, condition), []


def _match(elements: list, sources: list[_Source], first_inside: int) -> _Styles:
    """The declarations of style attributes and rules that apply to ``elements``
    (from ``first_inside`` on, their ::before and ::after too). A rule's XPath
    runs only when an element has the tag, classes and ids its subject needs."""
    styles = _Styles()
    tags = {e.tag for e in elements}
    classes = {c for e in elements for c in (e.get("class") or "").split()}
    ids = {e.get("id") for e in elements} - {None}
    for element in elements:
        style = element.get("style")
        if style:
            styles.own[element] = [
                _Match((d.important, 1, (0, 0, 0), i), frozenset(), d, f'style="{style}"')
                for i, d in enumerate(_inline(style))
            ]
    wanted = set(elements)
    inside = set(elements[first_inside:])
    order = 0
    for source in sources:
        for rule in source.sheet.rules:
            order += 1
            tag, needed_classes, needed_ids = rule.subject
            if (tag is not None and tag not in tags) or not needed_classes <= classes or not needed_ids <= ids:
                continue
            if rule.xpath is None:
                styles.unknown.append((rule.selector, rule.unknown))
                continue
            matched = [e for e in rule.xpath(elements[0]) if e in wanted]
            if not matched:
                continue
            condition = source.condition | rule.condition
            origin = f"the CSS rule '{rule.selector}'{_in(condition)} {_location(source, rule)}"
            for element in matched:
                if rule.pseudo is not None:
                    if element not in inside:
                        continue
                    target = styles.generated.setdefault((element, rule.pseudo), [])
                else:
                    target = styles.own.setdefault(element, [])
                for declaration in rule.declarations:
                    target.append(
                        _Match((declaration.important, 0, rule.specificity, order), condition, declaration, origin)
                    )
            if condition:
                styles.conditions.add(condition)
    return styles


def _in(condition: frozenset) -> str:
    return "".join(f" in {c}" for c in sorted(condition))


def _location(source: _Source, rule: _Rule) -> str:
    if source.where is None:
        return f"on line {source.first_line + rule.line - 1}"
    if source.where.startswith("build/"):
        return f"at {source.where}:{rule.line}"
    return f"on line {rule.line} of {source.where}"


@dataclass(slots=True)
class _State:
    """An element's computed values that can hide its text or its children's."""

    element: etree._Element | None = None
    box: Hidden | None = None  # the element and all it holds
    contents: Hidden | None = None  # what it holds (content-visibility, a tiny box with overflow hidden)
    closed: Hidden | None = None  # a closed <details>: what it holds but its summary
    visibility: Hidden | None = None
    font: float | None = 16.0  # px; None when it depends on the viewport
    font_by: Hidden | None = None
    root_font: float = 16.0
    opacity: float = 1.0
    indent: Hidden | None = None
    color: tuple[float, float] | None = (0.0, 1.0)  # luminance, alpha; None when unknown
    color_by: str = "the default black"
    background: float | None = 1.0  # luminance of what is behind; None when unknown (an image)
    background_by: str = "the white page"
    custom: dict = field(default_factory=dict)

    def child(self, element, box: Hidden | None) -> _State:
        """What the element starts from: what its parent passes down (spelt out,
        as dataclasses.replace costs a tenth of the check)."""
        return _State(
            element,
            box,
            None,
            None,
            self.visibility,
            self.font,
            self.font_by,
            self.root_font,
            self.opacity,
            self.indent,
            self.color,
            self.color_by,
            self.background,
            self.background_by,
            self.custom,
        )


def _view(chain: list, styles: _Styles, condition: frozenset) -> View:
    state = _State()
    for element in chain[:-1]:
        state = _computed(element, state, styles, condition)
    pieces: list[tuple[str, Hidden | None]] = []
    added: list[Hidden] = []
    _pieces(chain[-1], state, styles, condition, pieces, added)
    text = " ".join("".join(piece for piece, hidden in pieces if hidden is None).split())
    hidden = next((hidden for piece, hidden in pieces if hidden is not None and piece.strip()), None)
    return View(text, hidden, added[0] if added else None)


def _pieces(element, parent: _State, styles: _Styles, condition: frozenset, pieces: list, added: list) -> None:
    """The element's text in document order, each piece with why it is hidden;
    ``added`` gets where the shown ::before and ::after content comes from."""
    state = _computed(element, parent, styles, condition)
    own = _text_hidden(state)
    _generated(element, "before", state, styles, condition, own, pieces, added)
    pieces.append((element.text or "", own))
    for child in element:
        if isinstance(child.tag, str):
            _pieces(child, state, styles, condition, pieces, added)
        pieces.append((child.tail or "", own))
    _generated(element, "after", state, styles, condition, own, pieces, added)


def _text_hidden(state: _State) -> Hidden | None:
    hidden = state.box or state.contents or state.closed or state.visibility or state.indent
    if hidden is not None:
        return hidden
    if _tiny(state.font):
        return state.font_by
    if state.color is not None and state.background is not None:
        luminance, alpha = state.color
        seen = alpha * luminance + (1 - alpha) * state.background
        ratio = (max(seen, state.background) + 0.05) / (min(seen, state.background) + 0.05)
        if ratio < MIN_CONTRAST:
            return Hidden(f"text in {state.color_by} on {state.background_by}: contrast {ratio:.2f}:1", state.element)
    return None


def _tiny(font: float | None) -> bool:
    return font is not None and font < MIN_PIXELS


def _generated(
    element, pseudo: str, state: _State, styles: _Styles, condition: frozenset, own, pieces: list, added: list
) -> None:
    matches = styles.generated.get((element, pseudo))
    winners = _winners(matches, condition) if matches else {}
    content, display = winners.get("content"), winners.get("display")
    if content is None or (
        display is not None and _first(_substitute(display.declaration.value, state.custom)) == "none"
    ):
        return
    value = _substitute(content.declaration.value, state.custom) or ()
    text = "".join(
        t.value if t.type == "string" else _attribute(element, _argument(t)) if _is(t, "attr") else "" for t in value
    )
    pieces.append((text, own))
    if text.strip() and own is None:
        added.append(Hidden(f"{content.declaration.text} on <{element.tag}>::{pseudo}, from {content.origin}", element))


def _attribute(element, name: str) -> str:
    try:
        return element.get(name, "") if name else ""
    except ValueError:  # not an attribute name lxml accepts
        return ""


def _winners(matches: list[_Match], condition: frozenset) -> dict[str, _Match]:
    winners: dict[str, _Match] = {}
    for match in matches:
        if match.condition <= condition:
            for name in LONGHANDS.get(match.declaration.name, (match.declaration.name,)):
                if name not in winners or match.rank > winners[name].rank:
                    winners[name] = match
    return winners


def _computed(element, parent: _State, styles: _Styles, condition: frozenset) -> _State:
    """The element's state from its parent's, its markup and its declarations."""
    state = parent.child(element, parent.box or _parent_hides(element, parent))
    if state.box is None:
        state.box = _markup_hides(element)
    if element.tag == "details" and element.get("open") is None:
        state.closed = Hidden("inside a closed <details>", element)
    matches = styles.own.get(element)
    if not matches:
        return state
    winners = _winners(matches, condition)
    custom = {name: m.declaration.value for name, m in winners.items() if name.startswith("--")}
    if custom:
        state.custom = {**parent.custom, **custom}

    def value(name: str) -> tuple | None:
        match = winners.get(name)
        return (
            None
            if match is None
            else _longhand(name, match.declaration, _substitute(match.declaration.value, state.custom))
        )

    def hidden(name: str) -> Hidden:
        match = winners[name]
        origin = match.origin
        if origin.startswith("style="):
            return Hidden(f"{origin} on <{element.tag}>", element)
        return Hidden(f"{match.declaration.text} on <{element.tag}>, from {origin}", element)

    if "font-size" in winners:  # first: lengths in em depend on it
        state.font = _font_size(value("font-size"), parent.font, parent.root_font)
        if not _tiny(parent.font):  # else an em or % of a tiny size: the tiny one is to blame
            state.font_by = hidden("font-size")
        if element.getparent() is None and state.font is not None:
            state.root_font = state.font
    first = {name: _first(value(name)) for name in ("display", "visibility", "content-visibility", "position")}
    if state.box is None:
        state.box = _box_hides(state, winners, value, hidden, first)
    if first["content-visibility"] == "hidden":
        state.contents = hidden("content-visibility")
    if first["visibility"] in ("hidden", "collapse"):
        state.visibility = hidden("visibility")
    elif first["visibility"] in ("visible", "initial"):
        state.visibility = None
    if "text-indent" in winners:
        indent = _first(value("text-indent"))
        if indent not in ("inherit", "unset", "revert"):
            state.indent = hidden("text-indent") if _below(_pixels(value("text-indent"), state), OFFSCREEN) else None
    if state.contents is None:
        state.contents = _small_box(state, value, hidden)
    if "color" in winners:
        state.color, state.color_by = _color(value("color"), parent.color), _by(winners["color"])
    if "background-color" in winners:
        _background(state, parent, value("background-color"), _by(winners["background-color"]))
    return state


def _parent_hides(element, parent: _State) -> Hidden | None:
    if parent.contents is not None:
        return parent.contents
    if parent.closed is not None and element is not next(
        (child for child in parent.element if child.tag == "summary"), None
    ):
        return parent.closed
    return None


def _markup_hides(element) -> Hidden | None:
    if element.tag in HIDING_ELEMENTS:
        return Hidden(f"inside <{element.tag}>", element)
    if element.get("hidden") is not None:
        return Hidden(f"hidden attribute on <{element.tag}>", element)
    if element.tag == "dialog" and element.get("open") is None:
        return Hidden("inside a closed <dialog>", element)
    return None


def _box_hides(state: _State, winners, value, hidden, first) -> Hidden | None:
    """Properties that hide the element with all it holds."""
    if first["display"] == "none":
        return hidden("display")
    for name in ("opacity", "filter"):
        if name in winners:
            opacity = _opacity(name, value(name))
            if opacity is not None:
                state.opacity = state.opacity * max(opacity, 0.0)
                if state.opacity < MIN_OPACITY:
                    return hidden(name)
    positioned = first["position"] in ("absolute", "fixed")
    if positioned and "clip" in winners and _clips(value("clip"), state):
        return hidden("clip")
    if "clip-path" in winners and _clip_path_hides(value("clip-path"), state):
        return hidden("clip-path")
    for name in ("transform", "scale"):
        if name in winners and _scale_hides(name, value(name)):
            return hidden(name)
    if first["position"] in ("absolute", "fixed", "relative", "sticky"):
        for name in ("left", "top"):
            if name in winners and _below(_pixels(value(name), state), OFFSCREEN):
                return hidden(name)
    return None


def _small_box(state: _State, value, hidden) -> Hidden | None:
    for size, overflow in (
        ("height", "overflow-y"),
        ("max-height", "overflow-y"),
        ("width", "overflow-x"),
        ("max-width", "overflow-x"),
    ):
        if _first(value(overflow)) in ("hidden", "clip"):
            pixels = _pixels(value(size), state)
            if pixels is not None and pixels < MIN_PIXELS:
                return hidden(size)
    return None


def _by(match: _Match) -> str:
    return f"{match.declaration.text} from {match.origin}" if match.origin.startswith("the CSS") else match.origin


# --- values ------------------------------------------------------------------------


def _significant(tokens) -> tuple:
    return tuple(t for t in tokens if t.type not in ("whitespace", "comment"))


def _substitute(tokens: tuple, custom: dict, depth: int = 0) -> tuple | None:
    """``var()`` replaced by the custom property's value (or its fallback);
    None when neither exists: the declaration is then invalid, as if unset."""
    if depth > 8:
        return None
    out = []
    for token in tokens:
        if _is(token, "var"):
            arguments = _significant(token.arguments)
            name = arguments[0].value if arguments and arguments[0].type == "ident" else ""
            fallback = tuple(arguments[2:]) if len(arguments) > 2 else None
            replacement = custom.get(name, fallback)
            replacement = None if replacement is None else _substitute(_significant(replacement), custom, depth + 1)
            if replacement is None:
                return None
            out.extend(replacement)
        elif token.type == "function" and any(_is(t, "var") or t.type == "function" for t in token.arguments):
            arguments = _substitute(tuple(token.arguments), custom, depth + 1)
            if arguments is None:
                return None
            out.append(tinycss2.ast.FunctionBlock(token.source_line, token.source_column, token.name, list(arguments)))
        else:
            out.append(token)
    return tuple(out)


def _longhand(name: str, declaration: _Declaration, tokens: tuple | None) -> tuple | None:
    """The tokens a shorthand gives one longhand (overflow, font, background)."""
    if tokens is None or declaration.name == name:
        return tokens
    if declaration.name == "overflow":
        return tokens[1:2] if name == "overflow-y" and len(tokens) > 1 else tokens[:1]
    if declaration.name == "font":
        size = next(
            (
                t
                for t in tokens
                if t.type in ("dimension", "percentage")
                or (t.type == "number" and t.value == 0)
                or (t.type == "ident" and t.lower_value in FONT_KEYWORDS)
            ),
            None,
        )
        return (size,) if size is not None else None
    if declaration.name == "background":
        if any(
            t.type == "url"
            or (t.type == "function" and ("gradient" in t.lower_name or t.lower_name in IMAGE_FUNCTIONS))
            for t in tokens
        ):
            return (IMAGE,)
        color = next((t for t in tokens if tinycss2.color4.parse_color(t) is not None), None)
        return (color,) if color is not None else (TRANSPARENT,)
    return tokens


def _is(token, function: str) -> bool:
    return token.type == "function" and token.lower_name == function


def _argument(token) -> str:
    arguments = _significant(token.arguments)
    return arguments[0].value if arguments and arguments[0].type == "ident" else ""


def _first_token(tokens: tuple | None):
    return tokens[0] if tokens else None


def _first(tokens: tuple | None) -> str | None:
    token = _first_token(tokens)
    return token.lower_value if token is not None and token.type == "ident" else None


def _number(token) -> float | None:
    if token is None:
        return None
    if token.type == "number":
        return token.value
    if token.type == "percentage":
        return token.value / 100
    return None


def _opacity(name: str, tokens: tuple | None) -> float | None:
    """The opacity property, or what filter's opacity() functions multiply to."""
    if name == "opacity":
        return _number(_first_token(tokens))
    factors = [_number(_first_token(_significant(t.arguments))) for t in tokens or () if _is(t, "opacity")]
    factors = [1.0 if f is None else f for f in factors]
    return math.prod(factors) if factors else None


def _pixels(tokens: tuple | None, state: _State) -> float | None:
    """A length in px, None when it is not one here (auto, %, vw, calc())."""
    token = _first_token(tokens)
    if token is None:
        return None
    if token.type == "number":
        return 0.0 if token.value == 0 else None
    if token.type != "dimension":
        return None
    unit = token.lower_unit
    if unit in ABSOLUTE_UNITS:
        return token.value * ABSOLUTE_UNITS[unit]
    font = state.font if unit in ("em", "ex", "ch") else state.root_font if unit == "rem" else None
    if token.value == 0:
        return 0.0
    if font is None:
        return None
    return token.value * font * (0.5 if unit in ("ex", "ch") else 1)


def _below(pixels: float | None, limit: float) -> bool:
    return pixels is not None and pixels <= limit


def _font_size(tokens: tuple | None, parent: float | None, root: float) -> float | None:
    token = _first_token(tokens)
    if token is None:  # invalid: inherited
        return parent
    if token.type == "ident":
        keyword = token.lower_value
        if keyword in FONT_KEYWORDS:
            return FONT_KEYWORDS[keyword]
        if keyword in ("smaller", "larger"):
            return None if parent is None else parent * (1.2 if keyword == "larger" else 1 / 1.2)
        return 16.0 if keyword == "initial" else parent
    if token.type == "percentage":
        return None if parent is None else parent * token.value / 100
    if token.type == "number":
        return 0.0 if token.value == 0 else parent
    if token.type == "dimension" and token.value == 0:
        return 0.0
    if token.type == "dimension" and token.lower_unit in ("em", "ex", "ch"):
        return None if parent is None else parent * token.value * (0.5 if token.lower_unit != "em" else 1)
    if token.type == "dimension" and token.lower_unit == "rem":
        return root * token.value
    if token.type == "dimension" and token.lower_unit in ABSOLUTE_UNITS:
        return token.value * ABSOLUTE_UNITS[token.lower_unit]
    return None


def _clips(tokens: tuple | None, state: _State) -> bool:
    token = _first_token(tokens)
    if token is None or not _is(token, "rect"):
        return False
    sides = [_pixels((t,), state) for t in _significant(token.arguments) if t.type != "literal"]
    if len(sides) != 4 or None in sides:
        return False
    top, right, bottom, left = sides
    return bottom - top < MIN_PIXELS or right - left < MIN_PIXELS


def _clip_path_hides(tokens: tuple | None, state: _State) -> bool:
    token = _first_token(tokens)
    if token is None or token.type != "function":
        return False
    arguments = [t for t in _significant(token.arguments) if t.type != "literal" or t.value not in (",",)]
    if token.lower_name == "inset":
        sides = []
        for t in arguments:
            if t.type == "ident":  # round …
                break
            sides.append(t.value if t.type == "percentage" else 0.0 if t.type == "number" and t.value == 0 else None)
        top, right, bottom, left = (
            (sides * 4)[:4]
            if len(sides) == 1
            else [*sides, *sides][:4]
            if len(sides) == 2
            else [*sides, sides[1]]
            if len(sides) == 3
            else (sides + [None] * 4)[:4]
        )
        return (None not in (top, bottom) and top + bottom >= 100) or (
            None not in (left, right) and left + right >= 100
        )
    if token.lower_name in ("circle", "ellipse"):
        radii = []
        for t in arguments:
            if t.type == "ident" and t.lower_value == "at":
                break
            radii.append(_pixels((t,), state))
        return any(r is not None and r < MIN_PIXELS / 2 for r in radii)
    if token.lower_name == "polygon":
        points = [
            tinycss2.serialize([t])
            for t in _significant(token.arguments)
            if not (t.type == "literal" and t.value == ",")
        ]
        return len(points) >= 2 and len(set(zip(points[::2], points[1::2], strict=False))) == 1
    return False


def _scale_hides(name: str, tokens: tuple | None) -> bool:
    if not tokens:
        return False
    if name == "scale":
        factors = [_number(t) for t in tokens]
        return None not in factors and (
            abs(factors[0]) < MIN_SCALE or abs(factors[1 if len(factors) > 1 else 0]) < MIN_SCALE
        )
    x = y = 1.0
    for token in tokens:
        if token.type != "function":
            continue
        numbers = [_number(t) for t in _significant(token.arguments) if not (t.type == "literal" and t.value == ",")]
        if None in numbers or not numbers:
            continue
        if token.lower_name in ("scale", "scale3d"):
            x, y = x * numbers[0], y * (numbers[1] if len(numbers) > 1 else numbers[0])
        elif token.lower_name == "scalex":
            x *= numbers[0]
        elif token.lower_name == "scaley":
            y *= numbers[0]
        elif token.lower_name == "matrix" and len(numbers) == 6:
            a, b, c, d = numbers[:4]
            x, y = x * (a * a + b * b) ** 0.5, y * (c * c + d * d) ** 0.5
    return abs(x) < MIN_SCALE or abs(y) < MIN_SCALE


def _color(tokens: tuple | None, parent: tuple[float, float] | None) -> tuple[float, float] | None:
    token = _first_token(tokens)
    if token is None:
        return parent
    if token.type == "ident" and token.lower_value in ("inherit", "unset", "revert", "revert-layer"):
        return parent
    if token.type == "ident" and token.lower_value == "initial":
        return (0.0, 1.0)
    color = _parsed_color(token)
    return parent if color == "currentcolor" else color


def _background(state: _State, parent: _State, tokens: tuple | None, by: str) -> None:
    """The luminance behind the element's text: its background colour over its
    parent's, or None (unknown) over an image or a colour not known here."""
    token = _first_token(tokens)
    if token is None or (
        token != IMAGE
        and token.type == "ident"
        and token.lower_value in ("initial", "unset", "revert", "revert-layer", "inherit")
    ):
        return
    color = None if token == IMAGE else _parsed_color(token)
    own = state.color if color == "currentcolor" else color
    if own is not None and own[1] == 0:
        return
    if own is None or (own[1] < 1 and parent.background is None):
        state.background = None
    else:
        luminance, alpha = own
        state.background = alpha * luminance + (1 - alpha) * (parent.background or 0.0)
    state.background_by = by


@lru_cache(maxsize=256)
def _parsed_color(token) -> str | tuple[float, float] | None:
    """``currentcolor``, (luminance, alpha), or None for what is no colour.
    Tokens come from the cached stylesheets: each is parsed once."""
    color = tinycss2.color4.parse_color(token)
    return color if color is None or color == "currentcolor" else _luminance(color)


def _luminance(color) -> tuple[float, float]:
    """Relative luminance (as WCAG defines it) and alpha of a tinycss2 colour."""
    space = color.space
    if space in ("hsl", "hwb"):
        color, space = color.to("srgb"), "srgb"
    if space in ("lab", "lch"):
        return color.to("xyz-d50").coordinates[1], color.alpha
    if space in ("oklab", "oklch"):
        return color.to("xyz-d65").coordinates[1], color.alpha
    if space.startswith("xyz"):
        return color.coordinates[1], color.alpha
    channels = [c or 0.0 for c in color.coordinates]
    if space != "srgb-linear":
        channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2], color.alpha
