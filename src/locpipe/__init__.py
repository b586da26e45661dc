"""locpipe: English Markdown → gettext catalogues → a static site in every locale."""

__version__ = "0.1.0"
