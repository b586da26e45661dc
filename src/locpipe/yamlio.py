"""YAML read with PyYAML's safe loader, keeping each key's source line."""
from __future__ import annotations

from typing import Any

import yaml

from .errors import LocpipeError


def load_with_lines(text: str, path: str, first_line: int = 1) -> tuple[Any, dict[str, int]]:
    """Return the data and a map from dotted key path (``publish.min_translated``,
    ``ingredients.2``) to its 1-based line, so errors can point at the key."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + first_line if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LocpipeError(f"invalid YAML: {problem}", path, line) from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        _collect_lines(node, "", lines, first_line)
    return data, lines


def _collect_lines(node: yaml.Node, prefix: str, lines: dict[str, int], first_line: int) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = f"{prefix}{key_node.value}"
            lines[name] = key_node.start_mark.line + first_line
            _collect_lines(value_node, name + ".", lines, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            name = f"{prefix}{index}"
            lines[name] = item.start_mark.line + first_line
            _collect_lines(item, name + ".", lines, first_line)
