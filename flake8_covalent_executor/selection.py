"""``--select``/``--ignore`` and their ``extend-`` forms, decided as flake8 decides them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .files import matches
from .rules import DEFAULT_IGNORED


def _longest_first(*groups: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted((code for group in groups for code in group), reverse=True))


@dataclass(frozen=True)
class Selection:
    """Which codes are reported. ``None`` for select/ignore means "not given"."""

    select: Sequence[str] | None = None
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] | None = None
    extend_ignore: Sequence[str] = ()
    # Each code's decision, made once: every finding of every file asks (2.5 % of check's
    # time on the generated 2,000-file tree before).
    _decided: dict[str, bool] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def is_selected(self, code: str) -> bool:
        decided = self._decided.get(code)
        if decided is None:
            decided = self._decided[code] = self._decide(code)
        return decided

    def _decide(self, code: str) -> bool:
        explicit_select = _longest_first(self.select or (), self.extend_select)
        explicit_ignore = _longest_first(self.ignore or (), self.extend_ignore)
        if self.select is not None:
            selected = _longest_first(self.select, self.extend_select)
        else:
            selected = _longest_first(("CVX",), self.extend_select)
        if self.ignore is not None:
            ignored = _longest_first(self.ignore, self.extend_ignore)
        else:
            ignored = _longest_first(DEFAULT_IGNORED, self.extend_ignore)
        is_sel = code.startswith(selected) if selected else False
        is_ign = code.startswith(ignored) if ignored else False
        if not is_ign:
            return is_sel
        if not is_sel:
            return False
        sel_explicit = bool(explicit_select) and code.startswith(explicit_select)
        ign_explicit = bool(explicit_ignore) and code.startswith(explicit_ignore)
        if sel_explicit != ign_explicit:
            return sel_explicit
        # Both lists match equally explicitly: the longest prefix wins, ties go to ignore.
        select_match = next(s for s in selected if code.startswith(s))
        ignore_match = next(s for s in ignored if code.startswith(s))
        return len(select_match) > len(ignore_match)


@dataclass(frozen=True)
class PerFileIgnores:
    """flake8's ``per-file-ignores``: (normalized pattern, codes) in the order given.

    As in flake8, one pattern decides for a file, the longest that matches (the first of
    equally long ones), and its codes extend ``extend-ignore``; patterns do not add up."""

    patterns: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def selection_for(self, selection: Selection, path: str) -> Selection:
        best: tuple[str, tuple[str, ...]] | None = None
        for pattern, codes in self.patterns:
            if (best is None or len(pattern) > len(best[0])) and matches(path, (pattern,)):
                best = (pattern, codes)
        if best is None:
            return selection
        return replace(selection, extend_ignore=(*selection.extend_ignore, *best[1]))


class PerFileSyntaxError(ValueError):
    """A per-file-ignores string that flake8 would refuse too."""


# flake8's tokens for "pattern: codes ...", tried in this order at each position.
_TOKENS = (
    (re.compile(r"[A-Z]+[0-9]*(?=$|\s|,)"), "code"),
    (re.compile(r"[^\s:,]+"), "file"),
    (re.compile(r"\s*:\s*"), "colon"),
    (re.compile(r"\s*,\s*"), "comma"),
    (re.compile(r"\s+"), "space"),
)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text):
        for regex, kind in _TOKENS:
            match = regex.match(text, position)
            if match:
                tokens.append((kind, match.group()))
                position = match.end()
                break
    return [*tokens, ("end", "")]


def parse_per_file_ignores(text: str) -> list[tuple[str, list[str]]]:
    """``"tests/*: CVX001,CVX002 legacy.py: CVX"`` as flake8 reads it: each pattern with its
    codes. Raises PerFileSyntaxError where flake8 raises."""
    pairs: list[tuple[str, list[str]]] = []
    files: list[str] = []
    codes: list[str] = []
    separated, in_codes = True, False
    for kind, token in _tokens(text.strip()) if text.strip() else ():
        if kind in ("comma", "space"):
            separated = True
        elif not in_codes and kind == "colon":
            in_codes = separated = True
        elif not in_codes and separated and kind == "file":
            files.append(token)
            separated = False
        elif in_codes and (kind == "end" or (separated and kind == "file")):
            pairs.extend((name, codes) for name in files if codes)
            files, codes, in_codes = ([token] if kind == "file" else []), [], False
            separated = kind != "file"
        elif in_codes and separated and kind == "code":
            codes.append(token)
            separated = False
        else:
            raise PerFileSyntaxError(f"expected 'pattern: codes', got {token or 'the end'!r}")
    return pairs
