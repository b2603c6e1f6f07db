"""``--select``/``--ignore`` and their ``extend-`` forms, decided as flake8 decides them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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

    def is_selected(self, code: str) -> bool:
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
