"""Configuration as real projects write it: ``check`` against real flake8 on a tree using
exclude, extend-exclude, filename and per-file-ignores; .gitignore against real git; the
pyproject table and its precedence; and the errors that stop a run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import output, run

from flake8_covalent_executor.files import Discovery, iter_paths

# One finding of each default rule: CVX001 at line 5, CVX002 at line 10.
BOTH = textwrap.dedent("""\
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(executor=LocalExecutor())
    def task(): ...


    def factory(fn):
        return ct.electron(fn, executor=LocalExecutor())
    """)
TREE = (
    "top.py",
    "pkg/a.py",
    "pkg/sub/b.py",
    "pkg/sub/deep/c.py",
    "legacy/old.py",
    "generated/gen_one.py",
    "generated/kept.py",
    "tests/test_a.py",
    "tests/unit/test_b.py",
    "scripts/tool.pyw",
    "notes.txt",
)


def make_tree(root: Path, files: tuple[str, ...] = TREE) -> Path:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BOTH, encoding="utf-8")
    return root


def cvx_lines(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if ": CVX" in line)


def both(cwd: Path, *args: str) -> tuple[list[str], list[str]]:
    """The CVX lines flake8 prints and those check prints, for the same arguments."""
    theirs = run(["flake8", *args], cwd=cwd)
    ours = run(["flake8_covalent_executor", "check", "--no-respect-gitignore", *args], cwd=cwd)
    assert ours.returncode in (0, 1), output(ours)
    assert theirs.returncode in (0, 1), output(theirs)
    return cvx_lines(theirs.stdout), cvx_lines(ours.stdout)


SETUP_CFGS = {
    "exclude_and_per_file": """\
        exclude = .git,legacy
        per-file-ignores = tests/*: CVX001,CVX002
        """,
    "extend_exclude_longest_pattern_wins": """\
        extend-exclude = legacy,generated/gen_*.py
        per-file-ignores =
            tests/*: CVX001
            tests/unit/*: CVX002
            pkg/sub/b.py: CVX
        """,
    "filename_and_relative_exclude": """\
        filename = *.py,*.pyw
        exclude = ./legacy,./pkg/sub/deep
        per-file-ignores = b.py:CVX002 scripts/*:CVX001
        """,
    "folder_exclude_with_selection": """\
        extend-exclude = pkg/sub
        select = CVX
        extend-ignore = CVX002
        per-file-ignores = top.py:CVX001
        """,
    "txt_files_too": """\
        filename = *.txt
        """,
}


@pytest.mark.parametrize("body", SETUP_CFGS.values(), ids=list(SETUP_CFGS))
def test_check_reports_what_flake8_reports_under_setup_cfg(tmp_path: Path, body: str) -> None:
    make_tree(tmp_path)
    (tmp_path / "setup.cfg").write_text("[flake8]\n" + textwrap.dedent(body), encoding="utf-8")
    theirs, ours = both(tmp_path, ".")
    assert ours == theirs
    assert theirs, "the tree must leave some findings, or the comparison says little"


@pytest.mark.parametrize("body", SETUP_CFGS.values(), ids=list(SETUP_CFGS))
def test_parity_holds_from_a_subfolder(tmp_path: Path, body: str) -> None:
    """Run from pkg/ with the config above it: exclude patterns start at the config's folder,
    per-file-ignores at the current one (flake8's rule, kept)."""
    make_tree(tmp_path)
    (tmp_path / "setup.cfg").write_text("[flake8]\n" + textwrap.dedent(body), encoding="utf-8")
    theirs, ours = both(tmp_path / "pkg", ".")
    assert ours == theirs


CLI_ARGS = {
    "exclude": ["--exclude=legacy,generated"],
    "extend_exclude": ["--extend-exclude=pkg/sub/deep,tests/unit"],
    "per_file_ignores": ["--per-file-ignores=tests/*:CVX001 pkg/*:CVX002"],
    "filename": ["--filename=*.pyw,gen_*.py"],
    "all": [
        "--exclude=legacy",
        "--extend-exclude=generated/gen_one.py",
        "--per-file-ignores=pkg/sub/*:CVX",
        "--filename=*.py,*.pyw",
    ],
}


@pytest.mark.parametrize("args", CLI_ARGS.values(), ids=list(CLI_ARGS))
def test_the_same_options_on_the_command_line(tmp_path: Path, args: list[str]) -> None:
    make_tree(tmp_path)
    (tmp_path / "setup.cfg").write_text("[flake8]\nexclude = nothing\n", encoding="utf-8")
    theirs, ours = both(tmp_path, *args, ".")
    assert ours == theirs
    theirs_isolated, ours_isolated = both(tmp_path, "--isolated", *args, ".")
    assert ours_isolated == theirs_isolated


def test_explicit_paths_are_checked_unless_force_exclude(tmp_path: Path) -> None:
    """pre-commit names each file: like Ruff and black, a named file is checked even when
    excluded, unless --force-exclude, which also skips files in an excluded folder."""
    make_tree(tmp_path)
    (tmp_path / "setup.cfg").write_text("[flake8]\nexclude = legacy,gen_*.py\n", "utf-8")
    named = ["legacy/old.py", "generated/gen_one.py", "pkg/a.py"]
    plain = run(["flake8_covalent_executor", "check", *named], cwd=tmp_path)
    assert sorted({line.split(":")[0] for line in cvx_lines(plain.stdout)}) == sorted(named)
    forced = run(["flake8_covalent_executor", "check", "--force-exclude", *named], cwd=tmp_path)
    assert {line.split(":")[0] for line in cvx_lines(forced.stdout)} == {"pkg/a.py"}, output(
        forced
    )
    # flake8 drops a named file only when the file itself matches: --force-exclude is that
    # and more (the folder it is in), never less.
    theirs = run(["flake8", "generated/gen_one.py", "pkg/a.py"], cwd=tmp_path)
    assert {line.split(":")[0] for line in cvx_lines(theirs.stdout)} == {"pkg/a.py"}


def test_force_exclude_applies_to_stdin_by_its_filename(tmp_path: Path) -> None:
    make_tree(tmp_path)
    args = ["--exclude=legacy", "--stdin-filename=legacy/old.py", "-"]
    kept = run(["flake8_covalent_executor", "check", *args], cwd=tmp_path, stdin=BOTH.encode())
    assert "CVX001" in kept.stdout, output(kept)
    dropped = run(
        ["flake8_covalent_executor", "check", "--force-exclude", *args],
        cwd=tmp_path,
        stdin=BOTH.encode(),
    )
    assert dropped.returncode == 0 and dropped.stdout == "", output(dropped)


# -- .gitignore, against git itself ----------------------------------------------------------
GITIGNORED_TREE = {
    ".gitignore": "out/\n*.gen.py\n!keep.gen.py\n/top_only.py\nnested/**/cache/\n",
    "sub/.gitignore": "local_*.py\n!local_keep.py\n/anchored.py\n",
    "sub/deeper/.gitignore": "!*.gen.py\n",
    ".git/info/exclude": "private.py\n",
}
GITIGNORED_FILES = (
    "a.py",
    "out/x.py",
    "x.gen.py",
    "keep.gen.py",
    "top_only.py",
    "sub/top_only.py",
    "sub/local_one.py",
    "sub/local_keep.py",
    "sub/anchored.py",
    "sub/more/anchored.py",
    "sub/deeper/y.gen.py",
    "nested/a/b/cache/z.py",
    "nested/a/b/kept.py",
    "private.py",
    "sub/private.py",
    "out_not_folder.py",
)


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-c", f"core.excludesFile={os.devnull}", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout


