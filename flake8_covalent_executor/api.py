"""The library API: what ``check`` and ``fix`` do to one file's bytes, without the command
line's file walking, output or exit codes (the tests drive the case table through here)."""

from __future__ import annotations

from collections.abc import Sequence

from .analysis import Options
from .results import CheckResult, FixResult

__all__ = ["CheckResult", "FixResult", "Options", "check_source", "fix_source", "options_for"]


def options_for(flags: Sequence[str] = ()) -> Options:
    """The options the command line would use for ``flags`` (``--select=CVX003``, ...);
    config files are not read unless ``flags`` names one with ``--config``."""
    from .cli import build_parser, options_from

    args = build_parser().parse_args(["check", "--isolated", *flags])
    return options_from(args)


def check_source(data: bytes, filename: str, options: Options | None = None) -> CheckResult:
    """``check`` on one file's bytes (a notebook when ``filename`` ends in .ipynb)."""
    from .check import check_bytes

    return check_bytes(data, filename, options or Options())


def fix_source(
    data: bytes,
    filename: str,
    options: Options | None = None,
    unsafe: bool = False,
    line_length: int = 88,
) -> FixResult:
    """``fix`` on one file's bytes: the verified new bytes (``new``, None when unchanged) and
    each finding left alone with its reason. Writes nothing. A new binding longer than
    ``line_length`` is wrapped as black and ``ruff format`` wrap it (88 is their default;
    the ``fix`` command reads the project's, see ``fix.layout``)."""
    from .fix.runner import fix_bytes

    return fix_bytes(data, filename, options or Options(), unsafe, line_length)
