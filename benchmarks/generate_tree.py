"""Generate a deterministic tree of Python files that look like Covalent workflow code.

About half of the files are ordinary modules without Covalent (utilities, small classes,
numeric helpers).  The rest are Covalent workflow modules: half of those build executors
inline (``@ct.electron(executor=LocalExecutor())`` and friends), the other half create each
executor once at module level and share it.

The output depends only on ``--files`` and ``--seed``: the same arguments give a
byte-identical tree.  Usage::

    python benchmarks/generate_tree.py --files 2000 --seed 0 --out /tmp/tree
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

MAX_LINE = 79
FILES_PER_DIR = 25
DIRS_PER_PACKAGE = 8

VERBS = [
    "compute",
    "load",
    "parse",
    "merge",
    "normalize",
    "score",
    "filter",
    "build",
    "collect",
    "estimate",
    "resample",
    "validate",
    "summarize",
    "transform",
    "aggregate",
    "prepare",
    "rank",
    "smooth",
    "project",
    "encode",
]
NOUNS = [
    "samples",
    "records",
    "weights",
    "energies",
    "spectrum",
    "matrix",
    "batch",
    "features",
    "readings",
    "trajectory",
    "counts",
    "payload",
    "grid",
    "signal",
    "prices",
    "orbitals",
    "molecules",
    "images",
    "labels",
    "metrics",
]
CLASS_NOUNS = [
    "Sensor",
    "Reading",
    "Batch",
    "Job",
    "Sample",
    "Spectrum",
    "Portfolio",
    "Molecule",
    "Grid",
    "Trajectory",
    "Circuit",
    "Dataset",
    "Model",
    "Report",
]
ADJECTIVES = [
    "weighted",
    "rolling",
    "robust",
    "sparse",
    "dense",
    "noisy",
    "calibrated",
    "normalised",
    "raw",
    "hourly",
    "quantum",
    "classical",
    "adaptive",
    "cached",
]
PURPOSES = (
    "feature engineering",
    "hyper-parameter search",
    "molecular dynamics",
    "portfolio optimisation",
    "image classification",
    "VQE energy estimation",
    "data cleaning",
    "nightly reporting",
    "protein folding",
    "signal processing",
)
PACKAGES = ["analysis", "pipelines", "chem", "quantum", "ml", "etl", "sim", "reports"]
SUBPACKAGES = ["core", "tasks", "flows", "utils", "io", "models", "jobs", "experiments"]
STDLIB = frozenset(
    [
        "collections",
        "dataclasses",
        "enum",
        "functools",
        "itertools",
        "json",
        "logging",
        "math",
        "os",
        "pathlib",
        "random",
        "statistics",
        "typing",
    ]
)


# --------------------------------------------------------------------------------------
# A tiny expression tree, rendered black-style (flat if it fits, else one item a line).
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Kw:
    name: str
    value: Node


@dataclass(frozen=True)
class ListOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Cond:
    body: Node
    test: str
    orelse: Node


@dataclass(frozen=True)
class Apply:
    """``func(args)`` where ``func`` is itself an expression, e.g. ``ct.electron(f)(x)``."""

    func: Node
    args: str


@dataclass(frozen=True)
class Comp:
    """A list comprehension ``[elt for target in source]``."""

    elt: Node
    target: str
    source: str


Node = str | Call | Kw | ListOf | Cond | Apply | Comp


def flat(node: Node) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, Call):
        return f"{node.func}({', '.join(flat(a) for a in node.args)})"
    if isinstance(node, Kw):
        return f"{node.name}={flat(node.value)}"
    if isinstance(node, ListOf):
        return f"[{', '.join(flat(a) for a in node.items)}]"
    if isinstance(node, Cond):
        return f"{flat(node.body)} if {node.test} else {flat(node.orelse)}"
    if isinstance(node, Apply):
        return f"{flat(node.func)}({node.args})"
    return f"[{flat(node.elt)} for {node.target} in {node.source}]"


def render(node: Node, indent: int, prefix: str = "", suffix: str = "") -> list[str]:
    """Render ``node`` as source lines starting with ``prefix`` and ending with ``suffix``."""
    pad = " " * indent
    line = f"{pad}{prefix}{flat(node)}{suffix}"
    if len(line) <= MAX_LINE or isinstance(node, str):
        return [line]
    if isinstance(node, Kw):
        return render(node.value, indent, f"{prefix}{node.name}=", suffix)
    if isinstance(node, Apply):
        return render(node.func, indent, prefix, f"({node.args}){suffix}")
    if isinstance(node, Call):
        return _exploded(node.args, indent, f"{prefix}{node.func}(", f"){suffix}")
    if isinstance(node, ListOf):
        return _exploded(node.items, indent, f"{prefix}[", f"]{suffix}")
    if isinstance(node, Cond):
        return _render_cond(node, indent, prefix, suffix)
    return _render_comp(node, indent, prefix, suffix)


def _exploded(items: Sequence[Node], indent: int, opening: str, closing: str) -> list[str]:
    pad = " " * indent
    lines = [f"{pad}{opening}"]
    for item in items:
        lines += render(item, indent + 4, "", ",")
    return [*lines, f"{pad}{closing}"]


def _render_cond(node: Cond, indent: int, prefix: str, suffix: str) -> list[str]:
    pad, inner = " " * indent, " " * (indent + 4)
    lines = [f"{pad}{prefix}(", *render(node.body, indent + 4)]
    lines += [f"{inner}if {node.test}", *render(node.orelse, indent + 4, "else ")]
    return [*lines, f"{pad}){suffix}"]


def _render_comp(node: Comp, indent: int, prefix: str, suffix: str) -> list[str]:
    pad, inner = " " * indent, " " * (indent + 4)
    lines = [f"{pad}{prefix}[", *render(node.elt, indent + 4)]
    return [*lines, f"{inner}for {node.target} in {node.source}", f"{pad}]{suffix}"]


# --------------------------------------------------------------------------------------
# Module builder
# --------------------------------------------------------------------------------------


@dataclass
class Module:
    rng: random.Random
    names: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)
    from_imports: dict[str, set[str]] = field(default_factory=dict)
    constants: list[str] = field(default_factory=list)
    blocks: list[list[str]] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)

    def need(self, requirement: str) -> None:
        """Record an import such as ``import math`` or ``from typing import Callable``."""
        if requirement.startswith("from "):
            module, _, names = requirement[5:].partition(" import ")
            self.from_imports.setdefault(module, set()).update(names.split(", "))
        else:
            self.imports.add(requirement)

    def constant(self, line: str) -> None:
        if line not in self.constants:
            self.constants.append(line)

    def fresh(self, base: str) -> str:
        name, n = base, 2
        while name in self.names:
            name, n = f"{base}_{n}", n + 1
        self.names.add(name)
        return name

    def func_name(self) -> str:
        return self.fresh(f"{self.rng.choice(VERBS)}_{self.rng.choice(NOUNS)}")

    def class_name(self, suffix: str = "") -> str:
        return self.fresh(
            f"{self.rng.choice(ADJECTIVES).title()}{self.rng.choice(CLASS_NOUNS)}{suffix}"
        )

    def line_count(self) -> int:
        return sum(len(block) + 2 for block in self.blocks)


def _import_lines(module: Module, third_party: bool) -> list[str]:
    def wanted(mod: str) -> bool:
        return (mod.split(".")[0] not in STDLIB) == third_party

    lines = sorted(i for i in module.imports if wanted(i.split()[1]))
    for mod in sorted(m for m in module.from_imports if wanted(m)):
        lines += _from_import_lines(mod, sorted(module.from_imports[mod]))
    return lines


def _from_import_lines(module: str, names: list[str]) -> list[str]:
    lines = [f"from {module} import {n}" for n in names if " as " in n]
    plain = [n for n in names if " as " not in n]
    one_line = f"from {module} import {', '.join(plain)}"
    if not plain:
        return lines
    if len(one_line) <= MAX_LINE:
        return [*lines, one_line]
    return [*lines, f"from {module} import (", *(f"    {n}," for n in plain), ")"]


def render_module(module: Module, docstring: str, header: Sequence[str]) -> str:
    lines = [*header, f'"""{docstring}"""']
    std, third = _import_lines(module, False), _import_lines(module, True)
    if std or third:
        lines += ["", *std, *([""] if std and third else []), *third]
    for section in (module.constants, *module.blocks, module.footer):
        if section:
            lines += ["", "", *section]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------
# Ordinary (non-Covalent) code blocks
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snippet:
    text: str
    requires: tuple[str, ...] = ()
    constants: tuple[str, ...] = ()


LOGGER = "logger = logging.getLogger(__name__)"

PLAIN_SNIPPETS = (
    Snippet('''def $func(values: list[float], window: int = $small) -> list[float]:
    """Return the $adj moving average of ``values``."""
    if window <= 0:
        raise ValueError("window must be positive")
    result: list[float] = []
    acc = 0.0
    for i, value in enumerate(values):
        acc += value
        if i >= window:
            acc -= values[i - window]
        result.append(acc / min(i + 1, window))
    return result'''),
    Snippet(
        '''def $func(samples: list[float]) -> dict[str, float]:
    """Summarise $noun with mean, spread and extrema."""
    if not samples:
        return {"mean": 0.0, "std": 0.0, "min": 0.0, "max": 0.0}
    mean = sum(samples) / len(samples)
    var = sum((s - mean) ** 2 for s in samples) / max(len(samples) - 1, 1)
    return {
        "mean": mean,
        "std": math.sqrt(var),
        "min": min(samples),
        "max": max(samples),
    }''',
        ("import math",),
    ),
    Snippet(
        '''@dataclass
class $cls:
    """A $adj record of $noun with calibration data."""

    name: str
    offset: float = $frac
    scale: float = $big.0
    tags: list[str] = field(default_factory=list)

    def apply(self, raw: float) -> float:
        """Map a raw reading onto the calibrated scale."""
        return (raw - self.offset) * self.scale

    def describe(self) -> str:
        joined = ", ".join(self.tags) or "untagged"
        return f"{self.name} ({joined})"

    def merge(self, other: "$cls") -> "$cls":
        return type(self)(
            name=f"{self.name}+{other.name}",
            offset=(self.offset + other.offset) / 2,
            scale=self.scale * other.scale,
            tags=sorted(set(self.tags) | set(other.tags)),
        )''',
        ("from dataclasses import dataclass, field",),
    ),
    Snippet(
        '''def $func(records: list[dict], key: str = "$noun") -> dict:
    """Group $noun records by ``key``."""
    groups: dict = defaultdict(list)
    for record in records:
        groups[str(record.get(key, "unknown"))].append(record)
    return dict(groups)''',
        ("from collections import defaultdict",),
    ),
    Snippet(
        '''def $func(text: str) -> dict[str, float]:
    """Parse ``key = value`` lines of $noun, skipping comments."""
    values: dict[str, float] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or "=" not in line:
            continue
        key, _, value = line.partition("=")
        try:
            values[key.strip()] = float(value)
        except ValueError:
            logger.warning("skipping malformed entry %s", key.strip())
    return values''',
        ("import logging",),
        (LOGGER,),
    ),
    Snippet(
        '''def $func(path: Path) -> dict:
    """Load $noun from a JSON file."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def $func2(data: dict, path: Path) -> Path:
    """Write $noun as pretty JSON, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=$indent, sort_keys=True))
    return path''',
        ("import json", "from pathlib import Path"),
    ),
    Snippet(
        '''def $func(
    func: Callable[[float], float], lo: float, hi: float, steps: int = $big
) -> float:
    """Integrate ``func`` over [lo, hi] with the trapezoid rule."""
    if steps < 1:
        raise ValueError("steps must be at least 1")
    width = (hi - lo) / steps
    total = 0.5 * (func(lo) + func(hi))
    for i in range(1, steps):
        total += func(lo + i * width)
    return total * width''',
        ("from typing import Callable",),
    ),
    Snippet('''def $func(value: float, tol: float = 1e-$small, max_iter: int = $big) -> float:
    """Newton iteration for the square root of ``value``."""
    if value < 0:
        raise ValueError("value must be non-negative")
    guess = value or 1.0
    for _ in range(max_iter):
        nxt = 0.5 * (guess + value / guess)
        if abs(nxt - guess) < tol:
            return nxt
        guess = nxt
    return guess'''),
    Snippet(
        '''@lru_cache(maxsize=$big)
def $func(n: int) -> int:
    """Count $adj $noun arrangements, memoised."""
    if n < 2:
        return 1
    return $func(n - 1) + $func(n - 2)''',
        ("from functools import lru_cache",),
    ),
    Snippet('''class $cls:
    """Fixed-size ring buffer of $noun."""

    def __init__(self, capacity: int = $big) -> None:
        self._items: list[float] = []
        self._capacity = capacity

    def push(self, item: float) -> None:
        self._items.append(item)
        if len(self._items) > self._capacity:
            self._items.pop(0)

    @property
    def full(self) -> bool:
        return len(self._items) >= self._capacity

    def mean(self) -> float:
        if not self._items:
            return 0.0
        return sum(self._items) / len(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(capacity={self._capacity})"'''),
    Snippet('''def $func(left: list, right: list) -> list:
    """Multiply two dense $noun matrices given as nested lists."""
    rows, inner, cols = len(left), len(right), len(right[0])
    out = [[0.0] * cols for _ in range(rows)]
    for i in range(rows):
        for k in range(inner):
            factor = left[i][k]
            for j in range(cols):
                out[i][j] += factor * right[k][j]
    return out'''),
    Snippet(
        '''def $func(
    items: Iterable[float], size: int = $small
) -> Iterator[tuple[float, ...]]:
    """Yield consecutive chunks of ``size`` $noun."""
    iterator = iter(items)
    while True:
        chunk = tuple(itertools.islice(iterator, size))
        if not chunk:
            return
        yield chunk''',
        ("import itertools", "from typing import Iterable, Iterator"),
    ),
    Snippet(
        '''class $cls(enum.Enum):
    """Lifecycle of a $adj $noun job."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in (type(self).DONE, type(self).FAILED)''',
        ("import enum",),
    ),
    Snippet(
        '''def $func(values: list[float], lo: float = 0.0, hi: float = $big.0) -> list:
    """Rescale $noun linearly onto [lo, hi]."""
    if not values:
        return []
    vmin, vmax = min(values), max(values)
    span = (vmax - vmin) or 1.0
    return [lo + (v - vmin) * (hi - lo) / span for v in values]''',
    ),
    Snippet(
        '''def $func(steps: int, seed: int = $big, drift: float = $frac) -> list[float]:
    """Simulate a $adj random walk of $noun."""
    rng = random.Random(seed)
    position = 0.0
    path = [position]
    for _ in range(steps):
        position += drift + rng.gauss(0.0, 1.0)
        path.append(position)
    return path''',
        ("import random",),
    ),
    Snippet(
        '''def $func(data: list[float], quantiles: int = $small) -> list[float]:
    """Cut points that split $noun into equal-count groups."""
    if len(data) < 2:
        logger.debug("not enough $noun for %d quantiles", quantiles)
        return list(data)
    return statistics.quantiles(data, n=max(quantiles, 2))''',
        ("import logging", "import statistics"),
        (LOGGER,),
    ),
)


