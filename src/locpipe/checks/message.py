"""The checks of one translated message: small named functions in a registry.

Each takes the source text, its translation and the locale's rules, and yields
``(severity, message)`` pairs, so one run reports every problem at once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..source.dialect import parser
from .quantities import compare

ERROR = "error"
WARNING = "warning"
Problem = tuple[str, str]


@dataclass(slots=True, frozen=True)
class LocaleRules:
    source_locale: str
    locale: str
    unit_aliases: dict[str, list[str]] = field(default_factory=dict)
    python_format: bool = False
    env: dict = field(default_factory=dict)  # the page's markdown-it env: its link reference definitions


MessageCheck = Callable[[str, str, LocaleRules], Iterator[Problem]]
MESSAGE_CHECKS: dict[str, MessageCheck] = {}


def message_check(name: str) -> Callable[[MessageCheck], MessageCheck]:
    def register(function: MessageCheck) -> MessageCheck:
        MESSAGE_CHECKS[name] = function
        return function

    return register


# --- markup ---------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.I)
_UNSAFE_URL = re.compile(r"^\s*(?:javascript|vbscript|data):", re.I)


@dataclass(slots=True)
class InlineStructure:
    links: list[str]
    images: list[str]
    code: list[str]
    spans: Counter
    html: list[str]
    stray: Counter  # delimiters left as text: an unclosed "**" renders as two asterisks


_INTRAWORD_UNDERSCORE = re.compile(r"(?<=[^\W_])_(?=[^\W_])")  # snake_case: never emphasis


def inline_structure(text: str, env: dict | None = None) -> InlineStructure:
    """What the text is as inline Markdown; ``env`` holds the page's link
    reference definitions, so that ``[text][label]`` is the link it is on the page."""
    links, images, code, html = [], [], [], []
    spans: Counter = Counter()
    stray: Counter = Counter()
    for token in parser().parseInline(text, env)[0].children or []:
        if token.type == "text":
            rest = token.content
            for marker in ("**", "__", "~~", "*", "`"):
                if marker in rest:
                    stray[marker] += rest.count(marker)
                    rest = rest.replace(marker, "")
            if "_" in rest:
                stray["_"] += rest.count("_") - len(_INTRAWORD_UNDERSCORE.findall(rest))
            if "[" in rest or "]" in rest:
                stray["[]"] += rest.count("[") + rest.count("]")
        elif token.type == "link_open":
            links.append(token.meta.get("source_href") or token.attrGet("href"))
        elif token.type == "image":
            images.append(token.attrGet("src"))
        elif token.type == "code_inline":
            code.append(token.content)
        elif token.type == "html_inline":
            html.append(token.content)
        elif token.type in ("em_open", "strong_open", "s_open"):
            spans[token.type[: -len("_open")]] += 1
    return InlineStructure(sorted(links), sorted(images), sorted(code), spans, html, stray)


# A message is inline text inside one block of the page: a line that Markdown
# would start a block with shows its marker as written. Left alone: "1.", as
# German writes dates and ordinals so ("1. Januar"), and ">" before a number,
# a comparison ("> 140 mmHg").
_LINE_START = re.compile(
    r"^ {0,3}(?:(?P<heading>#{1,6})(?=\s|$)|(?P<list>[-*+])(?=\s)|(?P<quote>>)(?![\s>]*[\d=<]))", re.M
)
_LINE_KINDS = {"heading": "a heading", "list": "a list item", "quote": "a quote"}
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _line_starts(text: str) -> Counter:
    return Counter((match.lastgroup, match.group(match.lastgroup)[0]) for match in _LINE_START.finditer(text))


_SPAN_NAMES = {"em": "emphasis (*…*)", "strong": "strong (**…**)", "s": "strikethrough (~~…~~)"}


@message_check("markup")
def markup(source: str, translation: str, rules: LocaleRules) -> Iterator[Problem]:
    """The translation keeps the source's inline Markdown and adds no markup."""
    want, got = inline_structure(source, rules.env), inline_structure(translation, rules.env)
    for kind, expected, actual in (
        ("link target", want.links, got.links),
        ("image", want.images, got.images),
        ("code span", want.code, got.code),
    ):
        if expected == actual:  # sorted: nothing is missing or added
            continue
        for item in (Counter(expected) - Counter(actual)).elements():
            yield ERROR, f"{kind} '{item}' is missing from the translation; keep it exactly"
        for item in (Counter(actual) - Counter(expected)).elements():
            yield ERROR, f"the translation adds {kind} '{item}', which the source does not have"
    for name, label in _SPAN_NAMES.items():
        if want.spans[name] != got.spans[name]:
            yield (
                ERROR,
                f"the source has {want.spans[name]} {label} span(s), the translation {got.spans[name]}: check the markers are balanced",
            )
    if got.stray:
        for marker in ("**", "__", "~~", "*", "`", "_"):
            if got.stray[marker] > want.stray[marker]:
                yield ERROR, f"'{marker}' without its partner in the translation: close the span or remove the marker"
        if got.stray["[]"] > want.stray["[]"]:
            yield (
                ERROR,
                "'[' or ']' that makes no link in the translation: write a link as [text](target), or remove the bracket",
            )
    if "\n" in translation and len(_BLANK_LINE.findall(translation)) > len(_BLANK_LINE.findall(source)):
        yield (
            ERROR,
            "the translation has a blank line, which the source does not have: a message is one paragraph; join the lines",
        )
    if _LINE_START.search(translation):
        for kind, marker in _line_starts(translation) - _line_starts(source):
            yield (
                ERROR,
                (
                    f"a line of the translation starts with '{marker}', {_LINE_KINDS[kind]} in Markdown, "
                    "which the source does not have: it shows on the page as written; remove it"
                ),
            )
    if got.html:
        for tag in (Counter(got.html) - Counter(want.html)).elements():
            yield ERROR, f"raw HTML '{tag}' in the translation: translations must not carry markup"
    entities = _ENTITY.findall(translation)
    if entities:
        for entity in (Counter(entities) - Counter(_ENTITY.findall(source))).elements():
            yield ERROR, f"character reference '{entity}' in the translation: write the character itself"
    for url in re.findall(r"\]\(\s*<?([^)\s>]*)", translation):
        if _UNSAFE_URL.match(url):
            yield ERROR, f"unsafe link target '{url}' in the translation"


