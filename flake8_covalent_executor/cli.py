"""The command line: ``flake8-covalent-executor check|fix|rule``, also ``python -m ...``."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .analysis import Options
from .check import run_check
from .config import KEYS, ConfigError, gather
from .configure import resolve
from .files import iter_paths
from .formats import FORMATS, Style, writer
from .parallel import WorkerError, cpu_count
from .results import FixResult, location
from .summary import Totals

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
    add(
        "--config",
        metavar="PATH",
        help="read only this config file (a [flake8] ini file, or a .toml file's "
        "[tool.flake8-covalent-executor] table) instead of searching",
    )
    add("--isolated", action="store_true", help="ignore all config files")
    _add_discovery(parser)


def _add_discovery(parser: argparse.ArgumentParser) -> None:
    """The options that choose files, as flake8's (and Ruff's --force-exclude)."""
    add = parser.add_argument
    add(
        "--exclude",
        metavar="PATTERNS",
        help="comma-separated patterns to skip (replaces the defaults)",
    )
    add("--extend-exclude", metavar="PATTERNS", help="comma-separated patterns to skip as well")
    add(
        "--filename",
        metavar="PATTERNS",
        help="comma-separated patterns of the files to check in folders (default: *.py,*.ipynb)",
    )
    add(
        "--per-file-ignores",
        metavar="MAP",
        help="codes to ignore per file pattern, as flake8's: 'tests/*: CVX001,CVX002 x.py: CVX'",
    )
    add(
        "--force-exclude",
        action="store_true",
        default=None,
        help="apply the exclusions to paths named on the command line too",
    )
    add(
        "--respect-gitignore",
        dest="respect_gitignore",
        action="store_true",
        default=None,
        help="skip files .gitignore ignores when walking directories (the default)",
    )
    add(
        "--no-respect-gitignore",
        dest="respect_gitignore",
        action="store_false",
        help="walk files .gitignore ignores too",
    )


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


DESCRIPTION = (
    "Covalent executors built once and shared: check reports executors built inline "
    "(CVX001-CVX003), fix hoists them into shared module-level instances, rule shows a "
    "rule's page. Run COMMAND --help for a command's options."
)
CHECK = "report executors built inline (CVX001-CVX003); exit 1 when something is found"
FIX = "hoist executors built inline into shared module-level instances"
RULE = "print a rule's page (why, bad and good code, fix safety, options)"
FORMAT_HELP = (
    "how findings are printed: default (flake8's path:line:col: CODE message), json, "
    "github (Actions annotations), sarif (SARIF 2.1.0, for code scanning) or gitlab "
    "(Code Quality report); default: %(default)s"
)


def _jobs_option(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default="auto",
        metavar="N",
        help=f"{verb} over N processes (default: auto, one per core; 1: in this process)",
    )


def _check_output_options(check: argparse.ArgumentParser) -> None:
    add = check.add_argument
    add("--format", choices=FORMATS, default="default", help=FORMAT_HELP)
    add("--exit-zero", action="store_true", help="exit 0 even with findings")
    add(
        "--quiet",
        "-q",
        action="store_true",
        help="leave out the closing line (Found N findings ... / All checks passed!)",
    )
    add(
        "--statistics",
        action="store_true",
        help="after the findings, count them per code, as flake8's --statistics",
    )
    add(
        "--show-source",
        action="store_true",
        help="under each finding, its source line and a caret under the call (default format)",
    )
    add(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the default format: auto (only on a terminal, and not when NO_COLOR is "
        "set), always or never; default: %(default)s",
    )


def _fix_options(fix: argparse.ArgumentParser) -> None:
    add = fix.add_argument
    add("--diff", action="store_true", help="print a unified diff; write nothing")
    add("--check", action="store_true", help="write nothing; exit 1 when a file would change")
    add(
        "--unsafe-fixes",
        action="store_true",
        help="also hoist executors built inside functions (CVX002)",
    )
    add(
        "--quiet",
        "-q",
        action="store_true",
        help="print only errors: no fixed/left-alone lines, no summary",
    )


def _rule_options(rule: argparse.ArgumentParser) -> None:
    rule.add_argument("code", nargs="?", metavar="CODE", help="a rule code, e.g. CVX001")
    rule.add_argument("--all", action="store_true", help="print every rule's page")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="check, fix or rule"
    )
    check = commands.add_parser("check", help=CHECK, description=CHECK[0].upper() + CHECK[1:])
    _add_common(check)
    _check_output_options(check)
    _jobs_option(check, "check")
    fix = commands.add_parser("fix", help=FIX, description=FIX[0].upper() + FIX[1:])
    _add_common(fix)
    _fix_options(fix)
    _jobs_option(fix, "fix")
    rule = commands.add_parser("rule", help=RULE, description=RULE[0].upper() + RULE[1:])
    _rule_options(rule)
    for command in (check, fix, rule):
        command.set_defaults(usage=command)  # a usage error names the command's own usage
    return parser


def options_from(args: argparse.Namespace) -> Options:
    """Command-line values over the config files' (see config.py), checked; prints the
    configuration's hints once (not under --quiet)."""
    cli = {key: getattr(args, key, None) for key in KEYS}
    resolved = resolve(gather(cli, args.config, args.isolated), args.stdin_filename)
    for hint in () if getattr(args, "quiet", False) else resolved.hints:
        sys.stderr.write(f"{PROG}: {hint}\n")
    return resolved.options