def template_values(module: Module) -> dict[str, str]:
    rng = module.rng
    return {
        "func": module.func_name(),
        "func2": module.func_name(),
        "cls": module.class_name(),
        "noun": rng.choice(NOUNS),
        "adj": rng.choice(ADJECTIVES),
        "small": str(rng.randint(2, 9)),
        "big": str(rng.randint(10, 500)),
        "frac": f"{rng.random():.3f}",
        "indent": rng.choice(("2", "4")),
    }


def add_snippet(module: Module, snippet: Snippet) -> None:
    for requirement in snippet.requires:
        module.need(requirement)
    for constant in snippet.constants:
        module.constant(constant)
    text = Template(snippet.text).substitute(template_values(module))
    if module.rng.random() < 0.15:
        text = f"# TODO: revisit for {module.rng.choice(PURPOSES)}.\n{text}"
    module.blocks.append(wrap_long_defs(text.split("\n")))


def wrap_long_defs(lines: list[str]) -> list[str]:
    """Split ``def f(a, b) -> T:`` over three lines when it is too long, as black does."""
    out: list[str] = []
    for line in lines:
        head, paren, rest = line.partition("(")
        params, close, tail = rest.rpartition(")")
        if len(line) <= MAX_LINE or not head.lstrip().startswith("def ") or not close:
            out.append(line)
            continue
        pad = " " * (len(line) - len(line.lstrip()))
        out += [f"{head}{paren}", f"{pad}    {params}", f"{pad}{close}{tail}"]
    return out


