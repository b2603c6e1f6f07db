"""The fixer as a libcst codemod, for ``python -m libcst.tool codemod``.

    python -m libcst.tool codemod -x \
        flake8_covalent_executor.codemod.HoistExecutorsCommand path/to/code
"""

from __future__ import annotations

import argparse

import libcst as cst
from libcst.codemod import CodemodContext, SkipFile, VisitorBasedCodemodCommand

from .analysis import Options
from .fix.fixer import fix_module
from .source import Source, SourceError


class HoistExecutorsCommand(VisitorBasedCodemodCommand):
    """Hoist Covalent executors built inline into shared module-level instances (CVX001/2)."""

    DESCRIPTION = "Hoist executors built inline in Covalent entry points into shared instances."

    def __init__(self, context: CodemodContext, unsafe_fixes: bool = False) -> None:
        super().__init__(context)
        self.unsafe_fixes = unsafe_fixes

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--unsafe-fixes",
            dest="unsafe_fixes",
            action="store_true",
            help="also hoist executors built inside functions (moves them to import time)",
        )

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        filename = self.context.filename or "<module>"
        try:
            source = Source.from_bytes(tree.bytes)
            result = fix_module(source, filename, Options(), self.unsafe_fixes)
        except SourceError as error:
            raise SkipFile(str(error)) from None
        for finding, reason in result.skipped:
            self.warn(f"{finding.line}:{finding.col + 1} {finding.code} left alone: {reason}")
        if result.new is None:
            raise SkipFile("nothing to fix")
        return cst.parse_module(result.new)
