"""The library API over a whole site, one stage per module:

config → content → extract (``.pot``) → update (``.po``) → build (HTML) → check.

``project.paths`` finds the pages and catalogues, ``stages`` runs each
command: ``extract`` and ``update`` write templates and catalogues, ``build``
the pages, ``check`` and ``stats`` report. Each is imported
when a name of it is first used, so a command loads only its own libraries
(a no-op build never loads the Markdown, PO or HTML parsers).
"""

from __future__ import annotations

import importlib

_MODULE_OF = {
    **dict.fromkeys(("Site", "load_site"), "project.paths"),
    **dict.fromkeys(("ExtractResult", "extract", "catalogue_messages"), "stages.extract"),
    **dict.fromkeys(("UpdateResult", "update"), "stages.update"),
    **dict.fromkeys(("BuildResult", "build"), "stages.build"),
    **dict.fromkeys(("CheckResult", "check"), "stages.check"),
    **dict.fromkeys(("stats", "write_status_page"), "stages.stats"),
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_MODULE_OF[name]}", __package__), name)