def add_plain_blocks(module: Module, target_lines: int) -> None:
    while module.line_count() < target_lines:
        add_snippet(module, module.rng.choice(PLAIN_SNIPPETS))


# --------------------------------------------------------------------------------------
# Covalent workflow modules
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExecutorSpec:
    cls: str
    module: str
    options: tuple[Kw, ...]


EXECUTORS = {
    "local": ExecutorSpec(
        "LocalExecutor",
        "covalent.executor",
        (Kw("workdir", '"~/.cache/covalent/workdir"'), Kw("create_unique_workdir", "True")),
    ),
    "dask": ExecutorSpec(
        "DaskExecutor",
        "covalent.executor",
        (Kw("scheduler_address", '"tcp://127.0.0.1:8786"'), Kw("log_stdout", '"dask.log"')),
    ),
    "slurm": ExecutorSpec(
        "SlurmExecutor",
        "covalent_slurm_plugin",
        (
            Kw("username", '"researcher"'),
            Kw("address", '"login.hpc.example.org"'),
            Kw("ssh_key_file", '"~/.ssh/id_ed25519"'),
            Kw("remote_workdir", '"/scratch/researcher/covalent"'),
            Kw("options", '{"partition": "gpu", "time": "0#N:00:00"}'),
        ),
    ),
    "ssh": ExecutorSpec(
        "SSHExecutor",
        "covalent_ssh_plugin",
        (
            Kw("username", '"ubuntu"'),
            Kw("hostname", '"worker-#N.example.org"'),
            Kw("ssh_key_file", '"~/.ssh/id_rsa"'),
        ),
    ),
    "batch": ExecutorSpec(
        "AWSBatchExecutor",
        "covalent_awsbatch_plugin",
        (
            Kw("s3_bucket_name", '"covalent-artifacts"'),
            Kw("batch_queue", '"covalent-queue"'),
            Kw("vcpu", "#N"),
            Kw("memory", "#N"),
            Kw("time_limit", "600"),
        ),
    ),
    "cloud": ExecutorSpec(
        "CloudExecutor",
        "covalent_cloud",
        (
            Kw("num_cpus", "#N"),
            Kw("memory", '"#NGB"'),
            Kw("env", '"sim-env"'),
            Kw("time_limit", '"00:30:00"'),
        ),
    ),
}
KIND_WEIGHTS = {"local": 35, "dask": 25, "slurm": 15, "ssh": 10, "batch": 5, "cloud": 10}
SHARED_NAMES = {
    "local": "LOCAL_EXECUTOR",
    "dask": "DASK_EXECUTOR",
    "slurm": "HPC_EXECUTOR",
    "ssh": "SSH_EXECUTOR",
    "batch": "BATCH_EXECUTOR",
    "cloud": "CLOUD_EXECUTOR",
}
COVALENT_STYLES = ("ct", "ct", "covalent", "from", "alias")
FLAGS = ("USE_GPU", "ON_CLUSTER", "LOCAL_RUN", "USE_CLOUD")

