"""The ``check`` command: the plugin's findings without flake8, for Ruff users, CI and scripts."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from .analysis import Options, analyze
from .detector import Finding
from .files import iter_paths
from .source import Source, SourceError


@dataclass
class FileResult:
    """What one file gave: findings, or the one-line reason it could not be checked."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None


def read_input(path: str) -> bytes:
    """A file's bytes, or standard input's for ``-``. Raises SourceError with a short reason."""
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        raise SourceError("is a directory") from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None


def check_path(path: str, display: str, options: Options) -> FileResult:
    """Check one file; never raises."""
    try:
        source = Source.from_bytes(read_input(path))
        return FileResult(display, analyze(source, display, options).findings)
    except SourceError as error:
        return FileResult(display, error=str(error))
    except Exception as error:  # a bug of ours must not stop the other files
        return FileResult(
            display, error=f"internal error ({type(error).__name__}: {error}); please report it"
        )


def run_check(
    paths: Sequence[str], options: Options, stdin_filename: str = "stdin"
) -> Iterator[FileResult]:
    """Check every file found under ``paths``, in order."""
    for path in iter_paths(paths):
        yield check_path(path, stdin_filename if path == "-" else path, options)
