"""One file in, its reportable findings out: prefilter, parse, detect, noqa, selection."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .detector import (
    Finding,
    Site,
    find_sites,
    findings_for_sites,
    keyword_lines,
    may_have_findings,
)
from .noqa import file_is_ignored, is_suppressed, may_have_noqa, noqa_lines
from .selection import Selection
from .settings import Settings
from .source import Source


@dataclass(frozen=True)
class Options:
    """Everything that decides what is reported for a file."""

    settings: Settings = field(default_factory=Settings)
    selection: Selection = field(default_factory=Selection)
    disable_noqa: bool = False
    whole_module: bool = False  # search every statement even when CVX003 is off (for fix)

    @property
    def all_rules(self) -> bool:
        return self.selection.is_selected("CVX003")


@dataclass
class Report:
    """The findings for one file (after noqa and selection), and the lines they came from."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    tree: ast.Module | None = None  # None when the prefilter ruled the file out
    sites: list[Site] = field(default_factory=list)


def analyze(source: Source, filename: str, options: Options) -> Report:
    """Check one file. Raises SourceError when it cannot be decoded or parsed."""
    if not may_have_findings(source.data, options.settings, options.all_rules):
        return Report()
    tree = source.parse(filename)
    whole = options.all_rules or options.whole_module
    only = None if whole else keyword_lines(source.data)
    sites = find_sites(tree, options.settings, only)
    found = findings_for_sites(sites, all_rules=options.all_rules)
    report = Report(tree=tree, sites=sites)
    if not found:
        return report
    noqa: dict[int, str] = {}
    # Tokenizing for noqa costs more than the rest of the check: only when one can be there.
    if not options.disable_noqa and may_have_noqa(source.data, source.encoding):
        lines = source.lines()
        if file_is_ignored(lines):
            report.suppressed = found
            return report
        noqa = noqa_lines(lines)
    for finding in found:
        if not options.selection.is_selected(finding.code):
            continue
        target = report.suppressed if _suppressed(finding, noqa) else report.findings
        target.append(finding)
    return report


def _suppressed(finding: Finding, noqa: dict[int, str]) -> bool:
    return is_suppressed(finding.code, noqa.get(finding.line))
