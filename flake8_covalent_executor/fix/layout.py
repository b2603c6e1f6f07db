"""The line length a project's formatter and linters hold code to, read from their config.

A new binding longer than this is wrapped the way black and ``ruff format`` wrap it (see
``splice``). The lookup walks up from the file's directory; in each directory the first of
these that sets a length wins, and the walk stops at the first directory that sets one, or at
the project's root (a directory holding ``.git`` or ``.hg``, as black stops there):

1. ``ruff.toml``, then ``.ruff.toml``: ``line-length`` (Ruff's own files, which Ruff prefers
   to ``pyproject.toml``);
2. ``pyproject.toml``: ``[tool.ruff] line-length``, then ``[tool.black] line-length``;
3. ``setup.cfg``, ``tox.ini``, then ``.flake8``: ``max-line-length`` in ``[flake8]``.

The formatters come first because they are what rewrites the code: a flake8 limit only
reports it. None found: 88, black's and Ruff's default. A file that cannot be read or parsed
is passed over, as if it set nothing.
"""

from __future__ import annotations

import configparser
import functools
from pathlib import Path

from ..config import ConfigError, read_toml

DEFAULT_LINE_LENGTH = 88
_ROOT_MARKERS = (".git", ".hg")


def line_length_for(path: str | Path) -> int:
    """The line length for a file at ``path`` (which need not exist)."""
    return _line_length_from(Path(path).resolve().parent)


@functools.lru_cache(maxsize=256)
def _line_length_from(directory: Path) -> int:
    for folder in (directory, *directory.parents):
        found = line_length_in(folder)
        if found is not None:
            return found
        if any((folder / marker).exists() for marker in _ROOT_MARKERS):
            break
    return DEFAULT_LINE_LENGTH


def line_length_in(folder: Path) -> int | None:
    """The line length set by the config files in ``folder`` itself, if one sets it."""
    for name in ("ruff.toml", ".ruff.toml"):
        found = _positive(_toml(folder / name).get("line-length"))
        if found is not None:
            return found
    found_tool = _toml(folder / "pyproject.toml").get("tool")
    tool = found_tool if isinstance(found_tool, dict) else {}
    for section in ("ruff", "black"):
        table = tool.get(section)
        found = _positive(table.get("line-length")) if isinstance(table, dict) else None
        if found is not None:
            return found
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        found = _flake8_length(folder / name)
        if found is not None:
            return found
    return None


def _toml(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        return read_toml(path)
    except ConfigError:  # a broken file sets nothing here (its own tool reports it)
        return {}


def _flake8_length(path: Path) -> int | None:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return None
    for key in ("max-line-length", "max_line_length"):
        if parser.has_option("flake8", key):
            return _positive(parser.get("flake8", key).strip())
    return None


def _positive(value: object) -> int | None:
    """A line length from a config value: a positive integer (or its text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = int(value) if value.isdigit() else None
    return value if isinstance(value, int) and value > 0 else None
