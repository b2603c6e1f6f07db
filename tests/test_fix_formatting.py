"""Fixed code passes the formatters and linters a team runs, where the code did before: real
``ruff check --preview --select E,W,I`` (isort's I001 and pycodestyle's blank-line rules,
E302-E306, are preview rules in Ruff), pycodestyle through flake8, ``ruff format``,
``black`` and ``isort --profile=black``, each run once over a directory of files (#12).
Also: the line length comes from the project's config (``fix/layout.py``), and ``fix`` then
``fix --unsafe-fixes`` gives what ``fix --unsafe-fixes`` gives."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cases import CASES, Case
from conftest import case_options, output, run

from flake8_covalent_executor.api import fix_source
from flake8_covalent_executor.fix import plan as plan_module
from flake8_covalent_executor.fix.layout import DEFAULT_LINE_LENGTH, line_length_for

FLAKE8_FOR_BLACK = "--extend-ignore=E203,E704,W503,W504"  # what black's docs tell flake8


def _tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def _unclean(directory: Path, length: int = DEFAULT_LINE_LENGTH) -> dict[str, list[str]]:
    """Each file of ``directory`` (``*.py``, ``*.ipynb``) some tool finds fault with, with
    the tools' complaints. black reads the ``pyproject.toml`` written there (the project root
    for it, so no config above is read); Ruff and flake8 run isolated."""
    (directory / "pyproject.toml").write_text(f"[tool.black]\nline-length = {length}\n")
    found: dict[str, list[str]] = {}
    files = sorted(p.name for p in directory.iterdir() if p.suffix in (".py", ".ipynb"))
    ruff = (
        "ruff",
        "check",
        "--isolated",
        "--preview",
        "--select=E,W,I",
        f"--line-length={length}",
    )
    py = [f for f in files if f.endswith(".py")]
    checks = [
        (*ruff, "--output-format=concise", *files),
        ("ruff", "format", "--isolated", f"--line-length={length}", "--check", *files),
        ("black", "--check", *py),
        ("isort", "--profile=black", f"--line-length={length}", "--check-only", *py),
        ("flake8", "--isolated", "--select=E,W", FLAKE8_FOR_BLACK, f"--max-line-length={length}"),
    ]
    checks[-1] = (*checks[-1], *py)
    for command in checks:
        result = _tool(*command, cwd=directory)
        assert result.returncode in (0, 1, 2, 123), output(result)  # 123: black cannot parse
        for line in (result.stdout + result.stderr).splitlines():
            for name in files:
                if re.search(rf"(^|[\s/:]){re.escape(name)}($|[\s:])", line):
                    found.setdefault(name, []).append(line)
    return found


def _write(directory: Path, files: dict[str, str | bytes]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        data = text.encode() if isinstance(text, str) else text
        (directory / name).write_bytes(data)
    return directory


def _fixed(case: Case, unsafe: bool) -> str:
    result = fix_source(case.source.encode(), f"{case.id}.py", case_options(case.options), unsafe)
    assert result.error is None
    return (result.new or case.source.encode()).decode()


# -- the case table ---------------------------------------------------------------------------
def test_the_afters_of_clean_befores_are_clean(tmp_path: Path) -> None:
    """Every case whose before every tool passes: its fixed code (both modes) passes them too."""
    befores = _write(tmp_path / "before", {f"{c.id}.py": c.source for c in CASES})
    dirty = _unclean(befores)
    clean = [c for c in CASES if f"{c.id}.py" not in dirty]
    assert len(clean) >= 40, sorted(dirty)  # the test means something only if many are clean
    afters: dict[str, str | bytes] = {}
    for case in clean:
        for unsafe in (False, True):
            afters[f"{case.id}_{'unsafe' if unsafe else 'safe'}.py"] = _fixed(case, unsafe)
    changed = sum(
        afters[name] != c.source for c in clean for name in afters if name.startswith(c.id + "_")
    )
    assert changed >= 30
    assert _unclean(_write(tmp_path / "after", afters)) == {}


# -- formatted inputs of our own: what the table lacks ----------------------------------------
HEAD = "import covalent as ct\nfrom covalent.executor import LocalExecutor\n"
SHORT_ARGS = 'log_stdout="/scratch/logs/stdout.txt", workdir="/w/xy"'  # 52 columns
LONG_ARGS = 'log_stdout="/scratch/project/logs/stdout.txt", log_stderr="/scratch/err.txt"'
MODULES = {
    # imports, then the binding: one blank line (I001), then two before the def (E302)
    "after_imports": HEAD + "\n\n@ct.electron(executor=LocalExecutor())\ndef a():\n    return 1\n",
    # the first statement of a block: one blank line before the nested def (E306, black)
    "first_in_a_block": HEAD + "\nif True:\n\n    @ct.electron(executor=LocalExecutor())\n"
    "    def a():\n        return 1\n",
    # after a def: two blank lines above the binding (E305) and below it (E302)
    "after_a_def": HEAD + "\n\ndef helper():\n    return 0\n\n\n"
    "@ct.electron(executor=LocalExecutor())\ndef a():\n    return 1\n",
    # black split the site's line; the binding fits on one line, and the site's line joins
    "joined_when_it_fits": HEAD
    + f"\n\n@ct.electron(\n    executor=LocalExecutor({SHORT_ARGS})\n)\n"
    + "def a():\n    return 1\n",
    # a binding over 88 columns: its arguments on a line of their own
    "wrapped_arguments": HEAD
    + f"\n\n@ct.electron(\n    executor=LocalExecutor(\n        {LONG_ARGS}\n    )\n)\n"
    + "def a():\n    return 1\n",
    # too long for that too: one argument a line, with black's magic trailing comma
    "one_argument_a_line": HEAD
    + "\n\n@ct.electron(\n    executor=LocalExecutor(\n"
    + "".join(
        f'        {k}="/scratch/a/very/long/path/for/{k}/output.txt",\n'
        for k in ("log_stdout", "log_stderr")
    )
    + "    )\n)\ndef a():\n    return 1\n",
    # a magic trailing comma in the call keeps it one argument a line, though it would fit
    "magic_trailing_comma": HEAD
    + "\n\n@ct.electron(\n    executor=LocalExecutor(\n"
    + '        log_stdout="a.txt",\n    )\n)\ndef a():\n    return 1\n',
    # a dotted callee, wrapped; the site's call keeps its other (magic) arguments split
    "dotted_callee_and_other_arguments": HEAD
    + "\n\n@ct.electron(\n    executor=ct.executor.LocalExecutor(\n"
    + f'        {LONG_ARGS}\n    ),\n    deps_pip=ct.DepsPip(packages=["numpy"]),\n)\n'
    + "def a():\n    return 1\n",
    # a conditional value over 88 columns: in parentheses, split before ``if`` and ``else``
    "conditional_value": "import os\n\n"
    + HEAD.replace("LocalExecutor", "DaskExecutor, LocalExecutor")
    + '\nON_CLUSTER = "SLURM_JOB_ID" in os.environ\n\n\n@ct.electron(\n    executor=(\n'
    + '        LocalExecutor(log_stdout="/scratch/project/logs/stdout.txt")\n'
    + "        if ON_CLUSTER\n"
    + '        else DaskExecutor(address="tcp://scheduler:8786")\n    )\n)\n'
    + "def a():\n    return 1\n",
    # --unsafe-fixes: out of a function, after the imports
    "out_of_a_function": HEAD
    + "\n\ndef make(fn):\n    return ct.electron(fn, executor=LocalExecutor())\n",
}


def test_our_formatted_modules_stay_formatted(tmp_path: Path) -> None:
    before = _write(tmp_path / "before", {f"{n}.py": t for n, t in MODULES.items()})
    assert _unclean(before) == {}  # the inputs are formatted: else the test proves nothing
    afters: dict[str, str | bytes] = {}
    for name, text in MODULES.items():
        result = fix_source(text.encode(), f"{name}.py", unsafe=True)
        assert result.error is None and result.new is not None, (name, result)
        assert not result.skipped, (name, result.skipped)
        afters[f"{name}.py"] = result.new
    assert _unclean(_write(tmp_path / "after", afters)) == {}
    assert all(
        max(map(len, t.decode().splitlines())) <= 88
        for t in afters.values()
        if isinstance(t, bytes)
    )


def test_how_a_long_binding_is_wrapped() -> None:
    fixed = {n: fix_source(t.encode(), f"{n}.py").new for n, t in MODULES.items()}
    assert (
        f"_local_executor = LocalExecutor(\n    {LONG_ARGS}\n)\n"
        in (fixed["wrapped_arguments"] or b"").decode()
    )
    assert (
        '_local_executor = LocalExecutor(\n    log_stdout="/scratch/a/very/long/path/for/'
        'log_stdout/output.txt",\n'
    ) in (fixed["one_argument_a_line"] or b"").decode()
    assert (
        '_local_executor = LocalExecutor(\n    log_stdout="a.txt",\n)\n'
        in (fixed["magic_trailing_comma"] or b"").decode()
    )
    assert (
        f"_local_executor = LocalExecutor({SHORT_ARGS})\n\n\n"
        "@ct.electron(executor=_local_executor)\ndef a():"
    ) in (fixed["joined_when_it_fits"] or b"").decode()
    assert (
        f"_local_executor = ct.executor.LocalExecutor(\n    {LONG_ARGS}\n)\n\n\n@ct.electron(\n"
        "    executor=_local_executor,\n    deps_pip="
    ) in (fixed["dotted_callee_and_other_arguments"] or b"").decode()


def test_how_a_long_conditional_value_is_wrapped() -> None:
    fixed = fix_source(MODULES["conditional_value"].encode(), "a.py").new or b""
    assert (
        '_executor = (\n    LocalExecutor(log_stdout="/scratch/project/logs/stdout.txt")\n'
        '    if ON_CLUSTER\n    else DaskExecutor(address="tcp://scheduler:8786")\n)\n'
    ) in fixed.decode()
    assert "@ct.electron(executor=(_executor))\ndef a():" in fixed.decode()  # both keep them


def test_a_longer_line_length_keeps_the_binding_on_one_line() -> None:
    text = MODULES["wrapped_arguments"].encode()
    wide = fix_source(text, "a.py", line_length=120).new or b""
    assert f"_local_executor = LocalExecutor({LONG_ARGS})\n" in wide.decode()


# -- notebooks --------------------------------------------------------------------------------
def _notebook(*cells: str) -> bytes:
    content = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{number}",
                "metadata": {},
                "outputs": [],
                "source": text.rstrip("\n").splitlines(keepends=True),
            }
            for number, text in enumerate(cells)
        ],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return (json.dumps(content, indent=1) + "\n").encode()


NOTEBOOKS = {
    # the binding starts the cell: two blank lines below it, before the decorator (E302)
    "cell_starts_with_the_site": _notebook(
        HEAD, "@ct.electron(executor=LocalExecutor())\ndef a():\n    return 1"
    ),
    # imports in the cell: one blank line after them (I001)
    "imports_in_the_cell": _notebook(
        HEAD + "\n\n@ct.electron(executor=LocalExecutor())\ndef a():\n    return 1",
        '@ct.electron(executor=LocalExecutor(log_stdout="b.txt"))\ndef b():\n    return 2',
    ),
    "long_binding_in_a_cell": _notebook(
        HEAD,
        f"@ct.electron(\n    executor=LocalExecutor(\n        {LONG_ARGS}\n    )\n)\n"
        "def a():\n    return 1",
    ),
}


def test_fixed_notebook_cells_stay_formatted(tmp_path: Path) -> None:
    before = _write(tmp_path / "before", {f"{n}.ipynb": d for n, d in NOTEBOOKS.items()})
    assert _unclean(before) == {}
    afters: dict[str, str | bytes] = {}
    for name, data in NOTEBOOKS.items():
        result = fix_source(data, f"{name}.ipynb")
        assert result.error is None and result.new is not None, (name, result)
        afters[f"{name}.ipynb"] = result.new
    assert _unclean(_write(tmp_path / "after", afters)) == {}
    cells = json.loads(afters["cell_starts_with_the_site.ipynb"])["cells"]
    assert "".join(cells[1]["source"]).startswith(
        "_local_executor = LocalExecutor()\n\n\n@ct.electron(executor=_local_executor)\n"
    )


# -- the line length, from config -------------------------------------------------------------
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, 88),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}, 100),
        ({"pyproject.toml": "[tool.black]\nline-length = 101\n"}, 101),
        (
            {
                "pyproject.toml": "[tool.ruff]\nline-length = 100\n"
                "[tool.black]\nline-length = 101\n"
            },
            100,
        ),
        (
            {
                "ruff.toml": "line-length = 102\n",
                "pyproject.toml": "[tool.ruff]\nline-length = 9\n",
            },
            102,
        ),
        ({".ruff.toml": "line-length = 103\n"}, 103),
        ({"setup.cfg": "[flake8]\nmax-line-length = 104\n"}, 104),
        ({"tox.ini": "[flake8]\nmax_line_length = 105\n"}, 105),
        ({".flake8": "[flake8]\nmax-line-length = 106\n"}, 106),
        (
            {
                "setup.cfg": "[flake8]\nmax-line-length = 79\n",
                "pyproject.toml": "[tool.black]\nline-length = 107\n",
            },
            107,
        ),
        (
            {
                "pyproject.toml": "[tool.ruff\nbroken",
                "setup.cfg": "[flake8]\nmax-line-length = 108\n",
            },
            108,
        ),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 'wide'\n"}, 88),
    ],
)
def test_line_length_from_config(tmp_path: Path, files: dict[str, str], expected: int) -> None:
    project = _write(tmp_path / "project", {**files, ".git": b""})
    (project / "src").mkdir()
    assert line_length_for(project / "src" / "flow.py") == expected


def test_the_nearest_config_wins_and_the_walk_stops_at_the_project_root(tmp_path: Path) -> None:
    _write(tmp_path, {"pyproject.toml": "[tool.ruff]\nline-length = 120\n"})
    project = _write(tmp_path / "project", {"setup.cfg": "[flake8]\nmax-line-length = 99\n"})
    _write(project / "pkg", {"ruff.toml": "line-length = 110\n"})
    (project / "pkg" / "sub").mkdir()
    assert line_length_for(project / "pkg" / "sub" / "a.py") == 110
    assert line_length_for(project / "a.py") == 99
    repo = _write(tmp_path / "repo", {".git": b""})
    assert line_length_for(repo / "a.py") == 88  # the pyproject.toml above the root is not read


def test_the_fix_command_reads_the_line_length(tmp_path: Path) -> None:
    """From the project's config; ``--isolated`` (no config files) keeps the default, 88."""
    project = _write(
        tmp_path / "project", {".git": b"", "pyproject.toml": "[tool.ruff]\nline-length = 120\n"}
    )
    path = project / "flow.py"
    path.write_text(MODULES["wrapped_arguments"])
    isolated = run(["flake8_covalent_executor", "fix", "--isolated", "--diff", str(path)])
    assert f"+_local_executor = LocalExecutor(\n+    {LONG_ARGS}\n+)\n" in isolated.stdout
    result = run(["flake8_covalent_executor", "fix", str(path)])
    assert result.returncode == 1, output(result)
    assert f"_local_executor = LocalExecutor({LONG_ARGS})\n" in path.read_text()
    assert _unclean(project, length=120) == {}


