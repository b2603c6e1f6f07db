"""The semantic tier: what real Covalent records is identical before and after ``fix``.

Each side is imported in its own process (``semantic_probe.py``); the executor metadata of
every electron, lattice and lepton, and the nodes of each lattice's graph, must be equal,
and fewer executors may be constructed, never more.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cases import CASES
from conftest import ROOT, probe
from test_hazards import probe_directory

pytest.importorskip("covalent", reason="the semantic tier needs covalent==0.240.0")
CHANGED = [c for c in CASES if c.fixed_unsafe != c.source and not c.options]


@pytest.fixture(scope="module")
def case_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Every changed case and the bundled examples, before and after ``fix --unsafe-fixes``."""
    before, after = tmp_path_factory.mktemp("before"), tmp_path_factory.mktemp("after")
    for case in CHANGED:
        (before / f"{case.id}.py").write_text(case.source, encoding="utf-8")
        (after / f"{case.id}.py").write_text(case.fixed_unsafe, encoding="utf-8")
    for example in (ROOT / "examples").glob("*.py"):
        (before / f"example_{example.stem}.py").write_bytes(example.read_bytes())
        (after / f"example_{example.stem}.py").write_bytes(example.read_bytes())
    fixed = subprocess.run(
        [
            sys.executable,
            "-m",
            "flake8_covalent_executor",
            "fix",
            "--unsafe-fixes",
            "--isolated",
            *map(str, after.glob("example_*")),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    return before, after


@pytest.fixture(scope="module")
def sides(case_dirs: tuple[Path, Path]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each side imported by name, in a process of its own."""
    return probe(case_dirs[0]), probe(case_dirs[1])


@pytest.fixture(scope="module")
def main_sides(case_dirs: tuple[Path, Path]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each module run as ``__main__`` (as ``python case.py`` runs it: Covalent pickles a
    script's lattice functions by value, with the globals they reach)."""
    return probe_directory(*case_dirs, "--main-directory")


NAMES = [c.id for c in CHANGED] + [
    f"example_{p.stem}" for p in sorted((ROOT / "examples").glob("*.py"))
]


@pytest.mark.parametrize("name", NAMES)
def test_covalent_records_the_same_run_as_main(
    name: str, main_sides: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    before, after = (side[name] for side in main_sides)
    assert before["importable"] == after["importable"], (before, after)
    if not before["importable"]:
        pytest.skip(f"does not run here: {before['error']}")
    assert (after["records"], after["output"]) == (before["records"], before["output"])
    if not before["records"]:  # nothing runs at import: an unsafe fix builds it there
        pytest.skip("Covalent records nothing when it runs (the entry point runs on call)")
    assert after["constructed"] <= before["constructed"]


def test_enough_cases_import(sides: tuple[dict[str, Any], dict[str, Any]]) -> None:
    before, _ = sides
    recorded = [name for name, result in before.items() if result.get("records")]
    assert len(recorded) >= 15, before


@pytest.mark.parametrize(
    "name",
    [c.id for c in CHANGED]
    + [f"example_{p.stem}" for p in sorted((ROOT / "examples").glob("*.py"))],
)
def test_covalent_records_the_same(
    name: str, sides: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    before, after = (side[name] for side in sides)
    assert before["importable"] == after["importable"], (before, after)
    if not before["importable"]:
        pytest.skip(f"not importable here: {before['error']}")
    assert after["records"] == before["records"]
    if not before["records"]:
        pytest.skip("Covalent records nothing at import (the entry point runs on call)")
    assert after["constructed"] <= before["constructed"]


def test_seed_builds_one_executor(sides: tuple[dict[str, Any], dict[str, Any]]) -> None:
    before, after = (side["seed_not_recommended"] for side in sides)
    assert (before["constructed"], after["constructed"], after["configurations"]) == (2, 1, 1)


# -- notebooks: the code cells run top to bottom, minus magics, before and after ``fix`` -------
NOTEBOOKS = sorted((ROOT / "tests" / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "examples").glob("*.ipynb")
)


@pytest.fixture(scope="module")
def notebook_sides(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, Any], dict[str, Any]]:
    before, after = tmp_path_factory.mktemp("nb_before"), tmp_path_factory.mktemp("nb_after")
    for notebook in NOTEBOOKS:
        name = f"{notebook.parent.name}_{notebook.name}"
        (before / name).write_bytes(notebook.read_bytes())
        (after / name).write_bytes(notebook.read_bytes())
    fixed = subprocess.run(
        [sys.executable, "-m", "flake8_covalent_executor", "fix", "--isolated", str(after)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    return probe(before), probe(after)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_records_the_same(
    notebook: Path, notebook_sides: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    before, after = (side[f"{notebook.parent.name}_{notebook.name}"] for side in notebook_sides)
    assert before["importable"] and after["importable"], (before, after)
    assert after["records"] == before["records"]
    assert after["constructed"] <= before["constructed"]
    assert after["configurations"] == before["configurations"]


def test_seed_notebook_keeps_two_instances(
    notebook_sides: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    before, after = (side["notebooks_seed.ipynb"] for side in notebook_sides)
    first_cell = after["records"]["cell_1"]
    logs = {
        first_cell[f"electron:task_{n}"]["executor_data"]["attributes"]["log_stdout"]
        for n in (1, 2)
    }
    assert logs == {"/tmp/task_1.log", "/tmp/task_2.log"}
    assert (before["constructed"], after["constructed"], after["configurations"]) == (3, 3, 3)


def test_magics_notebook_shares_across_cells(
    notebook_sides: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    before, after = (side["notebooks_magics.ipynb"] for side in notebook_sides)
    # five LocalExecutor() before; after: the two in cells with magics, and one shared instance
    assert (before["constructed"], after["constructed"], after["configurations"]) == (5, 3, 1)
