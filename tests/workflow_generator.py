"""Random Covalent workflow modules built from every form the rules cover.

One generator, two sources of choices: hypothesis (``DrawChooser``, for the property tests,
which shrink a failure to a small module) and ``random.Random`` (``RandomChooser``, for the
semantic tier, which needs a fixed batch of modules it can import under real Covalent).

Options are listed simplest first, so a shrunk failure reads as plainly as it can.
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Chooser(Protocol):
    def pick(self, options: Sequence[T]) -> T: ...

    def number(self, low: int, high: int) -> int: ...


class RandomChooser:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def number(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


class DrawChooser:
    """Choices drawn through hypothesis's ``draw`` (inside ``st.composite``)."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies as st

        self.draw, self.st = draw, st

    def pick(self, options: Sequence[T]) -> T:
        return self.draw(self.st.sampled_from(options))  # type: ignore[no-any-return]

    def number(self, low: int, high: int) -> int:
        return self.draw(self.st.integers(low, high))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Spelling:
    """How one import style spells the entry points and the executor namespace."""

    imports: str
    electron: str
    lattice: str
    lepton: str
    bash: str
    namespace: str | None  # ``ct.executor`` and the like; None when not reachable


def _ct(alias: str) -> Spelling:
    imports = "import covalent" if alias == "covalent" else f"import covalent as {alias}"
    return Spelling(
        imports,
        f"{alias}.electron",
        f"{alias}.lattice",
        f"{alias}.Lepton",
        f"{alias}.leptons.bash",
        f"{alias}.executor",
    )


COVALENT_IMPORTS: tuple[Spelling, ...] = (
    _ct("ct"),
    _ct("covalent"),
    _ct("cov"),
    Spelling(
        "from covalent import Lepton, electron, lattice, leptons\n"
        "from covalent import executor as ex",
        "electron",
        "lattice",
        "Lepton",
        "leptons.bash",
        "ex",
    ),
    Spelling(
        "from covalent import electron as el, lattice as lt, Lepton as Lp, leptons",
        "el",
        "lt",
        "Lp",
        "leptons.bash",
        None,
    ),
    Spelling(
        "from covalent import *", "electron", "lattice", "Lepton", "leptons.bash", "executor"
    ),
    Spelling(
        "try:\n    import covalent as ct\nexcept ImportError:  # optional here\n    ct = None",
        "ct.electron",
        "ct.lattice",
        "ct.Lepton",
        "ct.leptons.bash",
        "ct.executor",
    ),
)

# (import lines, spelling of LocalExecutor, spelling of DaskExecutor); "{ns}" is the namespace.
EXECUTOR_IMPORTS: tuple[tuple[str, str, str], ...] = (
    ("from covalent.executor import DaskExecutor, LocalExecutor", "LocalExecutor", "DaskExecutor"),
    ("from covalent.executor import DaskExecutor as DE, LocalExecutor as LE", "LE", "DE"),
    (
        "from covalent.executor.executor_plugins.dask import DaskExecutor\n"
        "from covalent.executor.executor_plugins.local import LocalExecutor",
        "LocalExecutor",
        "DaskExecutor",
    ),
    ("", "{ns}.LocalExecutor", "{ns}.DaskExecutor"),
)

# Arguments of a construction. "pure" ones may be shared; the others exercise the reasons a
# site is left alone. Placeholders: {loop} a loop variable, {param} a parameter.
PURE_ARGS = (
    "",
    'workdir="/tmp/cvx-work"',
    "log_stdout=LOG",
    'log_stdout=LOG, workdir="/tmp/cvx-work"',
    'workdir="/tmp/cvx-work", log_stdout=LOG',
    '"/tmp/cvx-work"',
    'log_stderr=LOG + ".err"',
    'cache_dir="/tmp/" + "cvx-cache"',
)
IMPURE_ARGS = ("workdir=next_dir()",)
LOOP_ARGS = ('log_stdout=f"{loop}.log"',)
PARAM_ARGS = ("log_stdout={param}",)
LATE_ARGS = ("workdir=LATE_DIR",)  # a name bound only at the end of the module


@dataclass
class Context:
    """Where a unit is placed, and what its arguments may therefore use."""

    loop: str | None = None  # the loop variable in scope
    param: str | None = None  # a parameter in scope
    in_function: bool = False  # code runs on call, not on import
    in_class: bool = False


@dataclass
class Module:
    """A generated module, and what a reader of a failure needs to know about it."""

    source: str
    notes: list[str] = field(default_factory=list)


