"""``fix`` on the case table and on the bytes users care about, through the real command."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cases import CASES, Case
from conftest import ROOT, flake8, option_groups, run, write_cases

BY_ID = {case.id: case for case in CASES}
SEED = BY_ID["seed_not_recommended"]


def fix(*args: str, cwd: Path | None = None, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
    return run(["flake8_covalent_executor", "fix", "--isolated", *args], cwd=cwd, stdin=stdin)


@pytest.fixture(scope="module", params=["safe", "unsafe"])
def fixed_tree(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Every case fixed in place by one ``fix`` run per option group."""
    unsafe = request.param == "unsafe"
    outputs: dict[str, tuple[str, str]] = {}
    for index, (options, cases) in enumerate(option_groups().items()):
        directory = tmp_path_factory.mktemp(f"fix{index}")
        paths = write_cases(directory, cases)
        flags = ["--unsafe-fixes"] if unsafe else []
        result = fix(*flags, *options, *paths)
        assert result.returncode in (0, 1), result.stderr
        for case in cases:
            text = (directory / f"{case.id}.py").read_text(encoding="utf-8")
            outputs[case.id] = (text, result.stderr)
    return unsafe, outputs


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fix_gives_after(case: Case, fixed_tree) -> None:  # type: ignore[no-untyped-def]
    unsafe, outputs = fixed_tree
    assert outputs[case.id][0] == (case.fixed_unsafe if unsafe else case.fixed)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixed_code_lints_clean_but_for_sites_left(case: Case, tmp_path: Path) -> None:
    """Parity: after fix, flake8 finds exactly the sites fix reported as left alone,
    and a second fix changes nothing."""
    path = tmp_path / f"{case.id}.py"
    path.write_text(case.source, encoding="utf-8")
    first = fix("--unsafe-fixes", *case.options, str(path))
    left = sorted(
        line.split(": ")[0].split(":", 1)[1]
        for line in first.stderr.splitlines()
        if " left alone: " in line
    )
    remaining = flake8("--select=CVX001,CVX002", *case.options, str(path)).stdout
    assert sorted(line.split(": ")[0].split(":", 1)[1] for line in remaining.splitlines()) == left
    again = fix("--unsafe-fixes", *case.options, str(path))
    assert again.returncode == 0 and path.read_text(encoding="utf-8") == case.fixed_unsafe


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
            'local_executor = LocalExecutor(log_stdout="\u00e9.txt")\n\n'
            't = ("\u00e9", ct.electron(f, executor=local_executor))\n'
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
    assert fix(str(path)).returncode == 1
    assert path.read_bytes() == after


@pytest.mark.parametrize("ending", [b"\r", b"\r\n"], ids=["old_mac_cr", "windows_crlf"])
def test_every_line_ending_python_knows_is_kept(tmp_path: Path, ending: bytes) -> None:
    """The new lines take the file's own ending, the others keep theirs; lone ``\r`` too
    (libcst cannot write those back, which is one reason ``fix`` edits bytes)."""
    path = tmp_path / "endings.py"
    path.write_bytes(SEED.source.encode().replace(b"\n", ending))
    result = fix(str(path))
    assert result.returncode == 1, result.stderr
    assert path.read_bytes() == SEED.fixed.encode().replace(b"\n", ending)
    assert fix(str(path)).returncode == 0


def test_diff_splits_lines_only_where_python_does(tmp_path: Path) -> None:
    """A form feed inside a line is not a line break (``str.splitlines`` thinks it is)."""
    path = tmp_path / "paged.py"
    source = SEED.source.replace("\n@ct.", "\n# page\fbreak\n@ct.", 1)
    path.write_text(source)
    diff = fix("--diff", str(path)).stdout
    assert " # page\fbreak\n" in diff
    assert not [line for line in diff.split("\n") if line.startswith("break")]


def test_a_one_line_handler_body_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "handler.py"
    path.write_text(
        "import covalent as ct\nfrom covalent.executor import LocalExecutor\n\n"
        "try:\n    import numpy\nexcept ImportError: t = ct.electron(print, "
        "executor=LocalExecutor())\n"
    )
    result = fix(str(path))
    assert result.returncode == 0
    assert "CVX001 left alone: it is in a one-line compound statement" in result.stderr


def test_syntax_error_is_named_and_others_are_fixed(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import covalent\nexecutor = (\n")
    good = tmp_path / "good.py"
    good.write_text(SEED.source)
    result = fix(str(broken), str(good))
    assert result.returncode == 2
    assert f"{broken}: syntax error (line 2)" in result.stderr
    assert broken.read_text() == "import covalent\nexecutor = (\n"
    assert good.read_text() == SEED.fixed


def test_read_only_file_is_reported_not_written(tmp_path: Path) -> None:
    path = tmp_path / "ro.py"
    path.write_text(SEED.source)
    path.chmod(0o444)
    result = fix(str(path))
    assert result.returncode == 2 and "read-only" in result.stderr
    assert path.read_text() == SEED.source


def test_permissions_and_symlink_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.py"
    target.write_text(SEED.source)
    target.chmod(0o640)
    link = tmp_path / "link.py"
    link.symlink_to(target)
    assert fix(str(link)).returncode == 1
    assert link.is_symlink() and target.read_text() == SEED.fixed
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_check_and_diff_write_nothing(tmp_path: Path) -> None:
    path = tmp_path / "seed.py"
    path.write_text(SEED.source)
    check = fix("--check", str(path))
    assert check.returncode == 1 and check.stdout == ""
    diff = fix("--diff", str(path))
    assert diff.returncode == 1 and "+local_executor = LocalExecutor()" in diff.stdout
    assert path.read_text() == SEED.source
    assert "1 file would be rewritten, 2 sites fixed" in diff.stderr


def test_stdin_to_stdout() -> None:
    result = fix("-", stdin=SEED.source.encode())
    assert result.returncode == 1 and result.stdout == SEED.fixed


def test_jobs_gives_the_same_result(tmp_path: Path) -> None:
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    for directory in (serial, parallel):
        directory.mkdir()
        write_cases(directory, [c for c in CASES if not c.options] * 1)
    fix(str(serial))
    fix("--jobs", "2", str(parallel))
    for path in serial.iterdir():
        assert (parallel / path.name).read_text() == path.read_text()


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
    assert result.returncode == 0, result.stderr
    assert path.read_text() == SEED.fixed


def test_examples_are_fixed_and_then_clean(tmp_path: Path) -> None:
    """After fix, flake8 finds only the sites fix named as left alone."""
    for example in (ROOT / "examples").glob("*.py"):
        (tmp_path / example.name).write_bytes(example.read_bytes())
    result = fix("--unsafe-fixes", str(tmp_path))
    assert result.returncode == 1
    left = sorted(
        line.split(": ")[0] for line in result.stderr.splitlines() if " left alone: " in line
    )
    remaining = flake8("--select=CVX001,CVX002", str(tmp_path)).stdout.splitlines()
    assert sorted(line.split(": ")[0] for line in remaining) == left
