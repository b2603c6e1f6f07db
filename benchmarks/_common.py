"""Helpers shared by the benchmark scripts: running and timing children, trees, tables.

Standard library only.  Every measured command runs as a child process in an empty working
directory; ``os.wait4`` on its pid gives its own user and system CPU time and its peak RSS
(on Linux these include the children it waited for, e.g. a process pool), and wall time is
``time.perf_counter`` around it (both taken by a small launcher process, see ``run_once``).
Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from generate_tree import generate  # noqa: E402

EXCLUDED_DIRS = frozenset({".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox"})
DEFAULT_TREES_DIR = Path(tempfile.gettempdir(), "bench-trees")
SMOKE_FILES = 24


class BenchError(Exception):
    """A setup or run failure (not a timing)."""


# --------------------------------------------------------------------------------------
# Children
# --------------------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    """The environment for every child: no PYTHON* overrides, a fixed hash seed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONHASHSEED"] = "0"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run_checked(cmd: Sequence[str], cwd: Path) -> str:
    """Run an unmeasured helper command; its stdout, or BenchError on a non-zero exit."""
    result = subprocess.run(
        cmd, capture_output=True, text=True, env=child_env(), cwd=cwd, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


@dataclass(frozen=True)
class Run:
    """Resource use of one measured child process."""

    user: float
    sys: float
    wall: float
    maxrss_kib: int
    reported: int
    returncode: int = 0
    stderr_tail: str = ""

    @property
    def cpu(self) -> float:
        return self.user + self.sys


# Linux counts a process's peak RSS from before its exec: a child spawned by this (large)
# Python process starts with this process's high-water mark, so ``python -c pass`` would
# show 20 MB, or 200 MB after this process held 200 MB.  So every measured command is
# spawned by this launcher: a fresh ``python -I -S`` of a few MB that spawns the command,
# times it, reads its rusage with ``wait4`` and writes the figures to a file.
LAUNCHER = """
import os, sys, time
out, err, report = sys.argv[1:4]
flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
fds = os.open(out, flags, 0o644), os.open(err, flags, 0o644)
actions = [(os.POSIX_SPAWN_DUP2, fds[0], 1), (os.POSIX_SPAWN_DUP2, fds[1], 2)]
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[4], sys.argv[4:], os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
with open(report, "w") as handle:
    handle.write(f"{usage.ru_utime!r} {usage.ru_stime!r} {wall!r} {usage.ru_maxrss} {code}")
"""


def run_once(cmd: Sequence[str], scratch: Path, ok: Collection[int] = (0,)) -> Run:
    """Run ``cmd`` to completion in ``scratch``; CPU and peak RSS come from ``wait4``.

    The command is spawned by ``LAUNCHER`` (see above), which also times it, so neither
    this process's memory nor the launcher's start-up is in the figures.  stdout and
    stderr go to files in ``scratch`` (the same cost for every tool); ``reported`` is the
    number of stdout lines.  An exit status outside ``ok`` raises BenchError.
    """
    out_path, err_path, report = scratch / "stdout", scratch / "stderr", scratch / "rusage"
    report.unlink(missing_ok=True)
    launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(out_path), str(err_path)]
    result = subprocess.run(
        [*launcher, str(report), *cmd],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=scratch,
        check=False,
    )
    if result.returncode != 0 or not report.is_file():
        raise BenchError(f"cannot run {' '.join(cmd)}:\n{result.stderr[-3000:]}")
    fields = report.read_text().split()
    user, system, wall = (float(x) for x in fields[:3])
    maxrss, code = int(fields[3]), int(fields[4])
    tail = err_path.read_bytes()[-3000:].decode("utf-8", "replace")
    if code not in ok:
        raise BenchError(f"{' '.join(cmd)} exited {code}:\n{tail}")
    with out_path.open("rb") as out:
        reported = sum(1 for _ in out)
    return Run(user, system, wall, maxrss, reported, code, tail)


