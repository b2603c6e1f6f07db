"""Measure the CPU time that flake8-covalent-executor adds to ``flake8 -j1``.

Two virtual environments with the same flake8 (and so the same pyflakes, pycodestyle and
mccabe): one with flake8 only ("bare"), one with flake8 plus the plugin ("plugin"), and
optionally a third with flake8-bugbear as an anchor figure.  The same flake8 command runs
in each, alternating bare, plugin[, bugbear] for every round, and the CPU time (user+sys)
of each child process is read from ``os.wait4``.  Timings are printed, never asserted.

Usage::

    python benchmarks/bench_flake8_plugin.py                    # generated 2000-file tree
    python benchmarks/bench_flake8_plugin.py /tmp/covalent-src  # any checkout
    python benchmarks/bench_flake8_plugin.py --smoke            # 20 files, 1 round (CI)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from generate_tree import generate  # noqa: E402

EXCLUDED_DIRS = frozenset({".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", ".nox"})
PIP = ("-m", "pip", "install", "--quiet", "--disable-pip-version-check")


class BenchError(Exception):
    """A setup or run failure (not a timing)."""


@dataclass(frozen=True)
class Env:
    """One virtual environment under test."""

    label: str
    venv: Path
    version: str = ""
    plugins: dict[str, str] = field(default_factory=dict)

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


@dataclass(frozen=True)
class Run:
    """Resource use of one flake8 process."""

    user: float
    sys: float
    wall: float
    maxrss_kib: int
    reported: int

    @property
    def cpu(self) -> float:
        return self.user + self.sys


# --------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="tree(s) to lint (default: generated)")
    parser.add_argument("--files", type=int, default=2000, help="size of the generated tree")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated tree")
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured runs per env first")
    parser.add_argument(
        "--select",
        help="flake8 --select for every env (default: none, i.e. flake8's defaults: "
        "E,F,W,C90 plus each plugin's default codes; E,F,W,C90,B,CVX turns on every rule)",
    )
    parser.add_argument(
        "--flake8-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra flake8 argument for every env, e.g. --flake8-arg=--extend-select=CVX003",
    )
    parser.add_argument("--smoke", action="store_true", help="20 generated files, 1 round")
    add_env_args(parser)
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--profile", type=Path, help="cProfile one plugin-env run into FILE")
    parser.add_argument("--profile-filter", default="flake8_covalent_executor")
    args = parser.parse_args(argv)
    if args.smoke and args.paths:
        parser.error("--smoke lints its own tiny generated tree; drop the paths")
    if args.smoke:
        args.files, args.rounds = 20, 1
    return absolute_paths(args)


def absolute_paths(args: argparse.Namespace) -> argparse.Namespace:
    """Children run in another directory, so every path they see must be absolute."""
    args.paths = [p.resolve() for p in args.paths]
    for name in ("json", "profile", "cache_dir", "venv_bare", "venv_plugin", "venv_bugbear"):
        if getattr(args, name) is not None:
            setattr(args, name, getattr(args, name).resolve())
    if Path(args.plugin_spec).is_dir():
        args.plugin_spec = str(Path(args.plugin_spec).resolve())
    return args


def add_env_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("environments")
    group.add_argument("--cache-dir", type=Path, default=BENCH_DIR / ".venvs")
    group.add_argument("--venv-bare", type=Path, help="existing venv with flake8 only")
    group.add_argument("--venv-plugin", type=Path, help="existing venv with flake8 + plugin")
    group.add_argument("--venv-bugbear", type=Path, help="existing venv with flake8 + bugbear")
    group.add_argument(
        "--plugin-spec",
        default=str(REPO_ROOT),
        help="what to pip install as the plugin: a directory (installed with -e) or a "
        "requirement such as flake8-bugbear (default: the repository root)",
    )
    group.add_argument("--flake8-spec", default="flake8", help="flake8 requirement (bare env)")
    group.add_argument("--anchor-bugbear", action="store_true", help="also time flake8-bugbear")
    group.add_argument("--refresh", action="store_true", help="recreate cached venvs")


# --------------------------------------------------------------------------------------
# Environments
# --------------------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    """The environment for every child: no PYTHON* overrides, a fixed hash seed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONHASHSEED"] = "0"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run_checked(cmd: Sequence[str], cwd: Path) -> str:
    result = subprocess.run(
        cmd, capture_output=True, text=True, env=child_env(), cwd=cwd, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def requirement_args(spec: str) -> list[str]:
    """A local directory installs editable; anything else is a pip requirement."""
    return ["-e", spec] if Path(spec).is_dir() else [spec]


def ensure_venv(path: Path, requirements: Sequence[str], refresh: bool, cwd: Path) -> None:
    """Create ``path`` with ``requirements`` unless a venv with the same list is there."""
    marker = path / ".bench-requirements"
    wanted = "\n".join(requirements)
    if not refresh and marker.is_file() and marker.read_text() == wanted:
        return
    shutil.rmtree(path, ignore_errors=True)
    print(f"creating {path}: pip install {' '.join(requirements)}", flush=True)
    run_checked([sys.executable, "-m", "venv", str(path)], cwd)
    run_checked([str(path / "bin" / "python"), *PIP, *requirements], cwd)
    marker.write_text(wanted)


def flake8_identity(venv: Path, label: str, cwd: Path) -> Env:
    """Read ``flake8 --version``: e.g. ``7.1.1 (mccabe: 0.7.0, pyflakes: 3.2.0) CPython``."""
    python = venv / "bin" / "python"
    if not python.exists():
        raise BenchError(f"{label}: no interpreter at {python}")
    text = " ".join(run_checked([str(python), "-m", "flake8", "--version"], cwd).split())
    match = re.match(r"(\S+) \((.*)\) (.*)$", text)
    if not match:
        raise BenchError(f"{label}: cannot parse flake8 --version: {text!r}")
    plugins = dict(item.split(": ", 1) for item in match.group(2).split(", ") if ": " in item)
    return Env(label, venv, match.group(1), {**plugins, "python": match.group(3)})


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[-40:] or "env"


def make_envs(args: argparse.Namespace, work: Path) -> list[Env]:
    """Build (or reuse) the venvs; ``work`` is an empty directory to run pip and flake8 in."""
    cache: Path = args.cache_dir
    bare_path = args.venv_bare or cache / "bare"
    if not args.venv_bare:
        ensure_venv(bare_path, [args.flake8_spec], args.refresh, work)
    bare = flake8_identity(bare_path, "bare", work)
    pin = f"flake8=={bare.version}"
    extras = [("plugin", args.venv_plugin, requirement_args(args.plugin_spec))]
    if args.anchor_bugbear:
        extras.append(("bugbear", args.venv_bugbear, ["flake8-bugbear"]))
    envs = [bare]
    for label, given, requirements in extras:
        path = given or cache / f"{label}-{slug(' '.join(requirements))}"
        if not given:
            ensure_venv(path, [pin, *requirements], args.refresh, work)
        envs.append(flake8_identity(path, label, work))
    check_same_base(envs)
    return envs


def extra_plugins(bare: Env, other: Env) -> dict[str, str]:
    return {k: v for k, v in other.plugins.items() if bare.plugins.get(k) != v}


def check_same_base(envs: Sequence[Env]) -> None:
    """Every env runs bare's flake8 and plugins, plus exactly one plugin of its own."""
    bare = envs[0]
    for env in envs[1:]:
        missing = {k: v for k, v in bare.plugins.items() if env.plugins.get(k) != v}
        extra = extra_plugins(bare, env)
        if env.version != bare.version or missing or len(extra) != 1:
            raise BenchError(
                f"{env.label} env is not bare + one plugin: flake8 {env.version} vs "
                f"{bare.version}, missing {missing}, extra {extra}"
            )


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


def flake8_command(env: Env, targets: Sequence[Path | str], args: argparse.Namespace) -> list[str]:
    """Same flags everywhere: no config files, one process, the same selection."""
    head = [str(env.python), "-m", "flake8", "--isolated", "--jobs=1", "--exit-zero"]
    select = [f"--select={args.select}"] if args.select else []
    return [*head, *select, *args.flake8_arg, *map(str, targets)]


def run_once(cmd: Sequence[str], scratch: Path) -> Run:
    """Run ``cmd`` to completion; CPU and peak RSS come from ``wait4`` for that child only."""
    out_path, err_path = scratch / "stdout", scratch / "stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=child_env(), cwd=scratch)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = err_path.read_text(errors="replace")[-3000:]
        raise BenchError(f"{' '.join(cmd)} exited {proc.returncode}:\n{tail}")
    with out_path.open("rb") as out:
        reported = sum(1 for _ in out)
    return Run(usage.ru_utime, usage.ru_stime, wall, usage.ru_maxrss, reported)


def measure(
    envs: Sequence[Env], targets: Sequence[Path], args: argparse.Namespace, work: Path
) -> dict[str, list[Run]]:
    """Warm-up runs, then rounds of bare, plugin[, bugbear], one after the other."""
    runs: dict[str, list[Run]] = {env.label: [] for env in envs}
    commands = {env.label: flake8_command(env, targets, args) for env in envs}
    for _ in range(args.warmup):
        for env in envs:
            run_once(commands[env.label], work)
    for number in range(1, args.rounds + 1):
        for env in envs:
            runs[env.label].append(run_once(commands[env.label], work))
        print(f"  round {number}/{args.rounds}: {round_summary(envs, runs)}", flush=True)
    return runs


def round_summary(envs: Sequence[Env], runs: dict[str, list[Run]]) -> str:
    return ", ".join(f"{env.label} {runs[env.label][-1].cpu:.2f}s" for env in envs)


# --------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else platform.processor() or "unknown"


@dataclass(frozen=True)
class Machine:
    nproc: int
    cpu_model: str
    platform: str
    python: str
    flake8: str
    base_plugins: dict[str, str]
    extra_plugins: dict[str, dict[str, str]]
    plugin_source: str
    loadavg_start: tuple[float, float, float]


@dataclass(frozen=True)
class Target:
    paths: list[str]
    python_files: int
    lines: int


def machine_info(envs: Sequence[Env], plugin_source: str) -> Machine:
    bare = envs[0]
    return Machine(
        nproc=len(os.sched_getaffinity(0)),
        cpu_model=cpu_model(),
        platform=platform.platform(),
        python=bare.plugins.get("python", ""),
        flake8=bare.version,
        base_plugins={k: v for k, v in bare.plugins.items() if k != "python"},
        extra_plugins={env.label: extra_plugins(bare, env) for env in envs[1:]},
        plugin_source=plugin_source,
        loadavg_start=os.getloadavg(),
    )


def iter_python_files(paths: Sequence[Path]) -> Iterator[Path]:
    for root in paths:
        if root.is_file():
            yield root
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS and not d.endswith(".egg"))
            yield from (Path(folder, f) for f in sorted(files) if f.endswith(".py"))


