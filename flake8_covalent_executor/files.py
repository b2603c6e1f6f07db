"""Finding the files to look at, as flake8 does: directories walked, with flake8's ``exclude``,
``extend-exclude`` and ``filename`` patterns, and (unlike flake8, like Ruff) ``.gitignore``.

Paths named on the command line are always looked at, as with Ruff and black, unless
``force_exclude`` is set: pre-commit names every file it passes."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from .gitignore import GitIgnore

# flake8's default ``exclude``, and the environments and build output a walk should not enter.
DEFAULT_EXCLUDE = (
    ".svn",
    "CVS",
    ".bzr",
    ".hg",
    ".git",
    "__pycache__",
    ".tox",
    ".nox",
    ".eggs",
    "*.egg",
    "_darcs",
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
    "*.egg-info",
)
SOURCE_PATTERNS = ("*.py", "*.ipynb")  # notebooks: see notebook.py


def normalize_pattern(pattern: str, base: str) -> str:
    """A pattern as flake8 keeps it: one with a slash (or ``.``) is made absolute, taken from
    ``base`` (the config file's directory, or the current one); trailing slashes dropped."""
    if pattern == "." or os.sep in pattern or (os.altsep and os.altsep in pattern):
        pattern = os.path.abspath(os.path.join(base, pattern))
    return pattern.rstrip(os.sep + (os.altsep or ""))


@functools.lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


def matches(path: str, patterns: tuple[str, ...]) -> bool:
    """flake8's test: the base name matches a pattern, or else the absolute path does."""
    regex = _compiled(patterns)
    if regex is None:
        return False
    basename = os.path.basename(path)
    if basename not in (".", "..") and regex.match(basename):
        return True
    return regex.match(os.path.abspath(path)) is not None


@dataclass(frozen=True)
class Discovery:
    """Which files a run looks at. Patterns are normalized (``normalize_pattern``)."""

    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    filename: tuple[str, ...] = SOURCE_PATTERNS
    force_exclude: bool = False
    respect_gitignore: bool = True
    skip_virtualenvs: bool = True  # only with the default exclude: any folder with pyvenv.cfg
    stdin_filename: str = "stdin"
    _all: tuple[str, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "_all", (*self.exclude, *self.extend_exclude))

    def excluded(self, path: str) -> bool:
        return matches(path, self._all)

    def explicit_excluded(self, path: str, gitignore: GitIgnore | None) -> bool:
        """A path named on the command line: excluded only under ``force_exclude``, then
        when it or a folder it is in (below the current one) is, as with Ruff."""
        if not self.force_exclude:
            return False
        if path == "-":
            if self.stdin_filename == "stdin":
                return False
            path = self.stdin_filename
        return any(
            self.excluded(part) or (gitignore is not None and gitignore.ignored(part, is_dir))
            for part, is_dir in _ancestry(path)
        )


def _ancestry(path: str) -> list[tuple[str, bool]]:
    """``a/b/c.py`` → ``a``, ``a/b`` (folders), then ``a/b/c.py`` itself; only the path itself
    when it is outside the current folder."""
    relative = os.path.relpath(os.path.abspath(path))
    if relative == os.curdir or relative.startswith(os.pardir):
        return [(path, os.path.isdir(path))]
    parts = relative.split(os.sep)
    folders = [(os.path.join(*parts[: i + 1]), True) for i in range(len(parts) - 1)]
    return [*folders, (relative, os.path.isdir(path))]


def _note(failed: list[str], error: OSError) -> None:
    failed.append(error.filename)


def iter_paths(paths: Sequence[str], discovery: Discovery | None = None) -> Iterator[str]:
    """Yield each given file, and each matching file under each given directory, sorted.

    A directory that cannot be listed is yielded itself, so that reading it reports why
    (never skipped in silence)."""
    discovery = discovery or Discovery()
    gitignore = GitIgnore() if discovery.respect_gitignore else None
    for path in paths:
        if discovery.explicit_excluded(path, gitignore):
            continue
        if path == "-" or not os.path.isdir(path):
            yield path
            continue
        yield from _walk(path, discovery, gitignore)


def _walk(top: str, discovery: Discovery, gitignore: GitIgnore | None) -> Iterator[str]:
    failed: list[str] = []
    wanted = _compiled(discovery.filename)
    for root, dirs, names in os.walk(top, onerror=functools.partial(_note, failed)):
        yield from failed
        failed.clear()
        dirs[:] = sorted(
            d for d in dirs if not _skip(os.path.join(root, d), True, discovery, gitignore)
        )
        for name in sorted(names):
            path = os.path.join(root, name)
            if (
                wanted is not None
                and wanted.match(path)
                and not _skip(path, False, discovery, gitignore)
            ):
                yield path
    yield from failed


def _skip(path: str, is_dir: bool, discovery: Discovery, gitignore: GitIgnore | None) -> bool:
    if discovery.excluded(path):
        return True
    if is_dir and discovery.skip_virtualenvs and os.path.isfile(os.path.join(path, "pyvenv.cfg")):
        return True
    return gitignore is not None and gitignore.ignored(path, is_dir)