def alternate(
    commands: Mapping[str, Sequence[str]],
    rounds: int,
    warmup: int,
    work: Path,
    ok: Collection[int] = (0,),
) -> dict[str, list[Run]]:
    """Warm-up runs, then ``rounds`` rounds that run every command once each.

    The order flips every round (A B, B A, A B, ...), so no command always runs first
    after a cold spell or always follows the same neighbour.
    """
    labels = list(commands)
    for _ in range(warmup):
        for label in labels:
            run_once(commands[label], work, ok)
    runs: dict[str, list[Run]] = {label: [] for label in labels}
    for number in range(rounds):
        for label in labels if number % 2 == 0 else labels[::-1]:
            runs[label].append(run_once(commands[label], work, ok))
        summary = ", ".join(
            f"{label} {runs[label][-1].wall:.2f}s wall/{runs[label][-1].cpu:.2f}s cpu"
            for label in labels
        )
        print(f"  round {number + 1}/{rounds}: {summary}", flush=True)
    return runs


def measured(
    commands: Mapping[str, Sequence[str]],
    args: argparse.Namespace,
    work: Path,
    ok: Collection[int] = (0,),
) -> tuple[dict[str, list[Run]], str]:
    """``alternate`` with ``args.rounds``/``args.warmup``; also the 1-minute load average
    before and after, as ``"0.52 -> 0.61"``."""
    before = os.getloadavg()[0]
    runs = alternate(commands, args.rounds, args.warmup, work, ok)
    return runs, f"{before:.2f} -> {os.getloadavg()[0]:.2f}"


# --------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------


def per_round(
    runs: Sequence[Run], base: Sequence[Run], figure: Callable[[Run, Run], float]
) -> list[float]:
    """``figure(run, base_run)`` for the two runs of each round."""
    return [figure(run, other) for run, other in zip(runs, base)]


def spread(values: Sequence[float], fmt: str) -> str:
    """``median (min to max)`` of per-round values, e.g. ``0.41x (0.38x to 0.45x)``."""
    if len(values) == 1:
        return fmt.format(values[0])
    low, high = fmt.format(min(values)), fmt.format(max(values))
    return f"{fmt.format(statistics.median(values))} ({low} to {high})"


def median_of(runs: Sequence[Run], attribute: str) -> float:
    return statistics.median(float(getattr(run, attribute)) for run in runs)


# --------------------------------------------------------------------------------------
# Trees
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a benchmark runs on."""

    label: str
    paths: list[Path]
    kind: str  # "checkout" (any existing tree) or "generated"
    python_files: int
    notebooks: int
    lines: int

    @property
    def description(self) -> str:
        notebooks = f" + {self.notebooks} .ipynb" if self.notebooks else ""
        return f"{self.label} ({self.python_files} .py{notebooks})"


def iter_files(paths: Sequence[Path], suffixes: tuple[str, ...] = (".py",)) -> Iterator[Path]:
    for root in paths:
        if root.is_file():
            yield root
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS and not d.endswith(".egg"))
            yield from (Path(folder, f) for f in sorted(files) if f.endswith(suffixes))


def describe_target(paths: Sequence[Path], kind: str, label: str = "") -> Target:
    python_files = list(iter_files(paths))
    notebooks = sum(1 for _ in iter_files(paths, (".ipynb",)))
    lines = sum(p.read_bytes().count(b"\n") for p in python_files)
    name = label or ", ".join(p.name for p in paths)
    return Target(name, list(paths), kind, len(python_files), notebooks, lines)


def generator_digest() -> str:
    """A short hash of the generator's source: a cached tree is reused only if it matches."""
    return hashlib.sha256((BENCH_DIR / "generate_tree.py").read_bytes()).hexdigest()[:10]


