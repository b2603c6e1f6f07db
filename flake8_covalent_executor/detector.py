"""The one decision about what an inline executor is, shared by flake8, ``check`` and ``fix``."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from . import covalent_api as api
from .rules import CVX001, CVX002, CVX003
from .scopes import Resolver, build_scope, dotted_name
from .settings import Settings

_ENTRY_KEYWORD_TOKENS = (b"xecutor", b"backend")
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_IMPURE = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)


def may_have_findings(source: bytes, settings: Settings) -> bool:
    """The text prefilter: False when the file cannot contain a finding, before any parse."""
    return any(token in source for token in settings.prefilter_tokens()) and any(
        token in source for token in _ENTRY_KEYWORD_TOKENS
    )


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
    bound: frozenset[str]


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
    sites: list[Site] = field(default_factory=list)
    _inline: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.tree)
        self.frames = [_Frame(None, "", False, frozenset())]
        self.local_executors = self._local_executor_classes()

    # -- what is an executor ------------------------------------------------------------
    def _local_executor_classes(self) -> frozenset[str]:
        classes = [node for node in ast.walk(self.tree) if isinstance(node, ast.ClassDef)]
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
    def _enter(self, node: ast.AST, kind: str, where: str | None, per: str) -> None:
        self.resolver.push(node, kind)
        scope = self.resolver.stack[-1]
        outer = self.frames[-1]
        bound = outer.bound | frozenset(scope.imports) | frozenset(scope.others)
        self.frames.append(
            _Frame(
                where or outer.where,
                per if where else outer.per,
                outer.is_function or kind == "function",
                bound,
            )
        )

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
        self._enter(node, "function", f"function {node.name}()", "call")
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
        loop_scope = build_scope(
            ast.Module(body=[*self._loop_parts(node)], type_ignores=[]), "loop"
        )
        outer = self.frames[-1]
        bound = outer.bound | frozenset(loop_scope.imports) | frozenset(loop_scope.others)
        self.frames.append(_Frame("a loop", "iteration", outer.is_function, bound))
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
        qualname = self.resolver.resolve(node.func)
        if qualname is not None:
            keywords = api.entry_keywords(qualname, self.settings.extra_entry_points)
            for kw in node.keywords:
                if kw.arg in keywords:
                    for ctor in self._constructions(kw.value):
                        self._record(ctor, dotted_name(node.func) or qualname, kw.arg)
        if id(node) not in self._inline and self._is_executor_name(node.func):
            self._record(node, None, None, self._is_covalent_executor(node.func))
        self.generic_visit(node)

    def _constructions(self, value: ast.expr) -> Iterator[ast.Call]:
        if isinstance(value, ast.Call) and self._is_executor_name(value.func):
            yield value
        elif isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            for element in value.elts:
                yield from self._constructions(element)
        elif isinstance(value, ast.Starred):
            yield from self._constructions(value.value)
        elif isinstance(value, ast.IfExp):
            yield from self._constructions(value.body)
            yield from self._constructions(value.orelse)
        elif isinstance(value, ast.BoolOp):
            for operand in value.values:
                yield from self._constructions(operand)

    def _record(
        self, call: ast.Call, entry: str | None, keyword: str | None, covalent: bool = True
    ) -> None:
        if entry is not None:
            self._inline.add(id(call))
        qualname = self.resolver.resolve(call.func) or ""
        frame = self.frames[-1]
        blocking = tuple(dict.fromkeys(n for n in _names_used(call) if n in frame.bound))
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
            )
        )


def find_sites(tree: ast.Module, settings: Settings) -> list[Site]:
    """Every executor construction the rules look at, in source order."""
    detector = _Detector(tree, settings)
    detector.visit(tree)
    return sorted(detector.sites, key=lambda site: (site.line, site.col))


def _inline_finding(site: Site) -> Finding:
    fields = {"executor": site.executor, "entry": site.entry}
    if site.where is None:
        return Finding("CVX001", site.line, site.col, CVX001.message(**fields), site, "safe")
    message = CVX002.message(**fields, where=site.where, per=site.per)
    return Finding("CVX002", site.line, site.col, message, site, *_repeated_fix(site))


def _repeated_fix(site: Site) -> tuple[str | None, str | None]:
    if not site.pure:
        return None, f"its arguments have side effects that run on every {site.per}"
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


def findings_for_sites(sites: list[Site]) -> list[Finding]:
    """All findings of all rules for the sites of one module."""
    findings = []
    for site in sites:
        if site.entry is not None:
            finding = _inline_finding(site)
            findings.append(_blocked(finding) if site.blocking_names else finding)
    findings.extend(_configuration_findings(sites))
    return sorted(findings, key=lambda f: (f.line, f.col, f.code))