def _check(args: argparse.Namespace) -> int:
    """Print each file's findings as it is checked (memory stays flat on large trees; the
    machine formats keep only small rows until the end)."""
    options = options_from(args)
    threshold = gc.get_threshold()
    # Parsing makes many objects but few cycles: collecting less often saves 7% (measured on
    # the generated 2000-file tree) and keeps memory flat. Forked workers inherit it.
    gc.set_threshold(10_000, 10, 10)
    try:
        return _report_check(args, options)
    finally:
        gc.set_threshold(*threshold)


def use_color(choice: str, stream: TextIO) -> bool:
    """``--color``: always, never, or auto: on a terminal, unless NO_COLOR is set (and not
    empty, as https://no-color.org says)."""
    if choice != "auto":
        return choice == "always"
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


def _report_check(args: argparse.Namespace, options: Options) -> int:
    default = args.format == "default"
    style = Style(use_color(args.color, sys.stdout) and default, args.show_source and default)
    out = writer(args.format, style)
    totals = Totals()
    jobs = args.jobs or cpu_count()
    for result in run_check(args.paths, options, args.stdin_filename, jobs, style.show_source):
        sys.stdout.write(out.file(result))
        for note in result.notes:
            sys.stderr.write(f"{result.path}:{note}\n")
        if result.error is not None:
            sys.stderr.write(f"{result.path}: {result.error}\n")
        totals.add(result)
    sys.stdout.write(out.end())
    if args.statistics:  # after the findings; on stderr when stdout is one JSON document
        (sys.stdout if default or args.format == "github" else sys.stderr).write(
            totals.statistics()
        )
    if not args.quiet:
        sys.stdout.flush()
        sys.stderr.write(totals.closing_line() + "\n")
    if totals.errors:
        return 2
    return 1 if totals.findings and not args.exit_zero else 0


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
    progress = Progress(
        lambda: len(paths) if "-" in paths else sum(1 for _ in iter_paths(paths, options.files)),
        enabled=not args.quiet,
    )
    tally = Tally()
    for result in run_fix(paths, options, mode, jobs, args.stdin_filename):
        tally.add(result)
        progress.step()
        _report_fix(result, args, mode)
    if not args.quiet:
        sys.stderr.write(tally.summary(mode.write) + "\n")
    if tally.errors:
        return 2
    return 1 if tally.changed else 0


def _report_fix(result: FixResult, args: argparse.Namespace, mode: FixMode) -> None:
    from .fix.runner import unified_diff

    if result.error is not None:
        sys.stderr.write(f"{result.path}: {result.error}\n")
    if not args.quiet:
        sys.stderr.write(_fix_messages(result, mode))
    if "-" in args.paths and result.path == args.stdin_filename and not mode.diff:
        sys.stdout.buffer.write(result.new if result.new is not None else result.old)
    elif mode.diff and result.new is not None:
        sys.stdout.write(unified_diff(result))


def _fix_messages(result: FixResult, mode: FixMode) -> str:
    """A file's notes, the findings left alone with why, and the ``fixed:`` line."""
    from .fix.runner import fixed_line

    lines = [f"{result.path}:{note}\n" for note in result.notes]
    for cell, left in result.located():
        where = location(cell, left.finding.line, left.finding.col)
        lines.append(f"{result.path}:{where}: {left.finding.code} left alone: {left.reason}\n")
    fixed = fixed_line(result, mode.write)
    return "".join(lines) + (fixed + "\n" if fixed else "")


def _rule(args: argparse.Namespace) -> int:
    from .pages import UnknownRule, all_pages, page

    if args.all == (args.code is not None):
        args.usage.error("give a rule code, or --all (not both)")
    try:
        sys.stdout.write(all_pages() if args.all else page(args.code))
    except UnknownRule as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 2
    return 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line's arguments; an unknown option is a usage error of its command,
    shown with that command's usage (exit 2), not with the program's."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        usage: argparse.ArgumentParser = getattr(args, "usage", parser)
        usage.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


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
    args = parse_args(argv)
    run = {"check": _check, "fix": _fix, "rule": _rule}[args.command]
    try:
        return run(args)
    except (ConfigError, WorkerError) as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