def target_info(paths: Sequence[Path]) -> Target:
    files = list(iter_python_files(paths))
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    return Target([str(p) for p in paths], len(files), lines)


def source_revision(spec: str) -> str:
    """``<commit>[-dirty]`` when the plugin is installed from a git checkout, else ``""``."""
    if not Path(spec, ".git").exists():
        return ""
    cmd = ["git", "-C", spec, "describe", "--always", "--dirty", "--abbrev=10"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return result.stdout.strip()


def print_header(machine: Machine, target: Target, command: str) -> None:
    print()
    print(f"machine : nproc {machine.nproc}, {machine.cpu_model}, {machine.platform}")
    print(f"load    : {', '.join(f'{x:.2f}' for x in machine.loadavg_start)} (1, 5, 15 min)")
    print(f"python  : {machine.python}")
    base = ", ".join(f"{k} {v}" for k, v in machine.base_plugins.items())
    print(f"flake8  : {machine.flake8} ({base})")
    for label, extra in machine.extra_plugins.items():
        print(f"{label:8}: + {', '.join(f'{k} {v}' for k, v in extra.items())}")
    print(f"source  : plugin from {machine.plugin_source}")
    print(f"target  : {', '.join(target.paths)}")
    print(f"          {target.python_files} .py files, {target.lines} lines")
    print(f"command : {command}")
    print()


def ratio(run: Run, base: Run) -> float:
    return (run.cpu / base.cpu - 1.0) * 100.0 if base.cpu else float("nan")


def table_rows(envs: Sequence[Env], runs: dict[str, list[Run]]) -> list[list[str]]:
    bare_runs = runs[envs[0].label]
    rows = []
    for index, base in enumerate(bare_runs):
        row = [str(index + 1), f"{base.cpu:.2f}", f"{base.wall:.2f}"]
        for env in envs[1:]:
            run = runs[env.label][index]
            row += [f"{run.cpu:.2f}", f"{run.wall:.2f}", f"{ratio(run, base):+.1f}%"]
        rows.append(row)
    return rows


def median_row(envs: Sequence[Env], runs: dict[str, list[Run]]) -> list[str]:
    bare_runs = runs[envs[0].label]
    row = ["median", f"{median_cpu(bare_runs):.2f}", f"{median_wall(bare_runs):.2f}"]
    for env in envs[1:]:
        mine = runs[env.label]
        row += [f"{median_cpu(mine):.2f}", f"{median_wall(mine):.2f}"]
        row.append(f"{median_ratio(mine, bare_runs):+.1f}%")
    return row


def median_cpu(runs: Sequence[Run]) -> float:
    return statistics.median(r.cpu for r in runs)


def median_wall(runs: Sequence[Run]) -> float:
    return statistics.median(r.wall for r in runs)


def median_ratio(runs: Sequence[Run], base: Sequence[Run]) -> float:
    return statistics.median(ratio(r, b) for r, b in zip(runs, base))


def print_table(envs: Sequence[Env], runs: dict[str, list[Run]]) -> None:
    header = ["round", f"{envs[0].label} cpu s", "wall s"]
    for env in envs[1:]:
        header += [f"{env.label} cpu s", "wall s", "cpu added"]
    rows = [header, *table_rows(envs, runs), median_row(envs, runs)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for number, row in enumerate(rows):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths)))
        if number in (0, len(rows) - 2):
            print("  ".join("-" * width for width in widths))


