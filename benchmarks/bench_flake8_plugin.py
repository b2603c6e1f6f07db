"""Measure the CPU time that flake8-covalent-executor adds to ``flake8 -j1``.

Two virtual environments with the same flake8 (and so the same pyflakes, pycodestyle and
mccabe): one with flake8 only ("bare"), one with flake8 plus the plugin ("plugin"), and
optionally a third with flake8-bugbear as an anchor figure.  The same flake8 command runs
in each, alternating bare, plugin[, bugbear] in every round (the order flips from one round
to the next), and the CPU time (user+sys) of each child process is read from ``os.wait4``.
Timings are printed, never asserted.

Usage::

    python benchmarks/bench_flake8_plugin.py                    # generated 2000-file tree
    python benchmarks/bench_flake8_plugin.py /tmp/covalent-src  # any checkout
    python benchmarks/bench_flake8_plugin.py --smoke            # 24 files, 1 round (CI)
"""

from __future__ import annotations

import argparse
import os
import pstats
import re
import shutil
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    BENCH_DIR,
    REPO_ROOT,
    BenchError,
    Result,
    Run,
    Section,
    Target,
    add_target_args,
    finish_target_args,
    load,
    measured,
    median_of,
    per_round,
    resolve_targets,
    run_checked,
    run_once,
    script_main,
    source_revision,
    spread,
    verdict,
)

PIP = ("-m", "pip", "install", "--quiet", "--disable-pip-version-check")
BUDGET = 1.0  # percent of flake8's CPU the plugin may add


class NotBuilt(BenchError):
    """--no-build was given and a cached venv is missing or out of date."""


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


# --------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_target_args(parser, rounds=5)
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
    add_env_args(parser)
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--profile", type=Path, help="cProfile one plugin-env run into FILE")
    parser.add_argument("--profile-filter", default="flake8_covalent_executor")
    args = parser.parse_args(argv)
    finish_target_args(parser, args)
    return absolute_paths(args)


def absolute_paths(args: argparse.Namespace) -> argparse.Namespace:
    """Children run in another directory, so every path they see must be absolute."""
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
    group.add_argument(
        "--no-build",
        action="store_true",
        help="use the cached venvs only; stop if one is missing or out of date",
    )


# --------------------------------------------------------------------------------------
# Environments
# --------------------------------------------------------------------------------------


def requirement_args(spec: str) -> list[str]:
    """A local directory installs editable; anything else is a pip requirement."""
    return ["-e", spec] if Path(spec).is_dir() else [spec]


def ensure_venv(
    path: Path, requirements: Sequence[str], args: argparse.Namespace, cwd: Path
) -> None:
    """Create ``path`` with ``requirements`` unless a venv with the same list is there."""
    marker = path / ".bench-requirements"
    wanted = "\n".join(requirements)
    if not args.refresh and marker.is_file() and marker.read_text() == wanted:
        return
    if args.no_build:
        raise NotBuilt(f"{path} is not built for {' '.join(requirements)} (--no-build)")
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
        ensure_venv(bare_path, [args.flake8_spec], args, work)
    bare = flake8_identity(bare_path, "bare", work)
    pin = f"flake8=={bare.version}"
    extras = [("plugin", args.venv_plugin, requirement_args(args.plugin_spec))]
    if args.anchor_bugbear:
        extras.append(("bugbear", args.venv_bugbear, ["flake8-bugbear"]))
    envs = [bare]
    for label, given, requirements in extras:
        path = given or cache / f"{label}-{slug(' '.join(requirements))}"
        if not given:
            ensure_venv(path, [pin, *requirements], args, work)
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


def measure(
    envs: Sequence[Env], target: Target, args: argparse.Namespace, work: Path
) -> tuple[dict[str, list[Run]], str]:
    """Warm-up runs, then rounds of bare, plugin[, bugbear] (the order flips every round);
    also the 1-minute load average before and after."""
    commands = {env.label: flake8_command(env, target.paths, args) for env in envs}
    return measured(commands, args, work)


# --------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Machine:
    """What the envs run (the hardware is printed by the shared script entry point)."""

    python: str
    flake8: str
    base_plugins: dict[str, str]
    extra_plugins: dict[str, dict[str, str]]
    plugin_source: str
    loadavg_start: tuple[float, float, float]


def machine_info(envs: Sequence[Env], plugin_source: str) -> Machine:
    bare = envs[0]
    return Machine(
        python=bare.plugins.get("python", ""),
        flake8=bare.version,
        base_plugins={k: v for k, v in bare.plugins.items() if k != "python"},
        extra_plugins={env.label: extra_plugins(bare, env) for env in envs[1:]},
        plugin_source=plugin_source,
        loadavg_start=os.getloadavg(),
    )


