"""Applying a plan with libcst: replace each site by its name, bind the name before the anchor.

Only this module imports libcst. Everything the rewrite does was decided by ``plan``; sites
are found again here by their source position.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Union

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .plan import Plan
from .source import SourceError

Position = tuple[int, int]  # line, column in characters (libcst's convention)
Statement = Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]


def char_position(lines: Sequence[str], line: int, byte_col: int) -> Position:
    """ast counts columns in UTF-8 bytes, libcst in characters."""
    text = lines[line - 1].encode("utf-8")[:byte_col]
    return line, len(text.decode("utf-8", "replace"))


class _Locate(cst.CSTVisitor):
    """Finds the site calls by position, with the statements around each."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, wanted: set[Position]) -> None:
        self.wanted = wanted
        self.stack: list[Statement] = []
        self.found: dict[Position, tuple[cst.Call, tuple[Statement, ...]]] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.stack.append(node)
        if isinstance(node, cst.Call):
            start = self.get_metadata(PositionProvider, node).start
            if (start.line, start.column) in self.wanted:
                self.found.setdefault((start.line, start.column), (node, tuple(self.stack)))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.stack.pop()


_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


# Cell markers of percent-format scripts (nbqa, Jupytext, VS Code): a new statement goes
# below the marker of the anchor's cell, never into the cell before it.
_CELL_MARKER = re.compile(r"#\s*(?:%%|In\[)")


def _split_leading(statement: Statement) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """Leading lines for a new statement bound just before ``statement``, and what
    ``statement`` keeps: the new one takes the same blank lines (so both keep the file's
    layout) and any cell marker; comments about ``statement`` stay with it."""
    lines = list(statement.leading_lines)
    marker = max(
        (
            i
            for i, line in enumerate(lines)
            if line.comment is not None and _CELL_MARKER.match(line.comment.value)
        ),
        default=-1,
    )
    head, tail = lines[: marker + 1], lines[marker + 1 :]
    blanks: list[cst.EmptyLine] = []
    for line in tail:
        if line.comment is not None:
            break
        blanks.append(cst.EmptyLine(indent=line.indent, whitespace=line.whitespace))
    return head + blanks, tail


class _Apply(cst.CSTTransformer):
    def __init__(
        self, names: dict[cst.Call, str], inserts: dict[Statement, list[str]], module: cst.Module
    ) -> None:
        self.names, self.inserts, self.module = names, inserts, module

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        name = self.names.get(original_node)
        if name is None:
            return updated_node
        return cst.Name(name, lpar=updated_node.lpar, rpar=updated_node.rpar)

    def _with_inserts(
        self, original: Sequence[cst.CSTNode], updated: Sequence[cst.CSTNode]
    ) -> list[cst.CSTNode]:
        body: list[cst.CSTNode] = []
        for old, new in zip(original, updated):
            codes = self.inserts.get(old, [])  # type: ignore[call-overload]
            if codes and isinstance(new, _STATEMENTS):
                spacing, kept = _split_leading(new)
                for position, code in enumerate(codes):
                    statement = cst.parse_statement(code, config=self.module.config_for_parsing)
                    lines = [] if position else spacing
                    body.append(statement.with_changes(leading_lines=lines))
                new = new.with_changes(leading_lines=kept)
            body.append(new)
        return body

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._with_inserts(original_node.body, updated_node.body)
        return updated_node.with_changes(body=body)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self._with_inserts(original_node.body, updated_node.body)
        return updated_node.with_changes(body=body)


def parse_exact(data: bytes) -> cst.Module:
    """Parse with libcst, refusing a file it would not write back byte for byte."""
    try:
        module = cst.parse_module(data)
    except (cst.ParserSyntaxError, RecursionError, UnicodeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SourceError(f"libcst cannot parse it: {reason}") from None
    if module.bytes != data:
        raise SourceError("libcst cannot reproduce this file byte for byte; left alone")
    return module


def apply_plan(data: bytes, lines: Sequence[str], plan: Plan) -> bytes:
    """The file's new bytes with every group of the plan hoisted."""
    module = parse_exact(data)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    where = {id(f): char_position(lines, f.line, f.col) for f in plan.fixed}
    locate = _Locate(set(where.values()))
    wrapper.visit(locate)
    names: dict[cst.Call, str] = {}
    inserts: dict[Statement, list[str]] = {}
    for group in plan.groups:
        calls = [locate.found.get(where[id(f)]) for f in group.findings]
        if any(found is None for found in calls):
            raise SourceError("libcst and ast disagree about a site's position; left alone")
        for call, _ in calls:  # type: ignore[misc]
            names[call] = group.name
        if not group.reused:
            first_call, statements = calls[0]  # type: ignore[misc]
            code = f"{group.name} = {module.code_for_node(first_call)}{module.default_newline}"
            inserts.setdefault(statements[group.anchor_depth], []).append(code)
    return module.visit(_Apply(names, inserts, module)).bytes
