"""The other commands' output: ``rule`` (from the package, also as an installed wheel),
``fix``'s reporting lines and ``--quiet``, ``fix --diff`` that ``git apply`` takes, and the
help and usage errors."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cases import CASES
from conftest import ROOT, output, run

from flake8_covalent_executor.api import fix_source
from flake8_covalent_executor.cli import build_parser
from flake8_covalent_executor.rules import RULES

SEED = next(case for case in CASES if case.id == "seed_not_recommended")
# A file fix rewrites and where it also leaves a site alone.
LEFT = next(case for case in CASES if case.left_alone and case.after and not case.options)
DOCS = ROOT / "flake8_covalent_executor" / "rule_docs"


def command(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "flake8_covalent_executor", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


# -- rule ------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", list(RULES))
def test_rule_prints_its_page(code: str) -> None:
    result = command("rule", code)
    assert result.returncode == 0 and result.stderr == "", output(result)
    assert result.stdout == (DOCS / f"{code}.md").read_text(encoding="utf-8")


def test_rule_all_prints_every_page_in_order() -> None:
    result = command("rule", "--all")
    assert result.returncode == 0, output(result)
    pages = [(DOCS / f"{code}.md").read_text(encoding="utf-8") for code in RULES]
    assert result.stdout == "\n".join(pages)


@pytest.mark.parametrize("code", ["cvx001", "CVX004", "CVX", ""])
def test_unknown_rule_is_one_line_and_exit_2(code: str) -> None:
    result = command("rule", code)
    assert result.returncode == 2 and result.stdout == "", output(result)
    assert result.stderr == (
        f"flake8-covalent-executor: unknown rule code {code!r} "
        "(the rules are CVX001, CVX002, CVX003)\n"
    )


@pytest.mark.parametrize("args", [(), ("CVX001", "--all")])
def test_rule_needs_one_code_or_all(args: tuple[str, ...]) -> None:
    result = command("rule", *args)
    assert result.returncode == 2 and "usage: flake8-covalent-executor rule" in result.stderr


def test_rule_pages_are_read_from_a_zip_import(tmp_path: Path) -> None:
    """importlib.resources, not a path beside __file__: the pages are found wherever the
    package is imported from (here a zip, where no file path exists)."""
    archive = tmp_path / "package.zip"
    package = ROOT / "flake8_covalent_executor"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in package.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zipped.write(path, path.relative_to(ROOT).as_posix())
    env = {**os.environ, "PYTHONPATH": str(archive)}
    probe = "import flake8_covalent_executor as p, sys; print(p.__file__)"
    where = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert where.stdout.startswith(str(archive)), where.stdout + where.stderr
    result = command("rule", "CVX002", cwd=tmp_path, env=env)
    assert result.returncode == 0, output(result)
    assert result.stdout == (DOCS / "CVX002.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_rule_pages_ship_in_the_wheel(tmp_path: Path) -> None:
    """A real wheel, built offline (setuptools from the test extra) from a copy of the
    project (a build leaves build/ and egg-info behind), installed apart."""
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(
        ROOT / "flake8_covalent_executor", project / "flake8_covalent_executor", ignore=ignore
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    built = run(
        [
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(project),
        ]
    )
    assert built.returncode == 0, output(built)
    (wheel,) = tmp_path.glob("flake8_covalent_executor-*.whl")
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zipped:
        assert {f"flake8_covalent_executor/rule_docs/{code}.md" for code in RULES} <= set(
            zipped.namelist()
        )
        zipped.extractall(target)
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = "import flake8_covalent_executor as p; print(p.__file__)"
    where = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert where.stdout.startswith(str(target)), where.stdout + where.stderr
    result = command("rule", "--all", cwd=tmp_path, env=env)
    assert result.returncode == 0 and result.stdout.startswith("# CVX001: "), output(result)


# -- fix's reporting ---------------------------------------------------------------------------
def fix(*args: str, cwd: Path) -> Any:
    return command("fix", "--isolated", *args, cwd=cwd)


def test_fix_names_each_file_it_rewrites(tmp_path: Path) -> None:
    (tmp_path / "seed.py").write_text(SEED.source, encoding="utf-8")
    (tmp_path / "left.py").write_text(LEFT.source, encoding="utf-8")
    (tmp_path / "clean.py").write_text("x = 1\n", encoding="utf-8")
    would = fix("--check", ".", cwd=tmp_path)
    assert would.returncode == 1, output(would)
    fixed_lines = [
        line for line in would.stderr.splitlines() if line.startswith(("fixed: ", "would fix: "))
    ]
    n = fix_source(LEFT.source.encode(), "left.py").fixed
    assert fixed_lines == [
        f"would fix: ./left.py ({n} site{'s' * (n != 1)})",
        "would fix: ./seed.py (2 sites)",
    ], output(would)
    diff = fix("--diff", ".", cwd=tmp_path)
    assert "would fix: ./seed.py (2 sites)" in diff.stderr.splitlines(), output(diff)
    done = fix(".", cwd=tmp_path)
    assert "fixed: ./seed.py (2 sites)" in done.stderr.splitlines(), output(done)
    assert " left alone: " in done.stderr and done.stderr.splitlines()[-1].startswith("2 files")
    again = fix(".", cwd=tmp_path)
    assert not [line for line in again.stderr.splitlines() if line.startswith("fixed: ")]


def test_fix_quiet_keeps_only_errors(tmp_path: Path) -> None:
    (tmp_path / "seed.py").write_text(SEED.source, encoding="utf-8")
    (tmp_path / "left.py").write_text(LEFT.source, encoding="utf-8")
    (tmp_path / "broken.py").write_text("import covalent\nexecutor = (\n", encoding="utf-8")
    loud = fix("--check", ".", cwd=tmp_path)
    assert " left alone: " in loud.stderr and "would fix: " in loud.stderr, output(loud)
    quiet = fix("--check", "--quiet", ".", cwd=tmp_path)
    assert quiet.returncode == loud.returncode == 2, output(quiet)
    assert quiet.stderr == "./broken.py: syntax error (line 2): '(' was never closed\n"
    written = fix("-q", ".", cwd=tmp_path)
    assert written.stderr == quiet.stderr and written.returncode == 2, output(written)
    assert "_local_executor = LocalExecutor()" in (tmp_path / "seed.py").read_text()


def test_fix_diff_of_a_directory_applies_with_git(tmp_path: Path) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "seed.py").write_text(SEED.source, encoding="utf-8")
    (tmp_path / "top.py").write_text(SEED.source, encoding="utf-8")
    diff = fix("--diff", ".", cwd=tmp_path)
    assert diff.returncode == 1, output(diff)
    headers = [line for line in diff.stdout.splitlines() if line.startswith(("--- ", "+++ "))]
    assert sorted(headers) == [
        "+++ b/pkg/seed.py",
        "+++ b/top.py",
        "--- a/pkg/seed.py",
        "--- a/top.py",
    ]
    patch = tmp_path / "fix.patch"
    patch.write_text(diff.stdout, encoding="utf-8")
    quiet_git = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q"], ["apply", "--check", str(patch)], ["apply", str(patch)]):
        applied = subprocess.run(
            [git, *args], cwd=tmp_path, env=quiet_git, capture_output=True, text=True
        )
        assert applied.returncode == 0, applied.stderr
    assert (tmp_path / "top.py").read_text() == SEED.fixed
    assert (tmp_path / "pkg" / "seed.py").read_text() == SEED.fixed


# -- help and usage errors ---------------------------------------------------------------------
def _parsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    found = {"": parser}
    for action in parser._actions:  # argparse keeps its subcommands only here
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def test_every_option_has_help() -> None:
    parsers = _parsers()
    assert set(parsers) == {"", "check", "fix", "rule"}
    for name, parser in parsers.items():
        for action in parser._actions:
            assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)


@pytest.mark.parametrize("name", ["", "check", "fix", "rule"])
def test_help_is_plain_text(name: str) -> None:
    result = command(*([name] if name else []), "--help")
    assert result.returncode == 0, output(result)
    for markup in ("``", ":func:", ":class:", "\n.. ", "**"):
        assert markup not in result.stdout, (markup, result.stdout)
    assert result.stdout.startswith(f"usage: flake8-covalent-executor {name}".rstrip())


@pytest.mark.parametrize("name", ["check", "fix"])
def test_unknown_option_shows_the_command_usage(name: str) -> None:
    result = command(name, "--bogus", ".")
    assert result.returncode == 2 and result.stdout == "", output(result)
    assert result.stderr.startswith(f"usage: flake8-covalent-executor {name} "), output(result)
    assert result.stderr.splitlines()[-1] == (
        f"flake8-covalent-executor {name}: error: unrecognized arguments: --bogus"
    )
    assert "Traceback" not in result.stderr
