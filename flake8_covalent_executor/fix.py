"""Fixing one file: detect, plan on the ast, rewrite with libcst, verify, then write."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from .analysis import Options, analyze
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


def plan_fix(source: Source, filename: str, options: Options, unsafe: bool) -> Plan:
    """The plan for one file, from the ast alone (cheap; no libcst)."""
    report = analyze(source, filename, replace(options, whole_module=True))
    fixable = [f for f in report.findings if f.code != "CVX003"]
    if not fixable or report.tree is None:
        return Plan()
    return Planner(report.tree, source.lines(), report.sites).plan(fixable, unsafe)


def fix_source(source: Source, filename: str, options: Options, unsafe: bool) -> FixResult:
    """Compute and verify the fixed bytes of one file. Raises SourceError."""
    plan = plan_fix(source, filename, options, unsafe)
    result = FixResult(filename, source.data, skipped=plan.skipped)
    if not plan.groups:
        return result
    from .rewrite import apply_plan  # libcst: imported only once a file needs rewriting

    new = apply_plan(source.data, source.lines(), plan)
    _verify(source, new, filename, options, plan)
    result.new, result.fixed = new, len(plan.fixed)
    return result


def _verify(source: Source, new: bytes, filename: str, options: Options, plan: Plan) -> None:
    try:
        new_tree = ast.parse(new, filename=filename)
    except (SyntaxError, ValueError) as error:
        raise SourceError(f"the fix would not parse ({error}); left alone") from None
    before = analyze(source, filename, options).findings
    after = analyze(Source.from_bytes(new), filename, options).findings
    problem = fixed_findings_gone(before, after, plan) or equivalent(source.data, new_tree, plan)
    if problem is not None:
        raise SourceError(f"{problem}; left alone")