def generated_tree(trees_dir: Path, files: int, seed: int) -> Path:
    """The generated tree for ``files``/``seed``, written once under ``trees_dir``.

    A tree is written to a temporary name and renamed when complete, so an interrupted
    generation is never reused.
    """
    path = trees_dir / f"gen-{files}-seed{seed}-{generator_digest()}"
    if path.is_dir():
        return path
    trees_dir.mkdir(parents=True, exist_ok=True)
    partial = trees_dir / f".{path.name}.{os.getpid()}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    print(f"generating {files} files (seed {seed}) into {path} ...", flush=True)
    start = time.perf_counter()
    generate(partial, files, seed)
    partial.rename(path)
    print(f"  done in {time.perf_counter() - start:.1f}s (kept for later runs)", flush=True)
    return path


def resolve_targets(args: argparse.Namespace) -> list[Target]:
    """The explicit ``paths`` as one checkout target, else the generated tree."""
    if args.paths:
        label = args.label or ", ".join(p.name for p in args.paths)
        return [describe_target(args.paths, "checkout", label)]
    tree = generated_tree(args.trees_dir, args.files, args.seed)
    label = args.label or f"generated {args.files} files"
    return [describe_target([tree], "generated", label)]


def scratch_copy(paths: Sequence[Path], into: Path, ignore: Sequence[str] = ()) -> list[Path]:
    """Copy each path under ``into`` (``.git`` and ``ignore`` patterns left out); the copies,
    in the same order."""
    copies = []
    skip = shutil.ignore_patterns(".git", *ignore)
    for index, path in enumerate(paths):
        dest = into / f"{index}" / path.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.copytree(path, dest, symlinks=True, ignore=skip)
        else:
            shutil.copy2(path, dest)
        copies.append(dest)
    return copies


