"""The ``check`` command: the plugin's findings without flake8, for Ruff users, CI and scripts."""

from __future__ import annotations

import functools
import itertools
import os
import signal
import stat
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

from .analysis import Options, analyze
from .detector import Finding
from .files import iter_paths
from .notebook import is_notebook, load, virtual_module
from .source import Source, SourceError

if TYPE_CHECKING:  # imported when processes are started: small runs do without
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")


class Reportable(Protocol):
    """What a report shows of a finding: a detector Finding, or a Reported one."""

    @property
    def code(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def col(self) -> int: ...
    @property
    def message(self) -> str: ...
    @property
    def fix(self) -> str | None: ...


@dataclass(frozen=True)
class Reported:
    """A finding without the AST site the fixer needs: a report needs none of it, and a worker
    process sends this back in a tenth of the bytes and the time."""

    code: str
    line: int
    col: int
    message: str
    fix: str | None

    @classmethod
    def of(cls, finding: Finding) -> Reported:
        return cls(finding.code, finding.line, finding.col, finding.message, finding.fix)


@dataclass
class FileResult:
    """What one file gave: findings, or the one-line reason it could not be checked."""

    path: str
    findings: Sequence[Reportable] = field(default_factory=list)
    error: str | None = None
    cells: list[int] | None = None  # a notebook's: the cell of each finding, lines in the cell
    notes: list[str] = field(default_factory=list)  # notebook cells skipped, one line each

    def located(self) -> list[tuple[int | None, Reportable]]:
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
        return FileResult(display, [*map(Reported.of, analyze(source, display, options).findings)])
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
        display,
        [Reported.of(f) for _, f in located],
        cells=[c for c, _ in located],
        notes=module.notes,
    )


def run_check(
    paths: Sequence[str], options: Options, stdin_filename: str = "stdin", jobs: int = 1
) -> Iterator[FileResult]:
    """Check every file found under ``paths``, in order; with jobs > 1, over processes."""
    check = functools.partial(_check_one, options=options, stdin_filename=stdin_filename)
    yield from map_paths(check, paths, jobs, CHECK_CHUNK)


def map_paths(
    fn: Callable[[str], R], paths: Sequence[str], jobs: int, max_chunk: int
) -> Iterator[R]:
    """``fn`` on every file found under ``paths``, in order: over ``jobs`` processes once
    there are enough files to pay for starting them, never when standard input is one of
    the paths (a worker cannot read ours). ``check`` and ``fix`` both run through here."""
    serial = jobs <= 1 or "-" in paths
    return ordered_map(
        fn,
        iter_paths(paths),
        1 if serial else jobs,
        serial_below=CHECK_SERIAL_BELOW * jobs,
        max_chunk=max_chunk,
    )


def _check_one(path: str, options: Options, stdin_filename: str) -> FileResult:
    return check_path(path, stdin_filename if path == "-" else path, options)


def cpu_count() -> int:
    """The cores this process may run on (flake8's ``--jobs auto``)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on macOS or Windows
        return os.cpu_count() or 1


# A check takes about half a millisecond a file; starting a process, some tens of milliseconds.
CHECK_SERIAL_BELOW = 100  # files per process under which a run stays in this process (measured)
CHECK_CHUNK = 32  # files per task sent to a process, at most
AHEAD = 4  # tasks in flight per process: keeps them busy, bounds memory


class WorkerError(Exception):
    """A worker process died (killed, out of memory, crashed); the message is one line."""


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], jobs: int, *, serial_below: int, max_chunk: int
) -> Iterator[R]:
    """``map(fn, items)``, over ``jobs`` processes when there are ``serial_below`` items or more.

    Results come in the order of ``items``, each as soon as it and those before it are done.
    ``items`` is read lazily, in chunks of at most ``max_chunk`` (fewer when there are few
    items, so that every process gets some), and at most ``AHEAD`` chunks per process are in
    flight: memory stays flat however many items there are. Runs here when processes cannot
    be started. Raises WorkerError when a process dies.
    """
    items = iter(items)
    spread = 8 * jobs  # at least this many chunks, so that the last ones even out the load
    head = list(itertools.islice(items, max(serial_below, spread * max_chunk))) if jobs > 1 else []
    pool = _pool(jobs) if jobs > 1 and len(head) >= serial_below else None
    if pool is None:
        yield from map(fn, head)
        yield from map(fn, items)
        return
    from concurrent.futures import BrokenExecutor

    chunk = max(1, min(max_chunk, len(head) // spread))
    pending: deque[Future[list[R]]] = deque()
    try:
        for batch in _batches(itertools.chain(head, items), chunk):
            pending.append(pool.submit(_apply, fn, batch))
            if len(pending) >= AHEAD * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BrokenExecutor as error:
        raise WorkerError(f"a worker process died: {error} (--jobs 1 uses none)") from None
    finally:  # also on Ctrl-C or a closed pipe: drop the queued work, wait for the running
        pool.shutdown(wait=True, cancel_futures=True)


def _pool(jobs: int) -> ProcessPoolExecutor | None:
    try:
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
    except (OSError, ImportError, NotImplementedError):  # no working multiprocessing here
        return None


def _ignore_interrupts() -> None:
    """Ctrl-C is the parent's to handle: a worker stops when its work is withdrawn, quietly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _batches(items: Iterator[T], size: int) -> Iterator[list[T]]:
    while batch := list(itertools.islice(items, size)):
        yield batch


def _apply(fn: Callable[[T], R], batch: list[T]) -> list[R]:
    return [fn(item) for item in batch]
