"""What ``check`` prints around its findings, as Ruff and flake8 users expect: the closing
line, ``--quiet``, ``--statistics`` and ``--show-source`` (both against real flake8), colour
(on a real pseudo-terminal), and where each finding ends."""

from __future__ import annotations

import ast
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from cases import CASES
from conftest import ALL_THREE, check, flake8, messages, output, write

from flake8_covalent_executor.results import CheckResult, Reported
from flake8_covalent_executor.summary import Totals

BY_ID = {case.id: case for case in CASES}
SEED = BY_ID["seed_not_recommended"].source  # two CVX001, both safe to fix
# A call over three lines, after a tab and a non-ASCII string: where it starts and ends.
SPREAD = (
    "import covalent as ct\n"
    "from covalent.executor import LocalExecutor\n"
    "\n"
    "if True:\n"
    '\tlabel = "é"; task = ct.electron(lambda: 1, executor=LocalExecutor(\n'
    '\t\tlog_stdout="a.log",\n'
    "\t))\n"
)


# -- the closing line ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("files", "flags", "closing"),
    [
        ({"a.py": SEED}, (), "Found 2 findings in 1 file (2 fixable with fix)"),
        (
            {"a.py": SEED, "b.py": ALL_THREE},
            ("--extend-select", "CVX003"),
            "Found 5 findings in 2 files (3 fixable with fix, 1 with --unsafe-fixes)",
        ),
        (
            {"b.py": ALL_THREE},
            ("--select", "CVX002"),
            "Found 1 finding in 1 file (1 fixable with fix --unsafe-fixes)",
        ),
        ({"b.py": ALL_THREE}, ("--select", "CVX003"), "Found 1 finding in 1 file"),
        ({"clean.py": BY_ID["seed_improved"].source}, (), "All checks passed!"),
        (
            {"a.py": SEED, "broken.py": "import covalent\nexecutor = (\n"},
            (),
            "Found 2 findings in 1 file (2 fixable with fix); 1 file skipped with errors",
        ),
        (
            {"broken.py": "import covalent\nexecutor = (\n"},
            (),
            "Found 0 findings; 1 file skipped with errors",
        ),
    ],
    ids=[
        "one-file",
        "safe-and-unsafe",
        "only-unsafe",
        "not-fixable",
        "clean",
        "errors",
        "only-errors",
    ],
)
def test_closing_line(
    tmp_path: Path, files: dict[str, str], flags: tuple[str, ...], closing: str
) -> None:
    for name, text in files.items():
        write(tmp_path / name, text)
    result = check("--isolated", *flags, str(tmp_path))
    assert result.stderr.splitlines()[-1] == closing, output(result)
    quiet = check("--isolated", "--quiet", *flags, str(tmp_path))
    assert quiet.stdout == result.stdout and quiet.returncode == result.returncode
    assert quiet.stderr.splitlines() == result.stderr.splitlines()[:-1], output(quiet)


@pytest.mark.parametrize("fmt", ["json", "sarif", "gitlab", "github"])
def test_closing_line_keeps_machine_output_clean(tmp_path: Path, fmt: str) -> None:
    path = write(tmp_path / "a.py", SEED)
    result = check("--isolated", "--format", fmt, "-q", str(path))
    loud = check("--isolated", "--format", fmt, str(path))
    assert loud.stdout == result.stdout and result.stderr == "", output(result)
    assert loud.stderr == "Found 2 findings in 1 file (2 fixable with fix)\n", output(loud)


def test_totals_count_as_they_go() -> None:
    def finding(code: str, fix: str | None) -> Reported:
        return Reported(code, 1, 0, f"{code} text of {code}", fix)

    totals = Totals()
    totals.add(CheckResult("b.py", [finding("CVX001", "safe"), finding("CVX002", "unsafe")]))
    totals.add(CheckResult("a.py", [finding("CVX002", None)]))
    totals.add(CheckResult("c.py", error="cannot read"))
    assert (totals.findings, totals.files, totals.safe, totals.unsafe, totals.errors) == (
        3,
        2,
        1,
        1,
        1,
    )
    assert totals.closing_line() == (
        "Found 3 findings in 2 files (1 fixable with fix, 1 with --unsafe-fixes); "
        "1 file skipped with errors"
    )
    assert Totals().closing_line() == "All checks passed!"


# -- --statistics and --show-source, as flake8 prints them -------------------------------------
def _tree(tmp_path: Path) -> list[str]:
    paths = [
        write(tmp_path / "b.py", SEED),
        write(tmp_path / "a.py", ALL_THREE),
        write(tmp_path / "spread.py", SPREAD.replace('"é"', '"e"')),  # flake8 counts bytes
    ]
    return sorted(str(path) for path in paths)  # flake8 reports files in sorted order


@pytest.mark.parametrize(
    "flags", [("--statistics",), ("--show-source",), ("--show-source", "--statistics")]
)
def test_statistics_and_show_source_match_flake8(tmp_path: Path, flags: tuple[str, ...]) -> None:
    paths = _tree(tmp_path)
    ours = check("--isolated", "--extend-select", "CVX003", *flags, *paths)
    theirs = flake8("--select=CVX", "--extend-select=CVX003", *flags, *paths)
    assert theirs.returncode == 1 and theirs.stderr == "", output(theirs)
    assert ours.returncode == 1 and messages(ours) == [], output(ours)
    assert ours.stdout == theirs.stdout, (output(ours), output(theirs))
    if "--statistics" in flags:
        assert ours.stdout.splitlines()[-3:] == [
            line for line in ours.stdout.splitlines() if line[:5].strip().isdigit()
        ]


