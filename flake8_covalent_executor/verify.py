"""Checks a rewrite must pass before anything is written (black's ``--safe`` idea)."""

from __future__ import annotations

import ast
from collections import Counter
from typing import Optional

from .detector import Finding
from .plan import Plan

_Span = tuple[int, int, Optional[int], Optional[int]]


def _span(node: ast.expr) -> _Span:
    return node.lineno, node.col_offset, node.end_lineno, node.end_col_offset


class _SubstituteNames(ast.NodeTransformer):
    """The old tree with each fixed site replaced by the name the plan gave it."""

    def __init__(self, names: dict[_Span, str]) -> None:
        self.names = names

    def visit_Call(self, node: ast.Call) -> ast.AST:
        name = self.names.get(_span(node))
        if name is not None:
            return ast.Name(id=name, ctx=ast.Load())
        return self.generic_visit(node)


class _DropBindings(ast.NodeTransformer):
    """The new tree without the statements that bind the plan's new names."""

    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.values: dict[str, list[str]] = {}

    def visit_Assign(self, node: ast.Assign) -> ast.AST | None:
        target = node.targets[0]
        if len(node.targets) == 1 and isinstance(target, ast.Name) and target.id in self.names:
            self.values.setdefault(target.id, []).append(ast.dump(node.value))
            return None
        return node


def equivalent(old: bytes, new_tree: ast.Module, plan: Plan) -> str | None:
    """None when ``new`` is ``old`` apart from the hoisting, else what differs."""
    old_tree = ast.parse(old)
    spans = {_span(f.site.node): g.name for g in plan.groups for f in g.findings}
    expected_values = {g.name: ast.dump(g.first.site.node) for g in plan.groups if not g.reused}
    substituted = _SubstituteNames(spans).visit(old_tree)
    dropper = _DropBindings(set(expected_values))
    stripped = dropper.visit(new_tree)
    if ast.dump(substituted) != ast.dump(stripped):
        return "the rewritten module differs from the original beyond the hoisting"
    for name, value in expected_values.items():
        if dropper.values.get(name) != [value]:
            return f"{name} is not bound exactly once to the original construction"
    return None


def fixed_findings_gone(before: list[Finding], after: list[Finding], plan: Plan) -> str | None:
    """None when the new findings are the old ones minus those the plan fixed."""

    def key(f: Finding) -> tuple[str, str]:
        return f.code, f.message

    expected = Counter(key(f) for f in before if f.code != "CVX003")
    expected.subtract(Counter(key(f) for f in plan.fixed))
    actual = Counter(key(f) for f in after if f.code != "CVX003")
    if +expected != actual:
        return "the detector still finds a site the fix should have removed"
    return None
