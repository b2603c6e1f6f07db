"""The command line: ``flake8-covalent-executor check|fix``, also ``python -m ...``."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import __version__
from .analysis import Options
from .check import run_check
from .config import ConfigError, read_settings, split_list
from .files import iter_paths
from .formats import FORMATS, json_rows, render
from .parallel import WorkerError, cpu_count
from .results import FixResult, location
from .selection import Selection
from .settings import Settings

if TYPE_CHECKING:  # the fixer's modules are imported only when ``fix`` runs
    from .fix.runner import FixMode

PROG = "flake8-covalent-executor"


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files and directories; - reads standard input",
    )
    add = parser.add_argument
    add(
        "--covalent-extra-entry-points",
        metavar="NAMES",
        help="comma-separated dotted names of extra entry points (wrapper decorators)",
    )
    add(
        "--covalent-extra-executors",
        metavar="NAMES",
        help="comma-separated dotted names of extra executor constructors",
    )
    for flag in ("--select", "--extend-select", "--ignore", "--extend-ignore"):
        add(flag, metavar="CODES", help=f"comma-separated codes, as flake8's {flag}")
    add("--disable-noqa", action="store_true", default=None, help="report even under # noqa")
    add(
        "--stdin-filename",
        default="stdin",
        metavar="NAME",
        help="the name to report for - (standard input)",
    )
    add("--config", metavar="PATH", help="read this flake8 config file instead of searching")
    add("--isolated", action="store_true", help="ignore all config files")


def _jobs(value: str) -> int:
    """``--jobs``: a count, or ``auto`` (also 0) for one process per core, as flake8 takes it."""
    if value.strip().lower() == "auto":
        return 0
    try:
        jobs = int(value)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"expected a number of processes or auto, got {value!r}")
    return jobs


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="report executors built inline (CVX001-CVX003)")
    _add_common(check)
    check.add_argument("--format", choices=FORMATS, default="default")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default="auto",
        metavar="N",
        help="check over N processes (default: auto, one per core; 1: in this process)",
    )
    fix = commands.add_parser("fix", help="hoist inline executors into shared instances")
    _add_common(fix)
    fix.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    fix.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a file would change"
    )
    fix.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also hoist executors built inside functions (CVX002)",
    )
    fix.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default="auto",
        metavar="N",
        help="fix over N processes (default: auto, one per core; 1: in this process)",
    )
    return parser


def _value(args: argparse.Namespace, config: dict[str, str], key: str) -> str | None:
    given = getattr(args, key)
    if given is not None:
        return str(given)
    return config.get(key)


def _codes(args: argparse.Namespace, config: dict[str, str], key: str) -> list[str] | None:
    value = _value(args, config, key)
    return None if value is None else [code.upper() for code in split_list(value)]


def options_from(args: argparse.Namespace) -> Options:
    """Command-line values over the [flake8] config values, as flake8 merges them."""
    config = read_settings(args.config, args.isolated)
    settings = Settings.from_lists(
        split_list(_value(args, config, "covalent_extra_entry_points") or ""),
        split_list(_value(args, config, "covalent_extra_executors") or ""),
    )
    selection = Selection(
        select=_codes(args, config, "select"),
        extend_select=_codes(args, config, "extend_select") or [],
        ignore=_codes(args, config, "ignore"),
        extend_ignore=_codes(args, config, "extend_ignore") or [],
    )
    disable = _value(args, config, "disable_noqa")
    return Options(settings, selection, str(disable).lower() in ("1", "true", "yes", "on"))


def _check(args: argparse.Namespace) -> int:
    """Print each file's findings as it is checked (memory stays flat on large trees; JSON
    keeps only small rows until the end)."""
    options = options_from(args)
    threshold = gc.get_threshold()
    # Parsing makes many objects but few cycles: collecting less often saves 7% (measured on
    # the generated 2000-file tree) and keeps memory flat. Forked workers inherit it.
    gc.set_threshold(10_000, 10, 10)
    try:
        return _report_check(args, options)
    finally:
        gc.set_threshold(*threshold)


def _report_check(args: argparse.Namespace, options: Options) -> int:
    rows: list[dict[str, object]] = []
    found = errors = False
    jobs = args.jobs or cpu_count()
    for result in run_check(args.paths, options, args.stdin_filename, jobs):
        if args.format == "json":
            rows.extend(json_rows(result))
        else:
            sys.stdout.write(render([result], args.format))
        for note in result.notes:
            sys.stderr.write(f"{result.path}:{note}\n")
        if result.error is not None:
            sys.stderr.write(f"{result.path}: {result.error}\n")
        found, errors = found or bool(result.findings), errors or result.error is not None
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
    if errors:
        return 2
    return 1 if found and not args.exit_zero else 0


def _fix(args: argparse.Namespace) -> int:
    from .fix.runner import FixMode, Progress, Tally, run_fix

    options = options_from(args)
    mode = FixMode(
        write=not (args.diff or args.check),
        diff=args.diff,
        unsafe=args.unsafe_fixes,
        read_config=not args.isolated,
    )
    jobs = args.jobs or cpu_count()
    paths = list(args.paths)
    progress = Progress(lambda: len(paths) if "-" in paths else sum(1 for _ in iter_paths(paths)))
    tally = Tally()
    for result in run_fix(paths, options, mode, jobs, args.stdin_filename):
        tally.add(result)
        progress.step()
        _report_fix(result, args, mode)
    sys.stderr.write(tally.summary(mode.write) + "\n")
    if tally.errors:
        return 2
    return 1 if tally.changed else 0


def _report_fix(result: FixResult, args: argparse.Namespace, mode: FixMode) -> None:
    from .fix.runner import unified_diff

    if result.error is not None:
        sys.stderr.write(f"{result.path}: {result.error}\n")
    for note in result.notes:
        sys.stderr.write(f"{result.path}:{note}\n")
    for cell, left in result.located():
        where = location(cell, left.finding.line, left.finding.col)
        sys.stderr.write(f"{result.path}:{where}: {left.finding.code} left alone: {left.reason}\n")
    if "-" in args.paths and result.path == args.stdin_filename and not mode.diff:
        sys.stdout.buffer.write(result.new if result.new is not None else result.old)
    elif mode.diff and result.new is not None:
        sys.stdout.write(unified_diff(result))


def _tolerate_undecodable_names() -> None:
    """File names that are not valid in the locale's encoding reach us as surrogates
    (os.fsdecode): write them back as the bytes they were, not as a traceback."""
    for stream, errors in ((sys.stdout, "surrogateescape"), (sys.stderr, "backslashreplace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=errors)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command and return its exit code: 0 clean, 1 findings, 2 errors."""
    _tolerate_undecodable_names()
    args = build_parser().parse_args(argv)
    try:
        return _fix(args) if args.command == "fix" else _check(args)
    except (ConfigError, WorkerError) as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
