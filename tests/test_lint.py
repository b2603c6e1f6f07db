"""The case table's findings: through the library API for each case, then through real
flake8 and the real ``check`` command once per option group, which must print exactly what
the library finds (so the front ends and the library cannot drift apart)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cases import CASES, Case
from conftest import (
    ALL_RULES,
    GROUPS,
    check,
    findings_of,
    flake8,
    group_id,
    lines_by_file,
    messages,
    option_groups,
    output,
    printed,
    site,
    write_cases,
)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_findings(case: Case) -> None:
    result = findings_of(case)
    assert result.error is None
    assert [site(finding) for finding in result.findings] == list(case.findings)


@pytest.mark.parametrize("options", GROUPS, ids=[group_id(o) for o in GROUPS])
def test_flake8_and_check_print_what_the_library_finds(
    options: tuple[str, ...], tmp_path: Path
) -> None:
    """Every case of the group in one run of real flake8 and one of the real ``check``: each
    prints the same lines, messages included, as the library finds."""
    cases = option_groups()[options]
    paths = write_cases(tmp_path, cases)
    expected = {
        path: [printed(path, finding) for finding in findings_of(case).findings]
        for path, case in zip(paths, cases)
    }
    expected = {path: lines for path, lines in expected.items() if lines}
    assert expected, "a group with no findings shows nothing"
    ran = {
        "flake8": flake8(*ALL_RULES, *options, *paths),
        "check": check(*ALL_RULES, *options, *paths),
    }
    for result in ran.values():
        assert result.returncode == 1 and messages(result) == [], output(result)
    printed_by = {tool: lines_by_file(result.stdout) for tool, result in ran.items()}
    assert printed_by == {"flake8": expected, "check": expected}