STEP_BODIES = (
    Snippet("""total = 0.0
for i in range($small):
    total += x * $frac / (i + 1)
return total"""),
    Snippet("""values = [x * k for k in range(1, $small)]
return sum(values) / len(values)"""),
    Snippet(
        """if x < 0:
    return -x
return math.sqrt(x) * $frac""",
        ("import math",),
    ),
    Snippet("""result = x
for _ in range($small):
    result = $frac * result + (1 - $frac) * x
return result"""),
    Snippet(
        """scaled = x * $big
logger.info("processed %s", scaled)
return scaled""",
        ("import logging",),
        (LOGGER,),
    ),
)


@dataclass
class Flow:
    """State while one Covalent workflow module is being written."""

    module: Module
    style: str
    attr_executors: bool
    inline: bool
    shared: dict[str, Node] = field(default_factory=dict)
    raw_funcs: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    last: str = "x"
    counter: int = 0
    made_inline: bool = False

    @property
    def rng(self) -> random.Random:
        return self.module.rng

    def cov(self, name: str) -> str:
        """Reference ``covalent.<name>`` in this file's import style."""
        if self.style in ("ct", "covalent"):
            alias = "ct" if self.style == "ct" else "covalent"
            self.module.need("import covalent as ct" if alias == "ct" else "import covalent")
            return f"{alias}.{name}"
        if self.style == "alias" and name == "electron":
            self.module.need("from covalent import electron as el")
            return "el"
        self.module.need(f"from covalent import {name}")
        return name

    def executor_class(self, spec: ExecutorSpec) -> str:
        if spec.module == "covalent_cloud":
            self.module.need("import covalent_cloud as cc")
            return f"cc.{spec.cls}"
        if spec.module == "covalent.executor" and self.attr_executors:
            return f"{self.cov('executor')}.{spec.cls}"
        self.module.need(f"from {spec.module} import {spec.cls}")
        return spec.cls

    def construct(self, kind: str) -> Call:
        spec = EXECUTORS[kind]
        count = self.rng.randint(0, len(spec.options))
        chosen = sorted(self.rng.sample(range(len(spec.options)), count))
        args = tuple(self._numbered(spec.options[i]) for i in chosen)
        return Call(self.executor_class(spec), args)

    def _numbered(self, option: Kw) -> Kw:
        value = flat(option.value).replace("#N", str(self.rng.randint(1, 8)))
        return Kw(option.name, value)

    def exe(self, kind: str = "") -> Node:
        """An executor value: built inline, or a shared module-level instance or a name."""
        kinds = list(KIND_WEIGHTS)
        kind = kind or self.rng.choices(kinds, [KIND_WEIGHTS[k] for k in kinds])[0]
        if self.inline and (not self.made_inline or self.rng.random() < 0.85):
            self.made_inline = True
            return self.construct(kind)
        if kind in ("local", "dask") and self.rng.random() < 0.25:
            return f'"{kind}"'
        name = SHARED_NAMES[kind]
        if name not in self.shared:
            self.shared[name] = self.construct(kind)
        return name

    def var(self, prefix: str = "v") -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def flag(self) -> str:
        flag = self.rng.choice(FLAGS)
        self.module.need("import os")
        self.module.constant(f'{flag} = os.environ.get("{flag}", "0") == "1"')
        return flag

    def electron(self, *args: Node) -> Call:
        return Call(self.cov("electron"), args)

    def step_def(self, name: str, decorators: list[str], indent: int = 0) -> list[str]:
        pad = " " * indent
        snippet = self.rng.choice(STEP_BODIES)
        for requirement in snippet.requires:
            self.module.need(requirement)
        for constant in snippet.constants:
            self.module.constant(constant)
        body = Template(snippet.text).substitute(template_values(self.module))
        doc = f"{self.rng.choice(VERBS).title()} the {self.rng.choice(NOUNS)}."
        head = [*decorators, f"{pad}def {name}(x: float) -> float:", f'{pad}    """{doc}"""']
        return head + [f"{pad}    {line}" for line in body.split("\n")]

    def raw_func(self) -> str:
        """A plain (undecorated) function for the call forms, reusing one if possible."""
        if self.raw_funcs and self.rng.random() < 0.5:
            return self.rng.choice(self.raw_funcs)
        name = self.module.fresh(f"_{self.rng.choice(VERBS)}_{self.rng.choice(NOUNS)}")
        self.module.blocks.append(self.step_def(name, []))
        self.raw_funcs.append(name)
        return name

    def call_task(self, task: str) -> None:
        var = self.var()
        self.body.append(f"    {var} = {task}({self.last})")
        self.last = var


