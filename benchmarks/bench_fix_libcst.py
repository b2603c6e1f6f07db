"""Time ``flake8-covalent-executor fix --check`` next to libcst's own no-op codemod runner.

The reference is ``python -m libcst.tool codemod noop.NOOPCommand --no-format``: libcst's
runner parsing every file and writing back what a do-nothing codemod returns, which is the
floor for any codemod driven by that runner.  Both get the same number of processes
(``-j N`` for libcst, ``--jobs N`` for fix) and the same interpreter.  Each runs on its own
scratch copy of the tree: ``fix --check`` must not write (the benchmark stops if it did),
and libcst's runner writes back every file whose code it "changed".  libcst reads ``.py``
files only; on a tree with notebooks ``fix --check`` is also timed on a copy without them.
The figure is the median over rounds of ``libcst wall / fix wall``.  Timings are printed,
never asserted.

Usage::

    python benchmarks/bench_fix_libcst.py                     # generated 2000-file tree
    python benchmarks/bench_fix_libcst.py /tmp/covalent-src   # any tree
    python benchmarks/bench_fix_libcst.py --smoke             # 24 files, 1 round (CI)
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
    BenchError,
    Result,
    Run,
    Section,
    Target,
    add_target_args,
    add_tool_args,
    announce_tools,
    changed_files,
    finish_target_args,
    measured,
    median_of,
    per_round,
    print_target_header,
    resolve_targets,
    runs_table,
    scratch_copy,
    script_main,
    show_command,
    spread,
    tree_state,
    verdict,
)

# fix --check must be this many times faster than libcst's no-op runner
BUDGETS = {"checkout": 20.0, "generated": 5.0}


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_target_args(parser, rounds=5)
    add_tool_args(parser)
    parser.add_argument(
        "--jobs", type=int, default=2, help="processes for both: -j N / --jobs N (default 2)"
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    finish_target_args(parser, args)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return args


def fix_command(python: str, jobs: int, paths: Sequence[Path]) -> list[str]:
    """``fix --check``: reports what it would rewrite, exit 1 if anything, writes nothing."""
    fix = [python, "-m", "flake8_covalent_executor", "fix", "--isolated", "--check"]
    return [*fix, "--jobs", str(jobs), *map(str, paths)]


def libcst_command(python: str, jobs: int, paths: Sequence[Path]) -> list[str]:
    tool = [python, "-m", "libcst.tool", "codemod", "noop.NOOPCommand", "--no-format"]
    return [*tool, "-j", str(jobs), *map(str, paths)]


def libcst_summary(run: Run) -> str:
    """``Transformed N files successfully`` ... from the end of libcst's stderr."""
    found = re.findall(
        r"- (Transformed \d+ files successfully|Failed to codemod \d+ files)", run.stderr_tail
    )
    return ", ".join(found) or "no summary"


FIX, FIX_PY, LIBCST = "fix --check", "fix --check .py", "libcst noop"


def measure_target(args: argparse.Namespace, target: Target, work: Path) -> Section:
    copies = {
        FIX: scratch_copy(target.paths, work / "copy-fix"),
        LIBCST: scratch_copy(target.paths, work / "copy-libcst"),
    }
    if target.notebooks:  # libcst reads .py files only: also time fix on just those
        copies[FIX_PY] = scratch_copy(target.paths, work / "copy-fix-py", ignore=("*.ipynb",))
    before = {label: tree_state(copy) for label, copy in copies.items()}
    cmds = {
        label: (libcst_command if label == LIBCST else fix_command)(args.python, args.jobs, copy)
        for label, copy in copies.items()
    }
    shown = {
        label: show_command(cmds[label], copy, {args.python: "python"})
        for label, copy in copies.items()
    }
    print_target_header(target, {label.split()[0]: shown[label] for label in (FIX, LIBCST)})
    runs, load_range = measured(cmds, args, work, ok=(0, 1))
    for label in (FIX, FIX_PY):
        written = changed_files(before[label], copies[label]) if label in copies else 0
        if written:
            raise BenchError(f"fix --check wrote {written} files in {copies[label]}")
    results = [speedup(args, target, runs, FIX, target.description, load_range)]
    if FIX_PY in runs:
        py_only = f"{target.label} ({target.python_files} .py only, as libcst)"
        results.append(speedup(args, target, runs, FIX_PY, py_only, load_range))
    last_fix = runs[FIX][-1].stderr_tail.strip().splitlines()
    notes = [
        f"{target.label}: fix --check said: {last_fix[-1] if last_fix else '(nothing)'}",
        f"{target.label}: libcst said: {libcst_summary(runs[LIBCST][-1])}; "
        f"it rewrote {changed_files(before[LIBCST], copies[LIBCST])} files of its copy",
    ]
    if target.notebooks:
        notes.append(
            f"{target.label}: fix also reads the {target.notebooks} notebooks, libcst does "
            "not; the .py-only row runs fix on a copy without them"
        )
    return Section(
        name="fix --check vs libcst",
        results=results,
        details=[(f"fix --check vs libcst, {target.description}: medians", runs_table(runs))],
        notes=notes,
        commands=[shown[FIX], shown[LIBCST]],
        runs={target.label: runs},
    )


def speedup(
    args: argparse.Namespace,
    target: Target,
    runs: dict[str, list[Run]],
    fix: str,
    label: str,
    load_range: str,
) -> Result:
    """libcst wall / fix wall, per round, then the median, against the target's budget."""
    speedups = per_round(runs[LIBCST], runs[fix], lambda a, b: a.wall / b.wall)
    budget = BUDGETS[target.kind]
    return Result(
        measure=f"fix --check speed-up over libcst noop runner, {args.jobs} jobs",
        target=label,
        ours=f"fix --check {median_of(runs[fix], 'wall'):.3f} s",
        reference=f"libcst {median_of(runs[LIBCST], 'wall'):.2f} s",
        figure=spread(speedups, "{:.1f}x"),
        budget=f">= {budget:.0f}x ({target.kind})",
        verdict=verdict(statistics.median(speedups) >= budget, args.smoke),
        load=load_range,
        ratios=speedups,
    )


def collect(args: argparse.Namespace, work: Path) -> Section:
    announce_tools(args.python, work)
    section = Section(name="fix --check vs libcst")
    for target in resolve_targets(args):
        section.extend(measure_target(args, target, work))
    return section


def main(argv: Sequence[str] | None = None) -> int:
    return script_main(sys.argv[1:] if argv is None else argv, parse_args, collect)


if __name__ == "__main__":
    sys.exit(main())
