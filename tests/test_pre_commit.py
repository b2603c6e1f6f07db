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