# Forms that add top-level code (and a call of the new task to the lattice body).


def form_decorator(flow: Flow, keyword: str = "executor") -> None:
    name = flow.module.func_name()
    deco = render(flow.electron(Kw(keyword, flow.exe())), 0, "@")
    flow.module.blocks.append(flow.step_def(name, deco))
    flow.call_task(name)


def form_backend(flow: Flow) -> None:
    form_decorator(flow, "backend")


def form_list(flow: Flow) -> None:
    name = flow.module.func_name()
    choice = flow.rng.choice(('"dask"', '"local"', ""))
    other = choice or flow.exe()
    deco = render(flow.electron(Kw("executor", ListOf((flow.exe(), other)))), 0, "@")
    flow.module.blocks.append(flow.step_def(name, deco))
    flow.call_task(name)


def form_conditional(flow: Flow) -> None:
    name = flow.module.func_name()
    value = Cond(flow.exe(), flow.flag(), flow.exe())
    deco = render(flow.electron(Kw("executor", value)), 0, "@")
    flow.module.blocks.append(flow.step_def(name, deco))
    flow.call_task(name)


def form_call(flow: Flow) -> None:
    raw, name = flow.raw_func(), flow.module.func_name()
    call = flow.electron(raw, Kw("executor", flow.exe()))
    flow.module.blocks.append(render(call, 0, f"{name} = "))
    flow.call_task(name)