def print_summary(envs: Sequence[Env], runs: dict[str, list[Run]]) -> None:
    bare_runs = runs[envs[0].label]
    print()
    reported = ", ".join(f"{env.label} {runs[env.label][-1].reported}" for env in envs)
    rss = ", ".join(f"{env.label} {runs[env.label][-1].maxrss_kib // 1024} MiB" for env in envs)
    print(f"lines reported by flake8 (last round): {reported}")
    print(f"peak RSS (last round): {rss}")
    for env in envs[1:]:
        ratios = [ratio(r, b) for r, b in zip(runs[env.label], bare_runs)]
        name = ", ".join(extra_plugins(envs[0], env))
        print(
            f"CPU added by {name} ({env.label}): {statistics.median(ratios):+.2f}% "
            f"(median of {len(ratios)} per-round ratios; range {min(ratios):+.2f}% "
            f"to {max(ratios):+.2f}%)"
        )
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


def write_json(
    path: Path,
    machine: Machine,
    target: Target,
    envs: Sequence[Env],
    runs: dict[str, list[Run]],
) -> None:
    bare_runs = runs[envs[0].label]
    data = {
        "machine": asdict(machine),
        "target": asdict(target),
        "runs": {label: [{**asdict(r), "cpu": r.cpu} for r in rs] for label, rs in runs.items()},
        "cpu_added_percent": {
            env.label: median_ratio(runs[env.label], bare_runs) for env in envs[1:]
        },
    }
    path.write_text(json.dumps(data, indent=2) + "\n")