# -- fix, then fix --unsafe-fixes -------------------------------------------------------------
EACH_CASE = pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])


@EACH_CASE
def test_fix_then_unsafe_fix_is_unsafe_fix(case: Case) -> None:
    options, name = case_options(case.options), f"{case.id}.py"
    safe = fix_source(case.source.encode(), name, options).new or case.source.encode()
    both = fix_source(safe, name, options, unsafe=True).new or safe
    assert both.decode() == case.fixed_unsafe


def _with_a_function(case: Case, call: str, first: bool) -> str:
    """The case with a function that builds ``call`` inline (an unsafe site) added after its
    imports (``first``) or at its end, and called at module level at the end."""
    function = f"\n\ndef _later(fn):\n    return ct.electron(fn, executor={call})\n\n"
    lines = case.source.splitlines(keepends=True)
    body = ast.parse(case.source).body
    imports = [s for s in body if isinstance(s, (ast.Import, ast.ImportFrom))]
    end = imports[-1].end_lineno or 0 if imports else 0
    if first:
        text = "".join(lines[:end]) + function + "".join(lines[end:])
    else:
        text = case.source + function
    return text + "\n_t = _later(len)\n"


def _combinations() -> list[tuple[Case, str]]:
    """Each case that imports covalent as ct, with each one-line call it builds inline."""
    found = []
    for case in CASES:
        if "import covalent as ct\n" not in case.source:
            continue
        try:
            tree = ast.parse(case.source)
        except SyntaxError:
            continue
        calls = {
            ast.get_source_segment(case.source, n)
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and n.lineno == n.end_lineno
        }
        for call in sorted(c for c in calls if c and "Executor(" in c and "\n" not in c):
            found.append((case, call))
    return found


