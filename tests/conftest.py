"""Shared helpers: run the real tools in subprocesses and read their output."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from cases import CASES, Case

ROOT = Path(__file__).resolve().parent.parent


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


def findings_by_file(output: str) -> dict[str, list[str]]:
    """``path:line:col: CODE msg`` lines grouped by file name as ``"line:col CODE"``."""
    found: dict[str, list[str]] = {}
    for line in output.splitlines():
        path, row, col, rest = line.split(":", 3)
        found.setdefault(Path(path).stem, []).append(f"{row}:{col} {rest.split()[0]}")
    return found


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


@pytest.fixture(scope="session")
def case_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Every case run once through flake8 and once through check (CVX003 enabled)."""
    outputs: dict[str, dict[str, str]] = {"flake8": {}, "check": {}}
    for index, (options, cases) in enumerate(option_groups().items()):
        directory = tmp_path_factory.mktemp(f"cases{index}")
        paths = write_cases(directory, cases)
        for tool, runner in (("flake8", flake8), ("check", check)):
            result = runner("--select=CVX", "--extend-select=CVX003", *options, *paths)
            assert result.returncode in (0, 1), result.stderr
            for line in result.stdout.splitlines():
                outputs[tool].setdefault(Path(line.split(":", 1)[0]).stem, "")
                outputs[tool][Path(line.split(":", 1)[0]).stem] += line + "\n"
    return outputs


PROBE = Path(__file__).with_name("semantic_probe.py")


def probe(directory: Path) -> dict[str, Any]:
    """What Covalent recorded for each module of ``directory``, imported in a process of its
    own by ``semantic_probe.py``."""
    result = subprocess.run(
        [sys.executable, str(PROBE), str(directory)],
        capture_output=True,
        text=True,
        check=False,
        cwd=directory,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.splitlines()[-1]))
