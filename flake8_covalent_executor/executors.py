"""Which calls build an executor and which are Covalent entry points, in one module's names."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from . import covalent_api as api
from .scopes import Resolver, scope_nodes
from .settings import Settings

_IMPURE = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)
_PARTIALS = frozenset({"functools.partial"})


class ExecutorNames:
    """Resolves callables through a module's imports and scopes (via ``resolver``, whose
    scope stack the walk keeps current) and says what they are."""

    def __init__(self, tree: ast.Module, resolver: Resolver, settings: Settings) -> None:
        self.resolver, self.settings = resolver, settings
        # What a ``functools.partial`` alias may be. Not a bound method: the resolver holding
        # this object would make a reference cycle, and every module's AST would wait for the
        # cyclic garbage collector (measured: check 15% slower on the generated tree).
        extra = settings.extra_entry_points
        resolver.wraps = lambda qualname: bool(api.entry_keywords(qualname, extra))
        self.extra_names = {name.rpartition(".")[2] for name in settings.extra_executors}
        self.local_classes = self._local_executor_classes(tree)

    def _local_executor_classes(self, tree: ast.Module) -> frozenset[str]:
        """Executor subclasses defined at module level (in if/try blocks too), not inside
        functions; a class counts once one of its bases does."""
        classes = [n for n in scope_nodes(tree.body) if isinstance(n, ast.ClassDef)]
        found: set[str] = set()
        changed = True
        while changed:
            changed = False
            for cls in classes:
                if cls.name not in found and any(self._is_executor(b, found) for b in cls.bases):
                    found.add(cls.name)
                    changed = True
        return frozenset(found)

    def is_executor(self, node: ast.expr) -> bool:
        """True when ``node`` names an executor class or a configured constructor."""
        return self._is_executor(node, self.local_classes)

    def _is_executor(self, node: ast.expr, local: set[str] | frozenset[str]) -> bool:
        qualname = self.resolver.resolve(node)
        if qualname is None:
            return False
        return (
            qualname in self.settings.extra_executors
            or api.looks_like_executor(qualname)
            or api.is_covalent_origin(qualname)
            or qualname in local
        )

    def is_covalent(self, node: ast.expr) -> bool:
        """Stricter: only what surely is Covalent's (for counting configurations, CVX003)."""
        qualname = self.resolver.resolve(node)
        return qualname is not None and (
            api.is_covalent_origin(qualname)
            or qualname in self.settings.extra_executors
            or qualname in self.local_classes
        )

    def may_construct(self, func: ast.expr) -> bool:
        """A cheap look at the spelling before resolving: executor classes are CapWords;
        lowercase callables count only when configured (``--covalent-extra-executors``)."""
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name[:1].isupper() or name in self.extra_names

    def entry_keywords(self, func: ast.expr) -> tuple[str, ...]:
        """The executor keywords of the entry point ``func`` names, or () if it is none."""
        qualname = self.resolver.resolve(func)
        if qualname is None:
            return ()
        return self._keywords_of(qualname)

    def _keywords_of(self, qualname: str) -> tuple[str, ...]:
        return api.entry_keywords(qualname, self.settings.extra_entry_points)

    def entry_call(self, call: ast.Call) -> tuple[ast.expr, tuple[str, ...]]:
        """The entry point a call's keywords go to, and its executor keywords (() when none):
        the callee, or the entry point ``functools.partial(entry, ...)`` wraps."""
        keywords = self.entry_keywords(call.func)
        if keywords or not call.args:
            return call.func, keywords
        if self.resolver.resolve(call.func) not in _PARTIALS:
            return call.func, ()
        wrapped = call.args[0]
        if not isinstance(wrapped, ast.Call):
            return wrapped, self.entry_keywords(wrapped)
        if self.resolver.resolve(wrapped.func) in _PARTIALS:  # a partial of a partial
            return self.entry_call(wrapped)
        return call.func, ()

    def is_entry_point(self, decorator: ast.expr) -> bool:
        """True for a decorator that makes an electron, lattice or other entry point."""
        if isinstance(decorator, ast.Call):
            return bool(self.entry_call(decorator)[1])
        return bool(self.entry_keywords(decorator))

    def constructions(
        self, value: ast.expr, conditional: bool = False
    ) -> Iterator[tuple[ast.Call, bool, ast.IfExp | None]]:
        """Each executor built in a keyword's value, whether it is built only sometimes (in
        a branch of ``a if c else b`` or an operand of ``and``/``or``), and the conditional
        value it can move with as a whole: ``A() if c else B()`` with both branches
        executors, at the top of the value and outside any other condition."""
        whole = self._whole_conditional(value) if not conditional else None
        if whole is not None:
            for branch in (whole.body, whole.orelse):
                assert isinstance(branch, ast.Call)
                yield branch, False, whole
            return
        if isinstance(value, ast.Call) and self.is_executor(value.func):
            yield value, conditional, None
        elif isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            for element in value.elts:
                yield from self.constructions(element, conditional)
        elif isinstance(value, ast.Starred):
            yield from self.constructions(value.value, conditional)
        elif isinstance(value, ast.IfExp):
            yield from self.constructions(value.body, True)
            yield from self.constructions(value.orelse, True)
        elif isinstance(value, ast.BoolOp):
            for operand in value.values:
                yield from self.constructions(operand, True)

    def _whole_conditional(self, value: ast.expr) -> ast.IfExp | None:
        if not isinstance(value, ast.IfExp):
            return None
        branches = (value.body, value.orelse)
        if not all(isinstance(b, ast.Call) and self.is_executor(b.func) for b in branches):
            return None
        # A test with effects (``A() if on() else B()``) would move with the value: no.
        test_runs_code = any(isinstance(n, _IMPURE) for n in ast.walk(value.test))
        return None if test_runs_code else value
