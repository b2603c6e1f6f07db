"""Fixing one file: detect and plan on the ast, edit the bytes, verify; the caller writes."""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace

from . import splice
from .analysis import Options, Report, analyze
from .detector import Finding
from .plan import Plan, Planner
from .source import Source, SourceError
from .verify import equivalent, fixed_findings_gone


@dataclass
class FixResult:
    """What fixing one file gave: its new bytes (None if unchanged) and what was left."""

    path: str
    old: bytes = b""
    new: bytes | None = None
    fixed: int = 0
    skipped: list[tuple[Finding, str]] = field(default_factory=list)
    error: str | None = None
    cells: list[int] | None = None  # a notebook's: the cell of each skipped finding
    notes: list[str] = field(default_factory=list)  # notebook cells skipped, one line each


def _hold_nothing(finding: Finding) -> str | None:
    return None


def plan_fix(
    source: Source,
    filename: str,
    options: Options,
    unsafe: bool,
    hold: Callable[[Finding], str | None] = _hold_nothing,
    reserved: Collection[str] = (),
) -> Plan:
    """The plan for one file, from the ast alone. ``hold`` names the findings to leave alone
    and why; new names avoid ``reserved`` too (for notebooks)."""
    return _plan(_analyze(source, filename, options), source, unsafe, hold, reserved)


def _analyze(source: Source, filename: str, options: Options) -> Report:
    return analyze(source, filename, replace(options, whole_module=True))


def _plan(
    report: Report,
    source: Source,
    unsafe: bool,
    hold: Callable[[Finding], str | None],
    reserved: Collection[str],
) -> Plan:
    fixable = [f for f in report.findings if f.code != "CVX003"]
    if not fixable or report.tree is None:
        return Plan()
    held = [(f, reason) for f in fixable if (reason := hold(f)) is not None]
    planner = Planner(report.tree, source.lines(), report.sites)
    planner.taken.update(reserved)
    plan = planner.plan([f for f in fixable if hold(f) is None], unsafe)
    plan.skipped = sorted(held + plan.skipped, key=lambda item: (item[0].line, item[0].col))
    return plan


def fix_source(
    source: Source,
    filename: str,
    options: Options,
    unsafe: bool,
    hold: Callable[[Finding], str | None] = _hold_nothing,
    reserved: Collection[str] = (),
) -> FixResult:
    """Compute and verify the fixed bytes of one file. Raises SourceError."""
    report = _analyze(source, filename, options)
    plan = _plan(report, source, unsafe, hold, reserved)
    result = FixResult(filename, source.data, skipped=plan.skipped)
    if not plan.groups:
        return result
    try:
        new = splice.apply_plan(source, plan)
        _verify(report.findings, new, filename, options, plan)
    except RecursionError:
        raise SourceError("too deeply nested to rewrite; left alone") from None
    result.new, result.fixed = new, len(plan.fixed)
    return result


def _verify(
    before: list[Finding], new: bytes, filename: str, options: Options, plan: Plan
) -> None:
    """Raise SourceError unless ``new`` parses, lost exactly the fixed findings, and is the
    old module apart from the hoisting."""
    try:
        new_source = Source.from_bytes(new)
        new_tree = ast.parse(new, filename=filename)
    except (SourceError, SyntaxError, ValueError) as error:
        raise SourceError(f"the fix would not parse ({error}); left alone") from None
    after = _analyze(new_source, filename, options).findings
    problem = fixed_findings_gone(before, after, plan) or equivalent(plan.tree, new_tree, plan)
    if problem is not None:
        raise SourceError(f"{problem}; left alone")
