"""Reading ``[flake8]`` where flake8 finds it, so ``check`` agrees with the plugin."""

from __future__ import annotations

import configparser
import os
import re
from pathlib import Path

CONFIG_FILES = ("setup.cfg", "tox.ini", ".flake8")
# The options ``check`` takes from a flake8 config; others belong to flake8 alone.
KNOWN_KEYS = (
    "select",
    "extend_select",
    "ignore",
    "extend_ignore",
    "disable_noqa",
    "covalent_extra_entry_points",
    "covalent_extra_executors",
)


class ConfigError(Exception):
    """A config file that cannot be read; the message is one line for the user."""


def find_config(start: Path) -> Path | None:
    """The first setup.cfg, tox.ini or .flake8 with a [flake8] section, from start upwards."""
    home = Path.home()
    directory = start.resolve()
    while True:
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file() and _has_flake8_section(candidate):
                return candidate
        if directory in (home, directory.parent):
            return None
        directory = directory.parent


def _has_flake8_section(path: Path) -> bool:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return False
    return parser.has_section("flake8") or parser.has_section("flake8:local-plugins")


def load(path: Path) -> dict[str, str]:
    """The known keys of a config's [flake8] section, with dashes turned into underscores."""
    parser = configparser.RawConfigParser()
    try:
        if not parser.read(path, encoding="utf-8"):
            raise ConfigError(f"{path}: cannot read config file")
    except (configparser.Error, UnicodeDecodeError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ConfigError(f"{path}: {first}") from None
    if not parser.has_section("flake8"):
        return {}
    values = {key.replace("-", "_"): value for key, value in parser.items("flake8")}
    return {key: values[key] for key in KNOWN_KEYS if key in values}


def split_list(value: str) -> list[str]:
    """A comma- or whitespace-separated list, as flake8 splits it."""
    return [item for item in re.split(r"[,\s]", value) if item.strip()]


def read_settings(explicit: str | None, isolated: bool) -> dict[str, str]:
    """The config values in force: --isolated ignores files, --config names one."""
    if isolated:
        return {}
    path = Path(explicit) if explicit else find_config(Path(os.getcwd()))
    if path is None:
        return {}
    if explicit and not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    return load(path)
