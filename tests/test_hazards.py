"""The hazard table through ``fix``, then through real Covalent: every program records the
same executors, and prints the same, before and after, imported by name and run as a script.
Each Covalent process gets a config directory of its own: the user's is never written."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import covalent_env
from hazards import HAZARDS, KINDS, Hazard

from flake8_covalent_executor.api import check_source, fix_source, options_for

PROBE = Path(__file__).with_name("semantic_probe.py")
RUNNABLE = [h for h in HAZARDS if h.runs_here]


def test_every_kind_has_cases() -> None:
    assert len(HAZARDS) >= 30
    assert {h.kind for h in HAZARDS} == set(KINDS)


def _fixed(hazard: Hazard) -> tuple[list[str], Any]:
    """Each finding's outcome, in source order, and the fix result."""
    data = hazard.source.encode()
    findings = check_source(data, f"{hazard.id}.py", options_for()).findings
    result = fix_source(data, f"{hazard.id}.py", options_for(), unsafe=hazard.unsafe)
    assert result.error is None, result.error
    left = {(item.finding.line, item.finding.col): item.reason for item in result.skipped}
    outcomes = [left.get((f.line, f.col), "fixed") for f in findings]
    return outcomes, result


@pytest.mark.parametrize("hazard", RUNNABLE, ids=[h.id for h in RUNNABLE])
def test_fix_does_what_the_table_says(hazard: Hazard) -> None:
    outcomes, result = _fixed(hazard)
    assert len(outcomes) == len(hazard.outcomes), outcomes
    for got, expected in zip(outcomes, hazard.outcomes):
        assert (got == "fixed") == (expected == "fixed") and expected in got, outcomes
    new = (result.new or hazard.source.encode()).decode()
    assert len(new_bindings(hazard.source, new)) == hazard.bindings, new


def new_bindings(old: str, new: str) -> list[str]:
    """The names the fix bound: assigned in ``new``, never spelt in ``old``."""
    spelt = set(re.findall(r"\w+", old))
    return [
        node.targets[0].id
        for node in ast.walk(ast.parse(new))
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id not in spelt
    ]


def _probe_both(before: Path, after: Path, mode: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both sides in turn, each in a fresh Covalent config directory at the same path (the
    config's defaults name it, so both must see the same one)."""
    with tempfile.TemporaryDirectory(prefix="cvx-covalent-") as home:
        return _probe(before, mode, Path(home)), _probe(after, mode, Path(home))


def probe_directory(before: Path, after: Path, mode: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every module of two directories (``--directory`` imports each, ``--main-directory``
    runs each as a script), each side in one process with a fresh config at the same path."""
    with tempfile.TemporaryDirectory(prefix="cvx-covalent-") as home:
        return _probe(before / "-", mode, Path(home)), _probe(after / "-", mode, Path(home))


def _probe(path: Path, mode: str, home: Path) -> dict[str, Any]:
    """``semantic_probe.py MODE NAME`` run in ``path``'s directory (NAME ``-``: the
    directory itself), with ``home`` emptied first and used for all of Covalent's files."""
    ran = subprocess.run(
        [sys.executable, str(PROBE), mode, "." if path.name == "-" else path.name],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
        env=covalent_env(home),
    )
    assert ran.returncode == 0, ran.stderr
    return dict(json.loads(ran.stdout.splitlines()[-1]))


@pytest.fixture(scope="module")
def semantics(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], Any]:
    """Each changed hazard, before and after, imported (--file) and as a script (--main)."""
    jobs = []
    for hazard in RUNNABLE:
        _, result = _fixed(hazard)
        if result.new is None:
            continue
        paths = []
        for side, text in (("before", hazard.source.encode()), ("after", result.new)):
            path = tmp_path_factory.mktemp(f"{hazard.id}_{side}") / "case.py"
            path.write_bytes(text)
            paths.append(path)
        jobs += [(hazard.id, mode, *paths) for mode in ("--file", "--main")]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda job: _probe_both(job[2], job[3], job[1]), jobs))
    found: dict[tuple[str, str, str], Any] = {}
    for (name, mode, _, _), (before, after) in zip(jobs, results):
        found[(name, "before", mode)], found[(name, "after", mode)] = before, after
    return found


CHANGED = [h for h in RUNNABLE if h.bindings or "fixed" in h.outcomes]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["--file", "--main"], ids=["imported", "as_main"])
@pytest.mark.parametrize("hazard", CHANGED, ids=[h.id for h in CHANGED])
def test_covalent_records_the_same(
    hazard: Hazard, mode: str, semantics: dict[tuple[str, str, str], Any]
) -> None:
    before = semantics[(hazard.id, "before", mode)]
    after = semantics[(hazard.id, "after", mode)]
    assert after == {**before, "constructed": after.get("constructed")}, (before, after)
    assert before["importable"], before
    assert after["constructed"] <= before["constructed"]
