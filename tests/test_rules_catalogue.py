"""The rules catalogue is the only source: the docs' tables and pages agree with it, and
every code it lists is one the flake8 plugin and ``check`` can report."""

from __future__ import annotations

import re

import pytest
from cases import CASES
from conftest import ROOT

from flake8_covalent_executor.rules import (
    FIXABLE,
    REPOSITORY,
    RULES,
    Applicability,
    Rule,
    rules_table,
)


@pytest.mark.parametrize(
    "page, docs",
    [("README.md", REPOSITORY + "/blob/main/"), ("docs/index.md", "../")],
    ids=["readme", "index"],
)
def test_the_rule_tables_are_the_catalogues(page: str, docs: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    assert rules_table(docs) in text, f"{page}: regenerate with rules.rules_table({docs!r})"


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_each_rule_page_states_what_the_catalogue_says(rule: Rule) -> None:
    page = (ROOT / rule.doc).read_text(encoding="utf-8")
    assert page.splitlines()[0] == f"# {rule.code}: {rule.title}"
    intro = page.split("\n\n")[1]
    assert intro.startswith("On by default.") == rule.default, intro
    assert ("never fixed" in intro) == (rule.code not in FIXABLE), intro


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_each_rule_has_a_case_for_each_way_it_is_fixed(rule: Rule) -> None:
    """The catalogue's applicabilities are the ones the case table shows: none is listed that
    the detector never gives, and the detector gives none that is not listed."""
    from flake8_covalent_executor.api import check_source, options_for

    options = options_for(["--extend-select=CVX003"])
    seen: set[str | None] = set()
    for case in CASES:
        found = check_source(case.source.encode(), f"{case.id}.py", options_for(case.options))
        found_all = check_source(case.source.encode(), f"{case.id}.py", options)
        for finding in [*found.findings, *found_all.findings]:
            if finding.code == rule.code:
                seen.add(finding.fix)
    expected = {a.value if a.fixable else None for a in rule.applicabilities}
    assert seen == expected


def test_messages_start_with_their_code() -> None:
    for rule in RULES.values():
        fields = dict.fromkeys(re.findall(r"{(\w+)}", rule.template), "x")
        assert rule.message(**fields).startswith(f"{rule.code} ")
    assert Applicability.NEVER.fixable is False
