"""The flake8 adapter: options in, the detector's findings out. Nothing else lives here."""

from __future__ import annotations

import ast
from argparse import Namespace
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from . import __version__
from .detector import detect
from .rules import DEFAULT_IGNORED, RULES, WHOLE_MODULE
from .selection import Selection
from .settings import Settings

ENTRY_POINTS_OPTION = "--covalent-extra-entry-points"
EXECUTORS_OPTION = "--covalent-extra-executors"


def register_options(add_option: Any) -> None:
    """Add the plugin's two options; ``check`` reads the same names from flake8 config."""
    add_option(
        ENTRY_POINTS_OPTION,
        default="",
        parse_from_config=True,
        comma_separated_list=True,
        help="Dotted names of extra Covalent entry points (e.g. a wrapper library's job "
        "decorator) whose executor keywords are checked.",
    )
    add_option(
        EXECUTORS_OPTION,
        default="",
        parse_from_config=True,
        comma_separated_list=True,
        help="Dotted names of extra callables that construct executors.",
    )


def _check_codes(key: str, codes: Sequence[str]) -> None:
    """Stop flake8 on a code of ours that cannot match (``CVX9``, ``cvx001``): flake8 itself
    would select nothing with it, in silence. Other plugins' codes are flake8's business."""
    for code in codes:
        if code.upper().startswith("CVX") and not any(rule.startswith(code) for rule in RULES):
            from flake8.exceptions import ExecutionError  # type: ignore[import-untyped]

            problem = "codes are upper case" if code != code.upper() else "unknown code"
            raise ExecutionError(
                f"{Plugin.name}: --{key.replace('_', '-')}: {code!r}: {problem} "
                f"(this plugin has {', '.join(RULES)})"
            )


class Plugin:
    """flake8 checker for executors built inline in Covalent entry points (CVX001-CVX003)."""

    name = "flake8-covalent-executor"
    version = __version__
    settings: ClassVar[Settings] = Settings()
    all_rules: ClassVar[bool] = False  # CVX003 selected: it needs the whole module searched

    def __init__(self, tree: ast.Module, lines: Sequence[str]) -> None:
        self.tree = tree
        self.lines = lines

    @staticmethod
    def add_options(parser: Any) -> None:
        register_options(parser.add_option)
        parser.extend_default_ignore(list(DEFAULT_IGNORED))

    @classmethod
    def parse_options(cls, options: Namespace) -> None:
        for key in ("select", "extend_select", "ignore", "extend_ignore"):
            _check_codes(key, getattr(options, key, None) or ())
        cls.settings = Settings.from_lists(
            options.covalent_extra_entry_points or (), options.covalent_extra_executors or ()
        )
        selection = Selection(
            select=options.select,
            extend_select=options.extend_select or (),
            ignore=options.ignore,
            extend_ignore=options.extend_ignore or (),
        )
        cls.all_rules = any(selection.is_selected(code) for code in WHOLE_MODULE)

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        source = "".join(self.lines).encode("utf-8", "surrogatepass")
        try:
            found = detect(source, lambda: self.tree, self.settings, self.all_rules)
        except RecursionError:  # nesting deeper than Python's stack: nothing we can report
            return
        for finding in found.findings if found else ():
            yield finding.line, finding.col, finding.message, type(self)