def form_curried(flow: Flow) -> None:
    raw, name = flow.raw_func(), flow.module.func_name()
    call = Apply(flow.electron(Kw("executor", flow.exe())), raw)
    flow.module.blocks.append(render(call, 0, f"{name} = "))
    flow.call_task(name)


def form_factory(flow: Flow) -> None:
    kind = flow.rng.choice(list(EXECUTORS))
    factory = flow.module.fresh(f"make_{kind}_executor")
    doc = f'    """Executor for the {flow.rng.choice(PURPOSES)} tasks."""'
    flow.module.blocks.append([f"def {factory}():", doc, *render(flow.exe(kind), 4, "return ")])
    name = flow.module.func_name()
    deco = render(flow.electron(Kw("executor", Call(factory))), 0, "@")
    flow.module.blocks.append(flow.step_def(name, deco))
    flow.call_task(name)


def form_class(flow: Flow) -> None:
    cls = flow.module.class_name("Stage")
    doc = f'    """Electrons of the {flow.rng.choice(PURPOSES)} stage."""'
    attribute = render(flow.exe(), 4, "executor = ")
    deco = ["    @staticmethod", *render(flow.electron(Kw("executor", flow.exe())), 4, "@")]
    lines = [f"class {cls}:", doc, "", *attribute, "", *flow.step_def("run", deco, 4)]
    flow.module.blocks.append(lines)
    flow.call_task(f"{cls}.run")


