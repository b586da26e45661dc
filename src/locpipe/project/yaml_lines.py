"""YAML read with PyYAML's safe loader, keeping each key's source line."""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import LocpipeError

_MERGE_TAG = "tag:yaml.org,2002:merge"
# libyaml's parser when PyYAML was built with it (the wheels are): the same safe
# loading, several times faster on thousands of front-matter blocks.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):
    """The safe loader, with a value it cannot build (``date: 2026-13-45``)
    reported as a YAML error at that value instead of a bare ``ValueError``."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:  # PyYAML's own constructors, given a value they cannot build
            kind = str(node.tag).rsplit(":", 1)[-1]
            kind = {"timestamp": "a date", "int": "an integer", "float": "a number"}.get(kind, f"!!{kind}")
            detail = f" ({exc})" if isinstance(exc, ValueError) else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {getattr(node, 'value', '')!r} as {kind}{detail}", node.start_mark
            ) from None


def load_with_lines(text: str, path: str, first_line: int = 1) -> tuple[Any, dict[str, int]]:
    """Return the data and a map from dotted key path (``publish.min_translated``,
    ``ingredients.2``) to its 1-based line, so errors can point at the key.

    A key given twice, or an alias inside its own anchor, is an error: PyYAML
    would silently keep the last value, or build a value without end."""
    loader = _Loader(text)
    lines: dict[str, int] = {}
    try:
        node = loader.get_single_node()
        if node is not None:
            _collect_lines(node, "", lines, first_line, path, set(), set())
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        last_line = first_line + text.rstrip("\n").count("\n")  # libyaml may point past the end
        line = min(mark.line + first_line, last_line) if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if problem == "exceeded maximum nesting depth":  # the limit recent PyYAML wheels set in libyaml
            problem = "the values are nested too deeply"
        raise LocpipeError(f"invalid YAML: {problem}", path, line) from None
    except RecursionError:
        raise LocpipeError("invalid YAML: the values are nested too deeply", path, first_line) from None
    finally:
        loader.dispose()
    return data, lines


def _collect_lines(
    node: yaml.Node,
    prefix: str,
    lines: dict[str, int],
    first_line: int,
    path: str,
    open_nodes: set[int],
    done: set[int],
) -> None:
    if id(node) in open_nodes:
        raise LocpipeError(
            "invalid YAML: an alias refers to its own anchor (the value would never end)",
            path,
            node.start_mark.line + first_line,
        )
    if id(node) in done:  # an alias of a value already walked: walk each node once
        return
    open_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[tuple[str, str], int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + first_line
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE_TAG:
                key = (key_node.tag, key_node.value)
                if key in first_seen:
                    raise LocpipeError(
                        f"duplicate key '{key_node.value}' (first given at line {first_seen[key]})", path, line
                    )
                first_seen[key] = line
            name = f"{prefix}{key_node.value if isinstance(key_node, yaml.ScalarNode) else '?'}"
            lines.setdefault(name, line)
            _collect_lines(value_node, name + ".", lines, first_line, path, open_nodes, done)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            name = f"{prefix}{index}"
            lines.setdefault(name, item.start_mark.line + first_line)
            _collect_lines(item, name + ".", lines, first_line, path, open_nodes, done)
    open_nodes.discard(id(node))
    done.add(id(node))
