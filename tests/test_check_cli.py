"""The ``check`` command as users run it: exit codes, formats, stdin, files, config, errors."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cases import CASES
from conftest import ALL_THREE, check, flake8, messages, output, run, write

from flake8_covalent_executor.rules import REPOSITORY

BY_ID = {case.id: case for case in CASES}


def test_exit_codes(tmp_path: Path) -> None:
    clean = write(tmp_path / "clean.py", BY_ID["seed_improved"].source)
    dirty = write(tmp_path / "dirty.py", BY_ID["seed_not_recommended"].source)
    for args, code in (([clean], 0), ([dirty], 1), (["--exit-zero", dirty], 0)):
        result = check(*map(str, args))
        assert result.returncode == code, output(result)


def test_unparseable_file_is_named_and_others_still_checked(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.py", "import covalent\nexecutor = (\n")
    dirty = write(tmp_path / "dirty.py", BY_ID["seed_not_recommended"].source)
    result = check(str(broken), str(dirty))
    assert result.returncode == 2, output(result)
    assert result.stderr.splitlines() == [
        f"{broken}: syntax error (line 2): '(' was never closed",
        "Found 2 findings in 1 file (2 fixable with fix); 1 file skipped with errors",
    ]
    assert result.stdout.count("CVX001") == 2, output(result)


@pytest.mark.parametrize("make", ["missing", "directory_named_py", "broken_symlink"])
def test_unreadable_inputs(tmp_path: Path, make: str) -> None:
    target = tmp_path / "x.py"
    if make == "directory_named_py":
        target.mkdir()
        (target / "inner.txt").write_text("not python")
    elif make == "broken_symlink":
        target.symlink_to(tmp_path / "gone.py")
    result = check(str(target) if make != "directory_named_py" else str(target / "x.py"))
    assert result.returncode == 2, output(result)
    assert len(messages(result)) == 1 and "Traceback" not in result.stderr, output(result)


def test_directory_named_like_a_file_is_walked(tmp_path: Path) -> None:
    package = tmp_path / "x.py"
    write(package / "tasks.py", BY_ID["seed_not_recommended"].source)
    result = check(str(tmp_path))
    assert result.returncode == 1 and result.stdout.count("CVX001") == 2, output(result)


def test_directory_walk_skips_environments_and_build_dirs(tmp_path: Path) -> None:
    source = BY_ID["seed_not_recommended"].source
    write(tmp_path / "src" / "flow.py", source)
    for skipped in (".git", "__pycache__", "build", "dist", ".tox", "pkg.egg-info"):
        write(tmp_path / skipped / "flow.py", source)
    write(tmp_path / "env3" / "pyvenv.cfg", "home = /usr\n")
    write(tmp_path / "env3" / "lib" / "flow.py", source)
    write(tmp_path / "notes.txt", source)
    result = check(str(tmp_path))
    files = {line.split(":", 1)[0] for line in result.stdout.splitlines()}
    assert files == {str(tmp_path / "src" / "flow.py")}, output(result)


def test_explicit_file_is_checked_whatever_its_name(tmp_path: Path) -> None:
    script = write(tmp_path / "run_workflow", BY_ID["seed_not_recommended"].source)
    result = check(str(script))
    assert result.stdout.count("CVX001") == 2, output(result)


def test_stdin_with_display_name() -> None:
    source = BY_ID["seed_not_recommended"].source.encode()
    result = check("-", "--stdin-filename", "flows/seed.py", stdin=source)
    assert result.returncode == 1, output(result)
    assert result.stdout.splitlines()[0].startswith("flows/seed.py:10:23: CVX001 "), output(result)


def test_json_format(tmp_path: Path) -> None:
    path = write(tmp_path / "all.py", ALL_THREE)
    result = check("--format", "json", "--extend-select", "CVX003", str(path))
    assert result.returncode == 1, output(result)
    rows = json.loads(result.stdout)
    assert [(r["line"], r["column"], r["code"], r["fix"]) for r in rows] == [
        (5, 23, "CVX001", "safe"),
        (11, 37, "CVX002", "unsafe"),
        (11, 37, "CVX003", None),
    ]
    assert all(r["filename"] == str(path) and r["message"].startswith(r["code"]) for r in rows)
    # the whole constructing call, up to its closing parenthesis (end column exclusive)
    assert [(r["end_line"], r["end_column"]) for r in rows] == [(5, 56), (11, 70), (11, 70)]
    assert [r["url"] for r in rows] == [
        f"{REPOSITORY}/blob/main/flake8_covalent_executor/rule_docs/{r['code']}.md" for r in rows
    ]


def test_github_format(tmp_path: Path) -> None:
    path = write(tmp_path / "a,b.py", BY_ID["seed_not_recommended"].source)
    result = check("--format", "github", str(path))
    assert result.returncode == 1, output(result)
    first = result.stdout.splitlines()[0]
    escaped = str(path).replace(",", "%2C")
    assert first.startswith(
        f"::error file={escaped},line=10,col=23,endLine=10,endColumn=38,title=CVX001::CVX001 "
    )


SELECTIONS = [
    (),
    ("--select=CVX",),
    ("--select=CVX001",),
    ("--select=E,F,W",),
    ("--select=E,F,W", "--extend-select=CVX"),
    ("--extend-select=CVX003",),
    ("--select=CVX", "--ignore=CVX002"),
    ("--extend-ignore=CVX00",),
    ("--select=CVX00", "--extend-ignore=CVX0"),
    ("--ignore=CVX001",),
]


@pytest.mark.parametrize("flags", SELECTIONS, ids=[" ".join(f) or "default" for f in SELECTIONS])
def test_selection_matches_flake8(tmp_path: Path, flags: tuple[str, ...]) -> None:
    path = write(tmp_path / "all.py", ALL_THREE)
    ours, flake8_run = check(*flags, str(path)), flake8(*flags, str(path))
    theirs = "".join(line + "\n" for line in flake8_run.stdout.splitlines() if ": CVX" in line)
    assert messages(ours) == [] and flake8_run.stderr == "", (output(ours), output(flake8_run))
    assert ours.stdout == theirs


def test_config_file_is_read_like_flake8(tmp_path: Path) -> None:
    write(
        tmp_path / "setup.cfg",
        "[flake8]\nextend-select = CVX003\n"
        "covalent-extra-entry-points =\n    labtools.workflows.job,\n    other.task\n",
    )
    write(tmp_path / "all.py", ALL_THREE)
    write(tmp_path / "extra.py", BY_ID["extra_entry_point"].source)
    ours = run(["flake8_covalent_executor", "check", "all.py", "extra.py"], cwd=tmp_path)
    theirs = run(
        ["flake8", "--select=CVX", "--extend-select=CVX003", "all.py", "extra.py"], cwd=tmp_path
    )
    assert ours.stdout == theirs.stdout, (output(ours), output(theirs))
    assert "CVX003" in ours.stdout and "extra.py:5:15: CVX001" in ours.stdout, output(ours)
    isolated = run(
        ["flake8_covalent_executor", "check", "--isolated", "all.py", "extra.py"], cwd=tmp_path
    )
    assert "CVX003" not in isolated.stdout and "extra.py" not in isolated.stdout, output(isolated)


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    write(tmp_path / "all.py", ALL_THREE)
    result = check("--config", str(tmp_path / "nope.cfg"), str(tmp_path / "all.py"))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, output(result)


def test_front_ends_import_neither_libcst_nor_covalent(tmp_path: Path) -> None:
    path = write(tmp_path / "all.py", ALL_THREE)
    script = write(
        tmp_path / "probe.py",
        textwrap.dedent(f"""\
        import contextlib, sys
        from flake8.main.cli import main as flake8_main
        from flake8_covalent_executor.cli import main
        main(["check", {str(path)!r}])
        with contextlib.suppress(SystemExit):
            flake8_main(["--select=CVX", {str(path)!r}])
        print("fix:", main(["fix", "--isolated", "--jobs", "1", {str(path)!r}]))
        print(sorted(m for m in sys.modules if m.partition(".")[0] in ("libcst", "covalent")))
        """),
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, output(result)
    assert result.stdout.count("CVX001") == 2, output(result)
    assert "fix: 1" in result.stdout, output(result)  # it rewrote the file, without libcst
    assert result.stdout.splitlines()[-1] == "[]", output(result)