@pytest.mark.parametrize("first", [True, False], ids=["function_first", "function_last"])
def test_fix_then_unsafe_fix_with_a_function_added(first: bool) -> None:
    """Every case, with a function building one of its executors inline added before or
    after its sites: the two routes give the same file."""
    differ, combinations = [], _combinations()
    assert len(combinations) >= 50
    for case, call in combinations:
        options, source = case_options(case.options), _with_a_function(case, call, first)
        data = source.encode()
        one = fix_source(data, "a.py", options, unsafe=True)
        safe = fix_source(data, "a.py", options).new or data
        two = fix_source(safe, "a.py", options, unsafe=True)
        if (one.new or data) != (two.new or safe) or one.error or two.error:
            differ.append((case.id, call))
    assert differ == []


SAFE_THEN_UNSAFE = textwrap.dedent(
    """\
    import covalent as ct
    from covalent.executor import LocalExecutor


    def make(fn):
        return ct.electron(fn, executor=LocalExecutor())


    @ct.electron(executor=[LocalExecutor(), "dask"])
    def a():
        return 1


    b = make(len)
    """
)


def test_the_second_run_reuses_the_binding_the_first_made(tmp_path: Path) -> None:
    """The real command, in two steps and in one: the same file, one shared instance. The
    first run's binding is only ever passed as an executor (here inside a list), and it is
    bound after ``make``, which nothing calls before it is bound."""
    one, two = tmp_path / "one.py", tmp_path / "two.py"
    one.write_text(SAFE_THEN_UNSAFE)
    two.write_text(SAFE_THEN_UNSAFE)
    command = ["flake8_covalent_executor", "fix", "--isolated"]
    assert run([*command, "--unsafe-fixes", str(one)]).returncode == 1
    assert run([*command, str(two)]).returncode == 1
    second = run([*command, "--unsafe-fixes", str(two)])
    assert second.returncode == 1, output(second)
    assert two.read_text() == one.read_text()
    assert one.read_text().count("= LocalExecutor()") == 1
    assert "def make(fn):\n    return ct.electron(fn, executor=_local_executor)" in one.read_text()


