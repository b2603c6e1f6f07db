"""The one decision about what an inline executor is, shared by flake8, ``check`` and ``fix``."""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import covalent_api as api
from .rules import CVX001, CVX002, CVX003
from .scopes import LazyScope, Resolver, dotted_name, scope_nodes
from .settings import Settings

_ALL_KEYWORDS = frozenset(api.WORKFLOW_KEYWORDS)
# Nodes with nothing below them that the detector looks at.
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
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_IMPURE = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)
# An executor keyword argument as text: the name, then "=" (not "=="), with anything Python
# allows between them inside brackets (spaces, newlines, a comment, a backslash-newline) --
# unless its value is plainly no call: one name, attribute chain or string, then "," or ")".
_KEYWORD = re.compile(
    rb"\b(?:executor|workflow_executor|backend)(?:\s|\\\r?\n|#[^\r\n]*)*=(?!=)"
    rb"(?!\s*(?:[A-Za-z_][\w.]*|\"[^\"\r\n]*\"|'[^'\r\n]*')\s*[,)])"
)


def may_have_findings(source: bytes, settings: Settings, all_rules: bool = False) -> bool:
    """The text prefilter: False when the file cannot contain a finding, before any parse.

    CVX001/CVX002 need an executor keyword argument; CVX003 (``all_rules``) only needs an
    executor to be built, so it is ruled out only by the absence of "covalent".
    """
    if not any(token in source for token in settings.prefilter_tokens()):
        return False
    return b"xecutor" in source if all_rules else _KEYWORD.search(source) is not None


def keyword_lines(source: bytes) -> list[int] | None:
    """The lines holding an executor keyword argument; only statements there can hold a
    CVX001/CVX002 site. None when line numbers cannot be counted simply (lone CRs)."""
    if b"\r" in source and b"\r" in source.replace(b"\r\n", b""):
        return None
    lines: list[int] = []
    line, position = 1, 0
    for match in _KEYWORD.finditer(source):
        line += source.count(b"\n", position, match.start())
        position = match.start()
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Site:
    """One executor construction, with what the fixer needs to know about it."""

    node: ast.Call
    executor: str  # class name, for messages
    class_key: str  # one name per class, whatever the import spelling
    config_key: str  # the arguments, compared as ASTs
    pure: bool  # no calls or other side effects in the arguments
    entry: str | None  # the entry point it is built inline in, as written
    keyword: str | None
    where: str | None  # None where it runs once per import
    per: str
    in_function: bool
    blocking_names: tuple[str, ...]  # names of enclosing scopes or loops the arguments use
    covalent: bool = True  # surely Covalent's (not only by its name): counts for CVX003
    conditional: bool = False  # built only in one branch of a conditional value
    in_task: bool = False  # in the body of a function Covalent decorates

    @property
    def line(self) -> int:
        return self.node.lineno

    @property
    def col(self) -> int:
        return self.node.col_offset


@dataclass(frozen=True)
class Finding:
    """A rule violation at a construction; ``fix`` is "safe", "unsafe" or None (not fixable)."""

    code: str
    line: int
    col: int
    message: str
    site: Site
    fix: str | None
    not_fixable_because: str | None = None


@dataclass
class _Frame:
    where: str | None  # None for the module and class bodies that run once
    per: str
    is_function: bool
    scope: LazyScope | None  # what this frame binds (None for the module)
    in_task: bool = False  # inside a function Covalent decorates (and pickles, with its globals)


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


def _names_used(call: ast.Call) -> list[str]:
    names = [
        node.id
        for arg in _argument_nodes(call)
        for node in ast.walk(arg)
        if isinstance(node, ast.Name)
    ]
    head = dotted_name(call.func)
    return ([head.partition(".")[0]] if head else []) + names


