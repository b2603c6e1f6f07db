"""The ``check`` command: the plugin's findings without flake8, for Ruff users, CI and scripts."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence

from .analysis import Options, analyze
from .findings import Finding
from .notebook import is_notebook, load, virtual_module
from .parallel import map_paths
from .results import CheckResult, Reported, guarded
from .source import Source, read_input

CHECK_CHUNK = 32  # files per task sent to a process, at most


def check_path(
    path: str, display: str, options: Options, show_source: bool = False
) -> CheckResult:
    """Check one file (``-``: standard input, shown as ``display``); never raises. With
    ``show_source``, each finding's line comes along (for ``--show-source``)."""
    return guarded(
        _failed, display, lambda: _check_bytes(read_input(path), display, options, show_source)
    )


def check_bytes(data: bytes, display: str, options: Options) -> CheckResult:
    """Check one file's bytes; never raises."""
    return guarded(_failed, display, lambda: _check_bytes(data, display, options))


def _failed(display: str, reason: str) -> CheckResult:
    return CheckResult(display, error=reason)


def _check_bytes(
    data: bytes, display: str, options: Options, show_source: bool = False
) -> CheckResult:
    if is_notebook(display):
        return check_notebook(data, display, options, show_source)
    source = Source.from_bytes(data)
    report = analyze(source, display, options)
    reported = [Reported.of(finding) for finding in report.findings]
    if reported and not data.isascii():  # columns in characters too (sarif, github)
        lines = source.lines()
        reported = [finding.counted_in(lines) for finding in reported]
    result = CheckResult(display, reported)
    if show_source and report.findings:
        result.sources = _physical_lines(source, report.findings)
    return result


def check_notebook(
    data: bytes, display: str, options: Options, show_source: bool = False
) -> CheckResult:
    """Check a notebook's code cells as one module; findings located by cell."""
    module = virtual_module(load(data), prefilter=options)
    source = Source.from_bytes(module.data)
    report = analyze(source, display, options)
    located = [module.locate(finding) for finding in report.findings]
    return CheckResult(
        display,
        [reported for _, reported in located],
        cells=[cell for cell, _ in located],
        notes=module.notes,
        sources=_physical_lines(source, report.findings) if show_source else None,
    )


def _physical_lines(source: Source, findings: Sequence[Finding]) -> list[str]:
    """The line each finding is on, newline included, as flake8 reads it (in a notebook: the
    virtual module's line, which is the line of the cell)."""
    lines = source.lines()
    return [_ended(lines[f.line - 1] if 0 < f.line <= len(lines) else "") for f in findings]


def _ended(line: str) -> str:
    return line if line.endswith("\n") else line + "\n"


def run_check(
    paths: Sequence[str],
    options: Options,
    stdin_filename: str = "stdin",
    jobs: int = 1,
    show_source: bool = False,
) -> Iterator[CheckResult]:
    """Check every file found under ``paths``, in order; with jobs > 1, over processes."""
    check = functools.partial(
        _check_one, options=options, stdin_filename=stdin_filename, show_source=show_source
    )
    yield from map_paths(check, paths, jobs, CHECK_CHUNK, options.files)


def _check_one(path: str, options: Options, stdin_filename: str, show_source: bool) -> CheckResult:
    return check_path(path, stdin_filename if path == "-" else path, options, show_source)
