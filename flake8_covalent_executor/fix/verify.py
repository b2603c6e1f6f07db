"""Checks a rewrite must pass before anything is written (black's ``--safe`` idea): each
raises ``Unverified``, naming what it found wrong."""

from __future__ import annotations

import ast
from collections import Counter
from typing import Any

from ..findings import Finding
from ..rules import FIXABLE, Applicability
from ..scopes import Resolver
from ..source import SourceError
from .effects import Effects, Reads, around, before, shallow
from .plan import Plan, in_function_body


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
        self.replaced: dict[ast.AST, ast.Name] = {}  # each old site: the name standing there
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
                self.replaced[a] = b
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


def check_equivalent(
    old_tree: ast.Module, new_tree: ast.Module, plan: Plan
) -> dict[ast.AST, ast.Name]:
    """The new module is the old one apart from the hoisting; raises Unverified if not.
    Returns the name that stands in the new tree for each old site.

    ``old_tree`` must be the tree the plan's sites belong to; neither tree is changed.
    """
    names: dict[ast.AST, str] = {f.site.target: g.name for g in plan.groups for f in g.findings}
    new = [g for g in plan.groups if not g.reused]
    comparison = _Comparison(names, {g.name for g in new})
    if not comparison.same(old_tree, new_tree):
        raise Unverified("the rewritten module differs from the original beyond the hoisting")
    for group in new:
        name, call = group.name, group.first.site.target
        bound = comparison.bindings.get(name, [])
        if len(bound) != 1 or not _Comparison({}, set()).same(call, bound[0][0].value):
            raise Unverified(f"{name} is not bound exactly once to the original construction")
        if bound[0][1] is not plan.anchor_of(group):  # the anchor holds the first use
            raise Unverified(
                f"{name} is not bound in the block of, and just before, its planned statement"
            )
    return comparison.replaced


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


def check_sound(
    old_tree: ast.Module,
    new_tree: ast.Module,
    plan: Plan,
    effects: Effects,
    replaced: dict[ast.AST, ast.Name] | None = None,
) -> None:
    """The planner's claims, derived again from the new tree: for each new shared instance,
    every use of its name stands after its binding in the same block, runs whenever that
    block runs on, and nothing between the binding and the use can change what the
    construction reads; and every site it replaces called the same class object. Sites
    moved by an unsafe fix (out of functions) are opt-in and not held to this, but one that
    reuses a name bound after its function must have nothing between that can call the
    function (``runs_nothing``). ``replaced`` (from ``check_equivalent``) tells each group's
    own uses from those of the groups reusing its name. Raises Unverified."""
    names = {g.name for g in plan.groups if not g.reused}
    index = _TreeIndex(new_tree, names)
    blocks, parents, loads = index.blocks, index.parents, index.loads
    bindings = index.new_bindings(names)
    resolver, new_resolver = Resolver(old_tree), Resolver(new_tree)
    for group in plan.groups:
        if group.reused or any(f.applicability is Applicability.UNSAFE for f in group.findings):
            continue
        binding = bindings[group.name]
        old = {resolver.resolve(f.site.node.func) for f in group.findings}
        new = {new_resolver.resolve(call.func) for call in _constructions(binding)}
        if old != new or None in old or (len(old) != 1 and group.first.site.whole is None):
            raise Unverified(f"{group.name} would stand for another class than its sites called")
        own = None if replaced is None else {replaced[f.site.target] for f in group.findings}
        for use in loads.get(group.name, []):
            if own is None or use in own:
                _check_use(binding, use, blocks, parents, effects)
    if replaced is not None:
        _check_late_reuses(new_tree, plan, replaced, parents)


def _check_late_reuses(
    tree: ast.Module,
    plan: Plan,
    replaced: dict[ast.AST, ast.Name],
    parents: dict[ast.AST, ast.AST],
) -> None:
    """A reused name used in a module-level function or class that stands before its
    binding: used only in function bodies, by an unsafe fix, with nothing from that
    statement to the binding that can run code."""
    for group in plan.groups:
        if not group.reused:
            continue
        at = _module_binding(tree, group.name)
        for finding in group.findings:
            use = replaced[finding.site.target]
            top = _top_statement(use, parents, tree)
            position = _index(tree.body, top)
            if position > at:
                continue
            late_ok = (
                finding.applicability is Applicability.UNSAFE
                and in_function_body(use, parents, top)
                and all(map(_evaluates_nothing, tree.body[position:at]))
            )
            if not late_ok:
                raise Unverified(f"{use.id} is used where it may not be bound yet")


# The nodes a statement between a function and a late binding may hold, outside function
# bodies (which do not run then): undecorated defs, their arguments, names, constants, and
# bare constant expressions. Checked here by node type, not with the planner's runs_nothing,
# so a mistake in one is not repeated in the other.
_DEF_TIME = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.arguments,
    ast.arg,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Expr,
    ast.Pass,
)