def print_header(machine: Machine, target: Target, command: str) -> None:
    print()
    print(f"load    : {', '.join(f'{x:.2f}' for x in machine.loadavg_start)} (1, 5, 15 min)")
    print(f"python  : {machine.python}")
    print(f"flake8  : {machine.flake8} ({versions_text(machine.base_plugins)})")
    for label, extra in machine.extra_plugins.items():
        print(f"{label:8}: + {versions_text(extra)}")
    print(f"source  : plugin from {machine.plugin_source}")
    print(f"target  : {', '.join(map(str, target.paths))}")
    print(f"          {target.python_files} .py files, {target.lines} lines")
    print(f"command : {command}")
    print()


def versions_text(versions: dict[str, str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in versions.items())


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
    row = ["median", f"{median_of(bare_runs, 'cpu'):.2f}", f"{median_of(bare_runs, 'wall'):.2f}"]
    for env in envs[1:]:
        mine = runs[env.label]
        row += [f"{median_of(mine, 'cpu'):.2f}", f"{median_of(mine, 'wall'):.2f}"]
        row.append(f"{statistics.median(per_round(mine, bare_runs, ratio)):+.1f}%")
    return row


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
        ratios = per_round(runs[env.label], bare_runs, ratio)
        name = ", ".join(extra_plugins(envs[0], env))
        print(
            f"CPU added by {name} ({env.label}): {statistics.median(ratios):+.2f}% "
            f"(median of {len(ratios)} per-round ratios; range {min(ratios):+.2f}% "
            f"to {max(ratios):+.2f}%)"
        )
    print(f"load average at the end: {load()}")


def results(
    envs: Sequence[Env], target: Target, runs: dict[str, list[Run]], args: argparse.Namespace
) -> list[Result]:
    """One combined-table line per extra env: the plugin against its budget, bugbear as scale."""
    bare_runs = runs[envs[0].label]
    selection = f" (--select={args.select})" if args.select else ""
    rows = []
    for env in envs[1:]:
        ratios = per_round(runs[env.label], bare_runs, ratio)
        is_plugin = env.label == "plugin"
        name = "the plugin" if is_plugin else ", ".join(extra_plugins(envs[0], env))
        met = statistics.median(ratios) <= BUDGET
        rows.append(
            Result(
                measure=f"CPU {name} adds to flake8 -j1{selection}",
                target=f"{target.label} ({target.python_files} .py)",
                ours=f"{env.label} {median_of(runs[env.label], 'cpu'):.2f} s cpu",
                reference=f"bare {median_of(bare_runs, 'cpu'):.2f} s cpu",
                figure=spread(ratios, "{:+.1f}%"),
                budget=f"<= +{BUDGET:.0f}%" if is_plugin else "anchor",
                verdict=verdict(met, args.smoke) if is_plugin else "info",
                ratios=ratios,
            )
        )
    return rows


def profile_plugin(env: Env, target: Target, args: argparse.Namespace, work: Path) -> None:
    """One cProfile'd run in the plugin env, then the plugin's own functions by cumtime."""
    cmd = flake8_command(env, target.paths, args)
    profiled = [cmd[0], "-m", "cProfile", "-o", str(args.profile), *cmd[1:]]
    run = run_once(profiled, work)
    print(f"\nprofile written to {args.profile} ({run.cpu:.2f}s CPU under cProfile)")
    stats = pstats.Stats(str(args.profile))
    stats.sort_stats("cumulative").print_stats(args.profile_filter, 25)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def collect(args: argparse.Namespace, work: Path) -> Section:
    """Children run in ``work``, an empty directory: ``python -m`` puts the current
    directory on sys.path, and a checkout's ``*.egg-info`` there would register its
    plugin in the bare env too."""
    envs = make_envs(args, work)
    revision = source_revision(args.plugin_spec) if Path(args.plugin_spec).is_dir() else ""
    source = f"{args.plugin_spec} @ {revision}" if revision else args.plugin_spec
    command = "python " + " ".join(flake8_command(envs[0], ["TARGET"], args)[1:])
    section = Section(name="plugin CPU in flake8", commands=[command])
    machine = machine_info(envs, source)
    versions = f"flake8 {machine.flake8} ({versions_text(machine.base_plugins)})"
    section.notes.append(f"{versions}; {machine.python}")
    for label, extra in machine.extra_plugins.items():
        section.notes.append(f"{label} env: + {versions_text(extra)}")
    for target in resolve_targets(args):
        print_header(machine_info(envs, source), target, command)
        runs, load_range = measure(envs, target, args, work)
        print()
        print_table(envs, runs)
        print_summary(envs, runs)
        section.results += [replace(r, load=load_range) for r in results(envs, target, runs, args)]
        section.runs[target.label] = runs
        if args.profile:
            profile_plugin(envs[1], target, args, work)
    return section


def main(argv: Sequence[str] | None = None) -> int:
    return script_main(sys.argv[1:] if argv is None else argv, parse_args, collect)


if __name__ == "__main__":
    sys.exit(main())