class WorkflowBuilder:
    """Builds one module. ``importable`` keeps to what real Covalent 0.240.0 imports:
    no plugin executors and no list-valued executors."""

    def __init__(self, chooser: Chooser, importable: bool = False) -> None:
        self.c = chooser
        self.importable = importable
        self.counter = 0
        self.spelling = chooser.pick(COVALENT_IMPORTS)
        ns = self.spelling.namespace
        executor_imports = [e for e in EXECUTOR_IMPORTS if ns is not None or e[0]]
        self.executor_import, local, dask = chooser.pick(executor_imports)
        self.local = local.format(ns=ns)
        self.dask = dask.format(ns=ns)
        self.classes = [self.local, self.dask]
        self.extra_lines: list[str] = []
        self.late_lines: list[str] = []
        self.notes: list[str] = []

    # -- names and pieces -----------------------------------------------------------------
    def _name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}_{self.counter}"

    def _arguments(self, context: Context) -> str:
        options: list[str] = list(PURE_ARGS)
        options += IMPURE_ARGS
        if context.loop:
            options += [a.format(loop="{" + context.loop + "}") for a in LOOP_ARGS]
        if context.param:
            options += [a.format(param=context.param) for a in PARAM_ARGS]
        if context.in_function:
            options += LATE_ARGS
        return self.c.pick(options)

    def construction(self, context: Context) -> str:
        """One executor construction, maybe with a comment inside it."""
        cls = self.c.pick(self.classes)
        args = self._arguments(context)
        if cls == self.dask and args == '"/tmp/cvx-work"':
            args = '"tcp://127.0.0.1:1"'  # DaskExecutor's first parameter is the scheduler
        shape = self.c.pick(("plain", "plain", "comment", "multiline"))
        if shape == "comment":
            return f"{cls}(  # the scratch space\n    {args}\n)"
        if shape == "multiline" and args:
            return f"{cls}(\n    {args},\n)"
        return f"{cls}({args})"

    def value(self, context: Context) -> str:
        """What an executor keyword is given: a construction, or a shape holding some."""
        shapes = ["call", "call", "call", "ifexp", "boolop", "name", "string"]
        if not self.importable:
            shapes += ["list", "tuple", "plugin"]
        shape = self.c.pick(shapes)
        if shape == "ifexp":
            return f"{self.construction(context)} if FLAG else {self.construction(context)}"
        if shape == "boolop":
            return f"{self.construction(context)} or {self.construction(context)}"
        if shape == "name":
            return "SHARED_NAME"
        if shape == "string":
            return '"local"'
        if shape == "list":
            return f'[{self.construction(context)}, "dask"]'
        if shape == "tuple":
            return f"({self.construction(context)}, {self.construction(context)})"
        if shape == "plugin":
            self.extra_lines.append("import covalent_ssh_plugin as ssh")
            return 'ssh.SSHExecutor(username="me", hostname="node1")'
        return self.construction(context)

    # -- units: one entry point used once ---------------------------------------------------
    def unit(self, context: Context) -> list[str]:
        s = self.spelling
        name = self._name("task")
        form = self.c.pick(
            (
                "decorator",
                "decorator",
                "call",
                "curried",
                "lattice",
                "backend",
                "lepton",
                "bash",
                "partial",
                "spread",
                "noqa",
            )
        )
        value = self.value(context)
        if form == "call":
            return [f"{name} = {s.electron}(work, executor={value})"]
        if form == "curried":
            return [f"{name} = {s.electron}(executor={value})(work)"]
        if form == "lattice":
            keyword = self.c.pick(("executor", "workflow_executor", "both"))
            if keyword == "both":
                arguments = f"executor={value}, workflow_executor={self.value(context)}"
            else:
                arguments = f"{keyword}={value}"
            return [f"@{s.lattice}({arguments})", f"def {name}(x=1):", "    return x"]
        if form == "backend":
            return [f"@{s.electron}(backend={value})", f"def {name}(x=1):", "    return x"]
        if form == "lepton":
            return [
                f"{name} = {s.lepton}(",
                '    language="python",',
                '    library_name="math",',
                '    function_name="sqrt",',
                f"    executor={value},",
                ")",
            ]
        if form == "bash":
            return [
                f'@{s.bash}(display_name="ls", executor={value})',
                f"def {name}():",
                '    return "ls"',
            ]
        if form == "partial":
            return [f"{name} = functools.partial({s.electron}, executor={value})"]
        if form == "spread":
            return [
                f"@{s.electron}(",
                "    executor  # the one cluster we have",
                "    =",
                f"    {value},",
                ")",
                f"def {name}(x=1):",
                "    return x",
            ]
        if form == "noqa" and "\n" not in value:
            code = "CVX002" if context.loop or context.in_function else "CVX001"
            return [
                f"@{s.electron}(executor={value})  # noqa: {code}",
                f"def {name}(x=1):",
                "    return x",
            ]
        return [f"@{s.electron}(executor={value})", f"def {name}(x=1):", "    return x"]

    # -- contexts ---------------------------------------------------------------------------
    def block(self, context: Context, depth: int) -> list[str]:
        """A unit, maybe wrapped in one or two blocks."""
        kinds = ["module", "module"]
        if depth < 2:
            kinds += ["if", "else", "try", "with", "class", "for", "while", "function"]
            kinds += ["lattice_body", "comprehension", "lambda", "one_line"]
        kind = self.c.pick(kinds)
        if kind == "module":
            return self.unit(context)
        if kind in ("lattice_body", "comprehension", "lambda", "one_line"):
            return self._expression_context(kind, context)
        return self._block_context(kind, context, depth)

    def _expression_context(self, kind: str, context: Context) -> list[str]:
        s, name = self.spelling, self._name("task")
        if kind == "lattice_body":
            inner = Context(context.loop, "a", True, False)
            value = self.value(inner)
            return [
                f"@{s.lattice}",
                f"def {name}(a=1):",
                *_indent([f"return {s.electron}(work, executor={value})(a)"]),
            ]
        if kind == "comprehension":
            inner = Context("k", context.param, context.in_function, False)
            value = self.value(inner)
            return [f"{name} = [{s.electron}(work, executor={value}) for k in range(2)]"]
        if kind == "lambda":
            inner = Context(context.loop, context.param, True, False)
            return [f"{name} = lambda: {s.electron}(work, executor={self.value(inner)})"]
        value = self.value(context)  # one_line: a compound statement on one line
        return [f"if FLAG: {name} = {s.electron}(work, executor={value})"]

    def _block_context(self, kind: str, context: Context, depth: int) -> list[str]:
        if kind == "for":
            loop = self._name("i")
            inner = self.block(Context(loop, context.param, context.in_function), depth + 1)
            return [f"for {loop} in range(2):", *_indent(inner)]
        if kind == "while":
            counter = self._name("n")
            inner = self.block(Context(counter, context.param, context.in_function), depth + 1)
            return [
                f"{counter} = 0",
                f"while {counter} < 2:",
                f"    {counter} += 1",
                *_indent(inner),
            ]
        if kind == "function":
            name, param = self._name("make"), self._name("path")
            inner = self.block(Context(context.loop, param, True), depth + 1)
            lines = [f'def {name}({param}="/tmp/cvx.log"):', *_indent(inner)]
            lines.append(f"    return {param}")
            if not context.in_function and self.c.pick((False, True)):
                lines.append(f"{self._name('made')} = {name}()")  # runs the body on import
            return lines
        if kind == "class":
            inner = self.block(Context(context.loop, context.param, context.in_function, True), 2)
            return [f"class Steps{self._name('')}:", '    """Steps."""', *_indent(inner)]
        inner = self.block(context, depth + 1)
        if kind == "if":
            return ["if FLAG:", *_indent(inner)]
        if kind == "else":
            return ["if not FLAG:", "    pass", "else:", *_indent(inner)]
        if kind == "try":
            return ["try:", *_indent(inner), "except ImportError:", "    pass"]
        return ["with contextlib.suppress(ImportError):", *_indent(inner)]

    # -- the module -------------------------------------------------------------------------
    def collisions(self) -> list[str]:
        """Names the fixer must not take, and an instance it may reuse."""
        lines: list[str] = []
        for line in (
            '_local_executor = "taken"',
            "def _dask_executor():\n    return None",
            "_local_executor_2: int = 2",
            f"shared = {self.local}()",
            f'shared_dir = {self.local}(workdir="/tmp/cvx-work")',
            "for _local_executor_3 in range(1):\n    pass",
        ):
            if self.c.pick((False, True)):
                lines += [*line.split("\n"), ""]
        if self.c.pick((False, True)):
            self.late_lines.append("_dask_executor_2 = None  # bound after every site")
        return lines

    def build(self) -> Module:
        units: list[str] = []
        for _ in range(self.c.number(1, 5)):
            units += ["", "", *self.block(Context(), 0)]
        if self.c.pick((False, True)):
            self.classes.append("Scratch")
            scratch = [f"class Scratch({self.local}):", '    """A subclass, defined here."""', ""]
        else:
            scratch = []
        head = [
            "import contextlib",
            "import functools",
            "",
            self.spelling.imports,
            *([self.executor_import] if self.executor_import else []),
            *dict.fromkeys(self.extra_lines),
            "",
            "FLAG = True",
            'LOG = "/tmp/cvx-log.txt"',
            'SHARED_NAME = "dask"',
            "",
            "",
            "def work(x=1):",
            "    return x",
            "",
            "",
            "def next_dir():",
            '    return "/tmp/cvx-work"',
            "",
            "",
            *scratch,
        ]
        collisions = self.collisions()
        tail = ["", "", 'LATE_DIR = "/tmp/cvx-late"', *self.late_lines]
        lines = [*head, *collisions, *units, *tail]
        text = "\n".join(lines).strip("\n") + "\n"
        return Module(textwrap.dedent(text), self.notes)


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line if line else line for line in "\n".join(lines).split("\n")]


def random_module(seed: int, importable: bool = True) -> str:
    """One module from a fixed seed (the semantic tier's batch)."""
    return WorkflowBuilder(RandomChooser(seed), importable).build().source
