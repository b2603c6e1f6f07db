"""Shared helpers: the case table through the library API, the real tools in subprocesses,
and the ``--write-reliability`` option."""

from __future__ import annotations

import ast
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from cases import CASES, Case

from flake8_covalent_executor.api import (
    CheckResult,
    FixResult,
    Options,
    check_source,
    fix_source,
    options_for,
)
from flake8_covalent_executor.results import Reported

ROOT = Path(__file__).resolve().parent.parent
# The case table's findings are for a run with every rule on.
ALL_RULES = ("--select=CVX", "--extend-select=CVX003")


# -- pytest options ---------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--write-reliability",
        action="store_true",
        default=False,
        help="write docs/reliability.md from a full run of the robustness tier "
        "(tests/test_fuzz.py and tests/test_robustness.py); implies -n 0",
    )


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which reads these
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Parallel by default: a pytest-xdist worker per core, each test file on one worker
    (its module-scoped fixtures, batches of subprocess runs, are then built once). ``-n 0``
    or ``-p no:xdist`` runs in this process; so does ``--write-reliability``: the ledger
    lives in one process. (A default here, not in addopts, so that ``-p no:xdist`` works.)"""
    option = config.option
    if not hasattr(option, "numprocesses"):  # pytest-xdist not installed, or -p no:xdist
        return
    if hasattr(config, "workerinput"):  # a worker (xdist runs this hook there too)
        return  # it must never start workers of its own
    if config.getoption("write_reliability"):
        option.numprocesses, option.dist = None, "no"
    elif option.numprocesses is None and option.dist == "no":  # neither -n nor --dist
        option.numprocesses, option.dist = "auto", "loadfile"


# -- small inputs the command tests share --------------------------------------------------
# One finding of each rule: CVX001 (line 5), CVX002 (line 11) and, when selected, CVX003.
ALL_THREE = textwrap.dedent("""\
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(executor=LocalExecutor(log_stdout="a.log"))
    def a():
        return 1


    def factory(fn):
        return ct.electron(fn, executor=LocalExecutor(log_stdout="b.log"))
    """)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- running the real tools -------------------------------------------------------------------
def run(
    args: Sequence[str], cwd: Path | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m <args>`` with this interpreter; output decoded, never raises."""
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        check=False,
    )


