"""Where ``check`` and ``fix`` get their options: flake8's ``[flake8]`` section, our
``[tool.flake8-covalent-executor]`` table in pyproject.toml, and the command line.

Key by key, the command line wins over the pyproject table, which wins over ``[flake8]``.
Values are checked before anything runs: an unknown key, a value of the wrong type or an
unknown code is a one-line ``ConfigError`` naming the key and where it was given."""

from __future__ import annotations

import configparser
import enum
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .rules import RULES

CONFIG_FILES = ("setup.cfg", "tox.ini", ".flake8")
PYPROJECT = "pyproject.toml"
TABLE = "flake8-covalent-executor"  # [tool.flake8-covalent-executor]
# flake8's own test for a code (flake8 >= 6 rejects others in ignore lists).
VALID_CODE = re.compile(r"^[A-Z]{1,3}[0-9]{0,3}$", re.ASCII)


class ConfigError(Exception):
    """A config that cannot be used; the message is one line for the user."""


class Kind(enum.Enum):
    CODES = "a list of codes"
    NAMES = "a list of names"
    PATTERNS = "a list of patterns"
    PER_FILE = "a table of patterns to codes"
    BOOL = "true or false"


# Every key, as its underscore name, and what it holds.
KEYS: Mapping[str, Kind] = {
    "select": Kind.CODES,
    "extend_select": Kind.CODES,
    "ignore": Kind.CODES,
    "extend_ignore": Kind.CODES,
    "per_file_ignores": Kind.PER_FILE,
    "disable_noqa": Kind.BOOL,
    "covalent_extra_entry_points": Kind.NAMES,
    "covalent_extra_executors": Kind.NAMES,
    "exclude": Kind.PATTERNS,
    "extend_exclude": Kind.PATTERNS,
    "filename": Kind.PATTERNS,
    "force_exclude": Kind.BOOL,
    "respect_gitignore": Kind.BOOL,
}
# Read from [flake8] too (flake8 knows them); the others are ours alone.
FLAKE8_KEYS = frozenset(KEYS) - {"force_exclude", "respect_gitignore"}


@dataclass(frozen=True)
class Raw:
    """One value as given: a string (ini file, command line) or a TOML value."""

    value: object
    base: str  # the folder relative patterns start from
    origin: str  # the file and section it was given in ("" on the command line)

    def where(self, key: str) -> str:
        """``--select``, or ``select in setup.cfg [flake8]``."""
        name = key.replace("_", "-")
        return f"{name} in {self.origin}" if self.origin else f"--{name}"

    def error(self, key: str, problem: str) -> ConfigError:
        if self.origin:
            return ConfigError(f"{self.origin}: {key.replace('_', '-')}: {problem}")
        return ConfigError(f"--{key.replace('_', '-')}: {problem}")


def gather(cli: Mapping[str, object], explicit: str | None, isolated: bool) -> dict[str, Raw]:
    """Every key given anywhere, the one in force for each (see the module's docstring)."""
    cwd = os.getcwd()
    values: dict[str, Raw] = {}
    if not isolated:
        for path in _config_files(explicit, Path(cwd)):
            values.update(_read_toml(path) if path.suffix == ".toml" else _read_ini(path))
    for key, value in cli.items():
        if value is not None:
            values[key] = Raw(value, cwd, "")
    return values


def _config_files(explicit: str | None, cwd: Path) -> list[Path]:
    """``--config FILE``: that file alone (ini or TOML, by its suffix); else the nearest
    [flake8] file, then the nearest pyproject.toml with our table (it wins)."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        return [path]
    found = [find_config(cwd), find_pyproject(cwd)]
    return [path for path in found if path is not None]


def find_config(start: Path) -> Path | None:
    """The first setup.cfg, tox.ini or .flake8 with a [flake8] section, from start upwards,
    as flake8 searches: it stops below the home folder (which is read only as start)."""
    home = Path.home().resolve()
    directory = start.resolve()
    while True:
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file() and _has_flake8_section(candidate):
                return candidate
        if directory.parent in (home, directory):
            return None
        directory = directory.parent


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.flake8-covalent-executor] table, from start
    upwards (as Ruff finds [tool.ruff])."""
    for directory in (start.resolve(), *start.resolve().parents):
        candidate = directory / PYPROJECT
        if candidate.is_file() and TABLE in _text(candidate) and TABLE in _tool(candidate):
            return candidate
    return None


