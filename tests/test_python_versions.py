"""One supported range, held everywhere it is stated, and code that the oldest supported Python
runs: its syntax (ast.parse with feature_version, and the oldest interpreter's own compile())
and its ast module (every ``ast.X`` the package names exists there). Part of the fast tier, so
each supported interpreter also checks that it is one."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, output
from matrix import (
    FAST_TIER,
    candidates,
    find_interpreter,
    override_variable,
    running_version,
    supported_versions,
    version_key,
)

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli there
    import tomli as tomllib

PACKAGE = ROOT / "flake8_covalent_executor"
MODULES = sorted(PACKAGE.rglob("*.py"))
SUPPORTED = supported_versions()
OLDEST = SUPPORTED[0]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_supported_versions_are_one_contiguous_range() -> None:
    minors = [version_key(v)[1] for v in SUPPORTED]
    assert len(SUPPORTED) >= 2 and minors == list(range(minors[0], minors[-1] + 1)), SUPPORTED


def test_every_setting_names_the_oldest_supported_version() -> None:
    """requires-python, ruff's target-version and mypy's python_version all follow the
    classifiers' oldest version: the syntax and stubs checked are the oldest one's."""
    assert PYPROJECT["project"]["requires-python"] == f">={OLDEST}"
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py" + OLDEST.replace(".", "")
    assert PYPROJECT["tool"]["mypy"]["python_version"] == OLDEST


def test_the_readme_states_the_range() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Python {OLDEST} to {SUPPORTED[-1]}, each tested." in readme


def test_this_interpreter_is_a_supported_version() -> None:
    """Each run of the suite (the full one on the main version, the fast tier on the others)
    runs on a version the package says it supports."""
    assert running_version() in SUPPORTED


def test_the_fast_tier_needs_nothing_the_test_extra_lacks() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert set(extras["test-fast"]) <= set(extras["test"])
    assert not any(r.startswith("covalent") for r in extras["test-fast"])
    assert all((ROOT / path).is_file() for path in FAST_TIER), FAST_TIER


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_each_module_parses_with_the_oldest_grammar(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    ast.parse(source, str(path), feature_version=version_key(OLDEST))


# Run by the oldest interpreter: compile() each module, and list the ``ast.X`` names it lacks.
_OLDEST_CHECK = """
import ast, json, sys
paths, names = json.loads(sys.stdin.read())
for path in paths:
    with open(path, encoding="utf-8") as file:
        compile(file.read(), path, "exec", dont_inherit=True)
print(json.dumps(sorted(n for n in names if not hasattr(ast, n))))
"""


def ast_names(paths: list[Path]) -> set[str]:
    """Every ``ast.X`` attribute the modules read."""
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Attribute) else None
            if isinstance(value, ast.Name) and value.id == "ast":
                names.add(node.attr)
    return names


def test_the_oldest_interpreter_compiles_the_package_and_has_its_ast_names() -> None:
    interpreter = find_interpreter(OLDEST)
    assert interpreter, (
        f"Python {OLDEST} not found (tried: {candidates(OLDEST)}); "
        f"set {override_variable(OLDEST)}=/path/to/python{OLDEST}"
    )
    names = ast_names(MODULES)
    assert {"Call", "Attribute", "FunctionDef"} <= names  # the walk finds what it is for
    payload = json.dumps([[str(p) for p in MODULES], sorted(names)])
    result = subprocess.run(
        [interpreter, "-c", _OLDEST_CHECK], input=payload, capture_output=True, text=True
    )
    assert result.returncode == 0, output(result)
    assert json.loads(result.stdout) == [], f"not in Python {OLDEST}'s ast module"


def test_the_lookup_passes_over_an_interpreter_that_does_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pyenv shim for an inactive version is on PATH and fails: it is not the interpreter."""
    shim = tmp_path / f"python{OLDEST}"
    shim.write_text("#!/bin/sh\necho 'pyenv: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv(override_variable(OLDEST), raising=False)
    assert candidates(OLDEST)[0] == str(shim)
    assert find_interpreter(OLDEST) != str(shim)


def test_the_override_variable_is_the_only_place_looked_at_when_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    version = running_version()
    monkeypatch.setenv(override_variable(version), sys.executable)
    assert find_interpreter(version) == sys.executable
    monkeypatch.setenv(override_variable(version), "/nonexistent/python")
    assert find_interpreter(version) is None


def test_nox_fails_when_a_supported_version_is_missing() -> None:
    """Not skipped: the session for a version the lookup cannot find fails the run, and says
    where it looked and which variable to set."""
    pytest.importorskip("nox", reason="nox is in the test extra (the main version's run)")
    variable = override_variable(OLDEST)
    result = subprocess.run(
        [sys.executable, "-m", "nox", "-s", f"fast-{OLDEST}"],
        cwd=ROOT,
        env={**os.environ, variable: "/nonexistent/python"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, output(result)
    assert f"Python {OLDEST} is supported" in result.stderr and variable in result.stderr


def test_nox_has_a_fast_session_per_supported_version() -> None:
    pytest.importorskip("nox", reason="nox is in the test extra (the main version's run)")
    listed = subprocess.run(
        [sys.executable, "-m", "nox", "--list", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert listed.returncode == 0, output(listed)
    sessions = {s["session"]: s for s in json.loads(listed.stdout)}
    assert {name for name in sessions if re.fullmatch(r"fast-3\.\d+", name)} == {
        f"fast-{v}" for v in SUPPORTED
    }