def profile_plugin(
    env: Env, targets: Sequence[Path], args: argparse.Namespace, work: Path
) -> None:
    """One cProfile'd run in the plugin env, then the plugin's own functions by cumtime."""
    cmd = flake8_command(env, targets, args)
    profiled = [cmd[0], "-m", "cProfile", "-o", str(args.profile), *cmd[1:]]
    run = run_once(profiled, work)
    print(f"\nprofile written to {args.profile} ({run.cpu:.2f}s CPU under cProfile)")
    stats = pstats.Stats(str(args.profile))
    stats.sort_stats("cumulative").print_stats(args.profile_filter, 25)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def run_benchmark(args: argparse.Namespace, targets: Sequence[Path], work: Path) -> None:
    """Children run in ``work``, an empty directory: ``python -m`` puts the current
    directory on sys.path, and a checkout's ``*.egg-info`` there would register its
    plugin in the bare env too."""
    envs = make_envs(args, work)
    revision = source_revision(args.plugin_spec)
    source = f"{args.plugin_spec} @ {revision}" if revision else args.plugin_spec
    machine, target = machine_info(envs, source), target_info(targets)
    command = " ".join(flake8_command(envs[0], ["TARGET"], args)[1:])
    print_header(machine, target, f"python {command}")
    runs = measure(envs, targets, args, work)
    print()
    print_table(envs, runs)
    print_summary(envs, runs)
    if args.json:
        write_json(args.json, machine, target, envs, runs)
    if args.profile:
        profile_plugin(envs[1], targets, args, work)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-flake8-") as tmp:
            work, tree = Path(tmp, "run"), Path(tmp, "tree")
            work.mkdir()
            if not args.paths:
                generate(tree, args.files, args.seed)
                print(f"generated {args.files} files (seed {args.seed}) in {tree}")
            run_benchmark(args, args.paths or [tree], work)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
