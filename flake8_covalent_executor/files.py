"""Finding the files to look at, as flake8 does: explicit files always, directories walked."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence

# Directories never walked into (flake8's default excludes, plus the usual environments).
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        "CVS",
        "_darcs",
        "__pycache__",
        ".tox",
        ".nox",
        ".eggs",
        ".venv",
        "venv",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "build",
        "dist",
        "node_modules",
        "site-packages",
        ".ipynb_checkpoints",
    }
)
SOURCE_SUFFIXES = (".py", ".ipynb")  # notebooks: see notebook.py


def _skip_dir(parent: str, name: str) -> bool:
    if name in SKIPPED_DIRS or name.endswith(".egg-info"):
        return True
    return os.path.isfile(os.path.join(parent, name, "pyvenv.cfg"))  # any virtualenv


def _note(failed: list[str], error: OSError) -> None:
    failed.append(error.filename)


def iter_paths(paths: Sequence[str], suffixes: Sequence[str] = SOURCE_SUFFIXES) -> Iterator[str]:
    """Yield each given file, and each source file under each given directory, sorted.

    A directory that cannot be listed is yielded itself, so that reading it reports why
    (never skipped in silence)."""
    for path in paths:
        if path == "-" or not os.path.isdir(path):
            yield path
            continue
        failed: list[str] = []
        for root, dirs, names in os.walk(path, onerror=functools.partial(_note, failed)):
            yield from failed
            failed.clear()
            dirs[:] = sorted(d for d in dirs if not _skip_dir(root, d))
            for name in sorted(names):
                if name.endswith(tuple(suffixes)):
                    yield os.path.join(root, name)
        yield from failed