def _has_flake8_section(path: Path) -> bool:
    """Whether a config file found by the search is flake8's. One that cannot be parsed
    stops the run (flake8 passes over some such files with a warning only -v shows)."""
    parser = _parse_ini(path)
    return parser.has_section("flake8") or parser.has_section("flake8:local-plugins")


def _parse_ini(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    try:
        if not parser.read(str(path), encoding="utf-8"):
            raise ConfigError(f"{path}: cannot read config file")
    except (configparser.Error, UnicodeDecodeError) as error:
        lines = str(error).splitlines()
        raise ConfigError(f"{path}: {lines[0] if lines else type(error).__name__}") from None
    return parser


def _read_ini(path: Path) -> dict[str, Raw]:
    """Our keys of a [flake8] section. Other keys are flake8's or other plugins': left to
    them, except misspellings of ours (any unknown ``covalent-`` key)."""
    parser = _parse_ini(path)
    if not parser.has_section("flake8"):
        return {}
    values: dict[str, Raw] = {}
    for name, value in parser.items("flake8"):
        key = name.replace("-", "_")
        raw = Raw(value, str(path.resolve().parent), f"{path} [flake8]")
        if key in FLAKE8_KEYS:
            values[key] = raw
        elif key.startswith("covalent"):
            raise raw.error(key, f"unknown key (known: {_known('covalent')})")
    return values


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read config file ({error.strerror})") from None


def read_toml(path: Path) -> dict[str, object]:
    """A TOML file's document; ConfigError when it cannot be read or parsed (fix/layout.py
    reads formatter settings through here too)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - the oldest Pythons
        import tomli as tomllib
    try:
        return tomllib.loads(_text(path))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None


def _tool(path: Path) -> dict[str, object]:
    tool = read_toml(path).get("tool", {})
    return tool if isinstance(tool, dict) else {}


def _read_toml(path: Path) -> dict[str, Raw]:
    table = _tool(path).get(TABLE, {})
    origin = f"{path} [tool.{TABLE}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{origin}: expected a table")
    values: dict[str, Raw] = {}
    for name, value in table.items():
        key = name.replace("-", "_")
        raw = Raw(value, str(path.resolve().parent), origin)
        if key not in KEYS:
            raise raw.error(key, f"unknown key (known: {_known('')})")
        values[key] = raw
    return values


def _known(prefix: str) -> str:
    return ", ".join(key.replace("_", "-") for key in KEYS if key.startswith(prefix))


def split_list(value: str) -> list[str]:
    """A comma- or whitespace-separated list, as flake8 splits it."""
    return [item for item in re.split(r"[,\s]", value) if item.strip()]


def as_list(key: str, raw: Raw) -> list[str]:
    """A list value: a separated string, or (TOML) a list of strings."""
    value = raw.value
    if isinstance(value, str):
        return split_list(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise raw.error(key, f"expected {KEYS[key].value}, got {_type(value)}")


def as_bool(key: str, raw: Raw) -> bool:
    value = raw.value
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = configparser.RawConfigParser.BOOLEAN_STATES.get(value.strip().lower())
        if word is not None:
            return word
    raise raw.error(key, f"expected true or false, got {value!r}")


def as_codes(key: str, raw: Raw, codes: Iterable[str] | None = None) -> list[str]:
    """Codes, checked as flake8 checks them, and ours against the catalogue."""
    checked = list(as_list(key, raw) if codes is None else codes)
    for code in checked:
        if not VALID_CODE.match(code):
            hint = (
                f" (codes are upper case: {code.upper()})"
                if VALID_CODE.match(code.upper())
                else ""
            )
            raise raw.error(key, f"{code!r} is not a code{hint}")
        if code.startswith("CVX") and not any(rule.startswith(code) for rule in RULES):
            raise raw.error(key, f"unknown code {code!r} (this plugin has {', '.join(RULES)})")
    return checked


def _type(value: object) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", dict: "a table"}.get(
        type(value), type(value).__name__
    )
