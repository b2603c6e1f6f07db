"""What running a piece of a module may do, judged on the ast: the model a safe fix rests on.

A construction ``X(args)`` reads the names its callee and arguments use, and, for Covalent's
executors, the Covalent config. Hoisting it (or sharing one instance between equal sites) is
safe when nothing that runs between the new binding and the site can change what it reads:

- nothing in between rebinds a name it reads (assignments of every kind, ``del``, imports,
  ``def``/``class``, loop, ``with``, ``except`` and ``match`` targets, ``:=``);
- nothing in between has effects we cannot see: every call must be to a Covalent entry point
  (``ct.electron``, ``ct.lattice``, ...), a Covalent executor's constructor or an inert
  builtin, and nothing may store into an attribute or a subscript, import a module, or run
  a loop, ``with``, ``try`` or ``match`` block. Such code could change anything, Covalent's
  config included (``ct.set_config``);
- and the construction ran exactly when the binding now runs: not in a branch (``a if c else
  b``, ``and``/``or``), a comprehension or loop that may run no times, a lambda, an ``assert``
  message, a ``case`` guard or an annotation that is never evaluated.

The assumptions: reading an attribute or a subscript, operators and comparisons, and the
entry points and executor constructors above have no effect on what the program reads.
"""

from __future__ import annotations

import ast
import builtins
import copy
import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..executors import ExecutorNames
from ..findings import Text
from ..scopes import Resolver
from ..settings import Settings

# Builtins that only compute from their arguments (unless the module rebinds their name).
_INERT_BUILTINS = frozenset(
    {
        "range",
        "len",
        "str",
        "int",
        "float",
        "bool",
        "tuple",
        "list",
        "dict",
        "set",
        "frozenset",
        "isinstance",
        "min",
        "max",
    }
)
_BUILTINS = frozenset(dir(builtins))
_CAPTURES = frozenset({"MatchAs", "MatchStar", "MatchMapping"})
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Expressions that compute without calling anything we cannot see.
_PLAIN_EXPRESSIONS = (
    ast.Name,
    ast.Constant,
    ast.Attribute,
    ast.Subscript,
    ast.Slice,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.Starred,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Lambda,
    ast.keyword,
    ast.arguments,
    ast.arg,
    ast.expr_context,
    ast.operator,
    ast.unaryop,
    ast.boolop,
    ast.cmpop,
)
# Statements that do nothing but bind (their parts are judged on their own).
_PLAIN_STATEMENTS = (
    ast.Expr,
    ast.Assign,
    ast.AnnAssign,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.If,
    ast.Pass,
    ast.Delete,
    ast.Global,
    ast.Nonlocal,
)


@dataclass(frozen=True)
class Reads:
    """What a construction reads: the first name of each chain its callee and arguments use."""

    names: frozenset[str]

    @classmethod
    def of(cls, call: ast.AST) -> Reads:
        return cls(frozenset(n.id for n in ast.walk(call) if isinstance(n, ast.Name)))


