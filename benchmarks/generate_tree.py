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
from typing import Union

MAX_LINE = 79
FILES_PER_DIR = 25
DIRS_PER_PACKAGE = 8

VERBS = (
    "compute load parse merge normalize score filter build collect estimate resample"
    " validate summarize transform aggregate prepare rank smooth project encode"
).split()
NOUNS = (
    "samples records weights energies spectrum matrix batch features readings trajectory"
    " counts payload grid signal prices orbitals molecules images labels metrics"
).split()
CLASS_NOUNS = (
    "Sensor Reading Batch Job Sample Spectrum Portfolio Molecule Grid Trajectory Circuit"
    " Dataset Model Report"
).split()
ADJECTIVES = (
    "weighted rolling robust sparse dense noisy calibrated normalised raw hourly quantum"
    " classical adaptive cached"
).split()
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
PACKAGES = "analysis pipelines chem quantum ml etl sim reports".split()
SUBPACKAGES = "core tasks flows utils io models jobs experiments".split()
STDLIB = frozenset(
    "collections dataclasses enum functools itertools json logging math os pathlib random"
    " statistics typing".split()
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


Node = Union[str, Call, Kw, ListOf, Cond, Apply, Comp]


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
        return self.fresh(f"{self.rng.choice(ADJECTIVES).title()}{self.rng.choice(CLASS_NOUNS)}{suffix}")

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
    lines = [*header, f'"""{docstring}"""', ""]
    std, third = _import_lines(module, False), _import_lines(module, True)
    lines += std + ([""] if std and third else []) + third
    if module.constants:
        lines += ["", "", *module.constants]
    for block in module.blocks:
        lines += ["", "", *block]
    if module.footer:
        lines += ["", "", *module.footer]
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
    Snippet(
        '''def $func(values: list[float], window: int = $small) -> list[float]:
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
    return result'''
    ),
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
    Snippet(
        '''def $func(value: float, tol: float = 1e-$small, max_iter: int = $big) -> float:
    """Newton iteration for the square root of ``value``."""
    if value < 0:
        raise ValueError("value must be non-negative")
    guess = value or 1.0
    for _ in range(max_iter):
        nxt = 0.5 * (guess + value / guess)
        if abs(nxt - guess) < tol:
            return nxt
        guess = nxt
    return guess'''
    ),
    Snippet(
        '''@lru_cache(maxsize=$big)
def $func(n: int) -> int:
    """Count $adj $noun arrangements, memoised."""
    if n < 2:
        return 1
    return $func(n - 1) + $func(n - 2)''',
        ("from functools import lru_cache",),
    ),
    Snippet(
        '''class $cls:
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
        return f"{type(self).__name__}(capacity={self._capacity})"'''
    ),
    Snippet(
        '''def $func(left: list, right: list) -> list:
    """Multiply two dense $noun matrices given as nested lists."""
    rows, inner, cols = len(left), len(right), len(right[0])
    out = [[0.0] * cols for _ in range(rows)]
    for i in range(rows):
        for k in range(inner):
            factor = left[i][k]
            for j in range(cols):
                out[i][j] += factor * right[k][j]
    return out'''
    ),
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
    module.blocks.append(text.split("\n"))


def add_plain_blocks(module: Module, target_lines: int) -> None:
    while module.line_count() < target_lines:
        add_snippet(module, module.rng.choice(PLAIN_SNIPPETS))
