"""Where a site's files are, and writing them safely: paths, atomic writes and the
site lock, the caches' digests, YAML with lines, the progress bar."""