def tree_state(paths: Sequence[Path]) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every file under ``paths``: enough to see that nothing wrote."""
    state = {}
    for root in paths:
        for folder, _, files in os.walk(root):
            for name in files:
                info = os.stat(os.path.join(folder, name))
                state[os.path.join(folder, name)] = (info.st_mtime_ns, info.st_size)
    return state


def changed_files(before: Mapping[str, tuple[int, int]], paths: Sequence[Path]) -> int:
    after = tree_state(paths)
    return sum(1 for key in before.keys() | after.keys() if before.get(key) != after.get(key))


# --------------------------------------------------------------------------------------
# Tools and machine
# --------------------------------------------------------------------------------------


def find_ruff(python: str, given: str | None) -> str:
    """``--ruff``, else the ``ruff`` next to ``python`` (its venv's bin), else on PATH."""
    if given:
        return given
    beside = Path(python).parent / "ruff"
    if beside.is_file():
        return str(beside)
    found = shutil.which("ruff")
    if not found:
        raise BenchError("no ruff binary: pass --ruff PATH")
    return found


def python_package_version(python: str, distribution: str, cwd: Path) -> str:
    code = f"import importlib.metadata as m; print(m.version({distribution!r}))"
    return run_checked([python, "-c", code], cwd).strip()


def require_tools(python: str, cwd: Path) -> dict[str, str]:
    """The versions the interpreter will run (package, libcst, flake8); BenchError if absent."""
    versions = {"python": run_checked([python, "-c", "import sys; print(sys.version)"], cwd)}
    versions["python"] = versions["python"].split()[0]
    for name in ("flake8-covalent-executor", "libcst", "flake8"):
        try:
            versions[name] = python_package_version(python, name, cwd)
        except BenchError as error:
            raise BenchError(f"{python} cannot run the benchmarks: {name} is missing") from error
    return versions


def announce_tools(python: str, cwd: Path) -> dict[str, str]:
    """``require_tools``, printed."""
    versions = require_tools(python, cwd)
    print(f"python  : {python} ({versions['python']})")
    package = f"flake8-covalent-executor {versions['flake8-covalent-executor']}"
    print(f"package : {package}, libcst {versions['libcst']}")
    return versions


def ruff_version(ruff: str, cwd: Path) -> str:
    return run_checked([ruff, "--version"], cwd).strip()


def source_revision(directory: str | Path) -> str:
    """``<commit>[-dirty]`` of a git checkout, else ``""``; reads, never writes, the repo."""
    if not Path(directory, ".git").exists():
        return ""
    git = ["git", "-C", str(directory)]
    env = {**child_env(), "GIT_OPTIONAL_LOCKS": "0"}
    head = subprocess.run(
        [*git, "rev-parse", "--short=10", "HEAD"], capture_output=True, text=True, env=env
    )
    if head.returncode != 0:
        return ""
    dirty = subprocess.run([*git, "diff-index", "--quiet", "HEAD", "--"], env=env, check=False)
    return head.stdout.strip() + ("-dirty" if dirty.returncode else "")


def package_digest() -> str:
    """A short hash of the package's source files: shows whether it changed during a run
    (the plugin venv and ``--python`` run the working tree, which others may be editing)."""
    digest = hashlib.sha256()
    for path in sorted((REPO_ROOT / "flake8_covalent_executor").rglob("*.py")):
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else platform.processor() or "unknown"


def nproc() -> int:
    return len(os.sched_getaffinity(0))


def machine_summary() -> str:
    return f"nproc {nproc()}, {cpu_model()}, {platform.platform()}"


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def wait_for_quiet(threshold: float, max_wait: float, poll: float) -> tuple[bool, float]:
    """Wait until the 1-minute load average is below ``threshold``; (quiet?, seconds)."""
    start = time.monotonic()
    while True:
        one = os.getloadavg()[0]
        waited = time.monotonic() - start
        if one < threshold:
            return True, waited
        if waited + poll > max_wait:
            return False, waited
        print(f"  load {load()}: waiting for the 1-min load < {threshold}", flush=True)
        time.sleep(poll)


# --------------------------------------------------------------------------------------
# Results and tables
# --------------------------------------------------------------------------------------

RESULT_HEADER = [
    "measure",
    "target",
    "ours",
    "reference",
    "median (range)",
    "budget",
    "verdict",
    "load 1-min",
]


@dataclass(frozen=True)
class Result:
    """One line of the combined table."""

    measure: str
    target: str
    ours: str
    reference: str
    figure: str
    budget: str
    verdict: str
    load: str = ""
    ratios: list[float] = field(default_factory=list)  # the per-round figures, for JSON

    def cells(self) -> list[str]:
        return [
            self.measure,
            self.target,
            self.ours,
            self.reference,
            self.figure,
            self.budget,
            self.verdict,
            self.load,
        ]


@dataclass
class Section:
    """What one benchmark reports: result lines, detail tables, notes, the raw runs."""

    name: str
    results: list[Result] = field(default_factory=list)
    details: list[tuple[str, list[list[str]]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    runs: dict[str, dict[str, list[Run]]] = field(default_factory=dict)

    def extend(self, other: Section) -> None:
        self.results += other.results
        self.details += other.details
        self.notes += [note for note in other.notes if note not in self.notes]
        self.commands += [c for c in other.commands if c not in self.commands]
        self.runs.update(other.runs)


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f}"


def runs_table(runs: Mapping[str, Sequence[Run]]) -> list[list[str]]:
    """Medians per command: wall, CPU, peak RSS, and what it printed."""
    rows = [["command", "wall s", "cpu s", "peak RSS MiB", "stdout lines", "exit"]]
    for label, mine in runs.items():
        rows.append(
            [
                label,
                f"{median_of(mine, 'wall'):.3f}",
                f"{median_of(mine, 'cpu'):.3f}",
                mib(median_of(mine, "maxrss_kib")),
                str(mine[-1].reported),
                str(mine[-1].returncode),
            ]
        )
    return rows


def show_command(cmd: Sequence[str], paths: Sequence[Path], aliases: Mapping[str, str]) -> str:
    """A measured command for humans: ``python``/``ruff`` for the binaries, TARGET for paths."""
    names = {str(p) for p in paths}
    words = [aliases.get(word, word) for word in cmd if word not in names]
    return " ".join([*words, "TARGET"])


def print_target_header(target: Target, commands: Mapping[str, str]) -> None:
    print()
    print(f"target  : {target.description}, {target.lines} lines in .py files")
    print(f"          {', '.join(map(str, target.paths))}")
    for label, cmd in commands.items():
        print(f"{label:8}: {cmd}")
    print(f"load    : {load()} (1, 5, 15 min)", flush=True)


def verdict(met: bool, smoke: bool) -> str:
    if smoke:
        return "n/a (smoke)"
    return "met" if met else "MISSED"


def render_table(rows: Sequence[Sequence[str]], markdown: bool = False) -> list[str]:
    """Rows (the first is the header) as aligned text, or as a Markdown table."""
    if markdown:
        lines = [f"| {' | '.join(rows[0])} |", f"|{'|'.join('---' for _ in rows[0])}|"]
        return lines + [
            f"| {' | '.join(cell.replace('|', '/') for cell in row)} |" for row in rows[1:]
        ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(rows[0], widths)).rstrip()]
    lines.append("  ".join("-" * width for width in widths))
    for row in rows[1:]:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return lines


def print_section(section: Section) -> None:
    print()
    print(f"== {section.name} ==")
    if section.results:
        rows = [RESULT_HEADER, *(result.cells() for result in section.results)]
        print("\n".join(render_table(rows)))
    for title, table in section.details:
        print()
        print(title)
        print("\n".join(render_table(table)))
    for note in section.notes:
        print(f"note: {note}")


# --------------------------------------------------------------------------------------
# Arguments shared by the tool benchmarks
# --------------------------------------------------------------------------------------


def add_target_args(parser: argparse.ArgumentParser, rounds: int) -> None:
    """Paths or a generated tree, rounds, smoke: the same options in every script."""
    parser.add_argument(
        "paths", nargs="*", type=Path, help="tree(s) to run on (default: generated)"
    )
    parser.add_argument("--label", default="", help="name of the target in the table")
    parser.add_argument("--files", type=int, default=2000, help="size of the generated tree")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated tree")
    parser.add_argument(
        "--trees-dir",
        type=Path,
        default=DEFAULT_TREES_DIR,
        help=f"where generated trees are cached (default {DEFAULT_TREES_DIR})",
    )
    parser.add_argument("--rounds", type=int, default=rounds, help=f"measured rounds ({rounds})")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs of each first")
    parser.add_argument(
        "--smoke", action="store_true", help=f"{SMOKE_FILES} generated files, 1 round, no warm-up"
    )


def add_tool_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter that runs check, fix and libcst (default: this one)",
    )


def finish_target_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Apply --smoke and make every path absolute (children run in another directory)."""
    if args.smoke and args.paths:
        parser.error("--smoke runs on its own tiny generated tree; drop the paths")
    if args.smoke:
        args.files, args.rounds, args.warmup = min(args.files, SMOKE_FILES), 1, 0
    args.paths = [p.resolve() for p in args.paths]
    for path in args.paths:
        if not path.exists():
            parser.error(f"{path} does not exist")
    args.trees_dir = args.trees_dir.resolve()


def write_json(path: Path, sections: Sequence[Section], extra: Mapping[str, object]) -> None:
    data = {**extra, "sections": [asdict(section) for section in sections]}
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")


def script_main(
    argv: Sequence[str],
    parse: Callable[[Sequence[str]], argparse.Namespace],
    collect: Callable[[argparse.Namespace, Path], Section],
) -> int:
    """The ``main`` of a benchmark script: parse, run in a scratch directory, print."""
    args = parse(argv)
    print(f"machine : {machine_summary()}")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            section = collect(args, Path(tmp))
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print_section(section)
    if getattr(args, "json", None):
        write_json(args.json, [section], {"machine": machine_summary()})
    return 0
