"""``fix`` over many files: in order or over processes, writing, diffing and summarising."""

from __future__ import annotations

import difflib
import functools
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .analysis import Options
from .check import map_paths, read_input
from .fix import FixResult, fix_source
from .notebook import is_notebook
from .notebook_fix import fix_notebook
from .source import Source, SourceError, python_lines
from .writing import remove_stale_temporaries, write_atomically


@dataclass(frozen=True)
class FixMode:
    """What to do with a fixed file: write it, or only diff or report it."""

    write: bool = True
    diff: bool = False
    unsafe: bool = False


def fix_path(path: str, display: str, options: Options, mode: FixMode) -> FixResult:
    """Fix one file (or stdin); never raises. Writes only verified bytes."""
    if mode.write and path != "-":
        _clean_once(os.path.dirname(os.path.realpath(path)))
    try:
        data = read_input(path)
        if is_notebook(display):
            result = fix_notebook(data, display, options, mode.unsafe)
        else:
            result = fix_source(Source.from_bytes(data), display, options, mode.unsafe)
        if result.new is not None and mode.write and path != "-":
            write_atomically(path, data, result.new)
        return result
    except SourceError as error:
        return FixResult(display, error=str(error))
    except RecursionError:  # nesting that ast accepts but the detector or libcst cannot walk
        return FixResult(display, error="too deeply nested to fix; left alone")
    except Exception as error:  # a bug of ours must not stop the other files
        return FixResult(display, error=f"internal error ({type(error).__name__}: {error})")


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
    yield from map_paths(fix, paths, jobs, FIX_CHUNK)


def unified_diff(result: FixResult, encoding: str = "utf-8") -> str:
    old = python_lines(result.old.decode(encoding, "replace"))
    new = python_lines((result.new or b"").decode(encoding, "replace"))
    absolute = result.path.startswith("/")
    before, after = (result.path,) * 2 if absolute else (f"a/{result.path}", f"b/{result.path}")
    return "".join(difflib.unified_diff(old, new, before, after))


class Progress:
    """A one-line counter on a terminal, for long runs; silent otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.enabled = total >= 200 and sys.stderr.isatty()
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
