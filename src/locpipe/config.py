"""``site.yaml``: what a site publishes, in which locales, with which disclaimer."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.localedata import locale_identifiers

from .errors import ConfigError, LocpipeError
from .project.yaml_lines import load_with_lines

CONFIG_NAME = "site.yaml"
DEFAULT_TRANSLATABLE_FIELDS = ("title", "description")


@dataclass(slots=True)
class SiteConfig:
    root: Path
    source_locale: str
    locales: list[str]
    base_url: str
    min_translated: float
    disclaimer_source: str
    disclaimer_approved: dict[str, str]
    name: str = "VMC"
    translatable_fields: tuple[str, ...] = DEFAULT_TRANSLATABLE_FIELDS
    unit_equivalents: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def target_locales(self) -> list[str]:
        return [code for code in self.locales if code != self.source_locale]

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)


def babel_locale(code: str, path: str = CONFIG_NAME, line: int | None = None) -> Locale:
    """Babel's locale for a site locale code (``de``, ``pt-BR``), or a clear error."""
    if "_" in str(code):  # Babel reads pt_BR too, but URLs and hreflang need the BCP 47 form
        raise ConfigError(
            f"locale '{code}': write locale codes with a hyphen, as in '{str(code).replace('_', '-')}'", path, line
        )
    try:
        parsed = Locale.parse(str(code).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        parsed = None
    # Babel also resolves aliases (ger -> de_DE); a site names its locales canonically.
    if parsed is None or str(parsed).lower() != str(code).replace("-", "_").lower():
        hint = suggest_locale(code)
        tail = f" (did you mean '{hint}'?)" if hint else ""
        raise ConfigError(f"unknown locale '{code}': Babel has no data for it{tail}", path, line) from None
    return parsed


def suggest_locale(code: str) -> str | None:
    """The closest locale Babel knows: ISO 639-2 aliases first (ger -> de)."""
    lowered = str(code).lower().replace("-", "_")
    alias = get_global("language_aliases").get(lowered)
    if alias:
        return alias.replace("_", "-")
    close = difflib.get_close_matches(lowered, locale_identifiers(), n=1, cutoff=0.6)
    return close[0].replace("_", "-") if close else None


def load_config(root: Path) -> SiteConfig:
    path = root / CONFIG_NAME
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise ConfigError(
            f"no {CONFIG_NAME} here ({root}): run locpipe in a site folder or pass --root DIR", CONFIG_NAME
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"not UTF-8 text ({exc.reason}): save the file as UTF-8", CONFIG_NAME, line) from None
    try:
        data, lines = load_with_lines(text, CONFIG_NAME)
    except LocpipeError as exc:
        raise ConfigError(exc.message, exc.path, exc.line) from None
    return parse_config(root, data, lines)


class _Reader:
    """Typed access to the YAML mapping, naming the key path in every error."""

    def __init__(self, data: Any, lines: dict[str, int]):
        if not isinstance(data, dict):
            raise ConfigError("must be a mapping of settings", CONFIG_NAME, 1)
        self.data = data
        self.lines = lines

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{key}: {message}", CONFIG_NAME, self.lines.get(key))

    def get(self, key: str, kind: type | tuple, default: Any = ...) -> Any:
        value: Any = self.data
        parts = key.split(".")
        for depth, part in enumerate(parts):
            if not isinstance(value, dict):  # e.g. "publish: 100" where publish.min_translated is meant
                above = ".".join(parts[:depth])
                raise self.error(
                    above, f"must be a mapping of settings ({parts[depth]}: …), not {type(value).__name__} {value!r}"
                )
            if part not in value:
                if default is ...:
                    raise self.error(key, "is required")
                return default
            value = value[part]
        if not isinstance(value, kind) or isinstance(value, bool) and bool not in _as_tuple(kind):
            names = " or ".join(t.__name__ for t in _as_tuple(kind))
            raise self.error(key, f"must be {names}, not {type(value).__name__} {value!r}")
        return value


def _as_tuple(kind: type | tuple) -> tuple:
    return kind if isinstance(kind, tuple) else (kind,)


def parse_config(root: Path, data: Any, lines: dict[str, int]) -> SiteConfig:
    read = _Reader(data, lines)
    source = read.get("source_locale", str)
    locales = read.get("locales", list)
    for index, code in enumerate(locales):
        if not isinstance(code, str):
            raise read.error(f"locales.{index}", f"must be a locale code, not {code!r}")
        babel_locale(code, CONFIG_NAME, lines.get(f"locales.{index}"))
    babel_locale(source, CONFIG_NAME, lines.get("source_locale"))
    if len(set(locales)) != len(locales):
        raise read.error("locales", "lists a locale twice")
    if not locales or locales[0] != source:
        raise read.error("locales", f"must list the source locale '{source}' first")
    minimum = read.get("publish.min_translated", (int, float), 100)
    if not 0 <= minimum <= 100:
        raise read.error("publish.min_translated", f"must be a percentage from 0 to 100, not {minimum}")
    approved = read.get("disclaimer.approved", dict, {})
    for code, wording in approved.items():
        if not isinstance(wording, str) or not wording.strip():
            raise read.error(f"disclaimer.approved.{code}", "must be the approved wording as text")
    fields = read.get("front_matter.translatable", list, list(DEFAULT_TRANSLATABLE_FIELDS))
    if not all(isinstance(name, str) for name in fields):
        raise read.error("front_matter.translatable", "must be a list of front-matter key names")
    units = read.get("checks.unit_equivalents", dict, {})
    for code, table in units.items():
        if not isinstance(table, dict) or not all(
            isinstance(unit, str) and isinstance(alts, list) and all(isinstance(a, str) for a in alts)
            for unit, alts in table.items()
        ):
            raise read.error(
                f"checks.unit_equivalents.{code}", "must map a unit to a list of equivalents, e.g. IU: [I.E.]"
            )
    disclaimer = read.get("disclaimer.source", str)
    if not disclaimer.strip():
        raise read.error("disclaimer.source", "must not be empty")
    base_url = read.get("base_url", str)
    parts = urlsplit(base_url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or base_url != base_url.strip():
        raise read.error(
            "base_url", f"must be the site's address, http:// or https:// and a host name, not {base_url!r}"
        )
    return SiteConfig(
        root=root,
        source_locale=source,
        locales=list(locales),
        base_url=base_url.rstrip("/"),
        min_translated=float(minimum),
        disclaimer_source=disclaimer,
        disclaimer_approved={str(code): wording for code, wording in approved.items()},
        name=read.get("name", str, "VMC"),
        translatable_fields=tuple(fields),
        unit_equivalents={str(code): table for code, table in units.items()},
        lines=lines,
    )