@dataclass
class _Detector(ast.NodeVisitor):
    tree: ast.Module
    settings: Settings
    lines: list[int] | None = None  # only statements spanning these lines are visited
    sites: list[Site] = field(default_factory=list)
    _inline: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.tree)
        self.frames = [_Frame(None, "", False, None)]
        self.local_executors = self._local_executor_classes()
        self.extra_names = {name.rpartition(".")[2] for name in self.settings.extra_executors}

    # A leaner traversal than NodeVisitor's: it runs inside flake8 on every file, so it
    # dispatches through a per-class cache and never descends into leaves or contexts.
    def visit(self, node: ast.AST) -> None:
        if self.lines is not None and isinstance(node, ast.stmt) and not self._spans(node):
            return
        node_type = type(node)
        method = _DISPATCH.get(node_type)
        if method is None:
            found = getattr(type(self), "visit_" + node_type.__name__, None)
            method = _DISPATCH[node_type] = found or _Detector.generic_visit
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

    def _spans(self, statement: ast.stmt) -> bool:
        if not hasattr(statement, "lineno"):
            return True  # the loop header stand-ins made by _loop_parts
        decorators = getattr(statement, "decorator_list", None)
        start = decorators[0].lineno if decorators else statement.lineno
        index = bisect.bisect_left(self.lines or [], start)
        return index < len(self.lines or []) and (self.lines or [])[index] <= (
            statement.end_lineno or statement.lineno
        )

    # -- what is an executor ------------------------------------------------------------
    def _local_executor_classes(self) -> frozenset[str]:
        # Classes defined at module level (in if/try blocks too), not inside functions.
        classes = [n for n in scope_nodes(self.tree.body) if isinstance(n, ast.ClassDef)]
        found: set[str] = set()
        changed = True
        while changed:
            changed = False
            for cls in classes:
                if cls.name not in found and any(
                    self._is_executor_name(b, found) for b in cls.bases
                ):
                    found.add(cls.name)
                    changed = True
        return frozenset(found)

    def _is_executor_name(self, node: ast.expr, local: set[str] | None = None) -> bool:
        qualname = self.resolver.resolve(node)
        if qualname is None:
            return False
        return (
            qualname in self.settings.extra_executors
            or api.looks_like_executor(qualname)
            or api.is_covalent_origin(qualname)
            or qualname in (self.local_executors if local is None else local)
        )

    def _is_covalent_executor(self, node: ast.expr) -> bool:
        """Stricter: only what surely is Covalent's (for counting configurations, CVX003)."""
        qualname = self.resolver.resolve(node)
        return qualname is not None and (
            api.is_covalent_origin(qualname)
            or qualname in self.settings.extra_executors
            or qualname in self.local_executors
        )

    # -- scopes and repetition ------------------------------------------------------------
    def _enter(
        self, node: ast.AST, kind: str, where: str | None, per: str, task: bool = False
    ) -> None:
        outer = self.frames[-1]
        scope = self.resolver.push(node, kind)
        is_function = outer.is_function or kind == "function"
        in_task = outer.in_task or task
        where, per = (where, per) if where else (outer.where, outer.per)
        self.frames.append(_Frame(where, per, is_function, scope, in_task))

    def _leave(self) -> None:
        self.resolver.pop()
        self.frames.pop()

    def _visit_all(self, nodes: Sequence[ast.AST | None]) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node)

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        args = node.args
        self._visit_all([*node.decorator_list, *args.defaults, *args.kw_defaults, node.returns])
        task = any(self._is_entry_point(d) for d in node.decorator_list)
        self._enter(node, "function", f"function {node.name}()", "call", task)
        self._visit_all(node.body)
        self._leave()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._visit_all([*node.args.defaults, *node.args.kw_defaults])
        self._enter(node, "function", "a lambda", "call")
        self.visit(node.body)
        self._leave()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._visit_all([*node.decorator_list, *node.bases, *node.keywords])
        self._enter(node, "class", None, "")
        self._visit_all(node.body)
        self._leave()

    def _visit_loop(self, node: ast.For | ast.AsyncFor | ast.While) -> None:
        head: list[ast.AST] = [node.iter] if not isinstance(node, ast.While) else []
        self._visit_all(head)
        outer = self.frames[-1]
        parts = ast.Module(body=[*self._loop_parts(node)], type_ignores=[])
        self.frames.append(
            _Frame(
                "a loop", "iteration", outer.is_function, LazyScope(parts, "loop"), outer.in_task
            )
        )
        self._visit_all(self._loop_parts(node))
        self.frames.pop()
        self._visit_all(node.orelse)

    @staticmethod
    def _loop_parts(node: ast.For | ast.AsyncFor | ast.While) -> list[ast.stmt]:
        if isinstance(node, ast.While):
            return [ast.Expr(node.test), *node.body]
        return [ast.Assign(targets=[node.target], value=ast.Constant(None)), *node.body]

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
            self._visit_all([gen.target, *([gen.iter] if index else []), *gen.ifs])
        self._visit_all([getattr(node, name, None) for name in ("elt", "key", "value")])
        self._leave()

    visit_ListComp = _visit_comprehension
    visit_SetComp = _visit_comprehension
    visit_DictComp = _visit_comprehension
    visit_GeneratorExp = _visit_comprehension

    # -- entry points and constructions -------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        if any(kw.arg in _ALL_KEYWORDS for kw in node.keywords):  # entry points need one
            self._check_entry_point(node)
        # Constructions outside entry points matter to CVX003 and to the fixer's reuse of
        # existing instances; a pruned search does without them.
        whole = self.lines is None
        candidate = whole and id(node) not in self._inline and self._may_construct(node.func)
        if candidate and self._is_executor_name(node.func):
            self._record(node, None, None, covalent=self._is_covalent_executor(node.func))
        self.generic_visit(node)

    def _check_entry_point(self, node: ast.Call) -> None:
        qualname = self.resolver.resolve(node.func)
        if qualname is None:
            return
        keywords = api.entry_keywords(qualname, self.settings.extra_entry_points)
        for kw in node.keywords:
            if kw.arg in keywords:
                for ctor, conditional in self._constructions(kw.value):
                    self._record(ctor, dotted_name(node.func) or qualname, kw.arg, conditional)

    def _is_entry_point(self, decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qualname = self.resolver.resolve(target)
        return qualname is not None and bool(
            api.entry_keywords(qualname, self.settings.extra_entry_points)
        )

    def _may_construct(self, func: ast.expr) -> bool:
        """A cheap look at the spelling before resolving: executor classes are CapWords;
        lowercase callables count only when configured (``--covalent-extra-executors``)."""
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name[:1].isupper() or name in self.extra_names

    def _constructions(
        self, value: ast.expr, conditional: bool = False
    ) -> Iterator[tuple[ast.Call, bool]]:
        """Each executor built in a keyword's value, and whether it is built only sometimes
        (in a branch of ``a if c else b`` or an operand of ``and``/``or``)."""
        if isinstance(value, ast.Call) and self._is_executor_name(value.func):
            yield value, conditional
        elif isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            for element in value.elts:
                yield from self._constructions(element, conditional)
        elif isinstance(value, ast.Starred):
            yield from self._constructions(value.value, conditional)
        elif isinstance(value, ast.IfExp):
            yield from self._constructions(value.body, True)
            yield from self._constructions(value.orelse, True)
        elif isinstance(value, ast.BoolOp):
            for operand in value.values:
                yield from self._constructions(operand, True)

    def _record(
        self,
        call: ast.Call,
        entry: str | None,
        keyword: str | None,
        conditional: bool = False,
        covalent: bool = True,
    ) -> None:
        if entry is not None:
            self._inline.add(id(call))
        qualname = self.resolver.resolve(call.func) or ""
        frame = self.frames[-1]
        bound = frozenset().union(*(f.scope.bound_names() for f in self.frames if f.scope))
        blocking = tuple(dict.fromkeys(n for n in _names_used(call) if n in bound))
        self.sites.append(
            Site(
                node=call,
                executor=qualname.rpartition(".")[2],
                class_key=api.canonical_class(qualname),
                config_key=_config_key(call),
                pure=_is_pure(call),
                entry=entry,
                keyword=keyword,
                where=frame.where,
                per=frame.per,
                in_function=frame.is_function,
                blocking_names=blocking,
                covalent=covalent,
                conditional=conditional,
                in_task=frame.in_task,
            )
        )


def find_sites(tree: ast.Module, settings: Settings, lines: list[int] | None = None) -> list[Site]:
    """Every executor construction the rules look at, in source order; with ``lines``, only
    those in statements spanning one of them (enough for CVX001/CVX002, and much faster)."""
    detector = _Detector(tree, settings, lines)
    detector.visit(tree)
    return sorted(detector.sites, key=lambda site: (site.line, site.col))


def _inline_finding(site: Site) -> Finding:
    fields = {"executor": site.executor, "entry": site.entry}
    if site.where is None:
        message = CVX001.message(**fields)
        return Finding("CVX001", site.line, site.col, message, site, *_once_fix(site))
    message = CVX002.message(**fields, where=site.where, per=site.per)
    return Finding("CVX002", site.line, site.col, message, site, *_repeated_fix(site))


_CONDITIONAL = (
    "it is built only when its branch of the conditional is chosen; hoisted, it would be "
    "built every time"
)


def _once_fix(site: Site) -> tuple[str | None, str | None]:
    return (None, _CONDITIONAL) if site.conditional else ("safe", None)


def _repeated_fix(site: Site) -> tuple[str | None, str | None]:
    if not site.pure:
        return None, f"its arguments have side effects that run on every {site.per}"
    if site.conditional:
        return None, _CONDITIONAL
    if site.in_task:
        return None, (
            "it is inside a function Covalent decorates, which Covalent pickles with the "
            "globals it uses: a module-level executor would be pickled with it"
        )
    return ("unsafe" if site.in_function else "safe"), None


def _blocked(finding: Finding) -> Finding:
    names = ", ".join(finding.site.blocking_names)
    reason = f"its arguments use {names}, which is not a module-level name"
    return Finding(
        finding.code, finding.line, finding.col, finding.message, finding.site, None, reason
    )


def _configuration_findings(sites: list[Site]) -> Iterator[Finding]:
    by_class: dict[str, dict[str, list[Site]]] = {}
    for site in sites:
        if site.entry is None and not site.covalent:
            continue
        by_class.setdefault(site.class_key, {}).setdefault(site.config_key, []).append(site)
    for configs in by_class.values():
        if len(configs) < 2:
            continue
        groups = list(configs.values())
        first = groups[0][0]
        for group in groups[1:]:
            site = group[0]
            message = CVX003.message(
                executor=site.executor, count=len(groups), first_line=first.line
            )
            yield Finding(
                "CVX003",
                site.line,
                site.col,
                message,
                site,
                None,
                "CVX003 is never fixed automatically",
            )


def findings_for_tree(tree: ast.Module, settings: Settings) -> list[Finding]:
    """All findings of all rules for a parsed module, sorted by position and code."""
    return findings_for_sites(find_sites(tree, settings))


def findings_for_sites(sites: list[Site], all_rules: bool = True) -> list[Finding]:
    """The findings for the sites of one module; CVX003 only with ``all_rules`` (it needs
    every site of the module, not those of a pruned search)."""
    findings = []
    for site in sites:
        if site.entry is not None:
            finding = _inline_finding(site)
            findings.append(_blocked(finding) if site.blocking_names else finding)
    if all_rules:
        findings.extend(_configuration_findings(sites))
    return sorted(findings, key=lambda f: (f.line, f.col, f.code))