class Effects:
    """Judges pieces of one module: what they may do, and what they bind."""

    def __init__(self, tree: ast.Module, settings: Settings) -> None:
        resolver = Resolver(tree)
        self.names = ExecutorNames(tree, resolver, settings)
        self.module = resolver.module
        self._tree = tree
        self.functions = {
            s.name: s for s in tree.body if isinstance(s, ast.FunctionDef) and not s.decorator_list
        }
        self._judging: set[str] = set()  # functions being judged (recursion stops there)
        self.future_annotations = any(
            isinstance(s, ast.ImportFrom)
            and s.module == "__future__"
            and any(a.name == "annotations" for a in s.names)
            for s in tree.body
        )

    # -- effects ------------------------------------------------------------------------
    def unknown_effect(self, node: ast.AST, sites: frozenset[ast.AST] = frozenset()) -> str | None:
        """What in ``node`` may have an effect we cannot see, or None. ``sites`` are
        constructions the fix shares (judged inert: they are what it moves)."""
        if isinstance(node, _Alone):
            return None if node.node in sites else self._effect_of(node.node)
        stack = [node]
        while stack:
            item = stack.pop()
            if item in sites:
                continue
            problem = self._effect_of(item)
            if problem is not None:
                return problem
            stack.extend(self._running_children(item))
        return None

    def _running_children(self, node: ast.AST) -> list[ast.AST]:
        """The parts of ``node`` that run where it stands: not a function's or lambda's body,
        nor annotations that ``from __future__ import annotations`` leaves unevaluated."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            parts = _outside_body(node)
            if not self.future_annotations and not isinstance(node, ast.Lambda):
                args = node.args
                every = [*getattr(args, "posonlyargs", ()), *args.args, *args.kwonlyargs]
                every += [a for a in (args.vararg, args.kwarg) if a is not None]
                parts += [a.annotation for a in every if a.annotation is not None]
            return parts
        if isinstance(node, ast.AnnAssign) and self.future_annotations:
            return [part for part in (node.target, node.value) if part is not None]
        return list(ast.iter_child_nodes(node))

    def _effect_of(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Call):
            return None if self._inert_call(node) else f"a call ({_describe(node.func)}())"
        if isinstance(node, ast.stmt):
            return self._statement_effect(node)
        if isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(node.ctx, ast.Load):
            if isinstance(node.value, ast.Name) and node.value.id in self.containers:
                return None  # changes that object only (``rebinds`` names it)
            return "a store into an attribute or item"
        if isinstance(node, (*_PLAIN_EXPRESSIONS, ast.comprehension, ast.withitem)):
            return None
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return None  # its parts are judged; iterating a plain value calls nothing of ours
        if isinstance(node, (ast.JoinedStr, ast.FormattedValue)):
            return "an f-string (formatting may call code)"
        return f"a {type(node).__name__} expression"

    def _statement_effect(self, node: ast.stmt) -> str | None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None  # its decorators and defaults are judged; its body does not run
        if isinstance(node, _PLAIN_STATEMENTS):
            return None
        if isinstance(node, ast.ClassDef):
            return "a class statement (its body and bases may run code)"
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return "an import (it runs the imported module)"
        return f"a {type(node).__name__.lower()} statement"

    def _inert_call(self, call: ast.Call) -> bool:
        func = call.func
        if self._container_method(call) is not None:
            return True
        if isinstance(func, ast.Name) and func.id in _INERT_BUILTINS:
            return not self.module.binds(func.id) and not self.module.star_imports
        if isinstance(func, ast.Name) and func.id in self.functions:
            return self._inert_function(func.id)
        if self.names.entry_call(call)[1]:  # an entry point, or a functools.partial of one
            return True
        return self.names.is_covalent(func)

    def _inert_function(self, name: str) -> bool:
        """A module-level function, bound once and not decorated, whose body binds only its
        own locals and runs nothing with effects (``return`` allowed)."""
        if name in self._judging or self.module.others.get(name, 0) != 1:
            return False
        function = self.functions[name]
        self._judging.add(name)
        try:
            return not any(
                isinstance(n, (ast.Global, ast.Nonlocal)) for n in ast.walk(function)
            ) and all(self._inert_body_statement(s) for s in function.body)
        finally:
            self._judging.discard(name)

    def _inert_body_statement(self, statement: ast.stmt) -> bool:
        stored = [
            n
            for n in ast.walk(statement)
            if isinstance(n, (ast.Attribute, ast.Subscript)) and not isinstance(n.ctx, ast.Load)
        ]
        if stored:
            return False
        if isinstance(statement, ast.Return):
            return statement.value is None or self.unknown_effect(statement.value) is None
        return self.unknown_effect(statement) is None

    @functools.cached_property
    def containers(self) -> frozenset[str]:
        """Module-private lists, dicts, sets and executors (see ``_private_objects``); found
        the first time a region asks, as most files never do."""
        return _private_objects(self._tree, self.names)

    def inside(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> Effects:
        """The same judge for code in ``function``'s body: its own private lists, dicts and
        sets count as containers too (returning one at the end does not let code in the
        region hold it)."""
        body = ast.Module(body=list(function.body), type_ignores=[])
        judge = copy.copy(self)
        judge.containers = self.containers | _private_objects(body, self.names)
        return judge

    def _container_method(self, call: ast.Call) -> str | None:
        """The list, dict or set a call like ``tasks.append(x)`` changes, when ``tasks`` is a
        module-level container that is never passed anywhere (so nothing else holds it)."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return None
        name = func.value.id  # (the method first: the containers are found only if asked)
        if func.attr in _CONTAINER_METHODS and name in self.containers:
            return name
        return None

    # -- bindings -----------------------------------------------------------------------
    def rebinds(self, node: ast.AST, reads: Reads) -> str | None:
        """A name of ``reads`` that ``node`` may bind (or, a container, change), or None."""
        target = node.node if isinstance(node, _Alone) else node
        if isinstance(node, _Alone) and isinstance(target, ast.Call):
            changed = self._container_method(target)
            return changed if changed in reads.names else None
        if isinstance(node, _Alone) and isinstance(target, ast.expr):
            return None  # an expression binds only through its children (``:=``)
        for name in _bound_names(target):
            if name in reads.names:
                return name
        for item in ast.walk(target):
            changed = self._changed_object(item)
            if changed is not None and changed in reads.names:
                return changed
        return None

    def _changed_object(self, node: ast.AST) -> str | None:
        """The module-level object (of ``containers``) that ``node`` changes, if any."""
        if isinstance(node, ast.Call):
            return self._container_method(node)
        if isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(node.ctx, ast.Load):
            value = node.value
            return value.id if isinstance(value, ast.Name) else None
        return None

    # -- when a part of a statement runs ------------------------------------------------
    def is_entry(self, decorator: ast.expr) -> bool:
        return self.names.is_entry_point(decorator)

    def conditional_part(
        self, statement: ast.stmt, site: ast.AST, repeated: bool = False
    ) -> str | None:
        """Why ``site`` may not run every time ``statement`` runs, or None when it runs then.
        With ``repeated`` (a site hoisted out of a loop), it may run more than once: a loop
        or comprehension on the way must surely run at least once."""
        path = _path(statement, site)
        if path is None:
            return "it is not where the plan put it"
        for parent, child in zip(path, path[1:]):
            problem = self._conditional_child(parent, child, repeated)
            if problem is not None:
                return problem
        return None

    def _conditional_child(self, parent: ast.AST, child: ast.AST, repeated: bool) -> str | None:
        if isinstance(parent, ast.IfExp) and child is not parent.test:
            return "it is built only in one branch of a conditional expression"
        if isinstance(parent, ast.BoolOp) and child is not parent.values[0]:
            return "it is built only when an `and`/`or` does not stop before it"
        if isinstance(parent, _COMPREHENSIONS) and not self._iterates(parent, child, repeated):
            return "it is built once per item of a comprehension, which may have none"
        if isinstance(parent, ast.Lambda) and child is parent.body:
            return "it is built only when a lambda is called"
        if isinstance(parent, ast.Assert) and child is parent.msg:
            return "it is built only when an assertion fails"
        if type(parent).__name__ == "match_case" and child is getattr(parent, "guard", None):
            return "it is built only when a `case` pattern matches"
        if self._unevaluated_annotation(parent, child):
            return "it is in an annotation, which `from __future__ import annotations` never runs"
        if is_elif(parent, child):
            return "it is in an `elif` condition, which runs only when those above it fail"
        return self._loop_child(parent, child, repeated)

    def _loop_child(self, parent: ast.AST, child: ast.AST, repeated: bool) -> str | None:
        if isinstance(parent, (ast.For, ast.AsyncFor)) and child is not parent.iter:
            if child in parent.orelse:
                return "it is in a loop's `else`, which runs only when no `break` stops it"
            if not (repeated and runs_at_least_once(parent, self)):
                return "it is built once per iteration of a loop, which may run no times"
        if isinstance(parent, ast.While):
            return "it is built in a `while` loop, which may run no times"
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and child in parent.body:
            return "it is built only when the function is called"
        return None

    def _iterates(self, node: ast.AST, child: ast.AST, repeated: bool) -> bool:
        """True when ``child`` of a comprehension runs (at least once) whenever it does: the
        first iterable always does; the rest only in a comprehension hoisted out of
        (``repeated``) whose every iterable surely has items and which filters none."""
        generators: list[ast.comprehension] = getattr(node, "generators", [])
        if child is generators[0].iter:
            return True
        return repeated and all(
            not g.ifs and not g.is_async and non_empty(g.iter, self) for g in generators
        )

    def _unevaluated_annotation(self, parent: ast.AST, child: ast.AST) -> bool:
        if not self.future_annotations:
            return False
        if isinstance(parent, ast.AnnAssign):
            return child is parent.annotation
        if isinstance(parent, ast.arg):
            return child is parent.annotation
        return isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            child is parent.returns
        )

    # -- regions --------------------------------------------------------------------------
    def region_problem(
        self, pieces: Iterable[ast.AST], reads: Reads, sites: frozenset[ast.AST]
    ) -> Text | None:
        """Why what runs in ``pieces`` (between a binding and a use) may change what a
        construction reading ``reads`` builds, or None."""
        for piece in pieces:
            effect = self.unknown_effect(piece, sites)
            if effect is not None:
                return Text(
                    "{effect} runs between where it would be built and {line}; it could "
                    "change what the executor is built from",
                    {"effect": effect, "line": _line_of(piece)},
                )
            name = self.rebinds(piece, reads)
            if name is not None:
                return Text(
                    "{name}, which its construction reads, is rebound or changed at {line}, "
                    "between where it would be built and where it is used",
                    {"name": name, "line": _line_of(piece)},
                )
        return None