def form_lepton(flow: Flow) -> None:
    noun = flow.rng.choice(NOUNS)
    name = flow.module.fresh(f"{noun}_lepton")
    args = (
        Kw("language", '"python"'),
        Kw("library_name", f'"{flow.rng.choice(PACKAGES)}.kernels"'),
        Kw("function_name", f'"{flow.rng.choice(VERBS)}_{noun}"'),
        Kw("executor", flow.exe()),
    )
    flow.module.blocks.append(render(Call(flow.cov("Lepton"), args), 0, f"{name} = "))
    flow.call_task(name)


def form_bash(flow: Flow) -> None:
    name = flow.module.func_name()
    deco = render(Call(f"{flow.cov('leptons')}.bash", (Kw("executor", flow.exe()),)), 0, "@")
    body = [
        f"def {name}(x: float) -> str:",
        f'    """Run the {flow.rng.choice(NOUNS)} post-processing script."""',
        '    return f"python scripts/' + name + '.py --value {x}"',
    ]
    flow.module.blocks.append([*deco, *body])
    flow.call_task(name)


def form_service(flow: Flow) -> None:
    noun = flow.rng.choice(NOUNS)
    service = flow.module.fresh(f"{noun}_service")
    label = service.replace("_", "-")
    call = Call("cc.service", (Kw("executor", flow.exe("cloud")), Kw("name", f'"{label}"')))
    flow.module.need("import covalent_cloud as cc")
    endpoint = flow.module.fresh(f"predict_{noun}")
    flow.module.blocks.append(
        [
            *render(call, 0, "@"),
            f"def {service}(scale: float = {flow.rng.random():.2f}) -> dict:",
            '    """Load the model once; every endpoint call shares it."""',
            '    return {"scale": scale}',
        ]
    )
    flow.module.blocks.append(
        [
            f'@{service}.endpoint("/predict")',
            f"def {endpoint}(scale: float, value: float = 0.0) -> float:",
            "    return scale * value",
        ]
    )


# Forms that add statements to the lattice body.


def form_in_lattice(flow: Flow) -> None:
    raw, var = flow.raw_func(), flow.var()
    if flow.rng.random() < 0.5:
        holder = flow.var("executor_")
        flow.body += render(flow.exe(), 4, f"{holder} = ")
        call = flow.electron(raw, Kw("executor", holder))
    else:
        call = flow.electron(raw, Kw("executor", flow.exe()))
    flow.body += render(Apply(call, flow.last), 4, f"{var} = ")
    flow.last = var


def form_loop(flow: Flow) -> None:
    raw, parts = flow.raw_func(), flow.var("parts")
    task = Apply(flow.electron(raw, Kw("executor", flow.exe())), f"{flow.last} + i")
    flow.body += [f"    {parts} = []", f"    for i in range({flow.rng.randint(2, 6)}):"]
    flow.body += render(task, 8, f"{parts}.append(", ")")
    var = flow.var()
    flow.body.append(f"    {var} = sum({parts})")
    flow.last = var


def form_comprehension(flow: Flow) -> None:
    raw, batch = flow.raw_func(), flow.var("batch")
    task = Apply(flow.electron(raw, Kw("executor", flow.exe())), f"{flow.last} * k")
    comp = Comp(task, "k", f"range(1, {flow.rng.randint(3, 8)})")
    flow.body += render(comp, 4, f"{batch} = ")
    var = flow.var()
    flow.body.append(f"    {var} = max({batch})")
    flow.last = var


FORMS: dict[Callable[[Flow], None], int] = {
    form_decorator: 30,
    form_backend: 4,
    form_list: 5,
    form_conditional: 5,
    form_call: 8,
    form_curried: 6,
    form_factory: 6,
    form_class: 4,
    form_lepton: 3,
    form_bash: 3,
    form_service: 2,
    form_in_lattice: 8,
    form_loop: 5,
    form_comprehension: 5,
}


def lattice_decorator(flow: Flow) -> list[str]:
    lattice = flow.cov("lattice")
    choice = flow.rng.randint(0, 3)
    if choice == 0:
        return [f"@{lattice}"]
    if choice == 1:
        args: tuple[Node, ...] = (Kw("executor", flow.exe()), Kw("workflow_executor", flow.exe()))
    elif choice == 2:
        args = (Kw("backend", flow.exe()),)
    else:
        args = (Kw("workflow_executor", flow.exe("dask")),)
    return render(Call(lattice, args), 0, "@")


