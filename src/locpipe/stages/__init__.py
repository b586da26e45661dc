"""One module per command (extract, update, build, check, stats, init,
serve): each reads what it needs, runs the pure stages, and writes."""
