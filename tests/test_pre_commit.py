"""The hooks in .pre-commit-hooks.yaml, run by real pre-commit against this repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cases import CASES
from conftest import ROOT

pytestmark = pytest.mark.slow
pytest.importorskip("pre_commit", reason="pre-commit is a test dependency")
SEED = next(c for c in CASES if c.id == "seed_not_recommended")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "flow.py").write_text(SEED.source)
    _git(repo, "add", "flow.py")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "seed")
    return repo


def test_fix_hook_rewrites_then_passes(repo: Path, tmp_path: Path) -> None:
    first = _try_repo(repo, "covalent-executor-fix", tmp_path / "home")
    assert first.returncode == 1, first.stdout + first.stderr
    assert (repo / "flow.py").read_text() == SEED.fixed
    second = _try_repo(repo, "covalent-executor-fix", tmp_path / "home")
    assert second.returncode == 0, second.stdout + second.stderr


def test_check_hook_fails_on_findings(repo: Path, tmp_path: Path) -> None:
    result = _try_repo(repo, "covalent-executor-check", tmp_path / "home")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "flow.py:10:23: CVX001" in result.stdout, result.stdout + result.stderr


# The recommended order (docs/ruff.md, "Hook order"): fix first, then the linters and
# formatters, so that what they do to the fixed code is in the same commit. All hooks are
# local and run the tools installed next to this interpreter (the test extra): no network.
RECOMMENDED_ORDER = f"""\
repos:
  - repo: local
    hooks:
      - id: covalent-executor-fix
        name: covalent-executor-fix
        entry: {sys.executable} -m flake8_covalent_executor fix
        language: system
        types_or: [python, jupyter]
      - id: ruff-check
        name: ruff-check
        entry: {sys.executable} -m ruff check --fix --preview --select=E,W,I,F
        language: system
        types_or: [python, jupyter]
      - id: ruff-format
        name: ruff-format
        entry: {sys.executable} -m ruff format
        language: system
        types_or: [python, jupyter]
      - id: black
        name: black
        entry: {sys.executable} -m black
        language: system
        types: [python]
      - id: isort
        name: isort
        entry: {sys.executable} -m isort --profile=black
        language: system
        types: [python]
"""


def _run_hooks(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_the_recommended_hook_order_converges_in_one_commit(tmp_path: Path) -> None:
    """After one ``pre-commit run`` that fixes the files, the next one passes: every hook
    after ``fix`` is already happy with what it wrote. The files were formatted before."""
    formatted = next(c for c in CASES if c.id == "seed_two_log_files")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "pyproject.toml").write_text("[tool.ruff]\nline-length = 88\n")
    (repo / ".pre-commit-config.yaml").write_text(RECOMMENDED_ORDER)
    (repo / "flow.py").write_text(formatted.source)
    _git(repo, "add", ".")
    first = _run_hooks(repo, tmp_path / "home")
    assert first.returncode == 1, first.stdout + first.stderr
    assert (repo / "flow.py").read_text() == formatted.fixed
    results = dict(line.rsplit(".", 1) for line in first.stdout.splitlines() if "..." in line)
    assert {hook.rstrip("."): result for hook, result in results.items()} == {
        "covalent-executor-fix": "Failed",  # it rewrote flow.py: the others had nothing to do
        "ruff-check": "Passed",
        "ruff-format": "Passed",
        "black": "Passed",
        "isort": "Passed",
    }, first.stdout
    _git(repo, "add", ".")
    second = _run_hooks(repo, tmp_path / "home")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Failed" not in second.stdout
