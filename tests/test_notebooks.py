"""Jupyter notebooks through ``check``, ``fix`` and nbqa, as users run them."""

from __future__ import annotations

import ast
import difflib
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from cases import CASES, Case
from conftest import ROOT, check, messages, option_groups, output, run

from flake8_covalent_executor.notebook import load, virtual_module

NOTEBOOKS = ROOT / "tests" / "notebooks"
SEED = NOTEBOOKS / "seed.ipynb"
MAGICS = NOTEBOOKS / "magics.ipynb"
SEED_CELL_1_FIXED = textwrap.dedent("""\
    import covalent as ct
    import random
    from covalent.executor import LocalExecutor

    _local_executor = LocalExecutor(log_stdout="/tmp/task_1.log")

    # Technique 1 (not so good): a new executor for every electron

    @ct.electron(executor=_local_executor)
    def task_1():
        return random.sample(range(10, 30), 5)

    _local_executor_2 = LocalExecutor(log_stdout="/tmp/task_2.log")

    @ct.electron(executor=_local_executor_2)
    def task_2(x_list):

        squares = []
        for x in x_list:
            squares.append(x ** 2)

        return squares

    @ct.lattice
    def workflow_1():
        random_list = task_1()
        return task_2(random_list)

    dispatch_id = ct.dispatch(workflow_1)()
    res = ct.get_result(dispatch_id, wait=True)
    print(res)""")


def fix(*args: str, cwd: Path | None = None, stdin: bytes | None = None):  # type: ignore[no-untyped-def]
    return run(["flake8_covalent_executor", "fix", "--isolated", *args], cwd=cwd, stdin=stdin)


