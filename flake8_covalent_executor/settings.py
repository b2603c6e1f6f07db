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

    def executor_tokens(self) -> tuple[bytes, ...]:
        """The last parts of the extra executors' names: with CVX003 on, a file holding
        one of them may build an executor without the text "xecutor"."""
        return _last_parts(self.extra_executors)


@functools.lru_cache(maxsize=8)
def _prefilter_tokens(entry_points: frozenset[str]) -> tuple[bytes, ...]:
    return (b"covalent", *_last_parts(entry_points))


@functools.lru_cache(maxsize=8)
def _last_parts(names: frozenset[str]) -> tuple[bytes, ...]:
    last = {name.rpartition(".")[2] for name in names}
    return tuple(sorted(name.encode("utf-8") for name in last if name))


def _clean(names: Iterable[str]) -> frozenset[str]:
    return frozenset(name.strip() for name in names if name.strip())
