"""Planning a fix on the ``ast`` alone: which sites share which name, and where it is bound.

The plan names everything the rewrite (``splice``) needs by ``ast`` node, so no other parser
is involved.
"""

from __future__ import annotations

import ast
import builtins
import functools
import io
import re
import tokenize
import unicodedata
from dataclasses import dataclass, field

from ..findings import Finding, LineRef, Site, Text
from ..rules import Applicability
from ..scopes import build_scope, dotted_name
from ..settings import Settings
from .effects import Effects, Reads, around, before, is_elif, shallow

_EXECUTOR_KEYWORDS = frozenset({"executor", "workflow_executor", "backend"})
_REPEATING = (ast.FunctionDef, ast.AsyncFunctionDef, ast.For, ast.AsyncFor, ast.While)
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Chain:
    """The statements around a call, outermost first, each with the field that holds it."""

    statements: tuple[ast.stmt, ...]
    fields: tuple[str, ...]


@dataclass
class Group:
    """Sites that become one shared instance bound to ``name``."""

    name: str
    findings: list[Finding]
    anchor_depth: int  # index into the first site's statement chain: insert before it
    reused: bool = False  # ``name`` is an existing module-level instance
    commented: Finding | None = None  # the one site whose call holds a comment, if any

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def model(self) -> Finding:
        """The site whose call the binding copies as written: the one with a comment in
        it, if there is one (so the comment is kept), else the first."""
        return self.commented or self.first


@dataclass
class Plan:
    """Everything to change in one file, and what is left alone and why."""

    groups: list[Group] = field(default_factory=list)
    skipped: list[tuple[Finding, Text]] = field(default_factory=list)
    tree: ast.Module = field(default_factory=lambda: ast.Module(body=[], type_ignores=[]))
    chains: dict[ast.Call, Chain] = field(default_factory=dict)  # the statements around each call

    @property
    def fixed(self) -> list[Finding]:
        return [finding for group in self.groups for finding in group.findings]

    def chain_of(self, group: Group) -> Chain:
        """The statements around the group's first site."""
        return self.chains[group.first.site.node]

    def anchor_of(self, group: Group) -> ast.stmt:
        """The statement the group's new binding goes just before."""
        return self.chain_of(group).statements[group.anchor_depth]


