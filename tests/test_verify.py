"""The checks that stand between a rewrite and the disk: each one can say no."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from cases import CASES

from flake8_covalent_executor.analysis import Options, analyze
from flake8_covalent_executor.fix import splice
from flake8_covalent_executor.fix.fixer import plan_fix
from flake8_covalent_executor.fix.runner import FixMode, fix_path
from flake8_covalent_executor.fix.verify import (
    Unverified,
    check_equivalent,
    check_fixed_findings_gone,
)
from flake8_covalent_executor.source import Source

SEED = next(c for c in CASES if c.id == "seed_two_log_files")


def _binding_line(data: bytes, name: bytes) -> bytes:
    return next(line for line in data.splitlines(keepends=True) if line.startswith(name + b" ="))


def _bind_after_use(data: bytes) -> bytes:
    """The first new binding moved to the end of the module, after the function using it."""
    line = _binding_line(data, b"_local_executor")
    return data.replace(line, b"", 1) + line


def _bind_twice(data: bytes) -> bytes:
    line = _binding_line(data, b"_local_executor")
    return data.replace(line, line + line, 1)


def _plan_and_new(source: Source):  # type: ignore[no-untyped-def]
    plan = plan_fix(source, "seed.py", Options(), unsafe=False)
    return plan, splice.apply_plan(source, plan)


def test_a_correct_rewrite_passes() -> None:
    source = Source.from_bytes(SEED.source.encode())
    plan, new = _plan_and_new(source)
    assert new == SEED.fixed.encode()
    check_equivalent(plan.tree, ast.parse(new), plan)
    after = analyze(Source.from_bytes(new), "seed.py", Options()).findings
    check_fixed_findings_gone(analyze(source, "seed.py", Options()).findings, after, plan)


@pytest.mark.parametrize(
    "corrupt, problem",
    [
        (lambda b: b.replace(b"return [1, 2, 3]", b"return [1, 2, 4]"), "differs"),
        (lambda b: b.replace(b'"/tmp/task_2.txt")\n', b'"/tmp/task_3.txt")\n', 1), "bound"),
        (lambda b: b.replace(b"=_local_executor_2)", b"=_local_executor)"), "differs"),
        (_bind_after_use, "not bound in the block of, and just before, its planned statement"),
        (_bind_twice, "not bound exactly once"),
    ],
    ids=[
        "unrelated_change",
        "different_arguments",
        "wrong_instance",
        "bound_after_use",
        "bound_twice",
    ],
)
def test_equivalence_catches(corrupt, problem: str) -> None:  # type: ignore[no-untyped-def]
    source = Source.from_bytes(SEED.source.encode())
    plan, new = _plan_and_new(source)
    broken = corrupt(new)
    assert broken != new
    with pytest.raises(Unverified, match=problem):
        check_equivalent(plan.tree, ast.parse(broken), plan)


def test_a_binding_in_another_block_is_caught() -> None:
    """Above its first use, but in a block that may not run (the bug a form feed before an
    ``@`` once caused): the block check says no."""
    case = next(c for c in CASES if c.id == "form_feed_before_a_decorator_in_a_block")
    source = Source.from_bytes(case.source.encode())
    plan = plan_fix(source, "ff.py", Options(), unsafe=False)
    binding = b"    _local_executor = LocalExecutor()\n\n\f"
    assert binding in case.fixed.encode()
    moved = case.fixed.encode().replace(binding, b"\f")
    moved = moved.replace(b"    @dec\n", b"    _local_executor = LocalExecutor()\n    @dec\n")
    with pytest.raises(Unverified, match="not bound in the block of, and just before, its"):
        check_equivalent(plan.tree, ast.parse(moved), plan)


def test_neither_tree_is_changed_by_the_comparison() -> None:
    source = Source.from_bytes(SEED.source.encode())
    plan, new = _plan_and_new(source)
    new_tree = ast.parse(new)
    dumps = ast.dump(plan.tree), ast.dump(new_tree)
    check_equivalent(plan.tree, new_tree, plan)
    assert (ast.dump(plan.tree), ast.dump(new_tree)) == dumps


def test_a_site_still_found_is_caught() -> None:
    source = Source.from_bytes(SEED.source.encode())
    plan, _ = _plan_and_new(source)
    before = analyze(source, "seed.py", Options()).findings
    with pytest.raises(Unverified, match="still finds a site"):
        check_fixed_findings_gone(before, before, plan)


@pytest.mark.parametrize(
    "bad_rewrite",
    [
        lambda source, plan, *_: source.data + b"\nthis is not python(\n",
        lambda source, plan, *_: source.data.replace(b"def task_1", b"def task_one"),
    ],
    ids=["does_not_parse", "not_equivalent"],
)
def test_a_failed_check_leaves_the_file_untouched(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bad_rewrite,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "seed.py"
    path.write_text(SEED.source)
    monkeypatch.setattr(splice, "apply_plan", bad_rewrite)
    result = fix_path(str(path), str(path), Options(), FixMode())
    # Each site is refused on its own (the others would still be fixed), with the check's
    # reason; the file is not written.
    assert result.error is None and result.new is None and result.fixed == 0, result
    reasons = {left.reason for left in result.skipped}
    assert len(result.skipped) == 2 and len(reasons) == 1, result.skipped
    assert reasons.pop().startswith(("the fix would not parse", "the detector still finds"))
    assert path.read_text() == SEED.source
