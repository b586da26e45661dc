"""Shared helpers: the shipped site, copies of it, and GNU gettext."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXED_DATE = "2026-01-01 00:00+0000"


def copy_site(destination: Path, source: Path = REPO) -> Path:
    """A throwaway copy of a site (site.yaml, content/, locales/, build/ if any)."""
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "site.yaml", destination / "site.yaml")
    for folder in ("content", "locales", "templates"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, destination / folder)
    return destination


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the shipped site to change freely."""
    return copy_site(tmp_path / "site")


@pytest.fixture(scope="module")
def shipped_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped site (fully translated), built once for a test module."""
    from locpipe import pipeline

    root = copy_site(tmp_path_factory.mktemp("shipped") / "site")
    pipeline.build(pipeline.load_site(root))
    return root


@pytest.fixture
def shipped(shipped_built: Path, tmp_path: Path) -> Path:
    """A copy of the built shipped site, its build/ included, to change freely."""
    return Path(shutil.copytree(shipped_built, tmp_path / "site"))


def gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"GNU gettext's {name} is not installed: run 'make gettext'")
    return path


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([gettext_tool("msgfmt"), "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)


def msgcat_output(path: Path) -> bytes:
    return subprocess.run([gettext_tool("msgcat"), str(path)], capture_output=True, check=True).stdout


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
