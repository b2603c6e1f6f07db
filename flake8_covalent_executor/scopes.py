"""Which names a module binds, and where a dotted name used at some point was imported from.

A name resolves through the innermost scope that binds it, as Python looks it up: a parameter
or local called ``ct`` hides the module's ``import covalent as ct``. Imports win over other
bindings of the same scope, so ``try: import covalent as ct / except ImportError: ct = None``
still resolves ``ct`` to ``covalent``.

An alias (``task = ct.electron``, ``task: Any = ct.electron``, ``el, lat = ct.electron,
ct.lattice``, ``task = functools.partial(ct.electron, ...)``) in any scope resolves to what it
names only when its scope binds it once and nothing can rebind it where the walk does not look
(``global``, ``nonlocal`` or ``:=`` anywhere in the module, a star import of unknown names).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

_NESTED_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)
# What ``from covalent import *`` brings that matters here (covalent's ``__all__``).
_COVALENT_STAR_NAMES = frozenset({"electron", "lattice", "Lepton", "leptons", "executor"})


@dataclass
class Scope:
    """The names one scope binds: by import (with their origins) or otherwise."""

    kind: str  # "module", "class", "function" or "comprehension"
    imports: dict[str, list[str]] = field(default_factory=dict)
    others: dict[str, int] = field(default_factory=dict)
    aliases: dict[str, ast.expr] = field(default_factory=dict)
    declared_global: set[str] = field(default_factory=set)
    star_imports: list[str] = field(default_factory=list)

    def binds(self, name: str) -> bool:
        return name in self.imports or name in self.others

    def bind_import(self, name: str, origin: str) -> None:
        self.imports.setdefault(name, []).append(origin)

    def bind_other(self, name: str) -> None:
        self.others[name] = self.others.get(name, 0) + 1


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


_BINDING_FIELDS = (
    "targets",
    "target",
    "items",
    "body",
    "orelse",
    "finalbody",
    "handlers",
    "cases",
)
_FIELDS_BY_TYPE: dict[type, tuple[str, ...]] = {}


def _binding_fields(node_type: type) -> tuple[str, ...]:
    fields = _FIELDS_BY_TYPE.get(node_type)
    if fields is None:
        fields = tuple(f for f in _BINDING_FIELDS if f in getattr(node_type, "_fields", ()))
        _FIELDS_BY_TYPE[node_type] = fields
    return fields


def _children(node: ast.AST) -> list[ast.AST]:
    """What can bind a name below ``node``: nested statements and binding targets only.

    Expressions are not walked (that is most of a module): a name bound by ``:=`` is not
    seen, which only makes the detector more cautious about what a name refers to.
    """
    if not isinstance(node, (ast.stmt, ast.excepthandler)):
        return list(ast.iter_child_nodes(node))  # targets, patterns and match cases are small
    found: list[ast.AST] = []
    for name in _binding_fields(type(node)):
        value = getattr(node, name)
        if name == "items":  # with-statement "as" targets
            found.extend(i.optional_vars for i in value if i.optional_vars is not None)
        elif isinstance(value, list):
            found.extend(value)
        elif value is not None:
            found.append(value)
    return found


def scope_nodes(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """The binding nodes of a scope's own body: nested scopes are yielded but not entered."""
    stack = list(nodes)
    stack.reverse()
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, _NESTED_SCOPES):
            continue
        children = _children(node)
        children.reverse()
        stack.extend(children)


def _bind_import(scope: Scope, node: ast.Import | ast.ImportFrom) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                scope.bind_import(alias.asname, alias.name)
            else:
                top = alias.name.partition(".")[0]
                scope.bind_import(top, top)
        return
    module = "." * node.level + (node.module or "")
    for alias in node.names:
        if alias.name == "*":
            scope.star_imports.append(module)
        else:
            scope.bind_import(alias.asname or alias.name, f"{module}.{alias.name}")