def test_gitignore_is_what_git_ignores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(tmp_path, "init", "-q", ".")
    for name, text in GITIGNORED_TREE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    make_tree(tmp_path, GITIGNORED_FILES)
    expected = sorted(git(tmp_path, "ls-files", "-co", "--exclude-standard", "*.py").split())
    monkeypatch.chdir(tmp_path)
    walked = sorted(os.path.relpath(path) for path in iter_paths(["."]))
    assert walked == expected
    everything = sorted(
        os.path.relpath(p) for p in iter_paths(["."], Discovery(respect_gitignore=False))
    )
    assert everything == sorted(GITIGNORED_FILES)


def test_no_gitignore_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".gitignore").write_text("*.py\n", encoding="utf-8")
    make_tree(tmp_path, ("a.py",))
    monkeypatch.chdir(tmp_path)
    assert list(iter_paths(["."])) == ["./a.py"]


def test_fix_does_not_rewrite_ignored_files(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", ".")
    (tmp_path / ".gitignore").write_text("vendored/\n", encoding="utf-8")
    (tmp_path / "setup.cfg").write_text("[flake8]\nextend-exclude = legacy\n", "utf-8")
    make_tree(tmp_path, ("vendored/v.py", "legacy/old.py", "mine.py"))
    done = run(["flake8_covalent_executor", "fix", "."], cwd=tmp_path)
    assert done.returncode == 1, output(done)
    for untouched in ("vendored/v.py", "legacy/old.py"):
        assert (tmp_path / untouched).read_text(encoding="utf-8") == BOTH
    assert (tmp_path / "mine.py").read_text(encoding="utf-8") != BOTH


# -- pyproject.toml, and which value wins ---------------------------------------------------
ALL_RULES_FILE = BOTH + textwrap.dedent("""\


    @ct.electron(executor=LocalExecutor(log_stdout="other.log"))
    def other(): ...
    """)


def codes_reported(cwd: Path, *args: str) -> set[str]:
    done = run(["flake8_covalent_executor", "check", *args, "all.py"], cwd=cwd)
    assert done.returncode in (0, 1), output(done)
    return {line.split(": ")[1].split()[0] for line in cvx_lines(done.stdout)}


def test_precedence_command_line_then_pyproject_then_flake8(tmp_path: Path) -> None:
    (tmp_path / "all.py").write_text(ALL_RULES_FILE, encoding="utf-8")
    (tmp_path / "setup.cfg").write_text("[flake8]\nselect = CVX001\nignore = CVX002\n", "utf-8")
    assert codes_reported(tmp_path) == {"CVX001"}
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flake8-covalent-executor]\nselect = ["CVX002", "CVX003"]\n', encoding="utf-8"
    )
    # select from pyproject; ignore (not in the table) still from [flake8]
    assert codes_reported(tmp_path) == {"CVX003"}
    assert codes_reported(tmp_path, "--ignore=CVX003") == {"CVX002"}
    assert codes_reported(tmp_path, "--select=CVX001,CVX002", "--ignore=E501") == {
        "CVX001",
        "CVX002",
    }
    assert codes_reported(tmp_path, "--isolated") == {"CVX001", "CVX002"}


