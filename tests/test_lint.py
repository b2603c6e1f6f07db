"""The case table through real flake8 and through ``check``: same findings, as expected."""

from __future__ import annotations

import pytest
from cases import CASES, Case
from conftest import findings_by_file


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
@pytest.mark.parametrize("tool", ["flake8", "check"])
def test_findings(case: Case, tool: str, case_outputs: dict[str, dict[str, str]]) -> None:
    found = findings_by_file(case_outputs[tool].get(case.id, "")).get(case.id, [])
    assert found == list(case.findings)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_parity(case: Case, case_outputs: dict[str, dict[str, str]]) -> None:
    """Same lines, messages included, from both front ends."""
    assert case_outputs["check"].get(case.id) == case_outputs["flake8"].get(case.id)
