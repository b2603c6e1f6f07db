"""The package as a user gets it: ``python -m build`` makes the sdist and, from it, the wheel;
``twine check`` accepts both; the metadata names the supported Pythons, the license and the
project's URLs; the wheel, installed in a fresh virtualenv, checks the examples and carries the
rule pages; and the fast tier of the suite passes from the unpacked sdist, against that
install. Slow: it builds, and installs from the package index."""

from __future__ import annotations

import email
import subprocess
import sys
import tarfile
import venv
import zipfile
from email.message import Message
from pathlib import Path

import pytest
from conftest import ROOT, output
from matrix import FAST_TIER_ARGS, supported_versions

from flake8_covalent_executor import __version__
from flake8_covalent_executor.rules import REPOSITORY, RULES

pytestmark = pytest.mark.slow

NAME = "flake8_covalent_executor"
# What the sdist must hold besides the package: everything the tests read, and the docs.
SHIPPED_TREES = ("tests", "docs", "examples", "benchmarks")
SHIPPED_FILES = ("LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "noxfile.py")
NOT_SHIPPED = ("__pycache__", ".venvs", "results", ".pytest_cache")


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist and wheel built by ``python -m build`` (the wheel from the sdist)."""
    out = tmp_path_factory.mktemp("dist")
    result = _run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    assert result.returncode == 0, output(result)
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    return dist / f"{NAME}-{__version__}-py3-none-any.whl"


@pytest.fixture(scope="module")
def sdist(dist: Path) -> Path:
    return dist / f"{NAME}-{__version__}.tar.gz"


@pytest.fixture(scope="module")
def metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(f"{NAME}-{__version__}.dist-info/METADATA").decode()
    return email.message_from_string(text)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A fresh virtualenv with the wheel and the fast tier's test dependencies: its bin/."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=True)
    bin_dir = home / "bin"
    result = _run(bin_dir / "python", "-m", "pip", "install", "-q", f"{wheel}[test-fast]")
    assert result.returncode == 0, output(result)
    return bin_dir


def test_twine_accepts_both(dist: Path) -> None:
    files = sorted(dist.iterdir())
    assert [f.name for f in files] == sorted([f"{NAME}-{__version__}.tar.gz", wheel_name()])
    result = _run(sys.executable, "-m", "twine", "check", "--strict", *files)
    assert result.returncode == 0, output(result)


def wheel_name() -> str:
    return f"{NAME}-{__version__}-py3-none-any.whl"


def test_the_metadata_names_versions_license_and_urls(metadata: Message) -> None:
    versions = supported_versions()
    assert metadata["Requires-Python"] == f">={versions[0]}"
    classified = [
        c.rsplit(" :: ", 1)[1]
        for c in metadata.get_all("Classifier", [])
        if c.startswith("Programming Language :: Python :: 3.")
    ]
    assert classified == versions
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL", []))
    assert set(urls) == {"Homepage", "Documentation", "Repository", "Issues", "Changelog"}
    assert all(url.startswith(REPOSITORY) for url in urls.values()), urls
    for label, page in (("Documentation", "docs/index.md"), ("Changelog", "CHANGELOG.md")):
        assert urls[label] == f"{REPOSITORY}/blob/main/{page}"
        assert (ROOT / page).is_file(), f"{label} links to {page}, which is not in the repo"
    assert metadata["Description-Content-Type"] == "text/markdown"


def test_the_license_file_is_the_apache_license() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0" in text


def test_the_wheel_carries_the_package_and_rule_pages(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    expected = {str(p.relative_to(ROOT)) for p in (ROOT / NAME).rglob("*.py")}
    expected |= {f"{NAME}/rule_docs/{code}.md" for code in RULES}
    expected |= {f"{NAME}/py.typed"}
    assert expected <= names, sorted(expected - names)
    assert not any(n.startswith(("tests/", "docs/", "examples/")) for n in names)


def expected_in_sdist() -> set[str]:
    found = set(SHIPPED_FILES)
    for tree in SHIPPED_TREES:
        for path in (ROOT / tree).rglob("*"):
            parts = path.relative_to(ROOT).parts
            if path.is_file() and path.suffix != ".pyc" and not set(parts) & set(NOT_SHIPPED):
                found.add("/".join(parts))
    return found


def test_the_sdist_holds_the_tests_docs_and_examples(sdist: Path) -> None:
    prefix = f"{NAME}-{__version__}/"
    with tarfile.open(sdist) as archive:
        names = {m.name.removeprefix(prefix) for m in archive.getmembers() if m.isfile()}
    expected = expected_in_sdist()
    assert {"tests/conftest.py", "tests/cases.py", "examples/not_recommended.py"} <= expected
    assert expected <= names, sorted(expected - names)


def test_the_installed_wheel_checks_the_examples(installed: Path) -> None:
    result = _run(installed / "flake8-covalent-executor", "check", "examples/", cwd=ROOT)
    assert result.returncode == 1, output(result)
    assert "examples/not_recommended.py:9:23: CVX001 " in result.stdout, output(result)
    plugin = _run(installed / "python", "-m", "flake8", "--select=CVX", "examples/", cwd=ROOT)
    assert plugin.returncode == 1 and " CVX001 " in plugin.stdout, output(plugin)


def test_the_installed_wheel_reads_its_rule_pages(installed: Path) -> None:
    script = (
        "import importlib.resources as r, sys\n"
        "from flake8_covalent_executor.rules import RULES\n"
        f"pages = r.files('{NAME}') / 'rule_docs'\n"
        "for code, rule in RULES.items():\n"
        "    first = (pages / f'{code}.md').read_text(encoding='utf-8').splitlines()[0]\n"
        "    assert first == f'# {code}: {rule.title}', first\n"
        "print(__import__('flake8_covalent_executor').__file__)\n"
    )
    result = _run(installed / "python", "-c", script, cwd=installed)
    assert result.returncode == 0, output(result)
    assert str(installed.parent) in result.stdout  # the wheel's copy, not this checkout


def test_the_fast_tier_passes_from_the_unpacked_sdist(
    sdist: Path, installed: Path, tmp_path: Path
) -> None:
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path, filter="data")
    unpacked = tmp_path / f"{NAME}-{__version__}"
    pytest_args = ("-m", "pytest", "-p", "no:cacheprovider", *FAST_TIER_ARGS)
    result = _run(installed / "python", *pytest_args, cwd=unpacked)
    assert result.returncode == 0, output(result)
    assert " passed" in result.stdout.splitlines()[-1], output(result)
