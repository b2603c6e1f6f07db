"""Fixing one module: detect and plan on the ast, splice the bytes, verify; the caller writes."""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace

from ..analysis import Options, Report, analyze
from ..findings import Finding, Text
from ..rules import FIXABLE
from ..source import Source, SourceError
from . import splice
from .effects import Effects
from .layout import DEFAULT_LINE_LENGTH
from .plan import Plan, Planner
from .verify import Unverified, check_equivalent, check_fixed_findings_gone, check_sound

Hold = Callable[[Finding], "Text | None"]  # why a finding must be left alone, if it must


def _hold_nothing(finding: Finding) -> Text | None:
    return None


@dataclass
class ModuleFix:
    """What fixing one module gave: its new bytes (None if unchanged), how many sites were
    fixed, and each finding left alone with the reason."""

    new: bytes | None = None
    fixed: int = 0
    skipped: list[tuple[Finding, Text]] = field(default_factory=list)


def plan_fix(
    source: Source,
    filename: str,
    options: Options,
    unsafe: bool,
    hold: Hold = _hold_nothing,
    reserved: Collection[str] = (),
) -> Plan:
    """The plan for one file, from the ast alone. ``hold`` names the findings to leave alone
    and why; new names avoid ``reserved`` too (for notebooks)."""
    return _plan(_analyze(source, filename, options), source, options, unsafe, hold, reserved)


def _analyze(source: Source, filename: str, options: Options) -> Report:
    return analyze(source, filename, replace(options, whole_module=True))


def _plan(
    report: Report,
    source: Source,
    options: Options,
    unsafe: bool,
    hold: Hold,
    reserved: Collection[str],
) -> Plan:
    settings = options.settings
    fixable = [f for f in report.findings if f.code in FIXABLE]
    if not fixable or report.tree is None:
        return Plan()
    held = [(f, reason) for f in fixable if (reason := hold(f)) is not None]
    planner = Planner(report.tree, source.lines(), report.sites, settings)
    planner.taken.update(reserved)
    plan = planner.plan([f for f in fixable if hold(f) is None], unsafe)
    plan.skipped = sorted(held + plan.skipped, key=lambda item: (item[0].line, item[0].col))
    return plan


def fix_module(
    source: Source,
    filename: str,
    options: Options,
    unsafe: bool,
    hold: Hold = _hold_nothing,
    reserved: Collection[str] = (),
    line_length: int = DEFAULT_LINE_LENGTH,
) -> ModuleFix:
    """Compute and verify the fixed bytes of one module; a new binding is laid out to fit in
    ``line_length`` (see ``splice``). A group of sites whose rewrite fails a check is left
    alone with the reason, and the others are still fixed. Raises SourceError when the
    module cannot be read or rewritten at all."""
    report = _analyze(source, filename, options)
    plan = _plan(report, source, options, unsafe, hold, reserved)
    if not plan.groups:
        return ModuleFix(skipped=plan.skipped)
    job = _Job(source, report.findings, filename, options, line_length)
    new: bytes | None
    try:
        try:
            new = _rewrite(job, plan)
        except SourceError:  # find the groups that fail alone, fix the rest
            plan, new = _without_failing_groups(job, plan)
    except RecursionError:
        raise SourceError("too deeply nested to rewrite; left alone") from None
    return ModuleFix(new, len(plan.fixed), plan.skipped)


@dataclass(frozen=True)
class _Job:
    """What rewriting one module needs besides the plan: its source and findings, its
    name and options, and the line length new bindings are laid out for."""

    source: Source
    before: list[Finding]
    filename: str
    options: Options
    line_length: int


def _rewrite(job: _Job, plan: Plan) -> bytes:
    """The plan applied and verified. Raises SourceError (Unverified: a check said no)."""
    new = splice.apply_plan(job.source, plan, job.line_length)
    _verify(job.before, new, job.filename, job.options, plan)
    return new


def _without_failing_groups(job: _Job, plan: Plan) -> tuple[Plan, bytes | None]:
    """Add the groups one at a time, keeping each with which the rewrite still passes every
    check; each one dropped is left alone with the check's reason."""
    kept = replace(plan, groups=[], skipped=list(plan.skipped))
    new: bytes | None = None
    for group in plan.groups:
        trial = replace(kept, groups=[*kept.groups, group])
        try:
            new = _rewrite(job, trial)
        except SourceError as problem:
            reason = Text("{problem}", {"problem": _reason(problem)})
            kept.skipped += [(finding, reason) for finding in group.findings]
            continue
        kept = trial
    kept.skipped.sort(key=lambda item: (item[0].line, item[0].col))
    return kept, new


def _reason(problem: SourceError) -> str:
    text = str(problem)
    return text[: -len("; left alone")] if text.endswith("; left alone") else text


def _verify(
    before: list[Finding], new: bytes, filename: str, options: Options, plan: Plan
) -> None:
    """Raise SourceError unless ``new`` parses, lost exactly the fixed findings, is the old
    module apart from the hoisting, and keeps what every construction reads (``effects``)."""
    try:
        try:
            new_source = Source.from_bytes(new)
            new_tree = ast.parse(new, filename=filename)
        except (SourceError, SyntaxError, ValueError) as error:
            raise Unverified(f"the fix would not parse ({error})") from None
        after = _analyze(new_source, filename, options).findings
        check_fixed_findings_gone(before, after, plan)
        replaced = check_equivalent(plan.tree, new_tree, plan)
        check_sound(plan.tree, new_tree, plan, Effects(new_tree, options.settings), replaced)
    except Unverified as problem:
        raise SourceError(f"{problem}; left alone") from None
