"""``.gitignore`` as git reads it, for directory walks (Ruff's ``respect-gitignore``).

The patterns are matched by ``pathspec``'s GitIgnoreSpec, which follows git's own rules
(negation, directory-only patterns, ``**``, anchoring); what is ours is only which files apply:
every ``.gitignore`` from the repository's root down to the path's folder, deeper ones
deciding first, and ``.git/info/exclude``. Outside a git repository nothing is ignored, as with
Ruff. The user's global excludes file (``core.excludesFile``) is not read."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported only where a .gitignore exists: most runs never pay for it
    from pathspec import GitIgnoreSpec


class GitIgnore:
    """Answers "does git ignore this path?"; caches one spec per folder."""

    def __init__(self) -> None:
        self._specs: dict[str, GitIgnoreSpec | None] = {}
        self._roots: dict[str, str | None] = {}

    def ignored(self, path: str, is_dir: bool) -> bool:
        absolute = os.path.abspath(path)
        folder = os.path.dirname(absolute)
        root = self._root(folder)
        if root is None or absolute == root:
            return False
        for level in _levels(folder, root):
            spec = self._spec(level, root)
            if spec is None:
                continue
            relative = os.path.relpath(absolute, level).replace(os.sep, "/")
            decided = spec.check_file(relative + "/" if is_dir else relative).include
            if decided is not None:
                return decided
        return False

    def _root(self, folder: str) -> str | None:
        """The repository's top folder: the nearest one upwards that holds ``.git``."""
        if folder not in self._roots:
            if os.path.exists(os.path.join(folder, ".git")):
                self._roots[folder] = folder
            else:
                parent = os.path.dirname(folder)
                self._roots[folder] = None if parent == folder else self._root(parent)
        return self._roots[folder]

    def _spec(self, folder: str, root: str) -> GitIgnoreSpec | None:
        if folder not in self._specs:
            lines = _read_lines(os.path.join(folder, ".gitignore"))
            if folder == root:
                lines = _read_lines(os.path.join(root, ".git", "info", "exclude")) + lines
            self._specs[folder] = _compile(lines) if lines else None
        return self._specs[folder]


def _levels(folder: str, root: str) -> list[str]:
    """``folder`` and each folder above it up to ``root``, deepest first."""
    levels = [folder]
    while levels[-1] != root:
        levels.append(os.path.dirname(levels[-1]))
    return levels


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as file:
            return file.read().splitlines()
    except OSError:  # absent (the usual case), a folder, or unreadable: no patterns
        return []


def _compile(lines: list[str]) -> GitIgnoreSpec:
    from pathspec import GitIgnoreSpec

    return GitIgnoreSpec.from_lines(lines)
