"""One file in, its reportable findings out: the detector's pipeline, then noqa and selection."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .detector import detect
from .files import Discovery
from .findings import Finding, Site
from .noqa import file_is_ignored, is_suppressed, may_have_noqa, noqa_lines
from .rules import WHOLE_MODULE
from .selection import PerFileIgnores, Selection
from .settings import Settings
from .source import Source


@dataclass(frozen=True)
class Options:
    """Everything that decides what is reported for a file."""

    settings: Settings = field(default_factory=Settings)
    selection: Selection = field(default_factory=Selection)
    disable_noqa: bool = False
    whole_module: bool = False  # search every statement even when CVX003 is off (for fix)
    per_file_ignores: PerFileIgnores = field(default_factory=PerFileIgnores)
    files: Discovery = field(default_factory=Discovery)  # which files a run looks at

    @property
    def all_rules(self) -> bool:
        return any(self.selection.is_selected(code) for code in WHOLE_MODULE)

    def selection_for(self, filename: str) -> Selection:
        """The selection in force for one file, after ``per-file-ignores``."""
        return self.per_file_ignores.selection_for(self.selection, filename)


@dataclass
class Report:
    """The findings for one file (after noqa and selection), and the lines they came from."""

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    tree: ast.Module | None = None  # None when the prefilter ruled the file out
    sites: list[Site] = field(default_factory=list)


def analyze(source: Source, filename: str, options: Options) -> Report:
    """Check one file. Raises SourceError when it cannot be decoded or parsed."""
    found = detect(
        source.data,
        lambda: source.parse(filename),
        options.settings,
        options.all_rules,
        options.whole_module,
    )
    if found is None:
        return Report()
    report = Report(tree=found.tree, sites=found.sites)
    if not found.findings:
        return report
    noqa: dict[int, str] = {}
    # Tokenizing for noqa costs more than the rest of the check: only when one can be there.
    if not options.disable_noqa and may_have_noqa(source.data, source.encoding):
        lines = source.lines()
        if file_is_ignored(lines):
            report.suppressed = found.findings
            return report
        noqa = noqa_lines(lines)
    selection = options.selection_for(filename)
    for finding in found.findings:
        if not selection.is_selected(finding.code):
            continue
        suppressed = is_suppressed(finding.code, noqa.get(finding.line))
        (report.suppressed if suppressed else report.findings).append(finding)
    return report