CALLED_BEFORE = SAFE_THEN_UNSAFE.replace("\n\n@ct.electron", "\n\nc = make(len)\n\n\n@ct.electron")


def test_a_function_called_before_the_binding_gets_its_own() -> None:
    """``make`` runs before the binding the safe fix makes: reusing it would be a NameError,
    so the unsafe fix binds its own instance before ``make``, by either route."""
    data = CALLED_BEFORE.encode()
    one = fix_source(data, "a.py", unsafe=True).new or b""
    two = fix_source(fix_source(data, "a.py").new or b"", "a.py", unsafe=True).new
    assert one == two
    assert "_local_executor_2 = LocalExecutor()\n\n\ndef make(fn):\n" in one.decode()
    assert "return ct.electron(fn, executor=_local_executor_2)" in one.decode()


def test_the_checks_catch_a_reuse_before_the_binding(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the planner told that anything may stand between (a planner bug), the checks on
    the new code (fix/verify.py, which judge for themselves) leave the site alone."""
    monkeypatch.setattr(plan_module, "runs_nothing", lambda statement: True)
    result = fix_source(CALLED_BEFORE.encode(), "a.py", unsafe=True)
    assert [item.reason for item in result.skipped] == [
        "_local_executor is used where it may not be bound yet"
    ]
    assert "executor=LocalExecutor())" in (result.new or b"").decode()
