"""``fix`` on the case table through the library API (safe and unsafe, left-alone sites,
idempotence, lint-clean afterwards), the real command once per option group against it, and
the bytes users care about through the real command."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from cases import CASES, Case
from conftest import (
    GROUPS,
    ROOT,
    call_at,
    case_options,
    fixed_by,
    fixed_bytes,
    flake8,
    group_id,
    lines_by_file,
    messages,
    option_groups,
    output,
    printed,
    run,
    site,
    where,
    write_cases,
)

from flake8_covalent_executor.api import check_source, fix_source
from flake8_covalent_executor.parallel import SERIAL_BELOW

BY_ID = {case.id: case for case in CASES}
SEED = BY_ID["seed_not_recommended"]
MODES = pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
EACH_CASE = pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])


def fix(*args: str, cwd: Path | None = None, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
    return run(["flake8_covalent_executor", "fix", "--isolated", *args], cwd=cwd, stdin=stdin)


# -- the case table, in process ---------------------------------------------------------------
@EACH_CASE
@MODES
def test_fix_gives_after(case: Case, unsafe: bool) -> None:
    result = fixed_by(case, unsafe)
    assert result.error is None
    expected = case.fixed_unsafe if unsafe else case.fixed
    assert result.new == (None if expected == case.source else expected.encode())


@EACH_CASE
@MODES
def test_a_second_fix_changes_nothing(case: Case, unsafe: bool) -> None:
    again = fix_source(
        fixed_bytes(case, unsafe), f"{case.id}.py", case_options(case.options), unsafe
    )
    assert (again.error, again.new, again.fixed) == (None, None, 0)
    assert len(again.skipped) == len(fixed_by(case, unsafe).skipped)


@EACH_CASE
@MODES
def test_left_alone_as_the_table_says(case: Case, unsafe: bool) -> None:
    """Every site fix leaves alone is listed in the table, and gives the reason listed."""
    left = [(site(item.finding), item.reason) for item in fixed_by(case, unsafe).skipped]
    expected = case.left_alone_by(unsafe)
    assert [at for at, _ in left] == [at for at, _ in expected], left
    for (at, reason), (_, part) in zip(left, expected):
        assert part in reason, (at, reason)


@EACH_CASE
@MODES
def test_fixed_code_lints_clean_but_for_sites_left(case: Case, unsafe: bool) -> None:
    """After fix, the detector finds exactly the calls fix said it left alone (each known by
    its rule, its message and its source text: lines above it may have moved)."""
    old, new = case.source.encode(), fixed_bytes(case, unsafe)
    left = Counter(
        (item.finding.code, item.finding.message, call_at(old, item.finding))
        for item in fixed_by(case, unsafe).skipped
    )
    after = check_source(new, f"{case.id}.py", case_options(case.options))
    assert after.error is None
    found = Counter((f.code, f.message, call_at(new, f)) for f in after.findings)
    assert found == left


# -- the real command, once per option group and mode, against the library ------------------
SUMMARY = re.compile(
    r"(\d+) files? rewritten, (\d+) sites? fixed, (\d+) left alone, (\d+) files? skipped"
)


@dataclass
class GroupRun:
    cases: list[Case]
    paths: dict[bool, list[str]]  # by mode (unsafe?): the files fix rewrote in place
    fixed: dict[bool, subprocess.CompletedProcess[str]]  # by mode: the fix run
    linted: subprocess.CompletedProcess[str]  # flake8 on the files of both modes


@pytest.fixture(scope="module", params=GROUPS, ids=[group_id(o) for o in GROUPS])
def group_run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> GroupRun:
    """The group's cases fixed in place by one ``fix`` run per mode, then one flake8 run over
    the fixed files of both modes."""
    options = request.param
    cases = option_groups()[options]
    paths: dict[bool, list[str]] = {}
    fixed: dict[bool, subprocess.CompletedProcess[str]] = {}
    for unsafe in (False, True):
        directory = tmp_path_factory.mktemp(
            f"{group_id(options)}-{'unsafe' if unsafe else 'safe'}"
        )
        paths[unsafe] = write_cases(directory, cases)
        fixed[unsafe] = fix(*(["--unsafe-fixes"] if unsafe else []), *options, *paths[unsafe])
    linted = flake8("--select=CVX001,CVX002", *options, *paths[False], *paths[True])
    return GroupRun(cases, paths, fixed, linted)


@MODES
def test_fix_command_writes_what_the_library_gives(group_run: GroupRun, unsafe: bool) -> None:
    result = group_run.fixed[unsafe]
    changed = [fixed_by(case, unsafe).new is not None for case in group_run.cases]
    assert result.returncode == int(any(changed)), output(result)
    for path, case in zip(group_run.paths[unsafe], group_run.cases):
        assert Path(path).read_bytes() == fixed_bytes(case, unsafe), output(result)


@MODES
def test_fix_command_names_what_the_library_leaves(group_run: GroupRun, unsafe: bool) -> None:
    """The same left-alone lines, reasons included, and the same totals."""
    result = group_run.fixed[unsafe]
    results = [fixed_by(case, unsafe) for case in group_run.cases]
    expected = [
        f"{where(path, item.finding)}: {item.finding.code} left alone: {item.reason}"
        for path, fixed in zip(group_run.paths[unsafe], results)
        for item in fixed.skipped
    ]
    said, summary = messages(result), result.stderr.splitlines()[-1]
    assert said == expected, output(result)
    totals = SUMMARY.match(summary)
    assert totals, output(result)
    assert [int(n) for n in totals.groups()] == [
        sum(r.new is not None for r in results),
        sum(r.fixed for r in results),
        sum(len(r.skipped) for r in results),
        0,
    ], output(result)


def test_flake8_on_fixed_files_finds_what_the_library_finds(group_run: GroupRun) -> None:
    """flake8 on the fixed files prints exactly the library's findings in the fixed bytes
    (which the in-process test above matches to the sites left alone)."""
    result = group_run.linted
    expected: dict[str, list[str]] = {}
    for unsafe in (False, True):
        for path, case in zip(group_run.paths[unsafe], group_run.cases):
            after = check_source(fixed_bytes(case, unsafe), path, case_options(case.options))
            if after.findings:
                expected[path] = [printed(path, finding) for finding in after.findings]
    assert result.returncode == int(bool(expected)) and result.stderr == "", output(result)
    assert lines_by_file(result.stdout) == expected


# -- bytes users care about, through the real command -----------------------------------------
def _seed_bytes(newline: bytes = b"\n") -> tuple[bytes, bytes]:
    return SEED.source.encode().replace(b"\n", newline), SEED.fixed.encode().replace(
        b"\n", newline
    )


@pytest.mark.parametrize(
    "name, before, after",
    [
        ("crlf", *_seed_bytes(b"\r\n")),
        (  # a new line takes the ending of the line it goes before, not the file's first
            "mixed_endings",
            *(
                data.split(b"\n", 1)[0] + b"\n" + data.split(b"\n", 1)[1].replace(b"\n", b"\r\n")
                for data in _seed_bytes()
            ),
        ),
        ("bom", *(b"\xef\xbb\xbf" + data for data in _seed_bytes())),
        (
            "latin1",
            *(
                b"# -*- coding: latin-1 -*-\n# caf\xe9 r\xe9sum\xe9\n" + data
                for data in _seed_bytes()
            ),
        ),
        (
            "latin1_non_ascii_around_the_sites",
            "# -*- coding: latin-1 -*-\n"
            "import covalent as ct\n"
            "from covalent.executor import LocalExecutor\n\n"
            "def f():\n"
            '    return "\u00e9"\n\n'
            't = ("\u00e9", ct.electron(f, executor=LocalExecutor(log_stdout="\u00e9.txt")))\n'
            "".encode("latin-1"),
            "# -*- coding: latin-1 -*-\n"
            "import covalent as ct\n"
            "from covalent.executor import LocalExecutor\n\n"
            "def f():\n"
            '    return "\u00e9"\n\n'
            '_local_executor = LocalExecutor(log_stdout="\u00e9.txt")\n\n'
            't = ("\u00e9", ct.electron(f, executor=_local_executor))\n'
            "".encode("latin-1"),
        ),
        (
            "tabs_and_trailing_whitespace",
            *(
                data.replace(b"    ", b"\t").replace(b"pass\n", b"pass   \n")
                for data in _seed_bytes()
            ),
        ),
    ],
)
def test_bytes_it_did_not_mean_to_change_stay(
    tmp_path: Path, name: str, before: bytes, after: bytes
) -> None:
    path = tmp_path / f"{name}.py"
    path.write_bytes(before)
    result = fix(str(path))
    assert result.returncode == 1, output(result)
    assert path.read_bytes() == after


@pytest.mark.parametrize("ending", [b"\r", b"\r\n"], ids=["old_mac_cr", "windows_crlf"])
def test_every_line_ending_python_knows_is_kept(tmp_path: Path, ending: bytes) -> None:
    """The new lines take the file's own ending, the others keep theirs; lone ``\r`` too
    (libcst cannot write those back, which is one reason ``fix`` edits bytes)."""
    path = tmp_path / "endings.py"
    path.write_bytes(SEED.source.encode().replace(b"\n", ending))
    result = fix(str(path))
    assert result.returncode == 1, output(result)
    assert path.read_bytes() == SEED.fixed.encode().replace(b"\n", ending)
    again = fix(str(path))
    assert again.returncode == 0, output(again)


def test_diff_splits_lines_only_where_python_does(tmp_path: Path) -> None:
    """A form feed inside a line is not a line break (``str.splitlines`` thinks it is)."""
    path = tmp_path / "paged.py"
    source = SEED.source.replace("\n@ct.", "\n# page\fbreak\n@ct.", 1)
    path.write_text(source)
    result = fix("--diff", str(path))
    diff = result.stdout
    assert result.returncode == 1, output(result)
    assert " # page\fbreak\n" in diff, output(result)
    assert not [line for line in diff.split("\n") if line.startswith("break")], diff


def test_a_one_line_handler_body_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "handler.py"
    path.write_text(
        "import covalent as ct\nfrom covalent.executor import LocalExecutor\n\n"
        "try:\n    import numpy\nexcept ImportError: t = ct.electron(print, "
        "executor=LocalExecutor())\n"
    )
    result = fix(str(path))
    assert result.returncode == 0, output(result)
    assert "CVX001 left alone: it is in a one-line compound statement" in result.stderr


def test_syntax_error_is_named_and_others_are_fixed(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import covalent\nexecutor = (\n")
    good = tmp_path / "good.py"
    good.write_text(SEED.source)
    result = fix(str(broken), str(good))
    assert result.returncode == 2, output(result)
    assert f"{broken}: syntax error (line 2)" in result.stderr
    assert broken.read_text() == "import covalent\nexecutor = (\n"
    assert good.read_text() == SEED.fixed


def test_read_only_file_is_reported_not_written(tmp_path: Path) -> None:
    path = tmp_path / "ro.py"
    path.write_text(SEED.source)
    path.chmod(0o444)
    result = fix(str(path))
    assert result.returncode == 2 and "read-only" in result.stderr, output(result)
    assert path.read_text() == SEED.source


def test_permissions_and_symlink_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_text(SEED.source)
    target.chmod(0o640)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    result = fix(str(link))
    assert result.returncode == 1, output(result)
    assert link.is_symlink() and target.read_text() == SEED.fixed
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_check_and_diff_write_nothing(tmp_path: Path) -> None:
    path = tmp_path / "seed.py"
    path.write_text(SEED.source)
    check = fix("--check", str(path))
    assert check.returncode == 1 and check.stdout == "", output(check)
    diff = fix("--diff", str(path))
    assert diff.returncode == 1 and "+_local_executor = LocalExecutor()" in diff.stdout, output(
        diff
    )
    assert path.read_text() == SEED.source
    assert "1 file would be rewritten, 2 sites fixed" in diff.stderr, output(diff)


def test_stdin_to_stdout() -> None:
    result = fix("-", stdin=SEED.source.encode())
    assert result.returncode == 1 and result.stdout == SEED.fixed, output(result)


def test_jobs_gives_the_same_result(tmp_path: Path) -> None:
    """Enough files for ``--jobs 2`` to start processes (below SERIAL_BELOW files a process,
    a run stays in this one)."""
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    cases = [c for c in CASES if not c.options]
    for directory in (serial, parallel):
        for copy in range(-(-2 * SERIAL_BELOW // len(cases))):
            (directory / f"part{copy}").mkdir(parents=True)
            write_cases(directory / f"part{copy}", cases)
    ran = {"serial": fix("-j1", str(serial)), "parallel": fix("--jobs", "2", str(parallel))}
    for result in ran.values():
        assert result.returncode == 1, output(result)
    said = {key: result.stderr.replace(key, "<dir>") for key, result in ran.items()}
    assert said["parallel"] == said["serial"]
    paths = sorted(path.relative_to(serial) for path in serial.rglob("*.py"))
    assert len(paths) >= 2 * SERIAL_BELOW
    for path in paths:
        assert (parallel / path).read_bytes() == (serial / path).read_bytes(), path


def test_libcst_codemod_runner(tmp_path: Path) -> None:
    path = tmp_path / "seed.py"
    path.write_text(SEED.source)
    result = run(
        [
            "libcst.tool",
            "codemod",
            "-x",
            "flake8_covalent_executor.codemod.HoistExecutorsCommand",
            "--no-format",
            str(path),
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 0, output(result)
    assert path.read_text() == SEED.fixed


def test_examples_are_fixed_and_then_clean(tmp_path: Path) -> None:
    """After fix, flake8 finds only the sites fix named as left alone."""
    for example in (ROOT / "examples").glob("*.py"):
        (tmp_path / example.name).write_bytes(example.read_bytes())
    result = fix("--unsafe-fixes", str(tmp_path))
    assert result.returncode == 1, output(result)
    left = sorted(
        line.split(": ")[0] for line in result.stderr.splitlines() if " left alone: " in line
    )
    remaining = flake8("--select=CVX001,CVX002", str(tmp_path))
    assert remaining.stderr == "", output(remaining)
    assert sorted(line.split(": ")[0] for line in remaining.stdout.splitlines()) == left, output(
        remaining
    )


# -- the layout's text handling (#12 review) -------------------------------------------------
LONG_SITE = (
    "import covalent as ct\n"
    "from covalent.executor import LocalExecutor\n"
    "\n"
    "\n"
    "@ct.electron(\n"
    "    executor=LocalExecutor(\n"
    '        workdir=WORKDIR, log_stdout="stdout-of-the-first-task.log", {extra}\n'
    "    )\n"
    ")\n"
    "def task():\n"
    "    return 1\n"
)


@pytest.mark.parametrize(
    "extra",
    [
        'log_stderr="e.log"',
        'log_stderr=f"({WORKDIR}.log"',  # a bracket in an f-string's text (tokens on 3.12+)
        'log_stderr=f"{WORKDIR},{WORKDIR}.log"',  # a comma there
    ],
    ids=["plain", "bracket_in_f_string", "comma_in_f_string"],
)
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf8", "bom"])
def test_a_wrapped_or_joined_binding_keeps_the_text_and_the_bom(bom: bytes, extra: str) -> None:
    """The binding is over the line length (wrapped) and the decorator is joined back: every
    argument's text is kept exactly, and a BOM stays the file's first bytes, once."""
    source = bom + ('WORKDIR = "/tmp/w"\n' + LONG_SITE.format(extra=extra)).encode()
    result = fix_source(source, "long.py")
    assert result.new is not None and not result.skipped, result.skipped
    assert result.new.startswith(bom) and result.new.count(b"\xef\xbb\xbf") == len(bom) // 3
    compile(result.new, "long.py", "exec")
    for argument in ("workdir=WORKDIR", 'log_stdout="stdout-of-the-first-task.log"', extra):
        assert argument.encode() in result.new
    assert b"@ct.electron(executor=_local_executor)" in result.new


def test_a_function_a_lattice_method_reaches_is_not_moved_out_even_unsafely() -> None:
    """A lattice defined as a method is a root of what Covalent pickles, as a module-level
    one is: ``make_task``'s executor stays where it is under --unsafe-fixes."""
    source = (
        b"import covalent as ct\nfrom covalent.executor import LocalExecutor\n\n\n"
        b"def make_task():\n    return ct.electron(print, executor=LocalExecutor())\n\n\n"
        b"class Flows:\n    @ct.lattice\n    def wf(self):\n        return make_task()()\n"
    )
    result = fix_source(source, "flows.py", unsafe=True)
    assert result.new is None
    (left,) = result.skipped
    assert "which an electron or lattice reaches" in left.reason
    assert fix_source(source.replace(b"@ct.lattice", b"@staticmethod"), "f.py", unsafe=True).new