def _evaluates_nothing(statement: ast.stmt) -> bool:
    """Nothing of the program's own code runs when ``statement`` runs."""
    if isinstance(statement, ast.Expr) and not isinstance(statement.value, ast.Constant):
        return False
    pending: list[ast.AST] = [statement]
    while pending:
        node = pending.pop()
        if not isinstance(node, _DEF_TIME):
            return False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.decorator_list:
                return False
            pending.extend(x for x in (node.args, node.returns) if x is not None)
        else:
            pending.extend(ast.iter_child_nodes(node))
    return True


def _module_binding(tree: ast.Module, name: str) -> int:
    """The index in the module body of the one ``name = ...`` statement there."""
    found = [
        i
        for i, statement in enumerate(tree.body)
        if type(statement) is ast.Assign
        and any(type(t) is ast.Name and t.id == name for t in statement.targets)
    ]
    if len(found) != 1:
        raise Unverified(f"{name} is not bound once at module level")
    return found[0]


def _top_statement(node: ast.AST, parents: dict[ast.AST, ast.AST], tree: ast.Module) -> ast.stmt:
    current = node
    while parents.get(current) is not tree:
        current = parents[current]
    assert isinstance(current, ast.stmt)
    return current


def _check_use(
    binding: ast.Assign,
    use: ast.Name,
    blocks: dict[ast.stmt, list[ast.stmt]],
    parents: dict[ast.AST, ast.AST],
    effects: Effects,
) -> None:
    block = blocks[binding]
    function = _enclosing_function(binding, parents)
    effects = effects.inside(function) if function is not None else effects
    statement = _statement_in(block, use, parents)
    if statement is None or _index(block, statement) <= _index(block, binding):
        raise Unverified(f"{use.id} is used outside the block it is bound in, or before")
    repeated = _in_loop(statement, use, parents)
    when = effects.conditional_part(statement, use, repeated=repeated)
    if when is not None:
        raise Unverified(f"{use.id} is used where its executor was not always built ({when})")
    between = block[_index(block, binding) + 1 : _index(block, statement)]
    parts = [*around(statement, use), *shallow(statement, use)] if repeated else []
    parts = parts or before(statement, use)
    problem = effects.region_problem([*between, *parts], Reads.of(binding.value), frozenset())
    if problem is not None:
        raise Unverified(f"{use.id}: {problem.render()}")


def _enclosing_function(
    node: ast.AST, parents: dict[ast.AST, ast.AST]
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    current = parents.get(node)
    while current is not None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return current
        current = parents.get(current)
    return None


def _constructions(binding: ast.Assign) -> list[ast.Call]:
    """What a new binding builds: a call, or each branch of a whole conditional value."""
    value = binding.value
    parts = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
    calls = [part for part in parts if isinstance(part, ast.Call)]
    if len(calls) != len(parts):
        raise Unverified("a new binding is not a construction")
    return calls


class _TreeIndex:
    """One walk of the new tree: each node's parent, each statement's block, and the
    bindings and loads of the new names."""

    def __init__(self, tree: ast.Module, names: set[str]) -> None:
        self.parents: dict[ast.AST, ast.AST] = {}
        self.blocks: dict[ast.stmt, list[ast.stmt]] = {}
        self.loads: dict[str, list[ast.Name]] = {}
        self.bindings: dict[str, list[ast.Assign]] = {}
        stack: list[ast.AST] = [tree]
        while stack:
            node = stack.pop()
            if type(node) is ast.Name and node.id in names and type(node.ctx) is ast.Load:
                self.loads.setdefault(node.id, []).append(node)
            elif type(node) is ast.Assign and len(node.targets) == 1:
                target = node.targets[0]
                if type(target) is ast.Name and target.id in names:
                    self.bindings.setdefault(target.id, []).append(node)
            for _, value in ast.iter_fields(node):
                children = value if isinstance(value, list) else [value]
                if children and isinstance(children[0], ast.stmt):
                    self.blocks.update(dict.fromkeys(children, children))
                for child in children:
                    if isinstance(child, ast.AST):
                        self.parents[child] = node
                        stack.append(child)

    def new_bindings(self, names: set[str]) -> dict[str, ast.Assign]:
        """The one binding of each new name; raises Unverified when there is not one."""
        found: dict[str, ast.Assign] = {}
        for name in sorted(names):
            bound = self.bindings.get(name, [])
            if len(bound) != 1:
                raise Unverified(f"{name} is bound {len(bound)} times, not once")
            found[name] = bound[0]
        return found


def _statement_in(
    block: list[ast.stmt], node: ast.AST, parents: dict[ast.AST, ast.AST]
) -> ast.stmt | None:
    """The statement of ``block`` that holds ``node``, or None."""
    members = set(block)
    current: ast.AST | None = node
    while current is not None:
        if current in members:
            return current if isinstance(current, ast.stmt) else None
        current = parents.get(current)
    return None


def _index(block: list[ast.stmt], statement: ast.stmt) -> int:
    return next(i for i, item in enumerate(block) if item is statement)


def _in_loop(statement: ast.stmt, node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """True when ``node`` runs in a loop or comprehension within ``statement``."""
    current = parents.get(node)
    while current is not None:
        if isinstance(current, _REPEATING):
            return True
        if current is statement:
            return False
        current = parents.get(current)
    return False


_REPEATING = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)