def test_pyproject_is_found_upwards_skipping_ones_without_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.flake8-covalent-executor]\nextend-select = 'CVX003'\n"
        'per-file-ignores = { "pkg/*" = ["CVX001"] }\n',
        encoding="utf-8",
    )
    project = tmp_path / "pkg"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.black]\nline-length = 99\n", "utf-8")
    (project / "all.py").write_text(ALL_RULES_FILE, encoding="utf-8")
    # per-file-ignores patterns in pyproject.toml start at its folder, wherever check runs
    assert codes_reported(project) == {"CVX002", "CVX003"}
    explicit = ["--config", str(project / "pyproject.toml")]
    assert codes_reported(project, *explicit) == {"CVX001", "CVX002"}


def test_config_toml_with_every_type(tmp_path: Path) -> None:
    make_tree(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent("""\
            [tool.flake8-covalent-executor]
            select = ["CVX"]
            extend-ignore = "CVX003"
            exclude = ["legacy", "generated"]
            extend_exclude = ["pkg/sub/deep"]
            filename = ["*.py", "*.pyw"]
            disable-noqa = false
            respect-gitignore = true
            force-exclude = false
            covalent-extra-entry-points = ["mylib.job"]
            covalent-extra-executors = []
            per-file-ignores = { "tests/*" = "CVX001,CVX002", "scripts/*" = ["CVX"] }
            """),
        encoding="utf-8",
    )
    done = run(["flake8_covalent_executor", "check", "."], cwd=tmp_path)
    files = {line.split(":")[0] for line in cvx_lines(done.stdout)}
    assert files == {"./top.py", "./pkg/a.py", "./pkg/sub/b.py"}, output(done)