def flake8(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run(["flake8", "--isolated", *args], cwd=cwd)


def check(
    *args: str, cwd: Path | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    return run(["flake8_covalent_executor", "check", *args], cwd=cwd, stdin=stdin)


# Lines that only report what a run did: check's closing line, fix's "fixed:" lines and its
# summary. What else is on stderr is errors, notes and sites left alone.
REPORTING = re.compile(
    r"All checks passed!$|Found \d+ findings?\b|(fixed|would fix): .* \(\d+ sites?\)$"
    r"|\d+ files? (would be )?rewritten, "
)


def messages(result: subprocess.CompletedProcess[str]) -> list[str]:
    """stderr's lines without those that only report what the run did (``REPORTING``)."""
    return [line for line in result.stderr.splitlines() if not REPORTING.match(line)]


def output(result: subprocess.CompletedProcess[str]) -> str:
    """A finished command's exit status, stdout and stderr, for an assertion message."""
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


def lines_by_file(text: str) -> dict[str, list[str]]:
    """``path:...`` lines grouped by path, in the order printed."""
    grouped: dict[str, list[str]] = {}
    for line in text.splitlines():
        grouped.setdefault(line.split(":", 1)[0], []).append(line)
    return grouped


def write_cases(directory: Path, cases: Sequence[Case]) -> list[str]:
    paths = []
    for case in cases:
        path = directory / f"{case.id}.py"
        path.write_text(case.source, encoding="utf-8")
        paths.append(str(path))
    return paths


def option_groups() -> dict[tuple[str, ...], list[Case]]:
    groups: dict[tuple[str, ...], list[Case]] = {}
    for case in CASES:
        groups.setdefault(case.options, []).append(case)
    return groups


GROUPS = list(option_groups())


def group_id(options: tuple[str, ...]) -> str:
    """A test id for an option group: its flags' names, or ``default``."""
    return "+".join(flag.lstrip("-") for flag in options if flag.startswith("--")) or "default"


# -- the case table through the library API -------------------------------------------------
@functools.cache
def case_options(flags: tuple[str, ...]) -> Options:
    return options_for(flags)


@functools.cache
def findings_of(case: Case, *, all_rules: bool = True) -> CheckResult:
    """``check`` on the case (every rule on unless told, as the table's findings are)."""
    flags = (*ALL_RULES, *case.options) if all_rules else case.options
    return check_source(case.source.encode(), f"{case.id}.py", case_options(flags))


@functools.cache
def fixed_by(case: Case, unsafe: bool) -> FixResult:
    """``fix`` on the case (``fix --unsafe-fixes`` when ``unsafe``)."""
    return fix_source(case.source.encode(), f"{case.id}.py", case_options(case.options), unsafe)


def fixed_bytes(case: Case, unsafe: bool) -> bytes:
    """The case's bytes after ``fix`` (its own bytes when fix changes nothing)."""
    result = fixed_by(case, unsafe)
    return result.new if result.new is not None else case.source.encode()


def site(finding: Reported) -> str:
    """``"line:col CODE"`` as the case table writes a site (1-based column)."""
    return f"{finding.line}:{finding.col + 1} {finding.code}"


def where(path: str, finding: Reported) -> str:
    """``path:line:col`` as flake8 and the commands print a site."""
    return f"{path}:{finding.line}:{finding.col + 1}"


def printed(path: str, finding: Reported) -> str:
    """The line flake8 and ``check`` print for ``finding`` in ``path``."""
    return f"{where(path, finding)}: {finding.message}"


def call_at(source: bytes, finding: Reported) -> str | None:
    """The source text of the call ``finding`` reports (None when no call starts there)."""
    text = source.decode("utf-8")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Call) and (node.lineno, node.col_offset) == (
            finding.line,
            finding.col,
        ):
            return ast.get_source_segment(text, node)
    return None


# -- the semantic probe -----------------------------------------------------------------------
PROBE = Path(__file__).with_name("semantic_probe.py")


# One Covalent home per test process, emptied before every probe: Covalent writes its config
# there, never in the user's ~/.config/covalent, and both sides of a comparison see the same
# paths in its defaults (the workdir is under it).
COVALENT_HOME = Path(tempfile.gettempdir()) / f"cvx-covalent-home-{os.getpid()}"
# Anything else this test run starts that imports covalent (a fixed module run by a test, a
# hook) gets a config of its own too.
for _variable, _part in (("CONFIG", "config"), ("CACHE", "cache"), ("DATA", "data")):
    os.environ[f"COVALENT_{_variable}_DIR"] = str(
        COVALENT_HOME.with_name(f"{COVALENT_HOME.name}-run") / _part
    )


def covalent_env(home: Path = COVALENT_HOME) -> dict[str, str]:
    """The environment of a Covalent process whose config, cache and data live in ``home``
    (made empty first)."""
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    return {
        **os.environ,
        "COVALENT_CONFIG_DIR": str(home / "config"),
        "COVALENT_CACHE_DIR": str(home / "cache"),
        "COVALENT_DATA_DIR": str(home / "data"),
        "HOME": str(home),
    }


_ONE_PROBE_AT_A_TIME = threading.Lock()  # they share COVALENT_HOME, emptied by each


def probe(directory: Path) -> dict[str, Any]:
    """What Covalent recorded for each module of ``directory``, imported in a process of its
    own by ``semantic_probe.py``, with a Covalent home of its own. Callers in threads wait
    their turn: two at once would empty each other's home (FileExistsError, or a config
    deleted under a running probe)."""
    with _ONE_PROBE_AT_A_TIME:
        result = subprocess.run(
            [sys.executable, str(PROBE), str(directory)],
            capture_output=True,
            text=True,
            check=False,
            cwd=directory,
            env=covalent_env(),
        )
    assert result.returncode == 0, output(result)
    return dict(json.loads(result.stdout.splitlines()[-1]))