# --- numbers ---------------------------------------------------------------


@message_check("numbers")
def numbers(source: str, translation: str, rules: LocaleRules) -> Iterator[Problem]:
    """Every number and dose unit survives, read in each side's own notation."""
    for problem in compare(source, translation, rules.source_locale, rules.locale, rules.unit_aliases):
        yield ERROR, problem


# --- placeholders ----------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd%]")


@message_check("placeholders")
def placeholders(source: str, translation: str, rules: LocaleRules) -> Iterator[Problem]:
    """A python-format string keeps its placeholders, or the page cannot show it."""
    if not rules.python_format:
        return
    if Counter(_PLACEHOLDER.findall(source)) != Counter(_PLACEHOLDER.findall(translation)):
        yield (
            ERROR,
            f"placeholders differ: the source has {sorted(set(_PLACEHOLDER.findall(source)))}, keep them exactly (e.g. %(date)s)",
        )


# --- warnings ---------------------------------------------------------------

_DOUBLED = re.compile(r"\b(\w{2,})\s+\1\b", re.I | re.U)
# Doubled words that the grammar allows, compared in lower case: "…, die die
# Muskeln …", "das das Gehirn schützt", "Nehmen Sie sie", "helft ihr ihr",
# "it had had", "that that".
GRAMMATICAL_DOUBLES = {
    "de": {"die", "der", "das", "den", "dem", "sie", "ihr"},
    "en": {"that", "had"},
    "nl": {"die", "dat"},
}
LONG_IDENTICAL = 40


@message_check("identical")
def identical(source: str, translation: str, rules: LocaleRules) -> Iterator[Problem]:
    """A long translation equal to its source was probably copied, not translated."""
    if translation == source and len(_strip_links(source).strip()) >= LONG_IDENTICAL:
        yield WARNING, "the translation is identical to the source; translate it (or confirm it needs none)"


@message_check("whitespace")
def whitespace(source: str, translation: str, rules: LocaleRules) -> Iterator[Problem]:
    """Leading or trailing white space that the source does not have; a line
    break at one end of only one of them is an error, as GNU ``msgfmt -c``
    refuses the catalogue for it."""
    if source.startswith("\n") != translation.startswith("\n"):
        yield (
            ERROR,
            (
                "the source and the translation do not both begin with a line break (\\n): "
                "GNU msgfmt -c rejects the catalogue; begin the translation as the source begins"
            ),
        )
    elif source[: len(source) - len(source.lstrip())] != translation[: len(translation) - len(translation.lstrip())]:
        yield WARNING, "leading white space differs from the source"
    if source.endswith("\n") != translation.endswith("\n"):
        yield (
            ERROR,
            (
                "the source and the translation do not both end with a line break (\\n): "
                "GNU msgfmt -c rejects the catalogue; end the translation as the source ends"
            ),
        )
    elif source[len(source.rstrip()) :] != translation[len(translation.rstrip()) :]:
        yield WARNING, "trailing white space differs from the source"


@message_check("doubled-word")
def doubled_word(source: str, translation: str, rules: LocaleRules) -> Iterator[Problem]:
    allowed = GRAMMATICAL_DOUBLES.get(rules.locale.split("-")[0], set())
    for match in _DOUBLED.finditer(translation):
        if match.group(1).lower() not in allowed and not _DOUBLED.search(source):
            yield WARNING, f"doubled word '{match.group(0)}'"


def _strip_links(text: str) -> str:
    """The prose of a message: without link targets, autolinks and code."""
    return re.sub(r"\]\([^)]*\)|<[^>]*>|`[^`]*`", "", text)


def check_message(source: str, translation: str, rules: LocaleRules) -> Iterator[tuple[str, str, str]]:
    """(check name, severity, message) for every problem of one translation."""
    for name, function in MESSAGE_CHECKS.items():
        for severity, message in function(source, translation, rules):
            yield name, severity, message
