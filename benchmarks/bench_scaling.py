"""How ``check`` and ``fix --check`` scale with the size of the tree.

Generated trees of several sizes (default 1000, 5000 and 20000 files, cached under
``--trees-dir``).  After a warm-up run of each command on the smallest tree, every round
runs ``check`` and ``fix --check`` once on each size, the order flipping every round.  For
each command it reports the wall time per file and the peak RSS at each size, and the
ratio of the largest size to the smallest (per round, then the median): both should stay
flat.  ``fix --check`` runs on a scratch copy, with
``--jobs 1`` by default so that the peak RSS is that of one process doing all the work.
Timings are printed, never asserted.

Usage::

    python benchmarks/bench_scaling.py                          # 1000, 5000, 20000 files
    python benchmarks/bench_scaling.py --sizes 500,2000,8000
    python benchmarks/bench_scaling.py --smoke                  # 8, 16, 32 files, 1 round
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DEFAULT_TREES_DIR,
    BenchError,
    Result,
    Run,
    Section,
    Target,
    add_tool_args,
    announce_tools,
    changed_files,
    describe_target,
    generated_tree,
    measured,
    mib,
    per_round,
    print_target_header,
    run_once,
    scratch_copy,
    script_main,
    show_command,
    spread,
    tree_state,
    verdict,
)
from bench_fix_libcst import fix_command

BUDGET = 1.2  # largest / smallest size, per file for time, absolute for peak RSS
SMOKE_SIZES = (8, 16, 32)
COMMANDS = ("check", "fix --check")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,5000,20000",
        help="comma-separated tree sizes in files (default 1000,5000,20000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated trees")
    parser.add_argument("--trees-dir", type=Path, default=DEFAULT_TREES_DIR)
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds (3)")
    parser.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="unmeasured runs of each command on the smallest tree first (1)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="--jobs of fix --check (1)")
    parser.add_argument("--smoke", action="store_true", help="sizes 8,16,32, 1 round")
    add_tool_args(parser)
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(size) for size in args.sizes.split(",")})
    except ValueError:
        parser.error(f"--sizes: not a list of integers: {args.sizes}")
    if args.smoke:
        args.sizes, args.rounds, args.warmup = list(SMOKE_SIZES), 1, 0
    if len(args.sizes) < 2 or args.sizes[0] < 1:
        parser.error("--sizes needs at least two positive sizes")
    args.trees_dir = args.trees_dir.resolve()
    return args


def check_command(python: str, paths: Sequence[Path]) -> list[str]:
    check = [python, "-m", "flake8_covalent_executor", "check", "--isolated", "--exit-zero"]
    check += ["--jobs", "1"]  # one process doing all the work: its peak RSS is the measure
    return [*check, *map(str, paths)]


def ratio_result(
    args: argparse.Namespace,
    command: str,
    what: str,
    runs: dict[str, list[Run]],
    figure: tuple[str, bool],
    load_range: str,
) -> Result:
    """Largest size against smallest: per round, then the median."""
    attribute, per_file = figure
    small, large = args.sizes[0], args.sizes[-1]

    def value(run: Run, size: int) -> float:
        return float(getattr(run, attribute)) / (size if per_file else 1)

    ratios = per_round(
        runs[f"{command}@{large}"],
        runs[f"{command}@{small}"],
        lambda a, b: value(a, large) / value(b, small),
    )
    med = {
        size: statistics.median(value(r, size) for r in runs[f"{command}@{size}"])
        for size in (small, large)
    }
    if attribute == "wall":
        ours, reference = (
            f"{large}: {med[large] * 1000:.3f} ms",
            f"{small}: {med[small] * 1000:.3f} ms",
        )
    else:
        ours, reference = f"{large}: {mib(med[large])} MiB", f"{small}: {mib(med[small])} MiB"
    return Result(
        measure=f"{command}: {what}, {small} -> {large} files",
        target=f"generated {small}/{large} files",
        ours=ours,
        reference=reference,
        figure=spread(ratios, "{:.2f}x"),
        budget=f"<= {BUDGET:.1f}x",
        verdict=verdict(statistics.median(ratios) <= BUDGET, args.smoke),
        load=load_range,
    )


def size_table(
    args: argparse.Namespace, targets: dict[int, Target], runs: dict[str, list[Run]]
) -> list[list[str]]:
    header = ["files", "lines"]
    for command in COMMANDS:
        header += [f"{command} wall s", "ms/file", "cpu ms/file", "peak MiB"]
    rows = [header]
    for size in args.sizes:
        row = [str(size), str(targets[size].lines)]
        for command in COMMANDS:
            mine = runs[f"{command}@{size}"]
            wall = statistics.median(r.wall for r in mine)
            cpu = statistics.median(r.cpu for r in mine)
            peak = statistics.median(r.maxrss_kib for r in mine)
            row += [
                f"{wall:.2f}",
                f"{wall / size * 1000:.3f}",
                f"{cpu / size * 1000:.3f}",
                mib(peak),
            ]
        rows.append(row)
    return rows


def collect(args: argparse.Namespace, work: Path) -> Section:
    announce_tools(args.python, work)
    trees = {size: generated_tree(args.trees_dir, size, args.seed) for size in args.sizes}
    targets = {
        size: describe_target([tree], "generated", f"generated {size}")
        for size, tree in trees.items()
    }
    cmds: dict[str, list[str]] = {}
    copies: dict[int, list[Path]] = {}
    for size, tree in trees.items():
        copies[size] = scratch_copy([tree], work / f"copy-{size}")
        cmds[f"check@{size}"] = check_command(args.python, [tree])
        cmds[f"fix --check@{size}"] = fix_command(args.python, args.jobs, copies[size])
    before = {size: tree_state(copy) for size, copy in copies.items()}
    aliases = {args.python: "python"}
    largest = args.sizes[-1]
    shown = {
        "check": show_command(cmds[f"check@{largest}"], [trees[largest]], aliases),
        "fix": show_command(cmds[f"fix --check@{largest}"], copies[largest], aliases),
    }
    for size in args.sizes:
        print(f"size {size}: {targets[size].description}, {targets[size].lines} lines")
    print_target_header(targets[largest], shown)
    smallest = args.sizes[0]
    for _ in range(args.warmup):  # bytecode and imports; the trees were just read or copied
        for command in COMMANDS:
            run_once(cmds[f"{command}@{smallest}"], work, ok=(0, 1))
    runs, load_range = measured(
        cmds, argparse.Namespace(rounds=args.rounds, warmup=0), work, (0, 1)
    )
    for size, copy in copies.items():
        written = changed_files(before[size], copy)
        if written:
            raise BenchError(f"fix --check wrote {written} files in {copy}")
    results = []
    for command in COMMANDS:
        for what, figure in (
            ("wall per file", ("wall", True)),
            ("peak RSS", ("maxrss_kib", False)),
        ):
            results.append(ratio_result(args, command, what, runs, figure, load_range))
    return Section(
        name="scaling",
        results=results,
        details=[("scaling: medians per size", size_table(args, targets, runs))],
        notes=[f"scaling: fix --check with --jobs {args.jobs}; check is one process"],
        commands=list(shown.values()),
        runs={"scaling": runs},
    )


def main(argv: Sequence[str] | None = None) -> int:
    return script_main(sys.argv[1:] if argv is None else argv, parse_args, collect)


if __name__ == "__main__":
    sys.exit(main())
