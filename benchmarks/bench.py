"""``make bench``: locpipe's steps on a synthetic site, each against a floor
measured in the same run (machines are noisy; ratios travel, seconds do not).

The floor is bare markdown-it-py rendering every page body once per locale in
one process. Every step runs as the real command, several times, each run
followed by a floor run; the table shows medians of wall and CPU time (workers
included) and of each run's ratio to the floor after it. Results go to
benchmarks/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lxml.html
import polib
from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import generate  # noqa: E402

HERE = Path(__file__).parent
FLOOR = "floor: markdown-it-py, every page once per locale"
MSGMERGE = "GNU msgmerge --previous, file by file (same edit)"
FILES = "file system: writing as many files as a full build, of the same sizes"
BUILD_LIBRARIES = "libraries alone, a build's least: each page parsed once, rendered per locale; German catalogues read; each translation parsed once"
CHECK_LIBRARIES = "libraries alone, a check's least: each page parsed once; templates and German catalogues read; each translation parsed once; built pages parsed"
CHECK_FIRST = "check, first after a full build (no check cache)"
CHECK_AGAIN = "check again, nothing changed (built pages verified)"
CHECK_ONE_MSGSTR = "check after editing one German msgstr (and building)"
LOCPIPE = [sys.executable, "-m", "locpipe"]


def cpu_of_children() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime, usage.ru_stime


def run(root: Path, *args: str) -> tuple[float, float, float]:
    """(wall, user CPU, system CPU) of one locpipe command, its worker
    processes included. System time is mostly creating files, which costs
    about a millisecond each on some virtual machines."""
    user, system = cpu_of_children()
    started = time.perf_counter()
    done = subprocess.run([*LOCPIPE, "--root", str(root), *args], capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(f"locpipe {' '.join(args)} failed:\n{done.stderr}")
    user_after, system_after = cpu_of_children()
    return wall, user_after - user, system_after - system


def median_of(runs: int, prepare, measure, baseline) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Medians of a step's (wall, user, system) seconds, and of its (wall, CPU,
    user CPU) ratios to the floor measured right after each run: a machine's
    speed drifts by a third within minutes here, so a floor from the start of
    the run would make later steps look slower."""
    measured, ratios = [], []
    for _ in range(runs):
        prepare()
        step = measure()
        base = baseline()
        measured.append(step)
        ratios.append((step[0] / base[0], (step[1] + step[2]) / (base[1] + base[2]), step[1] / base[1]))
    return tuple(statistics.median(column) for column in zip(*measured, strict=True)), tuple(
        statistics.median(column) for column in zip(*ratios, strict=True)
    )


def _bare_markdown_it() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": False, "linkify": False}).enable(["table", "strikethrough"])
    return md.use(front_matter_plugin).use(deflist_plugin)


def floor(root: Path, locales: int) -> tuple[float, float, float]:
    """Bare markdown-it-py: read and render every page body once per locale."""
    md = _bare_markdown_it()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    for path in sorted((root / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        for _ in range(locales):
            md.render(text)
    after = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter() - started, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def libraries_alone(root: Path, renders: int, catalogues: list[Path], built: list[Path]) -> tuple[float, float, float]:
    """The least any build or check of these pages can do with its libraries,
    in one process, with no template, check or file written: parse each page
    once and render its blocks ``renders`` times, read each catalogue with
    polib as locpipe does, parse and render each distinct translation once,
    parse each built page with lxml.
    A target under this is out of reach with these libraries."""
    md = _bare_markdown_it()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    for path in sorted((root / "content").rglob("*.md")):
        env: dict = {}
        tokens = md.parse(path.read_text(encoding="utf-8"), env)
        for _ in range(renders):
            md.renderer.render(tokens, md.options, env)
    translations = set()
    for path in catalogues:
        translations.update(entry.msgstr for entry in polib.pofile(path.read_text(encoding="utf-8")) if entry.msgstr)
    for text in translations:
        md.renderInline(text)
    for path in built:
        lxml.html.fromstring(path.read_bytes())
    after = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter() - started, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def write_like_the_build(root: Path) -> tuple[float, float, float]:
    """What creating the build's files costs this machine's file system by
    itself: a file of each built page's size, in folders like build/'s."""
    sizes = [
        (path.relative_to(root / "build"), path.stat().st_size) for path in sorted((root / "build").rglob("*.html"))
    ]
    into = Path(tempfile.mkdtemp(dir=root, prefix=".files-"))
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    for relative, size in sizes:
        (into / relative).parent.mkdir(parents=True, exist_ok=True)
        (into / relative).write_bytes(b"x" * size)
    after = resource.getrusage(resource.RUSAGE_SELF)
    measured = time.perf_counter() - started, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    shutil.rmtree(into)
    return measured


def snapshot(root: Path, into: Path) -> None:
    if into.exists():
        shutil.rmtree(into)
    for name in ("content", "locales"):
        shutil.copytree(root / name, into / name)


def restore(root: Path, saved: Path) -> None:
    for name in ("content", "locales"):
        shutil.rmtree(root / name)
        shutil.copytree(saved / name, root / name)


def edit_paragraphs(root: Path, share: float) -> int:
    """Change one word in every ``1/share``-th paragraph; returns how many."""
    step, edited, seen = round(1 / share), 0, 0
    for path in sorted((root / "content").rglob("*.md")):
        front, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
        blocks = body.split("\n\n")
        for i, block in enumerate(blocks):
            if re.match(r"[A-Z][a-z]+ ", block):
                seen += 1
                if seen % step == 0:
                    blocks[i] = re.sub(r"\b([a-z]{4,})\b", r"\1ly", block, count=1)
                    edited += blocks[i] != block
        path.write_text(front + "\n---\n" + "\n\n".join(blocks), encoding="utf-8")
    return edited


def msgmerge_file_by_file(root: Path) -> tuple[float, float, float, int]:
    """GNU msgmerge --previous over every catalogue, as a baseline for update."""
    templates = root / "locales/templates"
    out = Path(tempfile.mkdtemp())
    (user, system), started, matched = cpu_of_children(), time.perf_counter(), 0
    for po in sorted((root / "locales/de/LC_MESSAGES").rglob("*.po")):
        relative = po.relative_to(root / "locales/de/LC_MESSAGES")
        merged = out / relative
        merged.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "msgmerge",
                "--quiet",
                "--previous",
                "-o",
                str(merged),
                str(po),
                str(templates / relative.with_suffix(".pot")),
            ],
            check=True,
        )
    wall, (user_after, system_after) = time.perf_counter() - started, cpu_of_children()
    for merged in out.rglob("*.po"):
        matched += merged.read_text(encoding="utf-8").count("\n#| msgid ")
    shutil.rmtree(out)
    return wall, user_after - user, system_after - system, matched