def _bind_node(scope: Scope, node: ast.AST) -> None:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        _bind_import(scope, node)
    elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        scope.bind_other(node.id)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        scope.bind_other(node.name)
    elif isinstance(node, ast.ExceptHandler) and node.name:
        scope.bind_other(node.name)
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        scope.declared_global.update(node.names)
    elif isinstance(node, ast.Assign):
        for target in node.targets:
            _bind_aliases(scope, target, node.value)
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        _bind_aliases(scope, node.target, node.value)
    else:
        for name in ("name", "rest"):  # match-statement captures (3.10+)
            captured = getattr(node, name, None)
            if type(node).__name__.startswith("Match") and isinstance(captured, str):
                scope.bind_other(captured)


def _alias_value(value: ast.expr) -> bool:
    """A value an alias may name: a dotted name, or a call of one (``functools.partial``)."""
    if isinstance(value, ast.Call):
        return dotted_name(value.func) is not None and bool(value.args)
    return dotted_name(value) is not None


def _bind_aliases(scope: Scope, target: ast.expr, value: ast.expr) -> None:
    """Record ``name = value`` pairs, through tuples and lists of the same length."""
    if isinstance(target, ast.Name) and _alias_value(value):
        scope.aliases[target.id] = value
    elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
        starred = any(isinstance(e, ast.Starred) for e in (*target.elts, *value.elts))
        if not starred and len(target.elts) == len(value.elts):
            for part, part_value in zip(target.elts, value.elts):
                _bind_aliases(scope, part, part_value)


def _parameters(args: ast.arguments) -> Iterator[str]:
    for arg in (*getattr(args, "posonlyargs", ()), *args.args, *args.kwonlyargs):
        yield arg.arg
    for arg in (args.vararg, args.kwarg):
        if arg is not None:
            yield arg.arg


def build_scope(node: ast.AST, kind: str) -> Scope:
    """Collect what ``node`` (a module, class, function, lambda or comprehension) binds."""
    scope = Scope(kind)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        for name in _parameters(node.args):
            scope.bind_other(name)
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        body: list[ast.AST] = [gen.target for gen in node.generators]
    elif isinstance(node, ast.Lambda):
        body = [node.body]
    else:
        body = list(getattr(node, "body", ()))
    for child in scope_nodes(body):
        _bind_node(scope, child)
    return scope


class LazyScope:
    """A scope built the first time a name is looked up in it: most functions the detector
    passes through never need theirs."""

    def __init__(self, node: ast.AST, kind: str) -> None:
        self.node, self.kind = node, kind
        self._scope: Scope | None = None

    @property
    def scope(self) -> Scope:
        if self._scope is None:
            self._scope = build_scope(self.node, self.kind)
        return self._scope

    def bound_names(self) -> frozenset[str]:
        return frozenset(self.scope.imports) | frozenset(self.scope.others)


def _rebound_anywhere(module: ast.AST) -> frozenset[str]:
    """Names that ``global``, ``nonlocal`` or ``:=`` may bind somewhere in the module: scope
    walks do not see those bindings (nor which scope they land in), so such a name is never
    taken for an alias."""
    names: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


_PARTIALS = frozenset({"functools.partial"})
_MAX_ALIAS_DEPTH = 8


