"""The ``locpipe`` command: a thin layer over the library, one call per command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import pipeline, report
from .config import babel_locale
from .errors import LocpipeError
from .project.files import site_lock
from .project.progress import terminal_progress
from .report import format_error


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="locpipe",
        description="Translate a Markdown site through gettext catalogues and build it in every locale.",
    )
    parser.add_argument(
        "--root", type=Path, default=Path("."), metavar="DIR", help="the site folder, holding site.yaml (default: here)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    commands.add_parser(
        "extract",
        help="write locales/templates/*.pot from content/ and the templates",
        description="Write one .pot per page and site.pot; unchanged templates are left as they are.",
    )

    update = commands.add_parser(
        "update",
        help="extract, then merge the templates into every locale's .po files",
        description="Extract, then create or merge locales/<L>/LC_MESSAGES/*.po, keeping every translation.",
    )
    update.add_argument("--locale", action="append", metavar="L", help="only this locale (repeatable)")
    update.add_argument("--no-memory", action="store_true", help="do not pre-fill new messages from other catalogues")

    build = commands.add_parser(
        "build",
        help="render build/<locale>/… for every locale",
        description="Render the static site of every locale into build/.",
    )
    build.add_argument("--locale", action="append", metavar="L", help="only this locale (repeatable)")
    build.add_argument("--strict", action="store_true", help="fail when a locale is under publish.min_translated")
    build.add_argument("--pseudo", action="store_true", help="also build the pseudo-locale en-XA (never published)")

    check = commands.add_parser(
        "check",
        help="the CI gate: sync, completeness, markup, numbers, disclaimer",
        description="Check every catalogue (and the built pages) of every locale; exit 1 on any error.",
    )
    check.add_argument("--locale", action="append", metavar="L", help="only this locale (repeatable)")
    check.add_argument("--format", choices=("text", "json", "github"), default="text", help="how to print the findings")
    check.add_argument(
        "--built",
        action="store_true",
        help="also check build/ (done anyway for each locale whose build/<locale>/ exists)",
    )

    init = commands.add_parser(
        "init",
        help="add a locale: site.yaml plus a catalogue for every page",
        description="Add LOCALE to site.yaml and create its catalogues; list what it needs to publish.",
    )
    init.add_argument("locale", metavar="LOCALE", help="a locale code Babel knows, e.g. fr, pt-BR")

    serve = commands.add_parser(
        "serve",
        help="serve build/ on 127.0.0.1, rebuilding and reloading on every save",
        description="Live preview: serve build/, watch content/, locales/, site.yaml and the templates, rebuild and reload.",
    )
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")

    stats = commands.add_parser(
        "stats",
        help="translation progress per locale and page",
        description="Per locale and catalogue: translated, fuzzy, untranslated, percent, words left.",
    )
    stats.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="text table, JSON, or build/status.html with a bar per catalogue",
    )
    return parser


def _locales(site: pipeline.Site, chosen: list[str] | None) -> list[str] | None:
    for code in chosen or []:
        babel_locale(code, "--locale")
        if code not in site.config.locales:
            raise LocpipeError(
                f"locale '{code}' is not in site.yaml's locales {site.config.locales}",
                "site.yaml",
                site.config.line_of("locales"),
            )
    return chosen


def _extract(site: pipeline.Site, args: argparse.Namespace) -> int:
    with site_lock(site.root), terminal_progress("extract") as progress:
        result = pipeline.extract(site, progress)
    print(
        f"extracted {len(site.page_paths)} pages, {result.messages} messages in {result.seconds:.2f} s: "
        f"{result.catalogues} templates ({len(result.written)} written)"
    )
    return 0


def _update(site: pipeline.Site, args: argparse.Namespace) -> int:
    locales = _locales(site, args.locale)
    chosen = [code for code in locales or site.config.target_locales if code != site.config.source_locale]
    with terminal_progress("update") as progress:
        result = pipeline.update(site, chosen, use_memory=not args.no_memory, progress=progress)
    r = result.report
    print(
        f"updated {len(site.page_paths)} pages, {result.extracted.messages} messages × {len(chosen)} locale(s) "
        f"in {result.seconds:.2f} s: "
        f"{r.kept} kept, {r.fuzzy} fuzzy, {r.from_memory} from memory, {r.untranslated} untranslated, "
        f"{r.obsoleted} made obsolete; {len(result.written)} file(s) written"
    )
    for old, new in result.renamed:
        print(f"{old}: renamed page, translations carried to {new}")
    for path in result.orphaned:
        print(f"{path}: its page is gone; translations kept as obsolete (delete the file when no longer needed)")
    return 0


def _build(site: pipeline.Site, args: argparse.Namespace) -> int:
    with terminal_progress("build") as progress:
        result = pipeline.build(site, _locales(site, args.locale), pseudo=args.pseudo, progress=progress)
    minimum = site.config.min_translated
    status = 0
    for locale, percent in result.percent.items():
        if percent < minimum:
            severity = "error" if args.strict else "warning"
            print(
                f"site.yaml: {severity}: locale '{locale}' is {percent:g}% translated, under publish.min_translated "
                f"({minimum:g}%); untranslated text is shown in English",
                file=sys.stderr,
            )
            status = 1 if args.strict else status
    for path in result.disclaimer_differs:
        print(
            f"{path}: warning: the disclaimer is not the approved wording in site.yaml; "
            "the pages show the approved one (locpipe check names the difference)",
            file=sys.stderr,
        )
    print(
        f"built {result.pages} pages, {result.messages} messages × {len(result.locales)} locale(s) in {result.seconds:.2f} s "
        f"({result.rendered} page(s) rendered, {len(result.written)} file(s) written)"
    )
    return status


def _check(site: pipeline.Site, args: argparse.Namespace) -> int:
    result = pipeline.check(site, _locales(site, args.locale), built=True if args.built else None)
    if args.format == "json":
        print(report.json_report(result.findings, result.stats))
    elif args.format == "github":
        if result.findings:
            print(report.github_report(result.findings))
        print(report.text_report(result.findings, result.stats)[1], file=sys.stderr)
    else:
        lines, summary = report.text_report(result.findings, result.stats)
        if lines:
            print(lines)
        print(summary, file=sys.stderr)
    return 1 if result.errors else 0


def _stats(site: pipeline.Site, args: argparse.Namespace) -> int:
    totals, pages = pipeline.stats(site)
    if args.format == "json":
        print(report.stats_json(totals, pages))
    elif args.format == "html":
        path = pipeline.write_status_page(site, totals, pages)
        print(f"wrote {path}")
    else:
        print(report.stats_table(totals, pages))
    return 0


def _init(site: pipeline.Site, args: argparse.Namespace) -> int:
    from .stages.init import init_locale  # ruamel.yaml: loaded only for this command

    result = init_locale(site.root, args.locale)
    created = [path for path in result.update.written if path.startswith(f"locales/{args.locale}/")]
    print(
        f"added '{args.locale}' to site.yaml and created {len(created)} catalogue(s) in locales/{args.locale}/LC_MESSAGES/"
    )
    if result.needs:
        print(f"before '{args.locale}' can publish, it needs:")
        for need in result.needs:
            print(f"  - {need}")
    return 0


def _serve(site: pipeline.Site, args: argparse.Namespace) -> int:
    from .stages.serve import serve  # watchfiles and http.server: loaded only for this command

    serve(site.root, args.port)
    return 0


COMMANDS = {
    "serve": _serve,
    "extract": _extract,
    "update": _update,
    "build": _build,
    "check": _check,
    "stats": _stats,
    "init": _init,
}


def _shown_path(filename: str | None, root: Path) -> str:
    """A path in a message, relative to the site root like every other."""
    if not filename:
        return "locpipe"
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(filename)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        site = pipeline.load_site(args.root.resolve())
        return COMMANDS[args.command](site, args)
    except LocpipeError as exc:
        print(format_error(exc), file=sys.stderr)
        if args.command != "check":
            return 1
        if args.format == "json":
            print(report.json_report([report.unrunnable(exc)], {}))
        elif args.format == "github":
            print(report.github_report([report.unrunnable(exc)]))
        return 2  # check could not run at all
    except OSError as exc:
        print(f"{_shown_path(exc.filename, args.root)}: error: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("locpipe: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
