"""The walk that finds every executor construction of a module, with where it runs."""

from __future__ import annotations

import ast
import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from . import covalent_api as api
from .executors import ExecutorNames
from .findings import Site
from .scopes import LazyScope, Resolver, dotted_name
from .settings import Settings

_ALL_KEYWORDS = frozenset(api.WORKFLOW_KEYWORDS)
# Nodes with nothing below them that the walk looks at.
_LEAVES = frozenset(
    {
        ast.Name,
        ast.Constant,
        ast.Load,
        ast.Store,
        ast.Del,
        ast.alias,
        ast.Pass,
        ast.Break,
        ast.Continue,
        ast.Import,
        ast.ImportFrom,
    }
)
_DISPATCH: dict[type, Callable[[Any, Any], None]] = {}
_IMPURE = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)


@dataclass
class _Frame:
    where: str | None  # None for the module and class bodies that run once
    per: str
    is_function: bool
    scope: LazyScope | None  # what this frame binds (None for the module)
    in_task: bool = False  # inside a function Covalent decorates (and pickles, with its globals)
    kind: str = "module"  # "function", "class", "comprehension" or "loop"
    loop: ast.For | ast.AsyncFor | ast.While | None = None  # a loop frame's statement


def _config_key(call: ast.Call) -> str:
    keywords = call.keywords
    if all(kw.arg is not None for kw in keywords):
        keywords = sorted(keywords, key=lambda kw: kw.arg or "")
    parts = [ast.dump(arg, annotate_fields=False) for arg in call.args]
    parts += [f"{kw.arg}={ast.dump(kw.value, annotate_fields=False)}" for kw in keywords]
    return ", ".join(parts)


def _argument_nodes(call: ast.Call) -> list[ast.AST]:
    return [*call.args, *(kw.value for kw in call.keywords)]


def _is_pure(call: ast.Call) -> bool:
    return not any(
        isinstance(node, _IMPURE) for arg in _argument_nodes(call) for node in ast.walk(arg)
    )


def _is_pure_expression(node: ast.expr) -> bool:
    return not any(isinstance(child, _IMPURE) for child in ast.walk(node))


def _names_used(call: ast.Call, whole: ast.IfExp | None = None) -> list[str]:
    """The names the construction reads (with ``whole``, the whole conditional value)."""
    if whole is not None:
        return [node.id for node in ast.walk(whole) if isinstance(node, ast.Name)]
    names = [
        node.id
        for arg in _argument_nodes(call)
        for node in ast.walk(arg)
        if isinstance(node, ast.Name)
    ]
    head = dotted_name(call.func)
    return ([head.partition(".")[0]] if head else []) + names


def _loop_parts(node: ast.For | ast.AsyncFor | ast.While) -> list[ast.stmt]:
    """What runs on every iteration, as statements (the target is bound by each one)."""
    if isinstance(node, ast.While):
        return [ast.Expr(node.test), *node.body]
    return [ast.Assign(targets=[node.target], value=ast.Constant(None)), *node.body]


class _Traversal(ast.NodeVisitor):
    """A leaner traversal than NodeVisitor's: it runs inside flake8 on every file, so it
    dispatches through a per-class cache, never descends into leaves or contexts, and with
    ``lines`` skips the statements that span none of them."""

    lines: list[int] | None

    def visit(self, node: ast.AST) -> None:
        if self.lines is not None and isinstance(node, ast.stmt) and not self._spans(node):
            return
        node_type = type(node)
        method = _DISPATCH.get(node_type)
        if method is None:
            found = getattr(type(self), "visit_" + node_type.__name__, None)
            method = _DISPATCH[node_type] = found or _Traversal.generic_visit
        method(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST) and type(item) not in _LEAVES:
                        self.visit(item)
            elif isinstance(value, ast.AST) and type(value) not in _LEAVES:
                self.visit(value)

    def visit_all(self, nodes: Sequence[ast.AST | None]) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node)

    def _spans(self, statement: ast.stmt) -> bool:
        if not hasattr(statement, "lineno"):
            return True  # the loop header stand-ins made by _loop_parts
        lines = self.lines or []
        decorators = getattr(statement, "decorator_list", None)
        start = decorators[0].lineno if decorators else statement.lineno
        index = bisect.bisect_left(lines, start)
        return index < len(lines) and lines[index] <= (statement.end_lineno or statement.lineno)


