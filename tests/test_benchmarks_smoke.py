"""The benchmark scripts keep working: ``benchmarks/run_all.py --smoke`` on tiny trees.

Benchmarks are not tests, so nothing here looks at a timing. The smoke run generates trees
of a few dozen files (in a temporary directory), runs one round of every measure with this
interpreter for check, fix, libcst and Ruff (all installed with the test extras), and prints
the combined table. The flake8 measure needs the cached venvs of ``benchmarks/.venvs``: it
runs when they exist and is listed as skipped otherwise (CI does not build them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow
RUN_ALL = ROOT / "benchmarks" / "run_all.py"
TABLE_RULE = "=" * 100
MEASURES = (
    "CPU the plugin adds to flake8 -j1",
    "check wall / ruff check --no-cache wall",
    "fix --check speed-up over libcst noop runner",
    "check: wall per file",
    "check: peak RSS",
    "fix --check: wall per file",
    "fix --check: peak RSS",
)


def test_run_all_smoke(tmp_path: Path) -> None:
    trees, report = tmp_path / "trees", tmp_path / "report.json"
    cmd = [sys.executable, str(RUN_ALL), "--smoke", "--trees-dir", str(trees)]
    result = subprocess.run(
        [*cmd, "--json", str(report), "--write-doc", str(tmp_path / "performance.md")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert TABLE_RULE in result.stdout, output[-6000:]
    table = result.stdout.split(TABLE_RULE)[-1]
    for measure in MEASURES:
        assert measure in table, f"{measure!r} missing from the combined table:\n{table}"
    assert "error:" not in table, table

    data = json.loads(report.read_text())
    verdicts = [row["verdict"] for s in data["sections"] for row in s["results"]]
    assert verdicts, data
    assert all(v == "n/a (smoke)" or v.startswith("skipped") for v in verdicts), verdicts
    assert any(trees.iterdir()), "the generated trees go to --trees-dir"
    doc = (tmp_path / "performance.md").read_text()
    assert all(measure in doc for measure in MEASURES)