# -- what stops a run ------------------------------------------------------------------------
BAD = {
    "unknown_code": ({}, ["--select=CVX9"], "--select: unknown code 'CVX9'"),
    "lower_case_code": (
        {},
        ["--extend-ignore=cvx001"],
        "'cvx001' is not a code (codes are upper case: CVX001)",
    ),
    "misspelt_key": (
        {"setup.cfg": "[flake8]\ncovalent-extra-executor = x\n"},
        [],
        "setup.cfg [flake8]: covalent-extra-executor: unknown key",
    ),
    "unknown_toml_key": (
        {"pyproject.toml": "[tool.flake8-covalent-executor]\nselects = ['CVX']\n"},
        [],
        "pyproject.toml [tool.flake8-covalent-executor]: selects: unknown key",
    ),
    "wrong_type": (
        {"pyproject.toml": "[tool.flake8-covalent-executor]\nselect = 5\n"},
        [],
        "select: expected a list of codes, got a number",
    ),
    "wrong_bool": (
        {"setup.cfg": "[flake8]\ndisable-noqa = maybe\n"},
        [],
        "disable-noqa: expected true or false, got 'maybe'",
    ),
    "bad_per_file_ignores": (
        {"setup.cfg": "[flake8]\nper-file-ignores = tests/*: cvx001\n"},
        [],
        "per-file-ignores: expected 'pattern: codes'",
    ),
    "unknown_code_in_per_file_table": (
        {"pyproject.toml": "[tool.flake8-covalent-executor]\nper-file-ignores = {a = ['CVX7']}\n"},
        [],
        "per-file-ignores: unknown code 'CVX7'",
    ),
    "broken_toml": (
        {"pyproject.toml": "[tool.flake8-covalent-executor]\nselect = [\n"},
        [],
        "pyproject.toml: ",
    ),
}


@pytest.mark.parametrize("command", ["check", "fix"])
@pytest.mark.parametrize("files, args, message", BAD.values(), ids=list(BAD))
def test_bad_configuration_is_one_line_and_exit_2(
    tmp_path: Path, command: str, files: dict[str, str], args: list[str], message: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "x.py").write_text(BOTH, encoding="utf-8")
    done = run(["flake8_covalent_executor", command, *args, "x.py"], cwd=tmp_path)
    assert done.returncode == 2, output(done)
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1, output(done)
    assert message in done.stderr and "Traceback" not in done.stderr, output(done)
    assert (tmp_path / "x.py").read_text(encoding="utf-8") == BOTH


def test_codes_compare_case_sensitively_as_in_flake8_for_other_plugins(tmp_path: Path) -> None:
    """E501 and B are other plugins' codes: accepted, and they select none of ours."""
    (tmp_path / "all.py").write_text(ALL_RULES_FILE, encoding="utf-8")
    assert codes_reported(tmp_path, "--select=E501,B") == set()


