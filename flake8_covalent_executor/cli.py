"""The command line: ``flake8-covalent-executor check|fix``, also ``python -m ...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .analysis import Options
from .check import run_check
from .config import ConfigError, read_settings, split_list
from .formats import FORMATS, render
from .selection import Selection
from .settings import Settings

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="report executors built inline (CVX001-CVX003)")
    _add_common(check)
    check.add_argument("--format", choices=FORMATS, default="default")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
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
    options = options_from(args)
    results = list(run_check(args.paths, options, args.stdin_filename))
    sys.stdout.write(render(results, args.format))
    errors = [r for r in results if r.error is not None]
    for result in errors:
        sys.stderr.write(f"{result.path}: {result.error}\n")
    if errors:
        return 2
    found = any(r.findings for r in results)
    return 1 if found and not args.exit_zero else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command and return its exit code: 0 clean, 1 findings, 2 errors."""
    args = build_parser().parse_args(argv)
    try:
        return _check(args)
    except ConfigError as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
