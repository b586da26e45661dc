"""The library API over a whole site, one stage per module:

config → content → extract (``.pot``) → update (``.po``) → build (HTML) → check.

``site`` finds the pages and catalogues, ``updating`` writes templates and
catalogues, ``building`` the pages, ``checking`` reports. Each is imported
when a name of it is first used, so a command loads only its own libraries
(a no-op build never loads the Markdown, PO or HTML parsers).
"""
from __future__ import annotations

import importlib

_MODULE_OF = {
    **dict.fromkeys(("Site", "load_site"), "site"),
    **dict.fromkeys(("ExtractResult", "extract", "UpdateResult", "update", "catalogue_messages"), "updating"),
    **dict.fromkeys(("BuildResult", "build"), "building"),
    **dict.fromkeys(("CheckResult", "check", "stats", "write_status_page"), "checking"),
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_MODULE_OF[name]}", __package__), name)