def test_statistics_stay_off_a_json_document(tmp_path: Path) -> None:
    path = write(tmp_path / "a.py", ALL_THREE)
    result = check("--isolated", "--format", "json", "--statistics", "-q", str(path))
    assert len(json.loads(result.stdout)) == 2, output(result)
    assert result.stderr.splitlines()[0].startswith("1     CVX001 LocalExecutor() is built")


def test_show_source_puts_the_caret_under_the_call(tmp_path: Path) -> None:
    """Non-ASCII text before the call: the caret still stands under it (the AST counts
    columns in UTF-8 bytes; the caret is placed by characters)."""
    path = write(tmp_path / "spread.py", SPREAD)
    result = check("--isolated", "--show-source", str(path))
    finding, line, caret = result.stdout.splitlines()
    assert finding.startswith(f"{path}:5:") and line == SPREAD.splitlines()[4], output(result)
    assert caret.startswith("\t") and line[len(caret) - 1 :].startswith("LocalExecutor(")
    assert caret.endswith("^") and caret[1:-1].strip() == ""


def test_show_source_in_a_notebook_shows_the_cell_line(tmp_path: Path) -> None:
    cell = ["x = 1\n", "@ct.electron(executor=LocalExecutor())\n", "def task():\n", "    return 1"]
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": [
                    "import covalent as ct\n",
                    "from covalent.executor import LocalExecutor",
                ],
            },
            {"cell_type": "markdown", "metadata": {}, "source": ["text"]},
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": cell,
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = write(tmp_path / "nb.ipynb", json.dumps(notebook, indent=1))
    result = check("--isolated", "--show-source", str(path))
    assert result.stdout.splitlines() == [
        f"{path}:cell_3:2:23: CVX001 LocalExecutor() is built inline in ct.electron(); create "
        "it once at module level and pass that shared instance",
        "@ct.electron(executor=LocalExecutor())",
        " " * 22 + "^",
    ], output(result)


# -- colour ------------------------------------------------------------------------------------
ESC = "\x1b["


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run check with its stdout on a real pseudo-terminal; what it wrote there."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "flake8_covalent_executor", "check", *args],
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait()
    os.close(leader)
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_only(tmp_path: Path) -> None:
    path = str(write(tmp_path / "a.py", SEED))
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = _on_a_terminal(["--isolated", path], env)
    assert f"{ESC}1m{path}{ESC}0m{ESC}36m:{ESC}0m10" in coloured, repr(coloured)
    assert f"{ESC}1;31mCVX001{ESC}0m LocalExecutor()" in coloured, repr(coloured)
    assert ESC not in _on_a_terminal(["--isolated", path], {**env, "NO_COLOR": "1"})
    assert ESC not in _on_a_terminal(["--isolated", "--color", "never", path], env)
    assert ESC in _on_a_terminal(
        ["--isolated", "--color", "always", path], {**env, "NO_COLOR": "1"}
    )
    # only the default format is coloured, even on a terminal
    annotations = _on_a_terminal(["--isolated", "--format", "github", path], env)
    assert "::error" in annotations and ESC not in annotations
    piped = check("--isolated", path)  # auto, stdout a pipe
    assert ESC not in piped.stdout and piped.stdout.count("CVX001") == 2, output(piped)


def test_color_always_strips_to_the_plain_output(tmp_path: Path) -> None:
    path = str(write(tmp_path / "a.py", ALL_THREE))
    plain = check("--isolated", "--extend-select", "CVX003", path)
    forced = check("--isolated", "--extend-select", "CVX003", "--color", "always", path)
    stripped = forced.stdout
    for code in (f"{ESC}1m", f"{ESC}1;31m", f"{ESC}36m", f"{ESC}0m"):
        stripped = stripped.replace(code, "")
    assert ESC in forced.stdout and stripped == plain.stdout, output(forced)


# -- where each finding ends -------------------------------------------------------------------
def _calls(source: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "LocalExecutor"
    ]


def test_end_positions_are_the_whole_call(tmp_path: Path) -> None:
    path = write(tmp_path / "spread.py", SPREAD)
    rows = json.loads(check("--isolated", "--format", "json", str(path)).stdout)
    (call,) = _calls(SPREAD)
    assert [(r["line"], r["column"], r["end_line"], r["end_column"]) for r in rows] == [
        (call.lineno, call.col_offset + 1, call.end_lineno, (call.end_col_offset or 0) + 1)
    ]
    assert (rows[0]["line"], rows[0]["end_line"]) == (5, 7)
    github = check("--isolated", "--format", "github", str(path)).stdout
    chars = SPREAD.splitlines()[4].index("LocalExecutor(")  # GitHub counts characters
    assert chars == call.col_offset - 1  # "é" is two bytes
    assert f",line=5,col={chars + 1},endLine=7,endColumn=3," in github


def test_end_positions_in_a_notebook_are_in_the_cell(tmp_path: Path) -> None:
    call = 'task = ct.electron(lambda: 1, executor=LocalExecutor(\n    log_stdout="a.log",\n))\n'
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": "import covalent as ct\nfrom covalent.executor import LocalExecutor\n",
            },
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": "x = 1\n" + call,
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = write(tmp_path / "nb.ipynb", json.dumps(notebook))
    (row,) = json.loads(check("--isolated", "--format", "json", str(path)).stdout)
    assert (row["cell"], row["line"], row["column"], row["end_line"], row["end_column"]) == (
        2,
        2,
        40,
        4,
        2,
    ), row
