"""``check --jobs``, the ordered process map under it and ``fix``, and the noqa prefilter."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from cases import CASES
from conftest import check, flake8, messages, output, run, write_cases

from flake8_covalent_executor import parallel
from flake8_covalent_executor.analysis import Options
from flake8_covalent_executor.noqa import may_have_noqa
from flake8_covalent_executor.parallel import AHEAD, SERIAL_BELOW, WorkerError, ordered_map

DEFAULT_CASES = [case for case in CASES if not case.options]
JOBS = 2


def many_files(root: Path, copies: int) -> list[str]:
    """The option-free cases, ``copies`` times over in sibling directories."""
    paths: list[str] = []
    for copy in range(copies):
        directory = root / f"part{copy:02d}"
        directory.mkdir()
        paths.extend(write_cases(directory, DEFAULT_CASES))
    return paths


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough files for --jobs 2 to start processes (the threshold is checked below)."""
    root = tmp_path_factory.mktemp("many")
    copies = -(-SERIAL_BELOW * JOBS * 2 // len(DEFAULT_CASES))
    assert len(many_files(root, copies)) >= 2 * SERIAL_BELOW * JOBS
    return root


@pytest.mark.parametrize("fmt", ["default", "json", "github"])
def test_jobs_output_is_the_serial_output(tree: Path, fmt: str) -> None:
    flags = ("--format", fmt, "--extend-select", "CVX003")
    serial = check("--jobs", "1", *flags, str(tree))
    parallel = check("--jobs", str(JOBS), *flags, str(tree))
    assert serial.returncode == parallel.returncode == 1, (serial.stderr, parallel.stderr)
    assert serial.stdout.count("CVX001") > 300, serial.stderr
    assert parallel.stdout == serial.stdout
    assert parallel.stderr == serial.stderr


def test_default_jobs_is_auto_and_matches_serial(tree: Path) -> None:
    serial = check("-j1", str(tree))
    assert serial.returncode == 1, serial.stderr
    for flags in ((), ("--jobs", "auto"), ("--jobs", "0")):
        result = check(*flags, str(tree))
        assert (result.returncode, messages(result)) == (1, []), (flags, result.stderr)
        assert result.stdout == serial.stdout, flags


def test_errors_stay_one_line_each_and_in_place(tmp_path: Path) -> None:
    paths = many_files(tmp_path, 2 * SERIAL_BELOW * JOBS // len(DEFAULT_CASES) + 1)
    broken = [paths[7], paths[len(paths) // 2], paths[-1]]
    for path in broken:
        Path(path).write_text("import covalent\nexecutor = (\n", encoding="utf-8")
    serial = check("-j1", str(tmp_path))
    parallel = check("-j", str(JOBS), str(tmp_path))
    assert parallel.returncode == serial.returncode == 2, (serial.stderr, parallel.stderr)
    assert (parallel.stdout, parallel.stderr) == (serial.stdout, serial.stderr)
    assert messages(parallel) == [
        f"{path}: syntax error (line 2): '(' was never closed" for path in sorted(broken)
    ]


def test_stdin_among_many_files_is_read_here(tree: Path) -> None:
    source = next(case for case in CASES if case.id == "seed_not_recommended").source
    result = check(
        "-j", str(JOBS), "--stdin-filename", "piped.py", "-", str(tree), stdin=source.encode()
    )
    assert result.stdout.startswith("piped.py:10:23: CVX001 "), result.stderr
    serial = check("-j1", "--stdin-filename", "piped.py", "-", str(tree), stdin=source.encode())
    assert (result.stdout, result.stderr) == (serial.stdout, serial.stderr)


def test_fix_reads_stdin_here_among_many_files(tree: Path) -> None:
    source = next(case for case in CASES if case.id == "seed_not_recommended").source.encode()
    args = ["flake8_covalent_executor", "fix", "--check", "--stdin-filename", "piped.py", "-"]
    parallel = run([*args[:2], "-j", str(JOBS), *args[2:], str(tree)], stdin=source)
    serial = run([*args[:2], "-j1", *args[2:], str(tree)], stdin=source)
    assert "_local_executor = LocalExecutor()" in parallel.stdout, parallel.stderr
    assert (parallel.stdout, parallel.stderr) == (serial.stdout, serial.stderr)


@pytest.mark.parametrize("value", ["-1", "two", ""])
def test_bad_jobs_value_is_a_usage_error(value: str) -> None:
    result = check("--jobs", value, ".")
    assert result.returncode == 2, output(result)
    assert "--jobs" in result.stderr and "Traceback" not in result.stderr, output(result)


# --- ordered_map ---------------------------------------------------------------------------


def _square(number: int) -> int:
    return number * number


def _pid(_: int) -> int:
    return os.getpid()


def _die(number: int) -> int:
    if number == 50:
        os._exit(3)
    return number


def test_ordered_map_keeps_the_order_over_processes() -> None:
    numbers = range(2000)
    results = list(ordered_map(_square, numbers, JOBS, serial_below=10, max_chunk=7))
    assert results == [n * n for n in numbers]


def test_ordered_map_uses_processes_only_from_the_threshold() -> None:
    here = os.getpid()
    small = set(ordered_map(_pid, range(99), JOBS, serial_below=100, max_chunk=4))
    assert small == {here}
    large = set(ordered_map(_pid, range(100), JOBS, serial_below=100, max_chunk=4))
    assert here not in large and 1 <= len(large) <= JOBS
    assert set(ordered_map(_pid, range(1000), 1, serial_below=0, max_chunk=4)) == {here}


def test_ordered_map_reads_its_input_lazily() -> None:
    taken = 0

    def numbers() -> Iterator[int]:
        nonlocal taken
        for number in range(100_000):
            taken += 1
            yield number

    chunk = 16
    results = ordered_map(_square, numbers(), JOBS, serial_below=10, max_chunk=chunk)
    assert next(results) == 0
    # The peek that sizes the chunks, then at most AHEAD chunks a process in flight.
    assert taken <= 8 * JOBS * chunk + AHEAD * JOBS * chunk
    for _ in range(5000):
        next(results)
    assert taken <= 5001 + AHEAD * JOBS * chunk + chunk
    results.close()


def test_ordered_map_reports_a_dead_worker() -> None:
    with pytest.raises(WorkerError, match="worker process died"):
        list(ordered_map(_die, range(200), JOBS, serial_below=10, max_chunk=4))


def test_ordered_map_runs_here_when_processes_cannot_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "_pool", lambda jobs: None)
    results = list(ordered_map(_pid, range(500), JOBS, serial_below=10, max_chunk=4))
    assert results == [os.getpid()] * 500


def test_run_fix_over_processes_is_in_order(tree: Path) -> None:
    from flake8_covalent_executor.fix.runner import FixMode, run_fix

    mode = FixMode(write=False)
    serial = list(run_fix([str(tree)], Options(), mode, 1, "stdin"))
    parallel = list(run_fix([str(tree)], Options(), mode, JOBS, "stdin"))
    assert [r.path for r in parallel] == [r.path for r in serial]
    assert [(r.new, r.fixed, r.error) for r in parallel] == [
        (r.new, r.fixed, r.error) for r in serial
    ]
    assert sum(r.new is not None for r in serial) > 100


# --- noqa prefilter --------------------------------------------------------------------------

# name: (the comment on each reported line, a line of its own before the last electron)
NOQA_FORMS = {
    "lower": ("# noqa", ""),
    "upper": ("# NOQA", ""),
    "mixed_case_with_code": ("# NoQa:CVX001", ""),
    "lowercase_code": ("# noqa:cvx001", ""),  # flake8 compares codes case-sensitively
    "other_code": ("# noqa: E501", ""),
    "file_level": ("", "# flake8: noqa"),
    "file_level_upper": ("", "# FLAKE8=NOQA"),
    "file_level_after_code": ("", "y = 1  # flake8: noqa"),
    "in_a_string": ("", 'y = "# noqa"'),
    "none": ("", ""),
}
TEMPLATE = textwrap.dedent("""\
    import covalent as ct
    from covalent.executor import LocalExecutor


    @ct.electron(executor=LocalExecutor())  {comment}
    def a():
        return 1


    @ct.electron(
        executor=LocalExecutor(),  {comment}
    )
    def b():
        return 2


    {line}
    @ct.electron(executor=LocalExecutor())
    def c():
        return 3
    """)


@pytest.mark.parametrize("form", list(NOQA_FORMS))
def test_noqa_forms_match_flake8(tmp_path: Path, form: str) -> None:
    comment, line = NOQA_FORMS[form]
    path = tmp_path / f"{form}.py"
    path.write_text(TEMPLATE.format(comment=comment, line=line), encoding="utf-8")
    ours_run = check("--extend-select", "CVX003", str(path))
    theirs_run = flake8("--select=CVX", "--extend-select=CVX003", str(path))
    assert messages(ours_run) == [] and theirs_run.stderr == "", (
        output(ours_run),
        output(theirs_run),
    )
    ours, theirs = ours_run.stdout, theirs_run.stdout
    assert ours == theirs
    reported = ("none", "other_code", "lowercase_code", "in_a_string", "file_level_after_code")
    expected = dict.fromkeys(reported, 3)
    assert ours.count("CVX001") == expected.get(form, 1 if comment else 0)


@pytest.mark.parametrize(
    ("encoding", "noqa"),
    [("utf-7", b"# +AG4-oqa"), ("latin-1", "# nöqa # NOQA".encode("latin-1"))],
)
def test_noqa_is_found_in_any_source_encoding(tmp_path: Path, encoding: str, noqa: bytes) -> None:
    """UTF-7 spells "noqa" without its ASCII bytes: it must still be read as flake8 reads it."""
    source = (
        (
            f"# -*- coding: {encoding} -*-\nimport covalent as ct\n"
            "from covalent.executor import LocalExecutor\n\n\n"
            "@ct.electron(executor=LocalExecutor())  "
        ).encode()
        + noqa
        + b"\ndef a():\n    return 1\n"
    )
    path = tmp_path / "encoded.py"
    path.write_bytes(source)
    assert may_have_noqa(source, encoding)
    ours = check(str(path))
    assert ours.returncode == 0 and ours.stdout == "" and messages(ours) == [], output(ours)
    theirs = flake8("--select=CVX", str(path))
    assert theirs.stdout == "", output(theirs)


def test_may_have_noqa() -> None:
    assert may_have_noqa(b"x = 1  # NoQA\n", "utf-8")
    assert may_have_noqa(b"\xef\xbb\xbfx = 1  # noqa\n", "utf-8-sig")
    assert not may_have_noqa("x = 'nöqa'  # no qa\n".encode(), "utf-8")
    assert may_have_noqa(b"x = 1  # +AG4-oqa\n", "utf-7")
    assert not may_have_noqa(b"x = 1  # noq\n", "latin-1")