_EXECUTOR_KEYWORDS = frozenset({"executor", "workflow_executor", "backend"})
_CONTAINER_METHODS = frozenset({"append", "extend", "insert", "add", "update", "setdefault"})
_DISPLAYS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)


def _private_objects(tree: ast.Module, names: ExecutorNames) -> frozenset[str]:
    """Module-level names bound once, to a new list, dict or set or a Covalent executor,
    and used only as ``name.attr``, ``name[...]``, an iterable or ``executor=name``: no other
    code the fix looks at can hold the object, so changing it changes only reads of it."""
    fresh: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
            new = isinstance(value, _DISPLAYS) or (
                isinstance(value, ast.Call) and names.is_covalent(value.func)
            )
            if isinstance(target, ast.Name) and new:
                fresh.add(target.id)
    if not fresh:
        return frozenset()
    counts = Counter(name for name in _every_binding(tree) if name in fresh)
    held = {n.id for n in _escaping_loads(tree)}
    return frozenset(n for n in fresh if counts[n] == 1 and n not in held)


def _every_binding(tree: ast.AST) -> Iterator[str]:
    """Each name bound anywhere in ``tree``, once per binding (parameters included)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            yield node.id
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            yield from ((a.asname or a.name).partition(".")[0] for a in node.names)
        elif isinstance(node, ast.arg):
            yield node.arg
        elif isinstance(node, ast.ExceptHandler) and node.name:
            yield node.name
        elif type(node).__name__ in _CAPTURES:
            for field_name in ("name", "rest"):
                captured = getattr(node, field_name, None)
                if isinstance(captured, str):
                    yield captured


def _escaping_loads(tree: ast.Module) -> Iterator[ast.Name]:
    """Loads of a name other than as ``name.attr``, ``name[...]``, a loop's iterable, an
    ``executor=`` value or a returned value."""
    contained: set[ast.AST] = set()
    loads: list[ast.Name] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            contained.add(node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            contained.add(node.iter)
        elif isinstance(node, ast.keyword) and node.arg in _EXECUTOR_KEYWORDS:
            contained.add(node.value)
        elif isinstance(node, ast.Return) and node.value is not None:
            contained.add(node.value)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads.append(node)
    return (node for node in loads if node not in contained)


def _line_of(node: ast.AST) -> object:
    from ..findings import LineRef

    return LineRef(getattr(node, "lineno", 0))


def _describe(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Call):
        return f"{_describe(func.func)}(...)"
    if isinstance(func, ast.Subscript):
        return f"{_describe(func.value)}[...]"
    if isinstance(func, ast.Lambda):
        return "lambda"
    if isinstance(func, ast.Attribute):
        return f"{_describe(func.value)}.{func.attr}" if _describe(func.value) else func.attr
    return ""


def is_elif(parent: ast.AST, child: ast.AST) -> bool:
    """An ``elif`` is an ``if`` alone in the orelse, in the column of the ``if`` above it
    (an ``if`` nested under ``else:`` is indented deeper)."""
    return (
        isinstance(parent, ast.If)
        and len(parent.orelse) == 1
        and parent.orelse[0] is child
        and isinstance(child, ast.If)
        and child.col_offset == parent.col_offset
    )


def _path(root: ast.AST, target: ast.AST) -> list[ast.AST] | None:
    """The nodes from ``root`` down to ``target``, both included, or None."""
    stack: list[tuple[ast.AST, list[ast.AST]]] = [(root, [root])]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        for child in ast.iter_child_nodes(node):
            stack.append((child, [*path, child]))
    return None


def _bound_names(node: ast.AST) -> Iterator[str]:
    """Every name ``node`` may bind where it runs (lambda and function bodies bind only
    their own locals and are not entered; their ``global`` statements count)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Name) and not isinstance(item.ctx, ast.Load):
            yield item.id
        elif isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield item.name
            yield from _globals_declared(item)
        elif isinstance(item, (ast.Import, ast.ImportFrom)):
            for alias in item.names:
                yield (alias.asname or alias.name).partition(".")[0]
        elif isinstance(item, ast.ExceptHandler) and item.name:
            yield item.name
        elif type(item).__name__ in _CAPTURES:  # match patterns (3.10+)
            for field in ("name", "rest"):
                captured = getattr(item, field, None)
                if isinstance(captured, str):
                    yield captured
        if isinstance(item, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(_outside_body(item))
        else:
            stack.extend(ast.iter_child_nodes(item))


def _outside_body(node: ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """What of a function runs where it is defined: decorators, defaults, annotations."""
    args = node.args
    parts: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    if not isinstance(node, ast.Lambda):
        parts += [*node.decorator_list, *([node.returns] if node.returns else [])]
    return parts


def _globals_declared(node: ast.AST) -> Iterator[str]:
    """Names a function or class body declares ``global``: calling it may rebind them."""
    for item in ast.walk(node):
        if isinstance(item, ast.Global):
            yield from item.names


def before(statement: ast.stmt, site: ast.AST) -> list[ast.AST]:
    """The parts of ``statement`` that run before ``site`` does (a superset: what stands
    before it in the text, its ancestors left out; a target is evaluated after the value,
    so counting it is only more cautious)."""
    return [n for n in _beside(statement, site) if _ends_before(n, site)]


def around(statement: ast.stmt, site: ast.AST) -> list[ast.AST]:
    """Every part of ``statement`` but ``site`` and its ancestors: in a loop, what runs
    between one iteration's construction and the next."""
    return list(_beside(statement, site))


def shallow(statement: ast.stmt, site: ast.AST) -> list[ast.AST]:
    """The ancestors of ``site`` in ``statement`` (``statement`` left out), each standing
    for itself alone: what runs after one construction and before the next iteration's."""
    path = _path(statement, site) or []
    return [_Alone(node) for node in path[1:-1]]


class _Alone(ast.AST):
    """A node judged without its children (they are judged on their own)."""

    _fields = ()

    def __init__(self, node: ast.AST) -> None:
        super().__init__()
        self.node = node
        self.lineno = getattr(node, "lineno", 0)


def _beside(root: ast.AST, site: ast.AST) -> Iterator[ast.AST]:
    path = _path(root, site) or [root]
    on_path = set(path)
    for node in path[:-1]:
        for child in ast.iter_child_nodes(node):
            if child not in on_path:
                yield child


def _ends_before(node: ast.AST, site: ast.AST) -> bool:
    end = getattr(node, "end_lineno", None)
    if end is None:  # no position (arguments, comprehension): judge by what it holds
        return any(_ends_before(child, site) for child in ast.iter_child_nodes(node))
    return (end, getattr(node, "end_col_offset", 0) or 0) <= (
        getattr(site, "lineno", 0),
        getattr(site, "col_offset", 0),
    )


def runs_at_least_once(loop: ast.stmt, effects: Effects) -> bool:
    """True for a ``for`` over a value that surely has an item: a non-empty literal list,
    tuple, set, dict or string, or ``range(N)`` with a literal N > 0 (range not rebound)."""
    if not isinstance(loop, ast.For):
        return False
    return non_empty(loop.iter, effects)


def non_empty(value: ast.expr, effects: Effects) -> bool:
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return any(not isinstance(e, ast.Starred) for e in value.elts)
    if isinstance(value, ast.Dict):
        return any(key is not None for key in value.keys)
    if isinstance(value, ast.Constant):
        return isinstance(value.value, (str, bytes)) and len(value.value) > 0
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        if value.func.id != "range" or effects.module.binds("range") or value.keywords:
            return False
        args = value.args
        if len(args) == 1 and isinstance(args[0], ast.Constant):
            count = args[0].value
            return isinstance(count, int) and not isinstance(count, bool) and count > 0
    return False


def is_builtin(name: str) -> bool:
    return name in _BUILTINS