class Resolver:
    """Resolves names against a stack of scopes, innermost last.

    ``wraps`` says which qualified names a ``functools.partial`` alias stands for (the entry
    points, set by ``ExecutorNames``): ``task = functools.partial(ct.electron, ...)`` resolves
    to ``covalent.electron``, a partial of anything else to nothing.
    """

    def __init__(self, module: ast.Module) -> None:
        self.stack: list[LazyScope] = [LazyScope(module, "module")]
        self.wraps: Callable[[str], bool] = lambda qualname: False
        self._rebound: frozenset[str] | None = None

    def push(self, node: ast.AST, kind: str) -> LazyScope:
        self.stack.append(LazyScope(node, kind))
        return self.stack[-1]

    def pop(self) -> None:
        self.stack.pop()

    @property
    def module(self) -> Scope:
        return self.stack[0].scope

    def resolve(self, node: ast.expr) -> str | None:
        """The qualified name an expression like ``ct.executor.LocalExecutor`` refers to.

        None when the chain starts at a local of a function (not knowable statically)
        or is not a plain chain of names. A module-level non-import binding resolves to its
        own name, so locally defined classes and user-configured names can match.
        """
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, dot, rest = dotted.partition(".")
        origin = self.resolve_name(head)
        if origin is None:
            return None
        return origin + dot + rest

    def resolve_name(self, name: str) -> str | None:
        index = self._binder(name, len(self.stack) - 1)
        origin = self._origin(name, index, 0)
        if origin is not None or index > 0:
            return origin
        return self._star_origin(name) or name

    def _star_origin(self, name: str) -> str | None:
        """``covalent.electron`` for ``electron`` from ``from covalent import *``."""
        module = self.module
        star = name in _COVALENT_STAR_NAMES and "covalent" in module.star_imports
        return f"covalent.{name}" if star and not module.binds(name) else None

    def _binder(self, name: str, top: int) -> int:
        """The index of the scope ``name`` resolves in, seen from the scope at ``top``: the
        innermost function or class that binds it (class bodies only as the innermost), else
        the module (0)."""
        for index in range(top, 0, -1):
            if self.stack[index].kind == "class" and index != top:
                continue  # class bodies are not enclosing scopes for nested code
            scope = self.stack[index].scope
            if name in scope.declared_global:
                return 0
            if scope.binds(name):
                return index
        return 0

    def _origin(self, name: str, index: int, depth: int) -> str | None:
        """What ``name``, bound in the scope at ``index``, was imported as or is an alias of;
        None for any other binding."""
        scope = self.stack[index].scope
        origins = scope.imports.get(name)
        if origins:
            return origins[0]
        value = scope.aliases.get(name)
        if value is None or depth >= _MAX_ALIAS_DEPTH or scope.others.get(name, 0) != 1:
            return None
        unknown_star = [m for m in scope.star_imports if m != "covalent"]
        if unknown_star or (name in _COVALENT_STAR_NAMES and scope.star_imports):
            return None
        if isinstance(value, ast.Call):
            origin = self._partial_of(value, index, depth + 1)
        else:
            origin = self._chain_origin(value, index, depth + 1)
        # Last, as it walks the whole module (once): only for an alias of an import.
        return origin if origin is not None and not self._rebound_elsewhere(name) else None

    def _rebound_elsewhere(self, name: str) -> bool:
        if self._rebound is None:
            self._rebound = _rebound_anywhere(self.stack[0].node)
        return name in self._rebound

    def _chain_origin(self, value: ast.expr, index: int, depth: int) -> str | None:
        """A dotted value's qualified name, as the scope at ``index`` sees it, when its first
        name is an import or an alias there (the alias's own scope and those around it)."""
        dotted = dotted_name(value)
        if dotted is None:
            return None
        head, dot, rest = dotted.partition(".")
        binder = self._binder(head, index)
        origin = self._origin(head, binder, depth)
        if origin is None and binder == 0:
            origin = self._star_origin(head)
        return None if origin is None else origin + dot + rest

    def _partial_of(self, call: ast.Call, index: int, depth: int) -> str | None:
        """``functools.partial(entry, ...)``: the entry point it wraps, else None."""
        if self._chain_origin(call.func, index, depth) not in _PARTIALS:
            return None
        wrapped = self._chain_origin(call.args[0], index, depth)
        if wrapped is None and isinstance(call.args[0], ast.Call):
            wrapped = self._partial_of(call.args[0], index, depth + 1)
        return wrapped if wrapped is not None and self.wraps(wrapped) else None
