"""Pages and catalogues to HTML: translated blocks, the Jinja2 templates, the
pseudo-locale, and rendering many pages in worker processes."""
