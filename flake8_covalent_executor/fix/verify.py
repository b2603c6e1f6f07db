"""Checks a rewrite must pass before anything is written (black's ``--safe`` idea): each
raises ``Unverified``, naming what it found wrong."""

from __future__ import annotations

import ast
from collections import Counter
from typing import Any

from ..findings import Finding
from ..rules import FIXABLE
from ..source import SourceError
from .plan import Plan


class Unverified(SourceError):
    """A rewrite that failed a check; the file is left alone, and the message says why."""


class _Comparison:
    """Walks the old and the new tree side by side (no recursion, so deep trees are fine).

    Each fixed site of the old tree must be a load of its group's name in the new one; the
    new tree's bindings of new names (``name = ...`` statements) are set aside to be checked
    on their own; everything else must be equal, field by field, as ``ast.dump`` compares.
    """

    def __init__(self, names: dict[ast.AST, str], new_names: set[str]) -> None:
        self.names, self.new_names = names, new_names
        # each binding of a new name, with the old statement it stands before (None: last)
        self.bindings: dict[str, list[tuple[ast.Assign, ast.stmt | None]]] = {}

    def same(self, old: ast.AST, new: ast.AST) -> bool:
        stack: list[tuple[Any, Any]] = [(old, new)]
        while stack:
            a, b = stack.pop()
            name = self.names.get(a) if isinstance(a, ast.AST) else None
            if name is not None:
                if not (type(b) is ast.Name and b.id == name and type(b.ctx) is ast.Load):
                    return False
                continue
            if a is b:  # shared objects: None, and each ``ctx`` instance
                continue
            if type(a) is not type(b):
                return False
            if isinstance(a, list):
                b = self._set_bindings_aside(b, a)
                if len(a) != len(b):
                    return False
                stack.extend(zip(a, b))
            elif isinstance(a, ast.AST):
                stack.extend((getattr(a, f, None), getattr(b, f, None)) for f in a._fields)
            elif a != b:
                return False
        return True

    def _set_bindings_aside(self, items: list[Any], old: list[Any]) -> list[Any]:
        if not self.new_names or not items or not isinstance(items[0], ast.stmt):
            return items
        kept: list[Any] = []
        for item in items:
            target = item.targets[0] if type(item) is ast.Assign else None
            if type(target) is ast.Name and len(item.targets) == 1 and target.id in self.new_names:
                following = old[len(kept)] if len(kept) < len(old) else None
                self.bindings.setdefault(target.id, []).append((item, following))
            else:
                kept.append(item)
        return kept


def check_equivalent(old_tree: ast.Module, new_tree: ast.Module, plan: Plan) -> None:
    """The new module is the old one apart from the hoisting; raises Unverified if not.

    ``old_tree`` must be the tree the plan's sites belong to; neither tree is changed.
    """
    names: dict[ast.AST, str] = {f.site.node: g.name for g in plan.groups for f in g.findings}
    new = [g for g in plan.groups if not g.reused]
    comparison = _Comparison(names, {g.name for g in new})
    if not comparison.same(old_tree, new_tree):
        raise Unverified("the rewritten module differs from the original beyond the hoisting")
    for group in new:
        name, call = group.name, group.first.site.node
        bound = comparison.bindings.get(name, [])
        if len(bound) != 1 or not _Comparison({}, set()).same(call, bound[0][0].value):
            raise Unverified(f"{name} is not bound exactly once to the original construction")
        if bound[0][1] is not plan.anchor_of(group):  # the anchor holds the first use
            raise Unverified(
                f"{name} is not bound in the block of, and just before, its planned statement"
            )


def check_fixed_findings_gone(before: list[Finding], after: list[Finding], plan: Plan) -> None:
    """The new findings are the old ones minus those the plan fixed; raises Unverified if not."""

    def key(f: Finding) -> tuple[str, str]:
        return f.code, f.message

    fixable = [f for f in before if f.code in FIXABLE]
    expected = Counter(map(key, fixable))
    expected.subtract(Counter(key(f) for f in plan.fixed))
    actual = Counter(key(f) for f in after if f.code in FIXABLE)
    if +expected != actual:
        raise Unverified("the detector still finds a site the fix should have removed")