def fuzzy_with_previous(root: Path) -> int:
    return sum(
        p.read_text(encoding="utf-8").count("\n#| msgid ") for p in (root / "locales/de/LC_MESSAGES").rglob("*.po")
    )


def peak_rss_mb(command: list[str]) -> float:
    """Largest resident size of the command and its workers together, sampled."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0

    def tree_rss(pid: int) -> int:
        total, pending = 0, [pid]
        while pending:
            current = pending.pop()
            try:
                status = Path(f"/proc/{current}/status").read_text()
                total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) if "VmRSS" in status else 0
                for task in Path(f"/proc/{current}/task").iterdir():
                    pending += [int(c) for c in (task / "children").read_text().split()]
            except (FileNotFoundError, ProcessLookupError, AttributeError):
                pass
        return total

    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.05)
    return peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--memory-pages", type=int, default=0, help="also measure peak memory of a full build at this many pages"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="locpipe-bench-"))
    root, saved = work / "site", work / "saved"
    print(f"generating {args.pages} pages …", file=sys.stderr)
    generate(root, args.pages)
    snapshot(root, saved)
    size = sum(p.stat().st_size for p in (root / "content").rglob("*.md"))
    locales = 2

    floors: list[tuple[float, float, float]] = []

    def baseline() -> tuple[float, float, float]:
        floors.append(floor(root, locales))
        return floors[-1]

    rows: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {}

    def clean_templates():
        shutil.rmtree(root / "locales/templates", ignore_errors=True)

    rows["extract (all templates written)"] = median_of(
        args.runs, clean_templates, lambda: run(root, "extract"), baseline
    )
    rows["update, no change"] = median_of(args.runs, lambda: None, lambda: run(root, "update"), baseline)

    edited = 0

    def edit():
        nonlocal edited
        restore(root, saved)
        edited = edit_paragraphs(root, 0.10)

    rows["update after editing 10% of paragraphs"] = median_of(args.runs, edit, lambda: run(root, "update"), baseline)
    ours_matched = fuzzy_with_previous(root)
    edit()
    run(root, "extract")
    gnu_matched = 0

    def msgmerge() -> tuple[float, float, float]:
        nonlocal gnu_matched
        *seconds, gnu_matched = msgmerge_file_by_file(root)
        return tuple(seconds)

    rows[MSGMERGE] = median_of(args.runs, lambda: None, msgmerge, baseline)
    restore(root, saved)

    def clean_build():
        shutil.rmtree(root / "build", ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)

    rows["full build, both locales"] = median_of(args.runs, clean_build, lambda: run(root, "build"), baseline)
    rows[FILES] = median_of(args.runs, lambda: None, lambda: write_like_the_build(root), baseline)
    german = sorted((root / "locales/de/LC_MESSAGES").rglob("*.po"))
    templates = sorted((root / "locales/templates").rglob("*.pot"))
    rows[BUILD_LIBRARIES] = median_of(
        args.runs, lambda: None, lambda: libraries_alone(root, locales, german, []), baseline
    )
    rows[CHECK_FIRST] = median_of(
        args.runs,
        lambda: (root / ".cache/check-cache.json").unlink(missing_ok=True),
        lambda: run(root, "check", "--built"),
        baseline,
    )
    rows[CHECK_LIBRARIES] = median_of(
        args.runs,
        lambda: None,
        lambda: libraries_alone(root, 0, templates + german, sorted((root / "build").rglob("*.html"))),
        baseline,
    )
    rows[CHECK_AGAIN] = median_of(args.runs, lambda: None, lambda: run(root, "check", "--built"), baseline)
    rows["no-op rebuild"] = median_of(args.runs, lambda: None, lambda: run(root, "build"), baseline)
    page = sorted((root / "content").rglob("*.md"))[len(list((root / "content").rglob("*.md"))) // 2]
    original_page = page.read_text(encoding="utf-8")
    rows["rebuild after editing one page"] = median_of(
        args.runs,
        lambda: page.write_text(original_page.replace("muscle", f"muscles{time.time_ns()}", 1), encoding="utf-8"),
        lambda: run(root, "build"),
        baseline,
    )
    page.write_text(original_page, encoding="utf-8")
    po = root / "locales/de/LC_MESSAGES" / page.relative_to(root / "content").with_suffix(".po")
    original_po = po.read_text(encoding="utf-8")
    rows["rebuild after editing one German msgstr"] = median_of(
        args.runs,
        lambda: po.write_text(
            original_po.replace('msgstr "Muskel', f'msgstr "{time.time_ns()} Muskel', 1), encoding="utf-8"
        ),
        lambda: run(root, "build"),
        baseline,
    )
    run(root, "build")
    run(root, "check", "--built")
    rows[CHECK_ONE_MSGSTR] = median_of(
        args.runs,
        lambda: (
            po.write_text(
                original_po.replace('msgstr "Muskel', f'msgstr "{time.time_ns()} Muskel', 1), encoding="utf-8"
            ),
            run(root, "build"),
        ),
        lambda: run(root, "check", "--built"),
        baseline,
    )
    po.write_text(original_po, encoding="utf-8")
    run(root, "build")

    floor_seconds = tuple(statistics.median(column) for column in zip(*floors, strict=True))
    table = [
        f"| step ({args.pages} pages, {size / 1e6:.1f} MB, {locales} locales) | wall s | CPU s (user + sys) | wall × floor | CPU × floor | user CPU × floor |",
        "|---|---|---|---|---|---|",
    ]
    for name, ((wall, user, system), ratios) in {FLOOR: (floor_seconds, (1.0, 1.0, 1.0)), **rows}.items():
        table.append(
            f"| {name} | {wall:.2f} | {user + system:.2f} ({user:.2f} + {system:.2f}) | "
            + " | ".join(f"{ratio:.2f}" for ratio in ratios)
            + " |"
        )

    def share_of_full_build(name: str) -> float:
        """Wall time against a full build's, each taken against its own floor."""
        return rows[name][1][0] / rows["full build, both locales"][1][0]

    # A build's least CPU: its libraries' own work (one process) and writing its files.
    build_least = rows[BUILD_LIBRARIES][1][1] + rows[FILES][1][1]
    notes = {
        "edited_paragraphs": edited,
        "matched_by_locpipe": ours_matched,
        "matched_by_msgmerge": gnu_matched,
        "update_vs_msgmerge_wall": rows["update after editing 10% of paragraphs"][1][0] / rows[MSGMERGE][1][0],
        "floor_runs_wall_min_max": [min(f[0] for f in floors), max(f[0] for f in floors)],
        "build_least_cpu_x_floor": build_least,
        "full_build_cpu_x_its_least": rows["full build, both locales"][1][1] / build_least,
        "check_least_cpu_share_of_full_build_cpu": rows[CHECK_LIBRARIES][1][1] / rows["full build, both locales"][1][1],
        **{
            f"{key}_share_of_full_build": share_of_full_build(name)
            for key, name in (
                ("noop", "no-op rebuild"),
                ("one_page", "rebuild after editing one page"),
                ("one_msgstr", "rebuild after editing one German msgstr"),
                ("check", CHECK_AGAIN),
                ("first_check", CHECK_FIRST),
                ("check_after_one_msgstr", CHECK_ONE_MSGSTR),
            )
        },
    }
    if args.memory_pages:
        big = work / "big"
        print(f"generating {args.memory_pages} pages for the memory run …", file=sys.stderr)
        generate(big, args.memory_pages)
        notes[f"peak_rss_mb_full_build_{args.memory_pages}_pages"] = peak_rss_mb(
            [*LOCPIPE, "--root", str(big), "build"]
        )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    print("\n".join(table))
    print(json.dumps(notes, indent=2))
    print(f"machine: {machine}")
    args.out.write_text(
        json.dumps(
            {
                "pages": args.pages,
                "runs": args.runs,
                "machine": machine,
                "table": table,
                "seconds": {
                    k: {"wall": v[0][0], "user": v[0][1], "sys": v[0][2]}
                    for k, v in {FLOOR: (floor_seconds, None), **rows}.items()
                },
                "notes": notes,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
