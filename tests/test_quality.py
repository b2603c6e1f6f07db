"""The project's own code passes the linter, the formatter and mypy --strict it configures."""

from __future__ import annotations

import pytest
from conftest import ROOT, run


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "flake8_covalent_executor", "tests"],
        ["ruff", "format", "--check", "flake8_covalent_executor", "tests"],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_tool_is_clean(command: list[str]) -> None:
    result = run(command, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
