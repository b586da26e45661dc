"""The English source: pages read from Markdown with front matter, segmented
into the messages of their catalogue templates."""
