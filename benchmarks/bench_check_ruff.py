"""Time ``flake8-covalent-executor check`` next to ``ruff check --no-cache`` on the same tree.

Both commands run on the same files, alternating, for several rounds; the figure is the
median over rounds of ``check wall / ruff wall`` (each round pairs one run of each).  Both
get ``--isolated`` (no config file of the tree, of its parents or of the user changes what
either does) and ``--exit-zero``; Ruff runs its default rule set.  Timings are printed,
never asserted.

Usage::

    python benchmarks/bench_check_ruff.py                     # generated 2000-file tree
    python benchmarks/bench_check_ruff.py /tmp/covalent-src   # any tree
    python benchmarks/bench_check_ruff.py /tmp/covalent-git --extend-exclude=tests,doc
                                          # a git checkout: .gitignore and exclusions active
    python benchmarks/bench_check_ruff.py --smoke             # 24 files, 1 round (CI)
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    Result,
    Section,
    Target,
    add_target_args,
    add_tool_args,
    announce_tools,
    find_ruff,
    finish_target_args,
    measured,
    median_of,
    per_round,
    print_target_header,
    resolve_targets,
    ruff_version,
    run_checked,
    runs_table,
    script_main,
    show_command,
    spread,
    verdict,
)

BUDGET = 2.0  # check may take at most twice Ruff's wall time


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_target_args(parser, rounds=10)
    add_tool_args(parser)
    parser.add_argument("--ruff", help="ruff binary (default: next to --python, else on PATH)")
    parser.add_argument(
        "--ruff-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra ruff argument, repeatable, e.g. --ruff-arg=--select=E4,E7,E9,F",
    )
    parser.add_argument(
        "--extend-exclude",
        metavar="PATTERNS",
        help="give both tools this --extend-exclude (names such as tests,doc mean the same to "
        "both); both skip what .gitignore ignores when the tree is a git checkout",
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    finish_target_args(parser, args)
    return args


def commands(args: argparse.Namespace, ruff: str, paths: Sequence[Path]) -> dict[str, list[str]]:
    names = [str(p) for p in paths]
    exclude = [f"--extend-exclude={args.extend_exclude}"] if args.extend_exclude else []
    check = [args.python, "-m", "flake8_covalent_executor", "check", "--isolated", *exclude]
    ruff_check = [ruff, "check", "--no-cache", "--isolated", *exclude]
    return {
        "check": [*check, "--exit-zero", *names],
        "ruff": [*ruff_check, "--exit-zero", *args.ruff_arg, *names],
    }


def ruff_rule_count(ruff: str, extra: Sequence[str], path: Path, cwd: Path) -> int:
    """How many rules Ruff enables with these arguments (its defaults change over versions)."""
    cmd = [ruff, "check", "--isolated", *extra, "--show-settings", str(path)]
    text = run_checked(cmd, cwd)
    match = re.search(r"^linter\.rules\.enabled = \[\n(.*?)^\]", text, re.MULTILINE | re.DOTALL)
    return len(match.group(1).splitlines()) if match else -1


def measure_target(args: argparse.Namespace, target: Target, ruff: str, work: Path) -> Section:
    cmds = commands(args, ruff, target.paths)
    aliases = {args.python: "python", ruff: "ruff"}
    shown = {label: show_command(cmd, target.paths, aliases) for label, cmd in cmds.items()}
    print_target_header(target, shown)
    runs, load_range = measured(cmds, args, work)
    ratios = per_round(runs["check"], runs["ruff"], lambda a, b: a.wall / b.wall)
    check_wall, ruff_wall = median_of(runs["check"], "wall"), median_of(runs["ruff"], "wall")
    result = Result(
        measure="check wall / ruff check --no-cache wall",
        target=target.description,
        ours=f"check {check_wall:.3f} s",
        reference=f"ruff {ruff_wall:.3f} s",
        figure=spread(ratios, "{:.2f}x"),
        budget=f"<= {BUDGET:.1f}x",
        verdict=verdict(statistics.median(ratios) <= BUDGET, args.smoke),
        load=load_range,
    )
    table = runs_table(runs)
    return Section(
        name="check vs Ruff",
        results=[result],
        details=[(f"check vs ruff, {target.description}: medians", table)],
        commands=list(shown.values()),
        runs={target.label: runs},
    )


def collect(args: argparse.Namespace, work: Path) -> Section:
    announce_tools(args.python, work)
    ruff = find_ruff(args.python, args.ruff)
    targets = resolve_targets(args)
    rules = ruff_rule_count(ruff, args.ruff_arg, targets[0].paths[0], work)
    tools = f"{ruff_version(ruff, work)} ({ruff}), {rules} rules enabled"
    print(f"ruff    : {tools}")
    section = Section(name="check vs Ruff")
    for target in targets:
        section.extend(measure_target(args, target, ruff, work))
    section.notes.append(f"ruff: {tools}")
    return section


def main(argv: Sequence[str] | None = None) -> int:
    return script_main(sys.argv[1:] if argv is None else argv, parse_args, collect)


if __name__ == "__main__":
    sys.exit(main())