def test_the_plugin_stops_flake8_on_a_code_of_ours_that_cannot_match(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text(BOTH, encoding="utf-8")
    for flag in ("--select=CVX9", "--extend-select=cvx003", "--extend-ignore=CVX0001"):
        done = run(["flake8", "--isolated", flag, "x.py"], cwd=tmp_path)
        assert done.returncode == 1 and "CVX0" not in done.stdout.split("\n", 2)[-1], output(done)
        assert "flake8-covalent-executor: " in done.stdout and "Traceback" not in done.stderr
    fine = run(["flake8", "--isolated", "--select=CVX001,E9", "x.py"], cwd=tmp_path)
    assert fine.returncode == 1 and "CVX001" in fine.stdout, output(fine)


# -- the select = B,C,E,F,W trap -------------------------------------------------------------
@pytest.mark.parametrize(
    "select, hinted",
    [("B,C,E,F,W", True), ("C", True), ("CVX", False), ("B,C,CVX003", False), ("E,F", False)],
)
def test_a_one_letter_prefix_turning_cvx003_on_gets_one_hint(
    tmp_path: Path, select: str, hinted: bool
) -> None:
    (tmp_path / "a.py").write_text(ALL_RULES_FILE, encoding="utf-8")
    (tmp_path / "b.py").write_text(ALL_RULES_FILE, encoding="utf-8")
    (tmp_path / "setup.cfg").write_text(f"[flake8]\nselect = {select}\n", encoding="utf-8")
    done = run(["flake8_covalent_executor", "check", "a.py", "b.py"], cwd=tmp_path)
    hints = [line for line in done.stderr.splitlines() if "hint:" in line]
    assert len(hints) == (1 if hinted else 0), output(done)
    if hinted:
        assert "CVX003" in hints[0] and "setup.cfg [flake8]" in hints[0]


def test_the_search_stops_below_home_as_flake8s_does(tmp_path: Path) -> None:
    """A ~/.flake8 left from old flake8 versions is not read from a project under home."""
    home, project = tmp_path / "home", tmp_path / "home" / "project"
    project.mkdir(parents=True)
    (home / ".flake8").write_text("[flake8]\nextend-ignore = CVX001\n", encoding="utf-8")
    (project / "a.py").write_text(BOTH, encoding="utf-8")
    env = {**os.environ, "HOME": str(home)}

    def lines(*command: str, cwd: Path) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", *command, "a.py"], cwd=cwd, env=env, capture_output=True,
            text=True, check=False,
        )  # fmt: skip
        return cvx_lines(done.stdout)

    (home / "a.py").write_text(BOTH, encoding="utf-8")
    for cwd in (project, home):
        assert lines("flake8_covalent_executor", "check", cwd=cwd) == lines("flake8", cwd=cwd)
    assert lines("flake8_covalent_executor", "check", cwd=project), "home's config was read"
    assert not any("CVX001" in line for line in lines("flake8", cwd=home))


def test_a_config_file_that_does_not_parse_stops_the_search(tmp_path: Path) -> None:
    (tmp_path / "tox.ini").write_text("[flake8]\nextend-ignore = CVX001\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "setup.cfg").write_text("[flake8]\nselect = CVX\nselect = E\n", "utf-8")
    (project / "a.py").write_text(BOTH, encoding="utf-8")
    done = run(["flake8_covalent_executor", "check", "a.py"], cwd=project)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, output(done)
    assert "setup.cfg" in done.stderr and "PosixPath" not in done.stderr, output(done)


def test_a_walk_from_above_a_repository_reads_its_gitignore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk starts outside any repository, and one is found inside it on the way down."""
    repository = tmp_path / "projects" / "one"
    repository.mkdir(parents=True)
    git(repository, "init", "-q", ".")
    (repository / ".gitignore").write_text("generated.py\n", encoding="utf-8")
    make_tree(repository, ("kept.py", "generated.py"))
    monkeypatch.chdir(tmp_path)
    assert sorted(iter_paths(["projects"])) == ["projects/one/kept.py"]
