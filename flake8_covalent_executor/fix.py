"""Fixing one file: detect, plan on the ast, rewrite with libcst, verify, then write."""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection
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
    """The plan for one file, from the ast alone (cheap; no libcst). ``hold`` names the
    findings to leave alone and why; new names avoid ``reserved`` too (for notebooks)."""
    report = analyze(source, filename, replace(options, whole_module=True))
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
    plan = plan_fix(source, filename, options, unsafe, hold, reserved)
    result = FixResult(filename, source.data, skipped=plan.skipped)
    if not plan.groups:
        return result
    from .rewrite import apply_plan  # libcst: imported only once a file needs rewriting

    _refuse_what_libcst_cannot_take(source.parse(filename))
    try:
        new = apply_plan(source.data, source.lines(), plan)
        _verify(source, new, filename, options, plan)
    except RecursionError:
        raise SourceError("too deeply nested to rewrite; left alone") from None
    result.new, result.fixed = new, len(plan.fixed)
    return result


# libcst's parser is native code: past a few thousand levels of nesting it overflows the C
# stack and kills the process (``x = a and a and ...`` is flat in ast, one level per operand
# in libcst; so is each dot of ``import a.b.c``). Its Python side gives up far earlier with a
# RecursionError, so nothing it could rewrite is refused here.
MAX_REWRITE_DEPTH = 1000
# Past this many syntax nodes (about 4 MB of dense code) libcst takes minutes and gigabytes,
# some 2.5 GB and two minutes per million nodes: refuse rather than exhaust the machine.
MAX_REWRITE_NODES = 1_000_000


def _refuse_what_libcst_cannot_take(tree: ast.Module) -> None:
    """Raise SourceError for a module too deep or too big for libcst (no recursion here)."""
    nodes, deepest = 0, 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1
        elif isinstance(node, ast.alias):
            depth += node.name.count(".")
        elif isinstance(node, ast.ImportFrom):
            depth += (node.module or "").count(".")
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    if deepest > MAX_REWRITE_DEPTH:
        raise SourceError(
            f"too deeply nested to rewrite (over {MAX_REWRITE_DEPTH} levels); left alone"
        )
    if nodes > MAX_REWRITE_NODES:
        raise SourceError(
            f"too large to rewrite ({nodes} syntax nodes, over {MAX_REWRITE_NODES}); left alone"
        )


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
