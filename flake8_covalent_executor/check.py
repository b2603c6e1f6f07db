"""The ``check`` command: the plugin's findings without flake8, for Ruff users, CI and scripts."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from .analysis import Options, analyze
from .detector import Finding
from .files import iter_paths
from .notebook import is_notebook, load, virtual_module
from .source import Source, SourceError


@dataclass
class FileResult:
    """What one file gave: findings, or the one-line reason it could not be checked."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    cells: list[int] | None = None  # a notebook's: the cell of each finding, lines in the cell
    notes: list[str] = field(default_factory=list)  # notebook cells skipped, one line each

    def located(self) -> list[tuple[int | None, Finding]]:
        """Each finding with its notebook cell (None in a Python file)."""
        cells: list[int | None] = [*self.cells] if self.cells else [None] * len(self.findings)
        return list(zip(cells, self.findings))


def location(cell: int | None, line: int, col: int) -> str:
    """``line:col`` (col 1-based) as flake8 prints it, ``cell_N:line:col`` in a notebook."""
    return f"{'' if cell is None else f'cell_{cell}:'}{line}:{col + 1}"


def _directory_problem(path: str) -> str:
    try:
        os.listdir(path)
    except OSError as error:
        return f"cannot list directory: {error.strerror or error}"
    return "is a directory"


def read_input(path: str) -> bytes:
    """A file's bytes, or standard input's for ``-``. Raises SourceError with a short reason."""
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        # Non-blocking, so that opening a FIFO does not wait forever for a writer.
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            kind = os.fstat(handle.fileno()).st_mode
            if stat.S_ISDIR(kind):
                raise SourceError(_directory_problem(path))
            if not stat.S_ISREG(kind):  # a FIFO, a socket, a device: it may never end
                raise SourceError("not a regular file")
            return handle.read()
    except IsADirectoryError:
        raise SourceError("is a directory") from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None


def check_path(path: str, display: str, options: Options) -> FileResult:
    """Check one file; never raises."""
    try:
        data = read_input(path)
        if is_notebook(display):
            return check_notebook(data, display, options)
        source = Source.from_bytes(data)
        return FileResult(display, analyze(source, display, options).findings)
    except SourceError as error:
        return FileResult(display, error=str(error))
    except RecursionError:  # nesting that ast accepts but the detector cannot walk
        return FileResult(display, error="cannot analyse: too deeply nested")
    except Exception as error:  # a bug of ours must not stop the other files
        return FileResult(
            display, error=f"internal error ({type(error).__name__}: {error}); please report it"
        )


def check_notebook(data: bytes, display: str, options: Options) -> FileResult:
    """Check a notebook's code cells as one module; findings located by cell."""
    module = virtual_module(load(data), prefilter=options)
    report = analyze(Source.from_bytes(module.data), display, options)
    located = [module.locate(finding) for finding in report.findings]
    return FileResult(
        display, [f for _, f in located], cells=[c for c, _ in located], notes=module.notes
    )


def run_check(
    paths: Sequence[str], options: Options, stdin_filename: str = "stdin"
) -> Iterator[FileResult]:
    """Check every file found under ``paths``, in order."""
    for path in iter_paths(paths):
        yield check_path(path, stdin_filename if path == "-" else path, options)
