"""Findings and progress as text, JSON, GitHub Actions commands or an HTML page."""

from __future__ import annotations

import json

from .errors import LocpipeError
from .model import Counts, Finding


def format_error(exc: LocpipeError) -> str:
    """One line, the way compilers print errors: ``path:line: error: message``."""
    where = exc.path or "locpipe"
    if exc.path and exc.line:
        where += f":{exc.line}"
    return f"{where}: error: {exc.message}"


def text_report(findings: list[Finding], stats: dict[str, Counts]) -> tuple[str, str]:
    """(stdout, summary): compiler-style lines, then one line per locale."""
    lines = [str(finding) for finding in findings]
    summary = [
        f"{locale}: {c.percent:g}% translated ({c.translated}/{c.total}, {c.fuzzy} fuzzy, {c.untranslated} untranslated)"
        for locale, c in stats.items()
    ]
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    summary.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines), "\n".join(summary)


def json_report(findings: list[Finding], stats: dict[str, Counts]) -> str:
    """``check --format json``: the findings and each locale's progress."""
    data = {
        "findings": [
            {
                "file": f.file,
                "line": f.line,
                "locale": f.locale,
                "check": f.check,
                "severity": f.severity,
                "message": f.message,
            }
            for f in findings
        ],
        "stats": _stats_json(stats),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def stats_json(totals: dict[str, Counts], pages: dict[str, dict[str, Counts]]) -> str:
    """``stats --format json``: the same ``stats`` as ``check``, and each catalogue's."""
    data = {"stats": _stats_json(totals), "pages": {locale: _stats_json(per) for locale, per in pages.items()}}
    return json.dumps(data, ensure_ascii=False, indent=2)


def _stats_json(counts: dict[str, Counts]) -> dict:
    return {name: c.as_dict() for name, c in counts.items()}


def unrunnable(exc: LocpipeError) -> Finding:
    """Why ``check`` could not run, as a finding, so JSON and GitHub output carry it too."""
    return Finding(exc.path or "site.yaml", exc.line, None, "run", "error", exc.message)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_report(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands, one per finding."""
    lines = []
    for f in findings:
        properties = [f"file={_escape_property(f.file)}"]
        if f.line:
            properties.append(f"line={f.line}")
        properties.append(f"title={_escape_property(f'[{f.check}]')}")
        lines.append(f"::{f.severity} {','.join(properties)}::{_escape_data(f.message)}")
    return "\n".join(lines)


def stats_table(totals: dict[str, Counts], pages: dict[str, dict[str, Counts]]) -> str:
    rows = [("locale", "catalogue", "total", "translated", "fuzzy", "untranslated", "percent", "words left")]
    for locale, per in pages.items():
        for slug, c in per.items():
            rows.append((locale, slug, c.total, c.translated, c.fuzzy, c.untranslated, f"{c.percent:g}%", c.words_left))
        c = totals[locale]
        rows.append((locale, "(all)", c.total, c.translated, c.fuzzy, c.untranslated, f"{c.percent:g}%", c.words_left))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            str(v).ljust(w) if i < 2 else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    )
