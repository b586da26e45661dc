"""The command line: help for every command, one-line errors, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from locpipe.cli import COMMANDS, _parser
from sites import SITE_YAML, make_site, page


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "locpipe", "--root", str(root), *args], capture_output=True, text=True)


def test_every_command_has_help_text() -> None:
    subcommands = _parser()._subparsers._group_actions[0].choices
    assert set(subcommands) == set(COMMANDS)
    for name, sub in subcommands.items():
        assert sub.description, name
        assert sub.format_help().strip()


BAD_INPUT = {
    "front matter not YAML": (
        {"a.md": "---\ntitle: [unclosed\n---\nText\n"},
        SITE_YAML,
        "content/a.md:2: error: invalid YAML",
    ),
    "front matter not a mapping": (
        {"a.md": "---\n- a list\n---\nText\n"},
        SITE_YAML,
        "content/a.md:2: error: front matter must be a mapping",
    ),
    "page without title": (
        {"a.md": "---\ndescription: x\n---\nText\n"},
        SITE_YAML,
        "content/a.md:2: error: the front matter needs a 'title:'",
    ),
    "site.yaml not YAML": ({"a.md": page("A", "Text")}, "locales: [en\n", "site.yaml:1: error: invalid YAML"),
    "wrong type at a key": (
        {"a.md": page("A", "Text")},
        SITE_YAML.replace("min_translated: 100", "min_translated: lots"),
        "site.yaml:7: error: publish.min_translated: must be int or float, not str 'lots'",
    ),
    "unknown locale": (
        {"a.md": page("A", "Text")},
        SITE_YAML.replace("[en, de]", "[en, ger]"),
        "site.yaml:4: error: unknown locale 'ger': Babel has no data for it (did you mean 'de'?)",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_is_one_line_naming_file_and_line(tmp_path: Path, case: str) -> None:
    pages, site_yaml, expected = BAD_INPUT[case]
    root = make_site(tmp_path / "s", pages, site_yaml)
    done = run(root, "build")
    assert done.returncode == 1
    assert done.stderr.startswith(expected), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (root / "build").exists() and not (root / "locales").exists()


def test_missing_site_yaml(tmp_path: Path) -> None:
    done = run(tmp_path, "update")
    assert done.returncode == 1
    assert "no site.yaml here" in done.stderr and "Traceback" not in done.stderr


def test_build_warns_below_min_translated_and_strict_fails(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", {"a.md": page("A", "Text")})
    assert run(root, "update").returncode == 0
    done = run(root, "build")
    assert done.returncode == 0
    assert "warning: locale 'de' is 0% translated, under publish.min_translated (100%)" in done.stderr
    done = run(root, "build", "--strict")
    assert done.returncode == 1 and "error: locale 'de' is 0% translated" in done.stderr


def test_progress_bar_only_on_a_terminal() -> None:
    import io

    from locpipe.project.progress import terminal_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with terminal_progress("build", io.StringIO()) as progress:
        assert progress is None
    screen = Terminal()
    with terminal_progress("build", screen) as progress:
        for done in range(1, 1001):
            progress("rendering", done, 1000)
    drawn = screen.getvalue().split("\r")
    assert drawn[1] == "build rendering [" + " " * 30 + "] 1/1000", "a stage's first count is drawn"
    assert drawn[-3] == "build rendering [" + "#" * 30 + "] 1000/1000", "and its last"
    assert len(drawn) < 20, "redrawn at most every 0.1 s, not once per page"
    assert drawn[-2:] == [" " * len(drawn[-3]), ""], "the line is cleared for the summary"