def add_lattice(flow: Flow) -> str:
    name = flow.module.fresh(flow.rng.choice(("workflow", "pipeline", "run_experiment")))
    doc = f'    """Run the {flow.rng.choice(PURPOSES)} workflow."""'
    lines = [*lattice_decorator(flow), f"def {name}(x: float) -> float:", doc]
    flow.module.blocks.append([*lines, *flow.body, f"    return {flow.last}"])
    return name


def add_main(flow: Flow, lattice: str) -> None:
    dispatch, get_result = flow.cov("dispatch"), flow.cov("get_result")
    flow.module.footer = [
        'if __name__ == "__main__":',
        f"    dispatch_id = {dispatch}({lattice})({flow.rng.random():.3f})",
        f"    print({get_result}(dispatch_id, wait=True))",
    ]


def build_flow(rng: random.Random, inline: bool) -> Module:
    module = Module(rng)
    style = rng.choice(COVALENT_STYLES)
    flow = Flow(module, style, style in ("ct", "covalent") and rng.random() < 0.5, inline)
    add_plain_blocks(module, rng.randint(0, 80))
    forms = list(FORMS)
    for form in rng.choices(forms, [FORMS[f] for f in forms], k=rng.randint(3, 7)):
        form(flow)
    lattice = add_lattice(flow)
    if rng.random() < 0.7:
        add_main(flow, lattice)
    for name, node in flow.shared.items():
        module.constants += render(node, 0, f"{name} = ")
    return module


# --------------------------------------------------------------------------------------
# Files and the tree
# --------------------------------------------------------------------------------------

KINDS = ("plain", "inline", "shared")
HEADER = ("# Copyright 2024 Example Research Lab.", "# SPDX-License-Identifier: Apache-2.0")


def plan_kinds(files: int, seed: int) -> list[str]:
    """Half plain modules; the Covalent half split evenly between inline and shared."""
    plain = (files + 1) // 2
    inline = (files - plain) // 2
    kinds = ["plain"] * plain + ["inline"] * inline + ["shared"] * (files - plain - inline)
    random.Random(seed).shuffle(kinds)
    return kinds


def docstring(rng: random.Random, kind: str) -> str:
    purpose, adj, noun = rng.choice(PURPOSES), rng.choice(ADJECTIVES), rng.choice(NOUNS)
    if kind == "plain":
        return f"Helpers for {adj} {noun}.\n\nUsed by the {purpose} code.\n"
    return f"Covalent workflow: {purpose}.\n\nTasks operate on {adj} {noun}.\n"


def file_text(kind: str, rng: random.Random) -> str:
    if kind == "plain":
        module = Module(rng)
        add_plain_blocks(module, rng.randint(50, 200))
    else:
        module = build_flow(rng, inline=kind == "inline")
    header = HEADER if rng.random() < 0.3 else ()
    return render_module(module, docstring(rng, kind), header)


def file_path(index: int, kind: str, rng: random.Random) -> Path:
    folder = index // FILES_PER_DIR
    package = folder // DIRS_PER_PACKAGE
    top = f"{PACKAGES[package % len(PACKAGES)]}{package // len(PACKAGES) or ''}"
    stems = ("utils", "helpers", "numeric", "models", "stats") if kind == "plain" else ()
    stem = rng.choice(stems or ("flow", "pipeline", "workflow", "tasks"))
    return Path(top, SUBPACKAGES[folder % DIRS_PER_PACKAGE], f"{stem}_{index:05d}.py")


def generate(out: Path, files: int, seed: int = 0) -> None:
    """Write ``files`` Python files under ``out``; same arguments, same bytes."""
    if files < 0:
        raise ValueError("files must be >= 0")
    out.mkdir(parents=True, exist_ok=True)
    for index, kind in enumerate(plan_kinds(files, seed)):
        rng = random.Random(f"{seed}:{index}")
        target = out / file_path(index, kind, rng)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file_text(kind, rng).encode("utf-8"))


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000, help="number of .py files")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--force", action="store_true", help="write into a non-empty directory")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    out: Path = args.out
    if out.exists() and not out.is_dir():
        print(f"error: {out} is not a directory", file=sys.stderr)
        return 2
    if out.exists() and any(out.iterdir()) and not args.force:
        print(f"error: {out} is not empty (use --force)", file=sys.stderr)
        return 2
    generate(out, args.files, args.seed)
    print(f"wrote {args.files} files to {out} (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