class SiteFinder(_Traversal):
    """Walks a module keeping a frame per scope or loop, and records each construction in
    an entry point (and, searching the whole module, every other construction too)."""

    def __init__(self, tree: ast.Module, settings: Settings, lines: list[int] | None) -> None:
        self.lines = lines
        self.sites: list[Site] = []
        self._inline: set[ast.Call] = set()
        self.resolver = Resolver(tree)
        self.names = ExecutorNames(tree, self.resolver, settings)
        self.frames = [_Frame(None, "", False, None)]

    # -- scopes and repetition ------------------------------------------------------------
    def _enter(
        self, node: ast.AST, kind: str, where: str | None, per: str, task: bool = False
    ) -> None:
        """A new frame for a function, lambda, class or comprehension."""
        outer = self.frames[-1]
        scope = self.resolver.push(node, kind)
        is_function = outer.is_function or kind == "function"
        in_task = outer.in_task or task
        where, per = (where, per) if where else (outer.where, outer.per)
        self.frames.append(_Frame(where, per, is_function, scope, in_task, kind))

    def _leave(self) -> None:
        self.resolver.pop()
        self.frames.pop()

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        args = node.args
        self.visit_all([*node.decorator_list, *args.defaults, *args.kw_defaults, node.returns])
        task = any(self.names.is_entry_point(d) for d in node.decorator_list)
        self._enter(node, "function", f"function {node.name}()", "call", task)
        self.visit_all(node.body)
        self._leave()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit_all([*node.args.defaults, *node.args.kw_defaults])
        self._enter(node, "function", "a lambda", "call")
        self.visit(node.body)
        self._leave()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.visit_all([*node.decorator_list, *node.bases, *node.keywords])
        self._enter(node, "class", None, "")
        self.visit_all(node.body)
        self._leave()

    def _visit_loop(self, node: ast.For | ast.AsyncFor | ast.While) -> None:
        self.visit_all([node.iter] if not isinstance(node, ast.While) else [])
        outer = self.frames[-1]
        scope = LazyScope(ast.Module(body=_loop_parts(node), type_ignores=[]), "loop")
        frame = _Frame(
            "a loop", "iteration", outer.is_function, scope, outer.in_task, "loop", node
        )
        self.frames.append(frame)
        self.visit_all(_loop_parts(node))
        self.frames.pop()
        self.visit_all(node.orelse)

    visit_For = _visit_loop
    visit_AsyncFor = _visit_loop
    visit_While = _visit_loop

    def _visit_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
    ) -> None:
        generators = node.generators
        self.visit(generators[0].iter)
        self._enter(node, "comprehension", "a comprehension", "iteration")
        for index, gen in enumerate(generators):
            self.visit_all([gen.target, *([gen.iter] if index else []), *gen.ifs])
        self.visit_all([getattr(node, name, None) for name in ("elt", "key", "value")])
        self._leave()

    visit_ListComp = _visit_comprehension
    visit_SetComp = _visit_comprehension
    visit_DictComp = _visit_comprehension
    visit_GeneratorExp = _visit_comprehension

    def _non_empty(self, value: ast.expr) -> bool:
        """A literal that surely has an item: a non-empty list, tuple, set or string, or
        ``range(N)`` with a literal N > 0 (``range`` being the builtin)."""
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            return any(not isinstance(e, ast.Starred) for e in value.elts)
        if isinstance(value, ast.Constant):
            return isinstance(value.value, str) and bool(value.value)
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
            return False
        builtin = value.func.id == "range" and self.resolver.resolve_name("range") == "range"
        builtin = builtin and not self.resolver.module.binds("range")
        count = value.args[0] if len(value.args) == 1 and not value.keywords else None
        return (
            builtin
            and isinstance(count, ast.Constant)
            and type(count.value) is int
            and count.value > 0
        )

    def _loop_in_function(self) -> bool:
        """True when the site is in loops that surely run, directly inside a function: it
        can be built once, before the outermost of them, inside that function."""
        frames = self.frames
        index = len(frames) - 1
        while index > 0 and frames[index].kind == "loop":
            loop = frames[index].loop  # judged only here: resolving ``range`` builds scopes
            if not (isinstance(loop, ast.For) and self._non_empty(loop.iter)):
                return False
            index -= 1
        return index < len(frames) - 1 and frames[index].kind == "function"

    # -- entry points and constructions -------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        if any(kw.arg in _ALL_KEYWORDS for kw in node.keywords):  # entry points need one
            self._check_entry_point(node)
        # Constructions outside entry points matter to CVX003 and to the fixer's reuse of
        # existing instances; a pruned search does without them.
        whole = self.lines is None
        candidate = whole and node not in self._inline and self.names.may_construct(node.func)
        if candidate and self.names.is_executor(node.func):
            self._record(node, None, None, covalent=self.names.is_covalent(node.func))
        self.generic_visit(node)

    def _check_entry_point(self, node: ast.Call) -> None:
        entry_node, keywords = self.names.entry_call(node)
        if not keywords:
            return
        entry = dotted_name(entry_node) or self.resolver.resolve(entry_node) or ""
        for kw in node.keywords:
            if kw.arg in keywords:
                for ctor, conditional, whole in self.names.constructions(kw.value):
                    self._inline.add(ctor)
                    self._record(ctor, entry, kw.arg, conditional, whole=whole)

    def _record(
        self,
        call: ast.Call,
        entry: str | None,
        keyword: str | None,
        conditional: bool = False,
        covalent: bool = True,
        whole: ast.IfExp | None = None,
    ) -> None:
        qualname = self.resolver.resolve(call.func) or ""
        frame = self.frames[-1]
        bound = frozenset().union(*(f.scope.bound_names() for f in self.frames if f.scope))
        self.sites.append(
            Site(
                node=call,
                executor=qualname.rpartition(".")[2],
                qualname=qualname,
                class_key=api.canonical_class(qualname),
                config_key=_config_key(call),
                pure=_is_pure(call) and (whole is None or _is_pure_expression(whole.test)),
                entry=entry,
                keyword=keyword,
                where=frame.where,
                per=frame.per,
                in_function=frame.is_function,
                blocking_names=tuple(
                    dict.fromkeys(n for n in _names_used(call, whole) if n in bound)
                ),
                whole=whole,
                covalent=covalent,
                conditional=conditional,
                in_task=frame.in_task,
                loop_in_function=frame.is_function and self._loop_in_function(),
            )
        )


def find_sites(tree: ast.Module, settings: Settings, lines: list[int] | None = None) -> list[Site]:
    """Every executor construction the rules look at, in source order; with ``lines``, only
    those in statements spanning one of them (enough for CVX001/CVX002, and much faster)."""
    finder = SiteFinder(tree, settings, lines)
    finder.visit(tree)
    return sorted(finder.sites, key=lambda site: (site.line, site.col))