class ModuleIndex:
    """What planning needs from the whole module, gathered in one walk: the statements
    around every call, every name bound or used anywhere (new names must avoid them all),
    how often each name is bound (a mutation, ``name.attr = ...``, counts as two), and the
    names used other than as the executor of a call (``executor=name``, or in a list or
    tuple there)."""

    def __init__(self, tree: ast.Module) -> None:
        self.chains: dict[ast.Call, Chain] = {}
        self.names: set[str] = set()
        self.bindings: dict[str, int] = {}
        self.other_uses: set[str] = set()
        self.in_fstring: set[ast.Call] = set()  # calls inside an f-string
        self._passed: set[ast.Name] = set()  # ``executor=name``: the name is only passed on
        self.passed: set[ast.AST] = set()  # every value passed so, names or not
        stack: list[tuple[ast.AST, tuple[ast.stmt, ...], tuple[str, ...]]] = [(tree, (), ())]
        while stack:
            node, statements, fields = stack.pop()
            value = getattr(node, "value", None)
            if type(node) is ast.keyword and node.arg in _EXECUTOR_KEYWORDS:
                passed = _passed_values(value)
                self.passed.update(passed)
                self._passed.update(n for n in passed if type(n) is ast.Name)
            self._note(node)
            for name in node._fields:
                value = getattr(node, name, None)
                for child in value if isinstance(value, list) else (value,):
                    if isinstance(child, ast.stmt):
                        stack.append((child, (*statements, child), (*fields, name)))
                    elif isinstance(child, ast.AST):
                        if type(child) is ast.Call:
                            self.chains[child] = Chain(statements, fields)
                        stack.append((child, statements, fields))

    def _bound(self, name: str, weight: int = 1) -> None:
        self.bindings[name] = self.bindings.get(name, 0) + weight

    def _note(self, node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            self.names.add(node.id)
            if not isinstance(node.ctx, ast.Load):
                self._bound(node.id)
            elif node not in self._passed:
                self.other_uses.add(node.id)
        elif type(node) in _NAMELESS:
            return
        elif isinstance(node, ast.arg):
            self.names.add(node.arg)
            self._bound(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.names.add(node.name)
            self._bound(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                self.names.add((alias.asname or alias.name).partition(".")[0])
                self._bound(alias.asname or alias.name, 2)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                self.names.add(name)
                self._bound(name, 2)
        elif isinstance(node, ast.Attribute):
            head = dotted_name(node.value) if not isinstance(node.ctx, ast.Load) else None
            if head:
                self._bound(head.partition(".")[0], 2)
        elif isinstance(node, ast.JoinedStr):
            self.in_fstring.update(n for n in ast.walk(node) if isinstance(n, ast.Call))
        else:  # except handlers, match captures (``case {**rest}`` too), ...
            for field_name in ("name", "rest"):
                captured = getattr(node, field_name, None)
                if isinstance(captured, str):
                    self.names.add(captured)
                    self._bound(captured)


def _passed_values(value: object) -> list[ast.AST]:
    """What an executor keyword's value passes on as executors: the value itself, or each
    item of a list or tuple of them (``executor=[_local_executor, "dask"]``)."""
    if type(value) in (ast.List, ast.Tuple):
        return list(getattr(value, "elts", []))
    return [value] if isinstance(value, ast.AST) else []


# Node types that never carry a ``name`` of their own: no need to look.
_NAMELESS = frozenset(
    {
        ast.alias,
        ast.Call,
        ast.Constant,
        ast.Load,
        ast.Store,
        ast.Expr,
        ast.keyword,
        ast.Assign,
        ast.Return,
        ast.BinOp,
        ast.Subscript,
        ast.FormattedValue,
        ast.List,
        ast.Tuple,
        ast.Dict,
        ast.arguments,
        ast.Compare,
        ast.If,
        ast.For,
        ast.With,
        ast.withitem,
        ast.AugAssign,
        ast.AnnAssign,
        ast.comprehension,
        ast.ListComp,
        ast.Module,
    }
)


def anchor_depth(chain: Chain, repeated: bool, in_function: bool = False) -> int:
    """Where the shared instance is bound: before the statement at this depth of the chain.

    Out of every function and loop around a repeated site (with ``in_function``, out of the
    loops only, inside the innermost function), then out of class bodies; a conditional block
    (``if``, ``try``, ``with``) keeps it, so it is built only when it was.
    """
    depth = len(chain.statements) - 1
    if repeated and in_function:
        functions = (ast.FunctionDef, ast.AsyncFunctionDef)
        start = max(i for i, s in enumerate(chain.statements) if isinstance(s, functions)) + 1
        for index in range(start, depth + 1):
            inside = index < depth and chain.fields[index + 1] == "body"
            if isinstance(chain.statements[index], _REPEATING) and (inside or index == depth):
                return index
    if repeated:
        for index, statement in enumerate(chain.statements):
            inside = index + 1 < len(chain.statements) and chain.fields[index + 1] == "body"
            if isinstance(statement, _REPEATING) and (inside or index == depth):
                depth = index
                break
    while depth > 0 and isinstance(chain.statements[depth - 1], ast.ClassDef):
        depth -= 1
    return depth


def snake_name(class_name: str) -> str:
    """``LocalExecutor`` → ``local_executor``, ``SSHExecutor`` → ``ssh_executor``; ASCII
    always (``ÉcoleExecutor`` → ``ecole_executor``), so the name can be written in any
    encoding a source file has."""
    ascii_name = unicodedata.normalize("NFKD", class_name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^A-Za-z0-9_]", "", ascii_name)
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", words)
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", words).lower().strip("_") or "executor"
    return words if words.endswith("executor") else f"{words}_executor"


def source_segment(lines: list[str], node: ast.expr) -> str:
    """The exact text of ``node`` (ast columns count UTF-8 bytes)."""
    end_line = node.end_lineno or node.lineno
    chunk = [line.encode("utf-8") for line in lines[node.lineno - 1 : end_line]]
    if len(chunk) == 1:
        return chunk[0][node.col_offset : node.end_col_offset].decode("utf-8", "replace")
    chunk[0] = chunk[0][node.col_offset :]
    chunk[-1] = chunk[-1][: node.end_col_offset]
    return b"".join(chunk).decode("utf-8", "replace")


def has_comment(lines: list[str], call: ast.expr) -> bool:
    """True when the call's own text holds a comment (it must move whole, not merge)."""
    segment = source_segment(lines, call)
    if "#" not in segment:
        return False
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(segment).readline))
    except (tokenize.TokenError, SyntaxError):
        return True
    return any(token.type == tokenize.COMMENT for token in tokens)


def _binds(statement: ast.stmt, name: str) -> bool:
    scope = build_scope(ast.Module(body=[statement], type_ignores=[]), "module")
    return scope.binds(name) or name in scope.aliases


def _block_of(parent: ast.AST, child: ast.stmt) -> list[ast.stmt]:
    for node in [parent, *getattr(parent, "handlers", ()), *getattr(parent, "cases", ())]:
        for _, value in ast.iter_fields(node):
            if isinstance(value, list) and any(item is child for item in value):
                return value
    return []


def anchor_statement(tree: ast.Module, chain: Chain, depth: int) -> tuple[ast.stmt, int]:
    """The statement a new binding goes before, and the last line above it that belongs to
    other code (the previous statement's end, or the header of its block; 0 at the top)."""
    anchor = chain.statements[depth]
    parent: ast.AST = chain.statements[depth - 1] if depth else tree
    block = _block_of(parent, anchor)
    index = next(i for i, item in enumerate(block) if item is anchor)
    if index:
        return anchor, block[index - 1].end_lineno or block[index - 1].lineno
    return anchor, getattr(parent, "lineno", 0)


def previous_statement(tree: ast.Module, chain: Chain, depth: int) -> ast.stmt | None:
    """The statement just before the anchor in its block (None when it starts the block)."""
    anchor = chain.statements[depth]
    block = _block_of(chain.statements[depth - 1] if depth else tree, anchor)
    index = _index_in(block, anchor)
    return block[index - 1] if index else None


def _preceding(tree: ast.Module, chain: Chain, depth: int) -> list[ast.stmt]:
    """Statements that run before the anchor: earlier ones in its block and in each outer one."""
    before: list[ast.stmt] = []
    parent: ast.AST = tree
    for statement in chain.statements[: depth + 1]:
        block = _block_of(parent, statement)
        before += block[: next(i for i, item in enumerate(block) if item is statement)]
        parent = statement
    return before


def _needed_names(call: ast.expr) -> list[str]:
    if not isinstance(call, ast.Call):  # a whole conditional value: every name in it
        return list(dict.fromkeys(n.id for n in ast.walk(call) if isinstance(n, ast.Name)))
    head = dotted_name(call.func)
    names = [head.partition(".")[0]] if head else []
    names += [
        n.id
        for arg in (*call.args, *call.keywords)
        for n in ast.walk(arg)
        if isinstance(n, ast.Name)
    ]
    return list(dict.fromkeys(names))


def _missing_name(
    tree: ast.Module, chain: Chain, depth: int, call: ast.expr, bound_anywhere: set[str]
) -> str | None:
    before = _preceding(tree, chain, depth)
    for name in _needed_names(call):
        if any(_binds(statement, name) for statement in before):
            continue
        if name not in bound_anywhere and (name in _BUILTINS or _star_import(before)):
            continue
        return name
    return None


def _star_import(statements: list[ast.stmt]) -> bool:
    return any(isinstance(s, ast.ImportFrom) and s.names[0].name == "*" for s in statements)


Instance = tuple[str, int, int]  # a name, where it is bound, the first statement after it


def _existing_instances(
    tree: ast.Module, sites: list[Site], index: ModuleIndex
) -> dict[tuple[str, str], Instance]:
    """Module-level ``name = Executor(...)`` bound once, and used only as the executor of
    entry points (never passed elsewhere, where it could be changed): (class, config) →
    (name, index of its statement in the module body, the index after it)."""
    calls = {site.node: site for site in sites if site.entry is None and site.pure}
    found: dict[tuple[str, str], Instance] = {}
    for position, statement in enumerate(tree.body):
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        value = statement.value
        target = statement.targets[0]
        site = calls.get(value) if isinstance(value, ast.Call) else None
        if not (isinstance(target, ast.Name) and site):
            continue
        name = target.id
        if index.bindings.get(name) == 1 and name not in index.other_uses:
            found.setdefault((site.qualname, site.config_key), (name, position, position + 1))
    return found


# What evaluating runs none of the program's code: a name (a dict lookup of a global or a
# builtin) and a constant. Operators, f-strings, displays (hashing), attributes, items and
# calls can all run a method the program defines (``__add__``, ``__format__``, ``__hash__``,
# ``__getattr__``), so none of them is inert here.
_INERT = (ast.Name, ast.Constant, ast.Load)


def runs_nothing(statement: ast.stmt) -> bool:
    """True when running ``statement`` runs none of the program's code, so it cannot call a
    function defined above it: a ``def`` without decorators whose defaults and annotations
    are names or constants, a constant expression (a docstring), or ``pass``. No assignment:
    rebinding a name can run the old value's ``__del__``; no class: its body runs, and each
    value it binds gets ``__set_name__``."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return not statement.decorator_list and all(map(_inert, _evaluated_at_def(statement)))
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant)
    return isinstance(statement, ast.Pass)


def _evaluated_at_def(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    """What a ``def`` statement evaluates when it runs: defaults and annotations."""
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
    annotations = [arg.annotation for arg in every if arg.annotation is not None]
    defaults = [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
    return [*defaults, *annotations, *([function.returns] if function.returns else [])]


def _inert(node: ast.AST) -> bool:
    return all(isinstance(part, _INERT) for part in ast.walk(node))


def in_function_body(node: ast.AST, parents: dict[ast.AST, ast.AST], top: ast.AST) -> bool:
    """True when ``node`` is in the body of a function within ``top`` (it runs only when
    that function is called, not when ``top`` runs)."""
    child, current = node, parents.get(node)
    while current is not None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
            child is item for item in current.body
        ):
            return True
        if current is top:
            return False
        child, current = current, parents.get(current)
    return False


@dataclass
class _Candidate:
    finding: Finding
    chain: Chain
    depth: int
    block: list[ast.stmt]  # the statement list the anchor is in: sites share only within one

    @property
    def block_key(self) -> ast.stmt:
        return self.block[0]  # names the block: each ``except`` handler and ``case`` has its own

    @property
    def top_statement(self) -> ast.stmt:
        return self.chain.statements[0]


def _index_in(block: list[ast.stmt], statement: ast.stmt) -> int:
    return next(i for i, item in enumerate(block) if item is statement)


def _parts_running_before(anchor: ast.stmt, site: Site) -> list[ast.AST]:
    """What runs between a binding just before ``anchor`` and the site: what stands before
    it in the statement; out of a loop, all the loop does on every iteration (the ancestors
    of the site too: they run between one iteration's construction and the next)."""
    if site.where is None:
        return before(anchor, site.target)
    return [*around(anchor, site.target), *shallow(anchor, site.target)]


def _shadowed(chain: Chain, name: str) -> bool:
    """True when a class or function around the site binds ``name`` itself."""
    for statement in chain.statements:
        if isinstance(statement, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            kind = "class" if isinstance(statement, ast.ClassDef) else "function"
            if build_scope(statement, kind).binds(name):
                return True
    return False


def _reached_from_tasks(tree: ast.Module, effects: Effects) -> set[ast.stmt]:
    """Module-level functions and classes that an electron's or lattice's function may run:
    those decorated with or passed to an entry point, and, transitively, those their bodies
    name. Covalent pickles such a function with the globals it uses."""
    defined = {
        s.name: s
        for s in tree.body
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    roots = [s for s in defined.values() if _decorated_task_in(s, effects)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and effects.names.entry_keywords(node.func):
            roots += [
                defined[a.id] for a in node.args if isinstance(a, ast.Name) and a.id in defined
            ]
    reached: set[ast.stmt] = set()
    while roots:
        statement = roots.pop()
        if statement in reached:
            continue
        reached.add(statement)
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and node.id in defined:
                roots.append(defined[node.id])
    return reached


def _decorated_task_in(statement: ast.stmt, effects: Effects) -> bool:
    """A function or class decorated with an entry point, or a class with such a method
    (``class Flows:`` with an ``@ct.lattice`` method): Covalent pickles it with its globals."""
    decorated = [
        node
        for node in ast.walk(statement)
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef))
        and (node is statement or isinstance(statement, ast.ClassDef))
    ]
    return any(any(map(effects.is_entry, node.decorator_list)) for node in decorated)


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_ONE_LINE = Text("it is in a one-line compound statement")
_UNSAFE = Text("unsafe fix (it moves construction to import time): use --unsafe-fixes")


class Planner:
    """Decides, on the ast alone, the groups of sites to hoist and the names they get."""

    def __init__(
        self, tree: ast.Module, lines: list[str], sites: list[Site], settings: Settings
    ) -> None:
        self.tree, self.lines = tree, lines
        index = ModuleIndex(tree)
        self.chains, self.taken, self.in_fstring = index.chains, index.names, index.in_fstring
        module = build_scope(tree, "module")
        self.module_names = set(module.others) | set(module.imports)
        self.existing = _existing_instances(tree, sites, index)
        self.passed = index.passed
        self._bound_by: dict[str, frozenset[ast.AST]] = {}  # a planned name: its sites
        self.top_index = {statement: i for i, statement in enumerate(tree.body)}
        self.effects = Effects(tree, settings)
        self._first: dict[ast.Call, _Candidate] = {}  # each group's first site

    @functools.cached_property
    def _pickled(self) -> set[ast.stmt]:
        """What an electron or lattice reaches (found only when an unsafe fix asks)."""
        return _reached_from_tasks(self.tree, self.effects)

    def plan(self, findings: list[Finding], unsafe: bool) -> Plan:
        """The groups to hoist for ``findings``, and each one left alone with the reason.

        The safe fixes are planned first, as ``fix`` alone plans them; then the unsafe ones,
        which may reuse the module-level bindings planned for the safe ones as a second run
        would reuse them once written. So ``fix`` then ``fix --unsafe-fixes`` gives what
        ``fix --unsafe-fixes`` gives."""
        plan = Plan(tree=self.tree, chains=self.chains)
        unsafe_ones = [f for f in findings if f.applicability is Applicability.UNSAFE]
        self._plan_some([f for f in findings if f not in unsafe_ones], unsafe, plan)
        if unsafe and unsafe_ones:
            self._offer(plan.groups)
        self._plan_some(unsafe_ones, unsafe, plan)
        return plan

    def _offer(self, groups: list[Group]) -> None:
        """The planned module-level bindings, as existing instances for later sites: those a
        second run would find (a pure call, bound at module level, its name only passed as
        an executor)."""
        for group in groups:
            site = group.model.site
            passed = all(f.site.target in self.passed for f in group.findings)
            if group.reused or group.anchor_depth or not site.pure or site.whole or not passed:
                continue
            at = self.top_index[self.plan_anchor(group)]
            key = (site.qualname, site.config_key)
            found = self.existing.get(key)
            if found is None or (at, at) < (found[2], found[1]):
                self.existing[key] = (group.name, at, at)
                # its sites become the binding, which stands before the region judged
                self._bound_by[group.name] = frozenset(
                    node for f in group.findings for node in (f.site.node, f.site.target)
                )

    def plan_anchor(self, group: Group) -> ast.stmt:
        return self.chains[group.first.site.node].statements[group.anchor_depth]

    def _plan_some(self, findings: list[Finding], unsafe: bool, plan: Plan) -> None:
        groups: dict[object, Group] = {}
        for finding in findings:
            reason = self._why_not(finding, unsafe)
            candidate = None if reason else self._candidate(finding)
            if not isinstance(candidate, _Candidate):
                plan.skipped.append((finding, reason or candidate or Text("not fixable")))
                continue
            self._add(candidate, groups, plan)

    @staticmethod
    def _why_not(finding: Finding, unsafe: bool) -> Text | None:
        if not finding.applicability.fixable:
            return finding.not_fixable_because or Text("not fixable")
        if finding.applicability is Applicability.UNSAFE and not unsafe:
            return _UNSAFE
        return None

    def _candidate(self, finding: Finding) -> _Candidate | Text:
        call = finding.site.node
        chain = self.chains[call]
        site = finding.site
        depth = anchor_depth(chain, site.where is not None, site.loop_in_function)
        anchor = chain.statements[depth]
        problem = self._layout_problem(chain, depth, call)
        if problem is None:
            missing = _missing_name(
                self.tree, chain, depth, finding.site.target, self.module_names
            )
            if missing is not None:
                problem = Text(
                    "its arguments need {name}, which is not bound before {line}",
                    {"name": missing, "line": LineRef(anchor.lineno)},
                )
        if problem is None:
            problem = self._timing_problem(finding, chain, depth)
        if problem is not None:
            return problem
        parent: ast.AST = chain.statements[depth - 1] if depth else self.tree
        return _Candidate(finding, chain, depth, _block_of(parent, anchor))

    def _layout_problem(self, chain: Chain, depth: int, call: ast.Call) -> Text | None:
        """Why no binding can be written on a line of its own before the anchor, if so."""
        anchor = chain.statements[depth]
        if depth and anchor.lineno == chain.statements[depth - 1].lineno:
            return _ONE_LINE
        if depth and is_elif(chain.statements[depth - 1], anchor):
            return Text("it is in an `elif` condition, which runs only when those above it fail")
        if call in self.in_fstring:  # ``f"{x=}"`` holds its own source text, too
            return Text("it is inside an f-string")
        return self._shares_line(anchor)

    def _timing_problem(self, finding: Finding, chain: Chain, depth: int) -> Text | None:
        """Why building the executor just before the anchor may build something else, or
        build it when the program would not have: see ``effects``."""
        site, anchor = finding.site, chain.statements[depth]
        if finding.applicability is Applicability.UNSAFE:  # opt-in: it moves to import time
            top = chain.statements[0]
            if top in self._pickled:
                return Text(
                    "it is in {name}, which an electron or lattice reaches: Covalent pickles "
                    "that with the globals it uses, and a module-level executor cannot be",
                    {"name": getattr(top, "name", "code")},
                )
            return None
        effects = self._effects_at(chain, depth)
        when = effects.conditional_part(anchor, site.target, repeated=site.where is not None)
        if when is not None:
            return Text(when)
        return effects.region_problem(
            _parts_running_before(anchor, site), Reads.of(site.target), frozenset()
        )

    def _effects_at(self, chain: Chain, depth: int) -> Effects:
        """The judge for code at the anchor: inside a function, with its private objects."""
        functions = [
            s
            for s in chain.statements[:depth]
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        return self.effects.inside(functions[-1]) if functions else self.effects

    def _shares_line(self, statement: ast.stmt) -> Text | None:
        """Why a binding cannot go on a line of its own before ``statement``, if it cannot."""
        if getattr(statement, "decorator_list", None):
            return None  # an ``@`` always starts its line
        before = self.lines[statement.lineno - 1].encode("utf-8")[: statement.col_offset]
        before = before.strip(b" \t\f")
        if not before:
            return None
        if before.endswith(b":"):  # ``else: x = ...``, ``case 1: x = ...``, ``if (a\n): x``
            return _ONE_LINE
        return Text("its statement shares a line with another (after a semicolon)")

    def _add(self, candidate: _Candidate, groups: dict[object, Group], plan: Plan) -> None:
        site = candidate.finding.site
        key: object = (candidate.block_key, site.qualname, site.config_key)
        if site.whole is not None:  # ``A() if c else B()``: its two sites, and equal ones
            key = (candidate.block_key, "whole", ast.dump(site.whole))
        if not site.pure:
            key = site.node
        commented = has_comment(self.lines, site.target)
        group = groups.get(key)
        if group is not None and self._joins(group, candidate, commented):
            group.findings.append(candidate.finding)
            group.commented = candidate.finding if commented else group.commented
            return
        groups[key] = group = self._new_group(candidate, reuse=not commented)
        group.commented = candidate.finding if commented else None
        self._first[site.node] = candidate
        plan.groups.append(group)

    def _joins(self, group: Group, candidate: _Candidate, commented: bool) -> bool:
        """A site joins a group when nothing between them can change what it reads; one
        with a comment in its call only when it is the group's only such site and its call
        is the same, to the letter of the ast (the binding will copy its text)."""
        if commented:
            if group.reused or group.commented is not None:
                return False
            same = ast.dump(group.first.site.target) == ast.dump(candidate.finding.site.target)
            if not same:
                return False
        return self._shareable(group, candidate)

    def _shareable(self, group: Group, candidate: _Candidate) -> bool:
        """True when nothing between the group's binding and this site can change what the
        construction reads (the site's own statement was judged on its own)."""
        first = self._first[group.first.site.node]
        block = first.block
        start = _index_in(block, first.chain.statements[first.depth])
        end = _index_in(block, candidate.chain.statements[candidate.depth])
        sites = frozenset(n for f in group.findings for n in (f.site.node, f.site.target))
        reads = Reads.of(candidate.finding.site.target)
        effects = self._effects_at(candidate.chain, candidate.depth)
        return effects.region_problem(block[start:end], reads, sites) is None

    def _new_group(self, candidate: _Candidate, reuse: bool = True) -> Group:
        """A group for the site: an existing instance it may reuse (never for a call with a
        comment in it, which would be lost), or a fresh name."""
        site = candidate.finding.site
        found = self.existing.get((site.qualname, site.config_key)) if site.pure else None
        existing = found if reuse and site.whole is None else None
        if existing is not None and self._reusable(existing, candidate):
            return Group(existing[0], [candidate.finding], candidate.depth, reused=True)
        kind = "Executor" if site.whole is not None else site.executor  # either class
        return Group(self._fresh_name(kind), [candidate.finding], candidate.depth)

    def _reusable(self, existing: Instance, candidate: _Candidate) -> bool:
        """The instance bound at module level before the site is what the site would build:
        nothing between them changes what it reads, and no scope around the site binds
        the name to something else. An unsafe fix may also reuse one bound after the
        function around the site, when nothing that runs in between can call it (see
        ``runs_nothing``): the function reads the name only when called."""
        name, at, after = existing
        top = candidate.chain.statements[0]
        top_position = self.top_index[top]
        if _shadowed(candidate.chain, name):
            return False
        site = candidate.finding.site
        if after > top_position:
            return (
                candidate.finding.applicability is Applicability.UNSAFE
                and in_function_body(site.node, self.parents, top)
                and all(map(runs_nothing, self.tree.body[top_position:at]))
            )
        pieces = [*self.tree.body[after:top_position], *before(top, site.node)]
        moved = self._bound_by.get(name, frozenset())
        return self.effects.region_problem(pieces, Reads.of(site.node), moved) is None

    @functools.cached_property
    def parents(self) -> dict[ast.AST, ast.AST]:
        return {
            child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)
        }

    def _fresh_name(self, class_name: str) -> str:
        """A module-private name (``_local_executor``): ``from module import *`` skips it, so
        it cannot overwrite a name of the importing module."""
        base = "_" + snake_name(class_name)
        name, number = base, 1
        while name in self.taken:
            number += 1
            name = f"{base}_{number}"
        self.taken.add(name)
        return name
