"""Spreading work over processes, in order: ``check`` and ``fix`` both run through here."""

from __future__ import annotations

import itertools
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from .files import Discovery, iter_paths

if TYPE_CHECKING:  # imported when processes are started: small runs do without
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

# A check takes about half a millisecond a file; starting a process, some tens of milliseconds.
SERIAL_BELOW = 100  # files per process under which a run stays in this process (measured)
AHEAD = 4  # tasks in flight per process: keeps them busy, bounds memory


class WorkerError(Exception):
    """A worker process died (killed, out of memory, crashed); the message is one line."""


def cpu_count() -> int:
    """The cores this process may run on (flake8's ``--jobs auto``)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on macOS or Windows
        return os.cpu_count() or 1


def map_paths(
    fn: Callable[[str], R],
    paths: Sequence[str],
    jobs: int,
    max_chunk: int,
    discovery: Discovery | None = None,
) -> Iterator[R]:
    """``fn`` on every file found under ``paths``, in order: over ``jobs`` processes once
    there are enough files to pay for starting them, never when standard input is one of
    the paths (a worker cannot read ours)."""
    serial = jobs <= 1 or "-" in paths
    return ordered_map(
        fn,
        iter_paths(paths, discovery),
        1 if serial else jobs,
        serial_below=SERIAL_BELOW * jobs,
        max_chunk=max_chunk,
    )


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
    chunk = max(1, min(max_chunk, len(head) // spread))
    yield from _over_pool(pool, fn, itertools.chain(head, items), chunk, jobs)


def _over_pool(
    pool: ProcessPoolExecutor, fn: Callable[[T], R], items: Iterator[T], chunk: int, jobs: int
) -> Iterator[R]:
    from concurrent.futures import BrokenExecutor

    pending: deque[Future[list[R]]] = deque()
    try:
        for batch in _batches(items, chunk):
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
