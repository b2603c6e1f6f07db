"""From the values in force (config.gather) to the Options a run uses, checked key by key."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from .analysis import Options
from .config import Raw, as_bool, as_codes, as_list, split_list
from .files import DEFAULT_EXCLUDE, SOURCE_PATTERNS, Discovery, normalize_pattern
from .rules import RULES
from .selection import PerFileIgnores, PerFileSyntaxError, Selection, parse_per_file_ignores
from .settings import Settings


@dataclass(frozen=True)
class Resolved:
    options: Options
    hints: list[str] = field(default_factory=list)  # printed once per run, on stderr


def resolve(values: Mapping[str, Raw], stdin_filename: str = "stdin") -> Resolved:
    """Options from the gathered values; raises ConfigError for the first bad one."""
    selection = _selection(values)
    options = Options(
        settings=Settings.from_lists(
            _list(values, "covalent_extra_entry_points"), _list(values, "covalent_extra_executors")
        ),
        selection=selection,
        disable_noqa=_bool(values, "disable_noqa", False),
        per_file_ignores=_per_file(values.get("per_file_ignores")),
        files=_discovery(values, stdin_filename),
    )
    return Resolved(options, _hints(selection, values))


def _list(values: Mapping[str, Raw], key: str) -> list[str]:
    raw = values.get(key)
    return [] if raw is None else as_list(key, raw)


def _bool(values: Mapping[str, Raw], key: str, default: bool) -> bool:
    raw = values.get(key)
    return default if raw is None else as_bool(key, raw)


def _codes(values: Mapping[str, Raw], key: str) -> list[str] | None:
    raw = values.get(key)
    return None if raw is None else as_codes(key, raw)


def _selection(values: Mapping[str, Raw]) -> Selection:
    return Selection(
        select=_codes(values, "select"),
        extend_select=_codes(values, "extend_select") or [],
        ignore=_codes(values, "ignore"),
        extend_ignore=_codes(values, "extend_ignore") or [],
    )


def _patterns(values: Mapping[str, Raw], key: str) -> tuple[str, ...] | None:
    raw = values.get(key)
    if raw is None:
        return None
    return tuple(normalize_pattern(pattern, raw.base) for pattern in as_list(key, raw))


def _discovery(values: Mapping[str, Raw], stdin_filename: str) -> Discovery:
    exclude = _patterns(values, "exclude")
    return Discovery(
        exclude=DEFAULT_EXCLUDE if exclude is None else exclude,
        extend_exclude=_patterns(values, "extend_exclude") or (),
        filename=_patterns(values, "filename") or SOURCE_PATTERNS,
        force_exclude=_bool(values, "force_exclude", False),
        respect_gitignore=_bool(values, "respect_gitignore", True),
        skip_virtualenvs=exclude is None,
        stdin_filename=stdin_filename,
    )


def _per_file(raw: Raw | None) -> PerFileIgnores:
    """flake8's string form anywhere; in pyproject.toml also a table of pattern = codes.

    Patterns are taken from the current folder, as flake8 takes them (even from a config
    file elsewhere), except in pyproject.toml, where they start at its folder, as in Ruff."""
    key = "per_file_ignores"
    if raw is None:
        return PerFileIgnores()
    if isinstance(raw.value, dict):
        pairs = [
            (pattern, _table_codes(raw, pattern, codes)) for pattern, codes in raw.value.items()
        ]
        base = raw.base
    elif isinstance(raw.value, str):
        try:
            pairs = parse_per_file_ignores(raw.value)
        except PerFileSyntaxError as error:
            raise raw.error(key, str(error)) from None
        base = os.getcwd()
    else:
        raise raw.error(
            key, f"expected a table of patterns to codes, got {type(raw.value).__name__}"
        )
    return PerFileIgnores(
        tuple(
            (normalize_pattern(pattern, base), tuple(as_codes(key, raw, codes)))
            for pattern, codes in pairs
        )
    )


def _table_codes(raw: Raw, pattern: str, codes: object) -> list[str]:
    if isinstance(codes, str):
        return split_list(codes)
    if isinstance(codes, list) and all(isinstance(code, str) for code in codes):
        return codes
    raise raw.error("per_file_ignores", f"{pattern!r}: expected a list of codes, got {codes!r}")


def _hints(selection: Selection, values: Mapping[str, Raw]) -> list[str]:
    """The ``select = B,C,E,F,W`` trap (bugbear's recommended config): a rule that is off by
    default turned on only by a one-letter prefix, such as ``C`` for CVX003."""
    hints = []
    for rule in RULES.values():
        for key in ("select", "extend_select"):
            named = [p for p in getattr(selection, key) or () if rule.code.startswith(p)]
            others = [p for p in _given(selection) if rule.code.startswith(p) and len(p) > 1]
            if rule.default or not named or others or not selection.is_selected(rule.code):
                continue
            where = values[key].where(key) if key in values else key
            hints.append(
                f"hint: {rule.code} is off by default, but {where} turns it on through the "
                f"one-letter prefix {named[0]!r}; add {rule.code} to extend-ignore if you did "
                f"not mean that, or name it in {key.replace('_', '-')}"
            )
    return hints


def _given(selection: Selection) -> list[str]:
    return [*(selection.select or ()), *selection.extend_select]
