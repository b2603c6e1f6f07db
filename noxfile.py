"""The test matrix. ``nox`` runs the fast tier (tests/matrix.py's FAST_TIER, without Covalent
and without the tests marked slow) on every supported Python, the versions pyproject.toml's
classifiers name; ``nox -t others`` only on those other than the one nox runs on (what
.ci/run does after the full suite); ``nox -s tests`` the full suite, the README's command;
``nox -t semantic`` (not by default) the semantic tier, with Covalent 0.240.0, on each.

Each interpreter is found by tests/matrix.py's lookup: ``$CVX_PYTHON_3_X`` if set, else
``python3.X`` on PATH, else ``~/.pyenv/versions/3.X.*/bin/python``. A supported version that
is not found fails the run: it is never skipped, and never downloaded.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))
import matrix  # tests/matrix.py, found through the line above

nox.options.error_on_missing_interpreters = True
nox.options.download_python = "never"
nox.options.default_venv_backend = "venv"


def _missing(version: str) -> str:
    looked = ", ".join(matrix.candidates(version)) or "nothing on PATH or under pyenv"
    return (
        f"Python {version} is supported (pyproject.toml) but was not found (tried: {looked}); "
        f"install it or set {matrix.override_variable(version)}=/path/to/python{version}"
    )


def _fast_session(version: str) -> None:
    interpreter = matrix.find_interpreter(version)
    tags = ["fast"] if version == matrix.running_version() else ["fast", "others"]

    @nox.session(
        name=f"fast-{version}",
        python=interpreter,
        venv_backend="venv" if interpreter else "none",
        tags=tags,
    )
    def fast(session: nox.Session) -> None:
        if interpreter is None:
            session.error(_missing(version))
        session.install(".[test-fast]")
        session.run("python", "-m", "pytest", *matrix.FAST_TIER_ARGS, *session.posargs)


def _semantic_session(version: str) -> None:
    interpreter = matrix.find_interpreter(version)

    @nox.session(
        name=f"semantic-{version}",
        python=interpreter,
        venv_backend="venv" if interpreter else "none",
        tags=["semantic"],
        default=False,
    )
    def semantic(session: nox.Session) -> None:
        if interpreter is None:
            session.error(_missing(version))
        session.install(".[test-fast,covalent]")
        session.run("python", "-m", "pytest", *matrix.SEMANTIC_TIER_ARGS, *session.posargs)


for _version in matrix.supported_versions():
    _fast_session(_version)
    _semantic_session(_version)


@nox.session(default=False)
def tests(session: nox.Session) -> None:
    """The whole suite on the interpreter nox runs on, as the README's command runs it."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)
