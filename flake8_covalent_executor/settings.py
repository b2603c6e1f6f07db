"""User settings shared by the flake8 plugin, ``check`` and ``fix``."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Extra names to treat as Covalent entry points and as executor constructors.

    Both hold dotted names as they resolve through the module's imports
    (``mylib.workflows.job``); a bare name matches a class or function defined in the module.
    """

    extra_entry_points: frozenset[str] = frozenset()
    extra_executors: frozenset[str] = frozenset()

    @classmethod
    def from_lists(
        cls, entry_points: Iterable[str] = (), executors: Iterable[str] = ()
    ) -> Settings:
        return cls(_clean(entry_points), _clean(executors))

    def prefilter_tokens(self) -> tuple[bytes, ...]:
        """Byte strings of which a file must contain one to be worth parsing."""
        return _prefilter_tokens(self.extra_entry_points)


@functools.lru_cache(maxsize=8)
def _prefilter_tokens(entry_points: frozenset[str]) -> tuple[bytes, ...]:
    names = {name.rpartition(".")[2] for name in entry_points}
    return (b"covalent", *sorted(name.encode() for name in names if name))


def _clean(names: Iterable[str]) -> frozenset[str]:
    return frozenset(name.strip() for name in names if name.strip())