def nbqa(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """nbqa from this interpreter's environment (it runs tools as ``python -m``)."""
    return run(["nbqa", *args], cwd=cwd)


def copy(source: Path, directory: Path, name: str | None = None) -> Path:
    target = directory / (name or source.name)
    shutil.copyfile(source, target)
    return target


def source_of(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def notebook(*cells: tuple[str, str], **layout: Any) -> bytes:
    """nbformat 4 bytes; each cell is (cell_type, source); Jupyter's layout unless told."""
    content = {
        "cells": [
            {
                "cell_type": kind,
                "id": f"cell-{number}",
                "metadata": {},
                "source": text.splitlines(keepends=True),
                **({"execution_count": None, "outputs": []} if kind == "code" else {}),
            }
            for number, (kind, text) in enumerate(cells, start=1)
        ],
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    options = {"sort_keys": True, "indent": 1, "ensure_ascii": False, **layout}
    return (json.dumps(content, **options) + "\n").encode("utf-8")


IMPORTS = "import covalent as ct\nfrom covalent.executor import LocalExecutor\n"
SITE = "@ct.electron(executor=LocalExecutor())\ndef task():\n    return 1\n"


# -- check ---------------------------------------------------------------------------------------
def test_seed_notebook_is_checked_by_cell() -> None:
    result = check("--isolated", str(SEED))
    assert result.returncode == 1 and messages(result) == [], output(result)
    assert [line.split(": ")[0] for line in result.stdout.splitlines()] == [
        f"{SEED}:cell_1:7:23",
        f"{SEED}:cell_1:11:23",
    ]
    assert all(
        ": CVX001 LocalExecutor() is built inline" in line for line in result.stdout.splitlines()
    )


def test_json_and_github_formats_name_the_cell() -> None:
    result = check("--isolated", "--format", "json", str(SEED))
    assert result.returncode == 1, output(result)
    rows = json.loads(result.stdout)
    assert [(r["cell"], r["line"], r["column"], r["code"]) for r in rows] == [
        (1, 7, 23, "CVX001"),
        (1, 11, 23, "CVX001"),
    ]
    result = check("--isolated", "--format", "github", str(SEED))
    assert result.returncode == 1, output(result)
    github = result.stdout.splitlines()
    assert github[0].startswith(f"::error file={SEED},title=CVX001::cell_1:7:23: CVX001 ")


def test_cells_count_all_cells_and_names_resolve_across_cells(tmp_path: Path) -> None:
    path = tmp_path / "across.ipynb"
    path.write_bytes(
        notebook(
            ("markdown", "# Title"),
            ("code", IMPORTS),
            ("raw", "raw text"),
            ("code", "import random\n\n" + SITE),
        )
    )
    result = check("--isolated", "--extend-select", "CVX003", str(path))
    assert result.stdout.startswith(f"{path}:cell_4:3:23: CVX001 "), output(result)
    assert result.returncode == 1, output(result)


def test_directories_are_walked_for_notebooks_not_checkpoints(tmp_path: Path) -> None:
    copy(SEED, tmp_path)
    (tmp_path / ".ipynb_checkpoints").mkdir()
    copy(SEED, tmp_path / ".ipynb_checkpoints", "seed-checkpoint.ipynb")
    result = check("--isolated", str(tmp_path))
    files = {line.split(":", 1)[0] for line in result.stdout.splitlines()}
    assert files == {str(tmp_path / "seed.ipynb")}, output(result)


def test_magics_do_not_break_parsing_and_a_bad_cell_is_skipped() -> None:
    result = check("--isolated", str(MAGICS))
    assert result.returncode == 1, output(result)
    assert [line.split(": ")[0].split(":", 1)[1] for line in result.stdout.splitlines()] == [
        "cell_3:2:23",  # after a shell escape
        "cell_4:2:23",  # in a %%time cell
        "cell_8:1:23",
        "cell_8:6:23",
        "cell_10:1:23",
    ]
    assert messages(result) == [
        f"{MAGICS}:cell_7: skipped: syntax error (line 2): '(' was never closed"
    ]


@pytest.mark.parametrize(
    "text, magic",
    [
        ("%pip install covalent\nx = 1\n", "%pip"),
        ("!ls -l\n", "!ls"),
        ("files = !ls\nprint(files)\n", "!ls"),
        ("?LocalExecutor\n", "?LocalExecutor"),
        ("LocalExecutor??\n", "LocalExecutor??"),
        ("if True:\n    %time x = 1\n", "%time"),
        ("%pip install \\\n    covalent\nx = 1\n", "%pip"),
        ("%%time\nx = 1\n", "%%time"),
        ("%%capture out\nx = 1\n", "%%capture"),
        ("x = (1\n     % 2)\n", None),  # modulo, not a magic: the cell is plain Python
    ],
)
def test_magic_lines_become_placeholders_of_the_same_length(text: str, magic: str | None) -> None:
    module = virtual_module(load(notebook(("code", IMPORTS + text))))
    (part,) = module.parts
    assert part.magic == magic
    assert part.text.count("\n") == (IMPORTS + text).count("\n")


@pytest.mark.parametrize(
    "text", ["%%bash\necho hi\n", "%%timeit\nx = 1\n", "%%writefile a.py\nx\n"]
)
def test_other_cell_magics_are_left_out_silently(text: str) -> None:
    module = virtual_module(load(notebook(("code", IMPORTS), ("code", text))))
    assert [p.cell for p in module.parts] == [1] and module.notes == []


@pytest.mark.parametrize(
    "data, message",
    [
        (b'{"cells": [', "not a notebook: invalid JSON (line 1, column 12)"),
        (b"[1, 2]", "not a notebook: the JSON is not an object"),
        (b'{"nbformat": 3, "worksheets": []}', "nbformat 3 notebooks are not supported"),
        (b'{"cells": [{"cell_type": "code", "source": 3}]}', "cell_1 has no readable source"),
    ],
)
def test_invalid_notebooks_exit_2_and_are_left_untouched(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_bytes(data)
    for result in (check(str(path)), fix(str(path))):
        assert (
            result.returncode == 2
            and message in result.stderr
            and "Traceback" not in result.stderr
        ), output(result)
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    "data",
    [
        b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
        b"{}",
        notebook(("markdown", "only prose")),
    ],
    ids=["no-cells", "empty-object", "markdown-only"],
)
def test_notebooks_without_code_are_fine(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "empty.ipynb"
    path.write_bytes(data)
    checked = check("--isolated", str(path))
    assert checked.returncode == 0, output(checked)
    result = fix(str(path))
    assert result.returncode == 0 and path.read_bytes() == data, output(result)


@pytest.mark.parametrize(
    "metadata, checked",
    [
        ({"kernelspec": {"language": "R", "name": "ir"}}, False),
        ({"language_info": {"name": "julia"}}, False),
        ({"language_info": {"name": "python3"}}, True),
        ({}, True),
    ],
)
def test_only_python_notebooks_are_checked(
    tmp_path: Path, metadata: dict[str, Any], checked: bool
) -> None:
    content = json.loads(notebook(("code", IMPORTS + SITE)))
    content["metadata"] = metadata
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(content))
    result = check("--isolated", str(path))
    assert result.returncode == int(checked), output(result)


def test_noqa_in_a_cell_and_line_numbers_in_messages_are_the_cells(tmp_path: Path) -> None:
    path = tmp_path / "noqa.ipynb"
    needs_log = SITE.replace("LocalExecutor()", "LocalExecutor(log_stdout=LOG)")
    quiet = SITE.replace("def task", "def quiet").replace("())\n", "())  # noqa: CVX001\n")
    path.write_bytes(
        notebook(
            ("code", IMPORTS), ("code", "\n" + needs_log), ("code", 'LOG = "a.log"\n' + quiet)
        )
    )
    checked = check("--isolated", str(path))
    assert checked.stdout.startswith(f"{path}:cell_2:2:23: CVX001 "), output(checked)
    result = fix(str(path))
    assert result.returncode == 0 and result.stderr.splitlines()[0] == (
        f"{path}:cell_2:2:23: CVX001 left alone: its arguments need LOG, which is not bound "
        "before line 3 of cell_2"
    ), output(result)


def test_standard_input_is_read_as_a_notebook_by_its_name() -> None:
    result = check("-", "--isolated", "--stdin-filename", "nb/seed.ipynb", stdin=SEED.read_bytes())
    assert result.stdout.startswith("nb/seed.ipynb:cell_1:7:23: CVX001 "), output(result)
    fixed = fix("-", "--stdin-filename", "seed.ipynb", stdin=SEED.read_bytes())
    assert fixed.returncode == 1, output(fixed)
    assert json.loads(fixed.stdout)["cells"][0]["source"] == SEED_CELL_1_FIXED.splitlines(True)


def test_check_on_a_notebook_imports_neither_libcst_nor_covalent(tmp_path: Path) -> None:
    script = tmp_path / "probe.py"
    script.write_text(
        "import sys\nfrom flake8_covalent_executor.cli import main\n"
        f"main(['check', '--isolated', {str(SEED)!r}, {str(MAGICS)!r}])\n"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] in ('libcst', 'covalent')))\n"
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    assert result.stdout.count("CVX001") == 7, output(result)
    assert result.stdout.splitlines()[-1] == "[]", output(result)


# -- fix -----------------------------------------------------------------------------------------
def _changed_lines(old: bytes, new: bytes) -> list[str]:
    diff = difflib.unified_diff(old.decode().splitlines(), new.decode().splitlines(), n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_fix_seed_notebook(tmp_path: Path) -> None:
    path = copy(SEED, tmp_path)
    result = fix(str(path))
    assert result.returncode == 1, output(result)
    assert "1 file rewritten, 2 sites fixed, 0 left alone" in result.stderr, output(result)
    old, new = json.loads(SEED.read_bytes()), json.loads(path.read_bytes())
    assert source_of(new["cells"][0]) == SEED_CELL_1_FIXED  # two distinct instances
    expected = {**old, "cells": [dict(old["cells"][0], source=new["cells"][0]["source"])]}
    expected["cells"] += old["cells"][1:]  # markdown, the improved cell, outputs: untouched
    assert new == expected
    changed = _changed_lines(SEED.read_bytes(), path.read_bytes())
    assert len(changed) == 8 and all(line[1:].startswith('    "') for line in changed), changed
    again = fix(str(path))
    assert again.returncode == 0, output(again)
    assert (
        path.read_bytes()
        == json.dumps(new, sort_keys=True, indent=1, ensure_ascii=False).encode() + b"\n"
    )
    checked = check("--isolated", str(path))
    assert checked.returncode == 0, output(checked)


def test_fix_diff_and_check_write_nothing(tmp_path: Path) -> None:
    path = copy(SEED, tmp_path)
    diff = fix("--diff", str(path))
    assert diff.returncode == 1, output(diff)
    assert (
        '+    "_local_executor = LocalExecutor(log_stdout=\\"/tmp/task_1.log\\")\\n",'
        in diff.stdout
    ), output(diff)
    checked = fix("--check", str(path))
    assert checked.returncode == 1, output(checked)
    assert path.read_bytes() == SEED.read_bytes()


def test_fix_leaves_cells_with_magics_and_other_cells_byte_for_byte(tmp_path: Path) -> None:
    path = copy(MAGICS, tmp_path)
    result = fix(str(path))
    assert result.returncode == 1, output(result)
    left = [line for line in result.stderr.splitlines() if " left alone: " in line]
    assert left == [
        f"{path}:cell_3:2:23: CVX001 left alone: its cell has IPython magics (!echo), "
        "and fix never rewrites such a cell",
        f"{path}:cell_4:2:23: CVX001 left alone: its cell has IPython magics (%%time), "
        "and fix never rewrites such a cell",
    ]
    old, new = json.loads(MAGICS.read_bytes())["cells"], json.loads(path.read_bytes())["cells"]
    assert [n for n, (a, b) in enumerate(zip(old, new), start=1) if a != b] == [8, 10]
    # cell 7 (skipped, it does not parse) binds _local_executor: the new name avoids it
    assert source_of(new[7]).startswith(
        "_local_executor_2 = LocalExecutor()\n\n\n@ct.electron(executor=_local_executor_2)\n"
    )
    assert source_of(new[9]).startswith("@ct.electron(executor=_local_executor_2)\n")
    again = fix(str(path))
    assert again.returncode == 0, output(again)


def test_binding_goes_after_the_cells_imports_and_later_cells_reuse_it(tmp_path: Path) -> None:
    path = tmp_path / "reuse.ipynb"
    path.write_bytes(
        notebook(
            ("code", IMPORTS),
            ("markdown", "prose"),
            ("code", "import random\n\n" + SITE),
            ("code", SITE.replace("task", "other")),
        )
    )
    again = fix(str(path))
    assert again.returncode == 1, output(again)
    cells = [source_of(c) for c in json.loads(path.read_bytes())["cells"]]
    assert cells[0] == IMPORTS and cells[1] == "prose"
    assert cells[2] == (
        "import random\n\n_local_executor = LocalExecutor()\n\n"
        "@ct.electron(executor=_local_executor)\ndef task():\n    return 1\n"
    )
    assert cells[3].startswith("@ct.electron(executor=_local_executor)\ndef other():")


def test_cells_with_crlf_get_crlf_lines(tmp_path: Path) -> None:
    path = tmp_path / "crlf.ipynb"
    path.write_bytes(notebook(("code", (IMPORTS + SITE).replace("\n", "\r\n"))))
    again = fix(str(path))
    assert again.returncode == 1, output(again)
    source = json.loads(path.read_bytes())["cells"][0]["source"]
    assert source[2:7] == [  # the blank lines I001 and E302 want are CRLF too
        "\r\n",
        "_local_executor = LocalExecutor()\r\n",
        "\r\n",
        "\r\n",
        "@ct.electron(executor=_local_executor)\r\n",
    ]


@pytest.mark.parametrize("first, second", [("\r\n", "\n"), ("\n", "\r\n")])
def test_each_cell_keeps_its_own_line_ending(tmp_path: Path, first: str, second: str) -> None:
    """The binding takes the ending of the cell it goes in, even when the site is on the
    cell's last line (Jupyter ends no cell with a newline) and another cell came first."""
    path = tmp_path / "mixed.ipynb"
    site = "y = 1\nt = ct.electron(print, executor=LocalExecutor())"
    path.write_bytes(
        notebook(("code", IMPORTS.replace("\n", first)), ("code", site.replace("\n", second)))
    )
    again = fix(str(path))
    assert again.returncode == 1, output(again)
    cells = json.loads(path.read_bytes())["cells"]
    assert source_of(cells[1]) == second.join(
        [
            "y = 1",
            "_local_executor = LocalExecutor()",
            "t = ct.electron(print, executor=_local_executor)",
        ]
    )
    assert source_of(cells[0]) == IMPORTS.replace("\n", first)


@pytest.mark.parametrize(
    "layout",
    [
        {"indent": 2},
        {"indent": 4, "ensure_ascii": True},
        {"indent": 1, "sort_keys": False},
        {"indent": None},
        {"indent": None, "separators": (",", ":")},
        {"indent": "\t"},
        {"indent": 0},
    ],
    ids=["indent2", "indent4-ascii", "unsorted", "one-line", "compact", "tabs", "indent0"],
)
@pytest.mark.parametrize("ending", ["lf", "no-final-newline", "crlf"])
@pytest.mark.parametrize("as_string", [False, True], ids=["source-list", "source-string"])
def test_fix_keeps_the_json_layout(
    tmp_path: Path, layout: dict[str, Any], ending: str, as_string: bool
) -> None:
    content = json.loads(notebook(("markdown", "# Café — résumé"), ("code", IMPORTS + SITE)))
    content["metadata"]["zeta"], content["metadata"]["alpha"] = 1, 2  # key order, unsorted
    if as_string:
        for cell in content["cells"]:
            cell["source"] = "".join(cell["source"])
    options = {"ensure_ascii": False, **layout}
    text = json.dumps(content, **options)
    data = {
        "lf": text + "\n",
        "no-final-newline": text,
        "crlf": (text + "\n").replace("\n", "\r\n"),
    }
    path = tmp_path / "layout.ipynb"
    path.write_bytes(data[ending].encode())
    again = fix(str(path))
    assert again.returncode == 1, output(again)
    new = json.loads(path.read_bytes())
    assert isinstance(new["cells"][1]["source"], str) == as_string
    assert "_local_executor = LocalExecutor()" in source_of(new["cells"][1])
    expected = json.dumps(new, **options)
    expected = {"lf": expected + "\n", "no-final-newline": expected}.get(
        ending, (expected + "\n").replace("\n", "\r\n")
    )
    assert path.read_bytes() == expected.encode()


@pytest.mark.parametrize(
    "data",
    [
        notebook(("code", IMPORTS + SITE)).replace(b'"nbformat": 4', b'"nbformat" :4'),
        notebook(("code", IMPORTS + SITE)).replace(
            b'"nbformat_minor": 5', b'"nbformat_minor": 5.0e0'
        ),
        notebook(("code", IMPORTS + SITE)).replace(b'"python3"', b'"python\\u0033"'),
    ],
    ids=["spacing", "number-format", "escape"],
)
def test_a_layout_json_cannot_reproduce_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "odd.ipynb"
    path.write_bytes(data)
    checked = check("--isolated", str(path))
    assert checked.returncode == 1, output(checked)
    result = fix(str(path))
    assert result.returncode == 2, output(result)
    assert "cannot be written back byte for byte" in result.stderr, output(result)
    assert path.read_bytes() == data


def test_fix_never_overwrites_a_read_only_notebook(tmp_path: Path) -> None:
    path = copy(SEED, tmp_path)
    path.chmod(0o444)
    result = fix(str(path))
    assert result.returncode == 2 and "read-only" in result.stderr, output(result)
    assert path.read_bytes() == SEED.read_bytes()


# -- the case table, one top-level statement per cell: same findings, same fix as the file ------
def _cell_starts(source: str) -> list[int]:
    """First line of each cell: a cell holds one top-level statement and the lines above it."""
    starts, end = [1], 0
    for statement in ast.parse(source).body:
        first = min(
            [statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", [])]
        )
        if first > end and end:
            starts.append(end + 1)
        end = max(end, statement.end_lineno or statement.lineno)
    return starts


def _as_notebook(case: Case) -> bytes:
    lines = case.source.splitlines(keepends=True)
    starts = [*_cell_starts(case.source), len(lines) + 1]
    cells: list[tuple[str, str]] = []
    for first, after in zip(starts, starts[1:]):
        cells += [("code", "".join(lines[first - 1 : after - 1])), ("markdown", "between")]
    return notebook(*cells)


def _parses(case: Case) -> bool:
    try:
        ast.parse(case.source)
    except SyntaxError:
        return False
    return True


TABLE = [case for case in CASES if _parses(case)]


@pytest.fixture(scope="module")
def case_notebooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """Every case as a notebook: ``check`` output and the code cells after ``fix --unsafe``."""
    outputs: dict[str, tuple[str, str]] = {}
    for index, (options, cases) in enumerate(option_groups().items()):
        directory = tmp_path_factory.mktemp(f"nb{index}")
        paths = []
        for case in cases:
            if case in TABLE:
                (directory / f"{case.id}.ipynb").write_bytes(_as_notebook(case))
                paths.append(str(directory / f"{case.id}.ipynb"))
        found = check("--isolated", "--select=CVX", "--extend-select=CVX003", *options, *paths)
        assert found.returncode in (0, 1), output(found)
        fixed = fix("--unsafe-fixes", *options, *paths)
        assert fixed.returncode in (0, 1), output(fixed)
        for path in map(Path, paths):
            lines = [line for line in found.stdout.splitlines() if line.startswith(f"{path}:")]
            cells = json.loads(path.read_bytes())["cells"]
            code = "".join(source_of(c) for c in cells if c["cell_type"] == "code")
            outputs[path.stem] = ("\n".join(lines), code)
    return outputs


@pytest.mark.parametrize("case", TABLE, ids=[c.id for c in TABLE])
def test_case_table_as_notebooks(case: Case, case_notebooks: dict[str, tuple[str, str]]) -> None:
    output, code = case_notebooks[case.id]
    starts = _cell_starts(case.source)
    found = []
    for line in output.splitlines():
        _, cell, row, col, rest = line.split(":", 4)
        number = int(cell[len("cell_") :])
        assert number % 2 == 1  # code cells are the odd ones: markdown cells count
        found.append(f"{starts[number // 2] + int(row) - 1}:{col} {rest.split()[0]}")
    assert found == list(case.findings)
    assert code == case.fixed_unsafe


# -- nbqa ----------------------------------------------------------------------------------------
def _code_cell_numbers(path: Path) -> dict[int, int]:
    """Cell number among all cells → among code cells (nbqa's numbering)."""
    cells = json.loads(path.read_bytes())["cells"]
    code = [n for n, cell in enumerate(cells, start=1) if cell["cell_type"] == "code"]
    return {number: ordinal for ordinal, number in enumerate(code, start=1)}


def _ours_as_nbqa(path: Path, *, lines: bool) -> list[str]:
    """check's findings in nbqa's numbering (code cells only), line numbers optional."""
    ordinal = _code_cell_numbers(path)
    found = []
    result = check("--isolated", "--select=CVX001,CVX002", str(path))
    assert result.returncode == 1, output(result)
    for line in result.stdout.splitlines():
        file, cell, row, rest = line.split(":", 3)
        found.append(f"{file}:cell_{ordinal[int(cell[5:])]}:{row if lines else ''}:{rest}")
    return found


def _theirs(path: Path, *, lines: bool) -> list[str]:
    result = nbqa("flake8", str(path), "--isolated", "--select=CVX001,CVX002")
    assert result.returncode == 1, output(result)
    split = (line.split(":", 3) for line in result.stdout.splitlines())
    return [f"{file}:{cell}:{row if lines else ''}:{rest}" for file, cell, row, rest in split]


def test_nbqa_flake8_reports_the_same_findings(tmp_path: Path) -> None:
    pytest.importorskip("nbqa")
    pep8 = tmp_path / "pep8.ipynb"
    pep8.write_bytes(
        notebook(
            ("code", IMPORTS),
            ("markdown", "prose"),
            ("code", "import random\n\n\n" + SITE),
            ("code", "\n" + SITE.replace("task", "other")),
        )
    )
    assert _theirs(pep8, lines=True) == _ours_as_nbqa(pep8, lines=True)
    # nbqa runs autopep8 --select=E3 on its script first: where that adds blank lines (the
    # seed's cells have one, not two, before each def), its line numbers move; ours do not.
    seed = copy(SEED, tmp_path)
    assert _theirs(seed, lines=False) == _ours_as_nbqa(seed, lines=False)
    assert _theirs(seed, lines=True) != _ours_as_nbqa(seed, lines=True)


def test_nbqa_per_file_ignores_match_its_temporary_file(tmp_path: Path) -> None:
    pytest.importorskip("nbqa")
    path = copy(SEED, tmp_path)
    flags = ("--isolated", "--select=CVX001")
    by_notebook = nbqa("flake8", str(path), *flags, "--per-file-ignores=seed.ipynb:CVX001")
    # flake8 never sees the notebook's name
    assert by_notebook.stdout.count("CVX001") == 2, output(by_notebook)
    ignored = nbqa("flake8", str(path), *flags, "--per-file-ignores=*_nbqa_ipynb.py:CVX001")
    assert ignored.returncode == 0 and ignored.stdout == "", output(ignored)


def test_nbqa_runs_fix_and_keeps_its_cell_separators(tmp_path: Path) -> None:
    pytest.importorskip("nbqa")
    path = copy(SEED, tmp_path)
    result = nbqa("flake8_covalent_executor fix", str(path), "--isolated")
    assert result.returncode == 1, output(result)
    assert "separators" not in result.stderr, output(result)
    old, new = json.loads(SEED.read_bytes()), json.loads(path.read_bytes())
    assert [{k: v for k, v in c.items() if k != "source"} for c in new["cells"]] == [
        {k: v for k, v in c.items() if k != "source"} for c in old["cells"]
    ]
    first = source_of(new["cells"][0])
    assert '_local_executor = LocalExecutor(log_stdout="/tmp/task_1.log")\n' in first
    assert '_local_executor_2 = LocalExecutor(log_stdout="/tmp/task_2.log")\n' in first
    checked = check("--isolated", str(path))
    assert checked.returncode == 0, output(checked)


# -- the bundled copy ----------------------------------------------------------------------------
def test_the_example_notebook_is_the_seed_notebook() -> None:
    assert (ROOT / "examples" / "seed_notebook.ipynb").read_bytes() == SEED.read_bytes()
    result = check("--isolated", str(ROOT / "examples"))
    assert "examples/seed_notebook.ipynb:cell_1:7:23: CVX001 " in result.stdout, output(result)


def test_seed_notebook_is_written_as_jupyter_writes() -> None:
    for path in (SEED, MAGICS):
        content = json.loads(path.read_bytes())
        assert content["nbformat"] == 4
        expected = json.dumps(content, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
        assert path.read_text(encoding="utf-8") == expected
