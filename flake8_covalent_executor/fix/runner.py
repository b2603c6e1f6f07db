"""``fix`` over many files: in order or over processes, writing, diffing and summarising."""

from __future__ import annotations

import difflib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ..analysis import Options
from ..notebook import is_notebook
from ..parallel import map_paths
from ..results import FixResult, LeftAlone, Reported, guarded
from ..source import Source, python_lines, read_input
from .fixer import fix_module
from .layout import DEFAULT_LINE_LENGTH, line_length_for
from .notebook import fix_notebook
from .write import remove_stale_temporaries, write_atomically


@dataclass(frozen=True)
class FixMode:
    """What to do with a fixed file: write it, or only diff or report it."""

    write: bool = True
    diff: bool = False
    unsafe: bool = False
    read_config: bool = True  # the line length from the project's config (not --isolated)


def fix_path(path: str, display: str, options: Options, mode: FixMode) -> FixResult:
    """Fix one file (or stdin); never raises. Writes only verified bytes."""
    if mode.write and path != "-":
        _clean_once(os.path.dirname(os.path.realpath(path)))
    return guarded(_failed, display, lambda: _fix_file(path, display, options, mode))


def _failed(display: str, reason: str) -> FixResult:
    return FixResult(display, error=reason)


def fix_bytes(
    data: bytes,
    display: str,
    options: Options,
    unsafe: bool,
    line_length: int = DEFAULT_LINE_LENGTH,
) -> FixResult:
    """Fix one file's bytes, writing nothing; never raises."""
    return guarded(_failed, display, lambda: _fixed(data, display, options, unsafe, line_length))


def _fixed(
    data: bytes, display: str, options: Options, unsafe: bool, line_length: int
) -> FixResult:
    if is_notebook(display):
        return fix_notebook(data, display, options, unsafe, line_length)
    fixed = fix_module(Source.from_bytes(data), display, options, unsafe, line_length=line_length)
    left = [LeftAlone(Reported.of(f), reason.render()) for f, reason in fixed.skipped]
    return FixResult(display, left, old=data, new=fixed.new, fixed=fixed.fixed)


def _fix_file(path: str, display: str, options: Options, mode: FixMode) -> FixResult:
    data = read_input(path)
    # the line length of the project's formatter (fix/layout.py), found from the file
    length = line_length_for(display) if mode.read_config else DEFAULT_LINE_LENGTH
    result = _fixed(data, display, options, mode.unsafe, length)
    if result.new is not None and mode.write and path != "-":
        write_atomically(path, data, result.new)
    return result


_cleaned: set[str] = set()


def _clean_once(directory: str) -> None:
    """Remove what killed runs left in a directory this process writes in, once."""
    if directory not in _cleaned:
        _cleaned.add(directory)
        remove_stale_temporaries(directory)


def _fix_one(path: str, options: Options, mode: FixMode, stdin_filename: str) -> FixResult:
    return fix_path(path, stdin_filename if path == "-" else path, options, mode)


FIX_CHUNK = 16  # files per task sent to a process, at most (fewer in small runs)


def run_fix(
    paths: Sequence[str], options: Options, mode: FixMode, jobs: int, stdin_filename: str
) -> Iterator[FixResult]:
    """Fix every file under ``paths``, in order; with jobs > 1, over that many processes once
    there are enough files to pay for starting them (as ``check``). Files are found as they
    are fixed: memory stays flat."""
    _cleaned.clear()
    fix = functools.partial(_fix_one, options=options, mode=mode, stdin_filename=stdin_filename)
    yield from map_paths(fix, paths, jobs, FIX_CHUNK, options.files)


def unified_diff(result: FixResult, encoding: str = "utf-8") -> str:
    """The change as ``git diff`` writes it, so that ``git apply`` takes it: ``a/`` and ``b/``
    before a relative path, which is normalised (``./x.py`` is ``x.py``: ``fix --diff .``)."""
    old = python_lines(result.old.decode(encoding, "replace"))
    new = python_lines((result.new or b"").decode(encoding, "replace"))
    path = diff_path(result.path)
    absolute = path.startswith("/")
    before, after = (path,) * 2 if absolute else (f"a/{path}", f"b/{path}")
    return "".join(difflib.unified_diff(old, new, before, after))


def diff_path(path: str) -> str:
    """``path`` as a diff names it: without ``./`` or ``..`` steps that can be dropped, with
    forward slashes."""
    if os.path.isabs(path):
        return path.replace(os.sep, "/")
    return os.path.normpath(path).replace(os.sep, "/")


def fixed_line(result: FixResult, write: bool) -> str | None:
    """``fixed: path (N sites)`` for a file fix rewrote (``would fix:`` when it writes
    nothing), as Ruff's --show-fixes names them; None when it changed nothing."""
    if result.new is None:
        return None
    verb = "fixed" if write else "would fix"
    return f"{verb}: {result.path} ({result.fixed} site{'s' * (result.fixed != 1)})"


class Progress:
    """A one-line counter on a terminal, for long runs; silent otherwise."""

    def __init__(self, count: Callable[[], int], enabled: bool = True) -> None:
        """``count`` gives the number of files; it is called only on a terminal."""
        self.total = count() if enabled and sys.stderr.isatty() else 0
        self.enabled = self.total >= 200
        self.done = 0

    def step(self) -> None:
        self.done += 1
        if self.enabled and (self.done % 50 == 0 or self.done == self.total):
            sys.stderr.write(f"\rfixing: {self.done}/{self.total} files")
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


@dataclass
class Tally:
    """What a run did, counted as it goes (results are not kept: memory stays flat)."""

    changed: int = 0
    fixed: int = 0
    left: int = 0
    errors: int = 0

    def add(self, result: FixResult) -> None:
        self.changed += result.new is not None
        self.fixed += result.fixed
        self.left += len(result.skipped)
        self.errors += result.error is not None

    def summary(self, write: bool) -> str:
        verb = "rewritten" if write else "would be rewritten"
        return (
            f"{self.changed} file{'s' * (self.changed != 1)} {verb}, {self.fixed} site"
            f"{'s' * (self.fixed != 1)} fixed, {self.left} left alone, {self.errors} "
            f"file{'s' * (self.errors != 1)} skipped with errors"
        )
